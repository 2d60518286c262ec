"""Debtors ↔ Billecta debtors: upsert, keyed by DebtorExternalId = the local id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.billecta import enums
from bot.billecta.models import DebtorView
from bot.errors import BillectaNotFound, BillectaRejected
from bot.services import ItemResult, known, stored_files
from bot.services.labels import label
from bot.services.mirror import resolve_source
from bot.store import SyncStatus

if TYPE_CHECKING:
    from bot.runtime import Runtime


def apply_debtor(view: DebtorView, debtor: dict[str, Any]) -> DebtorView:
    """Our fields onto Billecta's view; fields we do not manage (notes, e-invoice...) are kept."""
    view.debtor_external_id = str(debtor["id"])
    view.name = debtor["name"]
    view.org_no = debtor.get("org_no")
    view.debtor_type = enums.DebtorType.coerce(debtor.get("debtor_type") or "Company")
    view.email = debtor.get("email")
    view.phone = debtor.get("phone")
    view.address = debtor.get("address")
    view.zip_code = debtor.get("zip_code")
    view.city = debtor.get("city")
    view.country_code = debtor.get("country_code") or "SE"
    view.contact_name = debtor.get("contact_name")
    return view


def upsert_debtor(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Create or update one debtor; one by its external id in Billecta is the same debtor."""
    debtor = resolve_source(rt, "debtor", record_id)
    if debtor["sync_status"] == SyncStatus.ANONYMIZED:
        # Billecta already holds the erased copy; pushing again must never mark it synced, or a later
        # import could bring the personal data back.
        return ItemResult(str(debtor["id"]), label("debtor", debtor), debtor.get("billecta_id"),
                          "anonymized; nothing to push")
    try:
        view, verb = _push(rt, debtor, resumed=resumed)
    except BillectaRejected as exc:
        rt.store.mark_failed("debtor", debtor["id"], exc.billecta_message)
        raise
    rt.store.mark_synced("debtor", debtor["id"], view.debtor_public_id, pushed_version=debtor["updated_at"])
    return ItemResult(str(debtor["id"]), label("debtor", debtor), view.debtor_public_id, verb)


def _push(rt: Runtime, debtor: dict[str, Any], *, resumed: bool) -> tuple[DebtorView, str]:
    existing = _existing(rt, debtor, resumed=resumed)
    if existing is not None:
        view = apply_debtor(existing, debtor)
        try:
            rt.billecta.update_debtor(view)
            return view, "updated"
        except BillectaNotFound:
            pass  # deleted in Billecta's portal meanwhile: create it again
    view = apply_debtor(DebtorView(creditor_public_id=rt.billecta.creditor_id), debtor)
    view.debtor_public_id = rt.billecta.create_debtor(view)
    return view, "created"


def _existing(rt: Runtime, debtor: dict[str, Any], *, resumed: bool = True) -> DebtorView | None:
    """Billecta's current view: by our id, else by external id (an account that already holds the debtor,
    a create whose reply was lost, an id deleted in Billecta's portal); a large job's index of external ids
    answers the look-up for records it has not tried before (bot.services.known)."""
    if debtor.get("billecta_id"):
        try:
            return rt.billecta.get_debtor(debtor["billecta_id"])
        except BillectaNotFound:
            pass
    external_id = str(debtor["id"])
    return known.look_up("debtor", external_id, resumed=resumed, get=rt.billecta.get_debtor,
                         find=lambda: rt.billecta.find_debtor_by_external_id(external_id))


def index_debtors(rt: Runtime) -> known.ExternalIndex:
    return known.ExternalIndex("debtor", lambda _: rt.billecta.debtor_external_ids())


# DebtorView fields that hold personal data; anonymize clears them (the typed ones and the extras).
_PERSONAL_FIELDS = ("org_no", "attention", "care_of", "address", "address2", "zip_code", "city", "phone",
                    "email", "contact_name", "contact_email", "notes")
_PERSONAL_EXTRAS = ("VatNumber", "GLN")
_LOCAL_PERSONAL = ("org_no", "email", "phone", "address", "zip_code", "city", "contact_name")


def anonymize_debtor(rt: Runtime, record_id: str, *, resumed: bool = False) -> ItemResult:
    """Erase a debtor's personal data in Billecta (through the debtor update) and in the store.

    Ids stay, so the debtor's invoices remain linked; the name becomes 'Anonymized debtor <id>'.
    A debtor Billecta no longer has is still erased locally. Repeating it changes nothing.
    """
    debtor = resolve_source(rt, "debtor", record_id)
    name = f"Anonymized debtor {debtor['id']}"
    view = _existing(rt, debtor)
    if view is not None:
        view.name = name
        for field in _PERSONAL_FIELDS:
            setattr(view, field, None)
        extras = view.model_extra or {}
        for key in _PERSONAL_EXTRAS:
            if key in extras:
                extras[key] = None
        rt.billecta.update_debtor(view)
    billecta_id = view.debtor_public_id if view is not None else debtor.get("billecta_id")
    _erase_locally(rt, int(debtor["id"]), billecta_id, name)
    new_label = label("debtor", {"id": debtor["id"], "name": name})
    return ItemResult(str(debtor["id"]), new_label, billecta_id,
                      "anonymized" if view is not None else "anonymized in the bot (Billecta has no such debtor)")


def _erase_locally(rt: Runtime, debtor_id: int, billecta_id: str | None, name: str) -> None:
    """The debtor row, the mirrored invoices, cases and payments that show its name, job labels naming it,
    its cached event log (fetched again from Billecta when next asked for) and its invoices' kept PDFs."""
    store = rt.store
    with store.transaction():
        store.update("debtor", debtor_id, {"name": name, **dict.fromkeys(_LOCAL_PERSONAL)})
        store.mark_synced("debtor", debtor_id, billecta_id, status=SyncStatus.ANONYMIZED)
        store.db.execute("UPDATE job_item SET label = ? WHERE record_type = 'debtor' AND record_id = ?",
                         [label("debtor", {"id": debtor_id, "name": name}), str(debtor_id)])
        if billecta_id:
            # The whole views go too: they carry the debtor's address, e-mail and phone (read fresh next time).
            store.db.execute("UPDATE invoice SET debtor_name = ?, raw = NULL WHERE debtor_public_id = ?",
                             [name, billecta_id])
            store.db.execute(
                "UPDATE debtcollection SET debtor_name = ? WHERE invoice_action_public_id IN "
                "(SELECT action_public_id FROM invoice WHERE debtor_public_id = ?)", [name, billecta_id])
            store.db.execute("UPDATE payment SET sender_name = ? WHERE debtor_public_id = ? "
                             "AND sender_name IS NOT NULL", [name, billecta_id])
            store.db.execute("DELETE FROM event WHERE object_type = 'debtor' AND object_key = ?", [billecta_id])
    if billecta_id:
        stored_files.forget_invoices_of(store, billecta_id)  # the kept PDFs carry the name and address too
