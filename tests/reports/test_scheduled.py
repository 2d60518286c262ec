"""Scheduled reports: a schedule entry runs a preset, saved or receivables report (the mirror pulled
first) and posts its files to its channel through the notifier with the "as of" line; a report entry
without a channel, with targets or with an unknown option is refused at start, naming the entry."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from bot import timefmt
from bot.errors import ConfigError
from bot.files import OutcomeFile
from bot.jobs import JobQueue
from bot.jobs.schedules import Schedule, Schedules, load_schedules
from bot.notify import Notifier
from bot.reports.creator import create_report
from bot.runtime import Runtime
from tests.jobs.conftest import settings_for
from tests.pdf_check import read_pdf
from tests.reports.ledger import RAPPORT, make_ledger


class Posted(Notifier):
    def __init__(self) -> None:
        self.posts: list[tuple[str, list[OutcomeFile], str]] = []

    def report_ready(self, channel: str, files: Sequence[OutcomeFile], comment: str) -> None:
        self.posts.append((channel, list(files), comment))


@pytest.fixture
def posted(rt: Runtime) -> Iterator[tuple[Posted, JobQueue]]:
    notifier = Posted()
    queue = JobQueue(rt, notifier)
    yield notifier, queue
    queue.shutdown()


def fire(queue: JobQueue, schedule: Schedule) -> str:
    schedules = Schedules(queue.rt.store, [schedule])
    schedules.queue = queue
    schedules.fire(schedule.id)
    return str((schedules.state(schedule.id) or {})["last_outcome"])


def test_a_saved_report_is_posted_to_its_channel_with_the_as_of_line(rt: Runtime,
                                                                      posted: tuple[Posted, JobQueue]) -> None:
    notifier, queue = posted
    known = make_ledger(rt)
    create_report(rt, None, {"name": "rapport", "fields": "invoice_number,remaining", "filter": "debtor~rapport",
                             "sum": "remaining", "save": "true"})
    schedule = Schedule("weekly", "0 7 * * 1", "report create", channel="#finance", options="name=rapport")
    assert fire(queue, schedule) == "posted 2 file(s) to #finance"
    ((channel, files, comment),) = notifier.posts
    assert channel == "#finance" and "Billecta data as of" in comment and "2 invoice(s)" in comment
    rows = list(csv.reader(io.StringIO(files[1].data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [[known.numbers["A"], "600,00", "SEK"], [known.numbers["B"], "1560,00", "SEK"]]
    assert RAPPORT not in files[1].data.decode("utf-8-sig")  # the saved fields, not the default ones


def test_the_receivables_pdf_every_monday(rt: Runtime, posted: tuple[Posted, JobQueue]) -> None:
    notifier, queue = posted
    schedule = Schedule("ledger", "0 7 * * 1", "report receivables", channel="#finance")
    assert fire(queue, schedule).startswith("posted 3 file(s)")
    ((_, files, comment),) = notifier.posts
    assert [f.mime for f in files] == ["application/pdf", "text/csv", "image/png"] and "as of" in comment


def test_a_saved_report_gone_is_a_failed_run_not_a_crash(rt: Runtime, posted: tuple[Posted, JobQueue]) -> None:
    notifier, queue = posted
    outcome = fire(queue, Schedule("gone", "0 7 * * 1", "report create", channel="#finance", options="name=nope"))
    assert outcome.startswith("failed: name: No report is saved as 'nope'") and notifier.posts == []


def test_report_entries_from_config(tmp_path: Path) -> None:
    entry = {"id": "prepaid", "cron": "0 7 * * 1", "command": "report create", "channel": "#finance",
             "options": "preset=prepaid sum=paid 'filter=debtor~Åsa Öberg'"}
    (schedule, _pull) = load_schedules(settings_for(tmp_path, schedules=json.dumps([entry])), tmp_path)
    assert schedule == Schedule("prepaid", "0 7 * * 1", "report create", "", "Europe/Stockholm", "#finance",
                                "preset=prepaid sum=paid 'filter=debtor~Åsa Öberg'")
    assert schedule.option_values() == {"preset": "prepaid", "sum": "paid", "filter": "debtor~Åsa Öberg"}


@pytest.mark.parametrize(("entry", "says"), [
    ({"command": "report create"}, 'say where its files go, e.g. channel = "#finance"'),
    ({"command": "report create", "channel": "#f", "targets": "--all"}, "a report takes no targets"),
    ({"command": "report create", "channel": "#f", "options": "colour=red"}, "option 'colour=red' is not one of"),
    ({"command": "report payroll", "channel": "#f"}, "report has no command 'payroll'"),
    ({"command": "report", "channel": "#f"}, "is not an available report"),
    ({"command": "debtor upsert", "targets": "--all", "channel": "#f"}, "channel and options are for reports"),
])
def test_bad_report_entries_are_refused_at_start(tmp_path: Path, entry: dict[str, str], says: str) -> None:
    settings = settings_for(tmp_path, schedules=json.dumps([{"cron": "0 7 * * 1", **entry}]))
    with pytest.raises(ConfigError, match="entry 1") as caught:
        load_schedules(settings, tmp_path)
    assert says in caught.value.user_message


def test_a_scheduled_report_with_a_period_and_rounded_numbers(rt: Runtime, posted: tuple[Posted, JobQueue]) -> None:
    notifier, queue = posted
    make_ledger(rt)
    today = timefmt.today()
    start, end = today - timedelta(days=100), today - timedelta(days=50)
    options = (f"fields=invoice_number,remaining sum=remaining filter=debtor~rapport numbers=whole "
               f"from={start} to={end} period_on=due_date")
    schedule = Schedule("aged", "0 7 * * 1", "report create", channel="#finance", options=options)
    assert fire(queue, schedule) == "posted 2 file(s) to #finance"
    ((_, (pdf_file, csv_file), comment),) = notifier.posts
    text = read_pdf(pdf_file.data).text
    assert f"Period: {start} to {end} by due date, aged at {end}" in text
    # A fell due 95 days ago (B 40): at the period's end nothing was paid on it yet (its payment and
    # write-off were made today), so 1 000,00 remained.
    assert "Amounts rounded to whole units (half up); sums exact" in text and "1\u00a0000" in text.splitlines()
    assert f"{start}-to-{end}" in csv_file.name and "1 invoice(s)" in comment
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [[rows[1][0], "1000,00", "SEK"]]  # the CSV exact


def test_date_and_number_options_are_accepted_in_a_schedule_entry(tmp_path: Path) -> None:
    entry = {"id": "monthly", "cron": "0 7 1 * *", "command": "report create", "channel": "#finance",
             "options": "preset=receivables date=2026-11-30 numbers=thousands"}
    (schedule, _pull) = load_schedules(settings_for(tmp_path, schedules=json.dumps([entry])), tmp_path)
    assert schedule.option_values() == {"preset": "receivables", "date": "2026-11-30", "numbers": "thousands"}
