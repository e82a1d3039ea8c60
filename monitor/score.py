"""A target's deduction score out of 100 (国办秘函〔2019〕19号's 扣分 part), from the province's table.

Inspectors score a site in two parts (indicators.md): any 单项否决 item makes it 不合格 for the quarter;
otherwise 100 points less the deductions, and below 60 is 不合格. The points per problem are the province's
scoring table, so they are settings (``scoring.deductions``: code → points per occurrence, optionally capped
per code as provinces' tables cap an item, "最多扣 N 分"). The indicators give two values, the defaults:
a single first-level policy column idle 6 months is −5 (counted under the key ``column.stale.policy``: a
``column.stale`` finding of a first-level ``notice`` column), and no reply published in 2 months
(``interaction.replies_stale``) −3. Every other code is 0 until the province sets it; any code of
``monitor.words.CODE_WORDS`` may be set, so codes added later score as soon as they are named.

What counts: findings whose status is ``violation`` and that are still open (not dismissed, not resolved):
``at_risk`` and ``unverified`` never cost points, as they never count in reports. A veto violation makes
the target 不合格 whatever its score.

Pure: findings (or already-keyed problems, for the report) and the table in, a ``Score`` out.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.words import CODE_WORDS

FULL_MARKS = 100.0
POLICY_COLUMN_KEY = "column.stale.policy"
"""The key of a stale first-level notice/policy column (indicators.md: "a single first-level policy column
idle 6 months is −5"); other ``column.stale`` findings count under ``column.stale``."""
EXTRA_KEYS = {POLICY_COLUMN_KEY: "一级政策文件类栏目超过 6 个月未更新"}
PASSED, FAILED = "合格", "不合格"
OPEN_STATES = (None, "open", "acknowledged")


class DeductionRule(BaseModel):
    """Points per occurrence, and the most one code may cost (None: no cap)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    points: float = Field(ge=0, le=FULL_MARKS)
    max: float | None = Field(None, ge=0, le=FULL_MARKS)


def default_deductions() -> dict[str, DeductionRule]:
    """Only the values the indicators give (indicators.md); every other code is 0 until set."""
    return {POLICY_COLUMN_KEY: DeductionRule(points=5), "interaction.replies_stale": DeductionRule(points=3)}


class ScoringSettings(BaseModel):
    """``scoring``: the province's table. ``deductions`` entries are added to the defaults (set a default
    code to 0 to drop it); a number is points per occurrence, ``{points, max}`` caps the code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pass_line: float = Field(60.0, ge=0, le=FULL_MARKS, description="below this score is 不合格")
    deductions: dict[str, DeductionRule] = Field(default_factory=default_deductions)

    @field_validator("deductions", mode="before")
    @classmethod
    def _numbers_and_defaults(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        table: dict[str, Any] = dict(default_deductions())
        unknown = []
        for code, rule in value.items():
            if code not in CODE_WORDS and code not in EXTRA_KEYS:
                unknown.append(str(code))
            table[code] = (
                {"points": rule} if isinstance(rule, int | float) and not isinstance(rule, bool) else rule
            )
        if unknown:
            known = [*CODE_WORDS, *EXTRA_KEYS]
            hints = []
            for code in unknown:
                close = difflib.get_close_matches(code, known, n=1)
                hints.append(f"{code!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise ValueError(f"unknown finding code {', '.join(hints)}: a code of docs/indicators.md")
        return table


@dataclasses.dataclass(frozen=True, slots=True)
class Deduction:
    """What one key of the table cost: ``count`` occurrences at ``points_each``, capped at ``cap``."""

    key: str
    count: int
    points_each: float
    points: float
    cap: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.key,
            "count": self.count,
            "points_each": number(self.points_each),
            "max": None if self.cap is None else number(self.cap),
            "points": number(self.points),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Score:
    """``score`` = 100 − the deductions (never below 0); 不合格 below ``pass_line`` or with a veto violation."""

    score: float
    deductions: tuple[Deduction, ...]
    vetoes: tuple[str, ...]
    pass_line: float

    @property
    def passed(self) -> bool:
        return not self.vetoes and self.score >= self.pass_line

    @property
    def verdict(self) -> str:
        return PASSED if self.passed else FAILED

    @property
    def why(self) -> str:
        """Why 不合格 ("" when 合格): the veto items first, else the 60-point line."""
        if self.vetoes:
            return f"单项否决：{'、'.join(self.vetoes)}"
        if self.score < self.pass_line:
            return f"得分低于 {self.pass_line:g} 分"
        return ""

    def to_json(self) -> dict[str, Any]:
        return {
            "score": number(self.score),
            "pass_line": number(self.pass_line),
            "verdict": self.verdict,
            "passed": self.passed,
            "vetoes": list(self.vetoes),
            "deductions": [d.to_json() for d in self.deductions],
        }

    def text(self) -> str:
        """One line: ``88 分（合格，60 分合格线）；扣分：interaction.replies_stale 1 × 3 = 3 …``."""
        verdict = self.verdict + (f"：{self.why}" if self.why else "")
        line = f"{self.score:g} 分（{verdict}；{self.pass_line:g} 分合格线）"
        if self.deductions:
            parts = [
                f"{d.key} {d.count} × {d.points_each:g}"
                + (f" = {d.points:g}" if d.count > 1 or d.points != d.points_each else "")
                + (
                    "（封顶）"
                    if d.cap is not None and d.points >= d.cap and d.count * d.points_each > d.cap
                    else ""
                )
                for d in self.deductions
            ]
            line += "；扣分：" + "，".join(parts)
        return line


def number(value: float) -> float | int:
    """A whole number as an int in JSON (``88``, not ``88.0``); halves and such stay floats."""
    return int(value) if float(value).is_integer() else round(value, 2)


def scoring_key(code: str, evidence: Mapping[str, Any] | None) -> str:
    """The table's key of a finding: its code, or ``column.stale.policy`` for a first-level notice column."""
    if code != "column.stale" or not evidence:
        return code
    policy = evidence.get("category") == "notice" and evidence.get("first_level") is True
    return POLICY_COLUMN_KEY if policy else code


def score(keys: Iterable[str], vetoes: Iterable[str], scoring: ScoringSettings) -> Score:
    """The score of one target from the table keys of its counted deduction problems (one per occurrence)
    and the codes of its veto violations."""
    deductions = []
    total = 0.0
    for key, count in sorted(Counter(keys).items()):
        rule = scoring.deductions.get(key)
        if rule is None or rule.points <= 0:
            continue
        points = rule.points * count
        if rule.max is not None:
            points = min(points, rule.max)
        total += points
        deductions.append(Deduction(key, count, rule.points, points, rule.max))
    deductions.sort(key=lambda d: (-d.points, d.key))
    return Score(
        max(0.0, FULL_MARKS - total), tuple(deductions), tuple(sorted(set(vetoes))), scoring.pass_line
    )


def score_findings(findings: Iterable[Any], scoring: ScoringSettings) -> Score:
    """The score of one target from its current findings (``monitor.model.Finding``): open violations count."""
    keys: list[str] = []
    vetoes: list[str] = []
    for finding in findings:
        state = getattr(finding.state, "value", finding.state)
        if finding.status != "violation" or state not in OPEN_STATES:
            continue
        if finding.severity == "veto":
            vetoes.append(finding.code)
        else:
            keys.append(scoring_key(finding.code, finding.evidence))
    return score(keys, vetoes, scoring)
