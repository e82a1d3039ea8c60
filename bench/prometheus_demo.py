"""Issue 10's "Done when", run by hand: Debian's Prometheus scrapes ``govmon demo`` for two minutes with the
unmodified ``deploy/prometheus/*.rules.yml`` loaded; then every dashboard and rule expression is evaluated,
the share of dashboard queries returning data is counted (template variables set to match everything), the
veto alert's targets are compared with the demo's unreachable sites, and each dashboard's main panels are
drawn from real Prometheus range queries into ``docs/img/dashboard-*.png`` (Grafana does not install here).

``python -m bench.prometheus_demo [--seconds 120] [--scrape-s 5] [--pictures docs/img]``

Needs the ``prometheus`` binary (``apt-get install prometheus``) and, for the pictures, matplotlib (installed
by hand in the venv; not a govmon dependency) with a CJK font (fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from monitor.engine.kv.connect import client, free_port
from tests.deploy.dashboards import DEPLOY, panel_queries, rule_exprs, with_variables
from tests.deploy.prometheus_server import Prometheus, write_config

BANNER_ROW = re.compile(r"^  (\S+)\s+http://\S+\s+(\w+)$")
UNREACHABLE = {"down", "error", "slow", "flaky"}
# Per dashboard, the panels drawn: (title, expr with variables set to All, legend label, kind).
PICTURES: dict[str, list[tuple[str, str, str, str]]] = {
    "overview": [
        ("网站：各地区运行数与突出问题数", 'sum by (region) (govmon_region_targets{kind="site"})', "region", "bars"),
        ("突出问题对象数，按地区", "sum by (region) (govmon_region_targets_vetoed)", "region", "lines"),
        ("总体合格率", '1 - sum by (kind) (govmon_region_targets_vetoed) / sum by (kind) (govmon_region_targets)',
         "kind", "lines"),
        ("即将否决对象数，按地区", "sum by (region) (govmon_region_targets_at_risk)", "region", "lines"),
    ],
    "target": [
        ("首页更新天数", "govmon_homepage_age_days", "target", "lines"),
        ("栏目更新天数（最久，按类别；news）", 'govmon_column_age_days{category="news"}', "target", "lines"),
        ("探测失败率", "govmon_availability_failure_ratio", "target", "lines"),
        ("探测样本数", "govmon_availability_samples", "target", "lines"),
    ],
    "media": [
        ("未更新天数（账号）", "sort_desc(govmon_account_silent_days)", "target", "barh"),
        ("新媒体问题数，按代码", 'sum by (code, status) (govmon_finding_open{kind="account"})', "code,status", "lines"),
        ("沉默账号数，按平台", "count by (platform) (govmon_account_silent_days)", "platform", "lines"),
        ("新媒体突出问题，按地区", 'sum by (region) (govmon_region_targets_vetoed{kind="account"})', "region", "lines"),
    ],
    "operations": [
        ("队列", "max(govmon_queue_backlog) | max(govmon_queue_pending) | max(govmon_schedule_overdue)", "", "lines"),
        ("任务/秒，按检查", "sum by (check) (rate(govmon_jobs_total[1m]))", "check", "lines"),
        ("抓取耗时 p95 (s)",
         "histogram_quantile(0.95, sum by (le, purpose) (rate(govmon_fetch_duration_seconds_bucket[1m])))",
         "purpose", "lines"),
        ("工作进程与租约", "max(govmon_workers_alive) | max(govmon_scheduler_lease_held)", "", "lines"),
    ],
}  # fmt: skip


async def demo_targets(api: str) -> dict[str, str]:
    async with aiohttp.ClientSession() as session, session.get(f"{api}/api/targets") as response:
        return {t["name"]: t["id"] for t in await response.json()}


async def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
        env["GOVMON_DATA_DIR"] = str(tmp / "data")
        stdout = tmp / "demo.out"
        with stdout.open("wb") as out:
            demo = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "monitor", "demo", "--for", str(args.seconds + 60),
                "--listen", f"127.0.0.1:{port}", env=env, stdout=out, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
        rules = sorted((DEPLOY / "prometheus").glob("*.rules.yml"))
        config = write_config(tmp, [f"127.0.0.1:{port}"], rules, interval_s=args.scrape_s)
        async with Prometheus(config, tmp / "prometheus") as prom:
            started = time.time()
            print(f"prometheus {prom.url} scraping govmon demo on :{port} for {args.seconds} s")
            await asyncio.sleep(args.seconds)
            ended = time.time()
            profiles = dict(
                m.groups() for line in stdout.read_text().splitlines() if (m := BANNER_ROW.match(line))
            )
            ids = await demo_targets(f"http://127.0.0.1:{port}")
            unreachable = {ids[name] for name, profile in profiles.items() if profile in UNREACHABLE}
            failures = 0
            for path in rules:
                for name, expr in rule_exprs(path):
                    try:
                        await prom.query(expr)
                    except ValueError as exc:
                        failures += 1
                        print(f"rule {name}: {exc}")
            with_data, empty = 0, []
            queries = panel_queries()
            for dashboard, title, expr in queries:
                try:
                    result = await prom.query(with_variables(expr))
                except ValueError as exc:
                    failures += 1
                    empty.append(f"{dashboard} / {title}: ERROR {exc}")
                    continue
                if result:
                    with_data += 1
                else:
                    empty.append(f"{dashboard} / {title}: {expr}")
            alerts = [a for a in await prom.alerts() if a["labels"]["alertname"] == "GovmonVetoViolation"]
            veto = {(a["labels"]["target"], a["labels"]["code"], a["state"]) for a in alerts}
            vetoed_unreachable = {t for t, code, _ in veto if code == "site.unreachable"}
            async with aiohttp.ClientSession() as session:
                params = {"severity": "veto", "status": "violation"}
                async with session.get(f"http://127.0.0.1:{port}/api/findings", params=params) as response:
                    violations = {(f["target"], f["code"]) for f in await response.json()}
            print(f"dashboard queries with data: {with_data}/{len(queries)} ({with_data / len(queries):.0%})")
            for line in empty:
                print(f"  no data: {line}")
            print(f"expressions failing to evaluate: {failures}")
            print(f"demo's unreachable sites: {sorted(unreachable)}")
            print(f"GovmonVetoViolation site.unreachable targets: {sorted(vetoed_unreachable)}")
            stray = sorted((t, c) for t, c, _ in veto if (t, c) not in violations)
            states = sorted({s for *_, s in veto})
            print(f"veto alerts in all: {len(veto)} ({states}); without a veto violation: {stray}")
            await redis_memory(tmp / "data", len(ids))
            if args.pictures:
                await draw(prom, Path(args.pictures), started, ended, max(args.scrape_s, 5.0))
        demo.terminate()
        await asyncio.wait_for(demo.wait(), 60)
    ok = failures == 0 and vetoed_unreachable == unreachable and with_data >= 0.9 * len(queries)
    return 0 if ok else 1


async def redis_memory(data_dir: Path, targets: int) -> None:
    """Bytes per target in the demo's embedded Redis after the run (its own socket under the data dir)."""
    sockets = await asyncio.to_thread(lambda: list(data_dir.rglob("redis.sock")))
    if not sockets:
        return
    connection = client(f"unix://{sockets[0]}?db=0")
    try:
        info = await connection.info("memory")
        keys = await connection.dbsize()
    finally:
        await connection.aclose()
    used = int(info["used_memory"])
    print(
        f"demo Redis: {used / 1e6:.1f} MB used, {keys} keys, {used / targets / 1e3:.1f} kB per target ({targets})"
    )


