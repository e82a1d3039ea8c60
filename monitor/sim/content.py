"""Columns and their dated items, derived from a seed, a spec and "now".

Every date is relative to ``now`` (an aware datetime in Asia/Shanghai), so a simulator started today
shows the same ages as one started with ``--now`` a year ago. Ages are chosen inside or outside the
indicator windows (news 14 days, notice 183, planning 365) so that the truth is unambiguous: a healthy
column is well inside its window, an injected stale one well past it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from monitor.sim import columnkinds, names
from monitor.sim.fidelity import future_event_title
from monitor.sim.records import SimColumn, SimItem, SiteSpec


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnDef:
    slug: str
    name: str
    category: str
    section: str  # the first-level menu it hangs under: xwzx 新闻中心, zwgk 政务公开, hdjl, bsfw, ztzl
    first_level: bool
    portal_only: bool = False
    group: str = ""  # how the count rules see it (``columnkinds.GROUPS``); "": the category's default

    @property
    def count_group(self) -> str:
        return self.group or columnkinds.DEFAULT_GROUPS.get(self.category, "none")


COLUMN_DEFS: tuple[ColumnDef, ...] = (
    ColumnDef("gzdt", "工作动态", "news", "xwzx", True),
    ColumnDef("zwyw", "政务要闻", "news", "xwzx", True),
    ColumnDef("bmdt", "部门动态", "news", "xwzx", True, portal_only=True),
    ColumnDef("xzdt", "乡镇动态", "news", "xwzx", True, portal_only=True),
    ColumnDef("tpxw", "图片新闻", "news", "xwzx", True),
    ColumnDef("tzgg", "通知公告", "notice", "zwgk", True),
    ColumnDef("zcwj", "政策文件", "notice", "zwgk", True),
    ColumnDef("gfxwj", "规范性文件", "notice", "zwgk", False),
    ColumnDef("zcjd", "政策解读", "notice", "zwgk", False, group="long"),
    ColumnDef("rsxx", "人事信息", "planning", "zwgk", True),
    ColumnDef("ghjh", "规划计划", "planning", "zwgk", True),
    ColumnDef("ztzl", "专题专栏", "topic", "ztzl", True),
    ColumnDef("ldxx", "领导信箱", "interaction", "hdjl", True),
    ColumnDef("zxzx", "咨询", "interaction", "hdjl", True),
    ColumnDef("bsfw", "办事服务", "service", "bsfw", True),
    # 政务公开 columns outside the six-month rule: updated as their matter requires, idle months on end
    ColumnDef("tjgb", "统计公报", "notice", "zwgk", False, group="long"),
    ColumnDef("sgs", "双公示", "notice", "zwgk", False, group="long"),
    ColumnDef("jcygk", "重大决策预公开", "notice", "zwgk", False, portal_only=True, group="long"),
    ColumnDef("sjgg", "审计公告", "notice", "zwgk", False, portal_only=True, group="long"),
    ColumnDef("rsrm", "人事任免", "planning", "zwgk", False),
    ColumnDef("zkly", "招考录用", "planning", "zwgk", False),
    # static but maintained: a text page and a list of leaders, neither dated
    ColumnDef("jgzn", "机构职能", "other", "zwgk", True, group="static"),
    ColumnDef("ldzc", "领导信息", "other", "zwgk", True, group="static"),
)
SECTION_NAMES = {
    "xwzx": "新闻中心",
    "zwgk": "政务公开",
    "hdjl": "互动交流",
    "bsfw": "办事服务",
    "ztzl": "专题专栏",
}

# (healthy low, healthy high, stale low, stale high) newest-item age in days, per category
_AGES = {
    "news": (0, 4, 20, 60),
    "notice": (2, 60, 200, 400),
    "planning": (5, 200, 380, 600),
    "topic": (3, 90, 200, 500),
    "interaction": (0, 10, 120, 300),
}
_GROUP_AGES = {"long": (20, 300, 400, 700)}
"""A 政策解读 or 统计公报 column healthy at 200–300 days idle (past the six months it is not held to)."""
_COUNTS = {
    "news": (25, 60),
    "notice": (12, 45),
    "planning": (5, 20),
    "topic": (4, 12),
    "interaction": (10, 30),
}
_GAPS = {"news": (0, 3), "notice": (3, 20), "planning": (10, 60), "topic": (20, 90), "interaction": (1, 7)}
_TEMPLATES = {
    "trs": ("ul_after", "ul_before", "table", "title_attr"),
    "hanweb": ("hanweb", "hanweb", "ul_after"),
    "generic": ("ul_after", "div", "table", "ul_before"),
}
DATE_FORMATS = ("iso", "nopad", "slash", "dot", "cn", "bracket_md", "md", "datetime")
YEARLESS = ("bracket_md", "md")


@dataclasses.dataclass(frozen=True, slots=True)
class Owner:
    """Who publishes: the place and name used in titles and 文号."""

    place: str  # 株洲市, 攸县, 湖南省
    org: str  # 株洲市教育局
    doc_prefix: str  # 株政办发


def column_path(flavor: str, colid: int, d: ColumnDef) -> str:
    if flavor == "hanweb":
        return f"/col/col{colid}/"
    if flavor == "generic":
        return f"/{d.slug}/"
    return f"/{d.section}/{d.slug}/"


def article_path(flavor: str, colid: int, column_path_: str, when: dt.datetime, seq: int) -> str:
    if flavor == "hanweb":
        return f"/art/{when.year}/{when.month}/{when.day}/art_{colid}_{seq}.html"
    return f"{column_path_}{when:%Y%m}/t{when:%Y%m%d}_{seq}.html"


def build_columns(
    seed: str, site_no: int, spec: SiteSpec, kind: str, flavor: str, owner: Owner, now: dt.datetime
) -> tuple[SimColumn, ...]:
    """All columns of one site, newest item first (pinned rows on top), deterministic for ``seed``.

    ``site_no`` keeps Hanweb column ids and article numbers distinct between sites.
    """
    columns = []
    for index, d in enumerate(COLUMN_DEFS):
        if d.portal_only and kind != "portal":
            continue
        if d.category == "interaction" and (not spec.interaction or spec.channel != "working"):
            continue
        if d.category == "service" and spec.service not in ("platform", "local"):  # none, or other names
            continue
        rng = random.Random(f"{seed}:{d.slug}")
        colid = 10_000 + 50 * site_no + index
        path = column_path(flavor, colid, d)
        if d.category == "service":
            columns.append(SimColumn(d.slug, d.name, d.category, path, True, "services", "iso", 20, ()))
            continue
        if d.count_group == "static":  # a text page or an undated list: nothing for a list reader to date
            columns.append(
                SimColumn(d.slug, d.name, d.category, path, d.first_level, "static", "iso", 20, ())
            )
            continue
        injected = "empty" if d.slug in spec.empty else "stale" if d.slug in spec.stale else None
        items = () if injected == "empty" else _items(rng, spec, d, flavor, colid, path, owner, now)
        if d.category == "interaction" and items:
            items = with_replies(f"{seed}:{d.slug}", items, spec, (d, flavor, colid, path, owner), now)
        if spec.future_item and d.slug == "gzdt" and items:
            future = now + dt.timedelta(days=3)
            items = (_item(rng, d, flavor, colid, path, owner, future, 999, False), *items)
        if spec.future_event and d.category == "news" and d.slug == spec.future_event_column and items:
            when = now + dt.timedelta(days=6)  # an announcement dated with the day of the event
            event = _item(rng, d, flavor, colid, path, owner, when, 998, False)
            items = (dataclasses.replace(event, title=future_event_title(owner.place)), *items)
        misfiled: tuple[str, ...] = ()
        if d.slug in spec.misfiled and items:
            items, misfiled = _misfile(rng, items, owner)
        template = "table" if d.category == "interaction" else rng.choice(_TEMPLATES[flavor])
        oldest = min((i.published for i in items), default=now)
        # a year-less date is read as "this year, never in the future": only safe for recent, past rows
        yearless_ok = (now - oldest).days < 300 and not any(i.pinned or i.published > now for i in items)
        formats = DATE_FORMATS if yearless_ok else tuple(f for f in DATE_FORMATS if f not in YEARLESS)
        page_size = 15 if flavor == "generic" else 20
        columns.append(
            SimColumn(
                d.slug, d.name, d.category, path, d.first_level, template, rng.choice(formats), page_size,
                items, injected, misfiled,
            )
        )  # fmt: skip
        # overrides come after every draw, so that a seed keeps building the same sites
        if d.slug in spec.list_templates or d.slug in spec.list_traps:
            columns[-1] = dataclasses.replace(
                columns[-1],
                template=spec.list_templates.get(d.slug, template),
                traps=d.slug in spec.list_traps,
            )
    return tuple(columns)


def _misfile(
    rng: random.Random, items: tuple[SimItem, ...], owner: Owner
) -> tuple[tuple[SimItem, ...], tuple[str, ...]]:
    """Three news reports filed among a policy column's documents (column.misfiled): no 文号, no form."""
    rows = list(items)
    unpinned = [n for n, item in enumerate(rows) if not item.pinned]
    titles = []
    for n in unpinned[1:7:2]:
        title = make_title(rng, "news", owner.place, rows[n].published.year, None)
        rows[n] = dataclasses.replace(rows[n], title=title, doc_no=None)
        titles.append(title)
    return tuple(rows), tuple(titles)


