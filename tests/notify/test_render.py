"""Messages as owners read them: every code of docs/indicators.md in the inspector's words, each kind's title,
evidence shown (and hostile evidence defused), the due date, the status page link, user templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from monitor.model import EventKind, Status
from monitor.model import Severity as S
from monitor.notify.policy import Audience, NoticeKind, TargetInfo, decide_events, trial_notice
from monitor.notify.reminders import decide_tick
from monitor.notify.render import Renderer
from monitor.settings import InspectionSettings, NotifySettings
from monitor.words import CODE_WORDS
from tests.notify.support import T0, event, finding

INDICATORS = Path(__file__).parents[2] / "docs" / "indicators.md"
OWNER = "mailto://owner@example.gov.cn"
AUDIENCE = Audience(
    {t: TargetInfo(t, f"站点{t}", "长沙市") for t in ("4300000001", "4300000002")},
    {"4300000001": (OWNER,), "4300000002": (OWNER,)},
    {},
    ("json://ops/",),
)
RENDERER = Renderer("https://govmon.example.cn")


def documented_codes() -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", INDICATORS.read_text(encoding="utf-8"), re.M))


def test_every_code_of_the_indicators_has_the_inspectors_words():
    codes = documented_codes()
    assert len(codes) >= 30
    assert codes <= set(CODE_WORDS), sorted(codes - set(CODE_WORDS))


@pytest.mark.parametrize("code", sorted(documented_codes()))
@pytest.mark.parametrize("fmt", ["markdown", "text", "html", "json"])
def test_a_notice_renders_for_every_code_in_every_format(code, fmt):
    f = finding(code=code)
    (notice,) = decide_events(
        [event(EventKind.OPENED, f)], AUDIENCE, NotifySettings(), T0.timestamp(), {}, {}
    ).notices
    body = RENDERER.render(notice, fmt).body
    words = CODE_WORDS[code]
    if fmt == "json":
        payload = json.loads(body)
        assert payload["findings"][0]["code"] == code and payload["title"] == notice.title
        body = payload["text"]
    assert code in body and "4300000001" in body
    assert words.indicator in body and words.action in body
    assert "https://govmon.example.cn/targets/4300000001" in body


def titles() -> dict[NoticeKind, str]:
    at_risk = finding(
        status=Status.AT_RISK, due=T0 + dt.timedelta(days=3), first_seen=T0 - dt.timedelta(days=9)
    )
    events = [event(EventKind.OPENED, finding()), event(EventKind.RESOLVED, finding("4300000002"))]
    made = decide_events(events, AUDIENCE, NotifySettings(), T0.timestamp(), {}, {}).notices
    made += decide_events(
        [event(EventKind.OPENED, at_risk)], AUDIENCE, NotifySettings(), T0.timestamp(), {}, {}
    ).notices
    made += decide_tick([at_risk, finding(code="links.broken", severity=S.DEDUCTION)], AUDIENCE, NotifySettings(),
                        InspectionSettings(), T0.timestamp())  # fmt: skip
    trial = trial_notice(AUDIENCE.targets["4300000001"], AUDIENCE, NotifySettings(), T0.timestamp())
    assert trial is not None
    return {n.kind: n.title for n in [*made, trial]}


def test_each_kind_of_notice_says_what_it_is_first():
    got = titles()
    assert got[NoticeKind.VETO].startswith("【单项否决】站点4300000001（4300000001）")
    assert got[NoticeKind.AT_RISK].startswith("【预警】")
    assert got[NoticeKind.RESOLVED].startswith("【已恢复】站点4300000002（4300000002）")
    assert got[NoticeKind.REMINDER].startswith("【预警】") and "3 天后到期" in got[NoticeKind.REMINDER]
    assert got[NoticeKind.DIGEST].startswith("【每日汇总】")
    assert got[NoticeKind.TEST].startswith("【测试】")


def test_evidence_and_due_date_are_shown_and_hostile_text_is_defused():
    hostile = finding(code="links.broken", severity=S.DEDUCTION, status=Status.AT_RISK,
                      due=dt.datetime(2026, 12, 8, 0, 0, tzinfo=T0.tzinfo), first_seen=T0)  # fmt: skip
    evidence = {
        "url": "https://x.gov.cn/a",
        "text": "<script>x</script>[点我](http://evil)",
        "http_status": 404,
    }
    hostile = dataclasses.replace(hostile, evidence=evidence)
    (notice,) = decide_tick([hostile], AUDIENCE, NotifySettings(), InspectionSettings(), T0.timestamp())
    html = RENDERER.render(notice, "html").body
    markdown = RENDERER.render(notice, "markdown").body
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "[点我](http://evil)" not in markdown and "\\[点我\\]" in markdown
    assert "HTTP 状态：404" in RENDERER.render(notice, "text").body
    assert "到期：2026-12-08 00:00" in RENDERER.render(notice, "text").body


def test_a_user_template_directory_replaces_the_packaged_one(tmp_path):
    (tmp_path / "notice.txt.j2").write_text("{{ title }} / {% for f in findings %}{{ f.code }}{% endfor %}\n")
    (notice,) = decide_events([event(EventKind.OPENED, finding())], AUDIENCE, NotifySettings(), T0.timestamp(),
                              {}, {}).notices  # fmt: skip
    assert Renderer("", tmp_path).render(notice, "text").body == notice.title + " / site.unreachable\n"
    assert "###" in Renderer("", tmp_path).render(notice, "markdown").body  # the others stay packaged
