"""content.* and privacy.exposed from literal homepage observations: codes, severities, statuses, identity."""

from __future__ import annotations

from monitor.model import Observation, Outcome, Site
from monitor.observations import CONTENT, HOMEPAGE, ContentHit, ContentRead
from monitor.rules.content import RULE
from monitor.settings import Settings

SITE = Site(id="4300000001", name="某某市人民政府", url="http://www.example.gov.cn/", region="省直")
HOME = "http://www.example.gov.cn/"
SNAP = "a" * 64


def observation(read: ContentRead, outcome: Outcome = Outcome.OK, at: float = 1000.0) -> Observation:
    payload = {"url": HOME, "final_url": HOME, "status": 200, "encoding": "utf-8", CONTENT: read.to_payload()}
    return Observation(HOMEPAGE, SITE.id, "job", at, outcome, None, payload)


READ = ContentRead(
    snapshot=SNAP,
    hidden_links=(
        ContentHit(
            HOME,
            SNAP,
            {
                "url": "http://bet.example.net/",
                "text": "百家乐",
                "method": "display_none",
                "category": "gambling",
                "matched": "百家乐",
            },
        ),
    ),
    tamper=(
        ContentHit(
            HOME, SNAP, {"kind": "bad_script", "detail": "http://evil.example.com/m.js", "reason": "x"}
        ),
    ),
    serious_errors=(
        ContentHit(
            HOME,
            SNAP,
            {"wrong": "中华人民共合国", "right": "中华人民共和国", "category": "state", "context": "…"},
        ),
        ContentHit(HOME, SNAP, {"wrong": "湘谭市", "right": "湘潭市", "category": "place", "context": "…"}),
    ),
    personal_data=(
        ContentHit(HOME, SNAP, {"kind": "id_number", "masked": "4301**********0037", "context": "…"}),
        ContentHit(HOME + "a.csv", "b" * 64, {"kind": "mobile", "masked": "139****2468", "context": "…"}),
    ),
)


def test_each_code_with_its_severity_and_status() -> None:
    findings = RULE.evaluate(SITE, {HOMEPAGE: [observation(READ)]}, 2000.0, Settings())
    got = [(f.code, f.severity.value, f.status.value, f.evidence["url"], f.count) for f in findings]
    assert got == [
        ("content.hidden_link", "veto", "violation", "http://bet.example.net/", None),
        ("content.tampered", "veto", "violation", HOME, 1),
        ("content.serious_error", "veto", "unverified", HOME, 2),
        ("privacy.exposed", "deduction", "violation", HOME, 1),
        ("privacy.exposed", "deduction", "violation", HOME + "a.csv", 1),
    ]
    assert all(f.evidence["snapshot"] for f in findings)
    assert len({f.id for f in findings}) == len(findings)
    assert set(RULE.codes) == {f.code for f in findings}


def test_no_verdict_without_a_good_read() -> None:
    assert RULE.evaluate(SITE, {HOMEPAGE: [observation(READ, Outcome.FAILED)]}, 2000.0, Settings()) == []
    assert RULE.evaluate(SITE, {HOMEPAGE: [observation(READ, at=3000.0)]}, 2000.0, Settings()) == []
    assert RULE.evaluate(SITE, {HOMEPAGE: [observation(ContentRead())]}, 2000.0, Settings()) == []


def test_a_failed_read_or_one_without_a_content_part_keeps_the_last_scans_findings() -> None:
    """A read that failed, or one stored before content safety, says nothing about the content: the
    findings stand on the newest read that has a content part."""
    scanned = observation(READ, at=1000.0)
    plain = Observation(HOMEPAGE, SITE.id, "job2", 1500.0, Outcome.OK, None, {"url": HOME, "status": 200})
    findings = RULE.evaluate(SITE, {HOMEPAGE: [scanned, plain]}, 2000.0, Settings())
    assert {f.code for f in findings} == {
        "content.hidden_link",
        "content.tampered",
        "content.serious_error",
        "privacy.exposed",
    }
    assert RULE.evaluate(SITE, {HOMEPAGE: [plain]}, 2000.0, Settings()) == []
