"""The outbox delivery of a worker in its own process, for the test that SIGKILLs it mid-delivery.

python tests/notify/deliver_proc.py REDIS_URL PREFIX
"""

from __future__ import annotations

import asyncio
import sys

from monitor.clock import SystemClock
from monitor.engine.kv.connect import client
from monitor.engine.kv.keys import Keys
from monitor.metrics import Metrics
from monitor.notify.deliver import Deliverer
from monitor.settings import NotifySettings

SETTINGS = NotifySettings(concurrency=1, poll_s=0.05, claim_timeout_s=1, send_timeout_s=2, retry_base_s=0.1)


async def main(url: str, prefix: str) -> None:
    redis = client(url)
    deliverer = Deliverer(redis, Keys(prefix), SETTINGS, Metrics(), SystemClock())
    await deliverer.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
