"""The full stack for end-to-end tests: fake Slack Web API, sandbox Billecta, real store and job queue,
the app behind waitress on a free port, and a client that signs Slack payloads."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from bot.billecta.endpoints import ENDPOINTS
from bot.config import Settings, load_settings
from bot.demo import mirror_demo_into_store
from bot.jobs import JobQueue
from bot.runtime import Runtime, build_runtime
from bot.sandbox import Sandbox
from bot.slack.app import SlackBot, build_notifier, build_web_client, create_bot
from bot.slack.server import make_http_server
from bot.store import Store

from .fake_slack import FakeSlack
from .payloads import SlackClient

SECRET = "test-signing-secret"
ROLES = {"role_admins": "UADMIN", "role_operators": "UOPER,SOPS", "role_viewers": "UVIEW"}


@dataclass
class Stack:
    fake: FakeSlack
    bot: SlackBot
    rt: Runtime
    jobs: JobQueue
    sandbox: Sandbox
    client: SlackClient
    server: Any
    billecta: CountingTransport

    def open_view(self, text: str) -> str:
        """`/billecta <text>` answered with an empty 200 and one modal opened: the modal's view id."""
        reply, _ = self.client.command(text)
        assert reply.status == 200 and reply.text == ""
        self.settle()
        (opened,) = self.fake.calls("views.open", ok=True)
        return str(opened.result["view"]["id"])

    def settle(self, timeout: float = 20.0) -> None:
        """Wait for background work: the flows' pool, then the jobs."""
        self.bot.deps.idle(timeout)
        for job in self.jobs.list(50):
            if not job.finished:
                self.jobs.wait(job.id, timeout=timeout)
        self.bot.deps.idle(timeout)
        outbox = getattr(self.bot.deps.notifier, "outbox", None)
        if outbox is not None:  # a job's notifier posts through the outbox after the job is marked finished
            assert outbox.wait_delivered(timeout), "the Slack outbox did not empty"
        self.fake.wait_quiet()

    def responses(self, response_url: str) -> list[dict[str, Any]]:
        """What the app posted to a response_url, oldest first."""
        path = urlparse(response_url).path
        return [c.args for c in self.fake.calls("_response", ok=True) if c.args["path"] == path]

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [c.args for c in self.fake.calls("chat.postMessage", ok=True) if c.args.get("channel") == channel]


def make_settings(fake: FakeSlack, tmp: Path, **overrides: Any) -> Settings:
    values = {"slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET, "slack_api_url": fake.url,
              "notify_channel": "CNOTIFY", "alert_channel": "CALERT", "billecta_bot_db": tmp / "bot.db", **ROLES}
    return load_settings(**{**values, **overrides})


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.state.usergroups = [{"id": "SOPS", "handle": "ops", "users": ["UGROUPOP"]}]
    yield fake
    fake.stop()


_READS = frozenset(e.path for e in ENDPOINTS.values() if e.reads)


class CountingTransport(httpx.BaseTransport):
    """The sandbox's transport, counting Billecta calls: (method, path) in order."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.calls: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        return self.inner.handle_request(request)

    def count(self, method: str, path_part: str) -> int:
        """Calls of `method` whose path holds `path_part`; a query sent as a PUT (an endpoint marked
        `reads`, the pull's incoming payments) changes nothing, so it is no write of that method."""
        return sum(1 for m, p in self.calls if m == method and path_part in p and p not in _READS)


def build_stack(fake: FakeSlack, tmp: Path, *, latency_ms: int = 0, **overrides: Any) -> Stack:
    settings = make_settings(fake, tmp, **overrides)
    sandbox = Sandbox(":memory:", seed="demo")
    billecta = CountingTransport(sandbox.transport())
    rt = build_runtime(settings, store=Store(tmp / "bot.db"), transport=billecta)
    mirror_demo_into_store(rt)
    sandbox.set_faults(latency_ms=latency_ms)
    client = build_web_client(settings)
    notifier = build_notifier(settings, rt, client)
    jobs = JobQueue(rt, notifier, poll_seconds=0.5)
    jobs.start()
    bot = create_bot(settings, rt, jobs=jobs, web_client=client, notifier=notifier)
    server = make_http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=_serve, args=(server,), daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    return Stack(fake, bot, rt, jobs, sandbox, SlackClient(url, SECRET, fake), server, billecta)


def _serve(server: Any) -> None:
    with contextlib.suppress(OSError):  # closed under the running loop at teardown
        server.run()


def close_stack(stack: Stack) -> None:
    stack.client.close()
    stack.server.close()
    stack.jobs.shutdown(wait=True)
    stack.bot.deps.shutdown()
    stack.rt.close()
    stack.sandbox.close()


@pytest.fixture
def stack(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Stack]:
    built = build_stack(fake_slack, tmp_path)
    yield built
    close_stack(built)
