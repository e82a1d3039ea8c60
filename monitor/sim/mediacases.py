"""The media cases (``SimWeb(media_cases=True)``): one account per thing govmon's media code must handle.

Every feed dialect (RSS 0.91, RSS 1.0/RDF, RSS 2.0, Atom, JSON Feed), an HTML list page read through CSS
selectors, entry dates in every zone spelling (+08:00, +00:00, GMT/Z, no zone), a GBK feed, invalid XML,
an entity bomb, a future-dated entry beside a 12-day silence, an account without interaction, an empty
JSON Feed registered five days ago, bridges that send only an ETag, only a Last-Modified or neither, and a
slow bridge (``SLOW_BRIDGE_HOST``). ``expected`` in the truth says what each should be judged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from monitor.sim.records import FeedEntry, SimAccount

SLOW_BRIDGE_HOST = "rsshub-slow.example.net"
LIST_SELECTORS = ("ul.feed-list li", "span.pub")


@dataclasses.dataclass(frozen=True, slots=True)
class Case:
    id: str
    name: str
    platform: str
    region: str
    format: str  # rss | rss091 | rdf | atom | json | html
    age_days: int | None  # newest entry this many days before now; None: no entries
    archetype: str = "active"
    variant: str = ""
    zone: str = "cst"
    validators: str = "both"
    interaction: bool | None = None
    registered_days: int | None = None
    slow: bool = False


# fmt: off
CASES = (
    Case("case-rss091", "岳阳发布", "weibo", "岳阳市", "rss091", 1, zone="gmt"),
    Case("case-rdf", "常德政法", "wechat", "常德市", "rdf", 8, archetype="week_stale", zone="utc"),
    Case("case-atom-utc", "益阳税务", "toutiao", "益阳市", "atom", 16, archetype="silent", zone="utc"),
    Case("case-atom-gmt", "郴州发布", "weibo", "郴州市", "atom", 0, zone="gmt"),
    Case("case-rss-naive", "永州生态", "wechat", "永州市", "rss", 2, zone="naive"),
    Case("case-json", "怀化教育", "douyin", "怀化市", "json", 3),
    Case("case-json-empty", "娄底司法", "wechat", "娄底市", "json", None, archetype="empty", registered_days=5),
    Case("case-gbk", "邵阳交通", "wechat", "邵阳市", "rss", 0, variant="gbk"),
    Case("case-invalid", "张家界文旅", "weibo", "张家界市", "rss", 1, archetype="broken", variant="invalid_xml"),
    Case("case-bomb", "湘西卫健", "wechat", "湘西州", "rss", 1, archetype="broken", variant="entity_bomb"),
    Case("case-future", "衡阳城管", "toutiao", "衡阳市", "rss", 12, archetype="week_stale", variant="future"),
    Case("case-closed", "株洲税务", "douyin", "株洲市", "rss", 0, interaction=False),
    Case("case-html", "湘潭政务", "app", "湘潭市", "html", 3),
    Case("case-html-silent", "长沙人社", "app", "长沙市", "html", 30, archetype="silent"),
    # the list page after a redesign: the selectors match no row, or rows without their date (source broke)
    Case("case-html-reshaped", "湘潭人社", "app", "湘潭市", "html", 2, archetype="broken", variant="reshaped"),
    Case("case-html-date-moved", "衡阳发布", "app", "衡阳市", "html", 1, archetype="broken", variant="date_moved"),
    Case("case-etag-only", "株洲应急", "wechat", "株洲市", "rss", 1, validators="etag"),
    Case("case-lm-only", "长沙气象", "weibo", "长沙市", "atom", 1, validators="last_modified"),
    Case("case-no-validators", "常德应急", "wechat", "常德市", "json", 1, validators="none"),
    Case("case-slow-active", "益阳发布", "wechat", "益阳市", "rss", 0, slow=True),
    Case("case-slow-week", "郴州交警", "douyin", "郴州市", "atom", 9, archetype="week_stale", slow=True),
)
# fmt: on


def build_media_cases(seed: int, now: dt.datetime, bridge_host: str) -> tuple[SimAccount, ...]:
    rng = random.Random(f"{seed}:media-cases")
    accounts = []
    for case in CASES:
        entries: list[FeedEntry] = []
        if case.age_days is not None:
            # whole hours before "now", within the same calendar day when possible, so the day count is exact
            day = now - dt.timedelta(days=case.age_days, hours=min(now.hour, rng.randint(0, 6)))
            day = day.replace(microsecond=0)
            for k in range(rng.randint(6, 12)):
                entries.append(
                    FeedEntry(
                        f"{case.name}｜工作动态第{k + 1}期", day, f"https://mp.example.net/{case.id}/{k}"
                    )
                )
                day -= dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 12))
        if case.variant == "future":
            ahead = (now + dt.timedelta(days=3)).replace(microsecond=0)
            entries.insert(
                0, FeedEntry(f"{case.name}｜预告", ahead, f"https://mp.example.net/{case.id}/f", future=True)
            )
        host = SLOW_BRIDGE_HOST if case.slow else bridge_host
        accounts.append(
            SimAccount(
                id=case.id,
                name=case.name,
                platform=case.platform,
                region=case.region,
                host=host,
                path=f"/{case.platform}/user/{case.id}",
                format=case.format,
                entries=tuple(entries),
                archetype=case.archetype,
                variant=case.variant,
                zone=case.zone,
                validators=case.validators,
                interaction=case.interaction,
                registered_days=case.registered_days,
                list_selectors=LIST_SELECTORS if case.format == "html" else None,
            )
        )
    return tuple(accounts)


def expected_findings(account: SimAccount, now: dt.datetime) -> dict[str, str]:
    """What govmon's media rules must say, with the national defaults (14/7 days; at risk from 10/5 silent
    days), computed here independently: code → status."""
    expected: dict[str, str] = {}
    if account.interaction is False:
        expected["media.interaction_missing"] = "violation"
    if account.archetype == "broken":
        expected["media.feed_unreachable"] = "unverified"
        return expected
    today = now.date()
    if not account.entries:
        registered = account.registered_days if account.registered_days is not None else 60
        expected["media.never_published"] = "violation" if registered > 14 else "at_risk"
        return expected
    dated = [e.published for e in account.entries if e.published <= now]
    if not dated:
        expected["media.stale"] = "violation"
        return expected
    idle = (today - max(dated).astimezone(now.tzinfo).date()).days
    if idle > 14:
        expected["media.stale"] = "violation"
        return expected
    if idle >= 10:
        expected["media.stale"] = "at_risk"
    if idle > 7:
        expected["media.stale_week"] = "violation"
    elif idle >= 5:
        expected["media.stale_week"] = "at_risk"
    return expected
