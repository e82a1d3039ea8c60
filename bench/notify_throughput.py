"""Notices through the outbox, and what a 600-site outage of one code sends and to whom.

``python -m bench.notify_throughput [--notices 2000] [--workers 1,2,4] [--sites 600] [--write]`` (from the
repository root). An embedded redis-server and a JSON webhook on loopback (aiohttp, answering at once) stand
in for Redis and the channels; apprise sends for real (one HTTP POST per delivery).

1. Throughput: ``--notices`` veto notices, one recipient each, are put in the outbox; then ``W`` deliverers
   (each ``notify.concurrency`` 8, as a worker runs it) drain it; notices per second = notices / wall time.
2. Outage: ``--sites`` sites in 15 regions (one supervisor channel each, one ops channel), each with one owner,
   all go unreachable: ``site.unreachable`` opens on every one, in evaluation batches of 20 spread over
   5 minutes (the availability rule turning on each site at its own probe), through the real consumer (storm
   control on, defaults: 10 targets in 10 minutes), then the leader's tick after the window; the deliveries
   are counted per recipient class.
``--write`` puts the figures into docs/benchmarks.md (its own section).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

from aiohttp import web

from bench.report import machine, replace_section, revision, table, today
from monitor.clock import FixedClock
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.metrics import Metrics
from monitor.model import SHANGHAI, EventKind, Finding, FindingEvent, Severity, Status
from monitor.notify.consumer import EventConsumer
from monitor.notify.deliver import Deliverer
from monitor.notify.leader import NoticeLeader
from monitor.notify.outbox import Outbox
from monitor.notify.policy import Audience, TargetInfo, decide_events
from monitor.settings import InspectionSettings, NotifySettings

REGIONS = ("省直", "长沙市", "衡阳市", "株洲市", "湘潭市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市")
REGIONS += ("郴州市", "永州市", "怀化市", "娄底市", "湘西自治州")
T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.count = 0
        self.expected = 0
        self.all_in = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.count += 1
        if self.count >= self.expected:
            self.all_in.set()
        return web.json_response({"ok": True})

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


def finding(target: str, region: str) -> Finding:
    return Finding(target, "site", f"站点{target}", region, "site.unreachable", Severity.VETO, Status.VIOLATION,
                   "7 天内探测失败 9.5%（16/168）", T0, evidence={"url": f"https://{target}.gov.cn/"})  # fmt: skip


async def throughput(redis_url: str, notices: int, workers: int) -> float:
    sink = Sink()
    sink.expected = notices
    runner = await sink.start()
    redis = client(redis_url)
    keys = Keys(f"bench{workers}{time.monotonic_ns()}")
    try:
        targets = [f"43{n:08d}" for n in range(notices)]
        audience = Audience({t: TargetInfo(t, t, "长沙市") for t in targets},
                            {t: (f"json://127.0.0.1:{sink.port}/o/{t}",) for t in targets}, {}, ())  # fmt: skip
        events = [FindingEvent(EventKind.OPENED, finding(t, "长沙市"), T0.timestamp()) for t in targets]
        decided = decide_events(events, audience, NotifySettings(), time.time(), {}, {}).notices
        await Outbox(redis, keys).put(decided, time.time())
        settings = NotifySettings(poll_s=0.01)
        started = time.perf_counter()
        deliverers = [Deliverer(redis, keys, settings, Metrics(), _Now()) for _ in range(workers)]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(d.run(stop)) for d in deliverers]
        await sink.all_in.wait()
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*tasks)
        return notices / elapsed
    finally:
        await redis.aclose()
        await runner.cleanup()


class _Now:
    def now(self) -> float:
        return time.time()


async def outage(redis_url: str, sites: int) -> dict[str, collections.Counter[str]]:
    redis = client(redis_url)
    keys = Keys(f"outage{time.monotonic_ns()}")
    targets = [(f"43{n:08d}", REGIONS[n % len(REGIONS)]) for n in range(sites)]
    audience = Audience(
        {t: TargetInfo(t, f"站点{t}", r) for t, r in targets},
        {t: (f"json://owner/{t}",) for t, _ in targets},
        {r: (f"json://supervisor/{r}",) for r in REGIONS},
        ("json://ops/",),
    )
    settings = NotifySettings()
    clock = FixedClock(T0)
    consumer = EventConsumer(redis, keys, settings, audience, clock, consumer="bench")
    batch, spread_s = 20, 300.0
    for start in range(0, sites, batch):
        at = T0.timestamp() + spread_s * start / sites
        clock = FixedClock(at)
        consumer._clock = clock  # one consumer through a driven clock: the batches arrive over 5 minutes
        for target, region in targets[start : start + batch]:
            event = FindingEvent(EventKind.OPENED, finding(target, region), at)
            await redis.xadd(keys.finding_events, {"event": json.dumps(event.to_json(), ensure_ascii=False)})
        await consumer.run(asyncio.Event(), until_idle=True)
    after = FixedClock(T0.timestamp() + spread_s + settings.storm_window_s + 60)
    await NoticeLeader(redis, keys, settings, InspectionSettings(), audience, after).tick()
    waiting = await Outbox(redis, keys).waiting()
    sent: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for d in waiting:
        role = d.recipient.split("://", 1)[1].split("/", 1)[0]
        sent[role][d.notice.title[: d.notice.title.index("】") + 1]] += 1
    await redis.aclose()
    return sent


async def main(args: argparse.Namespace) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis(Path(tmp), port=free_port()).start()
        try:
            rates = {w: await throughput(server.url, args.notices, w) for w in args.workers}
            sent = await outage(server.url, args.sites)
        finally:
            server.stop()
    rows = [
        (f"{w} deliverer(s) × concurrency 8", f"{args.notices}", f"{rate:.0f}") for w, rate in rates.items()
    ]
    body = [
        "## Notices (bench/notify_throughput.py)",
        f"{today()}, {revision()}, {machine()}. Redis embedded, channels a JSON webhook on loopback (apprise "
        "sends each delivery as one HTTP POST).",
        "",
        table(("deliverers", "notices", "notices/s through the outbox"), rows),
        "",
        f"What a {args.sites}-site outage of `site.unreachable` sends ({len(REGIONS)} regions with one supervisor "
        "channel each, one ops channel, one owner per site; openings in batches of 20 over 5 minutes; storm "
        "control at its defaults, 10 targets in 10 minutes):",
        "",
        table(
            ("recipient", "deliveries", "of which"),
            [
                (role, sum(c.values()), ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
                for role, c in sent.items()
            ],
        ),
    ]
    return "\n".join(body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], default=[1, 2, 4])
    parser.add_argument("--sites", type=int, default=600)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = asyncio.run(main(args))
    print(text)
    if args.write:
        replace_section(Path(__file__).parents[1] / "docs" / "benchmarks.md", "notify", text)
