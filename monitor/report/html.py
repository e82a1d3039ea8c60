"""``report.html``: the same document as the docx, printable (A4, tables with borders, page breaks before
each 附件), self-contained: no script, no external stylesheet or font."""

from __future__ import annotations

from pathlib import Path

from monitor.report.build import Report
from monitor.report.templates import render


def render_html(report: Report) -> str:
    return render("report.html.j2", report)


def write_html(report: Report, directory: Path) -> list[Path]:
    path = directory / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return [path]
