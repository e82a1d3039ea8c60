"""``python -m monitor.sim serve …``: run the simulated web as its own process until SIGINT/SIGTERM.

The benchmark runs it this way so that the simulator's CPU is not counted against govmon. The govmon
configuration (``SimWeb.inventory()`` as YAML) is written once the ports are listening, atomically
(write, then rename), so a parent process may poll for the file and use it as soon as it exists.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path

import yaml

from monitor.sim.scenarios import SCENARIOS
from monitor.sim.server import SimWeb, as_shanghai


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m monitor.sim", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulated government web")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--sites", type=int, default=50, help="number of sites in the seeded mix")
    serve.add_argument(
        "--scenario", choices=[s for s in SCENARIOS if s != "mix"], help="a preset instead of --sites"
    )
    serve.add_argument("--now", type=_moment, help="ISO date or date-time (Asia/Shanghai when no zone)")
    serve.add_argument("--port", type=int, help="one port for every simulated host (default: a free one)")
    serve.add_argument("--probe-timeout-s", type=float, default=15.0, help="slow sites answer 5 s past this")
    serve.add_argument("--slow-latency-s", type=float, help="how long slow sites take (overrides the above)")
    serve.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="delay every answer of every host this long (server side)",
    )
    serve.add_argument(
        "--accounts", type=int, help="accounts beyond the five archetypes (default: sites / 5)"
    )
    serve.add_argument("--media-cases", action="store_true", help="add the media cases (every feed kind)")
    serve.add_argument(
        "--site-addresses", type=int, help="sites share this many loopback addresses (virtual hosts)"
    )
    serve.add_argument("--write-config", type=Path, help="write the govmon configuration (YAML) here")
    serve.add_argument("--write-truth", type=Path, help="write the ground truth (JSON) here")
    serve.add_argument(
        "--host-concurrency",
        type=int,
        help="each host answers at most this many requests at once; the rest wait, connection open",
    )
    serve.add_argument(
        "--write-stats",
        type=Path,
        help="on exit, write per host the requests served and the most in flight at once (JSON) here",
    )
    return parser.parse_args(argv)


def _moment(text: str) -> dt.datetime:
    try:
        return as_shanghai(dt.datetime.fromisoformat(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or date-time: {text!r}") from None


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


async def serve(args: argparse.Namespace) -> int:
    sim = SimWeb(
        seed=args.seed,
        now=args.now,
        sites=args.sites,
        scenario=args.scenario,
        port=args.port,
        probe_timeout_s=args.probe_timeout_s,
        slow_latency_s=args.slow_latency_s,
        latency_s=args.latency_ms / 1000,
        host_concurrency=args.host_concurrency,
        accounts=args.accounts,
        media_cases=args.media_cases,
        site_addresses=args.site_addresses,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with sim:
        if args.write_config:
            _write_atomically(
                args.write_config, yaml.safe_dump(sim.inventory(), allow_unicode=True, sort_keys=False)
            )
        if args.write_truth:
            _write_atomically(args.write_truth, json.dumps(sim.truth(), ensure_ascii=False, indent=1))
        print(
            f"simulated web: {len(sim.sites)} sites, {len(sim.accounts)} accounts on port {sim.port}, "
            f"now {sim.now.isoformat()}",
            flush=True,
        )
        await stop.wait()
        if args.write_stats:
            _write_atomically(args.write_stats, json.dumps(served(sim), indent=1))
    return 0


def served(sim: SimWeb) -> dict[str, dict[str, int]]:
    """Per host that was asked anything: requests served and the most in flight at once (what a client's
    politeness really came to, counted where it lands)."""
    stats = {host: sim.stats(host) for host in sim.resolve}
    return {
        host: {"requests": s.requests, "max_in_flight": s.max_in_flight}
        for host, s in stats.items()
        if s.requests
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
