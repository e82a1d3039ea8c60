"""Give the heap a worker has freed back to the kernel, now and then (glibc's ``malloc_trim``).

A worker parses pages of up to megabytes (selectolax/lexbor, lxml, feedparser) and frees them: glibc keeps
freed memory in its arenas and only gives back what sits at the top of the main heap, so one live block
high up pins everything below it. In the 30-minute soak (docs/benchmarks.md) a worker's brk heap stood at
100 MiB of RSS from its third minute on; the same worker trimming every 30 s held 33-41 MiB (RSS 136
against 198 MiB at the end). Not a leak, so trimming is the whole fix for that part; off where the C
library is not glibc (musl, macOS), where the call does not exist.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import platform
import time
from collections.abc import Callable

import structlog

from monitor.engine.schedule import wait_or_stop

log = structlog.get_logger(__name__)

TRIM_EVERY_S = 60.0
"""Often enough that a burst of parsing is returned within a minute; one trim of a worker's ~100 MiB heap
takes a few milliseconds, in a thread (the event loop keeps running)."""

Trim = Callable[[], object]


def glibc_trim() -> Trim | None:
    """``malloc_trim(0)`` of the C library this process runs on, or None when it is not glibc."""
    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


async def trim_periodically(
    stop: asyncio.Event, *, every_s: float = TRIM_EVERY_S, trim: Trim | None = None
) -> None:
    """Until ``stop`` is set, trim every ``every_s`` (``trim``: the C library's, when there is one)."""
    trim = trim or glibc_trim()
    if trim is None:
        log.info("memory.trim_unavailable", libc=platform.libc_ver()[0] or "unknown")
        return
    while True:
        await wait_or_stop(stop, every_s)
        if stop.is_set():
            return
        started = time.monotonic()
        await asyncio.to_thread(trim)
        log.debug("memory.trimmed", took_s=round(time.monotonic() - started, 4))
