"""Settings: every knob, its default and where the default comes from.

The names fixed by CONTRACT.md (``availability``, ``inspection``, ``freshness``, ``media``,
``control_urls``, ``resolve``, ``platform_domains``, ``allow_private_networks``) keep their spelling;
the rest are ours. Unknown keys are errors (``extra="forbid"``), so a typo never silently falls back
to a default. Loading from files, with file/line in every message, lives in ``monitor.inventory``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor.extract.soft404 import DEFAULT_SOFT404_PATTERNS
from monitor.score import ScoringSettings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AvailabilitySettings(_Strict):
    """站点无法访问 (国办秘函〔2019〕19号): ≥ 20 probes a day over a rolling 7 days, a probe fails at 15 s,
    veto at ≥ 5 % failures. 24 a day × 7 days = 168 expected samples; ``min_probes`` 140 = 20 × 7 is the
    indicator's floor, below which there is no verdict."""

    probes_per_day: int = Field(24, ge=1, le=86400 * 10)
    timeout_s: float = Field(15.0, gt=0)
    window_days: float = Field(7, gt=0)
    fail_ratio: float = Field(0.05, gt=0, le=1)
    min_probes: int = Field(140, ge=1)
    min_probes_per_day: int = Field(
        20,
        ge=0,
        description="a day of the window with fewer judged probes is not a judged day: no verdict then "
        "(the indicator's ≥ 20 a day; 0 turns the floor off)",
    )
    warn_ratio: float = Field(0.03, gt=0, le=1)
    max_loop_lag_s: float = Field(
        0.5, gt=0, description="a probe taken while the event loop lagged more than this is discarded"
    )
    control_cache_s: float = Field(
        30.0, ge=0, description="how long one round of control probes vouches for govmon's own network"
    )
    browser_user_agent: str = Field(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        description="a probe answered 403/429 is asked again at once as this browser: what it sees is the sample",
    )

    @model_validator(mode="after")
    def _warn_below_fail(self) -> AvailabilitySettings:
        if self.warn_ratio > self.fail_ratio:
            raise ValueError("warn_ratio must not exceed fail_ratio")
        return self


class InspectionSettings(_Strict):
    """Sampling windows the province publishes; both ends included. A quarter with none: the whole quarter."""

    windows: dict[str, tuple[dt.date, dt.date]] = Field(default_factory=dict)


def with_overrides(defaults: dict[str, Any], *overrides: BaseModel | None) -> dict[str, Any]:
    """``defaults``, then each override in turn (the later wins: region, then target); an override's unset
    fields (None) leave the value as it was. The one resolver of per-region and per-target windows."""
    values = dict(defaults)
    for override in overrides:
        if override is not None:
            values |= {k: v for k, v in override.model_dump().items() if v is not None and k in values}
    return values


class FreshnessOverride(_Strict):
    homepage_days: int | None = Field(None, ge=1)
    news_days: int | None = Field(None, ge=1)
    notice_days: int | None = Field(None, ge=1)
    planning_days: int | None = Field(None, ge=1)


class FreshnessOverrides(_Strict):
    regions: dict[str, FreshnessOverride] = Field(default_factory=dict)
    targets: dict[str, FreshnessOverride] = Field(default_factory=dict)


class FreshnessSettings(_Strict):
    """Update windows in calendar days (indicators.md: news 14, notice/policy 6 months = 183, planning 1 year)."""

    homepage_days: int = Field(14, ge=1)
    news_days: int = Field(14, ge=1)
    notice_days: int = Field(183, ge=1)
    planning_days: int = Field(365, ge=1)
    overrides: FreshnessOverrides = Field(default_factory=FreshnessOverrides)

    def windows_for(self, target_id: str, region: str) -> dict[str, int]:
        """``{homepage,news,notice,planning}_days`` for one site: defaults, the region's, the site's."""
        defaults = {
            "homepage_days": self.homepage_days,
            "news_days": self.news_days,
            "notice_days": self.notice_days,
            "planning_days": self.planning_days,
        }
        return with_overrides(
            defaults, self.overrides.regions.get(region), self.overrides.targets.get(target_id)
        )


class MediaOverride(_Strict):
    """A region's or an account's own windows (甘肃 wants a post every week, 闽侯 every 10 days)."""

    stale_days: int | None = Field(None, ge=1)
    week_days: int | None = Field(None, ge=1)
    warn_days: int | None = Field(None, ge=0)
    week_warn_days: int | None = Field(None, ge=0)


class MediaOverrides(_Strict):
    regions: dict[str, MediaOverride] = Field(default_factory=dict)
    targets: dict[str, MediaOverride] = Field(default_factory=dict)


class MediaWindows(_Strict):
    """The windows that apply to one account, after region and account overrides."""

    stale_days: int
    week_days: int
    warn_days: int
    week_warn_days: int


