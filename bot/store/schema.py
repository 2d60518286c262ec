"""The store's tables and the migrations that create them, applied in order by `Store.migrate`.

A schema change is a new function appended to MIGRATIONS; a migration that has run is never edited.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from bot import records

# Which tables hold the bot's records and which Billecta's: the record-type table says (bot.records).
SOURCE_TYPES = records.SOURCE
MIRROR_TYPES = records.MIRROR

_SYNC_COLUMNS = {
    "billecta_id": str, "sync_status": str, "last_synced_at": str, "last_error": str, "updated_at": str,
}
_SOURCE_COLUMNS: dict[str, dict[str, type]] = {
    "article": {"id": int, "name": str, "article_number": str, "unit_price": str, "vat_rate": str,
                "unit": str, "product_type": str, "is_active": int},
    "debtor": {"id": int, "name": str, "org_no": str, "debtor_type": str, "email": str, "phone": str,
               "address": str, "zip_code": str, "city": str, "country_code": str, "contact_name": str},
    "creditor": {"id": int, "name": str, "org_no": str, "vat_number": str, "address": str, "zip_code": str,
                 "city": str, "country_code": str, "phone": str, "email": str, "bankgiro": str,
                 "reminder_fee": str, "payment_terms_days": int, "interest_percentage": str,
                 "delivery_method": str, "our_reference": str},
    "order": {"id": int, "debtor_id": int, "order_date": str, "payment_terms_days": int,
              "our_reference": str, "your_reference": str, "delivery_method": str, "currency": str},
    "orderrow": {"id": int, "order_id": int, "article_id": int, "quantity": str, "unit_price": str,
                 "vat_rate": str, "description": str, "record_type": str},
}
_FOREIGN_KEYS = {
    "order": [("debtor_id", "debtor", "id")],
    "orderrow": [("order_id", "order", "id"), ("article_id", "article", "id")],
}
_MIRROR_COMMON = {"last_synced_at": str, "last_error": str, "sync_status": str, "raw": str}
_MIRROR_COLUMNS: dict[str, dict[str, type]] = {
    "invoice": {"id": int, "action_public_id": str, "invoice_number": str, "action_type": str,
                "debtor_public_id": str, "debtor_name": str, "order_id": int, "stage": str,
                "is_paused": int, "is_disputed": int, "currency": str, "invoiced_amount": int,
                "current_amount": int, "credited_amount": int, "paid_amount": int,
                "write_off_amount": int, "invoice_date": str, "due_date": str, "closed_date": str,
                "next_event": str, "next_event_date": str, "ocr": str, "file_public_id": str,
                "pdf_path": str, "debt_collection_action_public_id": str,
                "reminder_invoice_action_public_id": str},
    "payment": {"id": int, "billecta_id": str, "kind": str, "payment_type": str, "state": str,
                "amount": int, "currency": str, "payment_date": str, "reference": str,
                "sender_name": str, "debtor_public_id": str, "action_public_id": str},
    "debtcollection": {"id": int, "action_public_id": str, "invoice_action_public_id": str,
                       "invoice_number": str, "debtor_name": str, "stage": str, "currency": str,
                       "current_amount": int, "next_event": str, "next_event_date": str,
                       "closed_date": str},
}


def _m001_schema(db: sqlite_utils.Database) -> None:
    for name, columns in _SOURCE_COLUMNS.items():
        db[name].create({**columns, **_SYNC_COLUMNS}, pk="id", not_null={"id"})  # type: ignore[union-attr]
    for name, fks in _FOREIGN_KEYS.items():
        for column, other, other_column in fks:
            db[name].add_foreign_key(column, other, other_column)  # type: ignore[union-attr]
    for name, columns in _MIRROR_COLUMNS.items():
        db[name].create({**columns, **_MIRROR_COMMON}, pk="id")  # type: ignore[union-attr]
    db["invoice"].create_index(["action_public_id"], unique=True)  # type: ignore[union-attr]
    db["invoice"].create_index(["invoice_number"])  # type: ignore[union-attr]
    db["payment"].create_index(["billecta_id"], unique=True)  # type: ignore[union-attr]
    db["debtcollection"].create_index(["action_public_id"], unique=True)  # type: ignore[union-attr]
    db["event"].create(  # type: ignore[union-attr]
        {"id": int, "object_type": str, "object_key": str, "event_public_id": str, "event_type": str,
         "title": str, "content": str, "event_date": str, "event_by": str, "has_occured": int,
         "is_public": int, "fetched_at": str},
        pk="id",
    )
    db["event"].create_index(["object_type", "object_key"])  # type: ignore[union-attr]
    db["event"].create_index(["object_type", "object_key", "event_public_id"], unique=True)  # type: ignore[union-attr]
    _operations_schema(db)


def _operations_schema(db: sqlite_utils.Database) -> None:
    db["job"].create(  # type: ignore[union-attr]
        {"id": int, "command": str, "record_type": str, "verb": str, "targets": str, "options": str,
         "requested_by": str, "source": str, "channel": str, "status": str, "total": int,
         "succeeded": int, "failed": int, "skipped": int, "created_at": str, "started_at": str,
         "finished_at": str, "parent_job_id": int, "schedule": str, "error": str,
         "cancel_requested": int},
        pk="id",
    )
    db["job"].create_index(["status"])  # type: ignore[union-attr]
    db["job_item"].create(  # type: ignore[union-attr]
        {"id": int, "job_id": int, "seq": int, "record_type": str, "record_id": str, "label": str,
         "status": str, "attempts": int, "billecta_id": str, "error": str, "started_at": str,
         "finished_at": str},
        pk="id", foreign_keys=[("job_id", "job", "id")],
    )
    db["job_item"].create_index(["job_id", "seq"], unique=True)  # type: ignore[union-attr]
    db["audit"].create(  # type: ignore[union-attr]
        {"id": int, "at": str, "actor": str, "source": str, "channel": str, "command": str,
         "record_type": str, "record_ids": str, "outcome": str, "detail": str, "job_id": int},
        pk="id",
    )
    db["idempotency"].create(  # type: ignore[union-attr]
        {"key": str, "created_at": str, "status": str, "result": str}, pk="key"
    )
    db["slack_message"].create(  # type: ignore[union-attr]
        {"id": int, "ref": str, "channel": str, "ts": str, "created_at": str, "updated_at": str},
        pk="id",
    )
    db["slack_message"].create_index(["ref"])  # type: ignore[union-attr]


def _m002_job_queue(db: sqlite_utils.Database) -> None:
    """The job queue's lease (which process runs a job, alive as of when) and schedules' last runs."""
    db["job"].add_column("owner", str)  # type: ignore[union-attr]
    db["job"].add_column("heartbeat_at", float)  # type: ignore[union-attr]
    db["job_item"].add_column("message", str)  # type: ignore[union-attr]
    db["job_item"].create_index(["job_id", "status"])  # type: ignore[union-attr]
    db["schedule_state"].create(  # type: ignore[union-attr]
        {"id": str, "since": str, "last_run_at": str, "last_job_id": int, "last_outcome": str}, pk="id"
    )


def _m003_job_item_record(db: sqlite_utils.Database) -> None:
    """Find a record's job items fast (anonymize rewrites every label that names the debtor)."""
    db["job_item"].create_index(["record_type", "record_id"])  # type: ignore[union-attr]


