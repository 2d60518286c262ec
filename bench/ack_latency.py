"""Ack latency under a slow Billecta and a slow Slack: 200 signed slash commands, 20 at a time.

Five processes, as in a deployment: the Billecta sandbox server with injected latency
(`billecta-bot sandbox --latency-ms 2000`), the bot in HTTP mode (`billecta-bot serve --http`, with its
job worker) pointed at it, the fake Slack Web API from tests/slack (SLACK_API_URL; it records when
each call arrived and answers each after `--slack-latency-ms`, as the real API takes 100-300 ms), a
bare Bolt app (bench/bare_bolt.py: ack, then views.open in the listener) as the baseline, and this
process, the load generator. Each command opens a modal (the payment dialog, the event log, the
command palette), and for every request we measure:
  - ack: request → its HTTP response (target p99 < 100 ms),
  - open: request → its views.open at the fake Slack (target: every one within 1 s),
  - filled: request → the modal's last views.update (its content, after the slow Billecta calls).
The same load is then sent to the bare app, in the same run, and the bot's p50/p99 are given as
ratios to the bare app's.

    .venv/bin/python bench/ack_latency.py [--requests 200] [--concurrency 20] [--latency-ms 2000]
                                          [--slack-latency-ms 150]

`--forms` measures the dialogs alone (every invoice dialog in turn, FORM_COMMANDS, each bot's store
filled by `billecta-bot pull` first, as a deployment's schedules keep it): time to form, from the
request to the first view with the form's inputs (target: p99 within 1 s with Billecta at 2 s), and
time to fresh, to the form redrawn with Billecta's figures, overall and per dialog. The same load goes,
in the same run, to this tree's bot and to a bot built from `--before` (default: the commit before forms
were filled from the mirror, checked out in a temporary git worktree).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slack.fake_slack import make_trigger  # noqa: E402
from tests.slack.payloads import sign  # noqa: E402

SECRET = "bench-signing-secret"
COMMANDS = ("invoice payment 1001", "invoice events 1002", "")
# Every invoice dialog on a demo invoice it opens a form for, in turn (each user opens one).
FORM_COMMANDS = ("invoice payment 1001", "invoice writeoff 1002", "invoice use-credit 1006", "invoice reminder 1002",
                 "invoice postpone 1001", "invoice swish 1002", "invoice payment 1007", "invoice writeoff 1004",
                 "invoice swish 1004", "invoice debt-collection 1002")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"{name:<7} n={len(ms):>3}  p50 {statistics.median(ms):7.1f} ms  p99 {percentile(ms, 99):7.1f} ms  "
            f"max {max(ms):7.1f} ms")


class Fake:
    """The fake Slack in its own process: its URL, and the calls it recorded."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.url = f"{self.base}/api"

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [c for c in httpx.get(f"{self.base}/_calls", timeout=30).json() if c["method"] == method]

    def wait_opened(self, triggers: set[str], timeout: float) -> None:
        """Until a views.open arrived for each trigger (the bare app opens after its ack)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if triggers <= {c["trigger_id"] for c in self.calls("views.open")}:
                return
            time.sleep(0.2)


def _wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def start(args: argparse.Namespace, tmp: Path) -> tuple[list[subprocess.Popen[bytes]], Fake, str, str]:
    fake_port, sandbox_port, bot_port, bare_port = free_port(), free_port(), free_port(), free_port()
    fake = Fake(fake_port)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BILLECTA_", "ROLE_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url,
               BILLECTA_BASE_URL=f"http://127.0.0.1:{sandbox_port}", BILLECTA_SECURE_TOKEN="sandbox",
               BILLECTA_BOT_DB=str(tmp / "bot.db"), BILLECTA_CONCURRENCY=str(args.billecta_concurrency),
               NOTIFY_CHANNEL="CNOTIFY", ALERT_CHANNEL="CALERT", PYTHONPATH=str(ROOT))
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tmp, "env": env}
    children = [
        subprocess.Popen([sys.executable, "-m", "tests.slack.fake_slack", str(fake_port),
                          str(args.slack_latency_ms)], **quiet),
        subprocess.Popen([sys.executable, "-m", "bot.cli", "sandbox", "--port", str(sandbox_port),
                          "--db", str(tmp / "sandbox.db"), "--latency-ms", str(args.latency_ms)], **quiet),
        subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1",
                          "--port", str(bot_port)], **quiet),
        subprocess.Popen([sys.executable, str(ROOT / "bench" / "bare_bolt.py"), str(bare_port), fake.url, SECRET],
                         **quiet),
    ]
    _wait_up(f"{fake.base}/_calls")
    _wait_up(f"http://127.0.0.1:{bot_port}/healthz")
    _wait_up(f"http://127.0.0.1:{bare_port}/healthz")
    return children, fake, f"http://127.0.0.1:{bot_port}/slack/events", f"http://127.0.0.1:{bare_port}/slack/events"


def load(url: str, fake: Fake, requests: int, concurrency: int,
         commands: tuple[str, ...] = COMMANDS) -> list[tuple[str, float, float]]:
    """(trigger id, request start, time to the HTTP response) per request.

    A plain keep-alive http.client connection per worker thread: the load generator shares the
    machine's cores with the bot, so it should cost as little as possible.
    """
    target = urlsplit(url)
    local = threading.local()

    def one(i: int) -> tuple[str, float, float]:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
        trigger = make_trigger()
        body = urlencode({"team_id": "T1", "channel_id": "CBENCH", "user_id": "UBENCH", "user_name": "bench",
                          "command": "/billecta", "text": commands[i % len(commands)],
                          "response_url": f"{fake.base}/_response/{i}", "trigger_id": trigger, "api_app_id": "A1"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        started = time.monotonic()
        local.conn.request("POST", target.path, body=body.encode(), headers=headers)
        response = local.conn.getresponse()
        response.read()
        elapsed = time.monotonic() - started
        assert response.status == 200, response.status
        return trigger, started, elapsed

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(requests)))


def wait_filled(fake: Fake, expected: int, timeout: float) -> None:
    """Until every dialog/view modal got its content, or updates stop arriving for 15 s."""
    deadline, last, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        views = len({c["view_id"] for c in fake.calls("views.update") if c["ok"]})
        if views >= expected:
            return
        if views != last:
            last, quiet_since = views, time.monotonic()
        elif time.monotonic() - quiet_since > 15:
            return
        time.sleep(1)


def timings(fake: Fake, sent: list[tuple[str, float, float]]) -> tuple[list[float], list[float], list[str]]:
    """(acks, request → views.open arrival, views.open errors) for the requests in `sent`."""
    triggers = {t for t, _, _ in sent}
    opens = {c["trigger_id"]: c for c in fake.calls("views.open") if c["trigger_id"] in triggers}
    to_open = [opens[t]["at"] - at for t, at, _ in sent if t in opens and opens[t]["ok"]]
    failed = sorted({str(c["error"]) for c in opens.values() if not c["ok"]})
    return [elapsed for _, _, elapsed in sent], to_open, failed


def ratio(name: str, bot: list[float], bare: list[float]) -> str:
    return (f"{name:<7} bot/bare  p50 {statistics.median(bot) / statistics.median(bare):5.2f}x  "
            f"p99 {percentile(bot, 99) / percentile(bare, 99):5.2f}x")


def report(fake: Fake, sent: list[tuple[str, float, float]], bare_sent: list[tuple[str, float, float]],
           args: argparse.Namespace, wall: float) -> bool:
    acks, to_open, failed = timings(fake, sent)
    bare_acks, bare_open, bare_failed = timings(fake, bare_sent)
    opens = {c["trigger_id"]: c for c in fake.calls("views.open")}
    updates = {c["view_id"]: c["at"] for c in fake.calls("views.update") if c["ok"]}
    filled = [updates[opens[t]["opened"]] - at for t, at, _ in sent
              if t in opens and opens[t]["ok"] and opens[t]["opened"] in updates]
    print(f"{args.requests} signed slash commands, {args.concurrency} at a time, sandbox latency "
          f"{args.latency_ms} ms, Slack latency {args.slack_latency_ms} ms, "
          f"BILLECTA_CONCURRENCY={args.billecta_concurrency}; load took {wall:.1f} s")
    print("the bot:")
    print(line("ack", acks))
    print(line("open", to_open))
    if filled:
        print(line("filled", filled))
    within = sum(1 for v in to_open if v <= 1.0)
    print(f"views.open: {len(to_open)} ok, {within}/{len(sent)} within 1 s, failures: {failed or 'none'}")
    print("a bare Bolt app (ack, then views.open in its listener), same load:")
    print(line("ack", bare_acks))
    if bare_open:
        print(line("open", bare_open))
        print(ratio("ack", acks, bare_acks))
        print(ratio("open", to_open, bare_open))
    print(f"views.open: {len(bare_open)} ok, failures: {bare_failed or 'none'}")
    return percentile(acks, 99) < 0.100 and within == len(sent)


# --- --forms: time to form, this tree against the commit before forms came from the mirror ----------


def before_ref() -> str:
    """The parent of the commit that added bot/services/prefill.py (forms filled from the mirror)."""
    added = subprocess.run(["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--",
                            "bot/services/prefill.py"], capture_output=True, text=True, check=True).stdout.split()
    if not added:
        raise SystemExit("no commit adds bot/services/prefill.py here: give --before REF")
    return f"{added[-1]}~1"


def start_forms(args: argparse.Namespace, tmp: Path) -> tuple[list[subprocess.Popen[bytes]], Fake, dict[str, str]]:
    """The fake Slack, the sandbox (no latency yet), two bots (this tree, `before`) with their stores
    pulled, and the bare Bolt app (the machine's floor: ack, then views.open); their URLs by name."""
    fake_port, sandbox_port, after_port, before_port = free_port(), free_port(), free_port(), free_port()
    bare_port = free_port()
    fake, sandbox = Fake(fake_port), f"http://127.0.0.1:{sandbox_port}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tmp / "before"),
                    args.before], check=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BILLECTA_", "ROLE_"))}
    base.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url,
                BILLECTA_BASE_URL=sandbox, BILLECTA_SECURE_TOKEN="sandbox",
                BILLECTA_CONCURRENCY=str(args.billecta_concurrency), NOTIFY_CHANNEL="CNOTIFY", ALERT_CHANNEL="CALERT")
    envs = {"after": {**base, "BILLECTA_BOT_DB": str(tmp / "after.db"), "PYTHONPATH": str(ROOT)},
            "before": {**base, "BILLECTA_BOT_DB": str(tmp / "before.db"), "PYTHONPATH": str(tmp / "before")}}
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tmp}
    children = [
        subprocess.Popen([sys.executable, "-m", "tests.slack.fake_slack", str(fake_port), str(args.slack_latency_ms)],
                         env=envs["after"], **quiet),
        subprocess.Popen([sys.executable, "-m", "bot.cli", "sandbox", "--port", str(sandbox_port),
                          "--db", str(tmp / "sandbox.db")], env=envs["after"], **quiet),
    ]
    children.append(subprocess.Popen([sys.executable, str(ROOT / "bench" / "bare_bolt.py"), str(bare_port), fake.url,
                                      SECRET], env=envs["after"], **quiet))
    _wait_up(f"{fake.base}/_calls")
    _wait_up(f"{sandbox}/_sandbox/clock")
    _wait_up(f"http://127.0.0.1:{bare_port}/healthz")
    for name, port in (("after", after_port), ("before", before_port)):
        subprocess.run([sys.executable, "-m", "bot.cli", "pull"], env=envs[name], check=True, **quiet)
        children.append(subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1",
                                          "--port", str(port)], env=envs[name], **quiet))
        _wait_up(f"http://127.0.0.1:{port}/healthz")
    httpx.post(f"{sandbox}/_sandbox/faults", json={"LatencyMs": args.latency_ms}, timeout=10,
               headers={"Authorization": "SecureToken c2FuZGJveA=="}).raise_for_status()  # base64 of "sandbox"
    urls = {name: f"http://127.0.0.1:{port}/slack/events"
            for name, port in (("before", before_port), ("after", after_port), ("bare Bolt app", bare_port))}
    return children, fake, urls


