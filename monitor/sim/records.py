"""The simulator's records: what to inject (``SiteSpec``) and what was built (``SimSite`` and its parts).

They are the simulator's ground truth. They deliberately share nothing with ``monitor.model``: the
simulator must not be able to share a bug with the code it tests. ``port`` is 0 until the server has
bound its port; ``SimWeb`` hands out copies with the real port, so ``url`` is then a working address.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

HEALTHS = ("healthy", "slow", "flaky", "down", "error", "gbk")
"""``error`` answers 503 to every request; ``gbk`` is healthy but serves GBK declared only in ``<meta>``."""

LINK_FAULTS = ("404", "soft404", "redirect_home", "unreachable", "bot_blocked")
"""Injected link kinds: a 404, a 200 error page, a deep link 302'd to the homepage, a host with no
listener (connection refused), a host that answers bots with 403 (a verdict govmon cannot reach)."""
MORE_LINK_FAULTS = ("dns", "timeout", "redirect_loop", "image", "attachment", "bot_429")
"""More broken kinds: a host no resolver knows (``.invalid``), a page answering after a minute, a
redirect loop, a missing ``<img>``, a missing attachment (.doc), a host answering bots with 429."""
HEALTHY_LINK_KINDS = ("head_refused", "deep_redirect")
"""Links that must NOT be judged broken: an attachment server answering HEAD with 405 (GET works), and
a deep link 301'd to another deep page (a moved article)."""
BOT_LINK_KINDS = ("bot_blocked", "bot_429")
"""Kinds whose expected verdict is ``unverified``, not broken."""

CHANNELS = ("working", "xinfang_only", "broken", "named", "login")
"""Consultation channels: working 领导信箱/咨询 columns; only 网上信访 and 纪检举报 links (which do not count);
a 在线咨询 link that answers an error page (a soft 404, also listed in the truth's ``broken_links``); working
channels under other names (``named``: 我要写信, 网上问政 … with a form) or behind a login (``login``), see
``fidelity``."""
WORKING_CHANNELS = ("working", "named", "login")

MESSAGE_FAULTS = ("ok", "unanswered", "replies_stale", "statuses")
"""Message lists: every message answered within days; one message asked ~120 days ago never answered;
every reply older than 2 months (the newest message ~80 days old); ``statuses``: answered, shown by a status
(办理完毕, 不予受理 …) without a reply date (``fidelity``)."""
SERVICES = ("platform", "local", "none", "renamed", "image")
"""``renamed``: a 我要办 block to the platform; ``image``: a banner image to the platform host (``fidelity``)."""

PLATFORM_STATES = ("ok", "missing", "offline", "maintenance")
"""一体化平台 item pages: working, 该事项不存在 (200), 该事项已下线 (200), 系统维护 (503)."""

FOOTER_PARTS = ("id_code", "conac", "icp", "police", "jiucuo")
"""网站标识码, 党政机关标识 (bszs.conac.cn), ICP备案 (beian.miit.gov.cn), 公安备案 (beian.gov.cn), 我为政府网站找错."""


