"""Every sub-command's help in one place: a one-line purpose, a description, examples and exit codes.

``cli`` builds its parsers from ``parser_help(name)`` so that ``govmon COMMAND --help`` says what the command
is for, shows a line to copy and lists the exit codes a script can rely on. The commands are those of
docs/contract.md; their owners refine the text here rather than beside the parser. A command the contract
names that is not built yet gets a parser that says so (``add_not_built``) instead of argparse's
"invalid choice".
"""

from __future__ import annotations

import argparse
import dataclasses
import textwrap
from typing import Any


@dataclasses.dataclass(frozen=True)
class Help:
    help: str  # the one line in ``govmon --help``
    description: str
    epilog: str  # examples, then exit codes


ROLE_EXITS = """exit codes:
  0  stopped by SIGTERM or Ctrl-C after draining its work
  2  usage or configuration error, or Redis could not be reached or started"""

ROLE_DESCRIPTION = (
    "With GOVMON_REDIS_URL unset it uses the embedded redis-server under the data directory (GOVMON_DATA_DIR, "
    "default ~/.local/share/govmon), starting it when it is not running; the roles of one data directory share "
    "it, and the last one to exit stops it."
)

HELP: dict[str, Help] = {
    "run": Help(
        "the whole daemon in one process: scheduler, workers, HTTP server",
        "Runs the scheduler, a worker and the HTTP server (/metrics, /healthz, /api/findings, /api/targets) in "
        "one process, until SIGTERM or Ctrl-C. " + ROLE_DESCRIPTION,
        "examples:\n"
        "  govmon run -c config/govmon.example.yaml\n"
        "  govmon run -c govmon.yaml --listen 0.0.0.0:9731\n\n" + ROLE_EXITS,
    ),
    "worker": Help(
        "claim and run jobs (any number, on any machine)",
        "Claims jobs from the Redis queue, runs the checks and evaluates the rules. Run as many as the load "
        "needs, on as many machines, against one Redis (GOVMON_REDIS_URL). " + ROLE_DESCRIPTION,
        "examples:\n"
        "  GOVMON_REDIS_URL=redis://10.0.0.5:6379/0 govmon worker -c govmon.yaml\n"
        "  govmon worker -c govmon.yaml --listen 127.0.0.1:9732     also serve /metrics\n\n" + ROLE_EXITS,
    ),
    "scheduler": Help(
        "feed due work into the queue (leader-elected; run a standby anywhere)",
        "Moves due checks from the schedule into the queue. One scheduler leads (a lease in Redis); a second "
        "one waits as a standby and takes over when the leader stops. " + ROLE_DESCRIPTION,
        "examples:\n"
        "  GOVMON_REDIS_URL=redis://10.0.0.5:6379/0 govmon scheduler -c govmon.yaml\n\n" + ROLE_EXITS,
    ),
    "api": Help(
        "serve /metrics, /healthz, /api/findings, /api/targets and the status pages",
        "Serves Prometheus metrics, the health check, the findings and targets as JSON and the status pages "
        "for people, from what the workers recorded in Redis. " + ROLE_DESCRIPTION,
        "examples:\n"
        "  govmon api -c govmon.yaml                       on 127.0.0.1:9731\n"
        "  govmon api -c govmon.yaml --listen 0.0.0.0:8080\n\n" + ROLE_EXITS,
    ),
    "check": Help(
        "run every check once, print and record the findings",
        "Runs every check once for the inventory (or the --target ones), evaluates the rules, prints the "
        "findings and records them. Availability is judged from the probe samples already stored (a "
        "daemon's) plus the probe this run takes; with too few samples there is no availability verdict.\n\n"
        "The text output marks each finding: ✗ violation (true now), ! at risk (becomes a violation at its "
        "due day unless fixed), ? unverified (govmon could not judge: a host that refuses bots, an unreadable "
        "feed; never counted in reports). Then each target a check could not judge, with why (fetch errors, "
        "a time budget run out), and a summary line: judged / partly judged / not judged (on stderr with "
        "--json, whose stdout stays the findings array). Then each target's deduction score out of 100 (the "
        "province's table, settings scoring.deductions): a line per target that lost points or is 不合格 "
        "(below the 60-point line, or any veto violation), with the deductions that made it; on stderr "
        "with --json, or in the JSON with --json --scores.\n\n"
        "--full walks whole sites for links within --time-limit (a daemon covers a big site over several "
        "cycles), keeping the per-host politeness of the configuration; progress goes to stderr on a terminal.",
        "examples:\n"
        "  govmon check -c config/govmon.example.yaml\n"
        "  govmon check -c govmon.yaml --target 4300000001 --json\n"
        "  govmon check -c govmon.yaml --json --scores                {findings, scores} as one object\n"
        "  govmon check -c govmon.yaml --as-of 2026-11-24          judge freshness as of that day\n"
        "  govmon check -c govmon.yaml --full --time-limit 900      every page and link of each site\n\n"
        "exit codes:\n"
        "  0  no veto violation\n"
        "  1  at least one veto violation\n"
        "  2  usage error, unknown target, or nothing could be loaded (bad inventory rows are reported on\n"
        "     stderr and the rest are checked)\n"
        "  3  with --strict: no veto violation, but a target could not be judged at all",
    ),
    "inspect": Help(
        "what govmon sees on one page, feed or saved file",
        "Fetches one URL (with the configuration's resolve map and network policy when -c is given) or reads "
        "a saved file, and prints what govmon reads on it: encoding, title, page kind, newest date, dated "
        "items, columns, links (internal / external / platform), feed entries. Loopback and private "
        "addresses are refused unless GOVMON_ALLOW_PRIVATE_NETWORKS=1 or allow_private_networks: true.",
        "examples:\n"
        "  govmon inspect https://www.hunan.gov.cn/\n"
        "  govmon inspect saved/list.html --json --as-of 2026-11-24\n"
        "  GOVMON_ALLOW_PRIVATE_NETWORKS=1 govmon inspect http://127.0.0.1:8080/\n\n"
        "exit codes:\n"
        "  0  the page was read\n"
        "  1  the page could not be fetched (the reason is printed)\n"
        "  2  usage error",
    ),
    "validate": Help(
        "check the configuration and inventory",
        "Loads the configuration and inventory files and reports every problem with file, line or CSV row, "
        "and field. With --list it also prints every target (id, kind, region, name), the ids that "
        "--target takes.",
        "examples:\n"
        "  govmon validate -c config/govmon.example.yaml\n"
        "  govmon validate -c govmon.yaml --list\n\n"
        "exit codes:\n"
        "  0  usable (warnings included)\n"
        "  1  some inventory rows were rejected (the rest run)\n"
        "  2  nothing can run: a fatal problem, or no configuration given",
    ),
    "report": Help(
        "the quarterly report: the 通报 tables, problem list and 附件1",
        "The quarterly report in the form of the province's 通报: per region 实际运行数, 检查数, "
        "发现存在突出问题数 and 占检查数比例 for websites and new media, the problem list and the deductions, "
        "from govmon's findings history or an exported findings file (docs/report.md).",
        "examples:\n"
        "  govmon report --quarter 2022Q1 -c govmon.yaml                  markdown on stdout, from history\n"
        "  govmon report --quarter 2022Q1 -c govmon.yaml --findings q1.jsonl --format csv,xlsx,docx -o out/\n"
        "  govmon report --quarter 2026Q4 -c govmon.yaml --as-of 2026-11-20\n"
        "      the forecast: who is named if nothing changes\n\n"
        "exit codes:\n"
        "  0  the report was written\n"
        "  2  usage error, unreadable findings file, or nothing could be loaded",
    ),
    "findings": Help(
        "the findings lifecycle: list, acknowledge, dismiss, confirm, add, resolve, export",
        "Lists the current findings and changes their state: acknowledge one, dismiss a false positive with "
        "a reason, confirm a serious-error candidate (it becomes a violation), enter a finding from a "
        "manual inspection, resolve it, or export a quarter as JSON lines "
        "(one finding per line, the shape of docs/contract.md).",
        "examples:\n"
        "  govmon findings list -c govmon.yaml --status violation\n"
        "  govmon findings ack ID -c govmon.yaml --by 张三 --note 已通知网站主办单位\n"
        "  govmon findings export --quarter 2026Q4 -c govmon.yaml -o q4.jsonl\n\n"
        "exit codes:\n"
        "  0  done\n"
        "  2  usage error, unknown finding id, or nothing could be loaded",
    ),
    "notices": Help(
        "notices to site owners: waiting, sent and failed; retry; send a test",
        "Shows the notices govmon sends to site owners (waiting, sent, failed), retries failed ones, or sends "
        "a test message to one target's recipients to check its owner URLs.",
        "examples:\n"
        "  govmon notices list -c govmon.yaml --failed\n"
        "  govmon notices retry --all -c govmon.yaml\n"
        "  govmon notices test 4300000001 -c govmon.yaml\n\n"
        "exit codes:\n"
        "  0  done\n"
        "  1  a notice could not be sent\n"
        "  2  usage error or nothing could be loaded",
    ),
    "demo": Help(
        "the simulated government web plus the daemon, no internet needed",
        "Starts a simulated government web on loopback (sites with injected faults, new-media accounts), "
        "writes its inventory as an ordinary configuration file, and runs every role against it with time "
        "compressed (a probe every 2 s, a one-day window, a verdict from 15 samples, instead of 24 probes a "
        "day over 7 days), printing findings as they open, change and resolve. Its own embedded Redis lives "
        "under <data dir>/demo and starts clean each time.",
        "examples:\n"
        "  govmon demo\n"
        "  govmon demo --for 90 > demo.log          stop after 90 s\n\n"
        "exit codes:\n"
        "  0  stopped (Ctrl-C, SIGTERM or --for)\n"
        "  2  usage error, or the port is taken (--listen another)",
    ),
}

