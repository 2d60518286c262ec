"""On the embedded sandbox: link the store's records to the sandbox's demo data, once.

The linking is the one `billecta-bot pull` does for any account (`bot.services.link`): debtors and
products by external id, the creditor, order drafts by ExternalReference; then Billecta's side is
pulled into the mirror, so every command has something to act on straight away. Runs once per
sandbox (an idempotency key remembers it), whatever was imported before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.runtime import Runtime


def link_demo(rt: Runtime) -> None:
    """The step after `build_runtime` wherever a person meets the embedded sandbox (every CLI command that
    talks to Billecta, `serve`): the demo records linked into the store, so the first command has something
    to act on. Nothing for a configured Billecta, a sandbox seeded empty, or a runtime on a given transport."""
    if rt.demo:
        mirror_demo_into_store(rt)


def mirror_demo_into_store(rt: Runtime) -> None:
    if not rt.store.claim(f"demo-linked:{rt.billecta.creditor_id}"):
        return
    from bot.services.link import link_billecta
    from bot.services.pull import pull

    link_billecta(rt)
    pull(rt)
