"""CPU cost of date and list extraction per page, against the cost of parsing the page.

Pages: the simulator's list pages (every template, with and without traps), its homepages and articles,
and the saved real pages of ``tests/extract/realpages``. For each set it reports the mean page size and
the CPU milliseconds per page (``time.process_time``; the least of ``--rounds`` rounds, since a shared
machine only ever adds time; each round every page once) of: parsing alone (selectolax lexbor),
``read_listing`` on the parsed tree (list pages), ``homepage_items`` (homepages), ``article_date``
(articles). The issue's target: extraction within
0.5 ms of CPU on a ~50 KB page that selectolax parses in ~0.25 ms, i.e. about twice the parse.

    python -m bench.extract_speed [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.extract_accuracy import NOW, PORT, cases
from monitor.extract.article import article_date
from monitor.extract.html import parse
from monitor.extract.listing import homepage_items, read_listing
from monitor.sim.catalogue import build_sites
from monitor.sim.pages import SiteRenderer
from monitor.sim.records import SiteSpec

REALPAGES = Path(__file__).resolve().parent.parent / "tests" / "extract" / "realpages"
AS_OF = NOW.date()


def _cpu_ms(work: Callable[[], object], pages: int, rounds: int) -> float:
    work()  # warm-up
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        samples.append((time.process_time() - start) * 1000 / pages)
    return min(samples)


def measure(
    name: str, pages: list[tuple[str, str]], extract: Callable[[Any, str], object], rounds: int
) -> dict[str, Any]:
    trees = [(parse(html), url) for html, url in pages]
    parse_ms = _cpu_ms(lambda: [parse(html) for html, _ in pages], len(pages), rounds)
    extract_ms = _cpu_ms(lambda: [extract(tree, url) for tree, url in trees], len(pages), rounds)
    size_kb = statistics.mean(len(html.encode()) for html, _ in pages) / 1024
    return {
        "set": name,
        "pages": len(pages),
        "mean_kb": round(size_kb, 1),
        "parse_ms": round(parse_ms, 3),
        "extract_ms": round(extract_ms, 3),
        "extract_per_parse": round(extract_ms / parse_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.extract_speed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    lists = [(c.html, c.url) for c in cases(1, 4)]
    homes: list[tuple[str, str]] = []
    articles: list[tuple[str, str]] = []
    for site in build_sites(0, NOW, [SiteSpec() for _ in range(6)]):
        renderer = SiteRenderer(site, NOW, PORT)
        homes.append((renderer.home(), f"http://{site.host}:{PORT}/"))
        for column in site.columns:
            for item in column.items[:2]:
                articles.append((renderer.article(column, item), f"http://{site.host}:{PORT}{item.path}"))
    truth = json.loads((REALPAGES / "truth.json").read_text(encoding="utf-8"))
    real = [
        ((REALPAGES / t["file"]).read_text(encoding="utf-8"), f"https://{t['site']}/list/index.html")
        for t in truth
        if t["kind"] == "list"
    ]

    rows = [
        measure("sim list pages: read_listing", lists, lambda t, u: read_listing(t, u, AS_OF), args.rounds),
        measure("real list pages: read_listing", real, lambda t, u: read_listing(t, u, AS_OF), args.rounds),
        measure(
            "sim homepages: homepage_items", homes, lambda t, u: homepage_items(t, u, AS_OF), args.rounds
        ),
        measure("sim articles: article_date", articles, lambda t, u: article_date(t, AS_OF), args.rounds),
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print(f"{'set':<32} {'pages':>5} {'KB':>6} {'parse ms':>9} {'extract ms':>11} {'extract/parse':>14}")
    for r in rows:
        print(
            f"{r['set']:<32} {r['pages']:>5} {r['mean_kb']:>6} {r['parse_ms']:>9.3f} {r['extract_ms']:>11.3f} "
            f"{r['extract_per_parse']:>14.2f}"
        )


if __name__ == "__main__":
    main()