class MediaSettings(_Strict):
    """New media (国办发〔2018〕123号; 国办秘函〔2019〕19号): veto after 14 silent days, deduction after 7.

    ``warn_days`` / ``week_warn_days``: silent this many days, an account is ``at_risk`` of the 14-day /
    7-day rule (10 of 14 is the customary early warning for homepages; 5 of 7 the same share). Overrides
    per region and per account id (``overrides: {regions: {…}, targets: {…}}``), the account's winning."""

    stale_days: int = Field(14, ge=1)
    week_days: int = Field(7, ge=1)
    warn_days: int = Field(10, ge=0)
    week_warn_days: int = Field(5, ge=0)
    poll_interval_s: float = Field(3600.0, gt=0, description="how often each account's feed is read")
    validators_ttl_s: float = Field(
        30 * 86400.0, gt=0, description="how long an account's ETag/Last-Modified and last reading are kept"
    )
    overrides: MediaOverrides = Field(default_factory=MediaOverrides)

    def windows_for(self, target_id: str, region: str) -> MediaWindows:
        """Defaults, then the region's override, then the account's."""
        defaults = {
            "stale_days": self.stale_days,
            "week_days": self.week_days,
            "warn_days": self.warn_days,
            "week_warn_days": self.week_warn_days,
        }
        overrides = (self.overrides.regions.get(region), self.overrides.targets.get(target_id))
        return MediaWindows(**with_overrides(defaults, *overrides))


class RateSettings(_Strict):
    requests: int = Field(4, ge=1)
    period_s: float = Field(1.0, gt=0)


class HostLimits(_Strict):
    """One host's own politeness limits. A feed bridge the ops team runs serves thousands of accounts and
    may take more than a government site; a fragile host may need less."""

    per_host_concurrency: int | None = Field(None, ge=1)
    per_host_rate: RateSettings | None = None


class FetchSettings(_Strict):
    """The HTTP client. Caps protect the worker from hostile pages; none of them is an inspection rule."""

    user_agent: str = "govmon/0.1 (+https://github.com/govmon/govmon; government website inspection monitor)"
    connect_timeout_s: float = Field(10.0, gt=0)
    read_timeout_s: float = Field(20.0, gt=0)
    total_timeout_s: float = Field(30.0, gt=0)
    max_redirects: int = Field(10, ge=0)
    max_body_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    max_decompressed_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    concurrency: int = Field(64, ge=1)
    per_host_concurrency: int = Field(4, ge=1)
    per_host_rate: RateSettings = Field(default_factory=RateSettings)
    retries: int = Field(2, ge=0, description="crawl retries of transient failures; probes never retry")
    hosts: dict[str, HostLimits] = Field(
        default_factory=dict,
        description="per-host politeness overrides, by host (or host:port): e.g. your own feed bridge",
    )


class EngineSettings(_Strict):
    """The Redis queue: how many jobs a worker holds, when they are reclaimed and dead-lettered."""

    slots: int = Field(32, ge=1, description="jobs one worker runs at once")
    visibility_timeout_s: float = Field(
        300.0, gt=0, description="a job whose worker stopped beating this long ago is reclaimed by another"
    )
    max_deliveries: int = Field(5, ge=1, description="deliveries before a job goes to the dead-letter stream")
    backlog_factor: float = Field(3.0, gt=0, description="stream backlog bound, in multiples of free slots")
    job_timeout_s: float = Field(
        150.0, gt=0, description="above a crawl's worst case: (retries + 1) × total timeout"
    )
    shutdown_grace_s: float = Field(10.0, ge=0)
    lease_ttl_s: float = Field(5.0, gt=0, description="the scheduler lease; a standby takes over after it")
    tick_s: float = Field(0.5, gt=0, description="how often the scheduler moves due entries to the stream")
    evaluate_interval_s: float = Field(
        3600.0,
        gt=0,
        description="rules re-run even when nothing is observed (every observation a rule reads also runs them)",
    )
    """Hourly: rules already run ``evaluate_delay_s`` after every observation some rule reads, and each site is
    probed and each feed polled hourly, so this re-run only catches what time alone changes, whose thresholds
    are days (14 days, 6 months) and the 2 h ``findings.settle_s``. At 300 s a country (165,000 targets) needs
    550 evaluations a second, nine jobs in ten, which made probes wait behind them (docs/benchmarks.md, national
    load run 1); hourly they are 46 a second."""
    evaluate_delay_s: float = Field(
        2.0,
        ge=0,
        description="after a new observation, rules run this much later, folding a burst into one run",
    )


class CrawlSettings(_Strict):
    """How often pages are read for content (freshness, links); availability has its own cadence."""

    homepage_interval_s: float = Field(6 * 3600.0, gt=0, description="homepage read for content")
    columns_interval_s: float = Field(
        6 * 3600.0, gt=0, description="homepage, navigation and column pages read for freshness"
    )
    homepage_reuse_s: float = Field(
        600.0,
        ge=0,
        description="one homepage read serves every check that starts from it (homepage, columns, links, "
        "services, interaction) for this long, at most half the shortest of their intervals; an older one "
        "is read again (0: every check reads its own)",
    )


