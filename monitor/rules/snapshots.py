"""Evidence for the other rules' homepage findings: the homepage snapshot the homepage read kept.

A finding about the homepage (``evidence.url`` or ``evidence.page`` is the homepage: a stale homepage, a
missing footer item, a broken homepage link) gets the newest homepage read's ``evidence.snapshot`` when its
rule gave none, so an owner sees the page as govmon saw it whatever the rule. Pure: findings and the
homepage history in, findings out; a finding's identity (target, code, ``evidence.url``) is unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from monitor.model import Finding, Site, Target
from monitor.observations import HomepageRead
from monitor.rules.base import History
from monitor.rules.content import newest_scan


def _same_page(a: str, b: str) -> bool:
    return bool(a) and a.rstrip("/") == b.rstrip("/")


def with_homepage_snapshot(
    target: Target, findings: Sequence[Finding], history: History, now: float
) -> list[Finding]:
    found = newest_scan(history, now) if isinstance(target, Site) else None
    if found is None or not found[1].snapshot:
        return list(findings)
    newest, content = found
    read = HomepageRead.from_observation(newest)
    pages = [p for p in (target.url if isinstance(target, Site) else "", read.url, read.final_url) if p]
    out = []
    for finding in findings:
        evidence = finding.evidence
        where = [str(evidence.get("url") or ""), str(evidence.get("page") or "")]
        if "snapshot" not in evidence and any(_same_page(w, p) for w in where for p in pages):
            finding = dataclasses.replace(finding, evidence={**evidence, "snapshot": content.snapshot})
        out.append(finding)
    return out
