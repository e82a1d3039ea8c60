"""Other rules' homepage findings carry the homepage read's snapshot; others and those with one are untouched."""

from __future__ import annotations

from monitor.model import Observation, Outcome, Severity, Site, Status
from monitor.observations import CONTENT, HOMEPAGE, ContentRead
from monitor.rules.base import make_finding
from monitor.rules.snapshots import with_homepage_snapshot

SITE = Site(id="4300000001", name="某某市人民政府", url="http://www.example.gov.cn/", region="省直")
SNAP = "c" * 64


def test_homepage_findings_get_the_snapshot() -> None:
    payload = {"url": SITE.url, "final_url": SITE.url + "index.html", "status": 200, "encoding": "utf-8",
               CONTENT: ContentRead(snapshot=SNAP).to_payload()}  # fmt: skip
    history = {HOMEPAGE: [Observation(HOMEPAGE, SITE.id, "j", 100.0, Outcome.OK, None, payload)]}

    def finding(code: str, **evidence: str):  # type: ignore[no-untyped-def]
        return make_finding(SITE, code, Severity.VETO, Status.VIOLATION, "m", 100.0, evidence=evidence)

    findings = [
        finding("homepage.stale", url="http://www.example.gov.cn"),
        finding("links.broken_homepage", url="http://x.example.com/a", page=SITE.url + "index.html"),
        finding("links.broken", url="http://x.example.com/b", page=SITE.url + "zwgk/"),
        finding("content.tampered", url=SITE.url, snapshot="d" * 64),
    ]
    got = [f.evidence.get("snapshot") for f in with_homepage_snapshot(SITE, findings, history, 200.0)]
    assert got == [SNAP, SNAP, None, "d" * 64]
    assert with_homepage_snapshot(SITE, findings, {}, 200.0) == findings
