"""The Billecta sandbox served over HTTP on a free local port, for tests that run the bot as a real
process (kill -9, the CLI) or need a real connection to lose a reply on."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.sandbox import Sandbox
from bot.sandbox.server import SandboxServer, make_server


@contextmanager
def serving(box: Sandbox, **server_options: Any) -> Iterator[SandboxServer]:
    """`box` served until the block ends; the sandbox itself is the caller's to close."""
    server = make_server(box, port=0, **server_options)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(5)


def bot_env(tmp_path: Path, box: Sandbox, server: SandboxServer, **extra: str) -> dict[str, str]:
    """The environment of a bot process with its own store in `tmp_path`, pointed at the served `box`."""
    return {**os.environ, "BILLECTA_BOT_DB": str(tmp_path / "bot.db"), "BILLECTA_BASE_URL": server.url,
            "BILLECTA_SECURE_TOKEN": "sandbox", "BILLECTA_CREDITOR_ID": box.creditor_id, **extra}
