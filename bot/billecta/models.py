"""Billecta wire models (pydantic): PascalCase JSON through aliases, exact amounts, Stockholm times.

Only the fields the bot reads or writes are typed; anything else Billecta sends is kept
(`extra="allow"`) so a GET-modify-PUT round trip never drops data and new API fields never break us.
Field names follow the JSON Schemas in shared/billecta-schemas, misspellings included.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic.alias_generators import to_pascal

from bot.billecta import enums
from bot.billecta.dates import format_datetime, parse_datetime
from bot.money import DEFAULT_CURRENCY, STORE_MAX_MINOR, AmountTooLarge, from_minor, to_minor


def _decimal_from_double(value: Any) -> Any:
    # Billecta sends some money and percentages as JSON doubles; going through str keeps 199.9 exact.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


# A date-time in Billecta's wire format ('2026-11-25 13:00:00+01:00'); accepts the variants too.
BDateTime = Annotated[
    datetime,
    BeforeValidator(lambda v: parse_datetime(v) if isinstance(v, (str, date)) else v),
    PlainSerializer(format_datetime, return_type=str, when_used="json"),
]
# A plain double on the wire (ProductView.UnitPrice, VAT, fees): Decimal in Python.
WireDecimal = Annotated[
    Decimal,
    BeforeValidator(_decimal_from_double),
    PlainSerializer(lambda d: float(d), return_type=float, when_used="json"),
]

InvoiceStage = Annotated[enums.InvoiceStage, BeforeValidator(enums.InvoiceStage.coerce)]
DebtCollectionStage = Annotated[enums.DebtCollectionStage, BeforeValidator(enums.DebtCollectionStage.coerce)]
DeliveryMethod = Annotated[enums.DeliveryMethod, BeforeValidator(enums.DeliveryMethod.coerce)]
DebtorType = Annotated[enums.DebtorType, BeforeValidator(enums.DebtorType.coerce)]
ProductType = Annotated[enums.ProductType, BeforeValidator(enums.ProductType.coerce)]
UnhandledPaymentType = Annotated[enums.UnhandledPaymentType, BeforeValidator(enums.UnhandledPaymentType.coerce)]
UnhandledPaymentState = Annotated[enums.UnhandledPaymentState, BeforeValidator(enums.UnhandledPaymentState.coerce)]
EventType = Annotated[enums.EventType, BeforeValidator(enums.EventType.coerce)]
InterestType = Annotated[enums.InterestType, BeforeValidator(enums.InterestType.coerce)]
Language = Annotated[enums.Language, BeforeValidator(enums.Language.coerce)]
ActionType = Annotated[enums.ActionType, BeforeValidator(enums.ActionType.coerce)]
DebtCollectionLevel = Annotated[enums.DebtCollectionLevel, BeforeValidator(enums.DebtCollectionLevel.coerce)]
OvershootingAmountHandling = Annotated[
    enums.OvershootingAmountHandling, BeforeValidator(enums.OvershootingAmountHandling.coerce)
]
SwishStatus = Annotated[enums.SwishStatus, BeforeValidator(enums.SwishStatus.coerce)]
CommentTarget = Annotated[enums.CommentTarget, BeforeValidator(enums.CommentTarget.coerce)]
RecordType = Annotated[enums.RecordType, BeforeValidator(enums.RecordType.coerce)]
DeliveryStatus = Annotated[enums.DeliveryStatus, BeforeValidator(enums.DeliveryStatus.coerce)]


class BillectaModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal, populate_by_name=True, extra="allow", use_enum_values=False
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body Billecta expects: PascalCase, enum names, nulls kept (a null clears a field)."""
        return self.model_dump(by_alias=True, mode="json")


class AmountView(BillectaModel):
    currency_code: str | None = DEFAULT_CURRENCY
    value: int = 0
    value_for_view: float = 0.0

    @classmethod
    def of(cls, amount: Decimal, currency: str | None = DEFAULT_CURRENCY) -> AmountView:
        minor = to_minor(amount, currency)
        return cls.from_minor(minor, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str | None = DEFAULT_CURRENCY) -> AmountView:
        code = (currency or DEFAULT_CURRENCY).upper()
        if abs(minor) > STORE_MAX_MINOR:  # the last guard: forms and services refuse far smaller amounts
            raise AmountTooLarge(f"{minor} minor units cannot be kept exactly")
        return cls(currency_code=code, value=minor, value_for_view=float(from_minor(minor, code)))

    @property
    def amount(self) -> Decimal:
        """The exact amount in major units, from the authoritative minor-unit `Value`."""
        return from_minor(self.value, self.currency_code)


class CreatedView(BillectaModel):
    public_id: str


