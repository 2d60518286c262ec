"""bot.grammar: `/billecta` and `billecta-bot run` read a command with one parser, and say the same."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from bot.cli.commands import parse_run_words
from bot.cli.main import cli_syntax
from bot.errors import UsageError
from bot.grammar import one_target
from handlers.grammar import parse

INPUTS = [
    "invoice pause 1001",
    "pause-invoice 1001",
    "limepkg_billecta_integration.pause-invoice 1001",
    "show-event-log debtor 3",
    "debtor events 3 text=reminder",
    "debtor events 3 --text reminder --event-type=InvoiceSent",
    "invoice payment 1001 amount=500 --payment-date 2025-01-10",
    "invoice payment 1001 Amount=500 payment-date=2025-01-10",
    "debtor upsert 1-5 7 --changed",
    "debtcollection events 7540000005",
    # bad ones
    "invoce pause 1001",
    "invoice paws 1001",
    "show-event-log article 3",
    "show-event-log",
    "invoice pause 1001 --force yes",
    "invoice pause 1001 force=yes",
    "invoice payment 1001 colour=red",
    "invoice payment 1001 amount=5 amount=6",
    "invoice payment 1001 --amount",
    "debtor events 3 colour=red",
    "debtor upsert 1 --force yes",
    "report receivables from=2025-01-01",
]


def _slash(text: str) -> Any:
    try:
        parsed = parse(text)
    except UsageError as exc:
        return "error", exc.user_message
    assert parsed.command is not None
    return parsed.command.name, parsed.record_type, parsed.targets, parsed.flags


def _shell(text: str) -> Any:
    try:
        run = parse_run_words(shlex.split(text))
    except UsageError as exc:
        return "error", exc.user_message
    return run.command.name, run.record_type, run.targets, run.options


@pytest.mark.parametrize("text", INPUTS)
def test_slack_and_the_shell_read_a_command_alike(text: str) -> None:
    assert _slash(text) == _shell(text)


@pytest.mark.parametrize(("text", "said"), [
    ("invoice payment 1001 Amount=500 --payment-date 2025-01-10",
     ("invoice payment", "invoice", ["1001"], {"amount": "500", "payment_date": "2025-01-10"})),
    ("show-event-log debtor 3 --all", ("* events", "debtor", ["3", "--all"], {})),
    ("invoice payment 1001 amount=5 amount=6", ("error", "amount is given twice ('5' and '6'); give it once.")),
    ("invoice pause 1001 force=yes",
     ("error", "`invoice pause` takes no field=value options; usage: `/billecta invoice pause <id>`.")),
    ("show-event-log", ("error", "Say whose events: `/billecta show-event-log "
                                 "<invoice|order|debtor|creditor|debtcollection|payment> <id>`.")),
])
def test_what_the_grammar_makes_of_it(text: str, said: Any) -> None:
    assert _shell(text) == said


def test_the_shell_shows_the_same_error_in_its_own_syntax() -> None:
    _, message = _shell("invoice pause 1001 --force yes")
    assert cli_syntax(message) == ("`billecta-bot run invoice pause` takes no field=value options; "
                                   "usage: `billecta-bot run invoice pause <id>`.")
    _, message = _shell("invoce pause 1001")
    assert cli_syntax(message).startswith("I don't know `billecta-bot run invoce pause 1001`. Did you mean "
                                          "`billecta-bot run invoice pause`")


@pytest.mark.parametrize(("text", "said"), [
    ("invoice pause 1001", "1001"),
    ("report receivables", None),
    ("creditor events", None),  # the creditor's log: the store's one creditor (Slack said "acts on one record")
    ("creditor events 1", "1"),
    ("invoice pause 1001 1002", "`invoice pause` acts on one record: `/billecta invoice pause <id>`."),
    ("debtor events --all", "`debtor events` acts on one record: `/billecta debtor events <id>`."),
    ("invoice pause", "Say which invoice: `/billecta invoice pause <id>`."),
])
def test_the_one_record_a_command_acts_on(text: str, said: str | None) -> None:
    run = parse_run_words(shlex.split(text))
    try:
        assert one_target(run.command, run.record_type, run.targets) == said
    except UsageError as exc:
        assert exc.user_message == said
