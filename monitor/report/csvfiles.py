"""``websites.csv`` and ``new-media.csv``: CONTRACT.md's header, one row per region, then 合计; and
``scores.csv``: every checked target's deduction score (``text.SCORE_HEADER``), sites first.

UTF-8 with a byte-order mark, so that Excel opens the Chinese names without asking; the ratio cell as
the 通报 prints it (``2.17%``, or a bare ``0``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from monitor.report import text
from monitor.report.build import Report, Table
from monitor.report.labels import CSV_HEADER

FILE_NAMES = {"site": "websites.csv", "account": "new-media.csv"}


def render_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(text.table_cells(table))
    return buffer.getvalue()


SCORES_FILE = "scores.csv"


def render_scores_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(text.SCORE_HEADER)
    writer.writerows(text.score_cells(entry) for entry in report.scores)
    return buffer.getvalue()


def write_csv(report: Report, directory: Path) -> list[Path]:
    written = []
    for table in report.tables:
        path = directory / FILE_NAMES[table.kind]
        path.write_text(render_csv(table), encoding="utf-8-sig", newline="")
        written.append(path)
    path = directory / SCORES_FILE
    path.write_text(render_scores_csv(report), encoding="utf-8-sig", newline="")
    written.append(path)
    return written
