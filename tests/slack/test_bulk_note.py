"""Asked again because the records changed: the reason leads the typed-count modal as it does the message."""

from blocks.confirm import bulk_view
from bot import commands as registry


def test_the_typed_count_modal_says_why_it_asks_again() -> None:
    command = registry.find("debtor", "anonymize")
    note = "The records changed since you were asked: it is now 2, not 3."
    view = bulk_view(command, 2, ["debtor 1", "debtor 2"], "{}", note)
    assert note in view["blocks"][0]["text"]["text"]
    assert note not in str(bulk_view(command, 2, ["debtor 1", "debtor 2"], "{}"))