ANY_COMMAND_EXITS = """Each command's --help shows an example and its exit codes. Besides those, any command:
  130  interrupted by Ctrl-C before it finished (a one-shot command; the daemon's roles stop and exit 0)
  141  its output pipe closed early (govmon demo | head)"""

CONTRACT_COMMANDS = tuple(HELP)
"""docs/contract.md's commands: each has a parser, real or ``add_not_built``'s."""


def parser_help(name: str) -> dict[str, Any]:
    """``add_parser`` keyword arguments for ``name``: help, description, epilog, formatter."""
    entry = HELP[name]
    return {
        "help": entry.help,
        "description": wrapped(entry.description),
        "epilog": entry.epilog,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def wrapped(text: str, width: int = 100) -> str:
    """Paragraphs filled to ``width``: the raw formatter keeps the epilog's columns but wraps nothing."""
    return "\n\n".join(textwrap.fill(paragraph, width) for paragraph in text.split("\n\n"))


NOT_BUILT = "govmon {name} is not built yet; docs/contract.md describes what it will do"


def add_not_built(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> list[str]:
    """A parser for every contract command nobody has added yet, which says so (exit 2) instead of
    argparse's "invalid choice"; returns their names."""
    missing = [name for name in CONTRACT_COMMANDS if name not in commands.choices]
    for name in missing:
        entry = HELP[name]
        sub = commands.add_parser(
            name,
            help=f"{entry.help} (not built yet)",
            description=wrapped(f"{entry.description}\n\nNot built yet: see docs/contract.md."),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )
        sub.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return missing
