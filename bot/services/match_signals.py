"""The signals `bot.services.matching` weighs, each as points and the reason in words.

The points are log-odds-like weights on one scale (`matching.NONE_POINTS` is the "none of these"
baseline): an exact OCR is near proof; an OCR one typing mistake away is strong when the paid number
fails its Luhn check digit (it was certainly mistyped) and weaker when it passes (it may be another
real OCR); an amount or a name alone is suggestive; the due date mostly breaks ties between one
debtor's invoices. Swedish OCR numbers end in a Luhn (mod 10) check digit (Billecta's may also carry a
length digit before it, which the Luhn check covers as any other digit).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from stdnum import luhn

from bot.money import format_amount
from bot.timefmt import format_day


@dataclass(frozen=True)
class Signal:
    """Points, and the reason in words, written only for the invoices that are suggested: formatting
    money for every open invoice of a creditor would cost more than all the scoring."""

    points: float
    words: Callable[[], str] | None = None

    @property
    def reason(self) -> str | None:
        return self.words() if self.words else None


NONE = Signal(0.0)

OCR_EXACT = 60.0
OCR_MISTYPED = 42.0  # one mistake away and the paid number fails its check digit
OCR_NEAR_VALID = 26.0  # one mistake away but the paid number passes its check digit
OCR_NEAR_OTHER = 10.0  # one mistake away, but the paid number is exactly another open invoice's OCR
INVOICE_NUMBER = 45.0
AMOUNT_EQUAL = 28.0
# An amount shared by n open invoices tells 1/n as much (log-odds fall by ln n): 'equals 1 250,00 kr'
# says little when five invoices are of 1 250,00 kr.
AMOUNT_SHARED = 6.0
AMOUNT_PART = 3.0
AMOUNT_OVER = -4.0
AMOUNT_FLOOR = -10.0  # an odd amount alone never buries an invoice the reference or the name points to
NAME_SAME = 26.0
NAME_CLOSE_FROM = 72  # % alike; below, a name says nothing
NAME_OTHER_BELOW = 50  # % alike; below, the sender is likely someone else (a little against)
NAME_OTHER = -4.0
NAME_KNOWN_FROM = 90  # % alike; a sender this like one debtor is most likely that debtor ...
NAME_ANOTHER = -8.0  # ... which speaks against the invoices of the debtors it is not like
NAME_FORM = 2.5
DEBTOR_SAME = 20.0
DUE_NEAR = 10.0
DUE_LATE_DAYS = 30
DUE_EARLY_DAYS = 20

MIN_OCR_LENGTH = 5  # one mistake from a shorter number says little: most numbers that short are near
_DIGIT_GROUP_GAP = re.compile(r"(?<=\d)[ \u00a0\-]+(?=\d)")  # '1234 5678-90': how OCRs get printed
_DIGIT_RUN = re.compile(r"\d{2,}")
_NOT_DIGIT = re.compile(r"[^0-9]")


def digits(text: str | None) -> str:
    return _NOT_DIGIT.sub("", text or "")


def readings(reference: str | None) -> tuple[str, ...]:
    """The numbers the payer may have meant in the reference: each run of digits, and the runs
    joined where only spaces or dashes separate them ('1007 62' may be the OCR 100762)."""
    text = reference or ""
    found = [*_DIGIT_RUN.findall(text), *_DIGIT_RUN.findall(_DIGIT_GROUP_GAP.sub("", text))]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class OcrIndex:
    """The payment's readings against the candidates' OCRs, computed once per payment: which
    readings are some open invoice's OCR exactly, and how many OCRs are one mistake from each."""

    readings: tuple[str, ...]
    exact: frozenset[str]
    near: dict[str, int]

    @classmethod
    def build(cls, reference: str | None, ocrs: Iterable[str | None]) -> OcrIndex:
        found = readings(reference)
        known = [digits(ocr) for ocr in ocrs if digits(ocr)]
        exact = frozenset(found) & frozenset(known)
        near = {r: sum(1 for ocr in known if one_mistake(r, ocr)) for r in found}
        return cls(found, exact, near)


