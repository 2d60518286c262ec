"""Benchmark: how often `payment match` suggests the right invoice first (target >= 95%).

A seeded, reproducible world of four creditors with look-alike debtors ('Nordic Café AB', 'Nordic
Cafe Bar AB', 'Nordic Café Göteborg AB'; 'Anna Svensson', 'Anna Svantesson'), several open invoices
per debtor, amounts shared between invoices, partly paid invoices, and invoice numbers (so OCRs) that
repeat across creditors, plus a creditor with euro invoices. Each payment is made for one invoice the
way people pay: the OCR right, mistyped (two digits swapped, one wrong, missing or extra) or grouped
with spaces, the invoice number instead, a wrong number or nothing; the full amount, a part or too
much; the sender as the bank prints it (upper case, no diacritics, no company form, cut off, a typo)
or someone else; paid around the due date or late. Every payment is matched against ALL open
invoices of all creditors, so a suggestion of another creditor's or currency's invoice is counted.

    .venv/bin/python bench/matching.py [--payments 400] [--seed 9]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from stdnum import luhn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.services.matching import Level, OpenInvoice, PaymentFacts, suggest  # noqa: E402

CREDITORS = ("cred-norr", "cred-syd", "cred-vast", "cred-ost")
EURO_CREDITOR = "cred-vast"  # a third of its invoices are in euro
COMMON_AMOUNTS = (49_900, 99_500, 125_000, 250_000, 375_000, 50_000, 100_000, 199_900)  # minor units

_PLACES = ("Nordic", "Lund", "Berg", "Solna", "Norr", "Väst", "Öster", "Fjäll", "Havs", "Skog", "Sjö",
           "Malm", "Ek", "Björk", "Stor", "Ådal", "Kust", "Gran", "Ljung", "Älv")
_TRADES = ("Café", "Fastigheter", "Bygg", "Konsult", "Måleri", "Transport", "Bageri", "El & Data", "VVS",
           "Städ", "Redovisning", "Trädgård")
_FORMS = ("AB", "AB", "AB", "HB", "", "Ekonomisk förening")
_FIRST = ("Anna", "Anders", "Maria", "Erik", "Karin", "Lars", "Eva", "Johan", "Sofia", "Per", "Åsa", "Jörgen")
_LAST = ("Svensson", "Svantesson", "Johansson", "Jönsson", "Lindqvist", "Lindkvist", "Öberg", "Åberg",
         "Karlsson", "Carlsson", "Nilsson", "Nielsen")
_CITIES = ("Göteborg", "Malmö", "Uppsala", "Stockholm")


@dataclass(frozen=True)
class Case:
    payment: PaymentFacts
    expected: OpenInvoice
    how: str  # how the reference was written, for the breakdown
    clueless: bool = False  # no reference, not the debtor's name, not the full amount: nothing to go on


def ocr_for(number: str) -> str:
    """The sandbox's OCR scheme (bot.sandbox.invoices.ocr_for): the digits, a length digit, a Luhn digit."""
    base = number + str((len(number) + 2) % 10)
    return base + luhn.calc_check_digit(base)


def _company(rng: random.Random) -> list[str]:
    """One company and, often, its look-alikes: another trade word, a city, an 's', another form."""
    place, trade, form = rng.choice(_PLACES), rng.choice(_TRADES), rng.choice(_FORMS)
    name = " ".join(p for p in (place, trade, form) if p)
    alikes = [
        " ".join(p for p in (place, trade, "Bar" if trade == "Café" else "Service", form) if p),
        " ".join(p for p in (place, trade, rng.choice(_CITIES), form) if p),
        " ".join(p for p in (place + "s", trade, rng.choice(("AB", "HB"))) if p),
    ]
    return [name, *rng.sample(alikes, rng.choice((0, 1, 1, 2)))]


