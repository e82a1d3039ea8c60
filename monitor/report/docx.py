"""``report.docx``: a 通报-style document: title, 总体情况, the problem lists, and the tables as 附件 with
borders, in a CJK font.

Fonts are named as Word on a government desktop has them (仿宋 body, 黑体 headings, 宋体 title); Word
reads East Asian text from ``w:eastAsia``, which python-docx does not set, so every run sets it here.
LibreOffice without those fonts substitutes a CJK font it has (Noto CJK on Debian)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from monitor.report import text
from monitor.report.build import Report, Table

BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋", "黑体", "宋体", "Times New Roman"
BODY_PT, TITLE_PT, TABLE_PT = 14, 20, 11
RED = RGBColor(0xC0, 0x00, 0x00)


def write_docx(report: Report, directory: Path) -> list[Path]:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(3.0)
    section.left_margin = section.right_margin = Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _title(document, report)
    _heading(document, "一、总体情况")
    for line in text.summary(report):
        _body(document, line)
    _heading(document, "二、检查发现的问题")
    for which, kind, heading in text.SECTIONS:
        _body(document, heading, font=HEADING_FONT, indent=True)
        groups = text.section_entries(report, which, kind)
        if not groups:
            _body(document, text.none_found(kind))
        for region, entries in groups:
            for entry in entries:
                for problem in entry.problems:
                    line = f"{region}：{text.entry_head(entry)}，{text.problem_text(problem)}"
                    paragraph = _body(document, line)
                    if problem.forecast:
                        for run in paragraph.runs:
                            run.font.color.rgb = RED
                    if problem.evidence_url:
                        _run(paragraph, f"证据：{problem.evidence_url}", size_pt=10)
    if report.replies:
        _page_break(document)
        _annex_heading(document, text.REPLY_ANNEX, text.REPLY_TITLE)
        rows = [text.reply_cells(row) for row in report.replies]
        if report.replies_total is not None:
            rows.append(text.reply_cells(report.replies_total))
        _grid(document, text.REPLY_HEADERS, rows)
        _body(document, text.window_note(report).replace("检查采样", "咨询提问"), size_pt=TABLE_PT)
    for table in report.tables:
        _page_break(document)
        _annex(document, table, report)
    path = directory / "report.docx"
    document.save(str(path))
    return [path]


def _title(document: docx.document.Document, report: Report) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(18)
    _run(paragraph, text.title(report), font=TITLE_FONT, size_pt=TITLE_PT, bold=True)
    subtitle = text.subtitle(report)
    if subtitle:
        note = document.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(note, subtitle, size_pt=BODY_PT, bold=True).font.color.rgb = RED
    _body(document, text.window_note(report).removeprefix("注："))


def _heading(document: docx.document.Document, words: str) -> None:
    _body(document, words, font=HEADING_FONT, indent=True)


def _body(
    document: docx.document.Document,
    words: str,
    *,
    font: str = BODY_FONT,
    size_pt: float = BODY_PT,
    indent: bool = True,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(size_pt * 2) if indent else None
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.line_spacing = 1.25
    _run(paragraph, words, font=font, size_pt=size_pt)
    return paragraph


def _run(
    paragraph: Paragraph, words: str, *, font: str = BODY_FONT, size_pt: float = BODY_PT, bold: bool = False
) -> Run:
    if paragraph.runs:
        paragraph.add_run().add_break()
    run = paragraph.add_run(words)
    run.font.name, run.font.size, run.bold = LATIN_FONT, Pt(size_pt), bold
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _page_break(document: docx.document.Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _annex_heading(document: docx.document.Document, annex: str, title: str) -> None:
    _body(document, annex, font=HEADING_FONT, indent=False)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, title, font=TITLE_FONT, size_pt=16, bold=True)


def _annex(document: docx.document.Document, table: Table, report: Report) -> None:
    _annex_heading(document, text.ANNEX[table.kind], text.table_title(table))
    _grid(document, text.table_header(table), text.table_cells(table))
    _body(document, text.window_note(report), size_pt=TABLE_PT, indent=False)


def _grid(
    document: docx.document.Document, header: tuple[str, ...], rows: list[tuple[str, ...]]
) -> DocxTable:
    grid = document.add_table(rows=1 + len(rows), cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, cells in enumerate([header, *rows]):
        for column, value in enumerate(cells):
            cell = grid.cell(row_index, column)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            bold = row_index == 0 or (row_index == len(rows) and cells[0] == "合计")
            font = HEADING_FONT if row_index == 0 else BODY_FONT
            _run(paragraph, value, font=font, size_pt=TABLE_PT, bold=bold)
    return grid
