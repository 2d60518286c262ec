"""Reports over the store's mirror of Billecta (issue 10): the machinery every report shares.

A report reads the mirror, not Billecta live, so a report over thousands of invoices makes no
thousands of calls at Billecta's rate limit. What each report uses:

    asof      brings the mirror up to date (an incremental pull, bot.services.pull) and says
              "Billecta data as of <time>" (bot.timefmt, with its offset)
    params    the date parameters (`date=` or `from=`/`to=`), refused under their fields
    numbers   amounts for tables and CSV from exact integer minor units, exact or rounded for display
    orders    the bot's orders as Billecta would invoice their rows (amount, row count, articles)
    table     a report's table: columns, rows, totals; written to PDF (bot.reports.pdf) and to the
              Swedish CSV (bot.services.export.SWEDISH: `;`, decimal comma, UTF-8 BOM, formula-safe)
    pdf       the report PDF: title, parameters, the as-of line, a table that pages, totals, a chart
    chart     the aging chart (matplotlib, Agg), as PNG bytes for the PDF and for Slack
    batch     a large report drawn without the garbage collector's pauses

A report's result carries its files (`files`: bot.files.OutcomeFile) and a `files_comment`; the view
flow uploads them when the report runs (handlers/flows/view.py), the CLI writes them to `--out`, and
`text()` / `as_json()` are what the CLI prints. The accounts-receivable ledger is
bot.reports.receivables (command 29, `report receivables`); bench/reports.py times the reports.
"""