@dataclasses.dataclass(frozen=True, slots=True)
class SiteSpec:
    """What to inject into one site; the catalogue gives it a name, host, id and content.

    Column keys are slugs (``gzdt`` 工作动态, ``tzgg`` 通知公告 …, see ``content.COLUMN_DEFS``).
    ``broken_links`` entries are a ``LINK_FAULTS`` kind, placed on the homepage, or ``kind@slug`` to
    place it on that column's first list page instead. ``MORE_LINK_FAULTS`` and ``HEALTHY_LINK_KINDS``
    go there too (the healthy ones appear in the truth's ``healthy_links``, not ``broken_links``).
    """

    health: str = "healthy"
    kind: str | None = None  # "portal" | "department"; None: whatever the catalogue slot is
    stale: tuple[str, ...] = ()
    empty: tuple[str, ...] = ()
    column_age_days: Mapping[str, int] = dataclasses.field(default_factory=dict)
    column_counts: Mapping[str, int] = dataclasses.field(default_factory=dict)
    broken_links: tuple[str, ...] = ()
    platform_links: tuple[str, ...] = ("ok", "ok", "ok")
    footer_missing: tuple[str, ...] = ()
    interaction: bool = True
    channel: str = "working"  # CHANNELS: working | xinfang_only (信访/纪检举报 only) | broken (error page)
    messages: str = "ok"  # MESSAGE_FAULTS: ok | unanswered (one > 3 months) | replies_stale (last > 2 months)
    service: str = (
        "platform"  # SERVICES: platform | local (own pages, not the platform) | none | renamed | image
    )
    future_item: bool = False
    homepage_stale: bool = False
    gbk_declaration: str = "meta_charset"  # or "http_equiv" (only used when health == "gbk")
    homepage_nav_only: bool = False  # the homepage shows navigation only, no dated rows
    homepage_mixed: str = ""  # fidelity.MIXED_HOMEPAGES: fresh news shown undated beside old dated blocks
    firewall: str = ""  # fidelity.FIREWALLS: bots (403 to robots), bots_429, everyone (403 to all)
    landing: tuple[str, ...] = ()  # first-level slugs drawn as landing pages: tiles to sub-columns, no rows
    future_event: bool = False  # a 预告 row dated with its event's day, 6 days ahead (not a faked date)
    future_event_column: str = "gzdt"
    misfiled: tuple[str, ...] = ()  # policy-column slugs (zcwj, gfxwj) that also carry news items
    nonconforming_domain: bool = False  # the site's host is not under .gov.cn
    # slug -> list template, overriding the drawn one (any of listing's, including "split" and "script")
    list_templates: Mapping[str, str] = dataclasses.field(default_factory=dict)
    list_traps: tuple[str, ...] = ()  # slugs whose list pages carry not-a-date traps (listing.py)
    content: tuple[
        str, ...
    ] = ()  # contentcases.CONTENT_KINDS: hidden links, tampering, errors, personal data, traps
    article_links: bool = False  # articles end with related links, some broken (``peers``)
    annual_report: str = "footer"  # homepagecases.ANNUAL_REPORTS: where last year's 年度报表 link is
    topic_banner: str = ""  # homepagecases.TOPIC_BANNERS: a 全国两会 topic as a banner image or a text link
    ipv6: str = ""  # ipv6.IPV6_SHAPES: an AAAA record (::1) answered (dual) or answering 502 (broken)
    search: str = "get"  # searchcases.SEARCHES: the header's search box and what its search answers
    guides: tuple[str, ...] = ()  # searchcases.GUIDE_KINDS: 办事指南 linked from the 办事服务 block

    def __post_init__(self) -> None:
        problems = []
        if self.health not in HEALTHS:
            problems.append(f"health {self.health!r} not in {HEALTHS}")
        for entry in self.broken_links:
            if entry.split("@")[0] not in LINK_FAULTS + MORE_LINK_FAULTS + HEALTHY_LINK_KINDS:
                problems.append(f"broken link {entry!r} not in {LINK_FAULTS + MORE_LINK_FAULTS}")
        problems += [f"platform state {s!r}" for s in self.platform_links if s not in PLATFORM_STATES]
        problems += [f"footer part {p!r}" for p in self.footer_missing if p not in FOOTER_PARTS]
        problems += [f"misfiled column {m!r}" for m in self.misfiled if m not in ("zcwj", "gfxwj")]
        if self.service not in SERVICES:
            problems.append(f"service {self.service!r}")
        if self.channel not in CHANNELS:
            problems.append(f"channel {self.channel!r} not in {CHANNELS}")
        if self.firewall not in ("", "bots", "bots_429", "everyone"):
            problems.append(f"firewall {self.firewall!r}")
        if self.homepage_mixed not in ("", "undated_news", "slider_only"):
            problems.append(f"homepage_mixed {self.homepage_mixed!r}")
        if self.messages not in MESSAGE_FAULTS:
            problems.append(f"messages {self.messages!r} not in {MESSAGE_FAULTS}")
        from monitor.sim.contentcases import CONTENT_KINDS

        problems += [f"content kind {k!r}" for k in self.content if k not in CONTENT_KINDS]
        from monitor.sim.homepagecases import ANNUAL_REPORTS, TOPIC_BANNERS

        if self.annual_report not in ANNUAL_REPORTS:
            problems.append(f"annual_report {self.annual_report!r} not in {ANNUAL_REPORTS}")
        if self.topic_banner not in TOPIC_BANNERS:
            problems.append(f"topic_banner {self.topic_banner!r} not in {TOPIC_BANNERS}")
        from monitor.sim.ipv6 import IPV6_SHAPES

        if self.ipv6 not in IPV6_SHAPES:
            problems.append(f"ipv6 {self.ipv6!r} not in {IPV6_SHAPES}")
        from monitor.sim.searchcases import GUIDE_KINDS, SEARCHES

        if self.search not in SEARCHES:
            problems.append(f"search {self.search!r} not in {SEARCHES}")
        problems += [f"guide kind {k!r} not in {GUIDE_KINDS}" for k in self.guides if k not in GUIDE_KINDS]
        if problems:
            raise ValueError("bad SiteSpec: " + "; ".join(problems))