def _m004_event_reference(db: sqlite_utils.Database) -> None:
    """The event log shows each event's reference and, for creditor-wide logs, the record it belongs to."""
    db["event"].add_column("reference", str)  # type: ignore[union-attr]
    db["event"].add_column("source", str)  # type: ignore[union-attr]


def _m005_slack_outbox(db: sqlite_utils.Database) -> None:
    """Slack posts and edits wait here until Slack accepts them (bot.slack.outbox), so a rate limit or an
    outage delays a notification instead of losing it; a job remembers the thread it was started from."""
    db["slack_outbox"].create(  # type: ignore[union-attr]
        {"id": int, "lane": str, "kind": str, "ref": str, "channel": str, "dm_user": str, "thread_ts": str,
         "payload": str, "status": str, "attempts": int, "last_error": str, "created_at": str, "sent_at": str},
        pk="id",
    )
    db["slack_outbox"].create_index(["status", "lane", "id"])  # type: ignore[union-attr]
    db["slack_outbox"].create_index(["ref", "kind", "status"])  # type: ignore[union-attr]
    db["job"].add_column("thread_ts", str)  # type: ignore[union-attr]


def _m006_run_once(db: sqlite_utils.Database) -> None:
    """Run-once claims say who holds them (a process that may have died) and when they last moved:
    status is claimed, sending, applied (Billecta said yes), done or unknown (bot.once)."""
    db["idempotency"].add_column("owner", str)  # type: ignore[union-attr]
    db["idempotency"].add_column("updated_at", str)  # type: ignore[union-attr]


def _m007_job_item_amount(db: sqlite_utils.Database) -> None:
    """The money each succeeded item moved (a credit, an attested invoice), so a job's result states it."""
    db["job_item"].add_column("amount_minor", int)  # type: ignore[union-attr]
    db["job_item"].add_column("currency", str)  # type: ignore[union-attr]


