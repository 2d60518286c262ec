"""THE registry: one entry per command. Routing, help, shortcuts, App Home, CLI and manifest derive from it.

The 32 commands are those of the CRM integration (shared/commands.md, seed ids prefixed
`limepkg_billecta_integration.`). A command with no service yet is listed but "not available yet".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot import records
from bot.errors import UsageError
from bot.reports import creator, definition, receivables, reconciliation
from bot.roles import Role
from bot.services import (
    articles,
    bailiff,
    case_postpone,
    cases,
    collection,
    credit,
    creditor,
    debtors,
    events,
    invoices,
    orderrow_message,
    orders,
    payment_delete,
    payment_match,
    payments,
    pdf,
    postpone,
    reminders,
    swish,
    use_credit,
    writeoff,
)
from bot.specs import ActionSpec, DialogSpec, JobSpec, Spec, ViewSpec

S = TypeVar("S", JobSpec, ActionSpec, DialogSpec, ViewSpec)

SEED_PREFIX = "limepkg_billecta_integration."
EVENT_LOG_TYPES = records.EVENT_LOG


class Kind(StrEnum):
    BULK = "bulk"  # many records, a background job
    ACTION = "action"  # one record, confirm, a quick Billecta call
    DIALOG = "dialog"  # one record, a form, then a Billecta call
    VIEW = "view"  # read-only


@dataclass(frozen=True)
class Command:
    number: int
    seed_id: str
    record_type: str
    verb: str
    title: str
    kind: Kind
    role: Role
    confirm: str
    dangerous: bool = False
    # The most destructive bulk commands make the user type the number of records.
    typed_confirmation: bool = False
    # The record must already be in Billecta (have a Billecta id) before the command can run.
    needs_billecta_id: bool = True
    # Runs as a durable job even though it acts on one record (creditor update).
    runs_as_job: bool = False
    # What the command's flow calls (bot/specs.py), of the type its kind takes; None: not available yet.
    spec: Spec | None = None

    def __post_init__(self) -> None:
        if self.spec is not None and not isinstance(self.spec, self.spec_type):
            raise TypeError(f"{self.name}: a {self.kind.value} command takes a {self.spec_type.__name__}, "
                            f"not a {type(self.spec).__name__}")

    @property
    def full_seed_id(self) -> str:
        return SEED_PREFIX + self.seed_id

    @property
    def slug(self) -> str:
        return self.seed_id

    @property
    def name(self) -> str:
        return f"{self.record_type} {self.verb}"

    @property
    def available(self) -> bool:
        return self.spec is not None

    @property
    def spec_type(self) -> type[Spec]:
        if self.is_job:
            return JobSpec
        return {Kind.ACTION: ActionSpec, Kind.DIALOG: DialogSpec, Kind.VIEW: ViewSpec}[self.kind]

    # The spec as its flow needs it; asking a command for another kind's spec is a usage error, as on
    # the command line (`run` on a view command).
    @property
    def job(self) -> JobSpec:
        return self._spec(JobSpec)

    @property
    def action(self) -> ActionSpec:
        return self._spec(ActionSpec)

    @property
    def dialog(self) -> DialogSpec:
        return self._spec(DialogSpec)

    @property
    def view(self) -> ViewSpec:
        return self._spec(ViewSpec)

    def _spec(self, wanted: type[S]) -> S:
        if self.spec is None:
            raise UsageError(f"`{self.name}` is not available yet.")
        if not isinstance(self.spec, wanted):
            raise UsageError(f"`{self.name}` is a {self.kind.value} command.")
        return self.spec

    @property
    def is_job(self) -> bool:
        return self.kind is Kind.BULK or self.runs_as_job

    @property
    def targets_hint(self) -> str:
        targets = records.get(self.record_type).targets if self.record_type != records.ANY else records.Targets.ONE
        if targets is records.Targets.NONE:
            return ""
        if self.kind is Kind.BULK:
            return "<ids> | --all | --changed"
        if targets is records.Targets.DEFAULT_ONE:
            return "[id]"
        return "<id>"

    @property
    def usage(self) -> str:
        return f"/billecta {self.name} {self.targets_hint}".rstrip()


B, A, D, V = Kind.BULK, Kind.ACTION, Kind.DIALOG, Kind.VIEW
VIEWER, OPERATOR, ADMIN = Role.VIEWER, Role.OPERATOR, Role.ADMIN

COMMANDS: tuple[Command, ...] = (
    Command(1, "upsert-articles-in-billecta", "article", "upsert", "Upsert articles", B, OPERATOR,
            "Create or update {count} article(s) in Billecta.", needs_billecta_id=False,
            spec=JobSpec(articles.upsert_article, index=articles.index_products)),
    Command(2, "delete-articles-in-billecta", "article", "delete", "Delete articles", B, ADMIN,
            "Delete {count} article(s) from Billecta. They can no longer be put on invoices; "
            "articles already used on an invoice are kept by Billecta.", dangerous=True, typed_confirmation=True,
            spec=JobSpec(articles.delete_article)),
    Command(3, "upsert-debtors-in-billecta", "debtor", "upsert", "Upsert debtors", B, OPERATOR,
            "Create or update {count} debtor(s) in Billecta.", needs_billecta_id=False,
            spec=JobSpec(debtors.upsert_debtor, index=debtors.index_debtors)),
    Command(4, "anonymize-debtors-in-billecta", "debtor", "anonymize", "Anonymize debtors", B, ADMIN,
            "Permanently erase the personal data (name, address, e-mail, phone, person/org number) of "
            "{count} debtor(s) in Billecta and in the bot. This cannot be undone.",
            dangerous=True, typed_confirmation=True, needs_billecta_id=False,
            spec=JobSpec(debtors.anonymize_debtor)),
    Command(5, "update-creditor-in-billecta", "creditor", "update", "Update creditor", A, ADMIN,
            "Push the creditor's details and default settings (fees, payment terms, interest) to "
            "Billecta. They apply to every new invoice.", needs_billecta_id=False, runs_as_job=True,
            spec=JobSpec(creditor.update_creditor)),
    Command(6, "credit-invoices-in-billecta", "invoice", "credit", "Credit invoices", B, ADMIN,
            "Credit the remaining amount of {count} invoice(s). The debtor will no longer owe it.",
            dangerous=True, typed_confirmation=True, spec=JobSpec(credit.credit_invoice)),
    Command(7, "fetch-and-save-invoice-pdf", "invoice", "pdf", "Invoice PDF", A, OPERATOR,
            "Fetch the PDF of {label} from Billecta and save it.",
            spec=ActionSpec(pdf.fetch_pdf, precheck=pdf.precheck_pdf)),
    Command(8, "use-credit-on-invoice", "invoice", "use-credit", "Use credit", D, OPERATOR,
            "Use the credit of {label} on another invoice.",
            spec=DialogSpec(use_credit.UseCreditForm, use_credit.use_credit, prepare=use_credit.prepare,
                            prepare_from_mirror=use_credit.prepare_from_mirror,
                            check=use_credit.find_credit_use, blocks="blocks.forms.use_credit",
                            suggest=use_credit.suggest)),
    Command(9, "register-manual-payments", "invoice", "payment", "Register payment", D, OPERATOR,
            "Register a manual payment on {label}.",
            spec=DialogSpec(payments.PaymentForm, payments.register_manual_payment, prepare=payments.prepare,
                            prepare_from_mirror=payments.prepare_from_mirror, check=payments.find_payment,
                            blocks="blocks.forms.payment")),
    Command(10, "register-writeoff-payments", "invoice", "writeoff", "Write off", D, ADMIN,
            "Write off an amount on {label}. The written-off amount will not be collected.",
            dangerous=True,
            spec=DialogSpec(writeoff.WriteOffForm, writeoff.write_off, prepare=writeoff.prepare,
                            prepare_from_mirror=writeoff.prepare_from_mirror, check=writeoff.find_writeoff,
                            blocks="blocks.forms.writeoff")),
    Command(11, "create-reminder-invoice", "invoice", "reminder", "Send reminder", D, OPERATOR,
            "Send a reminder invoice for {label}.",
            spec=DialogSpec(reminders.ReminderForm, reminders.send_reminder, prepare=reminders.prepare,
                            prepare_from_mirror=reminders.prepare_from_mirror,
                            check=reminders.find_reminder, blocks="blocks.forms.reminder")),
    Command(12, "dispute-invoice", "invoice", "dispute", "Dispute invoice", A, OPERATOR,
            "Mark {label} as disputed. Reminders and escalations stop until the dispute is cancelled.",
            spec=ActionSpec(invoices.dispute, precheck=invoices.precheck_dispute)),
    Command(13, "cancel-disputed-invoice", "invoice", "undispute", "Cancel dispute", A, OPERATOR,
            "Cancel the dispute on {label}. Reminders and escalations start again.",
            spec=ActionSpec(invoices.undispute, precheck=invoices.precheck_undispute)),
    Command(14, "pause-invoice", "invoice", "pause", "Pause invoice", A, OPERATOR,
            "Pause {label}. No reminders or escalations until it is resumed.",
            spec=ActionSpec(invoices.pause, precheck=invoices.precheck_pause)),
    Command(15, "resume-paused-invoice", "invoice", "resume", "Resume invoice", A, OPERATOR,
            "Resume {label}. Reminders and escalations continue as Billecta is configured.",
            spec=ActionSpec(invoices.resume, precheck=invoices.precheck_resume)),
    Command(16, "invoice-postpone-next-event", "invoice", "postpone", "Postpone next event", D, OPERATOR,
            "Postpone the next collection event of {label}.",
            spec=DialogSpec(postpone.PostponeForm, postpone.postpone, prepare=postpone.prepare,
                            prepare_from_mirror=postpone.prepare_from_mirror,
                            check=postpone.find_postponed, blocks="blocks.forms.postpone")),
    Command(17, "swish-request", "invoice", "swish", "Swish request", D, OPERATOR,
            "Send a Swish payment request for {label}: it pops up in the payer's Swish app.",
            spec=DialogSpec(swish.SwishForm, swish.send_swish, prepare=swish.prepare,
                            prepare_from_mirror=swish.prepare_from_mirror, check=swish.find_swish,
                            blocks="blocks.forms.swish")),
    Command(18, "send-to-debt-collection", "invoice", "debt-collection", "Send to debt collection", D,
            ADMIN, "Send {label} to debt collection. The debtor receives a collection notice.",
            dangerous=True,
            spec=DialogSpec(collection.DebtCollectionForm, collection.send_to_debt_collection,
                            prepare=collection.prepare, prepare_from_mirror=collection.prepare_from_mirror,
                            check=collection.find_case,
                            blocks="blocks.forms.debt_collection")),
    Command(19, "debtcollection-postpone-next-event", "debtcollection", "postpone", "Postpone next event",
            D, OPERATOR, "Postpone the next event of {label}.",
            spec=DialogSpec(case_postpone.PostponeForm, case_postpone.postpone, prepare=case_postpone.prepare,
                            check=case_postpone.find_postponed, blocks="blocks.forms.postpone")),
    Command(20, "cancel-debtcollection", "debtcollection", "cancel", "Cancel debt collection", A, ADMIN,
            "Cancel {label}. Collection stops for good and cannot be restarted on this case: the debtor is no "
            "longer charged its collection fee and interest, and the invoice is an ordinary unpaid invoice "
            "again. This cannot be undone.", dangerous=True, typed_confirmation=True,
            spec=ActionSpec(cases.cancel, precheck=cases.precheck_cancel)),
    Command(21, "send-to-long-term-surveillance", "debtcollection", "surveillance",
            "Long-term surveillance", A, ADMIN,
            "Move {label} to long-term surveillance. Active collection ends: the debtor gets no more letters "
            "and no bailiff step, but still owes the debt, fee and interest; Billecta keeps the claim alive and "
            "follows the debtor's ability to pay for years.", dangerous=True,
            spec=ActionSpec(cases.surveillance, precheck=cases.precheck_surveillance)),
    Command(22, "send-to-bailiff", "debtcollection", "bailiff", "Send to bailiff", D, ADMIN,
            "Send {label} to the bailiff (Kronofogden). This starts a legal process.", dangerous=True,
            spec=DialogSpec(bailiff.BailiffForm, bailiff.send_to_bailiff, prepare=bailiff.prepare,
                            check=bailiff.find_sent, blocks="blocks.forms.bailiff")),
    Command(23, "delete-unhandled-payment", "payment", "delete", "Delete payment", D, ADMIN,
            "Delete {label} from Billecta. The money will not be matched to any invoice.",
            dangerous=True,
            spec=DialogSpec(payment_delete.DeletePaymentForm, payment_delete.delete_payment,
                            prepare=payment_delete.prepare, prepare_from_mirror=payment_delete.prepare_from_mirror,
                            check=payment_delete.find_deleted,
                            blocks="blocks.forms.payment_delete")),
    Command(24, "match-unhandled-payments", "payment", "match", "Match payment", D, OPERATOR,
            "Match {label} to an invoice.",
            spec=DialogSpec(payment_match.MatchPaymentForm, payment_match.match_payment, prepare=payment_match.prepare,
                            prepare_from_mirror=payment_match.prepare_from_mirror, check=payment_match.find_match,
                            blocks="blocks.forms.payment_match", suggest=payment_match.suggest)),
    Command(25, "upsert-orders-in-billecta", "order", "upsert", "Upsert orders", B, OPERATOR,
            "Create or update {count} order(s) as draft invoices in Billecta.", needs_billecta_id=False,
            spec=JobSpec(orders.upsert_order, index=orders.index_drafts)),
    Command(26, "attest-orders-in-billecta", "order", "attest", "Attest orders", B, OPERATOR,
            "Attest {count} order(s): their invoices are booked and sent to the debtors.",
            spec=JobSpec(orders.attest_order)),
    Command(27, "upsert-attest-orders-in-billecta", "order", "upsert-attest", "Upsert and attest orders",
            B, OPERATOR, "Create or update {count} order(s) in Billecta and attest them: the invoices "
            "are booked and sent to the debtors.", needs_billecta_id=False,
            spec=JobSpec(orders.upsert_attest_order, index=orders.index_drafts)),
    Command(28, "add-message-to-orderrow", "orderrow", "message", "Add message", D, OPERATOR,
            "Add a message row after {label}.", needs_billecta_id=False,
            spec=DialogSpec(orderrow_message.OrderRowMessageForm, orderrow_message.add_message,
                            prepare=orderrow_message.prepare, check=orderrow_message.find_message,
                            blocks="blocks.forms.orderrow_message")),
    Command(29, "account-receivables-report", "report", "receivables", "Receivables report", V, VIEWER,
            "", needs_billecta_id=False,
            spec=ViewSpec(receivables.receivables_report, blocks="blocks.receivables",
                          options=receivables.OPTIONS, exports=("pdf", "csv", "png"))),
    Command(30, "account-reconciliation-report", "report", "reconciliation", "Reconciliation report", V,
            VIEWER, "", needs_billecta_id=False,
            spec=ViewSpec(reconciliation.reconciliation_report, blocks="blocks.reconciliation",
                          options=reconciliation.OPTIONS, exports=("pdf", "csv"))),
    Command(31, "report-creator", "report", "create", "Report creator", V, VIEWER, "",
            needs_billecta_id=False,
            spec=ViewSpec(creator.create_report, blocks="blocks.creator", options=definition.OPTIONS,
                          exports=("pdf", "csv"), help=creator.help_text, choices=creator.choices)),
    Command(32, "show-event-log", "*", "events", "Event log", V, VIEWER, "", needs_billecta_id=False,
            spec=ViewSpec(events.event_log, blocks="blocks.events",
                                                  options=events.OPTIONS, exports=("csv", "json"))),
)

# Reversible changes: the command that undoes each (its result offers an Undo for a few minutes).
UNDONE_BY = {"pause-invoice": "resume-paused-invoice", "resume-paused-invoice": "pause-invoice",
             "dispute-invoice": "cancel-disputed-invoice", "cancel-disputed-invoice": "dispute-invoice"}

RECORD_TYPES = records.NAMES


def applies_to(command: Command, record_type: str) -> bool:
    if command.record_type == records.ANY:
        return records.has_event_log(record_type)
    return command.record_type == record_type


def commands_for(record_type: str) -> list[Command]:
    return [command for command in COMMANDS if applies_to(command, record_type)]


def by_slug(slug: str) -> Command | None:
    for command in COMMANDS:
        if slug in (command.slug, command.full_seed_id):
            return command
    return None


def undone_by(command: Command) -> Command | None:
    """The command that undoes `command`'s change, when it is reversible and available."""
    slug = UNDONE_BY.get(command.slug)
    found = by_slug(slug) if slug else None
    return found if found is not None and found.available else None


def find(record_type: str, verb: str) -> Command:
    for command in commands_for(record_type):
        if command.verb == verb:
            return command
    known = ", ".join(command.verb for command in commands_for(record_type))
    if record_type not in RECORD_TYPES:
        raise UsageError(f"Unknown record type {record_type!r}. Types: {', '.join(RECORD_TYPES)}.")
    raise UsageError(f"{record_type} has no command {verb!r}. Try one of: {known}.")
