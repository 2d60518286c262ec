"""The `billecta-bot` command line: the same registry and services Slack uses, from a shell.

`main` parses and dispatches (bot.cli.main); each subcommand lives with its concept: `commands` (run,
import, sandbox, audit, endpoints), `jobs` (bulk runs, jobs, worker, pull, schedules), `slack` (serve,
manifest), `views` (what the shell shows and asks: tables, times, confirmations).
"""

from bot.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