def _items(
    rng: random.Random,
    spec: SiteSpec,
    d: ColumnDef,
    flavor: str,
    colid: int,
    path: str,
    owner: Owner,
    now: dt.datetime,
) -> tuple[SimItem, ...]:
    low, high, stale_low, stale_high = _GROUP_AGES.get(d.count_group, _AGES[d.category])
    if d.slug in spec.column_age_days:
        age_days = spec.column_age_days[d.slug]
    elif d.category == "interaction" and spec.messages == "replies_stale":
        age_days = rng.randint(80, 110)  # every reply older than 2 months
    elif d.slug in spec.stale:
        age_days = rng.randint(stale_low, stale_high)
    else:
        age_days = rng.randint(low, high)
        if spec.homepage_stale and d.category in ("news", "notice", "topic"):  # all the homepage shows
            age_days = max(age_days, rng.randint(20, 30))
    count = spec.column_counts.get(d.slug, rng.randint(*_COUNTS[d.category]))
    gap_low, gap_high = _GAPS[d.category]
    day = now.date() - dt.timedelta(days=age_days)
    items = []
    for seq in range(count):
        items.append(_item(rng, d, flavor, colid, path, owner, _moment(rng, day, now), seq, False))
        day -= dt.timedelta(days=rng.randint(gap_low, gap_high))
    pinned = []
    if d.category == "notice" and count and rng.random() < 0.35:
        for n in range(rng.randint(1, 2)):
            old = now.date() - dt.timedelta(days=age_days + rng.randint(300, 900))
            pinned.append(_item(rng, d, flavor, colid, path, owner, _moment(rng, old, now), 900 + n, True))
    return (*pinned, *items)


