"""Writes govmon's four Grafana dashboards (deploy/grafana/dashboards/*.json) from one description.

Run ``python deploy/grafana/generate.py`` after changing a panel and commit the JSON; a test checks that the
committed files are what this writes, and a real Prometheus test evaluates every query in them. One small
generator rather than hand-edited JSON keeps the datasource, the template variables and the layout
consistent across the four dashboards. Standard library only: Grafana's provisioning reads plain JSON.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "govmon-prometheus"}  # provisioning/datasources/govmon.yml
GRID_COLUMNS = 24
REGION = 'region=~"$region"'
TARGET = 'region=~"$region", target=~"$target"'


@dataclasses.dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""
    instant: bool = False
    table: bool = False  # one row per series, labels as columns


@dataclasses.dataclass(frozen=True)
class Panel:
    title: str
    kind: str  # timeseries | table | stat | bargauge
    queries: tuple[Query, ...]
    width: int = 12
    height: int = 8
    unit: str = ""
    description: str = ""
    merge: bool = False  # a table joining several instant queries on their labels
    hidden_columns: tuple[str, ...] = ("Time",)
    thresholds: tuple[tuple[str, float | None], ...] = ()


@dataclasses.dataclass(frozen=True)
class Variable:
    name: str
    label: str
    query: str


@dataclasses.dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    panels: tuple[Panel, ...]
    variables: tuple[Variable, ...] = ()
    refresh: str = "1m"
    time_from: str = "now-6h"


REGION_VAR = Variable("region", "地区 region", "label_values(govmon_region_targets, region)")
TARGET_VAR = Variable(
    "target", "对象 target", 'label_values(govmon_availability_samples{region=~"$region"}, target)'
)
RED_AT = (("green", None), ("red", 1))


def by_region_table(kind: str, noun: str) -> Panel:
    """The 通报 table: per region 实际运行数, 发现存在突出问题数, 占比."""
    running = f'sum by (region) (govmon_region_targets{{kind="{kind}", {REGION}}})'
    vetoed = f'sum by (region) (govmon_region_targets_vetoed{{kind="{kind}", {REGION}}})'
    at_risk = f'sum by (region) (govmon_region_targets_at_risk{{kind="{kind}", {REGION}}})'
    return Panel(
        f"{noun}：各地区突出问题 ({kind}s by region)",
        "table",
        (
            Query(running, "实际运行数", instant=True, table=True),
            Query(vetoed, "发现存在突出问题数", instant=True, table=True),
            Query(f"{vetoed} / {running}", "占比", instant=True, table=True),
            Query(at_risk, "即将否决", instant=True, table=True),
        ),
        description=f"Laid out like the 通报's table: {kind}s running, with a veto violation now, their "
        "share, and those not vetoed but with a veto finding at risk.",
        merge=True,
    )


def pass_rate(kind: str, noun: str) -> Panel:
    expr = (
        f'1 - sum(govmon_region_targets_vetoed{{kind="{kind}", {REGION}}})'
        f' / sum(govmon_region_targets{{kind="{kind}", {REGION}}})'
    )
    return Panel(
        f"{noun}总体合格率 (pass rate)",
        "stat",
        (Query(expr, "合格率"),),
        width=6,
        height=5,
        unit="percentunit",
        thresholds=(("red", None), ("orange", 0.95), ("green", 0.99)),
    )


OVERVIEW = Dashboard(
    "govmon-overview",
    "govmon · 概览 overview",
    "Which sites and accounts in which region would be 通报'd if inspected now, and which are about to be.",
    (
        pass_rate("site", "网站"),
        pass_rate("account", "新媒体"),
        Panel(
            "突出问题对象数 (targets vetoed)",
            "stat",
            (Query(f"sum(govmon_region_targets_vetoed{{{REGION}}})", "vetoed"),),
            width=6,
            height=5,
            thresholds=RED_AT,
        ),
        Panel(
            "即将否决对象数 (targets at risk)",
            "stat",
            (Query(f"sum(govmon_region_targets_at_risk{{{REGION}}})", "at risk"),),
            width=6,
            height=5,
            thresholds=(("green", None), ("orange", 1)),
        ),
        by_region_table("site", "网站"),
        by_region_table("account", "新媒体"),
        Panel(
            "单项否决 (open veto violations)",
            "table",
            (
                Query(
                    "max by (region, target, code) "
                    f'(govmon_finding_open{{severity="veto", status="violation", {REGION}}})',
                    instant=True,
                    table=True,
                ),
            ),
            description="One row per target and veto code; open /api/findings?target=… for the evidence.",
        ),
        Panel(
            "即将否决及期限 (at risk, due)",
            "table",
            (
                Query(
                    f"govmon_finding_due_timestamp_seconds{{{REGION}}} * 1000"
                    ' and on (target, region, code) govmon_finding_open{severity="veto", status="at_risk"}',
                    instant=True,
                    table=True,
                ),
            ),
            unit="dateTimeAsIso",
            description="Veto findings that become violations at the due moment unless fixed.",
        ),
        Panel(
            "突出问题对象数，按地区 (vetoed targets by region)",
            "timeseries",
            (Query(f"sum by (region) (govmon_region_targets_vetoed{{{REGION}}})", "{{region}}"),),
            width=24,
        ),
    ),
    (REGION_VAR,),
)

TARGET_DASHBOARD = Dashboard(
    "govmon-target",
    "govmon · 单个对象 target",
    "One site's open findings, homepage and column ages, availability and broken links.",
    (
        Panel(
            "未关闭问题 (open findings)",
            "table",
            (Query(f"govmon_finding_open{{{TARGET}}}", instant=True, table=True),),
            width=24,
        ),
        Panel(
            "首页更新天数 (homepage age)",
            "timeseries",
            (Query(f"govmon_homepage_age_days{{{TARGET}}}", "{{target}}"),),
            unit="d",
            description="Days since the homepage's newest dated item (veto after 14 days).",
        ),
        Panel(
            "栏目更新天数，最久的一个 (worst column per category)",
            "timeseries",
            (Query(f"govmon_column_age_days{{{TARGET}}}", "{{target}} {{category}}"),),
            unit="d",
            description="news 14 days, notice 183 days, planning 365 days (国办秘函〔2019〕19号).",
        ),
        Panel(
            "探测失败率 (availability failure ratio)",
            "timeseries",
            (Query(f"govmon_availability_failure_ratio{{{TARGET}}}", "{{target}}"),),
            unit="percentunit",
            description="Failed share of the judged probes in the rolling window; veto at 5 %, warn at 3 %.",
            thresholds=(("green", None), ("orange", 0.03), ("red", 0.05)),
        ),
        Panel(
            "探测样本数 (availability samples)",
            "timeseries",
            (Query(f"govmon_availability_samples{{{TARGET}}}", "{{target}}"),),
            description="A verdict needs availability.min_probes samples (140 a week by default).",
        ),
        Panel(
            "不可用链接 (broken links)",
            "timeseries",
            (Query(f"govmon_links_broken{{{TARGET}}}", "{{target}}"),),
        ),
        Panel(
            "到期时间 (due dates)",
            "table",
            (Query(f"govmon_finding_due_timestamp_seconds{{{TARGET}}} * 1000", instant=True, table=True),),
            unit="dateTimeAsIso",
        ),
    ),
    (REGION_VAR, TARGET_VAR),
)

MEDIA = Dashboard(
    "govmon-media",
    "govmon · 政务新媒体 media",
    "Accounts by silence and the open new-media findings.",
    (
        Panel(
            "未更新天数 (accounts by silence)",
            "bargauge",
            (
                Query(
                    f"sort_desc(govmon_account_silent_days{{{REGION}}})",
                    "{{target}} {{platform}}",
                    instant=True,
                ),
            ),
            unit="d",
            height=10,
            thresholds=(("green", None), ("orange", 7), ("red", 15)),
            description="Only accounts with an open silence finding; veto after 14 silent days.",
        ),
        Panel(
            "沉默账号数，按平台 (silent accounts by platform)",
            "timeseries",
            (Query(f"count by (platform) (govmon_account_silent_days{{{REGION}}})", "{{platform}}"),),
            height=10,
        ),
        Panel(
            "新媒体未关闭问题 (open media findings)",
            "table",
            (Query(f'govmon_finding_open{{kind="account", {REGION}}}', instant=True, table=True),),
            width=24,
        ),
        Panel(
            "新媒体问题数，按代码 (findings by code)",
            "timeseries",
            (
                Query(
                    f'sum by (code, status) (govmon_finding_open{{kind="account", {REGION}}})',
                    "{{code}} {{status}}",
                ),
            ),
        ),
        Panel(
            "新媒体突出问题，按地区 (accounts vetoed by region)",
            "timeseries",
            (
                Query(
                    f'sum by (region) (govmon_region_targets_vetoed{{kind="account", {REGION}}})',
                    "{{region}}",
                ),
            ),
        ),
    ),
    (REGION_VAR,),
)

OPERATIONS = Dashboard(
    "govmon-operations",
    "govmon · 运行 operations",
    "The engine: queue, jobs, fetches, probes, dead letters, workers, the leader, notices.",
    (
        Panel(
            "队列 (queue depth)",
            "timeseries",
            (
                Query("max(govmon_queue_backlog)", "backlog"),
                Query("max(govmon_queue_pending)", "pending"),
                Query("max(govmon_schedule_overdue)", "overdue"),
            ),
            width=8,
        ),
        Panel(
            "队列延迟 (queue lag)",
            "timeseries",
            (Query("max(govmon_queue_lag_seconds)", "lag"),),
            width=8,
            unit="s",
        ),
        Panel(
            "工作进程 (workers alive, leader)",
            "timeseries",
            (
                Query("max(govmon_workers_alive)", "workers alive"),
                Query("max(govmon_scheduler_lease_held)", "lease held"),
                Query("sum(govmon_scheduler_leader)", "leaders scraped"),
            ),
            width=8,
        ),
        Panel(
            "任务，按结果 (jobs by outcome)",
            "timeseries",
            (Query("sum by (check, outcome) (rate(govmon_jobs_total[5m]))", "{{check}} {{outcome}}"),),
            unit="ops",
        ),
        Panel(
            "抓取耗时 p95 (fetch latency)",
            "timeseries",
            (
                Query(
                    "histogram_quantile(0.95, "
                    "sum by (le, purpose) (rate(govmon_fetch_duration_seconds_bucket[5m])))",
                    "{{purpose}}",
                ),
            ),
            unit="s",
        ),
        Panel(
            "可用性探测 (probes judged and discarded)",
            "timeseries",
            (
                Query("sum by (result) (rate(govmon_availability_probes_total[5m]))", "{{result}}"),
                Query(
                    "sum by (reason) (rate(govmon_availability_probes_discarded_total[5m])) or on () vector(0)",
                    "discarded {{reason}}",
                ),
            ),
            unit="ops",
            description="Probes taken while govmon was unwell are discarded: they never count against a site.",
        ),
        Panel(
            "死信 (dead letters, reclaims)",
            "timeseries",
            (
                Query("max(govmon_deadletter_size)", "dead letters"),
                Query("sum(increase(govmon_jobs_reclaimed_total[15m]))", "reclaimed / 15 min"),
            ),
        ),
        Panel(
            "事件循环延迟 (event-loop lag)",
            "timeseries",
            (Query("max by (instance) (govmon_event_loop_lag_seconds)", "{{instance}}"),),
            unit="s",
        ),
        Panel(
            "通知 (notices by channel and result)",
            "timeseries",
            (Query("sum by (channel, result) (rate(govmon_notices_total[15m]))", "{{channel}} {{result}}"),),
            unit="ops",
        ),
        Panel(
            "通知待发 (outbox)",
            "timeseries",
            (
                Query("max(govmon_outbox_depth)", "outbox depth"),
                Query("max(govmon_outbox_oldest_seconds)", "oldest (s)"),
                Query("max(govmon_notices_dead)", "dead"),
            ),
        ),
        Panel(
            "抓取指标耗时 (scrape and compliance refresh time)",
            "timeseries",
            (
                Query('max by (job) (scrape_duration_seconds{job=~"govmon.*"})', "scrape {{job}}"),
                Query("max(govmon_compliance_refresh_seconds)", "compliance refresh"),
            ),
            unit="s",
        ),
    ),
)

DASHBOARDS = {"overview": OVERVIEW, "target": TARGET_DASHBOARD, "media": MEDIA, "operations": OPERATIONS}


def _layout(panels: tuple[Panel, ...]) -> list[dict[str, int]]:
    """Left to right, wrapping at the grid's 24 columns; a row is as tall as its tallest panel."""
    x = y = row_height = 0
    positions = []
    for panel in panels:
        if x + panel.width > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        positions.append({"h": panel.height, "w": panel.width, "x": x, "y": y})
        x += panel.width
        row_height = max(row_height, panel.height)
    return positions


