"""The table of finding codes a person may enter is docs/indicators.md's, code for code and severity for
severity (the project's copy in docs/, so this test reads nothing outside the repository)."""

from __future__ import annotations

import re
from pathlib import Path

from monitor.rules.codes import CODES, applies_to

INDICATORS = Path(__file__).parents[2] / "docs" / "indicators.md"


def documented_codes() -> dict[str, str]:
    """code → severity as indicators.md's three tables give them (the section says it for websites, a column
    for new media)."""
    codes: dict[str, str] = {}
    section_severity = None
    for line in INDICATORS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section_severity = (
                "veto" if "single-veto" in line else "deduction" if "deductions" in line else None
            )
        row = re.match(r"\| `([a-z0-9_.]+)` \| ([^|]+) \|", line)  # site.ipv6_missing has a digit
        if row:
            code, second = row.group(1), row.group(2).strip()
            codes[code] = second if second in ("veto", "deduction", "warning") else str(section_severity)
    return codes


def test_the_codes_are_exactly_those_of_indicators_md_with_their_severities():
    assert {code: severity.value for code, severity in CODES.items()} == documented_codes()


def test_media_codes_apply_to_accounts_and_the_rest_to_sites():
    assert applies_to("media.stale", "account") and not applies_to("media.stale", "site")
    assert applies_to("content.serious_error", "site") and not applies_to("content.serious_error", "account")
