"""Typed payloads read back what the checks store, key for key (observations already in Redis still read)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monitor import observations as obs
from monitor.model import Observation, Outcome

ITEM = {"title": "关于开展检查的通知", "url": "http://127.0.0.1/a/1.html", "date": "2026-11-30"}
FOOTER = {
    "id_code": "1100000001",
    "conac": True,
    "icp": True,
    "police": False,
    "jiucuo_sitecode": "1100000001",
    "jiucuo": True,
    "found_any": True,
}
COLUMN = {
    "name": "通知公告",
    "url": "http://127.0.0.1/tzgg/",
    "category": "notice",
    "first_level": True,
    "source": "navigation",
    "newest": "2026-11-30",
    "latest": [ITEM],
    "count": 20,
    "undated": 1,
    "script_filled": False,
    "error": None,
    "sub_columns": 2,
    "empty_marker": False,
    "items": [ITEM, {"title": "无日期", "url": "http://127.0.0.1/a/2.html", "date": None}],
}
UNREAD_COLUMN = {k: COLUMN[k] for k in list(COLUMN)[:11]} | {"newest": None, "latest": [], "error": "timeout"}
LINK = {
    "url": "http://127.0.0.1/gone.html",
    "text": "旧链接",
    "page": "http://127.0.0.1/",
    "tag": "a",
    "http_status": 404,
    "reason": "http_404",
    "detail": "",
    "on_homepage": True,
}
READING = {
    "kind": "rss",
    "title": "某某发布",
    "entries": 12,
    "undated": 0,
    "future": 1,
    "future_dates": ["2027-01-01T00:00:00+08:00"],
    "newest": "2026-12-01T09:30:00+08:00",
    "recent": [{"title": "要闻", "url": "http://127.0.0.1/p/1", "published": "2026-12-01T09:30:00+08:00"}],
    "interaction": None,
    "read_at": "2026-12-04T10:00:00+08:00",
}
HEAD = {"url": "http://127.0.0.1/", "final_url": "http://127.0.0.1/index.html", "status": 200}

PAYLOADS: list[tuple[Any, str, dict[str, Any]]] = [
    (obs.ProbeSample, obs.AVAILABILITY, {"ok": False, "latency_s": 15.0, "status": None, "reason": "timeout",
                                         "url": "http://127.0.0.1/"}),
    (obs.HomepageRead, obs.HOMEPAGE, HEAD | {"encoding": "utf-8"}),
    (obs.HomepageRead, obs.HOMEPAGE, HEAD | {"encoding": "gb18030", "title": "某市人民政府",
                                             "site_id_code": None, "link_count": 240}),
    (obs.HomepageRead, obs.HOMEPAGE, HEAD | {
        "encoding": "utf-8", "title": "某市人民政府", "site_id_code": "4302000001", "link_count": 120,
        "annual_reports": [{"url": "http://127.0.0.1/ndbb/2025.pdf", "label": "2025年度政府网站工作年度报表",
                            "year": 2025}, {"url": "http://127.0.0.1/ndbb/", "label": "政府网站年度报表"}],
        "topics": {"全国两会专题": {"url": "http://127.0.0.1/zt/lh/", "label": "聚焦全国两会"}, "乡村振兴": None},
    }),
    (obs.ColumnsRead, obs.COLUMNS, {"url": "http://127.0.0.1/", "final_url": "http://127.0.0.1/",
                                    "as_of": "2026-12-04"}),
    (obs.ColumnsRead, obs.COLUMNS, {
        "url": "http://127.0.0.1/", "final_url": "http://127.0.0.1/", "as_of": "2026-12-04",
        "homepage": {"url": "http://127.0.0.1/", "newest": "2026-12-01", "latest": [ITEM], "navigation_only": False,
                     "second_level": ["http://127.0.0.1/tzgg/"], "footer": FOOTER},
        "columns": [COLUMN, UNREAD_COLUMN],
    }),
    (obs.LinksRead, obs.LINKS, HEAD),
    (obs.LinksRead, obs.LINKS, HEAD | {
        "pages_read": 3, "budget_spent": False,
        "counts": {"checked": 40, "broken": 1, "unverified": 1, "cached": 5, "skipped": 0, "unjudged": 0},
        "broken": [LINK], "unverified": [LINK | {"http_status": 403, "reason": "bot_blocked", "on_homepage": False}],
    }),
    (obs.ServicesRead, obs.SERVICES, HEAD),
    (obs.ServicesRead, obs.SERVICES, HEAD | {
        "entries": [{"url": "http://127.0.0.1/bs/", "text": "办事服务", "via": "label", "platform": False}],
        "service_pages": [{"url": "http://127.0.0.1/bs/", "ok": True, "platform_links": 1}],
        "linked": True, "truncated": False,
        "platform_links": [{"url": "http://127.0.0.2/item/1", "text": "社保", "result": "broken",
                            "http_status": 500, "reason": "http_error"}],
    }),
    (obs.ServicesRead, obs.SERVICES, HEAD | {
        "entries": [], "service_pages": [], "linked": False, "truncated": False, "platform_links": [],
        "guides": [{"url": "http://127.0.0.1/bszn/1.html", "text": "换领办事指南", "result": "judged",
                    "title": "居民身份证换领办事指南", "found": ["办理条件"], "missing": ["办理时限"], "reason": None},
                   {"url": "http://127.0.0.1/bszn/", "text": "办事指南", "result": "list", "title": "",
                    "found": [], "missing": [], "reason": None}],
    }),
    (obs.SearchRead, obs.SEARCH, HEAD),
    (obs.SearchRead, obs.SEARCH, HEAD | {"box": "none", "action": None, "method": None, "field": None,
                                        "markup": "", "queries": []}),
    (obs.SearchRead, obs.SEARCH, HEAD | {
        "box": "form", "action": "http://127.0.0.1/search/", "method": "POST", "field": "searchWord",
        "markup": '<form action="/search/" method="post">',
        "queries": [{"headline": "某市召开会议", "headline_url": "http://127.0.0.1/a.html",
                     "headline_date": "2026-12-01", "query": "某市召开会议", "method": "POST", "request_url": "http://127.0.0.1/search/",
                     "result": "no_results", "http_status": 200, "reason": "找到0条", "final_url": None},
                    {"headline": "某市召开会议", "headline_url": "http://127.0.0.1/a.html",
                     "headline_date": "2026-12-01", "query": "某市召开会议", "method": "POST",
                     "request_url": "http://127.0.0.1/search/", "result": "not_found", "http_status": 200,
                     "reason": None, "final_url": "http://127.0.0.1/search/", "snapshot": "3f9c" * 16}],
    }),
    (obs.InteractionRead, obs.INTERACTION, HEAD),
    (obs.InteractionRead, obs.INTERACTION, HEAD | {
        "channels": [{"url": "http://127.0.0.1/zx/", "text": "我要咨询", "working": None, "http_status": 403,
                      "reason": "http_403"}],
        "lists": [{"url": "http://127.0.0.1/zx/", "pages": 2, "messages": 30, "shows_replies": True}],
        "shows_replies": True,
        "messages": [{"title": "咨询", "url": None, "asked": "2026-11-02", "replied": None, "answered": None}],
        "replied_within_workday_ratio": 0.5,
    }),
    (obs.MediaRead, obs.MEDIA, {"url": None, "status": None, "detail": "no feed nor list page"}),
    (obs.MediaRead, obs.MEDIA, HEAD | {"source": "feed", "detail": "HTTP 500", "kind": None}),
    (obs.MediaRead, obs.MEDIA, HEAD | {"source": "feed", **READING, "encoding": "utf-8", "not_modified": True,
                                      "watched_since": "2026-10-01"}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "check", "payload"), PAYLOADS)
def test_a_stored_payload_reads_back_key_for_key(kind: Any, check: str, payload: dict[str, Any]) -> None:
    stored = json.loads(
        json.dumps(Observation(check, "t1", "j1", 1.0e9, Outcome.OK, None, payload).to_json())
    )
    typed = kind.from_observation(Observation.from_json(stored))
    assert typed.to_payload() == payload


def test_a_payload_stored_before_a_key_existed_reads_with_defaults() -> None:
    older = {"url": "http://127.0.0.1/", "final_url": "http://127.0.0.1/", "as_of": "2026-12-04",
             "homepage": {"url": "http://127.0.0.1/", "newest": None, "latest": []},
             "columns": [{"name": "要闻", "url": "http://127.0.0.1/yw/", "category": "news"}]}  # fmt: skip
    read = obs.ColumnsRead.from_observation(
        Observation(obs.COLUMNS, "t1", "j1", 1.0, Outcome.OK, None, older)
    )
    assert read.homepage is not None and read.homepage.footer is None
    assert read.columns[0].count == 0 and read.columns[0].error is None and read.columns[0].items is None


def test_every_check_has_a_name() -> None:
    from monitor.checks import CHECKS

    assert set(CHECKS) == set(obs.CHECK_NAMES)
