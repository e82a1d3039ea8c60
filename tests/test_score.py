"""A site's deduction score out of 100 from the province's table (国办秘函〔2019〕19号's 扣分 part): known
findings and a given table give the computed score; below the 60-point line is 不合格; a veto violation makes
the site 不合格 whatever its score; only open violations cost points."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from monitor.inventory import load_config
from monitor.model import Severity, Site, State, Status
from monitor.rules.base import make_finding
from monitor.score import FAILED, PASSED, ScoringSettings, score_findings
from monitor.settings import Settings

NOW = 1_795_000_000.0
SITE = Site(id="4301000001", name="某市人民政府门户网站", url="https://www.example.gov.cn/", region="某市")
TABLE = ScoringSettings.model_validate(
    {
        "deductions": {
            "links.broken_homepage": {"points": 2, "max": 10},
            "links.broken": 0.5,
            "footer.identifier_missing": 1,
        }
    }
)


def found(
    code: str, n: int = 1, *, status: Status = Status.VIOLATION, severity=Severity.DEDUCTION, **evidence
):
    return [
        make_finding(
            SITE, code, severity, status, "…", NOW, evidence={"url": f"https://x/{code}/{i}", **evidence}
        )
        for i in range(n)
    ]


def test_known_findings_and_a_given_table_give_the_computed_score():
    findings = [
        *found("links.broken_homepage", 3),  # 3 × 2 = 6
        *found("links.broken", 5),  # 5 × 0.5 = 2.5
        *found("footer.identifier_missing", 2),  # 2 × 1 = 2
        *found("interaction.replies_stale"),  # the indicator's default: 3
        *found("column.stale", 2, category="notice", first_level=True),  # 2 × 5 (default)
        *found("column.stale", 4, category="news", first_level=True),  # not in the table: 0
        *found("site.search_broken"),  # not in the table: 0
    ]
    result = score_findings(findings, TABLE)
    assert result.score == 100 - 6 - 2.5 - 2 - 3 - 10 == 76.5
    assert result.passed and result.verdict == PASSED
    assert {d.key: (d.count, d.points) for d in result.deductions} == {
        "column.stale.policy": (2, 10),
        "links.broken_homepage": (3, 6),
        "interaction.replies_stale": (1, 3),
        "links.broken": (5, 2.5),
        "footer.identifier_missing": (2, 2),
    }
    assert result.to_json()["deductions"][0] == {
        "code": "column.stale.policy", "count": 2, "points_each": 5, "max": None, "points": 10
    }  # fmt: skip


def test_a_capped_code_costs_no_more_than_its_cap():
    result = score_findings(found("links.broken_homepage", 40), TABLE)
    assert result.score == 90 and result.deductions[0].points == 10
    assert "（封顶）" in result.text()


def test_the_sixty_point_line():
    table = ScoringSettings.model_validate({"deductions": {"links.broken": 1}})
    at_line = score_findings(found("links.broken", 40), table)
    assert at_line.score == 60 and at_line.verdict == PASSED
    below = score_findings(found("links.broken", 41), table)
    assert below.score == 59 and below.verdict == FAILED and below.why == "得分低于 60 分"
    floor = score_findings(found("links.broken", 500), table)
    assert floor.score == 0


def test_a_veto_violation_is_failed_whatever_the_score():
    findings = [*found("site.unreachable", severity=Severity.VETO)]
    result = score_findings(findings, TABLE)
    assert result.score == 100 and result.verdict == FAILED
    assert result.why == "单项否决：site.unreachable"
    assert result.to_json()["vetoes"] == ["site.unreachable"] and result.to_json()["passed"] is False


def test_at_risk_unverified_dismissed_and_resolved_findings_cost_nothing():
    findings = [
        *found("links.broken", 4, status=Status.AT_RISK),
        *found("links.broken", 4, status=Status.UNVERIFIED),
        *found("site.unreachable", severity=Severity.VETO, status=Status.AT_RISK),
        dataclasses.replace(found("interaction.replies_stale")[0], state=State.DISMISSED),
        dataclasses.replace(found("interaction.replies_stale")[0], state=State.RESOLVED),
        dataclasses.replace(found("links.broken_homepage")[0], state=State.ACKNOWLEDGED),  # still counts
    ]
    result = score_findings(findings, TABLE)
    assert result.score == 98 and result.passed


def test_defaults_are_only_what_the_indicators_give():
    table = ScoringSettings()
    assert {k: r.points for k, r in table.deductions.items()} == {
        "column.stale.policy": 5,
        "interaction.replies_stale": 3,
    }
    assert score_findings(found("links.broken", 100), table).score == 100


def test_a_province_table_adds_to_the_defaults_and_zero_drops_one():
    table = ScoringSettings.model_validate({"pass_line": 70, "deductions": {"interaction.replies_stale": 0}})
    assert score_findings(found("interaction.replies_stale"), table).score == 100
    assert (
        score_findings(found("column.stale", 7, category="notice", first_level=True), table).verdict == FAILED
    )


def test_any_code_named_in_the_indicators_can_be_scored_and_a_typo_is_an_error(tmp_path: Path):
    config = tmp_path / "govmon.yaml"
    config.write_text(
        "scoring:\n  deductions:\n    links.brokn: 1\n"
        'sites:\n  - {id: "1", name: x, url: "https://www.x.gov.cn/", region: r}\n',
        encoding="utf-8",
    )
    [problem] = load_config(config).problems
    assert "govmon.yaml:2: scoring.deductions: unknown finding code" in str(
        problem
    ) and "'links.brokn' (did you mean 'links.broken'?)" in str(problem)
    settings = Settings.model_validate({"scoring": {"deductions": {"media.stale_week": 2}}})
    assert settings.scoring.deductions["media.stale_week"].points == 2


@pytest.mark.parametrize("bad", [{"points": -1}, {"points": 1, "max": -2}, {"points": 1, "each": 2}])
def test_a_bad_entry_is_an_error(bad):
    with pytest.raises(ValueError):
        ScoringSettings.model_validate({"deductions": {"links.broken": bad}})
