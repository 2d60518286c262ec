"""`billecta-bot serve`: refuses to start without credentials, saying which and how to get them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.cli import main

from .fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


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


def _serve(tmp_path: Path, fake_url: str, *args: str) -> tuple[subprocess.Popen[str], dict[str, object]]:
    """`billecta-bot serve --http …` in its own process, up to its first /healthz answer."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BILLECTA_", "ROLE_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake_url,
               BILLECTA_BOT_DB=str(tmp_path / "bot.db"), PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1",
                                "--port", str(port), *args], cwd=tmp_path, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return process, httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
        except httpx.HTTPError:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
    process.kill()
    raise AssertionError("serve did not answer /healthz")


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


@pytest.mark.slow
@pytest.mark.parametrize(("args", "worker"), [((), "running"), (("--no-worker",), "not running")])
def test_serve_http_answers_healthz_and_runs_the_worker_unless_told_not_to(
        fake_slack: FakeSlack, tmp_path: Path, args: tuple[str, ...], worker: str) -> None:
    process, health = _serve(tmp_path, fake_slack.url, *args)
    try:
        assert health == {"ok": True, "billecta": "sandbox (embedded)", "sandbox": True, "store": "ok",
                          "worker": worker}
    finally:
        code, err = _stop(process)
    assert code == 0
    assert "everyone is admin" in err  # no ROLE_* settings on the sandbox: said at start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