class SecureTokenView(BillectaModel):
    value: str
    expires: BDateTime | None = None


class FileView(BillectaModel):
    file_public_id: str | None = None
    content_type: str | None = None
    data: str | None = None
    file_name: str | None = None


class EventView(BillectaModel):
    """InvoiceActionEventView, DebtCollectionActionEventView and DebtorEventView share these fields."""

    title: str | None = None
    content: str | None = None
    event_date: BDateTime | None = None
    event_by: str | None = None
    reference: str | None = None
    event_type: EventType = enums.EventType.Unknown
    is_public: bool = False
    has_occured: bool = True
    event_public_id: str | None = None


class CommonActionEventView(EventView):
    """An event listed across actions (creditor-wide event log): says which action it belongs to."""

    creditor_public_id: str | None = None
    action_public_id: str | None = None
    action_type: ActionType | None = None


class CurrencyView(BillectaModel):
    currency_code: str | None = None
    iso4217: str | None = None
    decimals: int = 2
    description: str | None = None
    one_unit: int | None = None


class DefaultActionConfigView(BillectaModel):
    creditor_public_id: str | None = None
    delivery_method: DeliveryMethod | None = None
    communication_language: Language | None = None
    currency_code: str | None = DEFAULT_CURRENCY
    our_reference: str | None = None
    invoice_payment_terms_in_days: int | None = None
    payment_terms_in_days: int | None = None
    reminder_invoice_payment_terms_in_days: int | None = None
    debt_collection_payment_terms_in_days: int | None = None
    invoice_fee: WireDecimal | None = None
    reminder_invoice_fee: WireDecimal | None = None
    send_reminder_invoice: bool | None = None
    send_reminder_invoice_days_after_due_date: int | None = None
    interest_type: InterestType | None = None
    interest_percentage: WireDecimal | None = None
    interest_start_in_days_after_due_date: int | None = None
    reason_description: str | None = None


class CreditorView(BillectaModel):
    creditor_public_id: str | None = None
    org_no: str | None = None
    name: str | None = None
    address: str | None = None
    address2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country_code: str | None = None
    phone: str | None = None
    vat_number: str | None = None
    residence: str | None = None
    is_enabled: bool | None = None
    next_invoice_number: str | None = None
    creditor_bank_info: dict[str, Any] | None = None
    creditor_contact: dict[str, Any] | None = None


class DebtorView(BillectaModel):
    debtor_public_id: str | None = None
    creditor_public_id: str | None = None
    debtor_external_id: str | None = None
    org_no: str | None = None
    name: str | None = None
    attention: str | None = None
    care_of: str | None = None
    address: str | None = None
    address2: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country_code: str | None = None
    phone: str | None = None
    email: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    debtor_no: str | None = None
    is_active: bool = True
    debtor_type: DebtorType = enums.DebtorType.Company
    notes: str | None = None
    created: BDateTime | None = None


class ProductView(BillectaModel):
    product_public_id: str | None = None
    creditor_public_id: str | None = None
    article_number: str | None = None
    product_external_id: str | None = None
    description: str | None = None
    units: str | None = None
    is_active: bool = True
    unit_price: WireDecimal = Decimal(0)
    vat: WireDecimal = Field(default=Decimal(25), alias="VAT")
    product_type: ProductType = enums.ProductType.Service
    book_keeping_account: int | None = None


class InvoiceActionRecordView(BillectaModel):
    product_public_id: str | None = None
    sequence_no: int | None = None
    units: str | None = None
    article_description: str | None = None
    article_number: str | None = None
    quantity: WireDecimal = Decimal(1)
    unit_price: AmountView | None = None
    vat: WireDecimal = Field(default=Decimal(25), alias="VAT")
    record_type: RecordType = enums.RecordType.Standard
    external_reference: str | None = None
    total_inc_vat: AmountView | None = Field(default=None, alias="TotalIncVAT")
    total_excl_vat: AmountView | None = Field(default=None, alias="TotalExclVAT")


class InvoiceActionEntryView(BillectaModel):
    action_type: ActionType = enums.ActionType.InvoiceAction
    creditor_public_id: str
    debtor_public_id: str
    invoice_date: BDateTime
    due_date: BDateTime
    delivery_date: BDateTime | None = None
    records: list[InvoiceActionRecordView] = []
    our_reference: str | None = None
    your_reference: str | None = None
    delivery_method: DeliveryMethod = enums.DeliveryMethod.Email
    communication_language: Language = enums.Language.SV
    message: str | None = None
    invoice_number: str | None = None
    external_reference: str | None = None
    crediting_invoice_public_id: str | None = None
    use_debtor_balance: bool | None = None


