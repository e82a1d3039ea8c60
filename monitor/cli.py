"""``govmon`` sub-commands (CONTRACT.md): parse arguments, build the runtime, call one function.

Exit status of ``check``: 0 no veto violation, 1 at least one, 2 usage error or nothing could be loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor import __version__, logs
from monitor.commands.helptext import ANY_COMMAND_EXITS, NOT_BUILT, add_not_built, parser_help

if TYPE_CHECKING:
    from monitor.inventory import Loaded

EXIT_OK, EXIT_VETO, EXIT_USAGE = 0, 1, 2
EXIT_NOT_JUDGED = 3  # check --strict: a target no check could judge
EXIT_INTERRUPTED, EXIT_PIPE_CLOSED = 130, 141  # as a shell reports SIGINT and SIGPIPE (128 + signal)
DEFAULT_LISTEN = "127.0.0.1:9731"


class UsageError(Exception):
    """A mistake in how govmon was called; printed without a traceback, exit status 2."""


def parse_listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT such as {DEFAULT_LISTEN}, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {value!r}")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c", "--config", metavar="FILE", help="configuration and inventory (or GOVMON_CONFIG)"
    )
    parser = argparse.ArgumentParser(
        prog="govmon",
        description="Keeps government websites and new-media accounts inside the national inspection rules.",
        epilog=ANY_COMMAND_EXITS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"govmon {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def role(name: str, listen_default: str | None) -> None:
        sub = commands.add_parser(name, parents=[common], **parser_help(name))
        sub.add_argument(
            "--listen",
            type=parse_listen,
            default=parse_listen(listen_default) if listen_default else None,
            metavar="HOST:PORT",
            help="serve /metrics, /healthz (and the API) here",
        )

    role("run", DEFAULT_LISTEN)
    role("worker", None)
    role("scheduler", None)
    role("api", DEFAULT_LISTEN)

    check = commands.add_parser("check", parents=[common], **parser_help("check"))
    check.add_argument(
        "--target", action="append", default=[], metavar="ID", help="only this target (repeatable)"
    )
    check.add_argument(
        "--json", action="store_true", help="findings as a JSON array, fields as in docs/contract.md"
    )
    check.add_argument(
        "--as-of", metavar="DATETIME", help="judge as of this moment (ISO 8601, Asia/Shanghai)"
    )
    check.add_argument(
        "--notify", action="store_true", help="also send the notices these findings call for (never without)"
    )
    check.add_argument(
        "--full",
        action="store_true",
        help="walk whole sites for links (not a daemon cycle's share), progress on a tty",
    )
    check.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="with --full: stop walking after this long (default 600)",
    )
    check.add_argument(
        "--scores",
        action="store_true",
        help="with --json: one object {findings, scores} (each target's deduction score) instead of the array",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="exit 3 when a target could not be judged at all (no veto found: otherwise exit 0)",
    )

    inspect = commands.add_parser("inspect", parents=[common], **parser_help("inspect"))
    inspect.add_argument("location", metavar="URL|FILE", help="an http(s) URL, or a saved page or feed")
    inspect.add_argument(
        "--json", action="store_true", help="one JSON object, the fields of docs/contract.md and more"
    )
    inspect.add_argument("--as-of", metavar="DATETIME", help="resolve year-less dates as of this moment")

    validate = commands.add_parser("validate", parents=[common], **parser_help("validate"))
    validate.add_argument(
        "--list", action="store_true", help="also print every target: id, kind, region, name"
    )

    add_report_parser(commands, common)

    from monitor.commands.findings import add_parser as add_findings_parser

    add_findings_parser(commands, common)

    from monitor.commands.notices import add_parser as add_notices_parser

    add_notices_parser(commands, common)

    demo = commands.add_parser("demo", parents=[common], **parser_help("demo"))
    demo.add_argument(
        "--listen",
        type=parse_listen,
        default=parse_listen(DEFAULT_LISTEN),
        metavar="HOST:PORT",
        help=f"serve /metrics and the API here (default {DEFAULT_LISTEN})",
    )
    demo.add_argument(
        "--for",
        dest="duration_s",
        type=positive_seconds,
        default=None,
        metavar="SECONDS",
        help="stop after this long (default: until Ctrl-C)",
    )
    demo.add_argument(
        "--seed", type=int, default=1, help="the simulator's random seed (same seed, same faults)"
    )
    add_not_built(commands, common)  # last: only the contract's commands nobody has added yet
    return parser


def add_report_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser("report", parents=[common], **parser_help("report"))
    report.add_argument("--quarter", required=True, metavar="YYYYQn", help="e.g. 2022Q1")
    report.add_argument(
        "--findings", metavar="FILE.jsonl", help="an exported findings file (one finding per line)"
    )
    report.add_argument(
        "--format",
        default=None,
        metavar="md,csv,xlsx,docx,html",
        help="formats to write (default with -o: all; without -o: md on stdout)",
    )
    report.add_argument("-o", "--output", metavar="DIR", help="write report.* (and the csv files) here")
    report.add_argument(
        "--as-of",
        metavar="DATETIME",
        help="report as of this moment; inside or before the window: the forecast (ISO 8601, Asia/Shanghai)",
    )


def config_path(args: argparse.Namespace) -> Path:
    value = args.config or os.environ.get("GOVMON_CONFIG")
    if not value:
        raise UsageError(
            "no configuration: pass -c FILE or set GOVMON_CONFIG (start from "
            "config/govmon.example.yaml, or try `govmon demo`)"
        )
    return Path(value)


def load(args: argparse.Namespace) -> Loaded:
    """Load the configuration, print every problem on stderr; usage error when nothing can run."""
    from monitor.inventory import load_config

    loaded = load_config(config_path(args))
    for problem in loaded.problems:
        print(f"govmon: {problem}", file=sys.stderr)
    if loaded.fatal:
        raise UsageError("configuration not usable; fix the problems above (govmon validate -c FILE)")
    return loaded


def cmd_validate(args: argparse.Namespace) -> int:
    from monitor.inventory import load_config, summary

    loaded = load_config(config_path(args))
    print(summary(loaded))
    if args.list:
        for site in loaded.sites:
            print(f"{site.id}\tsite\t{site.region}\t{site.name}")
        for account in loaded.accounts:
            print(f"{account.id}\taccount\t{account.region}\t{account.name}")
    if loaded.fatal:  # the report is the output; a script watching stderr still learns that nothing can run
        where = args.config or os.environ.get("GOVMON_CONFIG")
        print(f"govmon: {where} is not usable: fix the fatal problems listed above", file=sys.stderr)
    return loaded.exit_status


def cmd_roles(args: argparse.Namespace) -> int:
    from monitor.app import ROLES, install_signal_handlers, run_roles
    from monitor.runtime import open_runtime

    loaded = load(args)
    roles = ROLES if args.command == "run" else (args.command,)
    listen = args.listen

    async def main() -> None:
        stop = asyncio.Event()
        install_signal_handlers(stop)
        async with open_runtime(loaded, wait_until=stop) as runtime:
            await run_roles(runtime, roles, stop, listen)

    asyncio.run(main())
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from monitor.clock import parse_moment

    loaded = load(args)
    try:
        as_of = parse_moment(args.as_of).timestamp() if args.as_of else None
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from exc
    known = {s.id for s in loaded.sites} | {a.id for a in loaded.accounts}
    unknown = [t for t in args.target if t not in known]
    if unknown:
        raise UsageError(
            f"unknown target {unknown[0]!r}: not in the inventory (govmon validate --list prints the ids)"
        )
    if args.time_limit is not None and (not args.full or args.time_limit <= 0):
        raise UsageError("--time-limit: a positive number of seconds, with --full")
    if args.scores and not args.json:
        raise UsageError("--scores: with --json (the text output shows the scores anyway)")
    # imported after the usage checks: it loads every check, slow for a one-line mistake
    from monitor.commands.check import check_once, findings_with_scores, print_findings, print_scores, scores
    from monitor.commands.coverage import coverage, print_coverage
    from monitor.commands.full import DEFAULT_TIME_LIMIT_S

    full_s = (args.time_limit or DEFAULT_TIME_LIMIT_S) if args.full else None
    outcomes: dict[str, dict[str, str | None]] = {}
    findings = asyncio.run(
        check_once(loaded, set(args.target) or None, as_of, full_s=full_s, outcomes=outcomes)
    )
    judged = coverage(outcomes)
    names = {s.id: s.name for s in loaded.sites} | {a.id: a.name for a in loaded.accounts}
    checked = {target: names[target] for target in outcomes}
    scored = scores(findings, checked, loaded.settings.scoring, judged.not_judged)
    unscored = [target for target in checked if target not in scored]
    if args.json and args.scores:
        print(json.dumps(findings_with_scores(findings, scored, unscored), ensure_ascii=False, indent=1))
    else:
        print_findings(findings, as_json=args.json)
    # the deduction score of each target (docs/report.md): with the findings, or on stderr beside --json
    print_scores(scored, names, sys.stderr if args.json else sys.stdout, len(unscored))
    # the text goes with the findings; with --json stdout stays the findings array, so it goes to stderr
    print_coverage(judged, names, sys.stderr if args.json else sys.stdout)
    if args.notify:
        from monitor.commands.notices import notify_once

        sent, waiting = asyncio.run(notify_once(loaded))
        print(f"govmon: {sent} notice(s) sent, {waiting} waiting in the outbox", file=sys.stderr)
    if any(f.severity == "veto" and f.status == "violation" for f in findings):
        return EXIT_VETO
    return EXIT_NOT_JUDGED if args.strict and judged.not_judged else EXIT_OK


def cmd_inspect(args: argparse.Namespace) -> int:
    from monitor.clock import parse_moment

    try:
        if args.as_of:
            parse_moment(args.as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from exc
    check_location(args.location)
    loaded = None
    if args.config or os.environ.get("GOVMON_CONFIG"):
        loaded = load(args)
    from monitor.commands.inspect import inspect_location  # after the usage checks, like check's

    report = asyncio.run(inspect_location(args.location, loaded, args.as_of))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        from monitor.commands.inspect import render_inspect

        print(render_inspect(report))
    if not report.get("status"):
        print(f"govmon: {inspect_failure(report)}", file=sys.stderr)
        return 1
    return EXIT_OK


def check_location(location: str) -> None:
    """A saved file that can be read, or something shaped like a URL; what a fetch cannot judge is said here."""
    from urllib.parse import urlsplit

    if "://" in location:
        try:
            _ = urlsplit(location).port  # parsing is the check: a bad IPv6 host, a port out of range
        except ValueError as exc:
            raise UsageError(f"inspect: not a URL {location!r}: {exc}") from exc
        return
    path = Path(location)
    if not path.exists():
        raise UsageError(f"inspect: no such file {location!r} (a URL starts with http:// or https://)")
    if not path.is_file() or not os.access(path, os.R_OK):
        raise UsageError(f"inspect: {location!r} is not a readable file (give a saved page or feed)")


def inspect_failure(report: dict[str, object]) -> str:
    """One line saying why nothing was read, and for a refused address which setting allows it."""
    reason = f"could not read {report['url']}: {report.get('failure')} {report.get('detail') or ''}".strip()
    if report.get("failure") == "blocked_address":
        reason += (
            "; to reach loopback and private addresses set GOVMON_ALLOW_PRIVATE_NETWORKS=1 "
            "(or allow_private_networks: true in the configuration)"
        )
    return reason


def found(exc: BaseException, wanted: Callable[[BaseException], bool]) -> BaseException | None:
    """``exc``, or the first exception inside its (nested) exception groups, that is ``wanted``."""
    if wanted(exc):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            if (hit := found(inner, wanted)) is not None:
                return hit
    return None


def address_unusable(exc: BaseException) -> OSError | None:
    """The bind failure (port taken, address not ours, port not allowed) that stopped a serving command,
    found inside the task groups' exception groups: a usage problem, not a traceback."""
    hit = found(
        exc,
        lambda e: isinstance(e, OSError) and e.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES),
    )
    return hit if isinstance(hit, OSError) else None


