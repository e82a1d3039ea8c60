"""The owners' status pages, fetched over real HTTP on loopback from findings stored in a real Redis:
what a person reads on ``/`` and ``/targets/ID`` (names, codes in words, due dates, evidence, when each
check last ran), that hostile evidence stays text, and the 404 page."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import shutil
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Browser, Page, async_playwright

from monitor.api import RUNTIME, build_app
from monitor.clock import FixedClock
from monitor.engine.evidence import EvidenceStore
from monitor.engine.lifecycle import Lifecycle
from monitor.inventory import Loaded
from monitor.model import SHANGHAI, Account, Finding, Observation, Outcome, Severity, Site, Status
from monitor.runtime import Runtime
from monitor.settings import ApiSettings, Settings

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=SHANGHAI)
HOSTILE = "<script>alert('x')</script>"
SITES = (
    Site(
        "4300000001",
        "湖南省人民政府门户网站",
        "https://www.hunan.gov.cn/",
        "省直",
        org="湖南省人民政府办公厅",
    ),
    Site("4305000001", "邵阳市人民政府门户网站", "https://www.shaoyang.gov.cn/", "邵阳市"),
    Site("4305000002", "隆回县人民政府门户网站", "https://www.longhui.gov.cn/", "邵阳市"),
    Site("4301000001", "长沙县人民政府门户网站", "https://www.csx.gov.cn/", "长沙市"),
)
ACCOUNT = Account("hngz-wechat", "湖南国资", "wechat", "省直", feed="https://rss.example/wechat/hngz")


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


def finding(target: Site | Account, code: str, severity: Severity, status: Status, **fields) -> Finding:
    return Finding(target=target.id, target_kind=target.kind, name=target.name, region=target.region, code=code,
                   severity=severity, status=status, message=fields.pop("message", "…"),
                   observed_at=at(2026, 11, 24, 10), **fields)  # fmt: skip


SHAOYANG = [
    finding(SITES[1], "homepage.stale", Severity.VETO, Status.VIOLATION, message="首页已 16 天未更新",
            evidence={"url": "https://www.shaoyang.gov.cn/", "newest": "2026-11-08"}),
    finding(SITES[1], "columns.stale", Severity.VETO, Status.AT_RISK, due=at(2026, 11, 28),
            message="3 个栏目超过更新期限", evidence={"url": "https://www.shaoyang.gov.cn/", "items": [
                {"name": "工作动态", "url": "https://www.shaoyang.gov.cn/gzdt/", "category": "news",
                 "newest": "2026-11-08"}]}),
    finding(SITES[1], "links.broken", Severity.DEDUCTION, Status.VIOLATION, message="链接无法打开：HTTP 404",
            evidence={"url": "javascript:alert(1)", "text": HOSTILE, "http_status": 404, "reason": "http_error",
                      "page": "https://www.shaoyang.gov.cn/xxgk/"}),
]  # fmt: skip
FALSE_POSITIVE = finding(SITES[1], "links.broken", Severity.DEDUCTION, Status.VIOLATION, message="链接跳转到首页",
                         evidence={"url": "https://www.shaoyang.gov.cn/old.html", "text": "旧链接"})  # fmt: skip
FIXED = finding(SITES[1], "interaction.missing", Severity.VETO, Status.VIOLATION, message="未找到有效的咨询建言渠道",
                evidence={"url": "https://www.shaoyang.gov.cn/hdjl/"})  # fmt: skip
PROVINCE = [
    finding(SITES[0], "site.unreachable", Severity.VETO, Status.AT_RISK, due=at(2026, 11, 26, 15),
            message="7 天内 168 次探测失败 6 次（3.6%）", evidence={"url": "https://www.hunan.gov.cn/"}),
]  # fmt: skip
MEDIA = [finding(ACCOUNT, "media.stale_week", Severity.DEDUCTION, Status.VIOLATION, message="9 天未发布")]


async def evaluate(
    runtime: Runtime, target: Site | Account, findings: list[Finding], moment: dt.datetime
) -> None:
    """What the evaluator does after the rules ran: the current findings, then their lifecycle."""
    await runtime.findings().replace(target.id, findings)
    await Lifecycle(runtime.redis, runtime.keys).apply(target, findings, moment.timestamp())


async def stored_runtime(redis, keys, metrics, settings: Settings | None = None) -> Runtime:
    """A week of one province: findings open, one acknowledged, one dismissed as a false positive, one fixed
    (resolved after the settling time); and two checks' latest runs on the 邵阳 portal."""
    loaded = Loaded(settings or Settings(), SITES, (ACCOUNT,), (), ())
    runtime = Runtime(loaded, redis, keys, metrics, FixedClock(NOW), "unused")
    lifecycle = Lifecycle(redis, keys)
    await evaluate(runtime, SITES[0], PROVINCE, at(2026, 11, 20, 9, 12))
    await lifecycle.acknowledge(PROVINCE[0].id, "李四", "机房线路整改中", at(2026, 11, 21, 8, 30).timestamp())
    homepage_at_risk = dataclasses.replace(SHAOYANG[0], status=Status.AT_RISK, due=at(2026, 11, 23))
    await evaluate(
        runtime, SITES[1], [homepage_at_risk, *SHAOYANG[1:], FALSE_POSITIVE, FIXED], at(2026, 11, 22, 10)
    )
    await lifecycle.dismiss(
        FALSE_POSITIVE.id, "张三", "该链接为站外下载，人工核实可用", at(2026, 11, 23, 9).timestamp()
    )
    await evaluate(runtime, SITES[1], [*SHAOYANG, FALSE_POSITIVE], at(2026, 11, 23, 10))
    for target, findings in ((SITES[0], PROVINCE), (SITES[1], [*SHAOYANG, FALSE_POSITIVE]), (ACCOUNT, MEDIA)):
        await evaluate(runtime, target, findings, at(2026, 11, 24, 10))
    store = runtime.store()
    for target, check, outcome, reason, moment in (
        (SITES[1], "availability", Outcome.OK, None, at(2026, 11, 24, 11, 55)),
        (SITES[1], "columns", Outcome.FAILED, "timeout", at(2026, 11, 24, 9, 30)),
        (SITES[0], "availability", Outcome.OK, None, at(2026, 11, 24, 11, 40)),
        (ACCOUNT, "media", Outcome.OK, None, at(2026, 11, 24, 11, 5)),
    ):
        await store.record(Observation(check, target.id, f"{check}:{target.id}:1", moment.timestamp(),
                                       outcome, reason, {"ok": True} if check == "availability" else {}))  # fmt: skip
    return runtime