@dataclasses.dataclass(frozen=True, slots=True)
class SimItem:
    """One dated entry of a column; ``path`` is its article page on the site."""

    title: str
    published: dt.datetime
    path: str
    pinned: bool = False
    doc_no: str | None = None  # 文号, on policy documents
    replied: dt.datetime | None = None  # a message's reply (interaction columns); None: unanswered


@dataclasses.dataclass(frozen=True, slots=True)
class SimColumn:
    """A column (栏目) as built: where it is, how it is drawn and what it holds (newest first, pinned on top)."""

    slug: str
    name: str
    category: str
    path: str  # ends with "/": the first page is served at path and path + "index.html"
    first_level: bool
    template: str
    date_format: str
    page_size: int
    items: tuple[SimItem, ...]
    injected: str | None = None  # "stale" | "empty" | None
    misfiled: tuple[str, ...] = ()  # titles of news items filed in this policy column
    traps: bool = False  # list pages carry title traps and newer-dated side blocks (listing.py)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // self.page_size))

    @property
    def newest(self) -> dt.datetime | None:
        return max((i.published for i in self.items), default=None)


@dataclasses.dataclass(frozen=True, slots=True)
class SimLink:
    """An injected link: where it appears (``page`` path), where it points, and what answers there."""

    page: str
    url_path: str  # path on ``host``; the full URL needs the port
    host: str
    text: str
    kind: str


@dataclasses.dataclass(frozen=True, slots=True)
class ServiceLink:
    """A 办事服务 entry: an item page on the 一体化平台 (or the site's own page when ``service`` is local)."""

    name: str
    host: str
    path: str
    state: str


@dataclasses.dataclass(frozen=True, slots=True)
class SimSite:
    """One simulated government website, with everything that was injected into it."""

    id: str
    name: str
    host: str
    region: str
    org: str
    kind: str
    profile: str  # the health at start: one of HEALTHS
    encoding: str  # "utf-8" | "gbk" | "gb2312": the charset the pages are written in
    flavor: str  # CMS look: "trs" | "hanweb" | "generic"
    columns: tuple[SimColumn, ...]
    links: tuple[SimLink, ...]
    services: tuple[ServiceLink, ...]
    footer_missing: tuple[str, ...]
    future_item: bool
    spec: SiteSpec
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def column(self, slug: str) -> SimColumn:
        for column in self.columns:
            if column.slug == slug:
                return column
        raise KeyError(slug)


@dataclasses.dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    published: dt.datetime
    link: str
    future: bool = False  # dated after the simulator's now on purpose (a faked date)


@dataclasses.dataclass(frozen=True, slots=True)
class SimAccount:
    """A new-media account served by the feed bridge in one of three formats (rss, atom, json)."""

    id: str
    name: str
    platform: str
    region: str
    host: str
    path: str
    format: str
    entries: tuple[FeedEntry, ...]
    archetype: str  # "active" | "week_stale" (10 days) | "silent" (20 days) | "empty" | "broken" (503)
    port: int = 0
    # The media cases (``SimWeb(media_cases=True)``, ``monitor.sim.mediacases``) set these; defaults are the
    # five archetypes' plain feeds.
    variant: str = ""  # "" | "invalid_xml" | "entity_bomb" | "gbk" | "future"
    zone: str = "cst"  # how entry dates are written: "cst" (+08:00), "utc" (+00:00), "gmt" (GMT / Z), "naive"
    validators: str = "both"  # what the bridge sends: "both" | "etag" | "last_modified" | "none"
    interaction: bool | None = None  # the inventory's ``interaction`` (None: not given)
    registered_days: int | None = (
        None  # ``registered_at`` this many days before now (None: archetype default)
    )
    list_selectors: tuple[str, str] | None = None  # (item, date) CSS selectors: an HTML list page, not a feed

    @property
    def feed(self) -> str:
        query = "" if self.format == "rss" else f"?format={self.format}"
        return f"http://{self.host}:{self.port}{self.path}{query}"

    @property
    def future_entries(self) -> int:
        """Entries dated after the simulator's now (only the ``future`` variant has one)."""
        return sum(1 for e in self.entries if e.future)

    @property
    def last_post(self) -> dt.datetime | None:
        return max((e.published for e in self.entries), default=None)
