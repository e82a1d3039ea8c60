"""``govmon check`` shows each site's deduction score with its findings (issue 14 item 12): the province's
table in the configuration, the score computed from the findings it printed, the 60-point line and 不合格
for a veto violation whatever the score; in the text output and, with ``--json --scores``, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from monitor.sim import SimWeb
from monitor.sim.records import SiteSpec
from tests.commands.test_check_coverage import FAST, govmon_check

pytestmark = pytest.mark.slow

# 20 points per missing footer item; the indicators' two defaults off, so that only the footer counts
TABLE = {
    "scoring": {
        "deductions": {
            "footer.identifier_missing": 20,
            "column.stale.policy": 0,
            "interaction.replies_stale": 0,
        }
    }
}


async def test_scores_from_the_table_with_the_sixty_point_line_and_the_veto(tmp_path: Path) -> None:
    specs = [
        SiteSpec(footer_missing=("icp", "police")),  # 2 × 20: 60, on the line: 合格
        SiteSpec(footer_missing=("icp", "police", "conac")),  # 3 × 20: 40, 不合格
        SiteSpec(homepage_stale=True),  # vetoes (homepage.stale, and its columns go stale too): 不合格 at 100
        SiteSpec(health="down"),  # nothing could be judged: no score, rather than a 100 it never earned
    ]
    async with SimWeb(seed=4, sites=specs) as sim:
        on_line, below, vetoed, down = sim.sites
        config = tmp_path / "govmon.yaml"
        inventory = sim.inventory()
        inventory["accounts"] = []
        config.write_text(
            yaml.safe_dump({**inventory, **FAST, **TABLE}, allow_unicode=True), encoding="utf-8"
        )
        code, out, err = await govmon_check(config, tmp_path / "data", "--json", "--scores")
        _, text, _ = await govmon_check(config, tmp_path / "data")
    result = json.loads(out)
    footer = {
        site.id: sum(
            f["target"] == site.id and f["code"] == "footer.identifier_missing" for f in result["findings"]
        )
        for site in sim.sites
    }
    assert footer == {on_line.id: 2, below.id: 3, vetoed.id: 0, down.id: 0}, err[-2000:]
    scores = result["scores"]
    assert (scores[on_line.id]["score"], scores[on_line.id]["verdict"]) == (60, "合格")
    assert scores[on_line.id]["deductions"] == [
        {"code": "footer.identifier_missing", "count": 2, "points_each": 20, "max": None, "points": 40}
    ]
    assert (scores[below.id]["score"], scores[below.id]["verdict"]) == (40, "不合格")
    assert "homepage.stale" in scores[vetoed.id]["vetoes"] and scores[vetoed.id]["verdict"] == "不合格"
    assert scores[vetoed.id]["score"] == 100
    assert down.id not in scores and result["not_scored"] == [down.id]
    assert code == 1  # the veto
    assert f"得分 {below.name} ({below.id}): 40 分（不合格：得分低于 60 分；60 分合格线）" in text
    assert f"({on_line.id}): 60 分（合格；60 分合格线）；扣分：footer.identifier_missing 2 × 20 = 40" in text
    assert f"({vetoed.id}): 100 分（不合格：单项否决：" in text
    assert "得分 1 个目标未计分：没有一项检查能判定（见下）" in text