def _m008_job_item_error_kind(db: sqlite_utils.Database) -> None:
    """Why each item did not succeed (bot.jobs.model.ErrorKind and the error's class), so a refusal by
    Billecta's rules is shown as an answer and only failures a retry may fix alert and are retried;
    the job counts its refused items apart from its failed ones."""
    db["job_item"].add_column("error_kind", str)  # type: ignore[union-attr]
    db["job_item"].add_column("error_class", str)  # type: ignore[union-attr]
    db["job"].add_column("refused", int, not_null_default=0)  # type: ignore[union-attr]


def _m009_swish_request(db: sqlite_utils.Database) -> None:
    """Swish payment requests the bot sends, followed until the payer answers (bot.jobs.swish). A row is
    written before the request is sent (under its run-once key, so a lost reply or a crash still knows
    who asked and where to tell them), gets its token when Billecta answers, then the status Billecta
    last gave and when to read it next."""
    db["swish_request"].create(  # type: ignore[union-attr]
        {"id": int, "claim_key": str, "token": str, "invoice_key": str, "action_public_id": str,
         "record_label": str, "phone": str, "message": str, "amount_minor": int, "currency": str,
         "status": str, "error": str, "requested_by": str, "source": str, "channel": str, "thread_ts": str,
         "created_at": str, "deadline_at": float, "next_poll_at": float, "polls": int, "updated_at": str,
         "finished_at": str, "cancelled_by": str, "payment_recorded": int},
        pk="id",
    )
    db["swish_request"].create_index(["claim_key"], unique=True)  # type: ignore[union-attr]
    db["swish_request"].create_index(["token"], unique=True)  # type: ignore[union-attr]
    db["swish_request"].create_index(["finished_at", "next_poll_at"])  # type: ignore[union-attr]


def _m010_stored_files(db: sqlite_utils.Database) -> None:
    """Files the bot keeps (an invoice's PDFs, from Billecta): the file is in the folder beside the
    database (`bot.services.stored_files`), the row says which record and document it is, its name,
    size and SHA-256. One row per (record, document): fetching again replaces it."""
    db["stored_file"].create(  # type: ignore[union-attr]
        {"id": int, "record_type": str, "record_key": str, "document": str, "billecta_file_id": str,
         "name": str, "path": str, "mime": str, "title": str, "size": int, "sha256": str, "fetched_at": str},
        pk="id",
    )
    db["stored_file"].create_index(["record_type", "record_key", "document"], unique=True)  # type: ignore[union-attr]


def _m011_orderrow_position(db: sqlite_utils.Database) -> None:
    """Order rows keep their place on the invoice (`position`, 1… within the order), so a message row can go
    after a given row and the rows after it move down. Existing rows keep the order they had (by id); a
    row inserted without a position (an import, a link) is appended after its order's last row.
    `claim_token`: the run-once token of the dialog that added a row (bot.once), so a repeat finds it."""
    db["orderrow"].add_column("position", int)  # type: ignore[union-attr]
    db["orderrow"].add_column("claim_token", str)  # type: ignore[union-attr]
    db.execute("UPDATE orderrow SET position = (SELECT COUNT(*) FROM orderrow AS earlier "
               "WHERE earlier.order_id IS orderrow.order_id AND earlier.id <= orderrow.id)")
    db.execute("CREATE TRIGGER orderrow_appended AFTER INSERT ON orderrow WHEN NEW.position IS NULL BEGIN "
               "UPDATE orderrow SET position = (SELECT COALESCE(MAX(position), 0) + 1 FROM orderrow AS other "
               "WHERE other.order_id IS NEW.order_id AND other.id != NEW.id) WHERE id = NEW.id; END")
    db["orderrow"].create_index(["order_id", "position"])  # type: ignore[union-attr]
    db["orderrow"].create_index(["claim_token"])  # type: ignore[union-attr]


def _m013_payment_sender(db: sqlite_utils.Database) -> None:
    """What the bank told of an unhandled payment's sender besides the name, and the invoice a balance came
    from: the `payment delete`/`payment match` forms show them, drawn from the store before Billecta answers."""
    for column in ("sender_org_no", "sender_address", "sender_bankgiro_no", "source_invoice_number"):
        db["payment"].add_column(column, str)  # type: ignore[union-attr]


def _m014_billecta_setting(db: sqlite_utils.Database) -> None:
    """Billecta's creditor-wide settings as last read or pushed (the default settings: reminder fee and
    terms…), JSON by name, so a form they prefill can be drawn before Billecta answers."""
    db["billecta_setting"].create({"name": str, "value": str, "synced_at": str}, pk="name")  # type: ignore[union-attr]


