"""The creditor ↔ Billecta: push its details (name, address, org and VAT numbers, bankgiro) and its
default settings (reminder fee, payment terms, interest, delivery method, our reference).

Both are read from Billecta first and only our fields are changed, so settings the bot does not
manage survive the round trip. Both writes are idempotent, so a resumed attempt simply repeats them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.models import CreditorView, DefaultActionConfigView
from bot.errors import BillectaRejected, InvalidInput
from bot.services import ItemResult
from bot.services.labels import label
from bot.services.mirror import resolve_source

if TYPE_CHECKING:
    from bot.runtime import Runtime


DEFAULT_CONFIG = "default_config"  # the store's copy of the creditor's default settings (billecta_setting)


def default_config(rt: Runtime) -> DefaultActionConfigView:
    """The creditor's default settings read fresh from Billecta, and kept in the store (stored_default_config)."""
    config = rt.billecta.get_default_config()
    keep_default_config(rt, config)
    return config


def keep_default_config(rt: Runtime, config: DefaultActionConfigView) -> None:
    rt.store.mirror_setting(DEFAULT_CONFIG, config.model_dump(mode="json", by_alias=True))


def stored_default_config(rt: Runtime) -> tuple[DefaultActionConfigView, str] | None:
    """(the default settings as last read from or pushed to Billecta, when), or None when never read."""
    found = rt.store.setting(DEFAULT_CONFIG)
    if found is None:
        return None
    try:
        return DefaultActionConfigView.model_validate(found[0]), found[1]
    except ValueError:  # kept by an older model: read it fresh instead
        return None


def apply_creditor(view: CreditorView, creditor: dict[str, Any]) -> CreditorView:
    view.name = creditor["name"]
    view.org_no = creditor.get("org_no")
    view.vat_number = creditor.get("vat_number")
    view.address = creditor.get("address")
    view.zip_code = creditor.get("zip_code")
    view.city = creditor.get("city")
    view.country_code = creditor.get("country_code") or "SE"
    view.phone = creditor.get("phone")
    if creditor.get("email"):
        view.creditor_contact = {**(view.creditor_contact or {}), "Email": creditor["email"]}
    if creditor.get("bankgiro"):
        view.creditor_bank_info = {**(view.creditor_bank_info or {}), "BankgiroNo": creditor["bankgiro"]}
    return view


def apply_settings(config: DefaultActionConfigView, creditor: dict[str, Any]) -> DefaultActionConfigView:
    """Only the settings the record has a value for; an empty column leaves Billecta's value alone."""
    updates: dict[str, Any] = {}
    if creditor.get("reminder_fee") is not None:
        updates["reminder_invoice_fee"] = Decimal(str(creditor["reminder_fee"]))
    if creditor.get("payment_terms_days") is not None:
        updates["invoice_payment_terms_in_days"] = int(creditor["payment_terms_days"])
    if creditor.get("interest_percentage") is not None:
        updates["interest_percentage"] = Decimal(str(creditor["interest_percentage"]))
    if creditor.get("delivery_method"):
        updates["delivery_method"] = enums.DeliveryMethod.coerce(creditor["delivery_method"])
    if creditor.get("our_reference"):
        updates["our_reference"] = creditor["our_reference"]
    return config.model_copy(update=updates)


def update_creditor(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Push the creditor record and its default settings to the creditor the bot is configured for."""
    creditor = resolve_source(rt, "creditor", record_id)
    creditor_id = rt.billecta.creditor_id
    if creditor.get("billecta_id") and creditor["billecta_id"] != creditor_id:
        raise InvalidInput(f"{label('creditor', creditor)} is Billecta creditor {creditor['billecta_id']}, but the "
                           f"bot is configured for {creditor_id} (BILLECTA_CREDITOR_ID).")
    try:
        rt.billecta.update_creditor(apply_creditor(rt.billecta.get_creditor(), creditor))
        settings = apply_settings(rt.billecta.get_default_config(), creditor)
        rt.billecta.update_default_config(settings)
    except BillectaRejected as exc:
        rt.store.mark_failed("creditor", creditor["id"], exc.billecta_message)
        raise
    keep_default_config(rt, settings)  # what Billecta holds now: the bot's record, pushed
    rt.store.mark_synced("creditor", creditor["id"], creditor_id, pushed_version=creditor["updated_at"])
    return ItemResult(str(creditor["id"]), label("creditor", creditor), creditor_id, "details and settings updated")
