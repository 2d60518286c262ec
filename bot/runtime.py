"""Builds everything a command needs (settings, store, Billecta client, embedded sandbox) in one place.

No module creates these at import time; tests pass their own store or transport in. Building calls
nobody: linking the embedded sandbox's demo records into the store is the explicit next step
(`bot.demo.link_demo`) where a person meets the sandbox (the CLI's commands, `serve`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from bot import timefmt
from bot.billecta.client import BillectaClient
from bot.config import Settings
from bot.store import Store

if TYPE_CHECKING:
    from bot.sandbox import Sandbox

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    billecta: BillectaClient
    sandbox: Sandbox | None = None
    owned: list[object] = field(default_factory=list)
    demo: bool = False  # the embedded sandbox built here was seeded with the demo data (bot.demo links it)

    @property
    def target_label(self) -> str:
        """Where Billecta calls go, as shown in /healthz, the App Home and every sandbox message."""
        if self.settings.uses_embedded_sandbox:
            return "sandbox (embedded)"
        return f"{self.settings.billecta_env.value} ({self.settings.base_url})"

    def close(self) -> None:
        self.billecta.close()
        for thing in self.owned:
            close = getattr(thing, "close", None)
            if close:
                close()


def build_runtime(settings: Settings, *, store: Store | None = None,
                  transport: httpx.BaseTransport | None = None, seed: str = "demo") -> Runtime:
    owned: list[object] = []
    timefmt.configure(settings.display_timezone)
    sandbox = None
    if transport is None and settings.uses_embedded_sandbox:
        from bot.sandbox import Sandbox

        sandbox = Sandbox(settings.sandbox_db, token=settings.secure_token or "sandbox", seed=seed)
        transport = sandbox.transport()
        owned.append(sandbox)
    if store is None:
        store = Store(settings.billecta_bot_db)
        owned.append(store)
    client = BillectaClient.from_settings(settings, transport=transport)
    return Runtime(settings=settings, store=store, billecta=client, sandbox=sandbox, owned=owned,
                   demo=sandbox is not None and seed == "demo")
