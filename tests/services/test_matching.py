"""Suggestions for `payment match`: each signal alone and together, OCR typing mistakes and the check
digit, names with and without company form and diacritics, never another creditor's or currency's
invoice, and the benchmark's generator at a small size (tests/conftest.py pins today to 2026-12-01)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from stdnum import luhn

from bench.matching import evaluate, generate, ocr_for
from bot.services.match_signals import normal_name, one_mistake
from bot.services.matching import (
    Level,
    OpenInvoice,
    PaymentFacts,
    Suggestion,
    open_invoices,
    payment_from_row,
    suggest,
)
from bot.store import Store

NBSP = "\u00a0"
ME, OTHER = "cred-1", "cred-2"


def invoice(number: str, name: str, remaining: int, due: date, *, creditor: str = ME, currency: str = "SEK",
            ocr: str | None = None) -> OpenInvoice:
    return OpenInvoice(number=number, creditor_id=creditor, currency=currency, remaining_minor=remaining,
                       debtor_name=name, ocr=ocr or ocr_for(number), due_on=due, action_id=f"{creditor}-{number}")


NORDIC = invoice("1007", "Nordic Café AB", 125_000, date(2026, 12, 21))  # OCR 100768
NORDIC_BAR = invoice("1008", "Nordic Cafe Bar AB", 98_000, date(2026, 12, 10))
LUND = invoice("1009", "Lund Fastigheter AB", 340_000, date(2026, 11, 30))
LUND_LATER = invoice("1010", "Lund Fastigheter AB", 340_000, date(2026, 12, 30))
ANNA = invoice("1011", "Anna Svensson", 49_900, date(2026, 12, 5))
ANNA_TWIN = invoice("1012", "Anna Svantesson", 49_900, date(2026, 12, 6))
WORLD = [NORDIC, NORDIC_BAR, LUND, LUND_LATER, ANNA, ANNA_TWIN]
FAR = date(2027, 3, 1)  # a payment date no due date is near


def pay(amount: int = 77_700, *, reference: str | None = None, sender: str | None = None, paid_on: date = FAR,
        creditor: str = ME, currency: str = "SEK") -> PaymentFacts:
    return PaymentFacts(creditor_id=creditor, amount_minor=amount, currency=currency, paid_on=paid_on,
                        reference=reference, sender_name=sender)


def first(payment: PaymentFacts, invoices: list[OpenInvoice] = WORLD) -> Suggestion:
    found = suggest(payment, invoices)
    assert found, "no suggestion"
    return found[0]


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


# --- the reference ---------------------------------------------------------------------------------

def test_an_exact_ocr_alone_is_the_first_suggestion_with_high_confidence() -> None:
    best = first(pay(reference="100768"))
    assert best.invoice == NORDIC and best.level is Level.HIGH
    assert best.reasons[0] == "OCR 100768 matches"


def test_an_ocr_printed_in_groups_or_with_words_around_it_is_read() -> None:
    assert first(pay(reference="OCR: 1007 68")).invoice == NORDIC
    assert first(pay(reference="1007-68")).invoice == NORDIC


@pytest.mark.parametrize(("typed", "kind"), [
    ("107068", "two digits swapped"),
    ("100778", "one digit wrong"),
    ("10068", "one digit missing"),
    ("1007768", "one digit extra"),
])
def test_an_ocr_one_typing_mistake_off_is_found_and_the_mistake_named(typed: str, kind: str) -> None:
    assert not luhn.is_valid(typed)  # each of these readings fails its check digit
    best = first(pay(reference=typed))
    assert best.invoice == NORDIC
    assert best.reasons[0] == (f"OCR 100768 is one typing mistake from the paid {typed} ({kind}; the paid number "
                               f"fails its check digit; the only open invoice this close)")


def test_a_reading_that_passes_its_check_digit_counts_for_less_than_one_that_fails() -> None:
    mistyped, valid = first(pay(reference="1007768")), first(pay(reference="1007608"))
    assert luhn.is_valid("1007608") and valid.invoice == NORDIC
    assert "passes its check digit, so it may be another OCR" in valid.reasons[0]
    assert valid.confidence < mistyped.confidence


def test_a_reading_one_mistake_from_two_open_ocrs_says_so_and_lets_the_other_signals_decide() -> None:
    near = invoice("1001", "Berg Bygg AB", 50_000, date(2026, 12, 1), ocr="100669")
    both = [*WORLD, near]
    assert one_mistake("100769", "100669") and one_mistake("100769", "100768")
    found = suggest(pay(reference="100769"), both)
    assert {s.invoice for s in found[:2]} == {NORDIC, near}
    assert all("2 open invoices this close" in s.reasons[0] for s in found[:2])
    assert first(pay(reference="100769", sender="Berg Bygg"), both).invoice == near


def test_a_random_wrong_ocr_matches_nothing() -> None:
    wrong = "58203" + luhn.calc_check_digit("58203")
    assert not any(one_mistake(wrong, inv.ocr or "") for inv in WORLD)
    assert suggest(pay(reference=wrong), WORLD) == []
    best = first(pay(125_000, reference=wrong))  # the amount still points somewhere, the OCR does not
    assert best.invoice == NORDIC and not any("OCR" in reason for reason in best.reasons)


def test_the_invoice_number_in_the_reference_is_a_signal() -> None:
    best = first(pay(reference="Faktura 1009"))
    assert best.invoice == LUND and best.reasons[0] == "the reference names the invoice number 1009"


# --- the amount ------------------------------------------------------------------------------------

def test_an_amount_equal_to_the_remaining_amount_alone_is_suggested_but_not_with_high_confidence() -> None:
    best = first(pay(98_000))
    assert best.invoice == NORDIC_BAR and best.level is not Level.HIGH
    assert plain(best.why) == "Amount equals the remaining 980,00 kr"


def test_an_amount_several_invoices_share_tells_less_and_says_so() -> None:
    unique, shared = first(pay(98_000)), suggest(pay(49_900), WORLD)
    assert {s.invoice for s in shared} == {ANNA, ANNA_TWIN}
    assert all(s.confidence < unique.confidence for s in shared)
    assert plain(shared[0].reasons[0]) == "amount equals the remaining 499,00 kr (as does 1 other open invoice)"


def test_a_part_payment_says_what_stays_open() -> None:
    best = first(pay(100_000, reference="100768"))
    assert best.excess_minor == 0 and best.excess_note is None
    assert "a part payment: 1 000,00 kr of the remaining 1 250,00 kr, 250,00 kr stays open" in plain(best.why)


def test_a_payment_larger_than_the_remaining_amount_says_billecta_keeps_the_excess_as_an_overpayment() -> None:
    best = first(pay(150_000, reference="100768"))
    assert best.invoice == NORDIC and best.excess_minor == 25_000
    assert plain(best.why).endswith("the payment is 250,00 kr more than the remaining amount: Billecta keeps "
                                    "250,00 kr as an overpayment, a balance for the debtor that shows as a new "
                                    "unhandled payment")


def test_the_amount_is_taken_as_a_decimal_or_in_minor_units() -> None:
    common = {"creditor_id": ME, "currency": "SEK", "paid_on": FAR}
    assert PaymentFacts.of(amount=Decimal("1250.00"), **common).amount_minor == 125_000
    assert PaymentFacts.of(amount=125_000, **common).amount_minor == 125_000


# --- the sender's name -----------------------------------------------------------------------------

@pytest.mark.parametrize("sender", ["Nordic Cafe", "NORDIC CAFE AB", "nordic café", "Nordic Café Aktiebolag",
                                    "Nordic Café AB", "NORDIC CAFÉ"])
def test_the_sender_is_the_debtor_whatever_the_case_diacritics_or_company_form(sender: str) -> None:
    best = first(pay(sender=sender))
    assert best.invoice == NORDIC
    assert best.reasons[0] == f"the sender {sender} is the debtor Nordic Café AB"


def test_names_are_compared_without_case_diacritics_punctuation_or_company_form() -> None:
    assert normal_name("Nordic Café AB") == normal_name("NORDIC CAFE") == normal_name("nordic café, ab") \
        == "nordic cafe"
    assert normal_name("Björk & Ström Handelsbolag") == "bjork strom"
    assert normal_name("AB") == "ab"  # a name that is only a company form is kept


def test_a_look_alike_debtor_ranks_below_the_debtor_the_name_is() -> None:
    found = suggest(pay(sender="Nordic Cafe Bar"), WORLD)
    assert [s.invoice for s in found[:2]] == [NORDIC_BAR, NORDIC]
    assert "(" in found[1].reasons[0] and "% alike" in found[1].reasons[0]


def test_a_mistyped_person_name_goes_to_the_nearer_of_two_look_alike_people() -> None:
    assert first(pay(sender="Anna Svenson")).invoice == ANNA
    assert first(pay(sender="ANNA SVANTESON")).invoice == ANNA_TWIN


def test_a_company_form_that_disagrees_weighs_against() -> None:
    ab = invoice("1020", "Havs VVS AB", 50_000, date(2026, 12, 1))
    hb = invoice("1021", "Havss VVS HB", 50_000, date(2026, 12, 1))
    assert first(pay(sender="HAVS VVS HB"), [ab, hb]).invoice == hb
    assert first(pay(sender="HAVSS VVS AB"), [ab, hb]).invoice == ab


def test_a_sender_who_is_clearly_another_debtor_weighs_against_the_invoices_of_the_rest() -> None:
    # 1 250 kr equals Nordic's remaining amount, but the sender is Lund Fastigheter (paying part).
    best = first(pay(125_000, sender="Lund Fastigheter", paid_on=date(2026, 12, 29)))
    assert best.invoice == LUND_LATER


# --- the due date and signals together -------------------------------------------------------------

def test_the_due_date_decides_between_one_debtors_invoices() -> None:
    found = suggest(pay(100_000, sender="Lund Fastigheter AB", paid_on=date(2026, 12, 29)), WORLD)
    assert [s.invoice for s in found[:2]] == [LUND_LATER, LUND]
    assert "due 30 Dec, 1 day after the payment" in found[0].reasons
    early = first(pay(100_000, sender="Lund Fastigheter AB", paid_on=date(2026, 12, 1)))
    assert early.invoice == LUND and "due 30 Nov, 1 day before the payment" in early.reasons


def test_signals_together_give_more_confidence_than_each_alone() -> None:
    typo, amount, name = pay(reference="107068"), pay(125_000), pay(sender="Nordic Cafe")
    together = pay(125_000, reference="107068", sender="Nordic Cafe", paid_on=date(2026, 12, 22))
    alone = [first(p) for p in (typo, amount, name)]
    best = first(together)
    assert best.invoice == NORDIC and best.level is Level.HIGH
    assert all(best.confidence > single.confidence for single in alone)
    assert len(best.reasons) == 4 and "\n" not in best.why and best.why[0].isupper()


def test_confidence_is_never_certain_and_levels_follow_it() -> None:
    best = first(pay(125_000, reference="100768", sender="Nordic Café AB", paid_on=date(2026, 12, 21)))
    assert best.confidence == 99 and best.level is Level.HIGH
    assert Suggestion(NORDIC, 50, ()).level is Level.MEDIUM and Suggestion(NORDIC, 49, ()).level is Level.LOW


def test_a_debtor_billecta_recognised_counts_for_that_debtors_invoices() -> None:
    known = PaymentFacts(ME, 77_700, "SEK", FAR, debtor_id="debtor-nordic")
    tagged = [OpenInvoice("1050", ME, "SEK", 90_000, "Nordic Café AB", ocr_for("1050"), None, "debtor-nordic"),
              *WORLD]
    best = first(known, tagged)
    assert best.invoice.number == "1050" and "Billecta tied the sender to this debtor" in best.reasons


def test_no_signal_no_suggestion() -> None:
    assert suggest(pay(reference="Tack!", sender="Someone Else Entirely"), WORLD) == []


# --- never another creditor or currency ------------------------------------------------------------

def test_an_invoice_of_another_creditor_is_never_suggested_even_when_everything_matches() -> None:
    twin = invoice("1007", "Nordic Café AB", 125_000, date(2026, 12, 21), creditor=OTHER)  # the same OCR too
    everything = pay(125_000, reference="100768", sender="Nordic Café AB", paid_on=date(2026, 12, 21))
    assert all(s.invoice.creditor_id == ME for s in suggest(everything, [twin, *WORLD]))
    assert suggest(everything, [twin]) == []
    assert suggest(pay(125_000, reference="100768", creditor="cred-3"), [twin, *WORLD]) == []


def test_an_invoice_in_another_currency_is_never_suggested() -> None:
    euro = invoice("1030", "Nordic Café AB", 125_000, date(2026, 12, 21), currency="EUR", ocr="100768")
    found = suggest(pay(125_000, reference="100768", sender="Nordic Café AB"), [euro, *WORLD])
    assert found and all(s.invoice.currency == "SEK" for s in found)
    assert [s.invoice for s in suggest(pay(125_000, reference="100768", currency="eur"), [euro, *WORLD])] == [euro]


def test_an_invoice_with_nothing_left_to_pay_is_not_suggested() -> None:
    paid = OpenInvoice("1040", ME, "SEK", 0, "Nordic Café AB", ocr_for("1040"), date(2026, 12, 21))
    assert suggest(pay(reference=ocr_for("1040")), [paid]) == []


# --- the benchmark's generator ---------------------------------------------------------------------

def test_the_right_invoice_is_first_for_at_least_95_percent_of_generated_payments() -> None:
    # Three seeded worlds of 200 payments each, so the figure is not one world's luck.
    figures = [evaluate(*generate(payments=200, seed=seed)) for seed in (1, 2, 3)]
    assert all(f.foreign == 0 for f in figures)
    rate = sum(f.first for f in figures) / sum(f.payments for f in figures)
    assert rate >= 0.95, figures
    assert all(f.top3 >= f.first for f in figures)


# --- from the store's mirror rows ------------------------------------------------------------------

def test_the_store_rows_become_a_payment_and_the_open_invoices_only() -> None:
    store = Store(":memory:")
    common = {"debtor_name": "Nordic Café AB", "currency": "SEK", "invoiced_amount": 125_000,
              "due_date": "2026-12-21 00:00:00+01:00"}
    for number, stage, remaining in (("1007", "InvoiceSent", 125_000), ("1001", "Created", 125_000),
                                     ("1002", "Completed", 0), ("1003", "SaleRequestAccepted", 125_000),
                                     ("1004", "ReminderInvoiceSent", 60_000)):
        store.mirror("invoice", "action_public_id", {**common, "action_public_id": f"a-{number}",
                                                     "invoice_number": number, "stage": stage,
                                                     "current_amount": remaining, "ocr": ocr_for(number)})
    row = store.mirror("payment", "billecta_id", {
        "billecta_id": "p-1", "kind": "unhandled", "amount": 125_000, "currency": "SEK",
        "payment_date": "2026-12-21 23:30:00+01:00", "reference": "107068", "sender_name": "NORDIC CAFE"})
    payment = payment_from_row(row, ME)
    assert (payment.amount_minor, payment.paid_on, payment.reference) == (125_000, date(2026, 12, 21), "107068")
    invoices = open_invoices(store.rows("invoice"), ME)
    assert [inv.number for inv in invoices] == ["1007", "1004"]
    assert invoices[0].due_on == date(2026, 12, 21) and invoices[0].action_id == "a-1007"
    best = first(payment, invoices)
    assert best.invoice.number == "1007" and best.level is Level.HIGH
