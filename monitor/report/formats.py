"""The output formats, one writer each: the only list of them (the CLI's ``--format`` reads it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from monitor.report.build import Report
from monitor.report.csvfiles import write_csv
from monitor.report.docx import write_docx
from monitor.report.html import write_html
from monitor.report.markdown import render_markdown
from monitor.report.xlsx import write_xlsx

Writer = Callable[[Report, Path], list[Path]]


def write_markdown(report: Report, directory: Path) -> list[Path]:
    path = directory / "report.md"
    path.write_text(render_markdown(report), encoding="utf-8")
    return [path]


FORMATS: dict[str, Writer] = {
    "md": write_markdown,
    "csv": write_csv,
    "xlsx": write_xlsx,
    "docx": write_docx,
    "html": write_html,
}


def parse_formats(value: str) -> tuple[str, ...]:
    """``md,csv`` → ``("md", "csv")``; ``ValueError`` naming an unknown one."""
    names = tuple(dict.fromkeys(name.strip().lower() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        choices = ", ".join(FORMATS)
        raise ValueError(
            f"unknown format {unknown[0]!r} (choose from {choices})" if unknown else "no format given"
        )
    return names


def write(report: Report, formats: tuple[str, ...], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [path for name in formats for path in FORMATS[name](report, directory)]
