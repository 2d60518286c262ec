"""The debt-collection case's stage rules: in every stage, each operation's `Can*` flag says exactly
whether the sandbox accepts it; a refusal is Billecta's 400 with its message, an accepted one is logged."""

from __future__ import annotations

import pytest

from bot.billecta.enums import DebtCollectionStage

from .helpers import Api

# (flag, method, path) per case operation; `{aid}` is the case.
OPERATIONS = {
    "postpone": ("CanPostpone", "PUT", "/v1/debtcollection/postpone/{aid}?date=2099-01-01"),
    "cancel": ("CanCancel", "PUT", "/v1/debtcollection/cancel/{aid}"),
    "surveillance": ("CanSendToLongTermSurveilance", "PUT", "/v1/debtcollection/sendtolongtermsurveilance/{aid}"),
    "bailiff": ("CanSendToBailiff", "PUT", "/v1/debtcollection/SendToBailiff/{aid}"),
}
STAGES = [s.value for s in DebtCollectionStage if s not in (DebtCollectionStage.None_, DebtCollectionStage.Unknown)]


def _occurred(h: Api, case_id: str) -> int:
    return len([e for e in h.case(case_id)["Events"] if e["HasOccured"]])


@pytest.fixture()
def case_id(h: Api) -> str:
    h.ok("POST", "/v1/debtcollection/actionfrominvoice", json={"SourcePublicId": h.aid("1002")})
    return str(h.invoice("1002")["DebtCollectionActionPublicId"])


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_stage_flag_agrees_with_what_is_accepted(h: Api, case_id: str, operation: str) -> None:
    flag, method, path = OPERATIONS[operation]
    for stage in STAGES:
        h.sb.set_debtcollection_stage(case_id, stage)
        allowed = h.case(case_id)[flag]
        events = _occurred(h, case_id)
        if allowed:
            h.ok(method, path.format(aid=case_id))
            assert _occurred(h, case_id) == events + 1, (operation, stage, "logged")
        else:
            message = h.refused(method, path.format(aid=case_id))
            assert message and message.endswith("."), (operation, stage, message)
            assert h.case(case_id)["State"]["Stage"] == stage, (operation, stage, "nothing changed")


def test_the_stage_rules_the_commands_rely_on(h: Api, case_id: str) -> None:
    def flags(stage: str) -> tuple[bool, bool, bool, bool]:
        h.sb.set_debtcollection_stage(case_id, stage)
        case = h.case(case_id)
        return (case["CanPostpone"], case["CanSendToBailiff"], case["CanSendToLongTermSurveilance"],
                case["CanCancel"])

    assert flags("DebtCollectionInvoiceSent") == (True, False, False, True)
    assert flags("DebtCollectionClaimDue") == (True, False, True, True)
    assert flags("ReadyForBailiff") == (False, True, True, True)  # no next event there
    assert flags("SentToBailiff") == (False, False, True, True)
    assert flags("LongTermSurveilance") == (False, False, False, True)
    assert flags("Cancelled") == (False, False, False, False)
    h.sb.set_debtcollection_stage(case_id, "ReadyForBailiff")
    assert h.refused("PUT", f"/v1/debtcollection/postpone/{case_id}?date=2099-01-01") == \
        "The case has no upcoming step to postpone."