def _m015_mirror_pull(db: sqlite_utils.Database) -> None:
    """Each pull of Billecta into the mirror (bot.services.pull): when it began and ended, how many invoices
    it listed and how many it read in full. The next pull lists closed invoices since the last one began;
    a report says "Billecta data as of" that moment."""
    db["mirror_pull"].create(  # type: ignore[union-attr]
        {"id": int, "started_at": str, "finished_at": str, "invoices": int, "detailed": int}, pk="id")
    # The reports read open invoices of the mirror by debtor, every time they run.
    db["invoice"].create_index(["closed_date"])  # type: ignore[union-attr]


def _m016_saved_report(db: sqlite_utils.Database) -> None:
    """The report creator's saved reports (`report create name=... --save`), run again by name from Slack,
    the CLI or a schedule: the options as given (preset, fields, filter, sum), checked when saved."""
    db["saved_report"].create(  # type: ignore[union-attr]
        {"name": str, "preset": str, "fields": str, "filter": str, "sum": str, "saved_at": str},
        pk="name")


def _m017_invoice_movement(db: sqlite_utils.Database) -> None:
    """Dated money movements on mirrored invoices (bot.reports.movements): each payment, credit and
    write-off with its amount and the Stockholm day it happened, so a report at a past date or over a
    period knows what was settled by then. One row per movement Billecta names (`reference`: the
    payment's PaymentReferenceId, or the event's EventPublicId), so a pull that sees it again adds nothing."""
    db["invoice_movement"].create(  # type: ignore[union-attr]
        {"id": int, "action_public_id": str, "kind": str, "amount": int, "currency": str, "moved_on": str,
         "reference": str, "source": str, "recorded_at": str}, pk="id", not_null={"action_public_id", "kind",
                                                                                  "amount", "moved_on", "reference"})
    db["invoice_movement"].create_index(["kind", "reference"], unique=True)  # type: ignore[union-attr]
    db["invoice_movement"].create_index(["action_public_id"])  # type: ignore[union-attr]


def _m018_saved_report_by(db: sqlite_utils.Database) -> None:
    """Who saved a saved report (`saved_by`: their name, or id when Slack gave none), shown with when it
    was saved wherever the saved reports are listed; and the report creator's date parameters and number
    format, saved as given like the other options (empty: the default, so a report saved without a date
    runs at the day it is run)."""
    for column in ("saved_by", "date", "from", "to", "period_on", "numbers"):
        db["saved_report"].add_column(column, str)  # type: ignore[union-attr]


def _m019_mirror_pull_unread(db: sqlite_utils.Database) -> None:
    """How many invoices each pull left known only by their list row (bot.services.pull.unread_in_full):
    a pull reads at most VIEWS_PER_PULL in full, so a large ledger's first pulls leave a backlog that a
    report names in its notes."""
    db["mirror_pull"].add_column("unread", int)  # type: ignore[union-attr]


def _m020_mirror_change(db: sqlite_utils.Database) -> None:
    """What each pull changed in the mirror's invoices (bot.services.pull): per pull, each changed
    invoice's reconciled columns as they were before it (`before`: JSON, null for an invoice new to the
    mirror). The reconciliation lays the last pull's before-values back over the mirror as the store's
    side, so a re-run without a pull names what that pull changed. The pull keeps only its last few."""
    db["mirror_change"].create(  # type: ignore[union-attr]
        {"id": int, "pull_id": int, "action_public_id": str, "before": str}, pk="id",
        not_null={"pull_id", "action_public_id"})
    db["mirror_change"].create_index(["pull_id"])  # type: ignore[union-attr]


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_schema", _m001_schema),
    ("002_job_queue", _m002_job_queue),
    ("003_job_item_record", _m003_job_item_record),
    ("004_event_reference", _m004_event_reference),
    ("005_slack_outbox", _m005_slack_outbox),
    ("006_run_once", _m006_run_once),
    ("007_job_item_amount", _m007_job_item_amount),
    ("008_job_item_error_kind", _m008_job_item_error_kind),
    ("009_swish_request", _m009_swish_request),
    ("010_stored_files", _m010_stored_files),
    ("011_orderrow_position", _m011_orderrow_position),
    ("013_payment_sender", _m013_payment_sender),
    ("014_billecta_setting", _m014_billecta_setting),
    ("015_mirror_pull", _m015_mirror_pull),
    ("016_saved_report", _m016_saved_report),
    ("017_invoice_movement", _m017_invoice_movement),
    # 018 landed after 019 (its number was kept for it): listed in name order, as the store records them; a
    # store that ran 019 first applies 018 on its next start (each migration runs once, by name).
    ("018_saved_report_by", _m018_saved_report_by),
    ("019_mirror_pull_unread", _m019_mirror_pull_unread),
    ("020_mirror_change", _m020_mirror_change),
]
