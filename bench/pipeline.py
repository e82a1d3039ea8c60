"""govmon's whole pipeline against a bare fetch-and-parse loop and Scrapy, on the same simulated pages in one run.

``python -m bench.pipeline [--pages 10000] [--seconds 30] [--skip-scrapy] [--profile-s 15]
[--write docs/benchmarks.md]`` (from the repository root; Scrapy: ``pip install scrapy``, py-spy for
``--profile-s``: ``pip install py-spy``).

One simulator process (seed 1, 200 sites) serves every contender; the workload is the homepages of its
``healthy`` and ``gbk`` sites, so no contender meets a failure. A warm-up pass fills the simulator's page
cache first. Then, one after the other and each in its own processes:

a. the bare loop (``bench.bare_loop``): aiohttp + selectolax, concurrency 64;
b. govmon (``bench.govmon_run``): ``govmon scheduler`` + ``govmon worker`` (64 slots) on an embedded
   redis-server, for ``--seconds`` after ``--warmup-s``;
c. Scrapy (``bench.scrapy_crawl``): CONCURRENT_REQUESTS 64.

CPU is user + system of the contender's own processes (for govmon: scheduler and worker; Redis and the
simulator are reported beside it, not counted). The bare loop and Scrapy are measured from the end of
their warm-up pages to their last page; govmon over a fixed window of its saturated steady state.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench import report
from bench.govmon_run import PipelineKnobs, PipelineSample, launcher_for, run_pipeline
from bench.workload import Sample, Workload, run_contender, simulator, workload_from

SECTION = "pipeline"
CPU_BAR, CPU_AIM, SPEED_BAR = 1.5, 1.5, 4.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages", type=int, default=10_000, help="measured pages of the bare loop and Scrapy"
    )
    parser.add_argument("--warmup-pages", type=int, default=500, help="pages each of them fetches first")
    parser.add_argument("--seconds", type=float, default=30.0, help="govmon's measured window")
    parser.add_argument("--warmup-s", type=float, default=10.0, help="govmon runs this long before measuring")
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight / worker slots")
    parser.add_argument("--homepage-interval-s", type=float, default=PipelineKnobs.homepage_interval_s)
    parser.add_argument("--tick-s", type=float, default=PipelineKnobs.tick_s, help="govmon's engine.tick_s")
    parser.add_argument("--per-host-rate", type=int, default=PipelineKnobs.per_host_rate)
    parser.add_argument(
        "--content-pages",
        type=int,
        default=PipelineKnobs.content_pages,
        help="pages the homepage check reads after the homepage (content safety); 0: the homepage only",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every contender this many times; report the median"
    )
    parser.add_argument("--skip-scrapy", action="store_true")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument(
        "--whatif",
        action="append",
        default=[],
        metavar="PATCHES",
        help="also run govmon with these bench.whatif patches (comma-separated; repeatable)",
    )
    parser.add_argument(
        "--whatif-site", help="a directory bench.whatif puts first on sys.path (pip install --target DIR …)"
    )
    parser.add_argument(
        "--profile-s", type=float, default=0.0, help="after measuring, py-spy the govmon worker this long"
    )
    parser.add_argument(
        "--write", type=Path, metavar="MARKDOWN", help="replace this benchmark's section here"
    )
    return parser.parse_args()


def contender_args(workload_path: Path, pages: int, warmup: int, concurrency: int) -> list[str]:
    return [
        str(workload_path),
        "--pages",
        str(pages),
        "--warmup",
        str(warmup),
        "--concurrency",
        str(concurrency),
    ]


def scrapy_version() -> str | None:
    if importlib.util.find_spec("scrapy") is None:
        return None
    import scrapy

    return str(scrapy.__version__)


def main() -> None:
    args = parse_args()
    revision_before = report.revision()
    knobs = PipelineKnobs(
        slots=args.concurrency,
        homepage_interval_s=args.homepage_interval_s,
        tick_s=args.tick_s,
        per_host_rate=args.per_host_rate,
        content_pages=args.content_pages,
    )
    scrapy = None if args.skip_scrapy else scrapy_version()
    if not args.skip_scrapy and scrapy is None:
        print("Scrapy is not installed (pip install scrapy): skipping it", flush=True)
    bares: list[Sample] = []
    scrapes: list[Sample] = []
    pipes: list[PipelineSample] = []
    variant_runs: dict[str, list[PipelineSample]] = {patches: [] for patches in args.whatif}
    with (
        tempfile.TemporaryDirectory(prefix="govmon-bench-") as tmp,
        simulator(Path(tmp), seed=args.seed, sites=args.sites) as sim,
    ):
        workload = workload_from(sim)
        workload_path = workload.save(Path(tmp) / "workload.json")
        print(f"workload: {len(workload.urls)} homepages (healthy + gbk of {args.sites} sites)", flush=True)
        # Warm-up pass: every page once, so the simulator's page cache is full before anyone is measured.
        run_contender(
            "bench.bare_loop", *contender_args(workload_path, len(workload.urls), 1, args.concurrency)
        )
        measured_args = contender_args(workload_path, args.pages, args.warmup_pages, args.concurrency)
        for round_index in range(args.rounds):
            # Rounds interleave the contenders, so that a noisy minute on the machine hits them alike.
            print(f"round {round_index + 1} of {args.rounds}", flush=True)
            if not args.skip_bare:
                bares.append(run_contender("bench.bare_loop", *measured_args))
                print(f"  bare loop: {describe(bares[-1])}", flush=True)
            last = round_index == args.rounds - 1
            pipes.append(
                run_pipeline(
                    sim,
                    workload,
                    warmup_s=args.warmup_s,
                    seconds=args.seconds,
                    knobs=knobs,
                    profile_s=args.profile_s if last else 0.0,
                )
            )
            print(f"  govmon: {describe(pipes[-1].sample)}", flush=True)
            for patches in args.whatif:
                launcher = launcher_for(patches, args.whatif_site)
                variant_runs[patches].append(
                    run_pipeline(
                        sim,
                        workload,
                        warmup_s=args.warmup_s,
                        seconds=args.seconds,
                        knobs=knobs,
                        launcher=launcher,
                    )
                )
                print(f"  govmon + {patches}: {describe(variant_runs[patches][-1].sample)}", flush=True)
            if scrapy is not None:
                scrapes.append(run_contender("bench.scrapy_crawl", *measured_args))
                print(f"  Scrapy: {describe(scrapes[-1])}", flush=True)
    bare = median(bares, lambda s: s)
    scraped = median(scrapes, lambda s: s)
    piped = median(pipes, lambda p: p.sample)
    assert piped is not None
    piped = dataclasses.replace(piped, profile=pipes[-1].profile)
    variants = [(patches, median(runs, lambda p: p.sample)) for patches, runs in variant_runs.items()]
    spread = {
        "bare": cpu_range(bares),
        "govmon": cpu_range([p.sample for p in pipes]),
        "scrapy": cpu_range(scrapes),
    }
    revision = report.revision()
    if revision != revision_before:  # another engineer committed mid-run: the rounds ran different code
        revision = f"{revision_before} at the start, {revision} at the end: the figures mix them; run again"
    text = render(args, workload, knobs, bare, piped, scraped, scrapy, variants, spread, revision)  # type: ignore[arg-type]
    print()
    print(text)
    if args.write:
        report.replace_section(args.write, SECTION, text)
        print(f"\nwrote the {SECTION!r} section of {args.write}")


T = TypeVar("T")


def median(runs: list[T], sample_of: Callable[[T], Sample]) -> T | None:
    """The run whose CPU per page is the median (the lower middle one of an even number)."""
    if not runs:
        return None
    ordered = sorted(runs, key=lambda run: sample_of(run).cpu_ms_per_page)
    return ordered[(len(ordered) - 1) // 2]


def cpu_range(samples: list[Sample]) -> str:
    if len(samples) < 2:
        return ""
    values = [sample.cpu_ms_per_page for sample in samples]
    return f"{min(values):.3f}–{max(values):.3f}"


def describe(sample: Sample) -> str:
    return (
        f"{sample.pages} pages in {sample.wall_s:.1f} s = {sample.pages_per_s:.0f} pages/s, "
        f"{sample.cpu_ms_per_page:.3f} ms CPU a page, {sample.failures} failures"
    )


def command_line(args: argparse.Namespace) -> str:
    parts = ["python -m bench.pipeline", f"--pages {args.pages}", f"--seconds {args.seconds:g}"]
    if args.rounds != 1:
        parts.append(f"--rounds {args.rounds}")
    defaults = PipelineKnobs()
    for flag, value, default in (
        ("--warmup-s", args.warmup_s, 10.0),
        ("--tick-s", args.tick_s, defaults.tick_s),
        ("--homepage-interval-s", args.homepage_interval_s, defaults.homepage_interval_s),
        ("--per-host-rate", args.per_host_rate, defaults.per_host_rate),
        ("--content-pages", args.content_pages, defaults.content_pages),
        ("--concurrency", args.concurrency, 64),
    ):
        if value != default:
            parts.append(f"{flag} {value:g}")
    if args.profile_s:
        parts.append(f"--profile-s {args.profile_s:g}")
    if args.skip_scrapy:
        parts.append("--skip-scrapy")
    parts += [f"--whatif {patches}" for patches in args.whatif]
    if args.whatif_site:
        parts.append(f"--whatif-site {args.whatif_site}")
    if args.write:
        parts.append(f"--write {args.write}")
    return " ".join(parts)


def render(
    args: argparse.Namespace,
    workload: Workload,
    knobs: PipelineKnobs,
    bare: Sample | None,
    piped: PipelineSample,
    scraped: Sample | None,
    scrapy: str | None,
    variants: list[tuple[str, PipelineSample]],
    spread: dict[str, str],
    revision: str,
) -> str:
    govmon = piped.sample
    rows = []
    if bare is not None:
        rows.append([*row("bare aiohttp + selectolax (1 process)", bare), spread["bare"]])
    rows.append([*row("govmon scheduler + worker (2 processes)", govmon), spread["govmon"]])
    if scraped is not None:
        rows.append([*row(f"Scrapy {scrapy} (1 process)", scraped), spread["scrapy"]])
    header = ["contender", "pages", "wall s", "pages/s", "CPU ms/page", "failures", "CPU ms/page, all rounds"]
    ratios = []
    if bare is not None:
        cpu_ratio = govmon.cpu_ms_per_page / bare.cpu_ms_per_page
        verdict = "met" if cpu_ratio <= CPU_BAR else f"missed by {cpu_ratio / CPU_BAR - 1:.0%}"
        ratios.append(
            [
                "govmon / bare, CPU per page",
                f"{cpu_ratio:.2f}×",
                f"≤ {CPU_BAR:g}×" if CPU_AIM == CPU_BAR else f"≤ {CPU_BAR:g}× (aim {CPU_AIM:g}×)",
                verdict,
            ]
        )
    if scraped is not None:
        speed_ratio = govmon.pages_per_s / scraped.pages_per_s
        verdict = "met" if speed_ratio >= SPEED_BAR else f"missed by {SPEED_BAR / speed_ratio - 1:.0%}"
        ratios.append(
            ["govmon / Scrapy, pages per second", f"{speed_ratio:.2f}×", f"≥ {SPEED_BAR:g}×", verdict]
        )
        cpu_vs_scrapy = govmon.cpu_ms_per_page / scraped.cpu_ms_per_page
        ratios.append(["govmon / Scrapy, CPU per page", f"{cpu_vs_scrapy:.2f}×", "(for reading)", ""])
    pages = govmon.pages or 1
    detail = [
        ["govmon worker", f"{1000 * piped.worker_cpu_s / pages:.3f}", "counted"],
        ["govmon scheduler", f"{1000 * piped.scheduler_cpu_s / pages:.3f}", "counted"],
        ["redis-server", f"{1000 * piped.redis_cpu_s / pages:.3f}", "not counted"],
        ["simulator", f"{1000 * piped.sim_cpu_s / pages:.3f}", "not counted"],
    ]
    lines = [
        "### Pipeline: govmon vs a bare loop vs Scrapy",
        "",
        f"- Command: `{command_line(args)}`",
        f"- Machine: {report.machine()}",
        f"- Date: {report.today()}; govmon at {revision}",
        f"- Workload: the homepages of the {len(workload.urls)} `healthy`/`gbk` sites of the simulator "
        f"(seed {args.seed}, {args.sites} sites), repeated; {args.concurrency} requests in flight for every "
        f"contender; govmon measured for {govmon.wall_s:.0f} s after {args.warmup_s:g} s of warm-up, the "
        f"others over {args.pages} pages after {args.warmup_pages}; each figure is the median of "
        f"{args.rounds} round(s), the contenders interleaved in every round.",
        f"- govmon settings chosen here: `engine.slots` {knobs.slots}, `engine.tick_s` {knobs.tick_s:g}, "
        f"`crawl.homepage_interval_s` {knobs.homepage_interval_s:g}, `crawl.homepage_reuse_s` 0 (every job "
        "reads its page), `engine.evaluate_interval_s` "
        f"{knobs.evaluate_interval_s:g} (rules run when an observation brings them forward), "
        f"`availability.probes_per_day` {knobs.probes_per_day}, `fetch.per_host_rate.requests` "
        f"{knobs.per_host_rate}, `content.pages` {knobs.content_pages} (the homepage's own content scan on); "
        "the rest default.",
        "",
        report.table(header, rows),
        "",
        report.table(["ratio", "measured", "bar", "verdict"], ratios) if ratios else "",
        "",
        f"govmon's CPU per page by process (jobs in the window: {govmon.note}; mean jobs in flight "
        f"{piped.mean_in_flight:.0f} of {knobs.slots}, mean stream backlog {piped.mean_backlog:.0f}):",
        "",
        report.table(["process", "CPU ms/page", ""], detail),
    ]
    lines += render_profile(piped, "Where the worker's CPU goes")
    if variants:
        lines += ["", *render_whatif(govmon, bare, scraped, variants)]
    return "\n".join(lines)


def render_profile(piped: PipelineSample, title: str) -> list[str]:
    if piped.profile is None or not piped.profile[0]:
        return []
    samples, buckets, cross = piped.profile
    worker_ms = 1000 * piped.worker_cpu_s / (piped.sample.pages or 1)
    return [
        "",
        f"{title} (py-spy, {samples} samples of the saturated worker after the measured "
        f"window; ms/page = share × the worker's {worker_ms:.3f} ms/page):",
        "",
        report.table(
            ["bucket", "share", "≈ ms/page"],
            [[name, f"{100 * share:.1f} %", f"{share * worker_ms:.3f}"] for name, share in buckets],
        ),
        "",
        report.table(
            ["code the worker is in (innermost Python frame)", "share"],
            [[name, f"{100 * share:.1f} %"] for name, share in cross],
        ),
    ]


def render_whatif(
    govmon: Sample, bare: Sample | None, scraped: Sample | None, variants: list[tuple[str, PipelineSample]]
) -> list[str]:
    """The same pipeline with candidate optimisations patched in by ``bench.whatif`` (not govmon's code)."""
    header = ["govmon with (bench/whatif.py)", "pages/s", "CPU ms/page", "CPU vs govmon"]
    header += ["vs bare, CPU"] if bare else []
    header += ["vs Scrapy, pages/s"] if scraped else []
    rows = []
    for patches, variant in [("nothing (govmon as it is)", None), *variants]:
        sample = govmon if variant is None else variant.sample
        cells: list[object] = [
            f"`{patches}`" if variant else patches,
            f"{sample.pages_per_s:.0f}",
            f"{sample.cpu_ms_per_page:.3f}",
            f"{sample.cpu_ms_per_page / govmon.cpu_ms_per_page - 1:+.0%}",
        ]
        if bare:
            cells.append(f"{sample.cpu_ms_per_page / bare.cpu_ms_per_page:.2f}×")
        if scraped:
            cells.append(f"{sample.pages_per_s / scraped.pages_per_s:.2f}×")
        rows.append(cells)
    from bench.whatif import PATCHES

    used = sorted({name for patches, _ in variants for name in patches.split(",") if name})
    return [
        "What-if: the same run with candidate optimisations patched in at start-up by `bench/whatif.py` "
        "(measurements for the team, not govmon's code):",
        "",
        report.table(header, rows),
        "",
        *[f"- `{name}`: {PATCHES.get(name, '?')}" for name in used],
    ]


def row(name: str, sample: Sample) -> list[object]:
    return [
        name,
        sample.pages,
        f"{sample.wall_s:.1f}",
        f"{sample.pages_per_s:.0f}",
        f"{sample.cpu_ms_per_page:.3f}",
        sample.failures,
    ]


if __name__ == "__main__":
    main()