def _person(rng: random.Random) -> list[str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    twin = {"Svensson": "Svantesson", "Lindqvist": "Lindkvist", "Öberg": "Åberg", "Karlsson": "Carlsson",
            "Nilsson": "Nielsen", "Johansson": "Jönsson"}.get(last)
    return [f"{first} {last}", *([f"{first} {twin}"] if twin and rng.random() < 0.5 else [])]


def _debtor_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        for name in _company(rng) if rng.random() < 0.7 else _person(rng):
            if name not in names:
                names.append(name)
    return names[:count]


def _amount(rng: random.Random) -> tuple[int, int]:
    """(invoiced, remaining) in minor units; a fifth of invoices are already part paid."""
    invoiced = rng.choice(COMMON_AMOUNTS) if rng.random() < 0.5 else rng.randrange(200, 25_000) * 100 + rng.choice(
        (0, 0, 50, rng.randrange(100)))
    remaining = invoiced if rng.random() < 0.8 else invoiced - rng.randrange(1, invoiced // 100) * 100
    return invoiced, max(remaining, 100)


def build_world(rng: random.Random, debtors_per_creditor: int = 36) -> list[OpenInvoice]:
    shared = _debtor_names(rng, 12)  # customers of several creditors
    invoices: list[OpenInvoice] = []
    for creditor in CREDITORS:
        names = list(dict.fromkeys(rng.sample(shared, 6) + _debtor_names(rng, debtors_per_creditor - 6)))
        number = 1001
        for name in names:
            first_due = date(2026, 10, 1) + timedelta(days=rng.randrange(90))
            step = rng.choice((30, 30, 14, 31))
            for k in range(rng.choices((1, 2, 3, 4), weights=(35, 30, 22, 13))[0]):
                currency = "EUR" if creditor == EURO_CREDITOR and rng.random() < 0.33 else "SEK"
                _, remaining = _amount(rng)
                invoices.append(OpenInvoice(
                    number=str(number), creditor_id=creditor, currency=currency, remaining_minor=remaining,
                    debtor_name=name, ocr=ocr_for(str(number)), due_on=first_due + timedelta(days=k * step),
                    action_id=f"{creditor}-{number}"))
                number += 1
    return invoices


def mistype(rng: random.Random, text: str, kind: str) -> str:
    """One typing mistake of `kind` in a number or a name, guaranteed to change it."""
    while True:
        i = rng.randrange(len(text))
        if kind == "swap" and i + 1 < len(text) and text[i] != text[i + 1]:
            return text[:i] + text[i + 1] + text[i] + text[i + 2:]
        if kind == "wrong":
            pool = "0123456789" if text[i].isdigit() else "abcdefghijklmnoprstuvy"
            other = rng.choice([c for c in pool if c != text[i].lower()])
            return text[:i] + other + text[i + 1:]
        if kind == "missing" and len(text) > 1:
            return text[:i] + text[i + 1:]
        if kind == "extra":
            return text[:i] + rng.choice("0123456789" if text[i].isdigit() else "aeinrst") + text[i:]


def _reference(rng: random.Random, inv: OpenInvoice) -> tuple[str | None, str]:
    ocr = inv.ocr or ""
    how = rng.choices(("ocr", "ocr typo", "ocr grouped", "invoice number", "wrong number", "none"),
                      weights=(12, 35, 5, 10, 13, 25))[0]
    if how == "ocr":
        return ocr, how
    if how == "ocr typo":
        kind = rng.choices(("swap", "wrong", "missing", "extra"), weights=(40, 25, 20, 15))[0]
        return mistype(rng, ocr, kind), f"ocr typo ({kind})"
    if how == "ocr grouped":
        return " ".join(ocr[i:i + 3] for i in range(0, len(ocr), 3)), how
    if how == "invoice number":
        return rng.choice((f"Faktura {inv.number}", f"fakt nr {inv.number}", inv.number)), how
    if how == "wrong number":
        base = str(rng.randrange(20_000, 99_999))
        return base + luhn.calc_check_digit(base), how
    return rng.choice((None, "", "Hyra", "betalning", "Tack!")), how


def _plain(name: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def _sender(rng: random.Random, name: str) -> tuple[str | None, bool]:
    """The sender's name as the bank gives it, and whether it is the debtor's at all."""
    bare = " ".join(w for w in name.split() if w not in ("AB", "HB", "Ekonomisk", "förening"))
    how = rng.choices(("same", "bank", "bare", "cut", "typo", "someone else", "none"),
                      weights=(28, 20, 12, 10, 12, 11, 7))[0]
    variants = {"same": lambda: name, "bank": lambda: _plain(name).upper(), "bare": lambda: bare,
                "cut": lambda: _plain(name).upper()[:14],
                "typo": lambda: mistype(rng, name, rng.choice(("swap", "wrong", "missing", "extra"))),
                "someone else": lambda: f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"}
    return (variants[how]() if how in variants else None), how not in ("someone else", "none")


def _paid_amount(rng: random.Random, remaining: int) -> int:
    how = rng.choices(("full", "part", "over"), weights=(68, 20, 12))[0]
    if how == "full":
        return remaining
    if how == "part":
        return max(100, rng.choice((remaining // 2 // 100 * 100, remaining // 3 // 100 * 100,
                                    rng.randrange(1, max(2, remaining // 100)) * 100)))
    return remaining + rng.choice((10_000, 50_000, rng.randrange(1, 500) * 100))


def make_case(rng: random.Random, invoices: list[OpenInvoice]) -> Case:
    inv = rng.choice(invoices)
    late = rng.randrange(-8, 8) if rng.random() < 0.8 else rng.randrange(12, 45)
    reference, how = _reference(rng, inv)
    paid = _paid_amount(rng, inv.remaining_minor)
    sender, debtors_name = _sender(rng, inv.debtor_name or "")
    payment = PaymentFacts(
        creditor_id=inv.creditor_id, amount_minor=paid, currency=inv.currency,
        paid_on=(inv.due_on or date(2026, 12, 1)) + timedelta(days=late), reference=reference,
        sender_name=sender)
    clueless = how in ("none", "wrong number") and not debtors_name and paid != inv.remaining_minor
    return Case(payment, inv, how, clueless)


def generate(payments: int = 400, seed: int = 9) -> tuple[list[OpenInvoice], list[Case]]:
    rng = random.Random(seed)
    invoices = build_world(rng)
    return invoices, [make_case(rng, invoices) for _ in range(payments)]


@dataclass
class Figures:
    payments: int
    first: int
    top3: int
    none: int
    foreign: int  # suggestions of another creditor's or currency's invoice: must stay 0
    high: int  # first suggestions of high confidence
    high_right: int
    debtor_first: int  # the first suggestion is the right debtor's, if not the right invoice
    median_ms: float
    misses: Counter[str]
    kinds: Counter[str]

    @property
    def first_rate(self) -> float:
        return self.first / self.payments


def evaluate(invoices: list[OpenInvoice], cases: list[Case]) -> Figures:
    first = top3 = none = foreign = high = high_right = debtor_first = 0
    misses: Counter[str] = Counter()
    kinds = Counter(case.how.split(" (")[0] for case in cases)
    times: list[float] = []
    for case in cases:
        start = time.perf_counter()
        found = suggest(case.payment, invoices)
        times.append(time.perf_counter() - start)
        foreign += sum(1 for s in found if s.invoice.creditor_id != case.payment.creditor_id
                       or s.invoice.currency != case.payment.currency)
        ranked = [s.invoice for s in found]
        none += not ranked
        first += bool(ranked) and ranked[0] == case.expected
        top3 += case.expected in ranked[:3]
        if ranked and ranked[0].debtor_name == case.expected.debtor_name:
            debtor_first += 1
        if not ranked or ranked[0] != case.expected:
            misses[case.how.split(" (")[0]] += 1
        if found and found[0].level is Level.HIGH:
            high += 1
            high_right += ranked[0] == case.expected
    return Figures(len(cases), first, top3, none, foreign, high, high_right, debtor_first,
                   statistics.median(times) * 1000, misses, kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    invoices, cases = generate(args.payments, args.seed)
    fig = evaluate(invoices, cases)
    n = fig.payments
    print(f"{n} payments (seed {args.seed}) against {len(invoices)} open invoices of {len(CREDITORS)} creditors")
    clueless = sum(case.clueless for case in cases)
    print(f"right invoice first:    {fig.first}/{n} = {fig.first_rate:.1%} (target >= 95%); {clueless} payments "
          f"({clueless / n:.1%}) have no clue at all (no reference, paid by someone else or no name, not the "
          f"full amount)")
    print(f"right invoice in top 3: {fig.top3}/{n} = {fig.top3 / n:.1%}")
    print(f"right debtor first:     {fig.debtor_first}/{n} = {fig.debtor_first / n:.1%}")
    print(f"no suggestion:          {fig.none}")
    print(f"high-confidence firsts right: {fig.high_right}/{fig.high}")
    print(f"suggestions of another creditor or currency: {fig.foreign}")
    print(f"median time per payment: {fig.median_ms:.2f} ms")
    print("right first, by reference: " + ", ".join(
        f"{kind} {count - fig.misses[kind]}/{count}" for kind, count in fig.kinds.most_common()))
    return 0 if fig.first_rate >= 0.95 and fig.foreign == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
