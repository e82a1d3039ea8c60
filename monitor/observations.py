"""What each check hands to the rules: the check names and one frozen record per check's payload.

A check builds one of these and stores ``to_payload()`` as ``Observation.payload``; a rule (or a page, a
report) reads it back with ``from_observation()``. The JSON shape is the one stored in Redis since each
check was written, key for key, so observations already stored read back unchanged; reading is lenient
(a missing key takes its default) because older payloads lack keys added later.

Dates stay the ISO strings the payload stores (``"YYYY-MM-DD"`` days, ``isoformat(timespec="seconds")``
moments): rules parse them where they judge, so a malformed date in a stored payload is handled there as
before. Pure: no I/O, nothing beyond the standard library and ``monitor.model``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from monitor.model import Observation

AVAILABILITY = "availability"
HOMEPAGE = "homepage"
COLUMNS = "columns"
LINKS = "links"
SERVICES = "services"
INTERACTION = "interaction"
MEDIA = "media"
SEARCH = "search"
IPV6 = "ipv6"
CHECK_NAMES = (AVAILABILITY, HOMEPAGE, COLUMNS, LINKS, SERVICES, INTERACTION, MEDIA, SEARCH, IPV6)


def _maps(value: Any) -> Iterable[Mapping[str, Any]]:
    """The dicts of a stored list (anything else in it, or a missing list, is skipped)."""
    return (v for v in (value or ()) if isinstance(v, Mapping))


def _int(value: Any) -> int:
    return int(value or 0)


# ---------------------------------------------------------------------------------------------- availability
@dataclasses.dataclass(frozen=True, slots=True)
class ProbeSample:
    """One availability sample (``availability``): ``{"ok", "latency_s", "status", "reason", "url"}``."""

    at: float
    ok: bool
    latency_s: float
    status: int | None
    reason: str | None
    url: str = ""

    def to_payload(self, url: str | None = None) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "latency_s": round(self.latency_s, 4),
            "status": self.status,
            "reason": self.reason,
            "url": self.url if url is None else url,
        }

    @classmethod
    def from_observation(cls, observation: Observation) -> ProbeSample:
        payload = observation.payload
        return cls(
            at=observation.observed_at,
            ok=bool(payload.get("ok")),
            latency_s=float(payload.get("latency_s") or 0.0),
            status=payload.get("status"),
            reason=payload.get("reason"),
            url=str(payload.get("url") or ""),
        )


# ---------------------------------------------------------------------------------------------- homepage
@dataclasses.dataclass(frozen=True, slots=True)
class HomepageLink:
    """A homepage link a rule needs (``{"url", "label", "year"}``): its URL, what it is called (text, alt,
    title) and, for a 年度报表 link, the year the report is about (None: none written)."""

    url: str
    label: str
    year: int | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"url": self.url, "label": self.label}
        if self.year is not None:
            payload["year"] = self.year
        return payload

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> HomepageLink:
        year = data.get("year")
        return cls(
            str(data.get("url") or ""), str(data.get("label") or ""), None if year is None else int(year)
        )


@dataclasses.dataclass(frozen=True, slots=True)
class HomepageRead:
    """The homepage as read (``homepage``): ``{"url", "final_url", "status", "encoding"}`` and, when it
    opened, ``"title", "site_id_code", "link_count"``, ``"annual_reports"`` (the links to a 政府网站工作年度
    报表) and ``"topics"`` (each configured 重要专题's name → the link showing it, or null)."""

    url: str
    final_url: str
    status: int | None
    encoding: str | None
    title: str | None = None
    site_id_code: str | None = None
    link_count: int | None = None
    """None: the page did not open (a FAILED observation), the keys after ``encoding`` are absent."""
    annual_reports: tuple[HomepageLink, ...] | None = None
    """None: not read (a read stored before govmon looked for them)."""
    topics: Mapping[str, HomepageLink | None] | None = None
    """The required topics configured when the page was read; None: not read (as above)."""

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "encoding": self.encoding,
        }
        if self.link_count is not None:
            payload |= {"title": self.title, "site_id_code": self.site_id_code, "link_count": self.link_count}
        if self.annual_reports is not None:
            payload["annual_reports"] = [link.to_payload() for link in self.annual_reports]
        if self.topics is not None:
            payload["topics"] = {
                name: None if link is None else link.to_payload() for name, link in self.topics.items()
            }
        return payload

    @classmethod
    def from_observation(cls, observation: Observation) -> HomepageRead:
        p = observation.payload
        count = p.get("link_count")
        reports, topics = p.get("annual_reports"), p.get("topics")
        return cls(
            url=str(p.get("url") or ""),
            final_url=str(p.get("final_url") or ""),
            status=p.get("status"),
            encoding=p.get("encoding"),
            title=p.get("title"),
            site_id_code=p.get("site_id_code"),
            link_count=None if count is None else int(count),
            annual_reports=None
            if reports is None
            else tuple(HomepageLink.from_payload(r) for r in _maps(reports)),
            topics=None
            if not isinstance(topics, Mapping)
            else {
                str(name): HomepageLink.from_payload(link) if isinstance(link, Mapping) else None
                for name, link in topics.items()
            },
        )


