"""The baseline for bench/ack_latency.py: a bare Bolt app whose `/billecta` listener acks and calls
views.open, served like the bot (waitress, Bolt's WSGI adapter, the same thread count), so the
benchmark's ratios show what the bot's own work adds.

    python bench/bare_bolt.py PORT SLACK_API_URL SIGNING_SECRET
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress.server import create_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.slack.server import EVENTS_PATH, HEALTH_PATH, HTTP_THREADS  # noqa: E402

VIEW = {"type": "modal", "title": {"type": "plain_text", "text": "Bare Bolt"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Opened by the bare app."}}]}


def build(api_url: str, secret: str) -> App:
    app = App(client=WebClient(token="xoxb-bench", base_url=api_url.rstrip("/") + "/"), signing_secret=secret)

    @app.command("/billecta")
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=VIEW)

    return app


def main() -> None:
    port, api_url, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    slack = SlackRequestHandler(build(api_url, secret), path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return slack(environ, start_response)

    create_server(application, host="127.0.0.1", port=port, threads=HTTP_THREADS, ident="bare-bolt").run()


if __name__ == "__main__":
    main()