class ColumnKeywords(_Strict):
    """Words in a column's name that put it in a category (CONTRACT.md's categories), checked in the
    order news, notice, planning, topic, interaction, service; no match is ``other``. Users extend them
    (``columns: {keywords: {news: [...]}}``); the defaults are the column names 国办发〔2017〕47号 and
    the provinces' 通报 use."""

    news: tuple[str, ...] = (
        "动态", "要闻", "新闻", "图片", "视频", "快讯", "简讯", "资讯", "时政", "头条", "信息发布",
    )  # fmt: skip
    notice: tuple[str, ...] = (
        "通知", "公告", "公示", "政策", "文件", "规范性", "解读", "法规", "决策", "通告", "公报",
    )  # fmt: skip
    planning: tuple[str, ...] = ("人事", "任免", "规划", "计划", "招聘", "招考", "干部")
    topic: tuple[str, ...] = ("专题", "专栏")
    interaction: tuple[str, ...] = ("信箱", "咨询", "留言", "互动", "建言", "征集", "调查", "访谈", "问答")
    service: tuple[str, ...] = ("办事", "服务", "办理", "事项")


class ColumnsSettings(_Strict):
    """Column discovery and the column rules beyond the windows of ``freshness``.

    ``policy_keywords``: a notice column with one of these in its name holds policy documents, where
    ``column.misfiled`` looks for news. ``document_forms``: title words that make an item a document
    (公文 forms of 《党政机关公文处理工作条例》 plus the common plan/notice forms). Thresholds of the
    aggregates are 国办秘函〔2019〕19号's: ``columns.stale`` ≥ 5, ``columns.long_stale`` ≥ 10,
    ``columns.empty`` ≥ 5, with the customary early warnings (indicators.md) ``stale_warn`` 3,
    ``long_stale_warn`` 6, ``empty_warn`` 2: from there a count is ``at_risk`` (a warn level at or above its
    threshold never fires). ``at_risk_lead_days``: how many days before its stale day a column (or the
    homepage) counts as at risk "at its present pace" (5: from 10 idle days of 14, the customary
    warning; ``long_stale``: before a column's long-stale day); the stale day must also fall in or before
    the current or next sampling window.

    The six-month rule (通知公告、政策文件类一级栏目, part of ``columns.stale``) takes notice columns whose
    name has none of ``six_month_excluded`` (政策解读, 统计公报, 审计公告, 双公示, 决策预公开, 文件下载 …), or
    one of ``six_month_extra``. The excluded ones, notice sub-columns and planning columns count in
    ``columns.long_stale`` after ``long_stale_days`` (planning: ``freshness.planning_days``); columns
    named by ``static_keywords`` (机构职能, 领导信息 …: static but maintained) after ``static_days``, judged
    only when their page shows a date; ``other`` columns only with ``other_days``.
    """

    keywords: ColumnKeywords = Field(default_factory=ColumnKeywords)
    extra_keywords: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="added to the defaults, e.g. {news: [乡村振兴动态]}; checked first"
    )
    policy_keywords: tuple[str, ...] = ("政策文件", "规范性文件", "文件", "法规", "政府令", "公文")
    document_forms: tuple[str, ...] = (
        "通知", "意见", "办法", "决定", "规定", "批复", "公告", "通告", "通报", "方案", "要点", "规划",
        "计划", "细则", "条例", "措施", "函", "令", "报告", "公报", "决议", "纪要", "解读", "指南", "规则",
    )  # fmt: skip
    misfiled_min_items: int = Field(1, ge=1, description="news-like items before a column is misfiled")
    stale_threshold: int = Field(5, ge=1)
    long_stale_threshold: int = Field(10, ge=1)
    empty_threshold: int = Field(5, ge=1)
    stale_warn: int = Field(3, ge=1, description="columns.stale at_risk from this many (3 toward 5)")
    long_stale_warn: int = Field(6, ge=1, description="columns.long_stale at_risk from this many (6 of 10)")
    empty_warn: int = Field(2, ge=1, description="columns.empty at_risk from this many (2 of 5)")
    six_month_excluded: tuple[str, ...] = ("解读", "统计", "审计", "双公示", "预公开", "下载")
    six_month_extra: tuple[str, ...] = Field(
        (), description="words that put a column in the six-month rule anyway, e.g. [政策解读]; checked first"
    )
    long_stale_days: int = Field(
        365, ge=1, description="columns.long_stale: a year idle, for columns without a window of their own"
    )
    static_keywords: tuple[str, ...] = (
        "机构职能", "机构概况", "机构设置", "内设机构", "职能职责", "部门职责", "主要职责", "单位概况",
        "领导信息", "领导简介", "领导之窗", "领导分工", "领导介绍", "领导班子",
    )  # fmt: skip
    static_days: int = Field(
        365, ge=1, description="columns.long_stale window of static pages (机构职能, 领导信息 …)"
    )
    other_days: int | None = Field(
        None, ge=1, description="window of 'other' columns for columns.long_stale; None: not judged"
    )
    topic_expired_days: int = Field(180, ge=1, description="topic.expired: newest item older than this")
    at_risk_lead_days: dict[str, int] = Field(
        default_factory=lambda: {
            "homepage": 5, "news": 5, "notice": 30, "planning": 60, "other": 30, "long_stale": 60,
        }
    )  # fmt: skip
    max_columns: int = Field(80, ge=1, description="column pages read per site and run")
    max_extra_pages: int = Field(2, ge=0, description="pages followed past a page of pinned/undated rows")
    budget_s: float = Field(
        100.0,
        gt=0,
        description="a site's column crawl starts no page after this (and after 80 % of "
        "engine.job_timeout_s); pages not read are left unjudged",
    )

    @model_validator(mode="after")
    def _known_categories(self) -> ColumnsSettings:
        known = ("news", "notice", "planning", "topic", "interaction", "service", "other")
        unknown = sorted(set(self.extra_keywords) - set(known))
        if unknown:
            raise ValueError(f"extra_keywords: unknown categories {unknown}; known: {', '.join(known)}")
        return self


