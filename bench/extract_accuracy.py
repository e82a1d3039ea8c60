"""List-page extraction accuracy on simulated pages: newest date and dated-row count of page 1.

Builds simulated sites (``monitor.sim.catalogue``), then renders every list column of each once per
list template (ul_after, ul_before, table, div, title_attr, hanweb, split, script), rotating the date
format through every spelling (year-less ones only where the simulator itself allows them: columns whose
rows are all within ~10 months and not pinned) and turning the not-a-date traps on for every other page
(titles with 文号/令号/dates/phones/serials, newer-dated 相关阅读/排行/hidden 解读 blocks; every page also
has the header clock, the 热点 sidebar, the footer's 标识码/ICP/phone/copyright, pinned rows where the
column has them). Each page goes through ``read_listing`` with ``as_of`` = the simulator's now and is
compared with the truth: the page's newest row date and its number of rows (a script-filled list: none,
and ``script_filled`` set). Pages: each column's first page and, when it has several, its last one (a
short page of one to a few rows, under a pager).

    python -m bench.extract_accuracy [--seeds 1] [--sites 4] [--show 10]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import random
import sys
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from monitor.extract.html import parse
from monitor.extract.listing import read_listing
from monitor.sim.catalogue import build_sites
from monitor.sim.content import DATE_FORMATS, YEARLESS
from monitor.sim.pages import SiteRenderer
from monitor.sim.records import SimColumn, SiteSpec

TEMPLATES = ("ul_after", "ul_before", "table", "div", "title_attr", "hanweb", "split", "script")
NOW = dt.datetime(2026, 11, 27, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
PORT = 8000


@dataclasses.dataclass(frozen=True, slots=True)
class Case:
    html: str
    url: str
    template: str
    date_format: str
    traps: bool
    newest: dt.date | None
    count: int


def _yearless_ok(column: SimColumn, now: dt.datetime) -> bool:
    """The simulator's own rule (content.build_columns): year-less only for recent, unpinned rows."""
    oldest = min(i.published for i in column.items)
    return (now - oldest).days < 300 and not any(i.pinned or i.published > now for i in column.items)


def cases(seeds: int, sites_per_seed: int, now: dt.datetime = NOW) -> Iterator[Case]:
    for seed in range(seeds):
        for site in build_sites(seed, now, [SiteSpec() for _ in range(sites_per_seed)]):
            renderer = SiteRenderer(site, now, PORT)
            for column in site.columns:
                if not column.items or column.template == "services":
                    continue
                formats = (
                    DATE_FORMATS
                    if _yearless_ok(column, now)
                    else tuple(f for f in DATE_FORMATS if f not in YEARLESS)
                )
                for template in TEMPLATES:
                    pick = random.Random(f"{seed}:{site.id}:{column.slug}:{template}")
                    fmt = pick.choice(formats)
                    traps = pick.random() < 0.5
                    variant = dataclasses.replace(column, template=template, date_format=fmt, traps=traps)
                    # the first page, and the last one when there are several (often one to a few rows)
                    for index in sorted({0, variant.pages - 1}):
                        rows = variant.items[index * variant.page_size : (index + 1) * variant.page_size]
                        filled = template == "script"
                        name = "" if index == 0 else f"index_{index}.html"
                        yield Case(
                            html=renderer.column_page(variant, index),
                            url=f"http://{site.host}:{PORT}{column.path}{name}",
                            template=template,
                            date_format=fmt,
                            traps=traps,
                            newest=None if filled else max(i.published for i in rows).date(),
                            count=0 if filled else len(rows),
                        )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.extract_accuracy", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--sites", type=int, default=4, help="sites per seed")
    parser.add_argument("--show", type=int, default=10, help="print this many misses")
    args = parser.parse_args()
    total = exact = 0
    misses: collections.Counter[str] = collections.Counter()
    shown = 0
    for case in cases(args.seeds, args.sites):
        listing = read_listing(parse(case.html), case.url, NOW.date())
        ok = listing.newest == case.newest and listing.count == case.count
        if case.template == "script":
            ok = ok and listing.script_filled
        total += 1
        exact += ok
        if not ok:
            misses[f"{case.template}/{case.date_format}/{'traps' if case.traps else 'plain'}"] += 1
            if shown < args.show:
                shown += 1
                print(
                    f"miss {case.template} {case.date_format} traps={case.traps}: got newest={listing.newest} "
                    f"count={listing.count}, truth newest={case.newest} count={case.count}",
                    file=sys.stderr,
                )
    by_template = collections.Counter[str]()
    for key, n in misses.items():
        by_template[key.split("/")[0]] += n
    print(f"pages {total}  exact (newest and count) {exact}  = {100 * exact / max(total, 1):.2f} %")
    if misses:
        print("misses by template/format/traps:", dict(misses.most_common()))


if __name__ == "__main__":
    main()