class InvoiceActionStateView(BillectaModel):
    stage: InvoiceStage = enums.InvoiceStage.None_
    invoice_sent_date: BDateTime | None = None
    next_event_date: BDateTime | None = None
    closed_date: BDateTime | None = None
    next_event: str | None = None
    is_paused: bool = False
    is_locked: bool = False
    attested_date: BDateTime | None = None
    disputed_date: BDateTime | None = None
    sent_to_debt_collection_date: BDateTime | None = None
    swish_payment_public_id: str | None = None


class InvoiceActionInvoiceView(BillectaModel):
    invoice_date: BDateTime | None = None
    due_date: BDateTime | None = None
    invoice_number: str | None = None
    invoiced_amount: AmountView | None = None
    invoice_file: FileView | None = None
    ocr: str | None = Field(default=None, alias="OCR")


class InvoiceActionView(BillectaModel):
    action_public_id: str
    creditor_public_id: str | None = None
    action_type: ActionType = enums.ActionType.InvoiceAction
    created: BDateTime | None = None
    debtor: DebtorView | None = None
    state: InvoiceActionStateView = InvoiceActionStateView()
    invoices: list[InvoiceActionInvoiceView] = []
    records: list[InvoiceActionRecordView] = []
    events: list[EventView] = []
    invoice_number: str | None = None
    invoice_date: BDateTime | None = None
    due_date: BDateTime | None = None
    payment_terms_in_days: int | None = None
    our_reference: str | None = None
    your_reference: str | None = None
    delivery_method: DeliveryMethod | None = None
    external_reference: str | None = None
    invoiced_amount: AmountView = AmountView()
    current_amount: AmountView = AmountView()
    credited_amount: AmountView = AmountView()
    paid_amount: AmountView = AmountView()
    write_off_amount: AmountView = AmountView()
    total_vat_amount: AmountView | None = Field(default=None, alias="TotalVATAmount")
    debt_collection_action_public_id: str | None = None
    reminder_invoice_action_public_id: str | None = None
    crediting_invoice: dict[str, Any] | None = None
    can_pause: bool = False
    can_resume: bool = False
    can_create_credit_invoice: bool = False
    can_register_payment: bool = False
    can_postpone: bool = False
    can_send_to_debt_collection: bool = False
    can_dispute: bool = False
    can_un_dispute: bool = False
    can_send_manual_reminder_invoice: bool = False

    @property
    def is_disputed(self) -> bool:
        return self.state.disputed_date is not None

    @property
    def is_closed(self) -> bool:
        return self.state.stage in (enums.InvoiceStage.Completed, enums.InvoiceStage.Cancelled)


class InvoiceActionSubView(BillectaModel):
    action_public_id: str
    creditor_public_id: str | None = None
    debtor_public_id: str | None = None
    debtor_name: str | None = None
    debtor_org_no: str | None = None
    current_amount: AmountView = AmountView()
    invoiced_amount: AmountView = AmountView()
    stage: InvoiceStage = enums.InvoiceStage.None_
    action_type: ActionType = enums.ActionType.InvoiceAction
    closed_date: BDateTime | None = None
    created: BDateTime | None = None
    invoice_sent_date: BDateTime | None = None
    attested_date: BDateTime | None = None
    next_event_date: BDateTime | None = None
    due_date: BDateTime | None = None
    invoice_date: BDateTime | None = None
    invoice_number: str | None = None
    is_paused: bool = False
    is_disputed: bool = False
    ocr: str | None = Field(default=None, alias="OCR")
    next_event: str | None = None
    debt_collection_action_public_id: str | None = None
    reminder_invoice_action_public_id: str | None = None
    your_reference: str | None = None


class CreditActionView(BillectaModel):
    action_public_id: str
    value: AmountView
    invoice_interest: bool = False
    comment: str | None = None
    is_payment_creditation: bool = False
    payment_mean_code: str | None = None
    payment_date: BDateTime | None = None


class RegisterPaymentView(BillectaModel):
    action_public_id: str
    amount: AmountView | None = None
    write_off: AmountView | None = None
    comment: str | None = None
    date: BDateTime
    write_off_vat: WireDecimal = Decimal(0)
    payment_mean_code: str | None = None
    overshooting_amount_handling: OvershootingAmountHandling = enums.OvershootingAmountHandling.None_
    payment_reference_text: str | None = None


class SendReminderInvoiceView(BillectaModel):
    invoice_action_public_id: str
    delivery_method: DeliveryMethod | None = None
    reminder_fee: AmountView
    payment_terms_in_days: int | None = None


class ReminderInvoiceActionView(BillectaModel):
    action_public_id: str | None = None
    source_action_public_id: str | None = None
    stage: InvoiceStage | None = None
    reminder_fee: AmountView | None = None
    # The reminder documents, each with its own number and due date (ReminderInvoiceActionInvoiceView).
    reminder_invoices: list[InvoiceActionInvoiceView] = []