class VisibleText(HTMLParser):
    """What a person reads: the text outside <style>, plus every link target and every element seen."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._skip += tag in ("style", "script")
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> VisibleText:
        parser = cls()
        parser.feed(html)
        return parser

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


@pytest.fixture
async def client(redis, keys, metrics):
    runtime = await stored_runtime(redis, keys, metrics)
    async with TestClient(TestServer(build_app(runtime, shared_gauges=False), host="127.0.0.1")) as client:
        yield client


async def page(client: TestClient, path: str, status: int = 200) -> VisibleText:
    response = await client.get(path)
    assert response.status == status, await response.text()
    assert response.content_type == "text/html"
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none': no script
    return VisibleText.of(await response.text())


async def test_overview_counts_each_region_like_the_tongbao_and_lists_targets_with_open_findings(client):
    seen = await page(client, "/")
    text = seen.text
    # the table: region, sites, accounts, vetoed targets, share, veto / at risk / other findings
    assert "邵阳市 2 0 1 50.00% 1 1 1" in text
    assert "省直 1 1 0 0 0 1 1" in text
    assert "长沙市 1 0 0 0 0 0 0" in text
    assert "合计 4 1 1 20.00% 1 2 2" in text
    # targets with open findings, worst first, with their nearest due date and last check
    assert text.index("湖南省人民政府门户网站") < text.index("湖南国资")  # at risk before a deduction
    assert "首页不更新 homepage.stale" in text
    assert "单项否决 已违规" in text
    assert "站点无法访问 site.unreachable" in text and "已确认" in text
    assert "最近到期：2026-11-26 15:00（还剩 2 天）" in text
    assert "最近到期：2026-11-28 00:00（还剩 4 天）" in text
    assert "最近检查：2026-11-24 11:55" in text
    assert "湖南国资" in text and "1周内无更新 media.stale_week" in text
    assert "长沙县人民政府门户网站" not in text and "隆回县人民政府门户网站" not in text
    assert "/targets/4305000001" in seen.hrefs


async def test_region_filter_shows_that_region_only_with_its_targets_without_findings(client):
    text = (await page(client, "/?region=邵阳市")).text
    assert "邵阳市人民政府门户网站" in text
    assert "湖南省人民政府门户网站" not in text
    assert "邵阳市 无未解决问题的目标 1 个 隆回县人民政府门户网站" in text
    assert "合计 4 1 1 20.00%" in text  # the table still shows the province
    assert "没有名为“珠海市”的地区" in (await page(client, "/?region=珠海市", 404)).text


async def test_regions_follow_the_configured_report_order_and_the_rest_as_the_inventory_names_them(
    redis, keys, metrics
):
    runtime = await stored_runtime(redis, keys, metrics, Settings(regions=("长沙市", "邵阳市")))
    async with TestClient(TestServer(build_app(runtime, shared_gauges=False), host="127.0.0.1")) as client:
        text = (await page(client, "/")).text
    table = text[text.index("市州/部门") : text.index("合计")]
    assert table.index("长沙市 1 0") < table.index("邵阳市 2 0") < table.index("省直 1 1")


async def test_target_page_shows_findings_evidence_due_dates_history_and_each_checks_last_run(client):
    text = (await page(client, "/targets/4305000001")).text
    assert "邵阳市人民政府门户网站" in text
    assert "栏目不更新 columns.stale 单项否决 预警" in text
    assert "到期 2026-11-28 00:00（还剩 4 天）" in text
    assert (
        "栏目 地址 类别 最新日期 工作动态 https://www.shaoyang.gov.cn/gzdt/ 动态要闻（news） 2026-11-08"
        in text
    )
    assert "HTTP 状态 404 原因 HTTP 错误（http_error）" in text
    assert (
        "处理记录 2026-11-22 10:00 发现 · 预警 2026-11-23 10:00 状态变更 · 已违规" in text
    )  # homepage.stale
    # when each check last ran, with its outcome and reason
    assert "可访问性探测 availability 2026-11-24 11:55 已完成 — 每 1 小时" in text
    assert "栏目更新 columns 2026-11-24 09:30 未能读取 超时 timeout 每 6 小时" in text
    assert "链接可用性 links 暂无记录" in text
    # a dismissed false positive and a fixed veto stay visible on the page, with who and why
    closed = text[text.index("已排除或已恢复 2 项") :]
    assert "其他页面不可用链接 links.broken 扣分 已违规 已排除（误报）" in closed
    assert "2026-11-23 09:00 排除为误报 · 处理人：张三 · 理由：该链接为站外下载，人工核实可用" in closed
    assert "互动回应差（无有效咨询建言渠道） interaction.missing 单项否决 已违规 已恢复" in closed


async def test_target_page_shows_the_score_with_its_deductions_and_a_veto_fails_whatever_the_score(
    redis, keys, metrics
):
    table = Settings.model_validate({"scoring": {"deductions": {"links.broken": 2, "media.stale_week": 45}}})
    runtime = await stored_runtime(redis, keys, metrics, table)
    async with TestClient(TestServer(build_app(runtime, shared_gauges=False), host="127.0.0.1")) as client:
        shaoyang = (await page(client, "/targets/4305000001")).text
        province = (await page(client, "/targets/4300000001")).text
        account = (await page(client, "/targets/hngz-wechat")).text
    # one open broken link at 2 (the dismissed one costs nothing); the homepage.stale veto fails it anyway
    assert "扣分得分 满分 100 分，60 分合格线，按本省扣分表 98 分 不合格 单项否决：homepage.stale" in shaoyang
    assert "其他页面不可用链接 links.broken 1 2 — −2" in shaoyang
    # an at_risk veto costs nothing and fails nothing
    assert "100 分 合格 当前没有计分的扣分问题。" in province
    assert "55 分 不合格 得分低于 60 分" in account


async def test_a_target_no_check_could_judge_gets_no_score_on_its_page(redis, keys, metrics):
    never_seen = Site("4306000001", "岳阳市人民政府门户网站", "https://www.yueyang.gov.cn/", "岳阳市")
    runtime = Runtime(
        Loaded(Settings(), (never_seen,), (), (), ()), redis, keys, metrics, FixedClock(NOW), "x"
    )
    async with TestClient(TestServer(build_app(runtime, shared_gauges=False), host="127.0.0.1")) as client:
        text = (await page(client, "/targets/4306000001")).text
    assert "未计分：没有一项检查能判定这个目标" in text and "100 分 合格" not in text


async def test_target_page_shows_lifecycle_acknowledgement_with_who_and_why(client):
    text = (await page(client, "/targets/4300000001")).text
    assert "首次发现 2026-11-20 09:12 最近发现 2026-11-24 10:00" in text
    assert "2026-11-20 09:12 发现 · 预警" in text
    assert "2026-11-21 08:30 已确认 · 处理人：李四 · 说明：机房线路整改中" in text


async def test_hostile_evidence_is_shown_as_text_and_never_becomes_markup_or_a_link(client):
    response = await client.get("/targets/4305000001")
    html = await response.text()
    seen = VisibleText.of(html)
    assert HOSTILE in seen.text  # the person reads what the page said …
    assert "<script" not in html and "script" not in seen.tags  # … and the browser never runs it
    assert not [href for href in seen.hrefs if not href.startswith(("/", "http://", "https://"))]
    assert "javascript:alert(1)" in seen.text


async def test_unknown_target_answers_a_404_page_in_chinese(client):
    seen = await page(client, "/targets/4399999999", 404)
    assert "监测清单中没有标识为“4399999999”的网站或政务新媒体" in seen.text
    assert "/" in seen.hrefs


# ---------------------------------------------------------------------------------------------- the token
TOKEN = "s3cret-token-for-tests"


@pytest.fixture
async def guarded(redis, keys, metrics, tmp_path):
    """The pages with ``api.token_file`` set."""
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    runtime = await stored_runtime(redis, keys, metrics, Settings(api=ApiSettings(token_file=token_file)))
    server = TestServer(build_app(runtime, shared_gauges=False), host="127.0.0.1")
    async with TestClient(server, cookie_jar=DummyCookieJar()) as client:  # cookies only as a test sends them
        yield client


async def test_with_a_token_pages_need_it_and_a_script_sends_it_as_a_bearer(guarded):
    refused = await guarded.get("/targets/4305000001")
    assert refused.status == 401
    assert "需要访问令牌" in VisibleText.of(await refused.text()).text
    assert "邵阳市人民政府门户网站" not in await refused.text()
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert (await guarded.get("/targets/4305000001", headers=bearer)).status == 200
    assert (await guarded.get("/", headers={"Authorization": "Bearer wrong"})).status == 401
    assert (await guarded.get("/healthz")).status == 200


async def test_a_browser_gives_the_token_once_in_the_address_and_then_reads_pages_by_its_cookie(guarded):
    wrong = await guarded.get("/", params={"token": "wrong"}, allow_redirects=False)
    assert wrong.status == 401 and "链接中的访问令牌不正确" in VisibleText.of(await wrong.text()).text
    assert not wrong.cookies

    once = await guarded.get("/", params={"region": "邵阳市", "token": TOKEN}, allow_redirects=False)
    assert once.status == 303
    assert once.headers["Location"] == "/?region=%E9%82%B5%E9%98%B3%E5%B8%82"  # the token left the address
    cookie = once.cookies["govmon_pages"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert TOKEN not in cookie.value  # a digest: the cookie is not the API token
    jar = {"Cookie": f"govmon_pages={cookie.value}"}
    assert "隆回县人民政府门户网站" in await (await guarded.get(once.headers["Location"], headers=jar)).text()
    assert "邵阳市人民政府门户网站" in await (await guarded.get("/targets/4305000001", headers=jar)).text()
    # the cookie opens pages only: the JSON API and writes still need the bearer token
    assert (await guarded.get("/api/findings", headers=jar)).status == 401
    assert (await guarded.post("/api/findings", headers=jar, json={})).status == 401
    assert (await guarded.get("/", headers={"Cookie": "govmon_pages=forged"})).status == 401


async def test_a_snapshot_of_the_judged_page_opens_from_the_finding_by_the_pages_cookie(guarded, redis, keys):
    hacked = "<html><body><h1>被篡改的首页</h1><script>alert('x')</script></body></html>"
    store = EvidenceStore(redis, keys, budget_bytes=1_000_000)
    digest = await store.put(hacked, url=SITES[3].url, status=200, observed_at=NOW.timestamp())
    tampered = finding(SITES[3], "content.tampered", Severity.VETO, Status.VIOLATION, message="首页内容被替换",
                       evidence={"url": SITES[3].url, "snapshot": digest})  # fmt: skip
    await evaluate(guarded.server.app[RUNTIME], SITES[3], [tampered], NOW)
    once = await guarded.get("/targets/4301000001", params={"token": TOKEN}, allow_redirects=False)
    jar = {"Cookie": f"govmon_pages={once.cookies['govmon_pages'].value}"}
    seen = VisibleText.of(await (await guarded.get("/targets/4301000001", headers=jar)).text())
    assert "页面快照 查看当时的页面 · 纯文本" in seen.text
    assert f"/api/evidence/{digest}?format=html" in seen.hrefs
    snapshot = await guarded.get(f"/api/evidence/{digest}", params={"format": "html"}, headers=jar)
    assert snapshot.status == 200 and "被篡改的首页" in await snapshot.text()
    assert snapshot.headers["Content-Security-Policy"].startswith("sandbox")  # its script never runs
    assert (await guarded.get(f"/api/evidence/{digest}")).status == 401  # without the cookie


# ---------------------------------------------------------------------------------------------- in a browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE_PX, DESKTOP_PX = 390, 1280
SCREENSHOT_MAX_BYTES = 400_000
"""A runaway page (an evidence list not capped) shows as a huge screenshot; docs keep theirs near 300 KB."""
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary (Debian: apt-get install chromium); .ci/run installs it"
)


@contextlib.asynccontextmanager
async def browser_on(
    redis, keys, metrics, settings: Settings | None = None
) -> AsyncIterator[tuple[Browser, str]]:
    """The pages served on a loopback port, and a headless Debian Chromium driven by playwright (no
    ``playwright install``: the system's binary)."""
    runtime = await stored_runtime(redis, keys, metrics, settings)
    app = build_app(runtime, shared_gauges=False)
    async with TestServer(app, host="127.0.0.1") as server, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser, str(server.make_url("")).rstrip("/")
        finally:
            await browser.close()


async def overflow_px(page: Page) -> int:
    """How far the page reaches past the viewport's right edge: the document, or any single element."""
    return await page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          let right = document.documentElement.scrollWidth;
          for (const el of document.body.querySelectorAll('*')) {
            right = Math.max(right, Math.ceil(el.getBoundingClientRect().right));
          }
          return right - width;
        }"""
    )


async def cells_stacked(page: Page, first_cell: str) -> bool:
    """Whether the cells of the region table's row that starts with ``first_cell`` sit one under another."""
    row = page.get_by_role("row", name=re.compile(f"^{first_cell}"))
    boxes = [await cell.bounding_box() for cell in await row.get_by_role("cell").all()]
    tops = [box["y"] for box in boxes if box]
    return len(tops) == 8 and tops == sorted(tops) and len(set(tops)) == len(tops)