def one_mistake(typed: str, ocr: str) -> bool:
    """Two adjacent digits swapped, or one digit wrong, missing or extra (optimal string alignment)."""
    return min(len(typed), len(ocr)) >= MIN_OCR_LENGTH and OSA.distance(typed, ocr, score_cutoff=1) == 1


def mistake_kind(typed: str, ocr: str) -> str:
    if len(typed) < len(ocr):
        return "one digit missing"
    if len(typed) > len(ocr):
        return "one digit extra"
    differ = [i for i, (a, b) in enumerate(zip(typed, ocr, strict=True)) if a != b]
    return "two digits swapped" if len(differ) == 2 else "one digit wrong"


def reference(index: OcrIndex, *, ocr: str | None, number: str) -> Signal:
    own = digits(ocr)
    if own and own in index.readings:
        return Signal(OCR_EXACT, lambda: f"OCR {own} matches")
    if digits(number) and digits(number) in index.readings:
        return Signal(INVOICE_NUMBER, lambda: f"the reference names the invoice number {number}")
    for typed in index.readings:
        if own and one_mistake(typed, own):
            return _near(index, typed, own)
    return NONE


def _near(index: OcrIndex, typed: str, own: str) -> Signal:
    others = index.near[typed]
    share = "the only open invoice this close" if others == 1 else f"{others} open invoices this close"
    head = f"OCR {own} is one typing mistake from the paid {typed} ({mistake_kind(typed, own)}"
    if typed in index.exact:
        return Signal(OCR_NEAR_OTHER, lambda: f"{head}; but the paid number is another open invoice's OCR)")
    if luhn.is_valid(typed):
        return Signal(OCR_NEAR_VALID, lambda: f"{head}; the paid number passes its check digit, so it may be "
                                      f"another OCR; {share})")
    return Signal(OCR_MISTYPED, lambda: f"{head}; the paid number fails its check digit; {share})")


def amount(paid_minor: int, remaining_minor: int, currency: str, *, sharing: int = 1) -> Signal:
    """`sharing`: how many open invoices have exactly this remaining amount (this one included)."""
    def money(minor: int) -> str:
        return format_amount(minor, currency)

    if paid_minor <= 0:
        return NONE
    if paid_minor == remaining_minor:
        others = sharing - 1
        also = "" if not others else (" (as does 1 other open invoice)" if others == 1
                                      else f" (as do {others} other open invoices)")
        return Signal(AMOUNT_EQUAL - AMOUNT_SHARED * math.log(max(1, sharing)),
                      lambda: f"amount equals the remaining {money(remaining_minor)}{also}")
    if paid_minor < remaining_minor:
        # With any share of the remaining amount as likely as another, the chance of this exact amount
        # falls with the remaining amount: 747 kr is likelier a part of 1 000 kr than of 3 600 kr.
        points = max(AMOUNT_FLOOR, AMOUNT_PART - AMOUNT_SHARED * math.log(remaining_minor / paid_minor))
        return Signal(points, lambda: f"a part payment: {money(paid_minor)} of the remaining "
                                           f"{money(remaining_minor)}, {money(remaining_minor - paid_minor)} "
                                           f"stays open")
    # A little too much (a fee, a rounding up) is common; twice the remaining amount much less so.
    # The suggestion's excess note says what happens to the rest.
    return Signal(max(AMOUNT_FLOOR, AMOUNT_OVER - AMOUNT_SHARED * math.log(paid_minor / remaining_minor)))


# Company forms and words that say nothing about who paid; dropped before names are compared.
_COMPANY_WORDS = frozenset({
    "ab", "hb", "kb", "publ", "aktiebolag", "aktiebolaget", "handelsbolag", "kommanditbolag", "ef",
    "ekonomisk", "forening", "ideell", "enskild", "firma", "as", "asa", "aps", "oy", "oyj", "ltd",
    "limited", "gmbh", "inc", "llc", "bv", "sa",
})