class LinkSettings(_Strict):
    """Broken links (国办秘函〔2019〕19号 deductions: 首页不可用链接, each one, and 其他页面不可用链接). A link
    is broken when it errors, times out, loops, or answers an error page with 200 (soft 404: one of
    ``soft404_patterns`` in its title or first visible text).

    A cycle is bounded (``budget_s``: at 4 requests/s per host that is ~180 requests), and verdicts outlive
    a cycle (``cache_ttl_s`` > ``interval_s``): a big site is covered over a few cycles, each URL fetched
    about once a day, and a one-shot ``govmon check`` returns within the budget."""

    soft404_patterns: tuple[str, ...] = Field(
        default=DEFAULT_SOFT404_PATTERNS, description="error-page phrases (setting it replaces the defaults)"
    )
    extra_soft404_patterns: tuple[str, ...] = Field(
        default=(), description="added to ``soft404_patterns``, e.g. [此栏目已撤销]: the way to extend them"
    )
    interval_s: float = Field(
        6 * 3600.0, gt=0, description="how often a site's links are walked (verdicts come from the cache)"
    )
    crawl_pages: int = Field(50, ge=0, description="pages beyond the homepage read per cycle (BFS budget)")
    crawl_depth: int = Field(2, ge=0, description="link hops from the homepage the crawl follows")
    cache_ttl_s: float = Field(
        20 * 3600.0, ge=0, description="a URL's verdict is reused this long, however many sites link to it"
    )
    check_assets: bool = Field(False, description="also check scripts and stylesheets (images always)")
    max_links_per_site: int = Field(2000, ge=1, description="links checked per site per cycle, at most")
    concurrency: int = Field(
        8, ge=1, description="links of one site checked at once (the fetcher's limits apply on top)"
    )
    timeout_s: float = Field(15.0, gt=0, description="one link's whole check (the availability probe's 15 s)")
    html_body_bytes: int = Field(256 * 1024, ge=1024, description="body read of an HTML link, for soft 404s")
    bot_retry_after_s: float = Field(
        2.0, ge=0, description="pause before the one retry of a 403/429 answer (Retry-After, capped here)"
    )
    budget_s: float = Field(
        45.0,
        gt=0,
        description="a site's link cycle stops here (and at 80 % of engine.job_timeout_s); links not judged "
        "by then are left unjudged (their checks finish into the cache for the next cycle)",
    )

    def all_soft404_patterns(self) -> tuple[str, ...]:
        """The defaults (or their replacement) plus the user's extras: what ``soft404_reason`` is given."""
        return self.soft404_patterns + self.extra_soft404_patterns


class ServiceSettings(_Strict):
    """办事服务 (国办秘函〔2019〕19号): 服务不实用 (veto: no 办事服务 at all), 办事服务未链接一体化平台 and
    一体化平台链接不可用 (deductions). Entries are links labelled with one of ``entry_keywords`` and the items
    of a block headed by one; the platform's error pages are the ``links`` soft-404 phrases plus
    ``platform_error_patterns``. Lists replace the defaults; ``extra_*`` lists extend them."""

    interval_s: float = Field(
        24 * 3600.0, gt=0, description="how often a site's service entries are followed"
    )
    entry_keywords: tuple[str, ...] = (
        "办事服务", "网上办事", "政务服务", "办事大厅", "在线办理", "我要办", "个人办事", "法人办事", "一网通办",
    )  # fmt: skip
    extra_entry_keywords: tuple[str, ...] = ()
    max_label_chars: int = Field(12, ge=2, description="longer link texts are headlines, not menu entries")
    max_service_pages: int = Field(
        3, ge=0, description="own 办事服务 pages followed one level for their items"
    )
    max_platform_links: int = Field(30, ge=1, description="platform links fetched per site per run")
    platform_error_patterns: tuple[str, ...] = ()

    def all_entry_keywords(self) -> tuple[str, ...]:
        return self.entry_keywords + self.extra_entry_keywords