def screenshot_dir(tmp_path) -> Path:
    """tmp_path; ``GOVMON_DOC_SCREENSHOTS=docs/img`` writes docs' screenshots instead (see docs/status-pages.md)."""
    return Path(os.environ.get("GOVMON_DOC_SCREENSHOTS") or tmp_path)


@needs_chromium
async def test_on_a_phone_both_pages_fit_the_screen_and_show_what_matters(redis, keys, metrics, tmp_path):
    async with browser_on(redis, keys, metrics) as (browser, base):
        page = await browser.new_page(viewport={"width": PHONE_PX, "height": 844}, device_scale_factor=1)
        await page.goto(f"{base}/")
        assert await overflow_px(page) <= 0
        for text in (
            "监测概览",
            "合计",
            "邵阳市人民政府门户网站",
            "首页不更新",
            "最近到期：2026-11-28 00:00（还剩 4 天）",
        ):
            assert await page.get_by_text(text, exact=False).first.is_visible(), text
        # the region table becomes one card per region: a row's cells stack, each with its label
        assert await cells_stacked(page, "合计")

        await page.goto(f"{base}/targets/4305000001")
        assert await overflow_px(page) <= 0  # long evidence URLs wrap
        for text in ("邵阳市人民政府门户网站", "栏目不更新", "到期", "未能读取", HOSTILE):
            assert await page.get_by_text(text, exact=False).first.is_visible(), text
        assert await page.evaluate("document.querySelectorAll('script').length") == 0
        shot = screenshot_dir(tmp_path) / "status-target.png"
        await page.screenshot(path=shot, full_page=True)
        assert 0 < shot.stat().st_size < SCREENSHOT_MAX_BYTES


