"""A fake Slack Web API on localhost that records every call and rejects what Slack would reject.

In the spirit of bolt-python's tests/mock_web_api_server, but stricter: views and messages are
checked against every published Block Kit rule (`slack_rules`); trigger ids must be issued by
`trigger()` and used once within 3 s (`expired_trigger_id` / `exchanged_trigger_id`);
`views.update` needs a known view_id (or external_id) and a current hash (`hash_conflict`);
`chat.update` needs channel and ts and only edits a message the fake posted in that channel
(`message_not_found`); channels in `state.outside` refuse posts and files (`not_in_channel`: the
bot was never invited); `rate_limit()` makes a method answer 429 with Retry-After for N calls or
T seconds; a response_url (`response_url()`) takes at most 5 messages within 30 minutes, each
checked like a chat message. Files go through the files_upload_v2 flow only: getUploadURLExternal (a
filename and a length of at least one byte), the upload of exactly that many bytes, then
completeUploadExternal of uploaded files, once, shared to a channel given by its ID (a name such as
`#general` is `channel_not_found`) that the bot is in, a thread only with its channel.

Waits (`wait_for`, `wait_quiet`) raise on timeout, as bolt-python's mock server does. Per-method
behaviour lives in `answer`: add a method there (or a hook in `handle`, which every Web API call
passes through). `latency_ms` delays each Web API answer as the real API does (100-300 ms); a
call is recorded when it arrives.

Run it on its own for benchmarks: `python -m tests.slack.fake_slack PORT [LATENCY_MS]` from the repository
root.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from .slack_rules import SlackReject, check_message, check_view
from .slack_rules import limit as _limit

TRIGGER_SECONDS = 3.0
RESPONSE_USES = 5  # a response_url takes 5 messages within 30 minutes
RESPONSE_SECONDS = 30 * 60
CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]+$")  # public, DM and private/group channel ids
POLL_SECONDS = 0.02  # serve_forever's shutdown check: the default 0.5 s made every teardown wait
_JSON_FIELDS = ("view", "blocks", "attachments", "files")
log = logging.getLogger("fake_slack")  # each refusal with its detail: pytest shows it under a failing test


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float
    ok: bool = True
    error: str | None = None
    body: bytes = b""
    result: dict[str, Any] = field(default_factory=dict)


@dataclass
class Upload:
    filename: str
    length: int
    content: bytes | None = None  # None until the bytes were posted to the upload URL
    completed: bool = False
    # Set by completeUploadExternal: where the file was shared (None: uploaded but shared nowhere),
    # its title, the message beside it and the thread it went into.
    channel: str | None = None
    title: str | None = None
    comment: str | None = None
    thread_ts: str | None = None


@dataclass
class FakeState:
    calls: list[Call] = field(default_factory=list)
    used_triggers: set[str] = field(default_factory=set)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    # method → (calls still refused or None, monotonic time until which calls are refused or None, Retry-After)
    rate_limits: dict[str, tuple[int | None, float | None, str]] = field(default_factory=dict)
    posted: set[tuple[str, str]] = field(default_factory=set)  # (channel, ts) of chat.postMessage
    outside: set[str] = field(default_factory=set)  # channels the bot is not in: posts and files refused
    response_uses: dict[str, int] = field(default_factory=dict)
    response_issued: dict[str, float] = field(default_factory=dict)  # path → monotonic issue time
    uploads: dict[str, Upload] = field(default_factory=dict)  # file id → the files_upload_v2 flow's state
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 refuses connections under a burst, which Slack never does


class FakeSlack:
    """Start with `start()`; `url` is the Web API base; `calls(method)` what was received."""

    def __init__(self, port: int = 0, latency_ms: int = 0) -> None:
        self.state = FakeState()
        self.latency = latency_ms / 1000
        self._ids = itertools.count(1)
        self.server = _Server(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(POLL_SECONDS,), daemon=True)

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test helpers ----------------------------------------------------------------------
    def trigger(self, issued_at: float | None = None) -> str:
        return make_trigger(issued_at)

    def response_url(self, issued_at: float | None = None) -> str:
        """A response_url as Slack sends with an interaction: 5 messages within 30 minutes of `issued_at`."""
        path = f"/_response/{next(self._ids)}"
        with self.state.lock:
            self.state.response_issued[path] = time.monotonic() if issued_at is None else issued_at
        return self.url.removesuffix("/api") + path

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        with self.state.lock:
            return [c for c in self.state.calls if (method is None or c.method == method)
                    and (ok is None or c.ok == ok)]

    def fail_next(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        """The next call of `method` answers `status` (429 with Retry-After, 500…)."""
        with self.state.lock:
            self.state.failures.setdefault(method, []).append((status, headers or {}))

    def rate_limit(self, method: str, *, calls: int | None = None, seconds: float | None = None,
                   retry_after: float = 1) -> None:
        """`method` answers 429 with Retry-After for the next `calls` calls, or for `seconds`, or (neither)
        until `lift(method)`, as Slack does while an app is over a rate limit."""
        until = time.monotonic() + seconds if seconds is not None else None
        after = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
        with self.state.lock:
            self.state.rate_limits[method] = (calls, until, after)

    def lift(self, method: str) -> None:
        with self.state.lock:
            self.state.rate_limits.pop(method, None)

    def _rate_limited(self, method: str) -> str | None:
        """The Retry-After to answer with while `method` is limited (state.lock held)."""
        limit = self.state.rate_limits.get(method)
        if limit is None:
            return None
        calls, until, after = limit
        if (until is not None and time.monotonic() >= until) or calls == 0:
            del self.state.rate_limits[method]
            return None
        if calls is not None:
            self.state.rate_limits[method] = (calls - 1, until, after)
        return after

    def view(self, view_id: str) -> dict[str, Any]:
        return self.state.views[view_id]

    def opened(self) -> str:
        """The id of the last modal opened."""
        return str(self.calls("views.open", ok=True)[-1].result["view"]["id"])

    def wait_quiet(self, seconds: float = 0.15, timeout: float = 10.0) -> None:
        """Until no call has arrived for `seconds` (the app's background posts have landed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.state.lock:
                last = self.state.calls[-1].at if self.state.calls else 0.0
            if time.monotonic() - last >= seconds:
                return
            time.sleep(seconds / 3)
        raise TimeoutError(f"Slack calls kept arriving for {timeout} s: {[c.method for c in self.calls()[-10:]]}")

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, **match: Any) -> list[Call]:
        """Block until `count` successful calls of `method` (whose args contain `match`) arrived;
        TimeoutError (naming what did arrive) when they do not."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls(method, ok=True) if all(c.args.get(k) == v for k, v in match.items())]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(c.method, c.error) for c in self.calls()[-10:]]
                raise TimeoutError(f"{count} {method} call(s) matching {match} expected within {timeout} s, "
                                   f"{len(found)} arrived; last calls: {seen}")
            time.sleep(0.02)

    def uploaded(self) -> dict[str, Upload]:
        """The files shared through files_upload_v2, by file id."""
        with self.state.lock:
            return {k: v for k, v in self.state.uploads.items() if v.completed}

    # -- the server --------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                data = json.dumps([{"method": c.method, "at": c.at, "ok": c.ok, "error": c.error,
                                    "trigger_id": c.args.get("trigger_id"), "view_id": c.args.get("view_id"),
                                    "opened": (c.result.get("view") or {}).get("id"), "inputs": _inputs(c.args)}
                                   for c in fake.calls()]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, answer = fake.handle(self.path, self.headers.get("Content-Type") or "", body)
                if fake.latency and self.path.startswith("/api/"):
                    time.sleep(fake.latency)  # each handler has its own thread: concurrent calls wait together
                data = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
        if path.startswith("/_upload/"):
            return self._upload(path, body)
        if path.startswith("/_response/"):
            return self._respond(path, _parse(content_type, body), body)
        method = path.removeprefix("/api/")
        with self.state.lock:
            queued = self.state.failures.get(method)
            failure = queued.pop(0) if queued else None
            limited = None if failure else self._rate_limited(method)
        if limited is not None:
            failure = (429, {"Retry-After": limited})
        args = _parse(content_type, body)
        if failure:
            self._record(Call(method, args, time.monotonic(), ok=False, error=str(failure[0])))
            return failure[0], failure[1], {"ok": False, "error": "ratelimited" if failure[0] == 429 else "fatal_error"}
        try:
            answer = self.answer(method, args)
        except SlackReject as exc:
            self._record(Call(method, args, time.monotonic(), ok=False, error=str(exc)))
            return 200, {}, {"ok": False, "error": str(exc).split(":")[0], "detail": str(exc)}
        self._record(Call(method, args, time.monotonic(), result=answer))
        return 200, {}, {"ok": True, **answer}

    def _respond(self, path: str, args: dict[str, Any], body: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
        """A response_url: at most RESPONSE_USES messages, each one a valid message."""
        args = {**args, "path": path}
        with self.state.lock:
            queued = self.state.failures.get("_response")
            failure = queued.pop(0) if queued else None
        if failure:
            self._record(Call("_response", args, time.monotonic(), ok=False, error=str(failure[0]), body=body))
            return failure[0], failure[1], {"ok": False}
        try:
            with self.state.lock:
                # a URL minted outside `response_url()` (the benchmark's own processes) counts from its first use
                issued = self.state.response_issued.setdefault(path, time.monotonic())
                _limit(time.monotonic() - issued <= RESPONSE_SECONDS, "expired_url")
                used = self.state.response_uses.get(path, 0)
                _limit(used < RESPONSE_USES, "used_url")
                self.state.response_uses[path] = used + 1
            _limit(args.get("response_type", "ephemeral") in ("ephemeral", "in_channel"), "invalid_response_type")
            check_message(args)
        except SlackReject as exc:
            self._record(Call("_response", args, time.monotonic(), ok=False, error=str(exc), body=body))
            return 404, {}, {"ok": False, "error": str(exc).split(":")[0]}
        self._record(Call("_response", args, time.monotonic(), body=body))
        return 200, {}, {"ok": True}

    def _upload(self, path: str, body: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
        """The bytes posted to an upload URL: a URL that was issued, exactly the announced length."""
        file_id = path.removeprefix("/_upload/")
        with self.state.lock:
            upload = self.state.uploads.get(file_id)
            error = ("file_not_found" if upload is None else
                     f"invalid_length: announced {upload.length}, got {len(body)}" if len(body) != upload.length
                     else None)
            if upload is not None and error is None:
                upload.content = body
        self._record(Call("_upload", {"path": path}, time.monotonic(), ok=error is None, error=error, body=body))
        return (200, {}, {"ok": True}) if error is None else (400, {}, {"ok": False, "error": error})

    def _record(self, call: Call) -> None:
        if not call.ok:
            log.warning("refused %s: %s", call.method, call.error)
        with self.state.lock:
            self.state.calls.append(call)

    def _use_trigger(self, trigger_id: str | None) -> None:
        issued = trigger_time(trigger_id or "")
        _limit(issued is not None, "invalid_trigger_id")
        with self.state.lock:
            _limit(trigger_id not in self.state.used_triggers, "exchanged_trigger_id")
            _limit(time.monotonic() - (issued or 0) <= TRIGGER_SECONDS, "expired_trigger_id")
            self.state.used_triggers.add(trigger_id or "")

    def _store_view(self, method: str, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        _limit(isinstance(view, dict), "invalid_arguments: view is required")
        check_view(view, method=method)
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"{time.monotonic_ns()}.h", "state": {"values": {}}}
        with self.state.lock:
            self.state.views[view_id] = stored
        return {"view": stored}

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in ("views.open", "views.push"):
            self._use_trigger(args.get("trigger_id"))
            return self._store_view(method, args.get("view"))  # type: ignore[arg-type]
        if method == "views.update":
            return self._update_view(args)
        if method == "views.publish":
            _limit(bool(args.get("user_id")), "invalid_arguments: user_id is required")
            return self._store_view(method, args.get("view"), f"home-{args['user_id']}")  # type: ignore[arg-type]
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            return self._message(method, args)
        return self._other(method, args)

    def _update_view(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.update: by view_id or by the external_id the view was opened with, at its current hash."""
        view_id, external_id = args.get("view_id"), args.get("external_id")
        _limit(bool(view_id) != bool(external_id), "invalid_arguments: give view_id or external_id")
        with self.state.lock:
            if external_id:
                view_id = next((k for k, v in self.state.views.items() if v.get("external_id") == external_id), None)
            current = self.state.views.get(view_id or "")
        _limit(current is not None, "not_found")
        _limit(not args.get("hash") or args["hash"] == current["hash"], "hash_conflict")  # type: ignore[index]
        view = args.get("view")
        if isinstance(view, dict) and current.get("external_id") and "external_id" not in view:  # type: ignore[union-attr]
            view = {**view, "external_id": current["external_id"]}  # type: ignore[index]  # stays with the view
        return self._store_view("views.update", view, view_id)  # type: ignore[arg-type]

    def _message(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        _limit(bool(args.get("channel")), "channel_not_found")
        _limit(method != "chat.update" or bool(args.get("ts")), "cant_update_message: ts is required")
        _limit(method == "chat.postEphemeral" or args["channel"] not in self.state.outside, "not_in_channel")
        _limit(method != "chat.postEphemeral" or bool(args.get("user")), "user_not_in_channel")
        check_message(args)
        channel = str(args["channel"])
        with self.state.lock:
            if method == "chat.update":  # only messages posted in that channel (not ephemeral ones)
                _limit((channel, args.get("ts")) in self.state.posted, "message_not_found")
                ts = str(args["ts"])
            else:
                ts = f"{int(time.time())}.{next(self._ids):06d}"
                if method == "chat.postMessage":
                    self.state.posted.add((channel, ts))
        return {"channel": channel, "ts": ts, "message_ts": ts}

    def _other(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        base = self.url.removesuffix("/api")
        answers: dict[str, Any] = {
            "auth.test": {"url": "https://fake.slack.com/", "team": "Fake", "user": "billecta-bot",
                          "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"},
            "usergroups.list": {"usergroups": self.state.usergroups},
            "users.info": {"user": {"id": args.get("user"), "name": args.get("user"), "is_bot": False}},
            "conversations.open": {"channel": {"id": f"D{args.get('users')}"}},
            "files.completeUploadExternal": {"files": [{"id": f["id"], "title": f.get("title")}
                                                       for f in args.get("files") or []]},
        }
        if method == "files.completeUploadExternal":
            self._complete_upload(args)
        if method == "files.getUploadURLExternal":
            return self._upload_url(args, base)
        _limit(method in answers, "unknown_method")
        return answers[method]

    def _upload_url(self, args: dict[str, Any], base: str) -> dict[str, Any]:
        _limit(bool(args.get("filename")), "invalid_arguments: filename is required")
        length = str(args.get("length") or "")
        _limit(length.isdigit() and int(length) > 0, f"invalid_arguments: length must be at least 1, got {length!r}")
        file_id = f"F{next(self._ids):08d}"
        with self.state.lock:
            self.state.uploads[file_id] = Upload(str(args["filename"]), int(length))
        return {"upload_url": f"{base}/_upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> None:
        files = args.get("files")
        channel = args.get("channel_id") or None
        _limit(isinstance(files, list) and bool(files), "invalid_arguments: files is required")
        _limit(channel is None or bool(CHANNEL_ID.match(str(channel))), f"channel_not_found: {channel!r} is not "
               "a channel ID")
        _limit(channel not in self.state.outside, "not_in_channel")
        _limit(not args.get("thread_ts") or channel is not None, "invalid_arguments: thread_ts needs channel_id")
        with self.state.lock:
            for item in files:  # type: ignore[union-attr]
                upload = self.state.uploads.get(item.get("id"))
                _limit(upload is not None and upload.content is not None, "file_not_found: nothing uploaded")
                _limit(not upload.completed, "file_already_completed")  # type: ignore[union-attr]
            for item in files:  # type: ignore[union-attr]
                upload = self.state.uploads[item["id"]]
                upload.completed, upload.channel, upload.title = True, channel, item.get("title")
                upload.comment, upload.thread_ts = args.get("initial_comment"), args.get("thread_ts") or None


_triggers = itertools.count(1)


def make_trigger(issued_at: float | None = None) -> str:
    """A trigger id as Slack would send with an interaction; it carries its issue time (monotonic clock,
    shared by every process on the machine) so the fake can run in another process than the client."""
    at = time.monotonic() if issued_at is None else issued_at
    return f"{next(_triggers)}.{int(at * 1e9)}.trigger"


def trigger_time(trigger_id: str) -> float | None:
    parts = trigger_id.split(".")
    if len(parts) != 3 or parts[2] != "trigger" or not parts[1].isdigit():
        return None
    return int(parts[1]) / 1e9


def _parse(content_type: str, body: bytes) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(body or b"{}")
    args: dict[str, Any] = dict(parse_qsl(body.decode(errors="replace")))
    for name in _JSON_FIELDS:
        if isinstance(args.get(name), str):
            with contextlib.suppress(ValueError):
                args[name] = json.loads(args[name])
    if "payload" in args:
        args["payload"] = json.loads(args["payload"])
    return args


def _inputs(args: dict[str, Any]) -> int:
    """How many input blocks the call's view has (a form, rather than "Loading…"), for benchmarks."""
    view = args.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else None
    return sum(1 for b in blocks or [] if isinstance(b, dict) and b.get("type") == "input")


if __name__ == "__main__":  # its own process, for benchmarks: python -m tests.slack.fake_slack PORT
    import sys

    FakeSlack(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0).server.serve_forever(POLL_SECONDS)
