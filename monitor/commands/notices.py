"""``govmon notices list|retry|test`` and ``govmon check --notify``: the outbox from the command line.

Each talks to the configured Redis (or the data directory's embedded one) through ``open_runtime``, like
``govmon check``. Exit status: 0 done, 1 a notice could not be sent (``test``), 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from monitor.commands.helptext import parser_help

if TYPE_CHECKING:
    from monitor.inventory import Loaded
    from monitor.runtime import Runtime

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    notices = commands.add_parser("notices", parents=[common], **parser_help("notices"))
    actions = notices.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", parents=[common], help="waiting, recently sent and dead notices",
        description="Deliveries waiting in the outbox (with their next try), the last ones sent, and dead "
        "letters (given up after notify.max_attempts; govmon notices retry sends them again).",
    )  # fmt: skip
    listing.add_argument("--failed", action="store_true", help="only dead letters")
    listing.add_argument("--json", action="store_true", help="one JSON object per delivery")
    retry = actions.add_parser(
        "retry", parents=[common], help="send dead letters again",
        description="Puts dead letters back in the outbox with their attempts reset; a running worker sends "
        "them (or the next govmon check --notify).",
    )  # fmt: skip
    retry.add_argument("ids", nargs="*", metavar="ID", help="delivery ids as notices list --failed shows")
    retry.add_argument("--all", action="store_true", help="every dead letter")
    test = actions.add_parser(
        "test", parents=[common], help="send a test message to one target's recipients",
        description="Sends a 【测试】 message now to the target's owners and its region's supervisors, and "
        "says for each recipient (masked) whether it was accepted.",
    )  # fmt: skip
    test.add_argument("target", metavar="TARGET", help="a site or account id of the inventory")


def run(args: argparse.Namespace, loaded: Loaded) -> int:
    from monitor.runtime import open_runtime

    async def main() -> int:
        async with open_runtime(loaded) as runtime:
            if args.action == "list":
                return await list_notices(runtime, failed=args.failed, as_json=args.json)
            if args.action == "retry":
                return await retry(runtime, args.ids, every=args.all)
            return await send_test(runtime, args.target)

    return asyncio.run(main())


def _when(epoch_s: float) -> str:
    from monitor.model import SHANGHAI

    return dt.datetime.fromtimestamp(epoch_s, tz=SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


async def list_notices(runtime: Runtime, *, failed: bool, as_json: bool, out: Any = None) -> int:
    from monitor.notify.outbox import Outbox
    from monitor.notify.urls import masked

    out = out or sys.stdout
    outbox = Outbox(runtime.redis, runtime.keys)
    rows: list[dict[str, Any]] = []
    for state, deliveries in (
        ("dead", await outbox.dead()),
        ("waiting", [] if failed else await outbox.waiting()),
    ):
        for d in deliveries:
            rows.append({"state": state, "id": d.id, "notice": d.notice.id, "kind": d.notice.kind.value,
                         "title": d.notice.title, "to": masked(d.recipient), "attempts": d.attempts,
                         "error": d.error, "at": d.enqueued_at})  # fmt: skip
    if not failed:
        for entry in await outbox.log(50):
            if entry["result"] == "sent":
                rows.append({"state": "sent", "id": entry["id"], "notice": entry["notice"], "kind": entry["kind"],
                             "title": entry["title"], "to": entry["scheme"] + "://…", "attempts": entry["attempts"],
                             "error": "", "at": entry["at"]})  # fmt: skip
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), file=out)
        return EXIT_OK
    if not rows:
        print("no notices" if not failed else "no failed notices", file=out)
    for row in rows:
        error = f"  ({row['error']})" if row["error"] else ""
        print(f"{row['state']:7} {_when(row['at'])} {row['id']} {row['to']} {row['title']} "
              f"[{row['attempts']} tries]{error}", file=out)  # fmt: skip
    return EXIT_OK


async def retry(runtime: Runtime, ids: list[str], *, every: bool) -> int:
    from monitor.notify.outbox import Outbox

    if not ids and not every:
        print(
            "govmon: notices retry: name delivery ids (govmon notices list --failed) or --all",
            file=sys.stderr,
        )
        return EXIT_USAGE
    outbox = Outbox(runtime.redis, runtime.keys)
    revived = await outbox.revive(None if every else ids, runtime.clock.now())
    missing = [] if every else [i for i in ids if i not in {d.id for d in await outbox.waiting()}]
    print(f"{revived} notice(s) back in the outbox; a running worker sends them")
    for delivery_id in missing:
        print(f"govmon: notices retry: no dead letter {delivery_id}", file=sys.stderr)
    return EXIT_USAGE if missing else EXIT_OK


async def send_test(runtime: Runtime, target_id: str) -> int:
    from monitor.notify.deliver import send_now, with_notice_header
    from monitor.notify.policy import audience_of, trial_notice
    from monitor.notify.render import Renderer
    from monitor.notify.urls import expand, masked

    target = runtime.targets.get(target_id)
    if target is None:
        print(f"govmon: notices test: unknown target {target_id!r} (govmon validate --list)", file=sys.stderr)
        return EXIT_USAGE
    settings = runtime.settings.notify
    audience = audience_of(runtime.targets.values(), settings)
    notice = trial_notice(audience.targets[target_id], audience, settings, runtime.clock.now())
    if notice is None:
        print(
            f"govmon: notices test: {target_id} has no owners and its region no supervisors", file=sys.stderr
        )
        return EXIT_USAGE
    renderer = Renderer(settings.public_url, settings.templates, settings.markdown_schemes)
    failed = 0
    for url in notice.recipients:
        message = renderer.for_url(notice, url)
        ok, error = await asyncio.to_thread(send_now, expand(with_notice_header(url, notice.id)), message)
        print(f"{'sent  ' if ok else 'FAILED'} {masked(url)}{'' if ok else '  ' + error}")
        failed += not ok
    return EXIT_FAILED if failed else EXIT_OK


async def notify_once(loaded: Loaded, timeout_s: float = 120.0) -> tuple[int, int]:
    """``govmon check --notify``: decide notices from the waiting lifecycle events and deliver what is due,
    within ``timeout_s``; returns (sent, still waiting). A delivery that fails stays in the outbox."""
    from monitor.app import notice_consumer, notice_deliverer
    from monitor.notify.outbox import Outbox
    from monitor.runtime import open_runtime

    async with open_runtime(loaded) as runtime:
        stop = asyncio.Event()
        log_before = len(await Outbox(runtime.redis, runtime.keys).log(5000))
        async with asyncio.timeout(timeout_s):
            await notice_consumer(runtime).run(stop, until_idle=True)
            await notice_deliverer(runtime).run(stop, until_idle=True)
        outbox = Outbox(runtime.redis, runtime.keys)
        sent = len(await outbox.log(5000)) - log_before
        return sent, (await outbox.depth())[0]