def cmd_not_built(args: argparse.Namespace) -> int:
    raise UsageError(NOT_BUILT.format(name=args.command))


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.commands.demo import run_demo

    asyncio.run(run_demo(seed=args.seed, listen=args.listen, duration_s=args.duration_s))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from monitor.clock import parse_moment
    from monitor.commands.report import parse_quarter, run_report
    from monitor.report.formats import FORMATS, parse_formats

    try:
        quarter = parse_quarter(args.quarter)
        as_of = parse_moment(args.as_of) if args.as_of else None
        formats = parse_formats(args.format or (",".join(FORMATS) if args.output else "md"))
    except ValueError as exc:
        raise UsageError(f"report: {exc}") from exc
    if args.output is None and formats != ("md",):
        raise UsageError("report: only md can go to stdout; give -o DIR for " + ",".join(formats))
    findings = Path(args.findings) if args.findings else None
    if findings is not None and not findings.is_file():
        raise UsageError(f"report: cannot read findings file {args.findings}")
    loaded = load(args)
    try:
        return run_report(
            loaded, quarter, findings, formats, Path(args.output) if args.output else None, as_of
        )
    except OSError as exc:
        raise UsageError(f"report: {exc.filename or args.findings}: {exc.strerror or exc}") from exc


def cmd_notices(args: argparse.Namespace) -> int:
    from monitor.commands.notices import run

    return run(args, load(args))


