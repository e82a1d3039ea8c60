"""The simulator at a nation's scale: replicas beyond the province's slots, virtual hosts on a few addresses."""

from __future__ import annotations

import json

import aiohttp
import pytest

from monitor.sim import SimWeb
from monitor.sim.catalogue import slots
from tests.sim.conftest import BROWSER_UA, NOW, session_for

SLOTS = len(slots(1))


async def test_sites_beyond_the_slots_are_replicas_with_their_own_host_id_and_truth() -> None:
    async with SimWeb(seed=1, now=NOW, sites=SLOTS + 40, accounts=0, site_addresses=3) as sim:
        sites = sim.sites
        assert len(sites) == SLOTS + 40
        assert len({s.id for s in sites}) == len({s.host for s in sites}) == SLOTS + 40
        base, copy = sites[7], sites[SLOTS + 7]
        assert copy.host == f"n1.{base.host}" and copy.id == f"{base.id}001"
        assert copy.spec == base.spec and copy.profile == base.profile
        truth = sim.truth()["sites"]
        assert truth[copy.id].keys() == truth[base.id].keys()
        for key, value in truth[base.id].items():  # what was injected: all but what names the site
            text = json.dumps(value, ensure_ascii=False)
            if not any(own in text for own in (base.host, base.id, base.name)):
                assert truth[copy.id][key] == value, key
        assert copy.columns == base.columns
        assert [row["id"] for row in sim.inventory()["sites"]][-1] == sites[-1].id


async def test_sites_share_a_few_addresses_and_each_answers_its_own_homepage() -> None:
    async with SimWeb(seed=1, now=NOW, sites=SLOTS + 40, accounts=0, site_addresses=3) as sim:
        up = [s for s in sim.sites if s.profile == "healthy"]
        shared = {sim.resolve[s.host] for s in up}
        assert len(shared) == 3
        others = {sim.resolve[h] for h in (sim.platform_host, sim.bridge_host, sim.control_host)}
        assert not others & shared  # every host that is not a site keeps an address of its own
        async with session_for(sim, keepalive=True, headers={"User-Agent": BROWSER_UA}) as client:
            for site in (up[0], up[1], up[-1]):
                async with client.get(site.url) as response:
                    assert response.status == 200
                    assert site.id in await response.text()  # the footer's 网站标识码: the page is its own


async def test_a_virtual_host_going_down_drops_its_requests_but_not_its_neighbours() -> None:
    async with SimWeb(seed=1, now=NOW, sites=SLOTS + 40, accounts=0, site_addresses=2) as sim:
        first, second = [s for s in sim.sites if s.profile == "healthy"][:2]
        neighbour = next(
            s
            for s in sim.sites[2:]
            if s.profile == "healthy" and sim.resolve[s.host] == sim.resolve[first.host]
        )
        sim.set_profile(first.host, down=True)
        async with session_for(sim, headers={"User-Agent": BROWSER_UA}) as client:
            with pytest.raises(aiohttp.ClientError):
                async with client.get(first.url) as response:
                    await response.read()
            for site in (second, neighbour):
                async with client.get(site.url) as response:
                    assert response.status == 200


def test_site_addresses_must_be_positive() -> None:
    with pytest.raises(ValueError, match="site_addresses must be 1 or more"):
        SimWeb(seed=1, now=NOW, sites=3, site_addresses=0)
