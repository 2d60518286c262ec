"""Swish in the sandbox: the confirmed path (and the old one refused as no such route), the payer who
answers after N status reads or through the hook, cancelling, and expiry after Swish's 3 minutes."""

from __future__ import annotations

from bot.sandbox import DEMO

from .helpers import Api


def _create(h: Api, number: str = DEMO["overdue"], phone: str = "46701234567", message: str = "Invoice 1002") -> str:
    return str(h.ok("POST", f"/v1/payments/swish/{h.aid(number)}",
                    params={"phone": phone, "message": message})["PublicId"])


def test_the_confirmed_path_only(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    old = h.refused("POST", "/v1/payments/swish", status=404, json={"ActionPublicId": aid, "PhoneNumber": "0701234567"})
    assert old.startswith("No HTTP resource was found")
    for phone in ("12345", "0811112222", "+4681234567"):
        assert h.refused("POST", f"/v1/payments/swish/{aid}", params={"phone": phone, "message": "x"}) == \
            "The phone number is not a Swedish mobile number (07… or +467…)."
    assert "20 characters" in h.refused("POST", f"/v1/payments/swish/{aid}", params={"phone": "0" * 21})
    assert "50 characters" in h.refused("POST", f"/v1/payments/swish/{aid}",
                                        params={"phone": "0701234567", "message": "x" * 51})
    assert "body must be empty" in h.refused("POST", f"/v1/payments/swish/{aid}", params={"phone": "0701234567"},
                                             json={"PhoneNumber": "0701234567"})
    assert h.refused("POST", f"/v1/payments/swish/{h.aid(DEMO['completed'])}", params={"phone": "0701234567"}) == \
        "The invoice is already completed."
    assert "debt collection" in h.refused("POST", f"/v1/payments/swish/{h.aid(DEMO['in_debt_collection'])}",
                                          params={"phone": "0701234567"})


def test_the_payer_answers_on_the_second_read_and_the_payment_lands(h: Api) -> None:
    aid = h.aid(DEMO["overdue"])
    token = _create(h)
    assert h.get(aid)["State"]["SwishPaymentPublicId"] == token
    first = h.ok("GET", f"/v1/payments/swish/{token}")
    assert first["Status"] == "Created" and first["Amount"]["Value"] == 431_250
    paid = h.ok("GET", f"/v1/payments/swish/{token}")
    assert paid["Status"] == "Paid" and paid["PaidDate"]
    assert h.get(aid)["State"]["Stage"] == "Completed"
    h.refused("GET", "/v1/payments/swish/NOPE", status=404)


def test_the_hook_and_the_payer_settings_drive_any_outcome(h: Api) -> None:
    h.ok("POST", "/_sandbox/swish", json={"Outcome": None})
    token = _create(h)
    for _ in range(5):
        assert h.ok("GET", f"/v1/payments/swish/{token}")["Status"] == "Created"
    declined = h.ok("POST", f"/_sandbox/swish/{token}", json={"Status": "Declined"})
    assert declined["Status"] == "Declined" and declined["ErrorCode"] == "RF07"
    assert "already Declined" in h.refused("POST", f"/_sandbox/swish/{token}", json={"Status": "Paid"})
    assert "Status must be one of" in h.refused("POST", f"/_sandbox/swish/{token}", json={"Status": "Maybe"})
    assert h.ok("POST", "/_sandbox/swish", json={"Outcome": "Error", "AfterPolls": 1}) == \
        {"Outcome": "Error", "AfterPolls": 1}
    assert "AfterPolls" in h.refused("POST", "/_sandbox/swish", json={"AfterPolls": 0})


def test_cancel_only_while_the_payer_has_not_answered(h: Api) -> None:
    h.ok("POST", "/_sandbox/swish", json={"Outcome": None})
    token = _create(h)
    h.ok("DELETE", f"/v1/payments/swish/{token}")
    assert h.ok("GET", f"/v1/payments/swish/{token}")["Status"] == "Cancelled"
    assert "its status is Cancelled" in h.refused("DELETE", f"/v1/payments/swish/{token}")


def test_an_unanswered_request_expires_after_three_minutes(h: Api) -> None:
    h.ok("POST", "/_sandbox/swish", json={"Outcome": None})
    token = _create(h)
    h.sb.advance_days(1)
    expired = h.ok("GET", f"/v1/payments/swish/{token}")
    assert expired["Status"] == "Error" and expired["ErrorCode"] == "TM01"
    assert h.get(h.aid(DEMO["overdue"]))["State"]["Stage"] != "Completed"
