"""The text of published attachments, for the personal-data scan: txt, csv, xlsx, docx and PDF.

Lists of names (公示名单、补贴发放表) are published as spreadsheets, documents and PDFs far more often than
as pages. openpyxl and python-docx already serve ``govmon report``; pypdf reads a PDF's text layer (a
scanned PDF has none: nothing is found there). Legacy .xls and .doc need readers this project does not
carry, so they are not read (docs/content-safety.md). Parsing is CPU work: callers run it off the event loop.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from charset_normalizer import from_bytes

READABLE = (".txt", ".csv", ".xlsx", ".docx", ".pdf")
MAX_CELLS = 200_000
MAX_PDF_PAGES = 100
"""Pages of one PDF read at most: a name list fits; a 2,000-page yearbook is not read to the end."""


def kind_of(url: str) -> str | None:
    """The attachment kind a URL's path names (``.xlsx`` …), or None when it is not one this module reads."""
    path = urlsplit(url).path.lower()
    return next((ext for ext in READABLE if path.endswith(ext)), None)


def _xlsx_text(body: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    lines: list[str] = []
    cells = 0
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                values = [str(v) for v in row if v is not None]
                cells += len(values)
                if values:
                    lines.append(" ".join(values))
                if cells > MAX_CELLS:
                    return "\n".join(lines)
    finally:
        book.close()
    return "\n".join(lines)


def _docx_text(body: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(body))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PDF_PAGES])


def attachment_text(body: bytes, kind: str) -> str:
    """The text of one attachment; "" when it cannot be read (a broken file is not a finding here)."""
    try:
        if kind in (".txt", ".csv"):
            best = from_bytes(body).best()
            return str(best) if best is not None else ""
        if kind == ".xlsx":
            return _xlsx_text(body)
        if kind == ".docx":
            return _docx_text(body)
        if kind == ".pdf":
            return _pdf_text(body)
    except Exception:  # a broken or hostile file is no finding here; whatever its reader raises, skip it
        return ""
    return ""
