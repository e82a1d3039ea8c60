"""How long loading a national inventory takes: what every govmon command pays before it does anything.

``python -m bench.inventory_load [--sites 15000] [--accounts 150000] [--write docs/benchmarks.md]``

The inventory is ``bench.report_speed``'s (one YAML file, flow-style rows). Two runs of ``load_config``,
one process: with the pure-Python YAML composer (``yamlnodes.FastLoader`` set to None: what every command
paid before) and with libyaml's (the default where PyYAML has it). Both must load the same sites and
accounts with no problem.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import yaml

from bench.report import replace_section
from bench.report_speed import inventory
from monitor.inventory import load_config, yamlnodes


def timed_load(path: Path, fast: bool) -> tuple[float, int, int]:
    saved = yamlnodes.FastLoader
    yamlnodes.FastLoader = saved if fast else None
    try:
        started = time.perf_counter()
        loaded = load_config(path)
        elapsed_s = time.perf_counter() - started
    finally:
        yamlnodes.FastLoader = saved
    assert not loaded.problems, loaded.problems[:3]
    return elapsed_s, len(loaded.sites), len(loaded.accounts)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.inventory_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--accounts", type=int, default=150_000)
    parser.add_argument("--write", type=Path, help="replace the inventory-load section of this markdown file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / "govmon.yaml"
        path.write_text(inventory(args.sites, args.accounts), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        fast_s, sites, accounts = timed_load(path, fast=True)
        slow_s, sites_slow, accounts_slow = timed_load(path, fast=False)
    assert (sites, accounts) == (sites_slow, accounts_slow) == (args.sites, args.accounts)
    text = "\n".join(
        [
            f"`python -m bench.inventory_load --sites {args.sites} --accounts {args.accounts}` — one YAML file "
            f"of {size_mb:.0f} MB ({sites:,} sites, {accounts:,} accounts), `load_config` once each way; "
            f"Python {platform.python_version()}, PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}).",
            "",
            "| YAML composer | load s |",
            "| --- | ---: |",
            f"| pure Python (before) | {slow_s:.1f} |",
            f"| libyaml parse events (now) | {fast_s:.1f} |",
            "",
            f"**{slow_s / fast_s:.1f}×** faster; every file:line in `govmon validate`'s messages is unchanged "
            "(tests/inventory).",
        ]
    )
    print(text)
    if args.write:
        replace_section(args.write, "inventory-load", text)


if __name__ == "__main__":
    main()
