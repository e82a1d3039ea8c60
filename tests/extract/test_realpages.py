"""Real saved government pages (tests/extract/realpages, sources in SOURCES.md) read as a person reads them.

truth.json was read by hand: for each page its kind, newest own-content date and, for lists, the number
of dated rows of the main list and the oldest of them, as of the date the page was saved.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from monitor.extract.article import article_date
from monitor.extract.html import parse
from monitor.extract.listing import read_listing

HERE = Path(__file__).parent / "realpages"
TRUTH: list[dict[str, Any]] = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))


def _page(entry: dict[str, Any]) -> tuple[Any, dt.date, str]:
    text = (HERE / entry["file"]).read_text(encoding="utf-8")
    return parse(text), dt.date.fromisoformat(entry["as_of"]), f"https://{entry['site']}/column/index.html"


@pytest.mark.parametrize("entry", [e for e in TRUTH if e["kind"] == "list"], ids=lambda e: e["file"])
def test_list_page_newest_count_oldest(entry: dict[str, Any]) -> None:
    tree, as_of, url = _page(entry)
    listing = read_listing(tree, url, as_of)
    dated = [item.date for item in listing.items if item.date is not None]
    assert listing.newest == dt.date.fromisoformat(entry["newest"])
    assert listing.count == entry["count"]
    assert min(dated) == dt.date.fromisoformat(entry["oldest"])
    assert all(item.url.startswith("http") and item.title for item in listing.items)


@pytest.mark.parametrize("entry", [e for e in TRUTH if e["kind"] == "article"], ids=lambda e: e["file"])
def test_article_publication_date(entry: dict[str, Any]) -> None:
    tree, as_of, _ = _page(entry)
    assert article_date(tree, as_of) == dt.date.fromisoformat(entry["newest"])
