"""The report as markdown: what ``govmon report`` prints without ``-o``, and ``report.md``."""

from __future__ import annotations

from monitor.report.build import Report
from monitor.report.templates import render


def render_markdown(report: Report) -> str:
    return render("report.md.j2", report)