class CommentActionView(BillectaModel):
    action_public_id: str
    comment: str
    target: CommentTarget = enums.CommentTarget.Private


class DebtCollectionFromInvoiceEntryView(BillectaModel):
    source_public_id: str
    delivery_method: DeliveryMethod = enums.DeliveryMethod.Email
    communication_language: Language = enums.Language.SV
    reason_description: str | None = None
    number_of_reminders: int = 0
    start_debt_collection_action_level: DebtCollectionLevel = enums.DebtCollectionLevel.DebtCollection
    end_debt_collection_action_level: DebtCollectionLevel = enums.DebtCollectionLevel.Bailiff
    payment_terms_in_days: int = 10
    interest_percentage: WireDecimal | None = None
    interest_type: InterestType | None = None
    our_reference: str | None = None
    your_reference: str | None = None
    eviction: bool = False
    inform_social_welfare: bool = False


class DebtCollectionActionStateView(BillectaModel):
    stage: DebtCollectionStage = enums.DebtCollectionStage.None_
    next_event_date: BDateTime | None = None
    next_event: str | None = None
    closed_date: BDateTime | None = None
    sent_to_bailiff_date: BDateTime | None = None
    is_paused: bool = False


class DebtCollectionActionView(BillectaModel):
    action_public_id: str
    creditor_public_id: str | None = None
    created: BDateTime | None = None
    debtor: DebtorView | None = None
    reason_description: str | None = None
    original_invoice_number: str | None = None
    original_amount: AmountView | None = None
    debt_amount: AmountView | None = None
    fee_amount: AmountView | None = None
    interest_amount: AmountView | None = None
    current_amount: AmountView = AmountView()
    state: DebtCollectionActionStateView = DebtCollectionActionStateView()
    invoice_source_public_id: str | None = None
    events: list[EventView] = []
    can_cancel: bool = False
    can_credit: bool = False
    can_send_to_bailiff: bool = False
    can_send_to_bailiff_enforcement: bool = False
    can_send_to_long_term_surveilance: bool = False
    can_postpone: bool = False


class UnhandledPaymentView(BillectaModel):
    unhandled_payment_public_id: str
    creditor_public_id: str | None = None
    creditor_name: str | None = None
    sender_name: str | None = None
    sender_org_no: str | None = None
    sender_address: str | None = None
    sender_zip_code: str | None = None
    sender_city: str | None = None
    sender_bankgiro_no: str | None = None  # the account it was paid from, as the bank reported it
    debtor_public_id: str | None = None
    amount: AmountView = AmountView()
    payment_date: BDateTime | None = None
    reference: str | None = None
    created_by: str | None = None
    unhandled_payment_type: UnhandledPaymentType = enums.UnhandledPaymentType.UnmatchedPayment
    overpayment_details: dict[str, Any] | None = None
    state: UnhandledPaymentState = enums.UnhandledPaymentState.Unhandled


class PaymentMatchView(BillectaModel):
    unhandled_payment_public_id: str
    action_public_id: str
    payment_date: BDateTime | None = None


class PaymentMatchResultView(BillectaModel):
    unhandled_payment_public_id: str | None = None
    successfull: bool = False
    response_message: str | None = None


class IncomingPaymentRequestView(BillectaModel):
    """Which incoming payments to list: the creditor's, paid from `from_` to `to`, optionally filtered."""

    creditor_public_id: str
    from_: BDateTime = Field(alias="From")
    to: BDateTime
    payment_mean_code_filter: list[str] | None = None
    project_number_filter: list[str] | None = None
    action_public_id_filter: list[str] | None = None


class IncomingPaymentView(BillectaModel):
    """One payment Billecta applied to an invoice (by OCR, Swish, a match or registered by hand)."""

    payment_reference_id: str
    creditor_public_id: str | None = None
    action_public_id: str | None = None
    action_type: ActionType | None = None
    invoice_number: str | None = None
    debtor_public_id: str | None = None
    debtor_name: str | None = None
    amount: AmountView | None = None
    payment_date: BDateTime
    created_date: BDateTime | None = None
    payment_mean_code: str | None = None
    external_reference: str | None = None
    ocr: str | None = Field(default=None, alias="OCR")
    created_by: str | None = None
    is_reminder_payment: bool = False


class SwishPaymentStatusView(BillectaModel):
    payment_request_token: str | None = None
    status: SwishStatus = enums.SwishStatus.Created
    paid_date: BDateTime | None = None
    created: BDateTime | None = None
    amount: AmountView | None = None
    error_message: str | None = None
    error_code: str | None = None