FormTimings = tuple[list[float], list[float], int]


def form_timings(fake: Fake, sent: list[tuple[str, float, float]],
                 calls: list[dict[str, Any]] | None = None) -> FormTimings:
    """(request → first view with the form's inputs, request → the last update, modals never filled)."""
    calls = calls if calls is not None else httpx.get(f"{fake.base}/_calls", timeout=30).json()
    opened = {c["trigger_id"]: c for c in calls if c["method"] == "views.open" and c["ok"]}
    updates: dict[str, list[dict[str, Any]]] = {}
    for c in calls:
        if c["method"] == "views.update" and c["ok"]:
            updates.setdefault(c["view_id"], []).append(c)
    to_form, to_last, unfilled = [], [], 0
    for trigger, at, _ in sent:
        opening = opened.get(trigger)
        if opening is None:
            unfilled += 1
            continue
        shown = [opening, *updates.get(opening["opened"], [])]
        form = next((c for c in shown if c["inputs"]), None)
        if form is None:
            unfilled += 1
            continue
        to_form.append(form["at"] - at)
        to_last.append(shown[-1]["at"] - at)
    return to_form, to_last, unfilled


def per_dialog(fake: Fake, sent: list[tuple[str, float, float]]) -> dict[str, FormTimings]:
    """form_timings by dialog (`invoice payment`…): `load` sends FORM_COMMANDS in turn, in `sent`'s order."""
    calls = httpx.get(f"{fake.base}/_calls", timeout=30).json()
    verbs: dict[str, list[tuple[str, float, float]]] = {}
    for i, request in enumerate(sent):
        verbs.setdefault(" ".join(FORM_COMMANDS[i % len(FORM_COMMANDS)].split()[:2]), []).append(request)
    return {verb: form_timings(fake, requests, calls) for verb, requests in verbs.items()}


