"""The simulated government web: the test bed for end-to-end tests, benchmarks and ``govmon demo``.

It imports nothing from the rest of ``monitor`` (only the standard library, aiohttp and PyYAML), so it
cannot share a bug with the code it tests. See docs/simulator.md for hosts, paths, profiles and truth.
"""

from monitor.sim.profiles import HostProfile, HostStats
from monitor.sim.records import (
    HEALTHS,
    LINK_FAULTS,
    PLATFORM_STATES,
    SimAccount,
    SimColumn,
    SimSite,
    SiteSpec,
)
from monitor.sim.server import SimWeb

__all__ = [
    "HEALTHS",
    "LINK_FAULTS",
    "PLATFORM_STATES",
    "HostProfile",
    "HostStats",
    "SimAccount",
    "SimColumn",
    "SimSite",
    "SimWeb",
    "SiteSpec",
]
