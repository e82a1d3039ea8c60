"""Attachment text for the personal-data scan: csv, xlsx, docx and PDF are read; broken files give nothing."""

from __future__ import annotations

import io

import docx
import openpyxl

from monitor.extract.attachments import attachment_text, kind_of
from monitor.extract.privacy import find_personal_data
from monitor.sim.contentcases import VALID_ID, VALID_ID_3, attachment_pdf


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_readable_kind_yields_the_numbers() -> None:
    document = docx.Document()
    document.add_paragraph(f"公示：张某某 {VALID_ID}")
    out = io.BytesIO()
    document.save(out)
    files = {
        ".csv": f"姓名,身份证号\n张某某,{VALID_ID}\n".encode("gbk"),
        ".xlsx": xlsx([["姓名", "身份证号"], ["张某某", VALID_ID]]),
        ".docx": out.getvalue(),
        ".pdf": attachment_pdf("x"),
    }
    for kind, body in files.items():
        hits = find_personal_data(attachment_text(body, kind))
        expected = VALID_ID_3 if kind == ".pdf" else VALID_ID
        assert [h.masked for h in hits] == [expected[:4] + "*" * 10 + expected[-4:]], kind


def test_kinds_and_broken_files() -> None:
    assert kind_of("http://a.gov.cn/x/名单.XLSX") == ".xlsx"
    assert kind_of("http://a.gov.cn/x/a.doc") is None and kind_of("http://a.gov.cn/x/") is None
    for kind in (".xlsx", ".docx", ".pdf"):
        assert attachment_text(b"not a file at all", kind) == ""