def _legend(metric: dict[str, str], keys: str) -> str:
    return " ".join(metric.get(k, "") for k in keys.split(",")) if keys else next(iter(metric.values()), "")


async def draw(prom: Prometheus, directory: Path, start: float, end: float, step_s: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = ["Noto Sans CJK SC", "DejaVu Sans"]
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    for dashboard, panels in PICTURES.items():
        figure, axes = plt.subplots(2, 2, figsize=(11, 6.2), dpi=80)
        figure.suptitle(f"govmon · {dashboard} — govmon demo, Prometheus, {int(end - start)} s", fontsize=12)
        for axis, (title, expr, legend, kind) in zip(axes.flat, panels, strict=True):
            await _panel(axis, prom, title, expr, legend, kind, start, end, step_s)
        figure.tight_layout()
        path = directory / f"dashboard-{dashboard}.png"
        figure.savefig(path)
        plt.close(figure)
        print(f"wrote {path} ({path.stat().st_size // 1024} kB)")


async def _panel(axis: Any, prom: Prometheus, title: str, expr: str, legend: str, kind: str,
                 start: float, end: float, step_s: float) -> None:  # fmt: skip
    axis.set_title(title, fontsize=10)
    if kind in ("bars", "barh"):
        result = await prom.query(expr)
        labels = [_legend(r["metric"], legend) for r in result][:15]
        values = [float(r["value"][1]) for r in result][:15]
        if kind == "bars":
            vetoed = {
                r["metric"]["region"]: float(r["value"][1])
                for r in await prom.query('sum by (region) (govmon_region_targets_vetoed{kind="site"})')
            }
            positions = range(len(labels))
            axis.bar([p - 0.2 for p in positions], values, width=0.4, label="实际运行数")
            axis.bar(
                [p + 0.2 for p in positions],
                [vetoed.get(x, 0) for x in labels],
                width=0.4,
                label="突出问题数",
            )
            axis.set_xticks(list(positions), labels, rotation=30, fontsize=7)
            axis.legend(fontsize=7)
        else:
            axis.barh(labels[::-1], values[::-1], color="tab:red")
            axis.tick_params(axis="y", labelsize=7)
        return
    for part in expr.split(" | "):  # several expressions in one panel, each named by itself
        for series in (await prom.query_range(part, start, end, step_s))[:12]:
            times = [float(t) - start for t, _ in series["values"]]
            values = [float(v) for _, v in series["values"]]
            name = _legend(series["metric"], legend) or part.removeprefix("max(").removesuffix(")")
            axis.plot(times, values, label=name, linewidth=1.2)
    axis.set_xlabel("s", fontsize=7)
    axis.tick_params(labelsize=7)
    if axis.lines:
        axis.legend(fontsize=6, ncol=2, loc="upper left")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--scrape-s", type=float, default=5)
    parser.add_argument("--pictures", metavar="DIR", help="draw each dashboard's main panels here")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
