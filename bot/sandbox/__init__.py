"""billecta-bot's offline Billecta: a stateful emulator of the REST API (what BILLECTA_ENV=sandbox runs).

    sb = Sandbox("sandbox.db", seed="demo")        # ":memory:" too; the seed applies to a new file only
    client = httpx.Client(base_url="http://sandbox.billecta.invalid", transport=sb.transport())

Public API: `Sandbox(db_path, *, token, seed, latency_ms, fail_rate, rate_limit, lose_reply_rate, lose_reply_mode,
username, password)`
with `creditor_id`, `transport()`, `wsgi_app`, `handle()`, `now()`, `advance_days()`,
`inject_faults()`, `set_faults()`, `register_incoming_payment()`, `set_debtcollection_stage()`,
`close()`; `bot.sandbox.server.make_server()` serves it over HTTP; `DEMO` lists the demo
data (see seed.py). Requests flow through app.py; the invoice rules are in rules.py.
"""

from bot.sandbox.app import Sandbox, SandboxTransport
from bot.sandbox.errors import ApiError
from bot.sandbox.seed import DEMO, DemoFacts

__all__ = ["DEMO", "ApiError", "DemoFacts", "Sandbox", "SandboxTransport"]
