"""The pull against the sandbox served over HTTP, with the incoming-payments call's replies lost (a 503,
or the connection dropped after Billecta answered): a pull that cannot get them fails as Billecta being
unavailable and records no mirror_pull, so the next pull asks the same days again and keeps every
movement exactly once; one lost reply is simply asked again, since the call changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.billecta.client import BillectaClient
from bot.config import Settings
from bot.errors import BillectaUnavailable
from bot.reports import movements
from bot.runtime import Runtime
from bot.sandbox import Sandbox
from bot.services.pull import pull
from bot.store import Store
from tests.served import serving

from .pull_ledger import known_moves, make_ledger, moves, pay, today

ATTEMPTS = 5


@dataclass
class Served:
    box: Sandbox
    rt: Runtime


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    box = Sandbox(":memory:", seed="demo")
    with serving(box, threads=2) as server:
        # The client's own retries, without their waits: the test is about what reaches the store.
        client = BillectaClient(httpx.Client(base_url=server.url, timeout=10), token="sandbox",
                                creditor_id=box.creditor_id, max_attempts=ATTEMPTS, sleep=lambda _: None)
        rt = Runtime(settings=Settings(_env_file=None), store=Store(tmp_path / "bot.db"),  # type: ignore[call-arg]
                     billecta=client)
        yield Served(box, rt)
        client.close()
        rt.store.close()
    box.close()


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_a_pull_whose_payments_are_lost_fails_cleanly_and_the_next_keeps_each_movement_once(
        served: Served, mode: str) -> None:
    rt, box = served.rt, served.box
    ledger = make_ledger(rt)
    pull(rt)
    pulls = rt.store.count("mirror_pull")
    # Paid while the pulls cannot see it: X in part, registered today but dated two days ago (outside
    # the days the next pull asks for), Y in full, so it closes.
    pay(rt, ledger.ids["X"], "200.00", today() - timedelta(days=2))
    pay(rt, ledger.ids["Y"], "2000.00", today())
    mirrored = rt.store.rows("invoice", order_by="id")
    box.set_faults(lose_next=ATTEMPTS, lose_reply_mode=mode)  # every attempt's reply is lost
    with pytest.raises(BillectaUnavailable):
        pull(rt)
    assert box.faults.lose_next == 0 and rt.store.count("mirror_pull") == pulls  # nothing says it ran
    assert rt.store.rows("invoice", order_by="id") == mirrored  # and nothing was half stored
    box.set_faults(lose_next=0)
    report = pull(rt)
    later = [("X", movements.PAYMENT, 200_00, today() - timedelta(days=2), "incoming_payment"),
             ("Y", movements.PAYMENT, 2000_00, today(), "incoming_payment")]
    assert moves(rt, ledger) == sorted([*known_moves(), *later], key=lambda m: (m[3], m[1], m[2]))
    assert report.movements == 2 and rt.store.count("mirror_pull") == pulls + 1
    assert pull(rt).movements == 0 and len(moves(rt, ledger)) == len(known_moves()) + 2
    x, y = (rt.store.find_by("invoice", "action_public_id", ledger.ids[key]) for key in "XY")
    assert x is not None and (x["paid_amount"], x["current_amount"]) == (500_00, 650_00)
    assert y is not None and y["stage"] == "Completed" and y["paid_amount"] == 2000_00


def test_one_lost_reply_is_asked_again_within_the_same_pull(served: Served) -> None:
    rt, box = served.rt, served.box
    ledger = make_ledger(rt)
    box.set_faults(lose_next=1, lose_reply_mode="drop")
    report = pull(rt)
    assert box.faults.lose_next == 0 and rt.store.count("mirror_pull") == 1
    assert moves(rt, ledger) == known_moves() and report.unread == 0