class SearchSettings(_Strict):
    """搜索功能 (国办秘函〔2019〕19号, deduction): the site search errors, or a query for one of the site's own
    recent headlines finds nothing. Once a day govmon submits the homepage's search as a visitor would, with a
    distinctive part of up to ``headlines`` recent homepage headlines (at least ``min_headline_age_days`` old:
    a search index lags its pages); one found is enough. ``no_result_patterns``: what a results page says
    when it found nothing (the list replaces the defaults, ``extra_no_result_patterns`` extends them)."""

    interval_s: float = Field(24 * 3600.0, gt=0, description="how often a site's search is tried")
    headlines: int = Field(2, ge=1, le=5, description="headlines searched for before the search is judged")
    min_headline_age_days: int = Field(
        1, ge=0, description="headlines newer than this are not searched for (the index lags)"
    )
    max_headline_age_days: int = Field(365, ge=1, description="older headlines are not searched for")
    query_max_chars: int = Field(
        16, ge=4, description="the query: the headline's longest phrase, cut to this many characters"
    )
    no_result_patterns: tuple[str, ...] = (
        "找到0条", "共0条", "0条结果", "0 条结果", "共找到0", "没有找到", "未找到", "无相关", "没有相关",
        "暂无相关", "无搜索结果", "未检索到", "没有检索到", "检索结果为空", "查询结果为空", "暂无数据",
    )  # fmt: skip
    extra_no_result_patterns: tuple[str, ...] = ()

    def all_no_result_patterns(self) -> tuple[str, ...]:
        return self.no_result_patterns + self.extra_no_result_patterns


DEFAULT_GUIDE_ELEMENTS: dict[str, tuple[str, ...]] = {
    "办理条件": ("受理条件", "申请条件", "申办条件", "办理条件"),
    "申请材料": ("申请材料", "申报材料", "所需材料", "办理材料", "提交材料", "材料清单"),
    "办理流程": ("办理流程", "办理程序", "办事流程", "办理步骤", "申办流程", "流程图"),
    "办理时限": ("办理时限", "承诺时限", "法定时限", "办结时限", "承诺期限", "法定期限", "办理期限"),
}
"""办事指南要素 (国办秘函〔2019〕19号 and 《政府网站发展指引》): each required element with the words that
name it on real guides; a guide lacks an element when none of its words appears."""