def cmd_findings(args: argparse.Namespace) -> int:
    from monitor.commands.findings import run

    return run(args, load(args))


HANDLERS = {
    "run": cmd_roles,
    "worker": cmd_roles,
    "scheduler": cmd_roles,
    "api": cmd_roles,
    "check": cmd_check,
    "inspect": cmd_inspect,
    "validate": cmd_validate,
    "demo": cmd_demo,
    "report": cmd_report,
    "findings": cmd_findings,
    "notices": cmd_notices,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    interactive = args.command in ("check", "inspect", "validate", "demo", "report", "findings", "notices")
    # One-shot commands print results on stdout; their logs (stderr) stay quiet unless asked for.
    logs.configure(
        level=None if not interactive or os.environ.get("GOVMON_LOG_LEVEL") else "WARNING",
        json=not interactive,
    )
    from monitor.engine.kv.connect import RedisUnavailable

    try:
        return HANDLERS.get(args.command, cmd_not_built)(args)
    except (UsageError, RedisUnavailable) as exc:
        print(f"govmon: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, BaseExceptionGroup) as exc:
        if found(exc, lambda e: isinstance(e, BrokenPipeError)):
            # the reader went away (govmon demo | head): stop quietly, as cat does; nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_PIPE_CLOSED
        taken = address_unusable(exc)
        if taken is None:
            raise
        print(f"govmon: {taken.strerror}; pass --listen HOST:PORT with a free port", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
