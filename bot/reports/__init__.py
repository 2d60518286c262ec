"""Reports over the store's mirror of Billecta (issue 10): the machinery every report shares.

A report reads the mirror, not Billecta live, so a report over thousands of invoices makes no
thousands of calls at Billecta's rate limit. What each report uses:

    asof      brings the mirror up to date (an incremental pull, bot.services.pull) and says
              "Billecta data as of <time>" (bot.timefmt, with its offset)
    params    the date parameters (`date=` or `from=`/`to=`), refused under their fields
    numbers   amounts for tables and CSV from exact integer minor units
    table     a report's table: columns, rows, totals; written to PDF (bot.reports.pdf) and to the
              Swedish CSV (bot.services.export.SWEDISH: `;`, decimal comma, UTF-8 BOM, formula-safe)
    pdf       the report PDF: title, parameters, the as-of line, a table that pages, totals, a chart
    chart     the aging chart (matplotlib, Agg), as PNG bytes for the PDF and for Slack
    files     a report's files as bot.files.OutcomeFile (Slack uploads them, the CLI writes --out)

The accounts-receivable ledger is bot.reports.receivables (command 29, `report receivables`).
"""
