"""How records are named to users, the one place for it.

`label()` is the short name used inside sentences ('invoice 1001', 'debtor 3 (Lund Fastigheter AB)');
message shortcuts find records again by it. `line()` is the record line shown wherever a record is
listed or confirmed — search options, pickers, confirmations, job messages, CLI output:

    1001 · Nordic Café AB · 1 250,00 kr · due 21 Dec · sent

`titled()` is the same line led by the record type, for messages read outside a typed list.
Lines read only the row given; `enrich()` adds what a line shows from other tables (an order's
debtor and total) in one query per table.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot import records
from bot.billecta.enums import DebtCollectionStage, InvoiceStage, UnhandledPaymentState
from bot.money import DEFAULT_CURRENCY, MoneyError, format_amount, to_minor
from bot.timefmt import format_day

if TYPE_CHECKING:
    from bot.store import Store

SEP = " · "
# Slack's limit for an option's text; search options are cut to it by shortening the name only.
OPTION_TEXT = 75
MIN_NAME = 8  # a name is not cut shorter than this; details after the amount go first

INVOICE_STAGES: dict[InvoiceStage, str] = {
    InvoiceStage.None_: "no stage yet",
    InvoiceStage.Created: "draft",
    InvoiceStage.Attested: "attested",
    InvoiceStage.InvoiceSent: "sent",
    InvoiceStage.ReminderInvoiceSent: "reminder sent",
    InvoiceStage.Manual: "handled manually",
    InvoiceStage.SentToDebtCollection: "in debt collection",
    InvoiceStage.SalesRequested: "sale requested",
    InvoiceStage.SaleRequestAccepted: "sold",
    InvoiceStage.SalesRequestedCancelled: "sale cancelled",
    InvoiceStage.SalesRequestedDenied: "sale denied",
    InvoiceStage.Completed: "completed",
    InvoiceStage.Cancelled: "cancelled",
    InvoiceStage.Unknown: "unknown stage",
}

DEBT_COLLECTION_STAGES: dict[DebtCollectionStage, str] = {
    DebtCollectionStage.None_: "no stage yet",
    DebtCollectionStage.Created: "created",
    DebtCollectionStage.ReadyForAttest: "ready to attest",
    DebtCollectionStage.Attested: "attested",
    DebtCollectionStage.ReminderInvoiceSent: "reminder sent",
    DebtCollectionStage.LatePaymentInvoiceSent: "late-payment invoice sent",
    DebtCollectionStage.DebtCollectionInvoiceSent: "collection notice sent",
    DebtCollectionStage.DebtCollectionClaimDue: "collection claim due",
    DebtCollectionStage.DebtCollectionClaimResponseRequested: "claim response requested",
    DebtCollectionStage.AwaitingFeePayment: "awaiting fee payment",
    DebtCollectionStage.ReadyForBailiff: "ready for the bailiff",
    DebtCollectionStage.SentToBailiff: "sent to the bailiff",
    DebtCollectionStage.SentToBailiffEnforcement: "bailiff enforcement",
    DebtCollectionStage.EnforcementResponseRequested: "enforcement response requested",
    DebtCollectionStage.ReadyForEnforcement: "ready for enforcement",
    DebtCollectionStage.VerdictObtained: "verdict obtained",
    DebtCollectionStage.LongTermSurveilance: "long-term surveillance",
    DebtCollectionStage.ForeignDebtorLetterSent: "letter to foreign debtor sent",
    DebtCollectionStage.ForeignCreditorLetterSent: "letter to foreign creditor sent",
    DebtCollectionStage.ForeignSentToLocalRepresentative: "with local representative abroad",
    DebtCollectionStage.ForeignMakeReadyForLocalRepresentative: "being readied for representative abroad",
    DebtCollectionStage.ForeignManual: "handled manually abroad",
    DebtCollectionStage.ReadyForAssistance: "ready for assistance",
    DebtCollectionStage.Assisted: "assisted",
    DebtCollectionStage.ReadyForAssistanceWithBailiff: "ready for assistance with the bailiff",
    DebtCollectionStage.AssistedWithBailiff: "assisted with the bailiff",
    DebtCollectionStage.Manual: "handled manually",
    DebtCollectionStage.Completed: "completed",
    DebtCollectionStage.Cancelled: "cancelled",
    DebtCollectionStage.Unknown: "unknown stage",
}

PAYMENT_STATES: dict[UnhandledPaymentState, str] = {
    UnhandledPaymentState.Unhandled: "unhandled",
    UnhandledPaymentState.UsedOnInvoice: "used on an invoice",
    UnhandledPaymentState.UsedOnInvoiceInOtherCreditor: "used by another creditor",
    UnhandledPaymentState.Deleted: "deleted",
    UnhandledPaymentState.RepaymentPending: "repayment pending",
    UnhandledPaymentState.Repaid: "repaid",
}


def label(record_type: str, row: dict[str, Any]) -> str:
    kind = records.get(record_type)
    aside = next((row[column] for column in kind.aside if row.get(column)), None)
    return f"{record_type} {kind.key(row)}" + (kind.aside_format.format(aside) if aside else "")


def invoice_stage(row: dict[str, Any]) -> str:
    """'sent', 'sent, paused', 'reminder sent, disputed': the stage in words with the flags that matter."""
    words = _worded(INVOICE_STAGES, InvoiceStage, row.get("stage"))
    flags = [flag for flag, on in (("paused", row.get("is_paused")), ("disputed", row.get("is_disputed"))) if on]
    return ", ".join([words, *flags])


def stage_words(stage: InvoiceStage | str | None) -> str:
    """An invoice stage alone in words: 'in debt collection', never 'SentToDebtCollection'."""
    return _worded(INVOICE_STAGES, InvoiceStage, stage.value if isinstance(stage, InvoiceStage) else stage)


def debt_collection_stage(stage: str | None) -> str:
    return _worded(DEBT_COLLECTION_STAGES, DebtCollectionStage, stage)


# A payment the bot registered on an invoice (bot.services.payments) is not one of Billecta's
# unhandled payments, so it has none of their states: the store marks it with this one.
REGISTERED = "Registered"
# What each kind of payment the bot records on an invoice did there (the store's `payment.kind`).
ON_INVOICE = {"manual": "registered on invoice", "writeoff": "written off on invoice",
              "swish": "paid by Swish on invoice"}  # bot.jobs.swish records a paid request


def payment_state(state: str | None) -> str:
    if state == REGISTERED:
        return "registered on an invoice"
    return _worded(PAYMENT_STATES, UnhandledPaymentState, state)


def _worded(words: dict[Any, str], enum: Any, value: str | None) -> str:
    try:
        return words[enum(value)]
    except ValueError:
        return "unknown stage" if value else words[enum.None_] if hasattr(enum, "None_") else "unknown"


def line(record_type: str, row: dict[str, Any], *, limit: int | None = None) -> str:
    """The record line; with `limit`, the name is shortened first, then trailing details are left
    off, and an amount is never cut."""
    key, name, rest = _LINES.get(record_type, _other)(row)
    text = _join(key, name, rest)
    if limit is None or len(text) <= limit:
        return text
    while True:
        room = limit - len(_join(key, "", rest)) - (len(SEP) if name else 0)
        droppable = [i for i, part in enumerate(rest) if not isinstance(part, Amount)]
        if not name and room >= 0 or room >= min(len(name), MIN_NAME) or not droppable:
            break
        rest = rest[:droppable[-1]] + rest[droppable[-1] + 1:]
    if name and len(name) > room:
        name = name[:max(room - 1, 1)].rstrip() + "…"
    return _join(key, name, rest)[:limit]


def _join(key: str, name: str, rest: list[str]) -> str:
    return SEP.join(part for part in (key, name, *rest) if part)


def titled(record_type: str, row: dict[str, Any]) -> str:
    """'invoice 1001 · Nordic Café AB · …': the line with its record type in front."""
    return f"{record_type} {line(record_type, row)}"


class Amount(str):
    """A line part holding money: kept whole when a line is shortened."""


def listed(record_type: str, row: dict[str, Any]) -> str:
    """How a record is listed in a confirmation or a job: its titled line, or (creditor, orderrow) its label."""
    return titled(record_type, row) if records.get(record_type).lined else label(record_type, row)


def money(minor: Any, currency: str | None) -> str:
    return Amount(format_amount(int(minor), currency)) if minor is not None else ""


def major_money(amount: Any, currency: str | None = None) -> str:
    """A stored major-unit amount ('1150.00', an article's price) in the one money format."""
    if amount in (None, ""):
        return ""
    try:
        return Amount(format_amount(to_minor(Decimal(str(amount)), currency), currency))
    except (MoneyError, ArithmeticError):
        return str(amount)


def _invoice(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    open_ = row.get("stage") not in (InvoiceStage.Completed.value, InvoiceStage.Cancelled.value)
    amount = row.get("current_amount") if open_ and row.get("current_amount") is not None \
        else row.get("invoiced_amount")
    due = f"due {format_day(row['due_date'])}" if row.get("due_date") and open_ else ""
    return (str(row.get("invoice_number") or row.get("action_public_id") or row.get("id")),
            row.get("debtor_name") or "", [money(amount, row.get("currency")), due, invoice_stage(row)])


def _debtor(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    return str(row.get("id")), row.get("name") or "", [row.get("org_no") or ""]


def _article(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    price = major_money(row.get("unit_price"))
    unit = Amount(f"{price} / {row['unit']}") if price and row.get("unit") else price
    return str(row.get("id")), row.get("name") or "", [row.get("article_number") or "", unit]


def _order(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    total = money(row.get("total_minor"), row.get("currency"))
    if total and row.get("total_excl_vat"):
        total = Amount(total + " excl. VAT")
    day = format_day(row["order_date"]) if row.get("order_date") else ""
    return str(row.get("id")), row.get("debtor_name") or "", [total, day]


def _orderrow(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    price = major_money(row.get("unit_price"))
    amount = Amount(f"{row.get('quantity') or 1} × {price}") if price else ""
    return str(row.get("id")), row.get("description") or "", [f"order {row.get('order_id')}", amount]


def _payment(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    sender = f"from {row['sender_name']}" if row.get("sender_name") else "sender unknown"
    if row.get("kind") == "writeoff":
        sender = ""  # nobody paid it: it will not be collected
    day = format_day(str(row["payment_date"])[:10]) if row.get("payment_date") else ""
    reference = f"ref {row['reference']}" if row.get("reference") else ""
    state = payment_state(row.get("state"))
    if row.get("kind") in ON_INVOICE and row.get("invoice_number"):
        state = f"{ON_INVOICE[row['kind']]} {row['invoice_number']}"
    elif row.get("state") == UnhandledPaymentState.UsedOnInvoice.value and row.get("invoice_number"):
        state = f"used on invoice {row['invoice_number']}"
    return (str(row.get("id")), "", [money(row.get("amount"), row.get("currency")), day, sender, reference, state])


def _debtcollection(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    invoice = f"invoice {row['invoice_number']}" if row.get("invoice_number") else ""
    case = str(row.get("action_public_id") or row.get("id"))
    # Billecta's case ids are GUIDs: the first block tells cases apart in a list and leaves room for the rest.
    return (case if len(case) <= 12 else case[:8] + "…", row.get("debtor_name") or "",
            [invoice, money(row.get("current_amount"), row.get("currency")), debt_collection_stage(row.get("stage"))])


def _creditor(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    return str(row.get("id")), row.get("name") or "", [row.get("org_no") or ""]


def _other(row: dict[str, Any]) -> tuple[str, str, list[str]]:
    return str(row.get("id")), str(row.get("name") or row.get("description") or ""), []


_LINES = {"invoice": _invoice, "debtor": _debtor, "article": _article, "order": _order, "orderrow": _orderrow,
          "payment": _payment, "debtcollection": _debtcollection, "creditor": _creditor}


def enrich(store: Store, record_type: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with what their line shows from other tables: an order's debtor name and total
    (its Billecta invoice's amount, or the sum of its rows excluding VAT before it has one)."""
    rows = list(rows)
    add = _ENRICHED.get(record_type)
    return add(store, rows) if add and rows else rows


def _orders(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    debtor_ids = sorted({row["debtor_id"] for row in rows if row.get("debtor_id") is not None})
    names = _by_id(store, "debtor", "id", debtor_ids, "name")
    invoice_ids = sorted({row["billecta_id"] for row in rows if row.get("billecta_id")})
    invoiced = _by_id(store, "invoice", "action_public_id", invoice_ids, "invoiced_amount")
    sums = _row_sums(store, [row["id"] for row in rows])
    out = []
    for row in rows:
        total, excl_vat = invoiced.get(row.get("billecta_id")), False
        if total is None and row["id"] in sums:
            total, excl_vat = sums[row["id"]], True
        out.append({**row, "debtor_name": names.get(row.get("debtor_id")), "total_minor": total,
                    "total_excl_vat": excl_vat})
    return out


def _by_id(store: Store, table: str, column: str, keys: list[Any], value: str) -> dict[Any, Any]:
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = store.rows(table, f"[{column}] IN ({marks})", keys)
    return {row[column]: row[value] for row in rows}


def _row_sums(store: Store, order_ids: list[int]) -> dict[int, int]:
    """Each order's rows summed exactly (quantity × unit price, excl. VAT), in the order's currency."""
    marks = ", ".join("?" for _ in order_ids)
    currencies = {row["id"]: row.get("currency") or DEFAULT_CURRENCY
                  for row in store.rows("order", f"id IN ({marks})", order_ids)}
    sums: dict[int, Decimal] = {}
    for row in store.rows("orderrow", f"order_id IN ({marks})", order_ids):
        if row.get("unit_price") in (None, ""):
            continue
        try:
            amount = Decimal(str(row.get("quantity") or 1)) * Decimal(str(row["unit_price"]))
        except ArithmeticError:
            continue
        sums[row["order_id"]] = sums.get(row["order_id"], Decimal(0)) + amount
    out = {}
    for order_id, amount in sums.items():
        try:
            out[order_id] = to_minor(amount, currencies.get(order_id))
        except MoneyError:  # more decimals than the currency has: Billecta rounds; show none rather than guess
            continue
    return out


# What a type's line shows from other tables, by type (the rest show their own row only).
def _payments(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An unhandled payment used on an invoice names it (its `action_public_id` is that invoice's)."""
    used = sorted({row["action_public_id"] for row in rows if row.get("action_public_id")
                   and not row.get("invoice_number")})
    numbers = _by_id(store, "invoice", "action_public_id", used, "invoice_number")
    return [{**row, "invoice_number": numbers.get(row.get("action_public_id"))} if row.get("action_public_id")
            and not row.get("invoice_number") else row for row in rows]


_ENRICHED = {"order": _orders, "payment": _payments}