REPLY_DELAYS_H = (1, 3, 6, 20, 26, 30, 50, 74)
"""How long a healthy site takes to answer a message: mostly within a working day, some within three days."""
UNANSWERED_AGE_DAYS = 120
"""The injected unanswered message: asked this long ago (past 3 months, within the year), never answered."""


def with_replies(
    seed: str,
    items: tuple[SimItem, ...],
    spec: SiteSpec,
    where: tuple[ColumnDef, str, int, str, Owner],
    now: dt.datetime,
) -> tuple[SimItem, ...]:
    """Messages with their replies (never after ``now``), plus the unanswered one ``unanswered`` injects in
    咨询. A separate random stream, so columns keep the items they had before replies existed."""
    rng = random.Random(f"{seed}:replies")
    answered = [
        dataclasses.replace(i, replied=min(i.published + dt.timedelta(hours=rng.choice(REPLY_DELAYS_H)), now))
        for i in items
    ]
    d, flavor, colid, path, owner = where
    if spec.messages == "unanswered" and d.slug == "zxzx":
        day = now.date() - dt.timedelta(days=UNANSWERED_AGE_DAYS)
        answered.append(_item(rng, d, flavor, colid, path, owner, _moment(rng, day, now), 990, False))
    return tuple(sorted(answered, key=lambda i: i.published, reverse=True))


def _moment(rng: random.Random, day: dt.date, now: dt.datetime) -> dt.datetime:
    """A working-hours time on ``day``, never after ``now``."""
    moment = dt.datetime.combine(day, dt.time(8, 0), tzinfo=now.tzinfo) + dt.timedelta(
        seconds=rng.randint(0, 10 * 3600)
    )
    if moment > now and day == now.date():
        midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=now.tzinfo)
        moment = midnight + (now - midnight) * rng.random()
    return moment.replace(microsecond=0)


def _item(
    rng: random.Random,
    d: ColumnDef,
    flavor: str,
    colid: int,
    path: str,
    owner: Owner,
    when: dt.datetime,
    seq: int,
    pinned: bool,
) -> SimItem:
    doc_no = None
    if d.slug in ("zcwj", "gfxwj"):
        doc_no = f"{owner.doc_prefix}〔{when.year}〕{rng.randint(1, 60)}号"
    title = columnkinds.title(rng, d.slug, owner.place, when.year) or make_title(
        rng, d.category, owner.place, when.year, doc_no
    )
    number = colid * 1000 + seq
    return SimItem(title, when, article_path(flavor, colid, path, when, number), pinned, doc_no)


def make_title(rng: random.Random, category: str, place: str, year: int, doc_no: str | None) -> str:
    """A plausible title; some carry traps that are not item dates (2026年工作要点, 文号)."""
    pool = {
        "news": names.NEWS_TITLES,
        "notice": names.NOTICE_TITLES,
        "planning": names.PLANNING_TITLES,
        "interaction": names.INTERACTION_TITLES,
        "topic": names.TOPIC_TITLES,
    }[category]
    person = rng.choice(names.SURNAMES) + rng.choice(names.GIVEN) + rng.choice(("", *names.GIVEN))
    return rng.choice(pool).format(
        place=place,
        topic=rng.choice(names.TOPICS),
        year=year,
        doc_no=doc_no or f"{year}年第{rng.randint(1, 30)}号",
        person=person,
    )
