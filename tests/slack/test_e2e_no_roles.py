"""No ROLE_* settings: on the sandbox everyone is admin (and serve says so); elsewhere nobody writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocks.ids import ActionId, BlockId
from bot.cli.slack import _announce

from .conftest import build_stack, close_stack, make_settings
from .fake_slack import FakeSlack
from .payloads import find_element

NO_ROLES = {"role_admins": "", "role_operators": "", "role_viewers": ""}


def test_sandbox_without_roles_lets_everyone_be_admin(fake_slack: FakeSlack, tmp_path: Path) -> None:
    stack = build_stack(fake_slack, tmp_path, **NO_ROLES)
    try:
        _, url = stack.client.command("debtor anonymize 2", user="UANYONE")
        stack.settle()
        assert find_element(stack.responses(url)[-1]["blocks"], ActionId.BULK_TYPED_OPEN)
    finally:
        close_stack(stack)


def test_test_environment_without_roles_lets_nobody_write(fake_slack: FakeSlack, tmp_path: Path) -> None:
    stack = build_stack(fake_slack, tmp_path, billecta_env="test", billecta_secure_token="sandbox", **NO_ROLES)
    try:
        _, url = stack.client.command("invoice pause 1001", user="UANYONE")
        stack.settle()
        denied = stack.responses(url)[-1]
        assert "needs the operator role; you have viewer" in denied["text"]
        assert denied["blocks"][0].get("block_id") != BlockId.SANDBOX  # not the sandbox: no label
        _, url = stack.client.command("invoice events 1001", user="UANYONE")  # reading is still allowed
        stack.settle()
        assert stack.fake.calls("views.open", ok=True)
        assert stack.billecta.count("PUT", "pause") == 0
    finally:
        close_stack(stack)


@pytest.mark.parametrize(("env", "said"), [("sandbox", "everyone is admin"), ("test", "nobody may change")])
def test_serve_says_so_at_start(fake_slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                env: str, said: str) -> None:
    settings = make_settings(fake_slack, tmp_path, billecta_env=env, **NO_ROLES)
    _announce(settings, "x", no_worker=False, schedules=0)
    assert said in capsys.readouterr().err
