"""The catalogue: which sites and accounts exist, with names, hosts, 网站标识码 and injected faults.

Slots (who could have a website) come from ``names`` in a fixed order; the seed shuffles them within
tiers (portals first, then counties and provincial departments, then city departments) so a small
catalogue is mostly portals, as a province's most watched sites are. Specs (what to inject) come from
``scenarios``; this module only joins the two into ``SimSite`` records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence

from monitor.sim import names, peers
from monitor.sim.content import Owner, build_columns
from monitor.sim.records import FeedEntry, ServiceLink, SimAccount, SimColumn, SimLink, SimSite, SiteSpec

PLATFORM_HOST = "zwfw.hunan.gov.cn"
BRIDGE_HOST = "rsshub.example.net"
HOSTILE_HOST = "hostile.example.com"
CONTROL_HOST = "control.example.org"
BOT_HOST = "www.rednet.cn"  # a news portal sites link to, which answers crawlers with 403/429
UNREACHABLE_HOST = "old.hunan.gov.cn"  # a retired host still linked from pages: no listener
DNS_DEAD_SUFFIX = ".hunan.gov.cn.invalid"  # hosts no resolver knows (RFC 2606 .invalid): DNS failure
TIMEOUT_LINK_S = 60
"""How long a ``timeout`` link's page takes to answer: beyond any link timeout (``links.timeout_s`` 15 s)."""
EXTERNAL_HOSTS = ("www.gov.cn", "beian.miit.gov.cn", "www.beian.gov.cn", "bszs.conac.cn", "zfwzgl.www.gov.cn")
"""Hosts every footer links to; served as plain 200 pages so that only injected links are broken."""


@dataclasses.dataclass(frozen=True, slots=True)
class Slot:
    kind: str
    name: str
    host: str
    region: str
    org: str
    id: str
    owner: Owner


def slots(seed: int) -> list[Slot]:
    """Every possible site, in the seeded tier order described in the module docstring."""
    rng = random.Random(f"{seed}:slots")
    prov = names.PROVINCE
    tiers: list[list[Slot]] = [[], [], []]
    portal_owner = Owner(prov, f"{prov}人民政府", "湘政办发")
    tiers[0].append(
        Slot("portal", f"{prov}人民政府门户网站", f"www.{names.PROVINCE_DOMAIN}", names.PROVINCIAL_REGION,
             f"{prov}人民政府办公厅", f"{names.PROVINCE_CODE}000001", portal_owner)
    )  # fmt: skip
    for k, (dept, label) in enumerate(names.PROVINCE_DEPARTMENTS):
        owner = Owner(prov, f"{prov}{dept}", f"湘{dept[0]}发")
        tiers[1].append(
            Slot("department", f"{prov}{dept}", f"{label}.{names.PROVINCE_DOMAIN}", names.PROVINCIAL_REGION,
                 f"{prov}{dept}", f"{names.PROVINCE_CODE}00{k + 2:04d}", owner)
        )  # fmt: skip
    for city in names.CITIES:
        c = city.place
        tiers[0].append(
            Slot("portal", f"{c.name}人民政府门户网站", f"www.{c.label}.gov.cn", c.name,
                 f"{c.name}人民政府办公室", f"{c.code}0001", Owner(c.name, f"{c.name}人民政府", f"{c.name[0]}政办发"))
        )  # fmt: skip
        for county in city.counties:
            owner = Owner(county.name, f"{county.name}人民政府", f"{county.name[0]}政办发")
            tiers[1].append(
                Slot("portal", f"{county.name}人民政府门户网站", f"www.{county.label}.gov.cn", c.name,
                     f"{county.name}人民政府办公室", f"{county.code}0001", owner)
            )  # fmt: skip
        for k, (dept, label) in enumerate(names.CITY_DEPARTMENTS):
            owner = Owner(c.name, f"{c.name}{dept}", f"{c.name[0]}{dept[0]}发")
            tiers[2].append(
                Slot("department", f"{c.name}{dept}", f"{label}.{c.label}.gov.cn", c.name, f"{c.name}{dept}",
                     f"{c.code}{k + 2:04d}", owner)
            )  # fmt: skip
    ordered: list[Slot] = [tiers[0][0]]
    rest0 = tiers[0][1:]
    rng.shuffle(rest0)
    ordered += rest0
    for tier in tiers[1:]:
        rng.shuffle(tier)
        ordered += tier
    return ordered