@lru_cache(maxsize=8192)  # the same debtor names come back for every payment of a creditor
def _words(name: str) -> tuple[str, ...]:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return tuple(re.sub(r"[^0-9a-z]+", " ", plain.casefold().replace("ø", "o").replace("æ", "ae")).split())


def normal_name(name: str) -> str:
    """'Nordic Café AB' -> 'nordic cafe': no case, diacritics, punctuation or company form."""
    words = _words(name)
    kept = [w for w in words if w not in _COMPANY_WORDS]
    return " ".join(kept or words)


def company_form(name: str) -> frozenset[str]:
    return frozenset(w for w in _words(name) if w in _COMPANY_WORDS)


@dataclass(frozen=True)
class NameScore:
    alike: float  # 0-100, on the names without company form
    same: bool  # equal once normalised
    form: int  # +1 both name the same company form, -1 they name different ones, 0 one names none


def similarity(a: str, b: str) -> float:
    """0-100. token_sort_ratio rewards the whole name (so 'Nordic Cafe' is nearer 'Nordic Café AB'
    than 'Nordic Cafe Bar AB'); WRatio forgives word order and a bank's cut-off ('NORDIC CAFE STOCKHO')."""
    x, y = normal_name(a), normal_name(b)
    return (fuzz.token_sort_ratio(x, y) + fuzz.WRatio(x, y)) / 2


@dataclass(frozen=True)
class Names:
    """Each debtor name against the sender, computed once per payment."""

    scores: dict[str, NameScore]
    best: float  # how alike the most alike debtor is

    @classmethod
    def build(cls, sender: str | None, debtor_names: Iterable[str]) -> Names:
        if not sender or not normal_name(sender):
            return cls({}, 0.0)
        mine, my_form = normal_name(sender), company_form(sender)
        scores = {}
        for debtor_name in debtor_names:
            theirs, their_form = normal_name(debtor_name), company_form(debtor_name)
            form = 0 if not (my_form and their_form) else (1 if my_form == their_form else -1)
            scores[debtor_name] = NameScore(similarity(sender, debtor_name), mine == theirs, form)
        return cls(scores, max((score.alike for score in scores.values()), default=0.0))


def name(sender: str | None, debtor_name: str | None, names: Names) -> Signal:
    if not sender or not debtor_name or debtor_name not in names.scores:
        return NONE
    score = names.scores[debtor_name]
    form = NAME_FORM * score.form  # 'HB' paying where the debtor is an 'AB' is a hint it is another company
    if score.same:
        return Signal(NAME_SAME + form, lambda: f"the sender {sender} is the debtor {debtor_name}")
    if score.alike >= NAME_CLOSE_FROM:
        points = NAME_SAME * (score.alike - 68) / 32 + form
        return Signal(points, lambda: f"the sender {sender} is close to the debtor {debtor_name} "
                                      f"({score.alike:.0f} % alike)")
    if names.best >= NAME_KNOWN_FROM:
        return Signal(NAME_ANOTHER)
    return Signal(NAME_OTHER) if score.alike < NAME_OTHER_BELOW else NONE


def debtor(paid_by: str | None, debtor_id: str | None) -> Signal:
    if paid_by and paid_by == debtor_id:
        return Signal(DEBTOR_SAME, lambda: "Billecta tied the sender to this debtor")
    return NONE


def due(paid_on: date, due_on: date | None) -> Signal:
    """Most payments arrive within a few days of the due date; late ones (after a reminder) are far
    more common than early ones, so the points fade over DUE_LATE_DAYS after it and DUE_EARLY_DAYS before."""
    if due_on is None:
        return NONE
    late = (paid_on - due_on).days
    off = late - 2  # the bank day or two a transfer takes
    fade = DUE_LATE_DAYS if off > 0 else DUE_EARLY_DAYS
    points = DUE_NEAR * max(0.0, 1 - max(0, abs(off) - 4) / fade)
    if points < 3:
        return Signal(points)
    when = "on the payment date" if late == 0 else (
        f"{abs(late)} day{'s' if abs(late) != 1 else ''} {'before' if late > 0 else 'after'} the payment")
    return Signal(points, lambda: f"due {format_day(due_on)}, {when}")