# ---------------------------------------------------------------------------------------------- columns
@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """A dated (or undated) list item: ``{"title", "url", "date"}``, ``date`` an ISO day or None."""

    title: str | None
    url: str | None
    date: str | None

    def to_payload(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "date": self.date}

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Item:
        return cls(data.get("title"), data.get("url"), data.get("date"))


def _items(value: Any) -> tuple[Item, ...]:
    return tuple(Item.from_payload(i) for i in _maps(value))


@dataclasses.dataclass(frozen=True, slots=True)
class Footer:
    """The homepage footer's identifiers (``monitor.extract.footer.FooterFacts``) and ``found_any``."""

    id_code: str | None
    conac: bool
    icp: bool
    police: bool
    jiucuo_sitecode: str | None
    jiucuo: bool
    found_any: bool = True

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Footer:
        return cls(
            id_code=data.get("id_code"),
            conac=bool(data.get("conac")),
            icp=bool(data.get("icp")),
            police=bool(data.get("police")),
            jiucuo_sitecode=data.get("jiucuo_sitecode"),
            jiucuo=bool(data.get("jiucuo")),
            found_any=bool(data.get("found_any", True)),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class HomepageColumns:
    """The homepage part of a columns read: its newest item, its first-level columns, its footer."""

    url: str
    newest: str | None
    latest: tuple[Item, ...]
    navigation_only: bool
    second_level: tuple[str, ...]
    footer: Footer | None
    """None: not read (a payload stored before the footer moved to this check)."""

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "url": self.url,
            "newest": self.newest,
            "latest": [i.to_payload() for i in self.latest],
            "navigation_only": self.navigation_only,
            "second_level": list(self.second_level),
        }
        if self.footer is not None:
            payload["footer"] = self.footer.to_payload()
        return payload

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> HomepageColumns:
        footer = data.get("footer")
        return cls(
            url=str(data.get("url") or ""),
            newest=data.get("newest"),
            latest=_items(data.get("latest")),
            navigation_only=bool(data.get("navigation_only")),
            second_level=tuple(str(u) for u in data.get("second_level") or ()),
            footer=Footer.from_payload(footer) if isinstance(footer, Mapping) else None,
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnEntry:
    """One column as read. ``newest``: the newest item day not after the read; ``latest``: the three
    newest dated items whatever their day; ``error``: why its page was not read (then nothing is judged).
    ``sub_columns``/``empty_marker`` are absent (None) when the page was not read; ``items`` is kept for
    notice columns only."""

    name: str
    url: str
    category: str
    first_level: bool
    source: str | None
    newest: str | None
    latest: tuple[Item, ...]
    count: int
    undated: int
    script_filled: bool
    error: str | None
    sub_columns: int | None = None
    empty_marker: bool | None = None
    items: tuple[Item, ...] | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "name": self.name,
            "url": self.url,
            "category": self.category,
            "first_level": self.first_level,
            "source": self.source,
            "newest": self.newest,
            "latest": [i.to_payload() for i in self.latest],
            "count": self.count,
            "undated": self.undated,
            "script_filled": self.script_filled,
            "error": self.error,
        }
        if self.sub_columns is not None:
            payload["sub_columns"] = self.sub_columns
        if self.empty_marker is not None:
            payload["empty_marker"] = self.empty_marker
        if self.items is not None:
            payload["items"] = [i.to_payload() for i in self.items]
        return payload

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> ColumnEntry:
        subs, marker, items = data.get("sub_columns"), data.get("empty_marker"), data.get("items")
        return cls(
            name=str(data.get("name", "")),
            url=str(data.get("url", "")),
            category=str(data.get("category", "other")),
            first_level=bool(data.get("first_level")),
            source=data.get("source"),
            newest=data.get("newest"),
            latest=_items(data.get("latest")),
            count=_int(data.get("count")),
            undated=_int(data.get("undated")),
            script_filled=bool(data.get("script_filled")),
            error=data.get("error"),
            sub_columns=None if subs is None else int(subs),
            empty_marker=None if marker is None else bool(marker),
            items=None if items is None else _items(items),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnsRead:
    """A site's columns as read (``columns``): ``{"url", "final_url", "as_of", "homepage", "columns"}``;
    a FAILED read has the first three only (``homepage`` None)."""

    url: str
    final_url: str
    as_of: str | None
    homepage: HomepageColumns | None = None
    columns: tuple[ColumnEntry, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"url": self.url, "final_url": self.final_url, "as_of": self.as_of}
        if self.homepage is not None:
            payload["homepage"] = self.homepage.to_payload()
            payload["columns"] = [c.to_payload() for c in self.columns]
        return payload

    @classmethod
    def from_observation(cls, observation: Observation) -> ColumnsRead:
        p = observation.payload
        home = p.get("homepage")
        return cls(
            url=str(p.get("url") or ""),
            final_url=str(p.get("final_url") or ""),
            as_of=p.get("as_of"),
            homepage=HomepageColumns.from_payload(home) if isinstance(home, Mapping) else None,
            columns=tuple(ColumnEntry.from_payload(c) for c in _maps(p.get("columns"))),
        )


# ---------------------------------------------------------------------------------------------- links
@dataclasses.dataclass(frozen=True, slots=True)
class LinkProblem:
    """A broken (or unverified) link and where it was found."""

    url: str
    text: str
    page: str | None
    tag: str | None
    http_status: int | None
    reason: str | None
    detail: str
    on_homepage: bool

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> LinkProblem:
        return cls(
            url=str(data["url"]),
            text=str(data.get("text") or ""),
            page=data.get("page"),
            tag=data.get("tag"),
            http_status=data.get("http_status"),
            reason=data.get("reason"),
            detail=str(data.get("detail") or ""),
            on_homepage=bool(data.get("on_homepage")),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class LinkCounts:
    checked: int
    broken: int
    unverified: int
    cached: int
    skipped: int
    unjudged: int

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> LinkCounts:
        return cls(*(_int(data.get(f.name)) for f in dataclasses.fields(cls)))


@dataclasses.dataclass(frozen=True, slots=True)
class LinksRead:
    """One link cycle over a site (``links``): ``{"url", "final_url", "status"}`` and, when the homepage
    opened, ``"pages_read", "budget_spent", "counts", "broken", "unverified"``."""

    url: str
    final_url: str
    status: int | None
    pages_read: int = 0
    budget_spent: bool = False
    counts: LinkCounts | None = None
    """None: the homepage did not open (a FAILED observation), the walk's keys are absent."""
    broken: tuple[LinkProblem, ...] = ()
    unverified: tuple[LinkProblem, ...] = ()
    platform_checked: int = 0
    """Links to the 一体化平台 judged this cycle (they are not in ``counts``)."""
    platform_links: tuple[PlatformLink, ...] = ()
    """Those of them that are not ``ok``, in the services check's words (the services rule reports them)."""

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"url": self.url, "final_url": self.final_url, "status": self.status}
        if self.counts is not None:
            payload |= {
                "pages_read": self.pages_read,
                "budget_spent": self.budget_spent,
                "counts": self.counts.to_payload(),
                "broken": [b.to_payload() for b in self.broken],
                "unverified": [u.to_payload() for u in self.unverified],
            }
        if self.counts is not None and self.platform_checked:  # absent before platform links were walked
            payload |= {
                "platform_checked": self.platform_checked,
                "platform_links": [p.to_payload() for p in self.platform_links],
            }
        return payload

    @classmethod
    def from_observation(cls, observation: Observation) -> LinksRead:
        p = observation.payload
        counts = p.get("counts")
        return cls(
            url=str(p.get("url") or ""),
            final_url=str(p.get("final_url") or ""),
            status=p.get("status"),
            pages_read=_int(p.get("pages_read")),
            budget_spent=bool(p.get("budget_spent")),
            counts=LinkCounts.from_payload(counts) if isinstance(counts, Mapping) else None,
            broken=tuple(LinkProblem.from_payload(b) for b in _maps(p.get("broken"))),
            unverified=tuple(LinkProblem.from_payload(u) for u in _maps(p.get("unverified"))),
            platform_checked=_int(p.get("platform_checked")),
            platform_links=tuple(PlatformLink.from_payload(x) for x in _maps(p.get("platform_links"))),
        )


# ---------------------------------------------------------------------------------------------- services
@dataclasses.dataclass(frozen=True, slots=True)
class ServiceEntry:
    """A 办事服务 entry on the homepage; ``platform``: it leads to the 一体化平台."""

    url: str
    text: str
    via: str
    platform: bool

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> ServiceEntry:
        return cls(
            str(data["url"]),
            str(data.get("text") or ""),
            str(data.get("via") or ""),
            bool(data.get("platform")),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ServicePage:
    url: str
    ok: bool
    platform_links: int

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> ServicePage:
        return cls(str(data["url"]), bool(data.get("ok")), _int(data.get("platform_links")))


@dataclasses.dataclass(frozen=True, slots=True)
class PlatformLink:
    """A platform link opened: ``result`` is ``ok | broken | error_page | blocked | platform_down |
    unchecked``."""

    url: str
    text: str
    result: str
    http_status: int | None
    reason: str | None

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> PlatformLink:
        return cls(
            url=str(data["url"]),
            text=str(data.get("text") or ""),
            result=str(data.get("result") or ""),
            http_status=data.get("http_status"),
            reason=data.get("reason"),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class GuideRead:
    """A service guide (办事指南) opened: ``result`` ``judged`` (``found``/``missing`` name the required
    elements), ``list`` (a list of guides, followed), ``unreadable`` (names no element: not judged),
    ``failed`` (did not open: ``reason``) or ``platform`` (on the 一体化平台, not opened by default)."""

    url: str
    text: str
    result: str
    title: str = ""
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reason: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "text": self.text,
            "result": self.result,
            "title": self.title,
            "found": list(self.found),
            "missing": list(self.missing),
            "reason": self.reason,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> GuideRead:
        return cls(
            url=str(data.get("url") or ""),
            text=str(data.get("text") or ""),
            result=str(data.get("result") or ""),
            title=str(data.get("title") or ""),
            found=tuple(str(x) for x in data.get("found") or ()),
            missing=tuple(str(x) for x in data.get("missing") or ()),
            reason=data.get("reason"),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ServicesRead:
    """A site's 办事服务 as followed (``services``): ``{"url", "final_url", "status"}`` and, when the
    homepage opened, ``"entries", "service_pages", "linked", "truncated", "platform_links"``;
    ``truncated``: service pages left unread for lack of time (then "not linked" is not concluded)."""

    url: str
    final_url: str
    status: int | None
    entries: tuple[ServiceEntry, ...] | None = None
    """None: the homepage did not open (a FAILED observation), the other keys are absent."""
    service_pages: tuple[ServicePage, ...] = ()
    linked: bool = False
    truncated: bool = False
    platform_links: tuple[PlatformLink, ...] = ()
    guides: tuple[GuideRead, ...] | None = None
    """The service guides opened (办事指南); None: not looked for (a payload from before guides were read)."""

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"url": self.url, "final_url": self.final_url, "status": self.status}
        if self.entries is not None:
            payload |= {
                "entries": [e.to_payload() for e in self.entries],
                "service_pages": [s.to_payload() for s in self.service_pages],
                "linked": self.linked,
                "truncated": self.truncated,
                "platform_links": [p.to_payload() for p in self.platform_links],
            }
        if self.entries is not None and self.guides is not None:
            payload["guides"] = [g.to_payload() for g in self.guides]
        return payload

    @classmethod
    def from_observation(cls, observation: Observation) -> ServicesRead:
        p = observation.payload
        entries = p.get("entries")
        return cls(
            url=str(p.get("url") or ""),
            final_url=str(p.get("final_url") or ""),
            status=p.get("status"),
            entries=None if entries is None else tuple(ServiceEntry.from_payload(e) for e in _maps(entries)),
            service_pages=tuple(ServicePage.from_payload(s) for s in _maps(p.get("service_pages"))),
            linked=bool(p.get("linked")),
            truncated=bool(p.get("truncated")),
            platform_links=tuple(PlatformLink.from_payload(x) for x in _maps(p.get("platform_links"))),
            guides=None
            if p.get("guides") is None
            else tuple(GuideRead.from_payload(g) for g in _maps(p.get("guides"))),
        )


# ---------------------------------------------------------------------------------------------- interaction
@dataclasses.dataclass(frozen=True, slots=True)
class Channel:
    """A consultation channel opened: ``working`` None when govmon could not tell (no time, 403/429)."""

    url: str
    text: str
    working: bool | None
    http_status: int | None
    reason: str | None

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Channel:
        return cls(
            url=str(data.get("url") or ""),
            text=str(data.get("text") or ""),
            working=data.get("working"),
            http_status=data.get("http_status"),
            reason=data.get("reason"),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class MessageList:
    url: str
    pages: int
    messages: int
    shows_replies: bool

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> MessageList:
        return cls(
            str(data.get("url") or ""),
            _int(data.get("pages")),
            _int(data.get("messages")),
            bool(data.get("shows_replies")),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class MessageRow:
    """A published message: ``asked``/``replied`` ISO days; ``answered`` from a status cell (None: none
    shown)."""

    title: str | None
    url: str | None
    asked: str | None
    replied: str | None
    answered: bool | None

    @property
    def unanswered(self) -> bool:
        """No reply date and no status saying it was answered (or a status saying it was not)."""
        return self.answered is False or (self.replied is None and self.answered is not True)

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> MessageRow:
        return cls(
            data.get("title"), data.get("url"), data.get("asked"), data.get("replied"), data.get("answered")
        )


@dataclasses.dataclass(frozen=True, slots=True)
class InteractionRead:
    """A site's consultation channels and their message lists (``interaction``): ``{"url", "final_url",
    "status"}`` and, when the homepage opened, ``"channels", "lists", "shows_replies", "messages",
    "replied_within_workday_ratio"``."""

    url: str
    final_url: str
    status: int | None
    channels: tuple[Channel, ...] | None = None
    """None: the homepage did not open (a FAILED observation), the other keys are absent."""
    lists: tuple[MessageList, ...] = ()
    shows_replies: bool = False
    messages: tuple[MessageRow, ...] = ()
    replied_within_workday_ratio: float | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"url": self.url, "final_url": self.final_url, "status": self.status}
        if self.channels is not None:
            payload |= {
                "channels": [c.to_payload() for c in self.channels],
                "lists": [x.to_payload() for x in self.lists],
                "shows_replies": self.shows_replies,
                "messages": [m.to_payload() for m in self.messages],
                "replied_within_workday_ratio": self.replied_within_workday_ratio,
            }
        return payload

    @classmethod
    def from_observation(cls, observation: Observation) -> InteractionRead:
        p = observation.payload
        channels = p.get("channels")
        ratio = p.get("replied_within_workday_ratio")
        return cls(
            url=str(p.get("url") or ""),
            final_url=str(p.get("final_url") or ""),
            status=p.get("status"),
            channels=None if channels is None else tuple(Channel.from_payload(c) for c in _maps(channels)),
            lists=tuple(MessageList.from_payload(x) for x in _maps(p.get("lists"))),
            shows_replies=bool(p.get("shows_replies")),
            messages=tuple(MessageRow.from_payload(m) for m in _maps(p.get("messages"))),
            replied_within_workday_ratio=None if ratio is None else float(ratio),
        )


# ---------------------------------------------------------------------------------------------- search
@dataclasses.dataclass(frozen=True, slots=True)
class SearchQuery:
    """One query put to the site search: the headline asked for, what was sent, and what came back.
    ``result``: ``found``, ``not_found`` (the results page shows the query, not the headline), ``no_results``
    (找到0条结果 …), ``error`` (an error status), ``error_page`` (an error page or a redirect to the homepage),
    ``unreachable`` (timeout, refused …: ``reason``), ``blocked`` (403/429 to govmon), ``unreadable`` (the
    page neither lists results nor shows the query)."""

    headline: str
    headline_url: str | None
    headline_date: str | None
    query: str
    method: str
    request_url: str
    result: str
    http_status: int | None = None
    reason: str | None = None
    final_url: str | None = None
    snapshot: str | None = None
    """The results page kept as evidence (``evidence.snapshot``) when it did not find the headline."""

    def to_payload(self) -> dict[str, Any]:
        payload = dataclasses.asdict(self)
        if self.snapshot is None:
            del payload["snapshot"]  # as stored before results pages were kept
        return payload

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> SearchQuery:
        return cls(
            headline=str(data.get("headline") or ""),
            headline_url=data.get("headline_url"),
            headline_date=data.get("headline_date"),
            query=str(data.get("query") or ""),
            method=str(data.get("method") or "GET"),
            request_url=str(data.get("request_url") or ""),
            result=str(data.get("result") or ""),
            http_status=data.get("http_status"),
            reason=data.get("reason"),
            final_url=data.get("final_url"),
            snapshot=data.get("snapshot"),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class SearchRead:
    """A site's search as tried (``search``): ``{"url", "final_url", "status"}`` and, when the homepage
    opened, ``"box"`` (``form | script | script_only | none``), ``"action"``, ``"method"``, ``"field"``,
    ``"markup"`` and ``"queries"`` (empty: no recent headline to ask for)."""

    url: str
    final_url: str
    status: int | None
    box: str | None = None
    """None: the homepage did not open (a FAILED observation), the other keys are absent."""
    action: str | None = None
    method: str | None = None
    field: str | None = None
    markup: str = ""
    queries: tuple[SearchQuery, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"url": self.url, "final_url": self.final_url, "status": self.status}
        if self.box is not None:
            payload |= {
                "box": self.box,
                "action": self.action,
                "method": self.method,
                "field": self.field,
                "markup": self.markup,
                "queries": [q.to_payload() for q in self.queries],
            }
        return payload

    @classmethod
    def from_observation(cls, observation: Observation) -> SearchRead:
        p = observation.payload
        return cls(
            url=str(p.get("url") or ""),
            final_url=str(p.get("final_url") or ""),
            status=p.get("status"),
            box=p.get("box"),
            action=p.get("action"),
            method=p.get("method"),
            field=p.get("field"),
            markup=str(p.get("markup") or ""),
            queries=tuple(SearchQuery.from_payload(q) for q in _maps(p.get("queries"))),
        )


# ---------------------------------------------------------------------------------------------- media
@dataclasses.dataclass(frozen=True, slots=True)
class RecentPost:
    """A post not after the reading: ``published`` an ISO moment (Asia/Shanghai) or None."""

    title: str | None
    url: str | None
    published: str | None

    def to_payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> RecentPost:
        published = data.get("published")
        return cls(data.get("title"), data.get("url"), published if isinstance(published, str) else None)


@dataclasses.dataclass(frozen=True, slots=True)
class MediaReading:
    """One full reading of an account's source: counts, the newest non-future entries, the future ones.

    Stored in the observation and, between polls, in the account's state record (a 304 carries it)."""

    kind: str | None
    title: str | None
    entries: int
    undated: int
    future: int
    future_dates: tuple[str | None, ...]
    newest: str | None
    recent: tuple[RecentPost, ...]
    interaction: bool | None
    read_at: str | None

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "entries": self.entries,
            "undated": self.undated,
            "future": self.future,
            "future_dates": list(self.future_dates),
            "newest": self.newest,
            "recent": [r.to_payload() for r in self.recent],
            "interaction": self.interaction,
            "read_at": self.read_at,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> MediaReading:
        return cls(
            kind=data.get("kind"),
            title=data.get("title"),
            entries=_int(data.get("entries")),
            undated=_int(data.get("undated")),
            future=_int(data.get("future")),
            future_dates=tuple(data.get("future_dates") or ()),
            newest=data.get("newest"),
            recent=tuple(RecentPost.from_payload(r) for r in _maps(data.get("recent"))),
            interaction=data.get("interaction"),
            read_at=data.get("read_at"),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class MediaRead:
    """An account as polled (``media``).

    OK: ``{"url", "final_url", "status", "source", <MediaReading keys>, "encoding", "not_modified",
    "watched_since"}`` (``not_modified``: a 304 carried the previous reading). FAILED: ``{"url",
    "final_url", "status", "source", "detail", "kind"}``, or ``{"url", "status", "detail"}`` for an
    account without a source (``source`` None)."""

    url: str | None
    final_url: str | None
    status: int | None
    source: str | None
    reading: MediaReading | None = None
    """None: nothing was read (a FAILED observation, or a 304 with no reading carried)."""
    encoding: str | None = None
    not_modified: bool = False
    watched_since: str | None = None
    detail: str | None = None
    kind: str | None = None
    """The source's kind on a FAILED read (an OK read has it in ``reading``)."""

    def to_payload(self) -> dict[str, Any]:
        if self.reading is not None:
            return {
                "url": self.url,
                "final_url": self.final_url,
                "status": self.status,
                "source": self.source,
                **self.reading.to_payload(),
                "encoding": self.encoding,
                "not_modified": self.not_modified,
                "watched_since": self.watched_since,
            }
        if self.source is None:
            return {"url": self.url, "status": self.status, "detail": self.detail}
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "source": self.source,
            "detail": self.detail,
            "kind": self.kind,
        }

    @classmethod
    def from_observation(cls, observation: Observation) -> MediaRead:
        p = observation.payload
        return cls(
            url=p.get("url"),
            final_url=p.get("final_url"),
            status=p.get("status"),
            source=p.get("source"),
            reading=MediaReading.from_payload(p) if "entries" in p else None,
            encoding=p.get("encoding"),
            not_modified=bool(p.get("not_modified", False)),
            watched_since=p.get("watched_since"),
            detail=p.get("detail"),
            kind=p.get("kind"),
        )


# ---------------------------------------------------------------------------------------------- content
CONTENT = "content"
"""The payload key of the homepage read's content-safety part (issue 12), ``ContentRead``."""


@dataclasses.dataclass(frozen=True, slots=True)
class ContentHit:
    """One content-safety hit: the page (or attachment) it is on, the snapshot kept of that page, and the
    extractor's record (``monitor.extract``'s ``HiddenLink``/``ErrorHit``/``PersonalData``/``Sign`` as JSON:
    numbers are already masked)."""

    page: str
    snapshot: str | None
    detail: Mapping[str, Any]

    def to_payload(self) -> dict[str, Any]:
        return {"page": self.page, "snapshot": self.snapshot, **self.detail}

    @classmethod
    def from_payload(cls, p: Mapping[str, Any]) -> ContentHit:
        detail = {k: v for k, v in p.items() if k not in ("page", "snapshot")}
        return cls(str(p.get("page") or ""), p.get("snapshot"), detail)


@dataclasses.dataclass(frozen=True, slots=True)
class ContentRead:
    """What the homepage read found for content safety (``homepage`` payload key ``content``): the homepage's
    snapshot, how many pages and attachments were read, and each kind of hit. ``tamper_diff`` and
    ``new_hosts`` explain ``tamper`` signs judged against the baseline (``baseline_at``, None: no baseline
    yet, only first-look signs)."""

    snapshot: str | None = None
    pages_read: int = 0
    attachments_read: int = 0
    hidden_links: tuple[ContentHit, ...] = ()
    tamper: tuple[ContentHit, ...] = ()
    serious_errors: tuple[ContentHit, ...] = ()
    personal_data: tuple[ContentHit, ...] = ()
    baseline_at: float | None = None
    tamper_diff: tuple[str, ...] = ()
    new_hosts: tuple[str, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        return {
            "snapshot": self.snapshot,
            "pages_read": self.pages_read,
            "attachments_read": self.attachments_read,
            "hidden_links": [h.to_payload() for h in self.hidden_links],
            "tamper": [h.to_payload() for h in self.tamper],
            "serious_errors": [h.to_payload() for h in self.serious_errors],
            "personal_data": [h.to_payload() for h in self.personal_data],
            "baseline_at": self.baseline_at,
            "tamper_diff": list(self.tamper_diff),
            "new_hosts": list(self.new_hosts),
        }

    @classmethod
    def from_observation(cls, observation: Observation) -> ContentRead | None:
        """None when the read carries no content part (a failed read, or one from before issue 12)."""
        p = observation.payload.get(CONTENT)
        if not isinstance(p, Mapping):
            return None

        def hits(name: str) -> tuple[ContentHit, ...]:
            return tuple(ContentHit.from_payload(h) for h in _maps(p.get(name)))

        baseline_at = p.get("baseline_at")
        return cls(
            snapshot=p.get("snapshot"),
            pages_read=_int(p.get("pages_read")),
            attachments_read=_int(p.get("attachments_read")),
            hidden_links=hits("hidden_links"),
            tamper=hits("tamper"),
            serious_errors=hits("serious_errors"),
            personal_data=hits("personal_data"),
            baseline_at=None if baseline_at is None else float(baseline_at),
            tamper_diff=tuple(str(line) for line in p.get("tamper_diff") or ()),
            new_hosts=tuple(str(h) for h in p.get("new_hosts") or ()),
        )


# ---------------------------------------------------------------------------------------------- ipv6
IPV6_DNS_FAILED = "dns"
IPV6_UNREACHABLE = "unreachable"
"""The ``ipv6`` check's FAILED reasons: DNS could not be asked; the homepage opened over neither IP version."""


@dataclasses.dataclass(frozen=True, slots=True)
class Ipv6Read:
    """IPv6 支持 as checked (``ipv6``): ``{"url", "host", "addresses"}`` (the AAAA records; empty: none) and,
    when there are some, whether the homepage opened over IPv6 (``opened``, with ``status``, ``final_url``
    or ``reason``/``detail``). A FAILED observation says why nothing could be judged: ``dns_error`` (the
    resolver could not be asked), or the homepage opened over neither IPv6 nor IPv4 (``ipv4_reason``)."""

    url: str
    host: str
    addresses: tuple[str, ...] = ()
    dns_error: str | None = None
    opened: bool | None = None
    """None: not tried (no AAAA record, or DNS failed)."""
    status: int | None = None
    final_url: str | None = None
    reason: str | None = None
    detail: str | None = None
    ipv4_reason: str | None = None
    """Why the homepage did not open over IPv4 either (then IPv6 is not judged)."""

    def to_payload(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "host": self.host,
            "addresses": list(self.addresses),
            "dns_error": self.dns_error,
            "opened": self.opened,
            "status": self.status,
            "final_url": self.final_url,
            "reason": self.reason,
            "detail": self.detail,
            "ipv4_reason": self.ipv4_reason,
        }

    @classmethod
    def from_observation(cls, observation: Observation) -> Ipv6Read:
        p = observation.payload
        opened = p.get("opened")
        return cls(
            url=str(p.get("url") or ""),
            host=str(p.get("host") or ""),
            addresses=tuple(str(a) for a in p.get("addresses") or ()),
            dns_error=p.get("dns_error"),
            opened=None if opened is None else bool(opened),
            status=p.get("status"),
            final_url=p.get("final_url"),
            reason=p.get("reason"),
            detail=p.get("detail"),
            ipv4_reason=p.get("ipv4_reason"),
        )
