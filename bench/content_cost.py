"""Extra CPU per page of the content-safety scan (issue 12), before and after, and the evidence bytes.

Pages: the simulator's homepages (the ``content`` scenario's nine sites, with every injection and trap, and
a seeded mix of ordinary sites), its article and list pages, and the real saved pages of
``tests/extract/realpages``. For each set, CPU milliseconds per page (``time.process_time``; the least of
``--rounds`` rounds): **before**, what the homepage check did with a page (parse, title/meta/anchor count);
**after**, that plus the content scan's pure part (visible text, hidden links, tamper first look and
foreign hosts, the serious-error automaton, personal data; masking and compressing the snapshot for
homepages, kept at every read, and for other pages with a hit). Also the
compressed snapshot bytes per page, from which the store's bytes per site per quarter follow; and the
false positives: content hits on every page of the sites with nothing injected (the traps included) and on
the real pages.

    python -m bench.content_cost [--rounds 5] [--sites 20]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.extract_accuracy import NOW, PORT
from monitor.engine.evidence import compress
from monitor.extract import badlists, serious_errors
from monitor.extract.hidden_links import hidden_links
from monitor.extract.html import page_title, parse, summarize
from monitor.extract.privacy import find_personal_data, mask_text
from monitor.extract.tamper import first_look, foreign_resources
from monitor.extract.visible import visible_lines
from monitor.sim.catalogue import build_sites
from monitor.sim.contentcases import TRAP_KINDS
from monitor.sim.pages import SiteRenderer
from monitor.sim.scenarios import CONTENT, mix

REALPAGES = Path(__file__).resolve().parent.parent / "tests" / "extract" / "realpages"
LISTS = badlists.load()
DICTIONARY = serious_errors.load()


def before(text: str, url: str) -> object:
    return summarize(parse(text))


def after(text: str, url: str, snapshot: bool = False) -> object:
    tree = parse(text)
    page = summarize(tree)
    body = "\n".join(visible_lines(tree))
    hidden_links(tree, url, LISTS)
    first_look(tree, url, LISTS, title=page_title(tree))
    foreign_resources(tree, url, ("gov.cn",))
    DICTIONARY.find(body)
    hits = find_personal_data(body)
    if snapshot or hits:  # the homepage is kept at every read, other pages only with a hit
        compress(mask_text(text))
    return page


def after_home(text: str, url: str) -> object:
    return after(text, url, snapshot=True)


def cpu_ms(work: Callable[[str, str], object], pages: list[tuple[str, str]], rounds: int) -> float:
    for text, url in pages:
        work(text, url)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text, url in pages:
            work(text, url)
        best = min(best, (time.process_time() - start) * 1000 / len(pages))
    return best


def sim_pages(sites: int) -> dict[str, list[tuple[str, str]]]:
    built = build_sites(1, NOW, CONTENT + mix(1, sites))
    homes, articles, lists = [], [], []
    for site in built:
        renderer = SiteRenderer(site, NOW, PORT)
        base = f"http://{site.host}:{PORT}"
        homes.append((renderer.render("/").body.decode(site.encoding, "replace"), base + "/"))
        for column in site.columns[:3]:
            lists.append(
                (renderer.render(column.path).body.decode(site.encoding, "replace"), base + column.path)
            )
            if column.items:
                path = column.items[0].path
                articles.append((renderer.render(path).body.decode(site.encoding, "replace"), base + path))
    return {"sim homepages": homes, "sim list pages": lists, "sim articles": articles}


def hits(text: str, url: str) -> int:
    """Content hits on one page: hidden links, first-look tamper signs, dictionary hits, personal data."""
    tree = parse(text)
    body = "\n".join(visible_lines(tree))
    return (
        len(hidden_links(tree, url, LISTS))
        + len(first_look(tree, url, LISTS, title=page_title(tree)))
        + len(DICTIONARY.find(body))
        + len(find_personal_data(body))
    )


def healthy_pages(sites: int) -> list[tuple[str, str]]:
    """Every homepage, column first page and newest article of the sites with nothing injected (traps allowed)."""
    pages = []
    for site in build_sites(1, NOW, CONTENT + mix(1, sites)):
        if set(site.spec.content) - set(TRAP_KINDS):
            continue
        renderer = SiteRenderer(site, NOW, PORT)
        base = f"http://{site.host}:{PORT}"
        paths = ["/"] + [c.path for c in site.columns] + [c.items[0].path for c in site.columns if c.items]
        pages += [(renderer.render(p).body.decode(site.encoding, "replace"), base + p) for p in paths]
    return pages


def real_pages() -> list[tuple[str, str]]:
    truth = json.loads((REALPAGES / "truth.json").read_text(encoding="utf-8"))
    return [((REALPAGES / e["file"]).read_text(encoding="utf-8"), f"https://{e['site']}/") for e in truth]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--sites", type=int, default=20, help="ordinary (mix) sites beside the content scenario"
    )
    args = parser.parse_args()
    sets = sim_pages(args.sites) | {"real pages": real_pages()}
    rows: list[dict[str, Any]] = []
    for name, pages in sets.items():
        before_ms = cpu_ms(before, pages, args.rounds)
        after_ms = cpu_ms(after_home if "homepages" in name else after, pages, args.rounds)
        snapshot = [len(base64.b64encode(compress(mask_text(text)))) for text, _ in pages]
        rows.append(
            {
                "set": name,
                "pages": len(pages),
                "mean_kb": round(statistics.mean(len(t.encode()) for t, _ in pages) / 1024, 1),
                "before_ms": round(before_ms, 3),
                "after_ms": round(after_ms, 3),
                "extra_ms": round(after_ms - before_ms, 3),
                "snapshot_kb": round(statistics.mean(snapshot) / 1024, 1),
            }
        )
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    for name, pages in (("healthy sim pages", healthy_pages(args.sites)), ("real pages", real_pages())):
        found = sum(hits(text, url) for text, url in pages)
        print(json.dumps({"false_positives": name, "pages": len(pages), "hits": found}, ensure_ascii=False))


if __name__ == "__main__":
    main()
