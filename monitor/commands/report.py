"""``govmon report``: read the findings of a quarter, build the report, write it in the formats asked for.

Without ``-o`` the markdown goes to stdout. Problems met on the way (bad lines of the findings file,
findings of targets not in the inventory) go to stderr, one line each; the rest is used.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sys
from pathlib import Path
from typing import TextIO

from monitor.deadlines import sampling_window
from monitor.inventory import Loaded
from monitor.report import formats as report_formats
from monitor.report import sources
from monitor.report.build import Report, build_report
from monitor.report.markdown import render_markdown

_QUARTER = re.compile(r"(\d{4})Q([1-4])\Z")


def parse_quarter(value: str) -> str:
    """``2022Q1`` (also ``2022q1``); ``ValueError`` otherwise."""
    match = _QUARTER.match(value.strip().upper())
    if not match:
        raise ValueError(f"expected a quarter such as 2022Q1, got {value!r}")
    return f"{match[1]}Q{match[2]}"


def read_source(loaded: Loaded, quarter: str, findings: Path | None) -> sources.Loaded:
    """The findings file when given (``OSError`` when unreadable), else govmon's Redis history."""
    if findings is not None:
        return sources.read_findings_file(findings)
    return asyncio.run(_read_redis(loaded, quarter))


async def _read_redis(loaded: Loaded, quarter: str) -> sources.Loaded:
    from monitor.runtime import open_runtime

    window = sampling_window(quarter, loaded.settings.inspection)
    async with open_runtime(loaded) as runtime:  # an embedded server this started stops with it
        return await sources.read_history(runtime.redis, runtime.keys, window, loaded.settings, loaded.sites)


def make_report(loaded: Loaded, quarter: str, source: sources.Loaded, as_of: dt.datetime | None) -> Report:
    return build_report(
        quarter=quarter,
        window=sampling_window(quarter, loaded.settings.inspection),
        sites=loaded.sites,
        accounts=loaded.accounts,
        records=source.records,
        checked=source.checked,
        as_of=as_of,
        regions=loaded.settings.regions,
        replies=source.replies,
        scoring=loaded.settings.scoring,
    )


def run_report(
    loaded: Loaded,
    quarter: str,
    findings: Path | None,
    formats: tuple[str, ...],
    out_dir: Path | None,
    as_of: dt.datetime | None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Build and write the report; 0. Without ``out_dir`` the markdown goes to ``out`` (stdout)."""
    out, err = out or sys.stdout, err or sys.stderr
    source = read_source(loaded, quarter, findings)
    for problem in source.problems:
        print(f"govmon: {problem}", file=err)
    report = make_report(loaded, quarter, source, as_of)
    if report.unknown_targets:
        shown = ", ".join(report.unknown_targets[:5]) + (" …" if len(report.unknown_targets) > 5 else "")
        print(
            f"govmon: {len(report.unknown_targets)} target(s) with findings are not in the inventory "
            f"and were left out: {shown}",
            file=err,
        )
    if out_dir is None:
        out.write(render_markdown(report))
        return 0
    for path in report_formats.write(report, formats, out_dir):
        print(path, file=out)
    return 0
