"""Where a govmon worker's CPU goes: ``py-spy record`` on the live worker, folded into named buckets.

py-spy samples the worker from outside (it pauses the process for each sample, so profiling runs after
the measured window, never during it). Each sample is one stack; it is put in the first bucket below
whose frame appears in it, so the buckets add up to 100 % of the worker's busy samples. A second list
gives cross-cutting shares (a library's frames anywhere in the stack), which overlap.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
from pathlib import Path

BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "extract: link URLs (urljoin, urldefrag, urlsplit)",
        ("extract_page (", "urllib/parse.py"),
    ),
    ("extract: selectolax queries, attributes, text", ("extract_page (",)),
    ("parse: lexbor HTML tree", ("parse (monitor/extract/html.py",)),
    ("extract: summarize (title, meta, anchor count)", ("summarize (monitor/extract/html.py",)),
    ("fetch: decode body", ("decode_body (monitor/fetch/decode.py",)),
    ("fetch: aiohttp request + read", ("Fetcher._send (",)),
    ("fetch: politeness, guard, retry wrapper, result", ("Fetcher.",)),
    ("rules: evaluate (history read, rules, findings write)", ("Evaluator.evaluate (",)),
    ("record observation + ack (Lua)", ("Store._write (",)),
    ("ack evaluate job (MULTI)", ("Store._acked (",)),
    ("bring evaluation forward (ZADD)", ("bring_forward (",)),
    ("claim jobs (XREADGROUP)", ("JobQueue.claim (",)),
    ("claim loop (reclaim, waiting for a slot)", ("Worker._claim_loop (",)),
    ("heartbeat", ("Worker._heartbeat (",)),
    ("homepage check: observation, payload", ("read_homepage (",)),
    ("job bookkeeping (tasks, timeouts, metrics)", ("Worker._run_job (",)),
    ("event loop, sockets, callbacks", ("asyncio/",)),
)
"""(name, frames): a sample lands in the first bucket all of whose frames occur in its stack."""

REDIS_CLIENT = "redis/"
"""Frames of redis-py: the share of samples with one anywhere in the stack is what Redis calls cost the
worker (client side: encoding commands, parsing replies, connection pool)."""


def record(pid: int, seconds: float, out: Path, rate_hz: int = 100) -> Path | None:
    """Sample ``pid`` for ``seconds``; None (and a note on stdout) when py-spy is not installed."""
    binary = shutil.which("py-spy")
    if binary is None:
        print("profile: py-spy not found (pip install py-spy); no profile taken", flush=True)
        return None
    subprocess.run(
        [
            binary,
            "record",
            "-p",
            str(pid),
            "-d",
            str(int(seconds)),
            "-r",
            str(rate_hz),
            "-f",
            "raw",
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return out if out.exists() else None


def _frames(stack: str) -> list[str]:
    return [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]


def summarize(raw: Path) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """(samples, [(bucket, share)], [(code, exclusive share)]) from py-spy's raw (collapsed) output.

    The exclusive share of a piece of code is that of the samples whose innermost Python frame is in it
    (time in C extensions — selectolax, the socket calls — counts for the Python function that called
    them); ``monitor`` is split by module, other code by top-level package. One extra row gives the
    inclusive share of the redis-py client.
    """
    buckets: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    redis_client = 0
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = _frames(stack)
        joined = ";".join(frames)
        for name, needles in BUCKETS:
            if all(needle in joined for needle in needles):
                buckets[name] += count
                break
        else:
            buckets["other"] += count
        leaves[_code_of(frames[-1])] += count
        redis_client += count if REDIS_CLIENT in joined else 0
    if not total:
        return 0, [], []
    exclusive = [(name, count / total) for name, count in leaves.most_common(12)]
    exclusive.append(("redis-py client, inclusive (every Redis call, client side)", redis_client / total))
    return total, [(name, count / total) for name, count in buckets.most_common()], exclusive


def _code_of(frame: str) -> str:
    """``Fetcher._hop (monitor/fetch/fetcher.py)`` → ``monitor/fetch/fetcher.py``; ``aiohttp/client.py`` →
    ``aiohttp``; ``<string>`` (dataclass __init__s and the like) stays."""
    match = re.search(r"\(([^()]*)\)$", frame)
    path = match.group(1) if match else frame
    if path.startswith("monitor/"):
        return path
    return path.split("/", 1)[0] if "/" in path else path
