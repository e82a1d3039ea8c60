"""The content scan's own cadence: a homepage read more often than ``content.interval_s`` scans once per
interval (whichever worker reads it), a one-shot ``govmon check`` scans at every run."""

from __future__ import annotations

import dataclasses

from monitor.checks.content import recent_scan, remember_scan
from monitor.checks.state import MemoryState
from monitor.clock import FixedClock
from monitor.commands.check import scan_every_read
from monitor.model import Site
from monitor.settings import Settings

SITE = Site(id="4300000001", name="某某市人民政府", url="http://www.example.gov.cn/", region="省直")


@dataclasses.dataclass
class Context:
    """The part of a CheckContext ``content_due`` reads."""

    settings: Settings
    state: MemoryState
    clock: FixedClock


async def reads(ctx: Context, count: int) -> list[bool]:
    """Whether each of ``count`` homepage reads scans (no recent scan to carry forward)."""
    scanned = []
    for n in range(count):
        carried = await recent_scan(SITE, ctx)  # type: ignore[arg-type]
        scanned.append(carried is None)
        if carried is None:
            await remember_scan(SITE, ctx, {"snapshot": f"scan-{n}"})  # type: ignore[arg-type]
        else:
            assert carried == {"snapshot": "scan-0"}  # the last scan's part, carried forward
    return scanned


async def test_a_site_is_scanned_once_per_interval_however_often_its_homepage_is_read() -> None:
    settings = Settings.model_validate({"content": {"interval_s": 3600}})
    ctx = Context(settings, MemoryState(), FixedClock(1_000_000.0))
    assert await reads(ctx, 5) == [True, False, False, False, False]


async def test_interval_zero_and_govmon_check_scan_at_every_read() -> None:
    ctx = Context(scan_every_read(Settings()), MemoryState(), FixedClock(1_000_000.0))
    assert await reads(ctx, 3) == [True, True, True]