@needs_chromium
async def test_on_a_desktop_the_overview_is_the_tongbao_table(redis, keys, metrics, tmp_path):
    async with browser_on(redis, keys, metrics) as (browser, base):
        page = await browser.new_page(viewport={"width": DESKTOP_PX, "height": 900}, device_scale_factor=1)
        await page.goto(f"{base}/")
        assert await overflow_px(page) <= 0
        header = page.get_by_role("columnheader", name="存在单项否决问题的目标数")
        assert await header.is_visible()
        assert not await cells_stacked(page, "合计")
        total = page.get_by_role("row", name=re.compile("^合计"))
        assert (await total.inner_text()).split() == ["合计", "4", "1", "1", "20.00%", "1", "2", "2"]
        await page.get_by_role("link", name="邵阳市人民政府门户网站").click()
        await page.wait_for_url(f"{base}/targets/4305000001")
        assert await page.get_by_role("heading", name="邵阳市人民政府门户网站").is_visible()
        await page.goto(f"{base}/")
        await page.emulate_media(media="print")  # printed: no filter chips, the table and findings stay
        assert not await page.get_by_role("navigation", name="按地区筛选").is_visible()
        assert await page.get_by_role("columnheader", name="存在单项否决问题的目标数").is_visible()
        assert len(await page.pdf(format="A4")) > 10_000
        await page.emulate_media(media="screen")
        shot = screenshot_dir(tmp_path) / "status-overview.png"
        await page.screenshot(path=shot, full_page=True)
        assert 0 < shot.stat().st_size < SCREENSHOT_MAX_BYTES


@needs_chromium
async def test_in_a_browser_the_link_with_the_token_opens_the_page_once_and_the_cookie_keeps_it_open(
    redis, keys, metrics, tmp_path
):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN, encoding="utf-8")
    settings = Settings(api=ApiSettings(token_file=token_file))
    async with browser_on(redis, keys, metrics, settings) as (browser, base):
        page = await browser.new_page()
        await page.goto(f"{base}/")
        assert await page.get_by_role("heading", name="需要访问令牌").is_visible()
        await page.goto(f"{base}/targets/4305000001?token={TOKEN}")
        assert page.url == f"{base}/targets/4305000001"  # the token is not left in the address bar
        assert await page.get_by_role("heading", name="邵阳市人民政府门户网站").is_visible()
        await page.goto(f"{base}/?region=邵阳市")
        assert await page.get_by_text("隆回县人民政府门户网站").is_visible()
        assert await page.evaluate("document.cookie") == ""  # HttpOnly: no script can read it
