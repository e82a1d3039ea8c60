"""No false vetoes (issue 14): ``govmon check`` on sites an inspector reads as fine, drawn the way real
provinces draw them (``monitor/sim/fidelity.py``), reports no 服务不实用, 互动回应差 or 首页不更新 veto, while
the same run still reports every such veto the simulator injected next to them."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.model import SHANGHAI
from monitor.sim import SimWeb
from monitor.sim.records import SiteSpec

pytestmark = pytest.mark.slow

FAST = {
    "links": {"crawl_pages": 0, "crawl_depth": 0},
    "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16},
}
FINE = (
    SiteSpec(channel="named"),  # 我要写信 / 网上问政 / 12345热线 / 在线访谈, forms behind them
    SiteSpec(channel="named", kind="department", service="renamed"),  # and a 我要办 block
    SiteSpec(channel="login"),  # 我要写信 redirects to 统一身份认证 first
    SiteSpec(service="renamed", kind="portal"),  # 个人办事 / 法人办事 / 部门办事
    SiteSpec(service="image"),  # only a banner image (no alt) to the platform host
    SiteSpec(messages="statuses"),  # 办理完毕 / 不予受理 … without reply dates; one list shows no replies
    # fresh news shown undated (a 头条 and plain rows, or a slider alone) beside weeks-old dated blocks
    SiteSpec(homepage_mixed="undated_news", column_age_days={"tzgg": 40, "zcwj": 60, "ztzl": 90}),
    SiteSpec(homepage_mixed="slider_only", column_age_days={"tzgg": 25, "zcwj": 33, "ztzl": 40}),
    SiteSpec(future_event=True),  # a 预告 row dated with its event's day, on the homepage and its column
    SiteSpec(future_event=True, future_event_column="zwyw", kind="portal"),
    # four column landing pages (tiles to sub-columns, no rows) and one truly empty column: not 5 empty
    SiteSpec(landing=("zcwj", "tzgg", "ghjh", "rsxx"), empty=("zcjd",)),
)
FAULTY = (
    SiteSpec(service="none"),
    SiteSpec(channel="xinfang_only"),
    SiteSpec(interaction=False),
    SiteSpec(messages="unanswered"),
    SiteSpec(homepage_stale=True),  # the slider's news is old too: stale
    SiteSpec(future_item=True),  # a report dated 3 days ahead: 伪造发稿日期
    SiteSpec(empty=("tzgg", "zcwj", "gfxwj", "zcjd", "ghjh")),  # five columns showing 暂无信息
)
CODES = (
    "service.missing", "interaction.missing", "interaction.unanswered", "homepage.stale", "content.future_date",
    "columns.empty",
)  # fmt: skip


def injected(truth: dict[str, Any]) -> set[tuple[str, str]]:
    """The 服务不实用 / 互动回应差 / 首页不更新 vetoes the simulator's truth holds."""
    found = set()
    for sid, site in truth.items():
        if site["homepage_stale"]:
            found.add((sid, "homepage.stale"))
        if site["future_item"]:
            found.add((sid, "content.future_date"))
        if len(site["empty_columns"]) >= 5:
            found.add((sid, "columns.empty"))
        if site["service"] == "none":
            found.add((sid, "service.missing"))
        if not site["interaction"] or site["channel"] in ("xinfang_only", "broken"):
            found.add((sid, "interaction.missing"))
        elif site["messages"] == "unanswered":
            found.add((sid, "interaction.unanswered"))
    return found


async def test_sites_drawn_as_real_provinces_draw_them_get_no_false_veto(tmp_path: Path) -> None:
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=10)).replace(microsecond=0)
    async with SimWeb(seed=14, now=now, sites=[*FINE, *FAULTY]) as sim:
        truth = sim.truth()["sites"]
        config = tmp_path / "govmon.yaml"
        config.write_text(yaml.safe_dump({**sim.inventory(), **FAST}, allow_unicode=True), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
        env["GOVMON_DATA_DIR"] = str(tmp_path / "data")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "check", "-c", str(config), "--json", "--as-of", now.isoformat(),
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode in (0, 1), err.decode()[-3000:]
    vetoes = {
        (f["target"], f["code"]) for f in json.loads(out) if f["code"] in CODES and f["status"] == "violation"
    }
    fine = {site.id for site in sim.sites[: len(FINE)]}
    assert not {v for v in vetoes if v[0] in fine}, "a veto on a site the inspector reads as fine"
    assert vetoes == injected(truth)
