"""CPU cost of column discovery and footer reading on already parsed simulator pages.

For each flavour of site (TRS, Hanweb, generic) in the freshness scenario: parse time of the homepage,
``homepage_columns`` on its tree, ``footer_facts`` on its text, and ``sub_columns`` on a column page's
tree. Best of ``--repeat`` runs of ``--number`` calls each (the minimum is the least disturbed figure on a
shared machine). Usage: ``python bench/columns_extract.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import timeit
from collections.abc import Callable

from monitor.extract.columns import homepage_columns, sub_columns
from monitor.extract.footer import footer_facts
from monitor.extract.html import parse
from monitor.settings import ColumnsSettings, Settings
from monitor.sim.catalogue import build_sites
from monitor.sim.pages import SiteRenderer
from monitor.sim.scenarios import FRESHNESS

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def best_ms(call: Callable[[], object], number: int, repeat: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cfg = Settings().columns
    now = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)
    seen: set[str] = set()
    print("flavor   page KB  parse ms  homepage_columns ms  footer_facts ms  sub_columns ms")
    for site in build_sites(1, now, FRESHNESS):
        if site.flavor not in seen:
            seen.add(site.flavor)
            print(measure(SiteRenderer(site, now, 8080), cfg, args.number, args.repeat))


def measure(renderer: SiteRenderer, cfg: ColumnsSettings, n: int, r: int) -> str:
    site = renderer.site
    home_html = renderer.home()
    home = f"http://{site.host}:8080/"
    tree = parse(home_html)
    column = next(c for c in site.columns if c.slug == "tzgg")
    column_tree = parse(renderer.column_page(column, 0))
    page_url = home + column.path[1:]
    return (
        f"{site.flavor:8} {len(home_html) // 1024:7d} {best_ms(lambda: parse(home_html), n, r):9.3f}"
        f" {best_ms(lambda: homepage_columns(tree, home, cfg), n, r):20.3f}"
        f" {best_ms(lambda: footer_facts(home_html), n, r):16.3f}"
        f" {best_ms(lambda: sub_columns(column_tree, page_url, home, [], cfg), n, r):15.3f}"
    )


if __name__ == "__main__":
    main()
