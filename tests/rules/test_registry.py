"""From a finding code to the function that decides it in one step: docs/indicators.md names the function,
``RULES`` says which rule emits which code, and every check feeds some rule."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from monitor.checks import CHECKS
from monitor.rules import RULES

INDICATORS = Path(__file__).parents[2] / "docs" / "indicators.md"
ROW = re.compile(r"\| `([a-z0-9_.]+)` \| ([^|]+) \|.*\| ([^|]+) \|\s*$")  # site.ipv6_missing: a digit
DECIDER = re.compile(r"`monitor/rules/(\w+)\.py: (\w+)`")


def documented() -> dict[str, tuple[str, str]]:
    """code → (severity, "decided by" cell) from indicators.md's tables (the website tables give the
    severity in their heading, the media table in a column)."""
    rows: dict[str, tuple[str, str]] = {}
    section = None
    for line in INDICATORS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = "veto" if "single-veto" in line else "deduction" if "deductions" in line else None
        row = ROW.match(line)
        if row:
            code, second, decider = row.group(1), row.group(2).strip(), row.group(3).strip()
            severity = second if second in ("veto", "deduction", "warning") else str(section)
            rows[code] = (severity, decider)
    return rows


def test_every_code_a_rule_emits_is_documented_with_its_severity() -> None:
    docs = documented()
    for rule in RULES:
        for code, severity in rule.codes.items():
            assert code in docs, f"{rule.name} emits {code}, which docs/indicators.md does not list"
            assert docs[code][0] == severity.value, (
                f"{code}: {severity.value} in RULES, {docs[code][0]} in docs"
            )


def test_the_function_named_for_each_code_exists_and_its_rule_emits_the_code() -> None:
    emitted = {code: rule for rule in RULES for code in rule.codes}
    for code, (_severity, decider) in documented().items():
        named = DECIDER.fullmatch(decider)
        if named is None:
            assert decider == "not built yet", (
                f"{code}: {decider!r} is neither a function nor 'not built yet'"
            )
            assert code not in emitted, (
                f"{emitted[code].name} emits {code}: name its function in indicators.md"
            )
            continue
        module = importlib.import_module(f"monitor.rules.{named.group(1)}")
        assert callable(getattr(module, named.group(2), None)), f"{code}: {decider} does not exist"
        assert code in emitted, f"{code} names {decider}, but no rule in RULES emits it"
        assert emitted[code].evaluate.__module__ in (module.__name__, "monitor.rules.column_state"), code


def test_every_check_is_needed_by_some_rule() -> None:
    needed = {check for rule in RULES for check in rule.needs}
    assert set(CHECKS) <= needed, f"no rule reads {set(CHECKS) - needed}"
    assert needed <= set(CHECKS), f"rules read checks that do not exist: {needed - set(CHECKS)}"


def test_no_two_rules_emit_the_same_code() -> None:
    codes = [code for rule in RULES for code in rule.codes]
    assert len(codes) == len(set(codes))
