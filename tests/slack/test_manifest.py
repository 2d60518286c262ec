"""manifest.yml is what `billecta-bot manifest` generates from the registry (like sqlite-utils' docs test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import commands as registry
from bot.cli import main
from bot.slack.manifest import manifest, render, shortcut_types

COMMITTED = Path(__file__).resolve().parents[2] / "manifest.yml"


def test_committed_manifest_matches_the_generator() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(), (
        "manifest.yml is stale: run `billecta-bot manifest > manifest.yml`")


def test_cli_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest"]) == 0
    assert capsys.readouterr().out == render()


def test_shortcuts_scopes_and_limits() -> None:
    data = manifest()
    shortcuts = data["features"]["shortcuts"]
    assert len(shortcuts) <= 10
    assert {s["type"] for s in shortcuts} == {"global", "message"}
    assert all(len(s["name"]) <= 24 and len(s["description"]) <= 150 for s in shortcuts)
    assert len(shortcut_types()) == len([t for t in registry.RECORD_TYPES if t != "report"])
    assert {"commands", "chat:write", "files:write", "users:read", "usergroups:read", "im:write"} <= set(
        data["oauth_config"]["scopes"]["bot"])
    assert data["features"]["app_home"]["home_tab_enabled"] and data["settings"]["socket_mode_enabled"]


def test_http_variant_points_every_url_at_the_events_path() -> None:
    data = manifest("https://bot.example.com/")
    url = "https://bot.example.com/slack/events"
    assert data["features"]["slash_commands"][0]["url"] == url
    assert data["settings"]["interactivity"] == {"is_enabled": True, "request_url": url,
                                                 "message_menu_options_url": url}
    assert data["settings"]["socket_mode_enabled"] is False
