"""Running the shell command in process, as a user types it: `run(capsys, "run", "invoice", ...)`."""

from __future__ import annotations

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The exit status, stdout and stderr of `billecta-bot <argv>`."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err
