"""Every dialog whose form can be drawn from the store's mirror (`DialogSpec.prepare_from_mirror`)
prepares from it what Billecta's fresh read would, and its "as of" form passes the strict Slack rules.

Parametrized over the registry like tests/test_command_contracts.py, on the same demo records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from blocks.forms import FormContext, form_view
from blocks.metadata import FlowState
from bot import commands as registry
from bot.commands import Command, Kind
from bot.config import Settings
from bot.demo import link_demo
from bot.runner import prepared_fresh, prepared_from_mirror
from bot.runtime import Runtime, build_runtime
from bot.services import prefill
from bot.services.labels import label
from tests.slack.slack_rules import check_view
from tests.test_command_contracts import _sample

TWINS = [c for c in registry.COMMANDS if c.available and c.kind is Kind.DIALOG and c.dialog.prepare_from_mirror]


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(_env_file=None,  # type: ignore[call-arg]
                                     billecta_bot_db=tmp_path_factory.mktemp("twins") / "bot.db"))
    link_demo(runtime)  # the demo as the bot knows it: linked and pulled (whole views, balances, settings)
    yield runtime
    runtime.close()


def test_every_invoice_dialog_has_a_mirror_twin() -> None:
    assert {"register-manual-payments", "register-writeoff-payments", "use-credit-on-invoice",
            "create-reminder-invoice", "invoice-postpone-next-event", "swish-request",
            "send-to-debt-collection"} <= {c.slug for c in TWINS}


@pytest.mark.parametrize("command", TWINS, ids=lambda c: c.slug)
def test_the_mirror_twin_prepares_what_billecta_would(rt: Runtime, command: Command) -> None:
    _, key, row = _sample(rt, command)
    quick = prepared_from_mirror(rt, command, row)
    assert quick is not None, f"the mirror of the demo's {key} should stand in for `{command.name}`"
    assert quick[prefill.AS_OF] == row["last_synced_at"] and prefill.stale(quick)
    assert {k: v for k, v in quick.items() if k != prefill.AS_OF} == prepared_fresh(rt, command, row)
    state = FlowState(command=command.slug, key=key, label=label(command.record_type, row), prepared=quick,
                      draft="0123456789abcdef")
    view = form_view(FormContext(command, state.label or "", quick, {}), state.pack())
    check_view(view)
    assert "As of " in str(view["blocks"][1])
