"""站点无法访问 behind a firewall (issue 14 item 8): a 403 or 429 to govmon's probe is asked again at once as a
common browser asks; a site that blocks only robots is up, one that refuses everybody is not."""

from __future__ import annotations

import pytest

from monitor.checks.availability import CHECK
from monitor.clock import SystemClock
from monitor.inventory import Loaded
from monitor.model import Outcome, Site
from monitor.observations import ProbeSample
from monitor.runtime import Runtime, check_context
from monitor.settings import Settings
from monitor.sim import SimWeb
from monitor.sim.records import SiteSpec


async def probe_all(sim: SimWeb, redis, keys, metrics) -> list[ProbeSample]:
    settings = Settings.model_validate(
        {"allow_private_networks": True, "resolve": sim.resolve, "availability": {"timeout_s": 5}}
    )
    runtime = Runtime(
        Loaded(settings, (), (), (), ()), redis, keys, metrics, SystemClock(), redis_url="unused"
    )
    samples = []
    async with check_context(runtime) as ctx:
        for n, site in enumerate(sim.sites):
            target = Site(id=site.id, name=site.name, url=sim.url(site.host, "/"), region="省直")
            observation = await CHECK.run(target, f"availability:{site.id}:{n}", ctx)
            assert observation.outcome is Outcome.OK, observation
            samples.append(ProbeSample.from_observation(observation))
    return samples


@pytest.mark.parametrize(
    ("firewall", "ok", "reason"),
    [
        ("", True, None),
        ("bots", True, "browser_after_403"),
        ("bots_429", True, "browser_after_429"),
        ("everyone", False, "browser_after_403:http_error"),
    ],
)
async def test_a_firewall_answering_robots_is_asked_again_as_a_browser(
    redis, keys, metrics, firewall, ok, reason
) -> None:
    async with SimWeb(seed=8, sites=[SiteSpec(firewall=firewall)]) as sim:
        [sample] = await probe_all(sim, redis, keys, metrics)
        user_agents = sim.stats(sim.sites[0].host).user_agents
    assert (sample.ok, sample.reason) == (ok, reason)
    assert sample.status == (200 if ok else 403)
    if firewall:
        assert any("Chrome/" in ua for ua in user_agents)  # the second ask went as a browser
    else:
        assert not any("Chrome/" in ua for ua in user_agents)  # no second ask when the first one was answered
