"""`billecta-bot serve`: refuses to start without credentials, saying which and how to get them."""

from __future__ import annotations

import pytest

from bot.cli import main


def test_serve_without_credentials_names_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 78
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "SLACK_SIGNING_SECRET" in err and "manifest.yml" in err


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert main(["serve"]) == 78
    err = capsys.readouterr().err
    assert "Socket Mode needs SLACK_BOT_TOKEN," in err and "SLACK_SIGNING_SECRET" not in err.split("\n")[0]


def test_http_flag_wins_over_the_app_token(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["serve", "--http"]) == 78
    assert "HTTP mode needs SLACK_SIGNING_SECRET" in capsys.readouterr().err
