"""The sandbox over HTTP (`billecta-bot sandbox`), served by waitress.

32 worker threads by default, so eight or more clients with injected latency are served in
parallel (the latency sleep happens outside the sandbox's state lock).
"""

from __future__ import annotations

from typing import Any

import waitress
from waitress import wasyncore

from bot.sandbox.app import Sandbox

DEFAULT_THREADS = 32


class SandboxServer:
    """A bound, not yet running server: `run()` blocks (e.g. in a thread), `close()` stops it."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0,
                 threads: int = DEFAULT_THREADS) -> None:
        self._map: dict[int, Any] = {}
        # waitress's default loop timeout (1 s): shorter ones slow every request down.
        self._server = waitress.create_server(sandbox.wsgi_app, map=self._map, host=host, port=port, threads=threads,
                                              ident="billecta-sandbox")
        self._running = False
        self.host = host
        self.port = int(self._server.effective_port)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def run(self) -> None:
        self._running = True
        try:
            self._server.run()
        finally:
            self._running = False

    def close(self) -> None:
        """Stop serving; a running `run()` returns promptly."""
        self._server.task_dispatcher.shutdown()
        if self._running:
            # Close the sockets from the server's own loop thread, which the trigger wakes up.
            try:
                self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
            except OSError:
                # The loop ended between the check and the pull and closed its trigger (EBADF, seen in
                # test teardowns under load): nothing is left to wake, so close what remains from here.
                wasyncore.close_all(self._map)
        else:
            wasyncore.close_all(self._map)


def make_server(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0,
                threads: int = DEFAULT_THREADS) -> SandboxServer:
    """Bind the sandbox to host:port (port 0 picks a free one; read it from `.port`)."""
    return SandboxServer(sandbox, host, port, threads)

