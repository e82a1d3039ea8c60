"""Jinja2 for the text formats: templates ship as package data under ``monitor/report/templates/``.

Autoescaping is on for HTML (names and messages come from inventories and pages govmon does not control)
and off for markdown, whose cells are escaped by ``md_cell`` instead."""

from __future__ import annotations

from typing import Any

import jinja2

from monitor.report import text
from monitor.report.build import Report

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("monitor.report", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def md_cell(value: object) -> str:
    """A markdown table cell: pipes escaped, line breaks flattened."""
    return md_text(value).replace("|", "\\|").replace("\n", " ")


def md_text(value: object) -> str:
    """Markdown running text: angle brackets escaped, so that a page's ``<script>`` quoted in a message stays
    text in viewers that pass HTML through."""
    return str(value).replace("<", "&lt;").replace(">", "&gt;")


_ENVIRONMENT.filters["md_cell"] = md_cell
_ENVIRONMENT.filters["md_text"] = md_text


def render(template: str, report: Report) -> str:
    """``template`` filled with the report and the words of ``monitor.report.text``."""
    context: dict[str, Any] = {
        "report": report,
        "title": text.title(report),
        "subtitle": text.subtitle(report),
        "window_note": text.window_note(report),
        "summary": text.summary(report),
        "sections": [
            (heading, kind, text.section_entries(report, which, kind))
            for which, kind, heading in text.SECTIONS
        ],
        "tables": [
            (
                text.ANNEX[table.kind],
                text.table_title(table),
                text.table_header(table),
                text.table_cells(table),
            )
            for table in report.tables
        ],
        "score_sections": [
            (heading, *text.score_lines(report, kind)) for kind, heading in text.SCORE_SECTIONS
        ],
        "reply_annex": text.REPLY_ANNEX,
        "reply_title": text.REPLY_TITLE,
        "reply_header": text.REPLY_HEADERS,
        "reply_rows": [text.reply_cells(row) for row in report.replies],
        "reply_total": text.reply_cells(report.replies_total) if report.replies_total else None,
        "entry_head": text.entry_head,
        "problem_text": text.problem_text,
        "none_found": text.none_found,
    }
    return _ENVIRONMENT.get_template(template).render(context)
