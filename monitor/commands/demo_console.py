"""What ``govmon demo`` says to a newcomer: how fast its time runs, what was injected into each simulated
site, how to read a finding line, and a plain sentence instead of a worker's internal log event.

The demo compresses days into seconds, so without a word its findings ("近 1 天 15 次探测中 15 次无法访问")
contradict the 7-day rule the README states; and a site labelled by its availability alone ("healthy") that
then gets a veto for stale columns looks like a false alarm. This module holds those words, apart from the
code that runs the demo.
"""

from __future__ import annotations

import asyncio
import collections
import os
import unicodedata
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

from monitor.sim.records import BOT_LINK_KINDS, SimAccount, SimSite

AVAILABILITY_WORD = {
    "healthy": "up",
    "gbk": "up",
    "down": "down",
    "error": "error",
    "slow": "slow",
    "flaky": "flaky",
}
FOOTER_WORDS = {
    "id_code": "网站标识码",
    "conac": "党政机关标识",
    "icp": "ICP备案号",
    "police": "公安备案号",
    "jiucuo": "找错",
}
LINK_WORDS = {
    "404": "404",
    "soft404": "soft 404",
    "redirect_home": "redirect to home",
    "unreachable": "dead host",
    "bot_blocked": "bot-blocking host",
    "dns": "unknown host",
    "timeout": "timeout",
    "redirect_loop": "redirect loop",
    "image": "missing image",
    "attachment": "missing attachment",
    "bot_429": "429 to bots",
}


def time_banner(availability: Mapping[str, Any], content_interval_s: float) -> list[str]:
    """The compressed clock, against the real rule (国办秘函〔2019〕19号: ≥ 20 probes a day over 7 days)."""
    per_day = int(availability["probes_per_day"])
    return [
        f"govmon demo: time runs fast here: a probe every {86400 / per_day:g} s ({per_day:,} a day), judged "
        f"over a {availability['window_days']}-day window once {availability['min_probes']} samples exist;",
        "             the real rule: 24 probes a day over 7 days, at least 140 samples and 20 on each day. The "
        "lines are the same: "
        f"veto at {availability['fail_ratio']:.0%} failed probes, at risk from {availability['warn_ratio']:.0%}.",
        f"             Content (columns, links, services, accounts) is checked every {content_interval_s / 60:g} "
        "min instead of every few hours.",
    ]


def injected(site: SimSite, *, probe_timeout_s: float, slow_latency_s: float, flaky_ratio: float) -> str:
    """``"<availability> <what was injected>"``: the first word is up/down/error/slow/flaky."""
    spec = site.spec
    what: list[str] = []
    health = {
        "down": "refuses connections",
        "error": "answers 503",
        "slow": f"answers after {slow_latency_s:g} s, past the {probe_timeout_s:g} s probe timeout",
        "flaky": f"fails {flaky_ratio:.0%} of requests",
        "gbk": "GBK pages",
    }.get(spec.health)
    if health:
        what.append(health)
    if spec.homepage_stale:
        what.append("stale homepage")
    if spec.stale:
        what.append(f"{len(spec.stale)} stale columns")
    if spec.empty:
        what.append(f"{len(spec.empty)} empty columns")
    broken = [LINK_WORDS.get(k.split("@")[0], k) for k in spec.broken_links]
    if broken:
        unjudged = sum(k.split("@")[0] in BOT_LINK_KINDS for k in spec.broken_links)
        note = f" ({unjudged} unverifiable)" if unjudged else ""
        what.append(f"broken links: {', '.join(broken)}{note}")
    bad_platform = [s for s in spec.platform_links if s != "ok"]
    if bad_platform:
        what.append(f"{len(bad_platform)} broken 一体化平台 services ({', '.join(bad_platform)})")
    if spec.service != "platform":
        what.append("no 办事服务" if spec.service == "none" else "services not on the platform")
    if not spec.interaction:
        what.append("no interaction channel")
    elif spec.channel != "working":
        what.append(f"interaction channel {spec.channel.replace('_', ' ')}")
    if spec.messages != "ok":
        what.append(f"messages {spec.messages.replace('_', ' ')}")
    if spec.footer_missing:
        what.append("footer lacks " + ", ".join(FOOTER_WORDS.get(p, p) for p in spec.footer_missing))
    if spec.future_item:
        what.append("an item dated in the future")
    if spec.misfiled:
        what.append("news filed in a policy column")
    if spec.nonconforming_domain:
        what.append("domain not under .gov.cn")
    return f"{AVAILABILITY_WORD[spec.health]:6} {'; '.join(what) or 'nothing injected'}"


ACCOUNT_WORDS = {
    "active": "posting",
    "week_stale": "silent 7-13 days",
    "silent": "silent 14+ days",
    "empty": "never posted",
    "broken": "unreadable feed",
}


def padded(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns: a Chinese character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - columns)


def site_row(site: SimSite, label: str) -> str:
    return f"  {padded(site.name, 28)}{padded(site.url, 40)}{label}"


def accounts_line(accounts: Iterable[SimAccount]) -> str:
    """The accounts in one line, by what was injected (their feeds are on the simulated bridge host)."""
    counts = collections.Counter(account.archetype for account in accounts)
    parts = [f"{counts[kind]} {word}" for kind, word in ACCOUNT_WORDS.items() if counts[kind]]
    return f"govmon demo: accounts: {', '.join(parts)}"


LEGEND = [
    "govmon demo: a finding line: time, opened | changed | resolved, [severity/status], name (id), code: message",
    "             severity: veto = 单项否决 (fails the quarter), deduction = 扣分, warning = operational;",
    "             status: violation = true now, at_risk = a violation at its 'due' time unless fixed,",
    "             unverified = govmon could not judge (a host refusing bots, an unreadable feed), never counted",
]


class Console:
    """The demo's stdout. When its reader goes away (``govmon demo | head``) the rest of the output goes to
    /dev/null and ``gone`` is set, so the demo stops the graceful way (roles, then Redis) instead of dying of
    a BrokenPipeError in whichever task printed next (the webhook's, a finding line) and leaving a traceback."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.gone = asyncio.Event()

    def write(self, text: str) -> int:
        try:
            return self._out.write(text)
        except BrokenPipeError:
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        try:
            self._out.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), self._out.fileno())
        self.gone.set()


async def stop_when_gone(console: Console, stop: asyncio.Event) -> None:
    waiting = asyncio.ensure_future(console.gone.wait())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([waiting, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
        stopping.cancel()
    stop.set()


async def announce_stop(stop: asyncio.Event, out: TextIO) -> None:
    """Say at once that Ctrl-C (or --for) was heard: the roles drain for a moment before ``stopped``."""
    await stop.wait()
    print(
        "govmon demo: stopping… (roles finish or hand back their jobs, then the embedded Redis stops)",
        file=out,
    )
    out.flush()


def explain_for_newcomers(job_timeout_s: float) -> Any:
    """A structlog processor: a worker's ``job.timeout`` (an error line mid-stream) becomes a note that says
    what it means for the user; every other event passes unchanged."""

    def processor(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        if event.get("event") != "job.timeout":
            return event
        return {
            "timestamp": event.get("timestamp", ""),
            "level": "note",
            "event": f"the {event.get('check')} check of {event.get('target')} ran past its {job_timeout_s:g} s "
            "limit and was stopped; it is retried shortly, and no finding is made from it",
        }

    return processor
