"""Every available command keeps the contract of its kind's flow (bot/specs.py, handlers/flows/__init__.py).

Parametrized over the registry, so a newly wired command is checked without writing a test for it: its
blocks module imports and has what the flow calls, what its form reads from Billecta fits in the
modal's private_metadata, its form, view and confirmation pass the strict Slack rules, its fields and
filters appear under the names the CLI and `--help` use. Run against the embedded demo sandbox with a
real store, on a record of the demo that can take the command (SAMPLES).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from blocks.confirm import action_message
from blocks.forms import FormContext, form_module, form_view
from blocks.ids import ActionId
from blocks.metadata import FlowState
from blocks.views import ViewContext, view_modal, view_module
from bot import commands as registry
from bot.cli.commands import command_help
from bot.commands import Command, Kind
from bot.config import Settings
from bot.demo import link_demo
from bot.runner import load_dialog, resolve_one
from bot.runtime import Runtime, build_runtime
from bot.services.labels import label, line
from bot.services.mirror import resolve
from bot.specs import ActionSpec, DialogSpec, JobSpec, ViewSpec
from tests.slack.slack_rules import check_message, check_view

# A record of the embedded demo (bot/sandbox/seed.py) each one-record command can act on, as
# (record type, target). A command wired without one fails here: add the demo record it takes.
# A report acts on no record: (its type, None).
SAMPLES: dict[str, tuple[str, str | None]] = {
    "account-receivables-report": ("report", None),
    "account-reconciliation-report": ("report", None),
    "report-creator": ("report", None),
    "fetch-and-save-invoice-pdf": ("invoice", "1001"),
    "register-manual-payments": ("invoice", "1001"),
    "register-writeoff-payments": ("invoice", "1002"),
    "use-credit-on-invoice": ("invoice", "1006"),
    "create-reminder-invoice": ("invoice", "1002"),
    "invoice-postpone-next-event": ("invoice", "1001"),
    "send-to-debt-collection": ("invoice", "1002"),
    "dispute-invoice": ("invoice", "1001"),
    "cancel-disputed-invoice": ("invoice", "1004"),
    "pause-invoice": ("invoice", "1001"),
    "resume-paused-invoice": ("invoice", "1003"),
    "show-event-log": ("invoice", "1001"),
    "swish-request": ("invoice", "1002"),
    "add-message-to-orderrow": ("orderrow", "101001"),
    # The demo's unmatched bank payment (DEMO.unhandled_payments["unmatched"]).
    "delete-unhandled-payment": ("payment", "c23aa651-dca7-5dcf-8235-ab7f8bf892bd"),
    "match-unhandled-payments": ("payment", "c23aa651-dca7-5dcf-8235-ab7f8bf892bd"),
    # The demo's case, from invoice 1007 (ReadyForBailiff; postponing needs a stage with a next event).
    "debtcollection-postpone-next-event": ("debtcollection", "1007"),
    "cancel-debtcollection": ("debtcollection", "1007"),
    "send-to-long-term-surveillance": ("debtcollection", "1007"),
    "send-to-bailiff": ("debtcollection", "1007"),
}
# The sandbox stage a sample's case is put in before the command is tried on it (its own control).
STAGES: dict[str, str] = {"debtcollection-postpone-next-event": "DebtCollectionClaimDue",
                          "send-to-bailiff": "ReadyForBailiff", "cancel-debtcollection": "ReadyForBailiff",
                          "send-to-long-term-surveillance": "ReadyForBailiff"}

AVAILABLE = [command for command in registry.COMMANDS if command.available]
ONE_RECORD = [command for command in AVAILABLE if not command.is_job]


def _id(command: Command) -> str:
    return command.slug


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(_env_file=None,  # type: ignore[call-arg]
                                     billecta_bot_db=tmp_path_factory.mktemp("contracts") / "bot.db"))
    link_demo(runtime)
    yield runtime
    runtime.close()


def _sample(rt: Runtime, command: Command) -> tuple[str, Any, Any]:
    assert command.slug in SAMPLES, f"add a demo record `{command.name}` can take to SAMPLES"
    record_type, key = SAMPLES[command.slug]
    if key is None:
        return record_type, None, None
    row = resolve(rt, record_type, key) if command.record_type == "*" else resolve_one(rt, command, key)
    if command.slug in STAGES:
        assert rt.sandbox is not None
        rt.sandbox.set_debtcollection_stage(str(row["action_public_id"]), STAGES[command.slug])
    return record_type, key, row


def _blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return list(view["blocks"])


def _input_ids(view: dict[str, Any]) -> set[str]:
    return {str(block["block_id"]) for block in _blocks(view) if block.get("type") == "input"}


@pytest.mark.parametrize("command", registry.COMMANDS, ids=_id)
def test_the_spec_is_the_one_its_kind_takes(command: Command) -> None:
    wanted = JobSpec if command.is_job else {Kind.ACTION: ActionSpec, Kind.DIALOG: DialogSpec,
                                             Kind.VIEW: ViewSpec}[command.kind]
    assert command.spec is None or isinstance(command.spec, wanted)
    assert command.available == (command.spec is not None)


@pytest.mark.parametrize("command", AVAILABLE, ids=_id)
def test_help_names_what_the_command_takes(command: Command) -> None:
    record_type = registry.EVENT_LOG_TYPES[0] if command.record_type == "*" else command.record_type
    text = command_help([record_type, command.verb])
    assert command.title in text and "not available" not in text.lower()
    if isinstance(command.spec, DialogSpec):
        listed = {row.split()[0] for row in text.split("fields:\n", 1)[1].splitlines()}
        assert listed == set(command.spec.form.model_fields)


@pytest.mark.parametrize("command", [c for c in ONE_RECORD if c.kind is Kind.DIALOG], ids=_id)
def test_a_dialog_form_fits_slack_and_names_its_fields(rt: Runtime, command: Command) -> None:
    spec = command.dialog
    module = form_module(command)
    if spec.blocks:
        assert importlib.import_module(spec.blocks) is module and callable(module.form_blocks)
    record_type, key, _ = _sample(rt, command)
    row, prepared = load_dialog(rt, command, key)
    state = FlowState(command=command.slug, record_type=record_type, key=key, channel="C0WORK",
                      label=label(record_type, row), prepared=prepared)
    packed = state.pack()  # raises when what prepare read does not fit in private_metadata
    prefill = {name: value for name, value in prepared.items() if name in spec.form.model_fields}
    view = form_view(FormContext(command, label(record_type, row), prepared, prefill), packed)
    check_view(view)
    required = {name for name, info in spec.form.model_fields.items() if info.is_required()}
    assert required <= _input_ids(view), f"required fields without an input block: {required - _input_ids(view)}"
    errors = {name: "Example error" for name in spec.form.model_fields}
    check_view(form_view(FormContext(command, label(record_type, row), prepared, prefill, errors), packed))


@pytest.mark.parametrize("command", [c for c in ONE_RECORD if c.kind is Kind.VIEW], ids=_id)
def test_a_view_fits_slack_and_offers_its_filters_and_exports(rt: Runtime, command: Command) -> None:
    spec = command.view
    module = view_module(command)
    if spec.blocks:
        assert importlib.import_module(spec.blocks) is module
        assert callable(module.view_blocks) and callable(module.export)
    record_type, key, row = _sample(rt, command)
    options: dict[str, Any] = {"record_type": record_type, "refresh": True}
    result = spec.service(rt, row, options)
    ctx = ViewContext(command, label(record_type, row) if row is not None else None, result, {})
    view = view_modal(ctx, FlowState(command=command.slug, record_type=record_type, key=key).pack())
    check_view(view)
    assert set(spec.options) <= _input_ids(view), "every filter the CLI takes is an input of the modal"
    buttons = [element for block in _blocks(view) if block.get("type") == "actions"
               for element in block["elements"] if str(element.get("action_id", "")).startswith(ActionId.VIEW_EXPORT)]
    if spec.blocks:
        assert sorted(button["value"] for button in buttons) == sorted(spec.exports)
    for fmt in spec.exports:
        exported = module.export(ctx, fmt)
        assert exported.filename.endswith(f".{fmt}") and exported.content


@pytest.mark.parametrize("command", [c for c in ONE_RECORD if c.kind is Kind.ACTION], ids=_id)
def test_an_action_is_checked_before_it_is_confirmed(rt: Runtime, command: Command) -> None:
    spec = command.action
    record_type, key, row = _sample(rt, command)
    if spec.precheck is not None:
        spec.precheck(rt, row)  # the sample is one Billecta accepts: no refusal
    check_message(action_message(command, line(record_type, row), FlowState(
        command=command.slug, record_type=record_type, key=key).pack()))


def test_every_sample_names_an_available_command() -> None:
    commands = {slug: registry.by_slug(slug) for slug in SAMPLES}
    assert [slug for slug, command in commands.items() if command is None or not command.available] == []
