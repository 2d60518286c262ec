"""Read a PDF as a viewer would start to: header, cross-reference table, trailer, catalog, page tree
and each stream's declared length, then the text drawn on its pages.

Enough to tell a real, uncompressed PDF (what the sandbox draws with fpdf2) from bytes that only
start with `%PDF`: every object the xref table lists must be where it says, every stream exactly as
long as its /Length. No PDF library is needed for that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Pdf:
    pages: int
    text: str  # every string shown with Tj, in drawing order, joined by newlines
    title: str | None


_OBJ = re.compile(rb"(\d+) (\d+) obj\b")
_STREAM = re.compile(rb"/Length (\d+)\s*>>\s*stream\r?\n")
_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj", re.S)


def read_pdf(data: bytes) -> Pdf:
    assert re.match(rb"%PDF-1\.\d", data), "no PDF header"
    assert data.rstrip().endswith(b"%%EOF"), "no %%EOF at the end"
    start = int(re.findall(rb"startxref\s+(\d+)\s+%%EOF", data)[-1])
    assert data[start:].startswith(b"xref"), "startxref does not point at the xref table"
    objects = _xref(data, start)
    trailer = data[data.index(b"trailer", start):]
    size = int(re.search(rb"/Size (\d+)", trailer).group(1))  # type: ignore[union-attr]
    assert size == len(objects) + 1, f"/Size {size} but {len(objects)} objects in the xref table"
    root = int(re.search(rb"/Root (\d+) 0 R", trailer).group(1))  # type: ignore[union-attr]
    catalog = _body(data, objects[root])
    assert b"/Type /Catalog" in catalog, "the /Root is not a catalog"
    pages = _body(data, objects[int(re.search(rb"/Pages (\d+) 0 R", catalog).group(1))])  # type: ignore[union-attr]
    count = int(re.search(rb"/Count (\d+)", pages).group(1))  # type: ignore[union-attr]
    texts = []
    for offset in objects.values():
        body = _body(data, offset)
        declared = _STREAM.search(body)
        if declared:
            begin = declared.end()
            stream = body[begin:begin + int(declared.group(1))]
            assert body[begin + len(stream):].lstrip().startswith(b"endstream"), "a stream's /Length is wrong"
            texts += [_unescape(m.group(1)) for m in _SHOWN.finditer(stream)]
    title = re.search(rb"/Title \(((?:\\.|[^\\)])*)\)", data)
    return Pdf(count, "\n".join(texts), _unescape(title.group(1)) if title else None)


def _xref(data: bytes, start: int) -> dict[int, int]:
    lines = data[start:].split(b"\n")
    first, count = (int(x) for x in lines[1].split())
    objects = {}
    for number, entry in enumerate(lines[2:2 + count], start=first):
        offset, generation, kind = entry.split()
        if kind == b"n":
            found = _OBJ.match(data, int(offset))
            assert found and int(found.group(1)) == number, f"object {number} is not at offset {int(offset)}"
            objects[number] = int(offset)
    return objects


def _body(data: bytes, offset: int) -> bytes:
    return data[offset:data.index(b"endobj", offset)]


def _unescape(raw: bytes) -> str:
    return re.sub(rb"\\(.)", rb"\1", raw).decode("latin-1")
