"""Role-aware palette, help and denials: a viewer is offered what a viewer may run, and told who grants more."""

from __future__ import annotations

from blocks import help as help_blocks
from blocks.ids import ActionId, BlockId
from blocks.metadata import PickerState
from blocks.picker import Viewer, picker_view
from bot.roles import Actor, Role, who_can_grant
from handlers.grammar import closest, unknown

from .conftest import Stack
from .payloads import field


def _texts(view: dict) -> str:
    return str(view["blocks"])


def test_a_denial_names_the_admins_as_mentions_not_an_environment_variable(stack: Stack) -> None:
    _, response_url = stack.client.command("invoice pause 1001", user="UVIEW")
    stack.settle()
    text = stack.responses(response_url)[-1]["text"]
    assert "needs the operator role; you have viewer" in text
    assert "<@UADMIN>" in text and "ROLE_" not in text


def test_group_admins_are_mentioned_as_user_groups() -> None:
    actor = Actor("UVIEW", Role.VIEWER, "slack", granters=("SADMINS", "UADMIN"))
    assert who_can_grant(actor) == "an admin (<!subteam^SADMINS>, <@UADMIN>)"
    assert who_can_grant(Actor("UVIEW", Role.VIEWER, "slack")) == "whoever runs billecta-bot"


def test_the_palette_offers_a_viewer_only_what_a_viewer_may_run() -> None:
    viewer = Viewer(Role.VIEWER, "an admin (<@UADMIN>)")
    view = picker_view(PickerState(record_type="invoice"), viewer=viewer)
    [commands] = [b for b in view["blocks"] if b.get("block_id") == BlockId.PICKER_COMMAND]
    assert [o["value"] for o in commands["element"]["options"]] == ["show-event-log"]
    # Which operator commands there are grows with the registry: the ones a viewer is told about, by name.
    needs = _texts(view).split("Need the operator role: ", 1)[1].split(" (ask", 1)[0].split(", ")
    assert {"pdf", "use-credit", "payment", "dispute", "undispute", "pause", "resume"} <= set(needs)
    assert "writeoff" in _texts(view).split("Need the admin role: ", 1)[1].split(" (ask", 1)[0].split(", ")
    palette = picker_view(PickerState(), viewer=viewer)
    [types] = [b for b in palette["blocks"] if b.get("block_id") == BlockId.PICKER_TYPE]
    assert "article" not in [o["value"] for o in types["element"]["options"]]
    assert "Commands on article, orderrow need a higher role" in _texts(picker_view(PickerState(), viewer=viewer))


def test_the_palette_over_http_is_role_aware(stack: Stack) -> None:
    stack.client.command("", user="UVIEW")
    stack.settle()
    view_id = stack.fake.opened()
    picked = field(BlockId.PICKER_TYPE, ActionId.PICKER_TYPE, "static_select", "invoice")
    stack.client.view_action(view_id, ActionId.PICKER_TYPE, block_id=BlockId.PICKER_TYPE, values=picked, user="UVIEW")
    stack.settle()
    shown = stack.fake.view(view_id)
    [commands] = [b for b in shown["blocks"] if b.get("block_id") == BlockId.PICKER_COMMAND]
    assert "pause-invoice" not in str(commands) and "<@UADMIN>" in _texts(shown)


def test_help_marks_what_needs_a_role() -> None:
    text = str(help_blocks.overview(role=Role.VIEWER, grants="an admin (<@UADMIN>)")["blocks"])
    invoice = text.split("*invoice*: events · 🔒 operator: ", 1)[1].split(" · ", 2)
    assert {"pdf", "use-credit", "payment", "dispute", "undispute", "pause", "resume"} <= set(invoice[0].split(", "))
    assert "writeoff" in invoice[1].removeprefix("🔒 admin: ").split(", ") and "<@UADMIN>" in text
    assert "needs the operator role" in str(help_blocks.for_type("invoice", role=Role.VIEWER)["blocks"])
    assert "🔒" not in str(help_blocks.for_type("invoice", role=Role.ADMIN)["blocks"])


def test_did_you_mean_suggests_only_commands_the_user_can_run() -> None:
    assert "invoice pause" in closest("invoice paus", role=Role.OPERATOR)
    assert "invoice pause" not in closest("invoice paus", role=Role.VIEWER)
    assert "report create" in closest("report creat", role=Role.VIEWER)  # available to viewers now
    assert "invoice events" in unknown("invoice evnts", Role.VIEWER)
