"""What every PDF the bot draws shares (fpdf2): the document, its metadata and text core fonts can draw.

The sandbox's invoice PDFs (bot/sandbox/pdf.py) and the reports (bot/reports/pdf.py) are drawn with
it. Documents are uncompressed so their text can be read back in tests (tests/pdf_check.py) and by a
text search of an archive; a report of a few hundred pages stays a few MB.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fpdf import FPDF

FONT = "Helvetica"


def latin1(text: Any) -> str:
    """Core PDF fonts are Latin-1: keep å, ä, ö (and the no-break spaces of amounts), replace what
    cannot be drawn with '?'."""
    return str(text if text is not None else "").encode("latin-1", "replace").decode("latin-1")


def new_document(title: str, *, author: str | None, creator: str, created: datetime,
                 orientation: str = "portrait", cls: type[FPDF] = FPDF) -> FPDF:
    """An A4 document (of `cls`, an FPDF with its own header or footer) with its metadata set;
    `created` is its creation date (a document drawn again from the same data is the same file)."""
    pdf = cls(orientation=orientation, format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(created)
    pdf.set_title(latin1(title))
    if author:
        pdf.set_author(latin1(author))
    pdf.set_creator(creator)
    return pdf


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
