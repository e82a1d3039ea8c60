"""The simulator carries the columns the count rules must tell apart (政策解读, 统计公报, 双公示, 机构职能 …) and
its truth counts them as indicators.md does (``monitor.sim.columnkinds``), independently of govmon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.sim import SimWeb
from monitor.sim.columnkinds import count_truth
from tests.sim.conftest import session_for

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def col(name: str, group: str, age: int | None, *, first_level: bool = True, **extra: Any) -> dict[str, Any]:
    category = {"news": "news", "six_month": "notice", "long": "notice", "planning": "planning"}[group]
    return {
        "name": name, "group": group, "category": category, "age_days": age, "first_level": first_level,
        "injected": None, "judged": True, **extra,
    }  # fmt: skip


def test_truth_counts_policy_interpretation_columns_outside_columns_stale():
    columns = [col(f"通知{n}", "six_month", 200) for n in range(4)]
    columns += [col(n, "long", 250) for n in ("政策解读", "统计公报", "审计公告")]
    counts = count_truth(columns)
    assert counts["columns.stale"] == {"columns": ["通知0", "通知1", "通知2", "通知3"], "status": "at_risk"}
    assert counts["columns.long_stale"] == {"columns": [], "status": None}


def test_truth_counts_a_column_once():
    columns = [col(f"动态{n}", "news", 400) for n in range(5)] + [col("通知公告", "six_month", 400)]
    columns += [col("规范性文件", "six_month", None, first_level=False, injected="empty")]
    columns += [col(f"解读{n}", "long", 400) for n in range(9)]
    counts = count_truth(columns)
    assert len(counts["columns.stale"]["columns"]) == 6
    assert counts["columns.long_stale"]["status"] == "at_risk"  # 9 of its own, not 15
    assert counts["columns.empty"] == {"columns": ["规范性文件"], "status": None}


async def test_sites_carry_disclosure_and_static_columns_drawn_as_real_sites_draw_them():
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    async with SimWeb(seed=3, sites="freshness", now=now) as sim:
        truth = sim.truth()["sites"]
        portal = next(s for s in sim.sites if s.kind == "portal" and not s.spec.stale)
        names = {c.name for c in portal.columns}
        assert {
            "政策解读",
            "统计公报",
            "双公示",
            "重大决策预公开",
            "审计公告",
            "机构职能",
            "领导信息",
        } <= names
        async with session_for(sim) as session:
            leaders = await (await session.get(sim.url(portal.host, portal.column("ldzc").path))).text()
            static = await (await session.get(sim.url(portal.host, portal.column("jgzn").path))).text()
    assert "主要职责" in static and "暂无信息" not in static
    assert "副局长" in leaders and "暂无信息" not in leaders
    groups = {c["name"]: (c["group"], c["judged"]) for s in truth.values() for c in s["columns"]}
    assert groups["机构职能"] == ("static", False) and groups["政策解读"] == ("long", True)
    counts = {
        code: [s["column_counts"][code]["status"] for s in truth.values()]
        for code in ("columns.long_stale", "columns.empty")
    }
    assert "violation" in counts["columns.long_stale"] and "at_risk" in counts["columns.empty"]