def wait_forms(fake: Fake, sent: list[tuple[str, float, float]], timeout: float) -> None:
    """Until every modal got its form and no update arrived for 10 s (the fresh figures are slower)."""
    deadline, last, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        calls = len(httpx.get(f"{fake.base}/_calls", timeout=30).json())
        _, _, unfilled = form_timings(fake, sent)
        if calls != last:
            last, quiet_since = calls, time.monotonic()
        elif unfilled == 0 and time.monotonic() - quiet_since > 10:
            return
        time.sleep(1)


def forms(args: argparse.Namespace) -> int:
    args.before = args.before or before_ref()
    results: dict[str, tuple[list[float], list[float], list[float], list[float], int]] = {}
    dialogs: dict[str, dict[str, FormTimings]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        children, fake, urls = start_forms(args, Path(tmp))
        try:
            for name, url in urls.items():
                sent = load(url, fake, args.requests, args.concurrency, FORM_COMMANDS)
                if name in ("before", "after"):
                    wait_forms(fake, sent, args.fill_timeout)
                else:
                    fake.wait_opened({t for t, _, _ in sent}, timeout=60)
                acks, to_open, _ = timings(fake, sent)
                results[name] = (acks, to_open, *form_timings(fake, sent))
                if name in ("before", "after"):
                    dialogs[name] = per_dialog(fake, sent)
        finally:
            for child in children:
                child.terminate()
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(Path(tmp) / "before")],
                           check=False)
    print(f"{args.requests} invoice dialogs ({len(FORM_COMMANDS)} in turn), {args.concurrency} users at a time, "
          f"sandbox latency {args.latency_ms} ms, Slack latency {args.slack_latency_ms} ms, "
          f"BILLECTA_CONCURRENCY={args.billecta_concurrency}; before = {args.before}")
    for name, (acks, to_open, to_form, to_last, unfilled) in results.items():
        print(f"{name}:")
        print(line("ack", acks))
        if to_open:
            print(line("open", to_open))
        if name == "bare Bolt app":
            continue
        if to_form:
            print(line("form", to_form))
            print(line("fresh", to_last))
        print(f"  forms shown: {len(to_form)}/{args.requests}, within 1 s: {sum(v <= 1.0 for v in to_form)}, "
              f"never shown: {unfilled}")
        for verb, (form, last, never) in dialogs.get(name, {}).items():
            shown = f"{line('form', form).strip()}; fresh p50 {statistics.median(last) * 1000:.0f} ms" if form else \
                "no form shown"
            print(f"    {verb:<19} {shown}; never shown {never}")
    _, _, after_form, _, after_unfilled = results["after"]
    ok = bool(after_form) and after_unfilled == 0 and percentile(after_form, 99) <= 1.0 and \
        all(form and percentile(form, 99) <= 1.0 for form, _, _ in dialogs["after"].values())
    print("target met: every form within 1 s (p99)" if ok else "TARGET MISSED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=2000)
    parser.add_argument("--slack-latency-ms", type=int, default=0,
                        help="the fake Slack answers each Web API call after this long (the real one: 100-300)")
    parser.add_argument("--billecta-concurrency", type=int, default=4)
    parser.add_argument("--fill-timeout", type=float, default=240.0)
    parser.add_argument("--forms", action="store_true",
                        help="time to form of every invoice dialog, this tree against --before, in one run")
    parser.add_argument("--before", default=None,
                        help="the git ref to compare with (default: before forms were filled from the mirror)")
    args = parser.parse_args()
    if args.forms:
        return forms(args)
    with tempfile.TemporaryDirectory() as tmp:
        children, fake, url, bare_url = start(args, Path(tmp))
        try:
            began = time.monotonic()
            sent = load(url, fake, args.requests, args.concurrency)
            wall = time.monotonic() - began
            dialogs = sum(1 for i in range(args.requests) if COMMANDS[i % len(COMMANDS)])
            wait_filled(fake, dialogs, args.fill_timeout)
            bare_sent = load(bare_url, fake, args.requests, args.concurrency)
            fake.wait_opened({t for t, _, _ in bare_sent}, timeout=60)
            ok = report(fake, sent, bare_sent, args, wall)
        finally:
            for child in children:
                child.terminate()
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
