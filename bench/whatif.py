"""Run a govmon role with one or more candidate optimisations patched in, to measure them before anyone
changes ``monitor/``: ``python -m bench.whatif --apply fast-extract,uvloop [--site DIR] worker -c FILE …``.

Nothing here is govmon; these are experiments whose end-to-end effect ``bench.pipeline --whatif`` measures
on the same workload (docs/benchmarks.md): candidate optimisations, and shipped choices undone to show
what they bring. Each patch keeps govmon's observable behaviour on the simulator's pages (``fast-extract``
is checked against the original ``extract_page`` there).

``--site DIR`` puts DIR first on ``sys.path`` before anything is imported (to try a package without
installing it into the project's venv: ``pip install --target DIR PACKAGE``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

# Imports nothing that imports redis, so that --site can still bring in hiredis before redis-py loads.
from monitor.extract.html import NOT_CHECKED_SCHEMES, Link, Page, clean_text

PATCHES: dict[str, str] = {
    "uvloop": "the uvloop event loop instead of asyncio's (pip install --target DIR uvloop; --whatif-site DIR)",
    "no-hiredis": "redis-py's pure-Python reply parser instead of hiredis (what shipping hiredis brings)",
    "fast-extract": "extract_page (link checks, govmon inspect; no longer on the homepage check's path): one "
    "selector for all six link kinds, attributes read once per node, per-page memo of resolved URLs, "
    "root-relative URLs without dot segments, fragments or control characters joined without urllib "
    "(same output on the simulator's 784 home and column pages)",
}


def fast_extract_page(tree: LexborHTMLParser, url: str) -> Page:
    """Same result as ``monitor.extract.html.extract_page``, with the costs bench.pipeline measured cut."""
    title_node = tree.css_first("title")
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        attributes = node.attributes
        name = (attributes.get("name") or "").strip()
        if name and name not in meta:
            meta[name] = clean_text(attributes.get("content"))
    base_node = tree.css_first("base[href]")
    base = urljoin(url, base_node.attributes.get("href") or "") if base_node else url
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None
    resolved: dict[str, str | None] = {}
    found: dict[str, list[Link]] = {tag: [] for tag in _ORDER}
    seen: set[tuple[str, str]] = set()
    for node in tree.css(_SELECTOR):
        tag = node.tag or ""
        attributes = node.attributes
        raw = (attributes.get(_ATTRIBUTE[tag]) or "").strip()
        if not raw or raw.lower().startswith(NOT_CHECKED_SCHEMES):
            continue
        if raw in resolved:
            absolute = resolved[raw]
        else:
            absolute = resolved[raw] = _resolve(base, origin, raw)
        if absolute is None or (absolute, tag) in seen:
            continue
        seen.add((absolute, tag))
        text = clean_text(node.text(deep=True)) if tag == "a" else clean_text(attributes.get("alt"))
        found[tag].append(Link(absolute, text or clean_text(attributes.get("title")), tag))
    links = tuple(link for tag in _ORDER for link in found[tag])
    return Page(url=url, title=clean_text(title_node.text() if title_node else ""), meta=meta, links=links)


_ORDER = ("a", "area", "img", "iframe", "script", "link")
_ATTRIBUTE = {"a": "href", "area": "href", "img": "src", "iframe": "src", "script": "src", "link": "href"}
_SELECTOR = ",".join(f"{tag}[{attribute}]" for tag, attribute in _ATTRIBUTE.items())
_UNSAFE = frozenset("#\t\r\n\\")


def _resolve(base: str, origin: str | None, raw: str) -> str | None:
    root_relative = raw.startswith("/") and not raw.startswith("//")
    if root_relative and origin is not None and "/." not in raw and not _UNSAFE.intersection(raw):
        return origin + raw
    absolute = urldefrag(urljoin(base, raw)).url
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def apply(names: list[str]) -> None:
    appliers: dict[str, Callable[[], None]] = {
        "uvloop": _uvloop,
        "no-hiredis": _no_hiredis,
        "fast-extract": _fast_extract,
    }
    for name in names:
        if name not in appliers:
            raise SystemExit(f"bench.whatif: unknown patch {name!r}; known: {', '.join(appliers)}")
        appliers[name]()


def _fast_extract() -> None:
    import monitor.extract.html

    monitor.extract.html.extract_page = fast_extract_page


def _uvloop() -> None:
    import asyncio

    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def _no_hiredis() -> None:
    if "redis" in sys.modules:
        raise SystemExit("bench.whatif: no-hiredis must be applied before redis-py is imported")
    sys.modules["hiredis"] = None  # type: ignore[assignment]  # redis-py then uses its Python parser


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.whatif", description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", required=True, help=f"comma-separated, of: {', '.join(PATCHES)}")
    parser.add_argument("--site", help="a directory put first on sys.path (packages installed with --target)")
    args, govmon_args = parser.parse_known_args()
    if args.site:
        sys.path.insert(0, args.site)
    apply([name for name in args.apply.split(",") if name])
    from monitor.cli import main as govmon_main

    sys.exit(govmon_main(govmon_args))


if __name__ == "__main__":
    main()
