"""The compliance metrics an ops dashboard reads at /metrics (issue 10): which targets in which region are
vetoed or at risk, how old homepages and columns are, availability, broken links, silent accounts; and
``/metrics`` behind its own bearer token."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from monitor.api import build_app
from monitor.api.compliance import Compliance
from monitor.clock import FixedClock
from monitor.inventory import Loaded
from monitor.model import SHANGHAI, Account, Job, Observation, Outcome, Severity, Site, Status, Target
from monitor.rules.base import make_finding
from monitor.runtime import Runtime
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=SHANGHAI)
HUNAN = Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直")
SHAOYANG = Site(id="4305000001", name="邵阳市人民政府", url="https://www.shaoyang.gov.cn/", region="邵阳市")
QUIET = Account(id="sy-wechat", name="邵阳发布", platform="wechat", region="邵阳市", feed="https://f/1")
BUSY = Account(id="sy-weibo", name="邵阳微博", platform="weibo", region="邵阳市", feed="https://f/2")


def runtime_for(redis, keys, metrics, settings: Settings | None = None) -> Runtime:
    loaded = Loaded(settings or Settings(), (HUNAN, SHAOYANG), (QUIET, BUSY), (), ())
    return Runtime(loaded, redis, keys, metrics, FixedClock(NOW), "unused")


def days_ago(days: int) -> str:
    return (NOW.date() - dt.timedelta(days=days)).isoformat()


async def observe(runtime: Runtime, check: str, target: Target, at: float, outcome: Outcome, payload) -> None:
    job = Job(check, target.id, at)
    await runtime.store().record(Observation(check, target.id, job.job_id, at, outcome, None, payload))


async def arrange(runtime: Runtime) -> None:
    now = NOW.timestamp()
    # Shaoyang: 20 judged probes in the window, 2 failed (10 %), one discarded, one older than 7 days.
    for i in range(20):
        await observe(runtime, "availability", SHAOYANG, now - 3600 * (i + 1), Outcome.OK, {"ok": i >= 2})
    await observe(runtime, "availability", SHAOYANG, now - 100, Outcome.DISCARDED, {"ok": False})
    await observe(runtime, "availability", SHAOYANG, now - 8 * 86400, Outcome.OK, {"ok": False})
    columns = [
        {"name": "工作动态", "url": "https://x/1", "category": "news", "first_level": True, "newest": days_ago(3)},
        {"name": "部门动态", "url": "https://x/2", "category": "news", "first_level": False, "newest": days_ago(20)},
        {"name": "通知公告", "url": "https://x/3", "category": "notice", "first_level": True, "newest": days_ago(40)},
        {"name": "空栏目", "url": "https://x/4", "category": "notice", "first_level": True, "newest": None},
    ]  # fmt: skip
    payload = {"homepage": {"navigation_only": False, "newest": days_ago(2)}, "columns": columns}
    await observe(runtime, "columns", SHAOYANG, now - 600, Outcome.OK, payload)
    stale = make_finding(SHAOYANG, "site.unreachable", Severity.VETO, Status.VIOLATION, "…", now,
                         evidence={"url": SHAOYANG.url})  # fmt: skip
    broken = [
        make_finding(
            SHAOYANG,
            "links.broken",
            Severity.DEDUCTION,
            Status.VIOLATION,
            "…",
            now,
            evidence={"url": f"https://www.shaoyang.gov.cn/{i}"},
        )
        for i in range(3)
    ]
    due = NOW + dt.timedelta(days=4)
    home_risk = make_finding(HUNAN, "homepage.stale", Severity.VETO, Status.AT_RISK, "…", now, due=due)
    silent = make_finding(QUIET, "media.stale", Severity.VETO, Status.VIOLATION, "…", now,
                          evidence={"newest": f"{days_ago(16)}T09:00:00+08:00", "idle_days": 16})  # fmt: skip
    await runtime.findings().replace(SHAOYANG.id, [stale, *broken])
    await runtime.findings().replace(HUNAN.id, [home_risk])
    await runtime.findings().replace(QUIET.id, [silent])


async def scrape(client: TestClient, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def names(samples) -> set[str]:
    return {name for name, _ in samples}


async def started(runtime: Runtime) -> TestClient:
    client = TestClient(TestServer(build_app(runtime)))
    await client.start_server()
    return client


async def test_one_scrape_names_the_vetoed_and_at_risk_targets_per_region(redis, keys, metrics):
    runtime = runtime_for(redis, keys, metrics)
    await arrange(runtime)
    client = await started(runtime)
    try:
        s = await scrape(client)
    finally:
        await client.close()
    site, veto = {"target": SHAOYANG.id, "region": "邵阳市"}, {"severity": "veto", "status": "violation"}
    assert value(s, "govmon_finding_open", **site, kind="site", code="site.unreachable", **veto) == 1
    assert value(s, "govmon_finding_open", **site, kind="site", code="links.broken",
                 severity="deduction", status="violation") == 3  # fmt: skip
    due = value(
        s, "govmon_finding_due_timestamp_seconds", target=HUNAN.id, region="省直", code="homepage.stale"
    )
    assert due == (NOW + dt.timedelta(days=4)).timestamp()
    assert value(s, "govmon_region_targets", region="邵阳市", kind="site") == 1
    assert value(s, "govmon_region_targets", region="邵阳市", kind="account") == 2
    assert value(s, "govmon_region_targets_vetoed", region="邵阳市", kind="site") == 1
    assert value(s, "govmon_region_targets_vetoed", region="邵阳市", kind="account") == 1
    assert value(s, "govmon_region_targets_vetoed", region="省直", kind="site") == 0
    assert value(s, "govmon_region_targets_at_risk", region="省直", kind="site") == 1
    assert value(s, "govmon_region_targets_at_risk", region="邵阳市", kind="site") == 0
    assert value(s, "govmon_workers_alive") == 0  # no worker runs here: the GovmonNoWorker alert's input
    assert value(s, "govmon_scheduler_lease_held") == 0
    window_end = dt.datetime(2027, 1, 1, tzinfo=SHANGHAI).timestamp()  # no windows configured: the quarter
    assert value(s, "govmon_sampling_window_end_timestamp_seconds", quarter="2026Q4") == window_end


async def test_site_ages_availability_and_broken_links_are_read_from_stored_observations(
    redis, keys, metrics
):
    runtime = runtime_for(redis, keys, metrics)
    await arrange(runtime)
    client = await started(runtime)
    try:
        s = await scrape(client)
    finally:
        await client.close()
    site = {"target": SHAOYANG.id, "region": "邵阳市"}
    assert value(s, "govmon_homepage_age_days", **site) == 2
    assert value(s, "govmon_column_age_days", **site, category="news") == 20  # the worst news column
    assert value(s, "govmon_column_age_days", **site, category="notice") == 40  # the undated one has no age
    assert value(s, "govmon_availability_samples", **site) == 20  # discarded and too old ones do not count
    assert value(s, "govmon_availability_failure_ratio", **site) == 0.1
    assert value(s, "govmon_links_broken", **site) == 3
    assert value(s, "govmon_links_broken", target=HUNAN.id, region="省直") == 0
    assert value(s, "govmon_homepage_age_days", target=HUNAN.id, region="省直") is None  # never crawled


async def test_only_accounts_with_something_to_say_have_a_series_and_labels_hold_no_urls(
    redis, keys, metrics
):
    runtime = runtime_for(redis, keys, metrics)
    await arrange(runtime)
    client = await started(runtime)
    try:
        s = await scrape(client)
    finally:
        await client.close()
    silent = {key for key in s if key[0] == "govmon_account_silent_days"}
    assert silent == {("govmon_account_silent_days",
                       (("platform", "wechat"), ("region", "邵阳市"), ("target", QUIET.id)))}  # fmt: skip
    assert value(s, "govmon_account_silent_days", target=QUIET.id, region="邵阳市", platform="wechat") == 16
    assert not any("://" in label_value for _, labels in s for _, label_value in labels)


async def test_new_samples_and_resolved_findings_show_on_the_next_scrape(redis, keys, metrics):
    runtime = runtime_for(redis, keys, metrics)
    await arrange(runtime)
    client = await started(runtime)
    try:
        await scrape(client)
        await observe(runtime, "availability", SHAOYANG, NOW.timestamp() - 10, Outcome.OK, {"ok": True})
        await runtime.findings().replace(SHAOYANG.id, [])
        home = {"homepage": {"navigation_only": False, "newest": days_ago(5)}, "columns": []}
        await observe(runtime, "columns", HUNAN, NOW.timestamp() - 5, Outcome.OK, home)
        s = await scrape(client)
    finally:
        await client.close()
    site = {"target": SHAOYANG.id, "region": "邵阳市"}
    assert value(s, "govmon_availability_samples", **site) == 21
    assert value(s, "govmon_homepage_age_days", target=HUNAN.id, region="省直") == 5  # its first crawl
    assert not [key for key in s if key[0] == "govmon_finding_open" and ("target", SHAOYANG.id) in key[1]]
    assert value(s, "govmon_region_targets_vetoed", region="邵阳市", kind="site") == 0


async def test_metrics_token_asks_scrapes_for_a_bearer_token(redis, keys, metrics, tmp_path, monkeypatch):
    monkeypatch.delenv("GOVMON_METRICS_TOKEN", raising=False)
    token_file = tmp_path / "metrics-token"
    token_file.write_text("s3cret-scrape\n")
    settings = Settings.model_validate({"api": {"metrics_token_file": str(token_file)}})
    client = await started(runtime_for(redis, keys, metrics, settings))
    try:
        assert (await client.get("/metrics")).status == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 401
        s = await scrape(client, Authorization="Bearer s3cret-scrape")
        assert "govmon_region_targets" in names(s)
        assert (await client.get("/healthz")).status == 200  # health stays open for probes
    finally:
        await client.close()


async def test_overlapping_scrapes_share_one_reading_and_a_cancelled_one_does_not_stop_it(
    redis, keys, metrics
):
    runtime = runtime_for(redis, keys, metrics)
    await arrange(runtime)
    compliance = Compliance()
    first, second = await asyncio.gather(compliance.refresh(runtime), compliance.refresh(runtime))
    assert first is second  # one reading served both
    hung_up = asyncio.ensure_future(compliance.refresh(runtime))
    await asyncio.sleep(0)  # the scrape has started a reading
    reading = compliance._reading  # white box: the reading the scrape waits for
    hung_up.cancel()  # Prometheus gave up on this scrape
    with contextlib.suppress(asyncio.CancelledError):
        await hung_up
    assert reading is not None and (await asyncio.wait_for(reading, 10)) is compliance.snapshot
    assert compliance.snapshot is not first
