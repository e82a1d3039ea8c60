"""``labelled_links(..., wanted)`` (the homepage check's fast path: only the links it looks for are
resolved) finds exactly the links the unfiltered call finds with those labels, on the simulator's homepage
shapes (reports as text, image alt and title; topic banners)."""

from __future__ import annotations

from monitor.extract.homepage_links import is_report_label, labelled_links
from monitor.extract.html import parse
from monitor.fetch import Fetcher
from monitor.settings import Settings
from monitor.sim import SimWeb


async def test_the_wanted_links_are_the_unfiltered_links_with_those_labels() -> None:
    async with SimWeb(seed=2, scenario="homepage") as sim:
        settings = Settings.model_validate({"resolve": sim.resolve, "allow_private_networks": True})
        async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
            results = [await fetcher.get(sim.url(site.host)) for site in sim.sites]
    pages = [(parse(r.text), r.final_url) for r in results if r.ok]
    assert len(pages) >= 5  # the scenario's sites that answer (one may be down)

    def wanted(label: str) -> bool:
        return is_report_label(label) or "两会" in label

    found = 0
    for tree, url in pages:
        every = labelled_links(tree, url)
        chosen = labelled_links(tree, url, wanted)
        assert chosen == [link for link in every if wanted(link.label)]
        assert len({n.attributes.get("href") for n in tree.css("a[href]")}) > len(chosen)
        found += len(chosen)
    assert found >= len(pages)  # the scenario's homepages show a report or a topic, in every shape
