"""A worker SIGKILLed mid-delivery: the delivery it held comes back after the claim timeout and is sent by
another worker; at most that one notice reaches its owner twice, every other exactly once."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.model import EventKind
from monitor.notify.outbox import Outbox
from monitor.notify.policy import Audience, TargetInfo, decide_events
from monitor.settings import NotifySettings
from tests.notify.support import Receiver, event, finding

pytestmark = pytest.mark.slow
PROC = Path(__file__).with_name("deliver_proc.py")


def start(redis_url: str, prefix: str) -> subprocess.Popen[bytes]:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.Popen([sys.executable, str(PROC), redis_url, prefix], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


async def test_a_worker_killed_mid_delivery_repeats_at_most_that_one_notice(redis, redis_url, keys):
    async with Receiver() as hook:
        targets = [f"43000000{i:02d}" for i in range(1, 6)]
        audience = Audience({t: TargetInfo(t, t, "长沙市") for t in targets}, {t: (hook.url(),) for t in targets},
                            {}, ())  # fmt: skip
        events = [event(EventKind.OPENED, finding(t)) for t in targets]
        notices = decide_events(events, audience, NotifySettings(), time.time(), {}, {}).notices
        await Outbox(redis, keys).put(notices, time.time())
        hook.hold_s = 3.0  # the first request is received, then left without an answer
        first = start(redis_url, keys.prefix)
        try:
            await hook.wait_for(1, timeout_s=15)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            second = start(redis_url, keys.prefix)
            try:
                deadline = time.monotonic() + 20
                while {p["notice_id"] for p in hook.payloads()} != {n.id for n in notices}:
                    assert time.monotonic() < deadline, f"{len(hook.received)} received"
                    await asyncio.sleep(0.05)
                while await redis.zcard(keys.outbox_due):  # until the outbox is empty: all marked sent
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.05)
            finally:
                second.terminate()
                second.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        counts = collections.Counter(p["notice_id"] for p in hook.payloads())
        repeated = [n for n, c in counts.items() if c > 1]
        assert len(repeated) <= 1 and all(c <= 2 for c in counts.values())
        assert repeated == [hook.payloads()[0]["notice_id"]]  # the one in flight when the worker died
