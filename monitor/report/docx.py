"""``report.docx``: a 通报-style document: title, 总体情况, the problem lists, the deduction scores, and the
tables as 附件 with borders, in a CJK font.

Fonts are named as Word on a government desktop has them (仿宋 body, 黑体 headings, 宋体 title); Word
reads East Asian text from ``w:eastAsia``, which python-docx does not set, so every run sets it here.
LibreOffice without those fonts substitutes a CJK font it has (Noto CJK on Debian)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree

from monitor.report import text
from monitor.report.build import Report

BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋", "黑体", "宋体", "Times New Roman"
BODY_PT, TITLE_PT, TABLE_PT, EVIDENCE_PT = 14, 20, 11, 9
RED = RGBColor(0xC0, 0x00, 0x00)
BODY, HEADING, TITLE, EVIDENCE, CELL = "通报正文", "通报小标题", "通报标题", "通报证据", "通报表格"
"""Paragraph styles: fonts and sizes are set once on the style, not on each of 100,000 runs."""


def write_docx(report: Report, directory: Path) -> list[Path]:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(3.0)
    section.left_margin = section.right_margin = Cm(2.6)
    _styles(document)

    _title(document, report)
    _paragraph(document, HEADING, "一、总体情况")
    for line in text.summary(report):
        _paragraph(document, BODY, line)
    _paragraph(document, HEADING, "二、检查发现的问题")
    for which, kind, heading in text.SECTIONS:
        _paragraph(document, HEADING, heading)
        groups = text.section_entries(report, which, kind)
        if not groups:
            _paragraph(document, BODY, text.none_found(kind))
        for region, entries in groups:
            for entry in entries:
                for problem in entry.problems:
                    line = f"{region}：{text.entry_head(entry)}，{text.problem_text(problem)}"
                    paragraph = _paragraph(document, BODY, line)
                    if problem.forecast:
                        paragraph.runs[0].font.color.rgb = RED
                    if problem.evidence_url:
                        _paragraph(document, EVIDENCE, f"证据：{problem.evidence_url}")
    for kind, heading in text.SCORE_SECTIONS:
        _paragraph(document, HEADING, heading)
        lines, rest = text.score_lines(report, kind)
        for line in lines:
            _paragraph(document, BODY, line)
        if rest or not lines:
            _paragraph(document, BODY, rest or "未检查此类目标。")
    if report.replies:
        _page_break(document)
        _annex_heading(document, text.REPLY_ANNEX, text.REPLY_TITLE)
        rows = [text.reply_cells(row) for row in report.replies]
        if report.replies_total is not None:
            rows.append(text.reply_cells(report.replies_total))
        _grid(document, text.REPLY_HEADERS, rows)
        _paragraph(document, CELL, text.window_note(report).replace("检查采样", "咨询提问"))
    for table in report.tables:
        _page_break(document)
        _annex_heading(document, text.ANNEX[table.kind], text.table_title(table))
        _grid(document, text.table_header(table), text.table_cells(table))
        _paragraph(document, CELL, text.window_note(report)).alignment = WD_ALIGN_PARAGRAPH.LEFT
    path = directory / "report.docx"
    document.save(str(path))
    return [path]


def _styles(document: docx.document.Document) -> None:
    """Normal in the body font (with Simplified Chinese glyph forms), and the 通报's paragraph styles."""
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = LATIN_FONT, Pt(BODY_PT)
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:eastAsia"), "zh-CN")  # Simplified Chinese glyph forms where a font carries several
    normal.element.get_or_add_rPr().append(language)
    for name, font, size_pt, bold, indent in (
        (BODY, BODY_FONT, BODY_PT, False, True),
        (HEADING, HEADING_FONT, BODY_PT, True, True),
        (TITLE, TITLE_FONT, TITLE_PT, True, False),
        (EVIDENCE, LATIN_FONT, EVIDENCE_PT, False, True),
        (CELL, BODY_FONT, TABLE_PT, False, False),
    ):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        assert style.style_id == name  # python-docx derives the id from the name: no spaces to drop
        style.base_style = normal
        style.font.size, style.font.bold = Pt(size_pt), bold
        _east_asian(style.element.get_or_add_rPr(), font)
        layout = style.paragraph_format
        layout.first_line_indent = Pt(BODY_PT * 2) if indent else None
        layout.space_after = Pt(2)
        layout.line_spacing = 1.25 if name in (BODY, HEADING) else 1.0
        if name in (TITLE, CELL):
            layout.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _east_asian(properties: Any, font: str) -> None:
    """Word reads Chinese text's font from ``w:eastAsia``, which python-docx's ``font.name`` leaves unset."""
    fonts = properties.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)


def _paragraph(document: docx.document.Document, style: str, words: str) -> Paragraph:
    """A paragraph of ``words`` at the end of the body, in ``style`` (``_styles`` made its id its name).

    Built as XML and put before the body's closing ``w:sectPr`` directly: python-docx's ``add_paragraph``
    looks the style up by name and searches the body for ``w:sectPr`` child by child on every call, which
    made a national deductions list of 15,000 lines take minutes instead of seconds."""
    body = document.element.body
    paragraph = OxmlElement("w:p")
    etree.SubElement(etree.SubElement(paragraph, qn("w:pPr")), qn("w:pStyle")).set(qn("w:val"), style)
    last = body[-1]  # lxml finds the last child directly (len() would count them all)
    if last.tag == qn("w:sectPr"):  # the section properties close the body
        last.addprevious(paragraph)
    else:
        body.append(paragraph)
    words_element = etree.SubElement(etree.SubElement(paragraph, qn("w:r")), qn("w:t"))
    words_element.text = words
    if words != words.strip():
        words_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return Paragraph(paragraph, document._body)


def _title(document: docx.document.Document, report: Report) -> None:
    _paragraph(document, TITLE, text.title(report)).paragraph_format.space_after = Pt(18)
    subtitle = text.subtitle(report)
    if subtitle:
        note = _paragraph(document, CELL, subtitle)
        note.runs[0].font.color.rgb, note.runs[0].font.bold = RED, True
    _paragraph(document, BODY, text.window_note(report).removeprefix("注："))


def _page_break(document: docx.document.Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _annex_heading(document: docx.document.Document, annex: str, title: str) -> None:
    _paragraph(document, HEADING, annex).paragraph_format.first_line_indent = Pt(0)
    _paragraph(document, TITLE, title).runs[0].font.size = Pt(16)


def _grid(
    document: docx.document.Document, header: tuple[str, ...], rows: list[tuple[str, ...]]
) -> DocxTable:
    """A bordered table (Word's built-in Table Grid), header and 合计 rows bold."""
    grid = document.add_table(rows=1 + len(rows), cols=len(header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, cells in enumerate([header, *rows]):
        bold = row_index == 0 or (row_index == len(rows) and cells[0] == "合计")
        for column, value in enumerate(cells):
            cell = grid.cell(row_index, column)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles[CELL]
            run = paragraph.add_run(value)
            run.bold = bold or None
    return grid
