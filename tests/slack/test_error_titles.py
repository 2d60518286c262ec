"""Error views in Slack take their title from the error's own class (bot.errors), not from a guess."""

from __future__ import annotations

import pytest

from bot.errors import BillectaRejected, BotError, ConfigError, InvoiceStateError, StoreUnavailable
from bot.sandbox import DEMO
from bot.slack.errors import headline
from bot.slack.ui import Where

from .conftest import Stack


@pytest.mark.parametrize(("exc", "title"), [
    (ConfigError("BILLECTA_SECURE_TOKEN is not set, so the bot cannot call Billecta."), "Configuration problem"),
    (StoreUnavailable("BILLECTA_BOT_DB: cannot open /nope/bot.db."), "Database problem"),
    (InvoiceStateError("The invoice is paused."), "Not possible now"),
    (BillectaRejected("The invoice is already paused"), "Billecta said no"),
])
def test_an_error_view_is_titled_by_its_error(stack: Stack, exc: BotError, title: str) -> None:
    """The open dialog turns into the error, through the one exit for errors after the ack."""
    stack.client.command(f"invoice payment {DEMO.invoices['open']}", user="UOPER")
    stack.settle()
    view_id = stack.fake.opened()
    stack.bot.deps.fail(Where(user="UOPER", view_id=view_id), exc)
    stack.settle()
    shown = stack.fake.view(view_id)
    assert shown["title"]["text"] == title
    assert exc.user_message in str(shown["blocks"])


def test_something_that_is_not_a_bot_error_is_not_blamed_on_billecta() -> None:
    assert headline(RuntimeError("boom")) == "Something went wrong"
