"""The ``peers`` scenario: a cluster of county sites whose articles link to each other, to the 一体化平台
and, now and then, to pages that are gone — the cluster govmon's link checker is compared on with
linkinator, lychee and Scrapy (``bench/links_cluster.py``).

Each article of a site with ``SiteSpec.article_links`` ends with a 相关链接 block: three other articles of
the site, a page of www.gov.cn, and one 一体化平台 item (the site's own working item). Seeded by the article's
path, about ``DEAD_SHARE`` of the articles also link to a page of their own host that answers 404, about
``SOFT404_SHARE`` to one that answers 200 with an error text, and ``PLATFORM_MISSING_SHARE`` link to a
platform item that does not exist (该事项不存在, 200). Each of these is a ``SimLink`` of the site, so the
truth's ``broken_links`` lists every one with the article it is on (kinds ``404``, ``soft404``,
``platform_missing``).
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable, Sequence

from monitor.sim.records import ServiceLink, SimColumn, SimLink, SiteSpec

DEAD_SHARE = 0.18
SOFT404_SHARE = 0.05
PLATFORM_MISSING_SHARE = 0.04
RELATED = 3
PLATFORM_HOST = "zwfw.hunan.gov.cn"  # monitor.sim.catalogue.PLATFORM_HOST (catalogue imports this module)
PEER_COLUMN_ITEMS = 14
"""Items per column in the ``peers`` sites: ≈ 220 pages a site, as a county portal of the issue has."""
SLUGS = ("gzdt", "zwyw", "bmdt", "xzdt", "tpxw", "tzgg", "zcwj", "gfxwj", "zcjd", "rsxx", "ghjh")

esc = html.escape


def peer_specs(sites: int = 8, items_per_column: int = PEER_COLUMN_ITEMS) -> tuple[SiteSpec, ...]:
    """``sites`` county portals with article links; the 2nd and 5th serve GBK declared only in ``<meta>``."""
    counts = dict.fromkeys(SLUGS, items_per_column)
    return tuple(
        SiteSpec(
            kind="portal",
            health="gbk" if n in (1, 4) else "healthy",
            article_links=True,
            column_counts=counts,
        )
        for n in range(sites)
    )


def article_links(host: str, columns: Sequence[SimColumn]) -> tuple[SimLink, ...]:
    """The broken links placed in the articles of a site (what ``related_block`` renders among the rest)."""
    links = []
    for column in columns:
        for item in column.items:
            rng = random.Random(f"peers:{item.path}")
            stem = item.path.rsplit(".", 1)[0]
            if rng.random() < DEAD_SHARE:
                links.append(SimLink(item.path, f"{stem}_old.html", host, "原文链接", "404"))
            if rng.random() < SOFT404_SHARE:
                links.append(SimLink(item.path, f"{stem}_fj.html", host, "相关附件说明", "soft404"))
            if rng.random() < PLATFORM_MISSING_SHARE:
                code = stem.rsplit("/", 1)[-1]
                path = f"/hnzwfw/item/gone_{code}.html"
                links.append(SimLink(item.path, path, PLATFORM_HOST, "在线办理", "platform_missing"))
    return tuple(links)


def related_block(
    item_path: str,
    articles: Sequence[str],
    links: Sequence[SimLink],
    services: Sequence[ServiceLink],
    url: Callable[[str, str], str],
) -> str:
    """The 相关链接 block of one article: healthy links chosen by the path's seed, then its broken ones."""
    rng = random.Random(f"peers:related:{item_path}")
    others = [a for a in rng.sample(list(articles), min(RELATED + 1, len(articles))) if a != item_path]
    items = [f'<li><a href="{a}">相关阅读{n + 1}</a></li>' for n, a in enumerate(others[:RELATED])]
    items.append(f'<li><a href="{url("www.gov.cn", "/zhengce/")}">中国政府网 政策</a></li>')
    working = [s for s in services if s.state == "ok" and s.host == PLATFORM_HOST]
    if working:
        service = rng.choice(working)
        items.append(f'<li><a href="{url(service.host, service.path)}">{esc(service.name)}</a></li>')
    items += [f'<li><a href="{url(x.host, x.url_path)}">{esc(x.text)}</a></li>' for x in links]
    return f'<div class="related-links"><h3>相关链接</h3><ul>{"".join(items)}</ul></div>'
