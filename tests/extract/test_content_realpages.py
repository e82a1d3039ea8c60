"""The content extractors on real saved government pages (tests/extract/realpages): nothing to find on any.

These pages are healthy: a hidden link, a tamper sign, a dictionary hit or an unmasked number here is a
false positive (docs/content-safety.md reports the count, zero)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from monitor.extract import badlists, serious_errors
from monitor.extract.hidden_links import hidden_links
from monitor.extract.html import page_title, parse
from monitor.extract.privacy import find_personal_data
from monitor.extract.tamper import first_look
from monitor.extract.visible import visible_lines

HERE = Path(__file__).parent / "realpages"
TRUTH: list[dict[str, Any]] = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
LISTS = badlists.load()
DICTIONARY = serious_errors.load()


@pytest.mark.parametrize("entry", TRUTH, ids=lambda e: e["file"])
def test_no_content_finding_on_a_real_page(entry: dict[str, Any]) -> None:
    tree = parse((HERE / entry["file"]).read_text(encoding="utf-8"))
    url = f"https://{entry['site']}/"
    text = "\n".join(visible_lines(tree))
    assert len(text) > 200  # the page was read
    assert hidden_links(tree, url, LISTS) == []
    assert first_look(tree, url, LISTS, title=page_title(tree)) == []
    assert DICTIONARY.find(text) == []
    assert find_personal_data(text) == []