def build_sites(seed: int, now: dt.datetime, specs: Sequence[SiteSpec]) -> tuple[SimSite, ...]:
    """One site per spec, in slot order; a spec asking for a kind takes the next free slot of that kind."""
    free = slots(seed)
    if len(specs) > len(free):
        raise ValueError(f"at most {len(free)} simulated sites, asked for {len(specs)}")
    sites = []
    for number, spec in enumerate(specs):
        slot = next(s for s in free if spec.kind in (None, s.kind))
        free.remove(slot)
        sites.append(_site(seed, number, slot, spec, now))
    return tuple(sites)


def _site(seed: int, number: int, slot: Slot, spec: SiteSpec, now: dt.datetime) -> SimSite:
    rng = random.Random(f"{seed}:site:{slot.id}")
    flavor = rng.choice(("trs", "trs", "hanweb", "generic"))
    columns = build_columns(f"{seed}:{slot.id}", number, spec, slot.kind, flavor, slot.owner, now)
    encoding = "utf-8"
    if spec.health == "gbk":
        encoding = "gbk" if spec.gbk_declaration == "meta_charset" else "gb2312"
    return SimSite(
        id=slot.id,
        name=slot.name,
        host=slot.host.removesuffix(".gov.cn") + ".com.cn" if spec.nonconforming_domain else slot.host,
        region=slot.region,
        org=slot.org,
        kind=slot.kind,
        profile=spec.health,
        encoding=encoding,
        flavor=flavor,
        columns=columns,
        links=_links(rng, slot, spec, columns)
        + (peers.article_links(slot.host, columns) if spec.article_links else ()),
        services=_services(rng, slot, spec),
        footer_missing=spec.footer_missing,
        future_item=spec.future_item and any(c.slug == "gzdt" and c.items for c in columns),
        spec=spec,
    )


def _links(
    rng: random.Random, slot: Slot, spec: SiteSpec, columns: Sequence[SimColumn]
) -> tuple[SimLink, ...]:
    by_slug = {c.slug: c for c in columns}
    links = []
    for n, entry in enumerate(spec.broken_links):
        kind, _, slug = entry.partition("@")
        page = by_slug[slug].path if slug in by_slug else "/"
        year = rng.randint(2016, 2020)
        if kind == "404":
            links.append(
                SimLink(page, f"/xwzx/gzdt/{year}01/t{year}0105_{9000 + n}.html", slot.host, "旧版新闻", kind)
            )
        elif kind == "soft404":
            links.append(SimLink(page, f"/zwgk/old/{year}/wj_{n}.html", slot.host, "历史文件下载", kind))
        elif kind == "redirect_home":
            links.append(SimLink(page, f"/zfxxgk/{year}/nb_{n}.html", slot.host, "政府信息公开年报", kind))
        elif kind == "unreachable":
            links.append(SimLink(page, f"/site/{slot.id}/{n}.html", UNREACHABLE_HOST, "原网站入口", kind))
        elif kind == "bot_blocked":
            links.append(SimLink(page, f"/content/{year}/{slot.id}_{n}.html", BOT_HOST, "红网报道", kind))
        else:
            links.append(_more_link(kind, page, year, slot, n))
    if spec.channel == "broken":  # the site's only consultation channel answers an error page
        links.append(SimLink("/", "/hdjl/zxzx/index.html", slot.host, "在线咨询", "soft404"))
    return tuple(links)


def _more_link(kind: str, page: str, year: int, slot: Slot, n: int) -> SimLink:
    """The link kinds of ``MORE_LINK_FAULTS`` and ``HEALTHY_LINK_KINDS``."""
    if kind == "dns":
        return SimLink(page, f"/{slot.id}/{n}.html", f"zwfw{n}{DNS_DEAD_SUFFIX}", "原政务服务网", kind)
    if kind == "timeout":
        path = f"/hostile/delay?s={TIMEOUT_LINK_S}&from={slot.id}_{n}"
        return SimLink(page, path, HOSTILE_HOST, "数据开放平台", kind)
    if kind == "redirect_loop":
        return SimLink(page, f"/hostile/redirect-loop?from={slot.id}_{n}", HOSTILE_HOST, "在线访谈", kind)
    if kind == "image":
        return SimLink(page, f"/images/old/banner_{year}_{n}.jpg", slot.host, "专题图片", kind)
    if kind == "attachment":
        return SimLink(page, f"/zwgk/fj/{year}/P0{year}{n:04d}.doc", slot.host, "附件：申请表", kind)
    if kind == "bot_429":
        return SimLink(page, f"/content/{year}/{slot.id}_{n}-429.html", BOT_HOST, "红网时评", kind)
    if kind == "head_refused":
        return SimLink(page, f"/zwgk/fj/{year}/W0{year}{n:04d}.pdf", slot.host, "附件：实施方案", kind)
    # deep_redirect: an article moved to another deep page
    return SimLink(page, f"/xxgk/moved/{year}/art_{n}.html", slot.host, "政策解读（旧地址）", kind)


