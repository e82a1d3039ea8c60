from __future__ import annotations

import asyncio
import time

from monitor.engine.loopwatch import LoopWatch

from .support import eventually, sample


def stall(seconds: float) -> None:
    """Block the event loop, as CPU-heavy parsing on the loop would."""
    time.sleep(seconds)


async def test_a_stall_overlapping_the_window_is_reported_even_before_the_watch_wakes(metrics):
    watch = LoopWatch(interval_s=0.02, metrics=metrics)
    await watch.start()
    try:
        await eventually(lambda: watch.measuring, what="watch sleeping")
        t0 = time.monotonic()
        stall(0.3)

        assert watch.max_lag_since(t0) >= 0.25  # the watch has not run yet: the stall is still in progress

        await eventually(lambda: watch.last_lag_s >= 0.25, what="the watch measuring the stall")
        assert watch.max_lag_since(t0) >= 0.25
        assert sample(metrics, "govmon_event_loop_lag_seconds") >= 0.25
    finally:
        await watch.stop()


async def test_a_stall_before_the_window_is_not_counted():
    watch = LoopWatch(interval_s=0.02)
    await watch.start()
    try:
        await eventually(lambda: watch.measuring, what="watch sleeping")
        stall(0.2)
        await eventually(lambda: watch.last_lag_s >= 0.15, what="the watch measuring the stall")
        t1 = time.monotonic()

        assert watch.max_lag_since(t1) < 0.1
        assert watch.max_lag_since(t1 - 1) >= 0.15
    finally:
        await watch.stop()


async def test_run_measures_until_stopped():
    watch = LoopWatch(interval_s=0.01)
    stop = asyncio.Event()
    run = asyncio.create_task(watch.run(stop))
    await eventually(lambda: watch.measuring, what="measuring")

    stop.set()
    await asyncio.wait_for(run, 2)

    assert not watch.measuring
    assert watch.max_lag_since(0) < 0.1  # nothing stalled this loop
