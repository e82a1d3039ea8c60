"""What the simulator tells its users: a govmon inventory (CONTRACT.md's shape) and the ground truth.

Both are plain JSON-able dicts (dates as ISO strings), so a test can dump them, write them as YAML or
compare govmon's findings against them without importing the simulator's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from monitor.sim import columnkinds, fidelity, homepagecases, searchcases
from monitor.sim.catalogue import PLATFORM_HOST
from monitor.sim.content import COLUMN_DEFS
from monitor.sim.contentcases import content_truth
from monitor.sim.mediacases import expected_findings
from monitor.sim.pages import homepage_newest, homepage_titles
from monitor.sim.profiles import HostProfile
from monitor.sim.records import BOT_LINK_KINDS, HEALTHY_LINK_KINDS, SimAccount, SimColumn, SimSite


def inventory(
    sites: Sequence[SimSite],
    accounts: Sequence[SimAccount],
    resolve: Mapping[str, str],
    control_url: str,
    now: dt.datetime,
) -> dict[str, object]:
    """A complete govmon configuration: every site and account, the platform, the resolve map."""
    rows = []
    for a in accounts:
        row: dict[str, object] = {
            "id": a.id,
            "name": a.name,
            "platform": a.platform,
            "feed": a.feed,
            "region": a.region,
        }
        if a.archetype == "empty":  # "never published" needs to know since when it was supervised
            days = a.registered_days if a.registered_days is not None else 60
            row["registered_at"] = (now.date() - dt.timedelta(days=days)).isoformat()
        if a.interaction is not None:
            row["interaction"] = a.interaction
        if a.list_selectors is not None:  # an HTML list page instead of a feed
            del row["feed"]
            row["list"] = {"url": a.feed, "item": a.list_selectors[0], "date": a.list_selectors[1]}
        rows.append(row)
    return {
        "platform_domains": [PLATFORM_HOST],
        "sites": [
            {"id": s.id, "name": s.name, "url": s.url, "region": s.region, "org": s.org} for s in sites
        ],
        "accounts": rows,
        "resolve": dict(resolve),
        "allow_private_networks": True,
        "control_urls": [control_url],
    }


GROUP_OF = {d.slug: d.count_group for d in COLUMN_DEFS}


def _day(moment: dt.datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def column_kind(site: SimSite, column: SimColumn) -> dict[str, object]:
    """How the count rules see a column (``columnkinds``): its group, its own window (``column.stale``),
    and whether a reader can judge it at all (not a script-filled list, a landing page or an undated page)."""
    group = GROUP_OF.get(column.slug, "none")
    judged = (
        group in columnkinds.WINDOWS
        and column.template not in ("script", "static")
        and column.slug not in site.spec.landing
    )
    return {"group": group, "window_days": columnkinds.WINDOWS.get(group), "judged": judged}


def column_truth(site: SimSite, column: SimColumn, now: dt.datetime) -> dict[str, object]:
    newest = column.newest
    return {
        "slug": column.slug,
        "name": column.name,
        "category": column.category,
        "url": f"http://{site.host}:{site.port}{column.path}",
        "first_level": column.first_level,
        "template": column.template,
        "date_format": column.date_format,
        "count": len(column.items),
        "first_page_count": min(len(column.items), column.page_size),
        "pages": column.pages,
        "pinned": sum(1 for i in column.items if i.pinned),
        "newest": _day(newest),
        "oldest": _day(min((i.published for i in column.items), default=None)),
        "age_days": (now.date() - newest.date()).days if newest else None,
        "injected": column.injected,
        "misfiled": list(column.misfiled),
        # what a reader of the first list page sees: its newest row (pinned rows included), or none at all
        # when a script fills the list from an API
        "first_page_newest": _day(max((i.published for i in column.items[: column.page_size]), default=None))
        if column.template != "script"
        else None,
        "script_filled": column.template == "script",
        "traps": column.traps,
        **column_kind(site, column),
    }


def interaction_truth(site: SimSite, now: dt.datetime) -> dict[str, object]:
    """Consultation channels and published messages: what ``interaction.*`` must find."""
    messages = [
        {"column": c.name, "title": i.title, "asked": _day(i.published), "replied": _day(i.replied)}
        for c in site.columns
        if c.category == "interaction"
        for i in c.items
    ]
    replies = [i.replied for c in site.columns if c.category == "interaction" for i in c.items if i.replied]
    return {
        "channel": "none" if not site.spec.interaction else site.spec.channel,
        "messages": site.spec.messages,
        "interaction_messages": messages,
        "unanswered_messages": [m for m in messages if m["replied"] is None],
        "last_reply": _day(max(replies, default=None)),
    }


def search_truth(site: SimSite) -> dict[str, object]:
    """The site search's shape and what govmon must say of it (``search_expected``: None when it works, else
    ``[status, reason]``); every guide with the default elements it lacks (``incomplete_guides``: those on the
    site itself, the ones judged by default)."""
    expected = searchcases.EXPECTED_SEARCH[site.spec.search]
    url = lambda host, path: f"http://{host}:{site.port}{path}"  # noqa: E731
    guides = [
        {"url": u, "name": name, "kind": kind, "platform": kind == "platform",
         "missing": list(searchcases.GUIDE_MISSING[kind])}
        for u, name, kind in searchcases.guide_links(site.spec.guides, site, PLATFORM_HOST, url)
    ]  # fmt: skip
    return {
        "search": site.spec.search,
        "search_expected": list(expected) if expected else None,
        "guides": guides,
        "incomplete_guides": [g for g in guides if g["missing"] and not g["platform"]],
    }


def site_truth(site: SimSite, profile: HostProfile, now: dt.datetime) -> dict[str, object]:
    base = f"http://{site.host}:{site.port}"
    future = [
        i.published
        for c in site.columns
        for i in c.items
        if i.published > now and not (site.spec.future_event and fidelity.is_event_title(i.title))
    ]  # a row dated with its announced event's day is not a faked date
    return {
        "name": site.name,
        "host": site.host,
        "url": site.url,
        "region": site.region,
        "kind": site.kind,
        "flavor": site.flavor,
        "health": site.profile,
        "encoding": site.encoding,
        "profile": profile.as_dict(),
        "homepage_newest": _day(homepage_newest(site)),
        "columns": [column_truth(site, c, now) for c in site.columns],
        "stale_columns": [c.name for c in site.columns if c.injected == "stale"],
        # the columns.stale / columns.long_stale / columns.empty counts: members and expected status
        "column_counts": columnkinds.count_truth([column_truth(site, c, now) for c in site.columns]),
        "empty_columns": [c.name for c in site.columns if c.injected == "empty"],
        "broken_links": [
            {
                "page": base + link.page,
                "url": f"http://{link.host}:{site.port}{link.url_path}",
                "text": link.text,
                "kind": link.kind,
                "status": "unverified" if link.kind in BOT_LINK_KINDS else "violation",
                "on_homepage": link.page == "/",
            }
            for link in site.links
            if link.kind not in HEALTHY_LINK_KINDS
        ],
        "healthy_links": [
            {
                "page": base + link.page,
                "url": f"http://{link.host}:{site.port}{link.url_path}",
                "kind": link.kind,
            }
            for link in site.links
            if link.kind in HEALTHY_LINK_KINDS
        ],
        "services": [
            {"name": s.name, "url": f"http://{s.host}:{site.port}{s.path}", "state": s.state}
            for s in site.services
        ],
        "service": site.spec.service,
        "interaction": site.spec.interaction,
        **interaction_truth(site, now),
        "footer_missing": list(site.footer_missing),
        "future_item": _day(min(future)) if future else None,
        "homepage_stale": site.spec.homepage_stale,
        "homepage_navigation_only": site.spec.homepage_nav_only,
        "sub_columns": [c.name for c in site.columns if not c.first_level],
        "misfiled": {c.name: list(c.misfiled) for c in site.columns if c.misfiled},
        "expired_topics": [
            c.name
            for c in site.columns
            if c.category == "topic" and c.newest and (now.date() - c.newest.date()).days > 180
        ],
        "domain_nonconforming": not site.host.endswith(".gov.cn"),
        "ipv6": site.spec.ipv6,
        **homepagecases.homepage_truth(
            site.spec.annual_report, site.spec.topic_banner, now.year, homepage_titles(site)
        ),
        **search_truth(site),
        **content_truth(
            site.spec.content, base, lambda host, path: f"http://{host}:{site.port}{path}", site.id
        ),
    }


def account_truth(account: SimAccount, now: dt.datetime | None = None) -> dict[str, object]:
    """``expected`` (code → status under the national defaults) needs ``now``; the rest is the records'."""
    last = account.last_post
    media: dict[str, object] = {
        "host": account.host,
        "variant": account.variant,
        "zone": account.zone,
        "validators": account.validators,
        "interaction": account.interaction,
        "list": list(account.list_selectors) if account.list_selectors else None,
        "future_entries": account.future_entries,
    }
    if now is not None:
        media["expected"] = expected_findings(account, now)
    return media | {
        "name": account.name,
        "platform": account.platform,
        "region": account.region,
        "feed": account.feed,
        "format": account.format,
        "archetype": account.archetype,
        "last_post": last.isoformat() if last else None,
        "entries": len(account.entries),
    }
