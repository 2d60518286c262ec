"""The registry is the single source of truth: it must match shared/commands.md's table."""

from bot import commands as registry
from bot.commands import Kind
from bot.roles import Role

# (number, slash grammar, kind, least role) from commands.md.
EXPECTED = [
    (1, "article upsert", "bulk", "operator"), (2, "article delete", "bulk", "admin"),
    (3, "debtor upsert", "bulk", "operator"), (4, "debtor anonymize", "bulk", "admin"),
    (5, "creditor update", "action", "admin"), (6, "invoice credit", "bulk", "admin"),
    (7, "invoice pdf", "action", "operator"), (8, "invoice use-credit", "dialog", "operator"),
    (9, "invoice payment", "dialog", "operator"), (10, "invoice writeoff", "dialog", "admin"),
    (11, "invoice reminder", "dialog", "operator"), (12, "invoice dispute", "action", "operator"),
    (13, "invoice undispute", "action", "operator"), (14, "invoice pause", "action", "operator"),
    (15, "invoice resume", "action", "operator"), (16, "invoice postpone", "dialog", "operator"),
    (17, "invoice swish", "dialog", "operator"), (18, "invoice debt-collection", "dialog", "admin"),
    (19, "debtcollection postpone", "dialog", "operator"), (20, "debtcollection cancel", "action", "admin"),
    (21, "debtcollection surveillance", "action", "admin"), (22, "debtcollection bailiff", "dialog", "admin"),
    (23, "payment delete", "dialog", "admin"), (24, "payment match", "dialog", "operator"),
    (25, "order upsert", "bulk", "operator"), (26, "order attest", "bulk", "operator"),
    (27, "order upsert-attest", "bulk", "operator"), (28, "orderrow message", "dialog", "operator"),
    (29, "report receivables", "view", "viewer"), (30, "report reconciliation", "view", "viewer"),
    (31, "report create", "view", "viewer"), (32, "* events", "view", "viewer"),
]
DANGEROUS = {2, 4, 6, 10, 18, 20, 21, 22, 23}


def test_every_command_of_commands_md_is_declared_once() -> None:
    actual = [(c.number, c.name, c.kind.value, c.role.label) for c in registry.COMMANDS]
    assert actual == EXPECTED
    assert {c.number for c in registry.COMMANDS if c.dangerous} == DANGEROUS
    assert len({c.slug for c in registry.COMMANDS}) == 32


def test_dangerous_and_destructive_commands_need_admin() -> None:
    for command in registry.COMMANDS:
        if command.dangerous:
            assert command.role is Role.ADMIN, command.name
    assert registry.find("debtor", "anonymize").typed_confirmation


def test_lookup_by_type_verb_and_slug() -> None:
    assert registry.find("invoice", "pause").slug == "pause-invoice"
    assert registry.by_slug("limepkg_billecta_integration.pause-invoice") is registry.find("invoice", "pause")
    assert registry.find("debtcollection", "events").number == 32
    assert registry.by_slug("nope") is None


def test_state_changing_commands_have_confirmation_text() -> None:
    for command in registry.COMMANDS:
        if command.kind is not Kind.VIEW:
            assert command.confirm, command.name
