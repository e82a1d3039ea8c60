"""How long ``govmon report`` takes for a national-scale quarter: 15,000 sites and 150,000 accounts.

``python -m bench.report_speed [--sites 15000] [--accounts 150000] [--write]`` (from the repository root).

The inventory (one YAML file, 15 regions × N targets) and a findings export over 2022Q1 are generated into
a temporary directory: per site four findings (a veto violation in the window for 2 % of sites, one that
ended before it, an at_risk and a deduction), per account one (a veto violation for 2 %, a warning for the
rest), so about 210,000 lines. Then ``govmon report --quarter 2022Q1 -c … --findings … -o …`` runs in this
process, once per format set, and each phase is timed: loading the inventory, reading the findings file,
building the report, writing each format. ``--write`` puts the table into docs/benchmarks.md (its own
section).
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.report import machine, replace_section, revision, table, today
from monitor.deadlines import sampling_window
from monitor.inventory import load_config
from monitor.report import formats as report_formats
from monitor.report.build import build_report
from monitor.report.sources import read_findings_file

REGIONS = ("省直", "长沙市", "衡阳市", "株洲市", "湘潭市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市")
REGIONS += ("郴州市", "永州市", "怀化市", "娄底市", "湘西自治州")
SETTINGS = "inspection:\n  windows: {2022Q1: [2022-01-08, 2022-03-11]}\n"


def inventory(sites: int, accounts: int) -> str:
    lines = [SETTINGS, "sites:"]
    for n in range(sites):
        region = REGIONS[n % len(REGIONS)]
        lines.append(
            f'  - {{id: "s{n}", name: 网站{n}, url: "https://s{n}.example.gov.cn/", region: {region}}}'
        )
    lines.append("accounts:")
    for n in range(accounts):
        region = REGIONS[n % len(REGIONS)]
        lines.append(
            f'  - {{id: "a{n}", name: 账号{n}, platform: wechat, feed: "https://f.example.cn/{n}", '
            f"region: {region}}}"
        )
    return "\n".join(lines) + "\n"


def finding(target: str, kind: str, code: str, severity: str, status: str, first: str, last: str) -> str:
    record: dict[str, Any] = {
        "target": target,
        "target_kind": kind,
        "name": target,
        "region": "",
        "code": code,
        "severity": severity,
        "status": status,
        "message": f"{code} 的说明",
        "evidence": {"url": f"https://{target}.example.gov.cn/{code}"},
        "observed_at": last,
        "due": None,
        "id": f"{target}-{code}",
        "state": "open",
        "first_seen": first,
        "last_seen": last,
    }
    return json.dumps(record, ensure_ascii=False)


def findings(sites: int, accounts: int) -> Iterator[str]:
    inside = ("2022-02-01T08:00:00+08:00", "2022-02-20T08:00:00+08:00")
    before = ("2021-12-01T08:00:00+08:00", "2022-01-05T08:00:00+08:00")
    for n in range(sites):
        target = f"s{n}"
        if n % 50 == 0:
            yield finding(target, "site", "homepage.stale", "veto", "violation", *inside)
        yield finding(target, "site", "site.unreachable", "veto", "violation", *before)
        yield finding(target, "site", "columns.stale", "veto", "at_risk", *inside)
        yield finding(target, "site", "links.broken", "deduction", "violation", *inside)
    for n in range(accounts):
        target = f"a{n}"
        if n % 50 == 0:
            yield finding(target, "account", "media.stale", "veto", "violation", *inside)
        else:
            yield finding(target, "account", "media.feed_unreachable", "warning", "unverified", *inside)


def timed(label: str, phases: list[tuple[str, float]]) -> Any:
    class Timer:
        def __enter__(self) -> None:
            self.start = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            phases.append((label, time.perf_counter() - self.start))

    return Timer()


def run(sites: int, accounts: int) -> tuple[list[tuple[str, float]], int]:
    phases: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        config = directory / "govmon.yaml"
        config.write_text(inventory(sites, accounts), encoding="utf-8")
        export = directory / "2022q1.jsonl"
        with export.open("w", encoding="utf-8") as out:
            lines = 0
            for line in findings(sites, accounts):
                out.write(line + "\n")
                lines += 1
        with timed("load inventory (YAML)", phases):
            loaded = load_config(config)
        assert not loaded.fatal, loaded.problems[:3]
        with timed("read findings file", phases):
            source = read_findings_file(export)
        with timed("build report", phases):
            report = build_report(
                quarter="2022Q1",
                window=sampling_window("2022Q1", loaded.settings.inspection),
                sites=loaded.sites,
                accounts=loaded.accounts,
                records=source.records,
                checked=source.checked,
            )
        assert report.table("site").total.problems == (sites + 49) // 50
        for name in report_formats.FORMATS:
            with timed(f"write {name}", phases):
                report_formats.write(report, (name,), directory / "out")
    return phases, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--accounts", type=int, default=150_000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    phases, lines = run(args.sites, args.accounts)
    total = sum(seconds for _, seconds in phases)
    body = io.StringIO()
    body.write(
        f"## govmon report: a national-scale quarter\n\n"
        f"`python -m bench.report_speed --sites {args.sites} --accounts {args.accounts}` at {revision()}, "
        f"{today()}; {machine()}.\n\n"
        f"{args.sites:,} sites and {args.accounts:,} accounts in 15 regions, {lines:,} findings in the export. "
        f"One process, one run, every format written.\n\n"
    )
    report_s = sum(seconds for label, seconds in phases if not label.startswith("load"))
    rows = [(label, f"{seconds:.2f} s") for label, seconds in phases]
    rows.append(("**the report** (findings file → every format)", f"**{report_s:.2f} s**"))
    rows.append(("total, with the inventory", f"{total:.2f} s"))
    body.write(table(("phase", "time"), rows) + "\n")
    body.write(
        "\nLoading the inventory is `monitor.inventory`'s YAML reader (PyYAML's pure-Python composer, which keeps "
        "the line numbers `govmon validate` reports), the same for every command; at this size it dominates. "
        "Sites can come from a CSV export of the registry instead; accounts only from YAML today.\n"
    )
    print(body.getvalue())
    if args.write:
        replace_section(
            Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md", "report", body.getvalue()
        )


if __name__ == "__main__":
    main()