class GuideSettings(_Strict):
    """办事指南要素缺失 (国办秘函〔2019〕19号, deduction): a service guide on the site lacks a required element.
    Guides are the pages linked as ``link_keywords`` (办事指南 / 服务指南) from the homepage's 办事服务 and the
    service pages the services check follows; a page so linked that names no element at all is a list of
    guides, whose guide links are followed one level. ``elements`` replaces the default table; a guide on the
    一体化平台 (``platform_domains``) is the platform's, judged only with ``judge_platform: true``."""

    link_keywords: tuple[str, ...] = ("办事指南", "服务指南")
    elements: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_GUIDE_ELEMENTS))
    max_guides: int = Field(8, ge=0, description="guide pages opened per site per run (0: guides not read)")
    judge_platform: bool = False

    @field_validator("elements")
    @classmethod
    def _elements_named(cls, elements: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        empty = [name for name, words in elements.items() if not any(w.strip() for w in words)]
        if empty:
            raise ValueError(f"guide elements without a word naming them: {', '.join(empty)}")
        return elements


class WorkdaySettings(_Strict):
    """Working days for "answered within 1 working day". chinese-calendar knows 法定节假日 and 调休 up to its
    last published year; beyond it govmon reads ``calendar_file`` (YAML ``{holidays: [...], workdays: [...]}``)
    and ``holidays`` / ``workdays`` here, else counts Monday–Friday."""

    calendar_file: Path | None = None
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()


class InteractionSettings(_Strict):
    """互动回应差 (国办秘函〔2019〕19号, veto): no working consultation channel (咨询、建言、留言、信箱; 信访 and
    纪检举报 do not count), or a message of the last year unanswered more than 3 months (92 days: the longest
    three calendar months); 留言答复未更新 (deduction): no reply published in 2 months (61 days)."""

    interval_s: float = Field(24 * 3600.0, gt=0, description="how often channels and message lists are read")
    channel_keywords: tuple[str, ...] = (
        "咨询",
        "建言",
        "留言",
        "信箱",
        "写信",
        "问政",
        "12345",
        "征集",
        "访谈",
        "诉求",
    )
    extra_channel_keywords: tuple[str, ...] = ()
    excluded_keywords: tuple[str, ...] = ("信访", "举报", "纪检", "纪委", "监察", "投诉举报")
    extra_excluded_keywords: tuple[str, ...] = ()
    hub_keywords: tuple[str, ...] = ("互动交流", "政民互动", "公众参与", "互动")
    max_label_chars: int = Field(10, ge=2, description="longer link texts are headlines, not channels")
    max_channels: int = Field(4, ge=1, description="channel pages opened per run")
    max_list_pages: int = Field(3, ge=1, description="pages of one message list read (following its pager)")
    lookback_days: int = Field(
        365, ge=1, description="messages asked this long before the monitoring point count"
    )
    unanswered_days: int = Field(92, ge=1, description="unanswered longer than this: violation")
    replies_stale_days: int = Field(61, ge=1, description="no reply dated within this: 留言答复未更新")
    replies_warn_days: int = Field(
        45, ge=0, description="at_risk of replies_stale from this many silent days"
    )
    workdays: WorkdaySettings = Field(default_factory=WorkdaySettings)

    def all_channel_keywords(self) -> tuple[str, ...]:
        return self.channel_keywords + self.extra_channel_keywords

    def all_excluded_keywords(self) -> tuple[str, ...]:
        return self.excluded_keywords + self.extra_excluded_keywords


class NotifySettings(_Strict):
    """Who hears what besides each target's owners (CONTRACT.md ``notify:``); apprise URLs, ``${VAR}`` from the
    environment. The notifier (``monitor.notify``) adds its schedule and limits here."""

    regions: dict[str, tuple[str, ...]] = Field(default_factory=dict, description="supervisors per region")
    ops: tuple[str, ...] = Field(default=(), description="the province's ops channel")
    public_url: str = Field(default="", description="where owners open the status pages")
    remind_days: tuple[int, ...] = Field(
        default=(7, 3, 1),
        description="at_risk reminders this many days before due; supervisors join the last",
    )
    window_remind_days: tuple[int, ...] = Field(
        default=(7, 1), description="reminders of open findings this many days before a sampling window opens"
    )
    digest_at: dt.time = Field(
        default=dt.time(9, 0), description="daily digest of deductions (Asia/Shanghai)"
    )
    quiet_hours: tuple[dt.time, dt.time] | None = Field(
        default=None,
        description="[start, end] in Asia/Shanghai, e.g. [22:00, 07:30]: notices wait for the end",
    )
    vetoes_pierce_quiet: bool = Field(default=True, description="veto notices go out in quiet hours too")
    mute: dict[str, dt.datetime] = Field(
        default_factory=dict, description="target id → until when its notices are held back (maintenance)"
    )
    rate_per_channel: int = Field(default=30, ge=1, description="sends to one channel per rate_period_s")
    rate_period_s: float = Field(default=60.0, gt=0)
    storm_targets: int = Field(default=10, ge=2, description="one code opening on this many targets …")
    storm_window_s: float = Field(
        default=600.0, gt=0, description="… within this long is a storm: one 【汇总】"
    )
    max_attempts: int = Field(default=30, ge=1, description="tries of one delivery before its dead letter")
    retry_base_s: float = Field(default=5.0, gt=0, description="first retry delay, doubling per try …")
    retry_max_s: float = Field(default=60.0, gt=0, description="… up to this (at most a minute while down)")
    send_timeout_s: float = Field(default=20.0, gt=0, description="one send to one channel")
    claim_timeout_s: float = Field(
        default=60.0, gt=0, description="a delivery claimed by a worker that died is retried after this"
    )
    poll_s: float = Field(default=1.0, gt=0, description="how often a worker looks for due deliveries")
    tick_s: float = Field(
        default=30.0, gt=0, description="how often the leader decides reminders and digests"
    )
    concurrency: int = Field(default=8, ge=1, description="deliveries one worker sends at once")
    sent_mark_ttl_s: float = Field(
        default=40 * 86400.0, gt=0, description="how long a delivered mark is kept"
    )
    templates: Path | None = Field(
        default=None, description="a directory of templates replacing the defaults"
    )
    event_max_age_s: float = Field(
        default=86400.0,
        gt=0,
        description="lifecycle events older than this are history, not news: no notice (e.g. after an upgrade)",
    )
    markdown_schemes: tuple[str, ...] = Field(
        default=(),
        description="more apprise schemes sent Markdown (dingtalk, wecombot, feishu … already are)",
    )

    @field_validator("ops", mode="after")
    @classmethod
    def _ops_urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        return _apprise_urls(urls)

    @field_validator("regions", mode="after")
    @classmethod
    def _region_urls(cls, regions: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for urls in regions.values():
            _apprise_urls(urls)
        return regions


def _apprise_urls(urls: tuple[str, ...]) -> tuple[str, ...]:
    """apprise's own parser judges each URL (``monitor.notify.urls``): a misconfigured notifier stops start-up."""
    from monitor.notify.urls import url_problem

    problems = [p for p in map(url_problem, urls) if p]
    if problems:
        raise ValueError("; ".join(problems))
    return urls


class FindingsSettings(_Strict):
    """The findings lifecycle (``monitor.engine.lifecycle``): when an absent finding counts as resolved.

    ``settle_s`` 2 h: availability is probed hourly (≥ 20 a day, 国办秘函〔2019〕19号) and feeds are polled
    hourly, so two rounds must pass without a finding before it resolves, and rules re-run after each (and
    every ``engine.evaluate_interval_s``, an hour, without one): one clean evaluation after a flaky one
    neither resolves nor re-opens it. An owner hears 已恢复 about two hours after the fix; raise it above
    ``links.interval_s`` to keep a flapping link open across one clean crawl."""

    settle_s: float = Field(2 * 3600.0, ge=0, description="absent this long before a finding resolves")
    events_maxlen: int = Field(
        100_000, ge=100, description="finding events kept in the stream for the notifier (MAXLEN ~)"
    )


class ApiSettings(_Strict):
    """The HTTP API (CONTRACT.md): its token comes from ``GOVMON_API_TOKEN`` or the file named here."""

    token_file: Path | None = None

    def token(self) -> str | None:
        """The API token, from the environment first; None: the API is open (loopback by default)."""
        env = os.environ.get("GOVMON_API_TOKEN")
        if env:
            return env
        if self.token_file:
            return self.token_file.expanduser().read_text(encoding="utf-8").strip() or None
        return None

    metrics_token_file: Path | None = None

    def metrics_token(self) -> str | None:
        """The bearer token ``/metrics`` asks for, from ``GOVMON_METRICS_TOKEN`` first or the file named by
        ``api.metrics_token_file`` (Prometheus reads it with ``authorization: {credentials_file: …}``), for
        scrapes across a network; None: ``/metrics`` is open. A secret, so never in the YAML itself."""
        env = os.environ.get("GOVMON_METRICS_TOKEN")
        if env:
            return env
        if self.metrics_token_file:
            return self.metrics_token_file.expanduser().read_text(encoding="utf-8").strip() or None
        return None


class ContentSettings(_Strict):
    """Content safety (issue 12): hidden links, tampering, serious errors, personal data (docs/content-safety.md)."""

    pages: int = Field(8, ge=0, description="same-site pages read after the homepage per content scan")
    interval_s: float = Field(
        21600.0,
        ge=0,
        description="how often a site's content is scanned, at one of its homepage reads (0: at every read)",
    )
    budget_s: float = Field(60.0, gt=0, description="seconds the homepage check may spend on those pages")
    link_lists: tuple[str, ...] = Field(
        default=(), description="more illicit host/keyword lists (badlinks format)"
    )
    excluded_domains: tuple[str, ...] = Field(
        default=(),
        description="hosts whose links and scripts are never illicit (besides the site, .gov.cn, platform)",
    )
    trusted_script_hosts: tuple[str, ...] = Field(
        default=(
            "hm.baidu.com", "cnzz.com", "51.la", "bootcdn.net", "bootcss.com", "staticfile.org", "jsdelivr.net",
            "cdnjs.cloudflare.com", "res.wx.qq.com", "api.map.baidu.com", "map.qq.com", "webapi.amap.com",
            "conac.cn", "jiathis.com", "bshare.cn",
        ),
        description="script/iframe hosts a new appearance of is no sign of tampering",
    )  # fmt: skip
    error_lists: tuple[str, ...] = Field(
        default=(), description="the province's serious-error lists (txt or csv)"
    )
    sample_dictionary: bool = Field(
        True, description="also match the shipped sample serious-error dictionary"
    )
    attachments: bool = Field(True, description="read linked txt/csv/xlsx/docx attachments for personal data")
    attachment_bytes: int = Field(5_000_000, gt=0, description="largest attachment read")
    baseline_ttl_days: float = Field(
        184.0, gt=0, description="a tamper baseline not refreshed for this long goes"
    )


class EvidenceSettings(_Strict):
    """Snapshots kept as evidence (monitor.engine.evidence)."""

    budget_bytes: int = Field(
        512 * 1024 * 1024, gt=0, description="bytes of compressed snapshots kept in Redis"
    )
    retention_days: float = Field(184.0, gt=0, description="the current and the previous quarter")


class RequiredTopic(_Strict):
    """One 重要专题 the homepage must show for a date range (国办秘函〔2019〕19号, deduction), e.g. 全国“两会”专题
    from 3 to 15 March. A homepage link (its text, an image's alt text or its title) naming one of
    ``keywords`` or matching one of ``patterns`` (regular expressions, checked at load) shows it. ``types``
    (portal, department, other; a site without a type counts as a portal) and ``regions`` narrow the sites
    it applies to; empty: every site."""

    name: str = Field(min_length=1, description="the topic as findings name it, e.g. 全国“两会”专题")
    keywords: tuple[str, ...] = Field((), description="words in a homepage link's text, image alt or title")
    patterns: tuple[str, ...] = Field((), description="regular expressions matched against the same")
    start: dt.date = Field(description="first day the topic is required (Asia/Shanghai)")
    end: dt.date = Field(description="last day it is required (included)")
    types: tuple[str, ...] = Field((), description="only sites of these types (portal, department, other)")
    regions: tuple[str, ...] = Field((), description="only sites of these regions")

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        problems = []
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                problems.append(f"{pattern!r}: {error}")
        if problems:
            raise ValueError("not a regular expression: " + "; ".join(problems))
        return patterns

    @field_validator("types")
    @classmethod
    def _known_types(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in types if t not in ("portal", "department", "other")]
        if unknown:
            raise ValueError(f"unknown site type {', '.join(unknown)} (portal, department or other)")
        return types

    @model_validator(mode="after")
    def _words_and_range(self) -> RequiredTopic:
        if not any(k.strip() for k in self.keywords) and not self.patterns:
            raise ValueError(f"topic {self.name!r} needs keywords or patterns to recognise its link")
        if self.end < self.start:
            raise ValueError(f"topic {self.name!r} ends ({self.end}) before it starts ({self.start})")
        return self


class HomepageSettings(_Strict):
    """What the homepage must link (国办秘函〔2019〕19号, deductions), read by the homepage check.

    ``annual_report``: judge 年度报表: from ``annual_report_due`` (month-day, 1 February) a homepage link to
    the previous year's 政府网站工作年度报表 (at risk before it, from 1 January). ``required_topics``: the
    重要专题 each required for a date range; none configured, nothing is judged."""

    annual_report: bool = Field(True, description="judge the link to last year's 政府网站工作年度报表")
    annual_report_due: str = Field(
        "02-01", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", description="MM-DD the link is due by"
    )
    required_topics: tuple[RequiredTopic, ...] = Field(
        (), description="the 重要专题 required for a date range; none: nothing judged"
    )

    @field_validator("annual_report_due")
    @classmethod
    def _real_day(cls, value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        try:
            dt.date(2023, month, day)  # not a leap year: 02-29 would not be due every year
        except ValueError:
            raise ValueError(f"no such day in every year: {value}") from None
        return value

    def annual_report_due_day(self, year: int) -> dt.date:
        """The day in ``year`` from which last year's report must be linked."""
        month, day = (int(part) for part in self.annual_report_due.split("-"))
        return dt.date(year, month, day)


class Ipv6Settings(_Strict):
    """IPv6 支持 (deduction), where the province requires it: off by default. Once a day per site: the
    homepage's name has an AAAA record and the homepage opens over IPv6. ``regions``: only these regions'
    sites (empty: every site, when ``required``)."""

    required: bool = Field(False, description="judge site.ipv6_missing at all")
    regions: tuple[str, ...] = Field((), description="only these regions' sites (empty: every site)")
    interval_s: float = Field(86400.0, gt=0, description="seconds between two IPv6 checks of one site")
    timeout_s: float = Field(15.0, gt=0, description="the homepage must open over IPv6 within this")

    def judged_in(self, region: str) -> bool:
        """IPv6 is judged on a site of ``region``: required, and the region listed when regions are."""
        return self.required and (not self.regions or region in self.regions)


class Settings(_Strict):
    """The whole configuration; a file holding only an inventory is complete, every setting defaulted."""

    redis_url: str | None = None
    data_dir: Path | None = None
    allow_private_networks: bool = False
    platform_domains: tuple[str, ...] = ()
    control_urls: tuple[str, ...] = ()
    resolve: dict[str, str] = Field(default_factory=dict)
    inventory: tuple[str, ...] = Field(default=(), description="further inventory files (YAML or CSV)")
    availability: AvailabilitySettings = Field(default_factory=AvailabilitySettings)
    inspection: InspectionSettings = Field(default_factory=InspectionSettings)
    freshness: FreshnessSettings = Field(default_factory=FreshnessSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    links: LinkSettings = Field(default_factory=LinkSettings)
    columns: ColumnsSettings = Field(default_factory=ColumnsSettings)
    services: ServiceSettings = Field(default_factory=ServiceSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    guides: GuideSettings = Field(default_factory=GuideSettings)
    interaction: InteractionSettings = Field(default_factory=InteractionSettings)
    regions: tuple[str, ...] = Field(default=(), description="the report's row order")
    notify: NotifySettings = Field(default_factory=NotifySettings)
    findings: FindingsSettings = Field(default_factory=FindingsSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    content: ContentSettings = Field(default_factory=ContentSettings)
    homepage: HomepageSettings = Field(default_factory=HomepageSettings)
    ipv6: Ipv6Settings = Field(default_factory=Ipv6Settings)
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)

    def effective_redis_url(self) -> str | None:
        """``GOVMON_REDIS_URL`` wins over the file; None means: use the embedded redis-server."""
        return os.environ.get("GOVMON_REDIS_URL") or self.redis_url

    def effective_data_dir(self) -> Path:
        env = os.environ.get("GOVMON_DATA_DIR")
        if env:
            return Path(env).expanduser()
        if self.data_dir:
            return self.data_dir.expanduser()
        return Path("~/.local/share/govmon").expanduser()

    def private_networks_allowed(self) -> bool:
        return self.allow_private_networks or os.environ.get("GOVMON_ALLOW_PRIVATE_NETWORKS") == "1"
