"""``govmon inspect FILE --as-of DATE``: a saved page's kind, newest date and items, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REALPAGES = Path(__file__).parents[1] / "extract" / "realpages"


def inspect(path: Path, *extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "GOVMON_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "inspect", str(path), "--json", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_saved_list_page_shows_its_rows_and_newest_date() -> None:
    report = inspect(REALPAGES / "d002.html", "--as-of", "2026-09-16")
    assert report["kind"] == "list"
    assert report["newest"] == "2026-09-15"  # not the pinned first row (2025-08-28)
    assert len(report["items"]) == 15
    assert report["items"][0]["date"] == "2025-08-28"
    assert report["items"][0]["url"].endswith("/202508/t20250828_9947089.shtml")


def test_saved_article_shows_its_printed_publication_date() -> None:
    report = inspect(REALPAGES / "d008.html", "--as-of", "2026-08-31")
    assert report["kind"] == "article"
    assert report["newest"] == "2026-08-27"  # 发布时间, not the body's 2026年8月18日 signature


def test_year_less_dates_resolve_as_of_the_given_day(tmp_path: Path) -> None:
    rows = "".join(
        f'<li><a href="/tzgg/{n}.html">通知{n}</a><span>[{md}]</span></li>'
        for n, md in enumerate(("01-03", "12-30", "12-02"))
    )
    page = tmp_path / "list.html"
    page.write_text(
        f'<html><head><meta name="ColumnName" content="通知公告"></head><body><ul class="list">{rows}</ul>'
        "<p>今天是2027年1月5日 星期二</p></body></html>",
        encoding="utf-8",
    )
    report = inspect(page, "--as-of", "2027-01-05")
    assert report["kind"] == "list"
    assert [item["date"] for item in report["items"]] == ["2027-01-03", "2026-12-30", "2026-12-02"]
    assert report["newest"] == "2027-01-03"
    # seen two days earlier, 01-03 cannot be this year's (that would be in the future)
    earlier = inspect(page, "--as-of", "2027-01-02")
    assert earlier["items"][0]["date"] == "2026-01-03"