def _target(query: Query, ref: str) -> dict[str, Any]:
    target: dict[str, Any] = {"datasource": DATASOURCE, "expr": query.expr, "refId": ref}
    if query.legend:
        target["legendFormat"] = query.legend
    if query.instant:
        target |= {"instant": True, "range": False}
    if query.table:
        target["format"] = "table"
    return target


def _panel(panel: Panel, panel_id: int, position: dict[str, int]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    if panel.unit:
        defaults["unit"] = panel.unit
    if panel.thresholds:
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [{"color": color, "value": value} for color, value in panel.thresholds],
        }
    data: dict[str, Any] = {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "datasource": DATASOURCE,
        "gridPos": position,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "targets": [_target(q, chr(ord("A") + i)) for i, q in enumerate(panel.queries)],
    }
    if panel.description:
        data["description"] = panel.description
    if panel.kind == "table":
        transformations: list[dict[str, Any]] = [{"id": "merge", "options": {}}] if panel.merge else []
        hidden = {name: True for name in panel.hidden_columns}
        transformations.append({"id": "organize", "options": {"excludeByName": hidden}})
        data["transformations"] = transformations
    if panel.kind in ("stat", "bargauge"):
        data["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}
    if panel.kind == "bargauge":
        data["options"] |= {"displayMode": "gradient", "orientation": "horizontal"}
    return data


def _variable(variable: Variable) -> dict[str, Any]:
    return {
        "name": variable.name,
        "label": variable.label,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": variable.query, "refId": "StandardVariableQuery"},
        "definition": variable.query,
        "refresh": 2,
        "includeAll": True,
        "allValue": ".*",
        "multi": True,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }


def render(dashboard: Dashboard) -> dict[str, Any]:
    positions = _layout(dashboard.panels)
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": ["govmon"],
        "timezone": "Asia/Shanghai",
        "editable": True,
        "schemaVersion": 39,
        "version": 1,
        "refresh": dashboard.refresh,
        "time": {"from": dashboard.time_from, "to": "now"},
        "templating": {"list": [_variable(v) for v in dashboard.variables]},
        "annotations": {"list": []},
        "links": [{"type": "dashboards", "tags": ["govmon"], "asDropdown": True, "title": "govmon"}],
        "panels": [
            _panel(p, i + 1, pos) for i, (p, pos) in enumerate(zip(dashboard.panels, positions, strict=True))
        ],
    }


def dashboard_json(name: str) -> str:
    return json.dumps(render(DASHBOARDS[name]), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in DASHBOARDS:
        (OUT / f"{name}.json").write_text(dashboard_json(name), encoding="utf-8")
        print(f"wrote {OUT / name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
