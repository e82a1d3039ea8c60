"""``govmon findings list|ack|dismiss|confirm|add|resolve|export``: the findings lifecycle from the command line.

Each talks to the configured Redis, or the data directory's embedded one, through ``open_runtime`` like
``govmon check``: an embedded server a running daemon started is joined and left running; one this command
had to start is stopped when it is done. Exit status: 0 done, 2 a usage error or an unknown finding id
(one line on stderr naming it).
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.commands.check import print_findings

if TYPE_CHECKING:
    from monitor.inventory import Loaded
    from monitor.model import Finding
    from monitor.runtime import Runtime

EXIT_OK, EXIT_USAGE = 0, 2
STATES = ("open", "acknowledged", "dismissed", "resolved")
STATUSES = ("violation", "at_risk", "unverified")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")

EXAMPLES = {
    "list": "govmon findings list --state open --region 邵阳市\n  govmon findings list --target 4305000001 --json",
    "ack": 'govmon findings ack 3f9c0e1d2a4b5c6d7e8f --by 张三 --note "本周五前更新通知公告"',
    "dismiss": 'govmon findings dismiss 3f9c0e1d2a4b5c6d7e8f --by 张三 --reason "该栏目已撤销，页面仅作存档"',
    "confirm": 'govmon findings confirm 3f9c0e1d2a4b5c6d7e8f --by 张三 --note "核对原文，确为错字"',
    "add": "govmon findings add --target 4305000001 --code content.serious_error \\\n"
    '      --evidence https://www.shaoyang.gov.cn/art/1.html --note "领导职务表述错误" --by 李四',
    "resolve": 'govmon findings resolve 3f9c0e1d2a4b5c6d7e8f --by 李四 --note "已更正并复核"',
    "export": "govmon findings export --quarter 2026Q4 -o findings-2026Q4.jsonl",
}


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    """The ``findings`` sub-command and its own sub-commands, each with a description and an example."""
    from monitor.commands.helptext import parser_help, wrapped

    findings = commands.add_parser("findings", parents=[common], **parser_help("findings"))
    actions = findings.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        return actions.add_parser(
            name,
            help=help_text,
            description=wrapped(description),
            epilog=f"example:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )

    listing = action(
        "list",
        "findings that hold now (or in a given state)",
        "Findings with their lifecycle; without --state those open or acknowledged.",
    )
    listing.add_argument("--state", choices=STATES, help="the lifecycle state")
    listing.add_argument("--status", choices=STATUSES, help="the rule's verdict")
    listing.add_argument("--target", metavar="ID", help="only this target's findings")
    listing.add_argument(
        "--region", metavar="REGION", help="only this region's (市州/部门, as in the inventory)"
    )
    listing.add_argument("--code", metavar="CODE", help="only this code (docs/indicators.md)")
    listing.add_argument("--json", action="store_true", help="a JSON array, fields as in docs/contract.md")

    ack = action(
        "ack", "acknowledge a finding: someone is on it", "Acknowledge an open finding; reminders stop."
    )
    ack.add_argument("id", metavar="ID", help="the finding's id (govmon findings list shows them)")
    ack.add_argument("--by", required=True, metavar="NAME", help="who does this (kept in the history)")
    ack.add_argument("--note", required=True, metavar="TEXT", help="what is being done (kept in the history)")

    dismiss = action(
        "dismiss",
        "dismiss a false positive, with a reason",
        "Dismiss a finding as a false positive: its subject stays dismissed, sends no notice and leaves the report.",
    )
    dismiss.add_argument("id", metavar="ID", help="the finding's id (govmon findings list shows them)")
    dismiss.add_argument("--by", required=True, metavar="NAME", help="who does this (kept in the history)")
    dismiss.add_argument("--reason", required=True, metavar="TEXT", help="why it is not a real problem")

    confirm = action(
        "confirm",
        "confirm a serious-error candidate: it becomes a violation",
        "Confirm that a content.serious_error finding (a dictionary hit, unverified until a person reads it) is "
        "a real error: from now on it is a violation (a veto), in notices and the report.",
    )
    confirm.add_argument("id", metavar="ID", help="the finding's id (govmon findings list shows them)")
    confirm.add_argument(
        "--by", required=True, metavar="NAME", help="who confirms it (kept with the finding)"
    )
    confirm.add_argument(
        "--note", required=True, metavar="TEXT", help="what was checked (kept with the finding)"
    )

    add = action(
        "add",
        "enter a finding from a manual inspection",
        "Enter a finding a person found: same lifecycle, notices and report; it resolves only when a person "
        "resolves it (govmon findings resolve). CODE is one of docs/indicators.md's codes.",
    )
    add.add_argument("--target", required=True, metavar="ID", help="the site or account (its inventory id)")
    add.add_argument("--code", required=True, metavar="CODE", help="a code of docs/indicators.md")
    add.add_argument("--evidence", required=True, metavar="URL", help="the page that shows the problem")
    add.add_argument("--note", required=True, metavar="TEXT", help="what the inspection found")
    add.add_argument(
        "--status", choices=("violation", "at_risk"), default="violation", help="default: violation"
    )
    add.add_argument("--by", metavar="NAME", help="who found it (default: your login name)")

    resolve = action("resolve", "resolve a finding by hand", "Close a finding (a manual one's only way out).")
    resolve.add_argument("id", metavar="ID", help="the finding's id (govmon findings list shows them)")
    resolve.add_argument("--by", required=True, metavar="NAME", help="who does this (kept in the history)")
    resolve.add_argument("--note", required=True, metavar="TEXT", help="what was fixed (kept in the history)")

    export = action(
        "export",
        "every finding open at some moment of a quarter, as JSON lines",
        "One JSON object per line (CONTRACT.md, with lifecycle fields; one line per episode); dismissed "
        "findings are left out. govmon report --findings reads the file.",
    )
    export.add_argument("--quarter", required=True, metavar="YYYYQn", help="e.g. 2026Q4")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def run(args: argparse.Namespace, loaded: Loaded) -> int:
    """Run one ``govmon findings`` action; its exit status."""
    import asyncio

    from monitor.engine.confirmations import NotConfirmable
    from monitor.engine.lifecycle import LifecycleError, UnknownFinding

    if args.action == "export" and not QUARTER.match(args.quarter):
        print(f"govmon: --quarter: expected YYYYQn such as 2026Q4, got {args.quarter!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(_with_runtime(loaded, ACTIONS[args.action], args))
    except UnknownFinding as exc:
        print(f"govmon: {exc} (govmon findings list shows the ids)", file=sys.stderr)
        return EXIT_USAGE
    except (LifecycleError, NotConfirmable) as exc:
        print(f"govmon: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"govmon: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE


async def _with_runtime(
    loaded: Loaded, action: Callable[[Runtime, argparse.Namespace], Awaitable[int]], args: argparse.Namespace
) -> int:
    from monitor.runtime import open_runtime

    async with open_runtime(loaded) as runtime:
        return await action(runtime, args)


def _lifecycle(runtime: Runtime) -> Any:
    from monitor.engine.lifecycle import Lifecycle

    return Lifecycle(runtime.redis, runtime.keys, runtime.settings.findings)


async def _list(runtime: Runtime, args: argparse.Namespace) -> int:
    findings = await runtime.findings().query(
        target=args.target, code=args.code, status=args.status, state=args.state, region=args.region
    )
    findings.sort(key=lambda f: (f.region, f.target, f.code, f.id))
    print_findings(findings, as_json=args.json, lifecycle=True)
    return EXIT_OK


async def _ack(runtime: Runtime, args: argparse.Namespace) -> int:
    finding = await _lifecycle(runtime).acknowledge(args.id, args.by, args.note, runtime.clock.now())
    print(f"acknowledged {_subject(finding)}")
    return EXIT_OK


async def _dismiss(runtime: Runtime, args: argparse.Namespace) -> int:
    finding = await _lifecycle(runtime).dismiss(args.id, args.by, args.reason, runtime.clock.now())
    print(f"dismissed {_subject(finding)}")
    return EXIT_OK


async def _confirm(runtime: Runtime, args: argparse.Namespace) -> int:
    """Record the confirmation, then judge the target again so the finding is a violation at once."""
    from monitor.engine.confirmations import Confirmations
    from monitor.engine.evaluate import Evaluator
    from monitor.engine.lifecycle import UnknownFinding

    finding = await runtime.findings().get(args.id)
    target = runtime.targets.get(finding.target) if finding else None
    if finding is None or target is None:
        raise UnknownFinding(f"unknown finding {args.id!r}")
    now = runtime.clock.now()
    await Confirmations(runtime.redis, runtime.keys).confirm(finding, args.by, args.note, now)
    await Evaluator(runtime.store(), runtime.findings(), runtime.settings).evaluate(target, now)
    stored = await runtime.findings().get(args.id)
    print(f"confirmed {_subject(stored or finding)}: {(stored or finding).status}")
    return EXIT_OK


async def _resolve(runtime: Runtime, args: argparse.Namespace) -> int:
    finding = await _lifecycle(runtime).resolve(args.id, args.by, args.note, runtime.clock.now())
    print(f"resolved {_subject(finding)}")
    return EXIT_OK


async def _add(runtime: Runtime, args: argparse.Namespace) -> int:
    from monitor.engine.manual import manual_finding

    now = runtime.clock.now()
    finding = manual_finding(
        runtime.targets, args.target, args.code, args.evidence, args.note, now, args.status
    )
    await _lifecycle(runtime).add(finding, args.by or getpass.getuser(), finding.message, now)
    stored = await runtime.findings().get(finding.id)
    print(f"{(stored or finding).state or 'open'} {_subject(stored or finding)}")
    return EXIT_OK


async def _export(runtime: Runtime, args: argparse.Namespace) -> int:
    import asyncio
    import datetime as dt

    from monitor.deadlines import quarter_bounds, start_of
    from monitor.engine.lifecycle import quarter_records

    first_day, last_day = quarter_bounds(args.quarter)
    start = start_of(first_day)
    end = start_of(last_day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
    records = await quarter_records(runtime.redis, runtime.keys, start, end)
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if args.output:
        await asyncio.to_thread(Path(args.output).write_text, lines, encoding="utf-8")
        print(f"{len(records)} findings of {args.quarter} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(lines)
    return EXIT_OK


ACTIONS: dict[str, Callable[[Runtime, argparse.Namespace], Awaitable[int]]] = {
    "list": _list,
    "ack": _ack,
    "dismiss": _dismiss,
    "confirm": _confirm,
    "add": _add,
    "resolve": _resolve,
    "export": _export,
}


def _subject(finding: Finding) -> str:
    return f"{finding.id} ({finding.code} on {finding.name} {finding.target})"