def _services(rng: random.Random, slot: Slot, spec: SiteSpec) -> tuple[ServiceLink, ...]:
    if spec.service == "none":
        return ()
    picks = rng.sample(names.SERVICE_ITEMS, k=min(len(spec.platform_links), len(names.SERVICE_ITEMS)))
    services = []
    for n, (name, state) in enumerate(zip(picks, spec.platform_links, strict=False)):
        code = f"{slot.id}{n:04d}"
        if spec.service == "local":
            services.append(ServiceLink(name, slot.host, f"/bsfw/bszn/{code}.html", "local"))
        else:
            services.append(ServiceLink(name, PLATFORM_HOST, f"/hnzwfw/item/{code}.html", state))
    return tuple(services)


# --------------------------------------------------------------------------------------------- accounts
_ACCOUNT_CORE = (
    # (archetype, name, platform, region, format, id, last-post age in days or None)
    ("active", "株洲发布", "wechat", "株洲市", "rss", "zzfb-wechat", 0),
    ("week_stale", "长沙应急", "weibo", "长沙市", "atom", "csyj-weibo", 10),
    ("silent", "湘潭教育", "wechat", "湘潭市", "json", "xtjy-wechat", 20),
    ("empty", "祁东司法", "wechat", "衡阳市", "rss", "qdsf-wechat", None),
    ("broken", "衡阳交警", "douyin", "衡阳市", "rss", "hyjj-douyin", 1),
)
_FORMATS = ("rss", "atom", "json")
_PLATFORMS = ("wechat", "weibo", "douyin", "toutiao")


def build_accounts(seed: int, now: dt.datetime, extra: int) -> tuple[SimAccount, ...]:
    """The five archetypes govmon's media rules must tell apart, then ``extra`` mostly active ones."""
    rng = random.Random(f"{seed}:accounts")
    rows: list[tuple[str, str, str, str, str, str, int | None]] = list(_ACCOUNT_CORE)
    cities = [c.place for c in names.CITIES]
    for n in range(extra):
        city = cities[n % len(cities)]
        topic = names.TOPICS[n % len(names.TOPICS)][:2]
        platform = _PLATFORMS[n % len(_PLATFORMS)]
        recent_days = rng.choice((0, 0, 1, 2, 3, 5))
        rows.append(("active", f"{city.name[:-1]}{topic}", platform, city.name, _FORMATS[n % 3],
                     f"{city.label}{n:03d}-{platform}", recent_days))  # fmt: skip
    accounts = []
    for archetype, name, platform, region, fmt, ident, age in rows:
        entries: list[FeedEntry] = []
        if age is not None:
            day = now - dt.timedelta(days=age, hours=rng.randint(0, 6))
            for k in range(rng.randint(8, 20)):
                kind = rng.choice(("最新消息", "工作提示", "一图读懂", "权威发布"))
                title = f"{name}｜{rng.choice(names.TOPICS)}{kind}"
                link = f"https://mp.example.net/{ident}/{k}"
                entries.append(FeedEntry(title, day.replace(microsecond=0), link))
                day -= dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 12))
        path = f"/{platform}/user/{ident}"
        accounts.append(
            SimAccount(ident, name, platform, region, BRIDGE_HOST, path, fmt, tuple(entries), archetype)
        )
    return tuple(accounts)


def replicate(sites: Sequence[SimSite], count: int) -> tuple[SimSite, ...]:
    """``count`` sites: ``sites``, then copies of them in turn, for load at a nation's scale (15,000 sites)
    beyond the province's slots. Copy ``k`` of a site has its own host (``n<k>.`` before the original's),
    id (``<id><k:03d>``) and name, and the original's spec, pages and injected faults (its own-host links and
    services follow it to the new host), so its truth is the original's."""
    if not sites:
        raise ValueError("nothing to replicate: no sites")
    copies = list(sites[:count])
    for number in range(len(sites), count):
        base = sites[number % len(sites)]
        k = number // len(sites)
        host = f"n{k}.{base.host}"
        copies.append(
            dataclasses.replace(
                base,
                id=f"{base.id}{k:03d}",
                name=f"{base.name}（{k}）",
                host=host,
                links=tuple(
                    dataclasses.replace(link, host=host) if link.host == base.host else link
                    for link in base.links
                ),
                services=tuple(
                    dataclasses.replace(s, host=host) if s.host == base.host else s for s in base.services
                ),
            )
        )
    return tuple(copies)
