"""Content safety (安全问题、严重表述错误、个人隐私未脱敏, 国办秘函〔2019〕19号), from the homepage read's content part.

- ``content.hidden_link`` (veto, violation): one finding per hidden link to an illicit destination;
  evidence ``{"url", "text", "method", "category", "matched", "page", "snapshot"}``.
- ``content.tampered`` (veto, violation): one finding per site while the newest read shows signs;
  evidence ``{"url", "signs", "new_hosts", "diff", "baseline_at", "snapshot"}``.
- ``content.serious_error`` (veto, **unverified**: a dictionary hit is a candidate until a person confirms
  it): one finding per page; evidence ``{"url", "items": [{"wrong", "right", "category", "context"}], "snapshot"}``.
- ``privacy.exposed`` (deduction, violation): one finding per page or attachment; evidence ``{"url",
  "items": [{"kind", "masked", "context"}], "snapshot"}``; numbers only ever masked.

Judged on the newest homepage read within two intervals; a failed read judges nothing (no verdict on what
was not seen).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from monitor.model import Finding, Observation, Outcome, Severity, Site, Status, Target
from monitor.observations import HOMEPAGE, ContentHit, ContentRead
from monitor.rules.base import History, Rule, make_finding
from monitor.settings import Settings

HIDDEN = "content.hidden_link"
TAMPERED = "content.tampered"
SERIOUS = "content.serious_error"
PRIVACY = "privacy.exposed"
CODES = {HIDDEN: Severity.VETO, TAMPERED: Severity.VETO, SERIOUS: Severity.VETO, PRIVACY: Severity.DEDUCTION}
METHODS_ZH = {
    "display_none": "display:none 隐藏",
    "visibility_hidden": "visibility:hidden 隐藏",
    "opacity_zero": "透明度为 0",
    "off_screen": "定位到屏幕外",
    "font_size_zero": "字号为 0",
    "zero_size": "零尺寸区域",
    "clipped": "clip 裁剪",
    "hidden_attribute": "hidden 属性",
    "marquee": "隐藏或静止的滚动字幕",
    "script_write": "脚本写入",
}
SIGNS_ZH = {
    "bad_script": "引入了恶意站点的脚本",
    "bad_iframe": "嵌入了恶意站点的框架",
    "meta_refresh": "页面自动跳转到恶意站点",
    "script_redirect": "脚本跳转到恶意站点",
    "cloaking": "对搜索引擎来访者跳转到外部站点",
    "title": "标题含博彩、色情等关键词",
    "defaced": "页面显示被黑客篡改",
    "new_foreign": "新出现外部站点的脚本或框架",
    "replaced": "标题和正文被整体替换",
}
KINDS_ZH = {"id_number": "身份证号", "mobile": "手机号", "bank_card": "银行卡号"}


def _by_page(hits: Sequence[ContentHit]) -> dict[str, list[ContentHit]]:
    pages: dict[str, list[ContentHit]] = defaultdict(list)
    for hit in hits:
        pages[hit.page].append(hit)
    return pages


def lookback_s(settings: Settings) -> float:
    return 2 * settings.crawl.homepage_interval_s


def newest_scan(history: History, now: float) -> tuple[Observation, ContentRead] | None:
    """The newest homepage read with a content part (a read between two scans carries the last scan's; one
    from before content safety has none), skipping failed reads, which say nothing about the content."""
    for observation in reversed(history.get(HOMEPAGE, ())):
        if observation.observed_at > now or observation.outcome is not Outcome.OK:
            continue
        read = ContentRead.from_observation(observation)
        if read is not None:
            return observation, read
    return None


def evaluate(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    if not isinstance(target, Site):
        return []
    found = newest_scan(history, now)
    if found is None:
        return []
    newest, read = found
    at = newest.observed_at
    findings = [_hidden(target, hit, at) for hit in read.hidden_links]
    if read.tamper:
        findings.append(_tampered(target, read, at))
    findings += [_serious(target, page, hits, at) for page, hits in _by_page(read.serious_errors).items()]
    findings += [_privacy(target, page, hits, at) for page, hits in _by_page(read.personal_data).items()]
    return findings


def _hidden(target: Target, hit: ContentHit, at: float) -> Finding:
    d = hit.detail
    method = METHODS_ZH.get(str(d.get("method")), str(d.get("method")))
    message = (
        f"页面 {hit.page} 含暗链“{d.get('text') or d.get('url')}”（{method}，指向{d.get('category')}类网站）"
    )
    evidence = {**d, "page": hit.page, "snapshot": hit.snapshot}
    return make_finding(target, HIDDEN, Severity.VETO, Status.VIOLATION, message, at, evidence=evidence)


def _tampered(target: Target, read: ContentRead, at: float) -> Finding:
    signs = [dict(h.detail) for h in read.tamper]
    page = read.tamper[0].page
    reasons = "；".join(
        f"{SIGNS_ZH.get(str(s.get('kind')), s.get('kind'))}（{s.get('detail')}）" for s in signs[:3]
    )
    evidence = {
        "url": page,
        "signs": signs,
        "new_hosts": list(read.new_hosts),
        "diff": list(read.tamper_diff),
        "baseline_at": read.baseline_at,
        "snapshot": read.tamper[0].snapshot or read.snapshot,
    }
    message = f"首页疑似被篡改：{reasons}"
    return make_finding(
        target,
        TAMPERED,
        Severity.VETO,
        Status.VIOLATION,
        message,
        at,
        evidence=evidence,
        count=len(signs),
    )


def _serious(target: Target, page: str, hits: list[ContentHit], at: float) -> Finding:
    items = [dict(h.detail) for h in hits]
    words = "、".join(f"“{i.get('wrong')}”应为“{i.get('right')}”" for i in items[:3])
    message = f"页面 {page} 疑似严重表述错误：{words}（待人工确认）"
    evidence = {"url": page, "items": items, "snapshot": hits[0].snapshot}
    return make_finding(
        target,
        SERIOUS,
        Severity.VETO,
        Status.UNVERIFIED,
        message,
        at,
        evidence=evidence,
        count=len(items),
    )


def _privacy(target: Target, page: str, hits: list[ContentHit], at: float) -> Finding:
    items = [dict(h.detail) for h in hits]
    kinds = "、".join(sorted({KINDS_ZH.get(str(i.get("kind")), str(i.get("kind"))) for i in items}))
    message = f"页面 {page} 公开了未脱敏的个人信息（{kinds}，{len(items)} 处）"
    evidence = {"url": page, "items": items, "snapshot": hits[0].snapshot}
    return make_finding(
        target,
        PRIVACY,
        Severity.DEDUCTION,
        Status.VIOLATION,
        message,
        at,
        evidence=evidence,
        count=len(items),
    )


RULE = Rule("content", CODES, (HOMEPAGE,), lookback_s, evaluate)
