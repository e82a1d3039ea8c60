"""办事指南要素缺失 (国办秘函〔2019〕19号, deduction): ``service.guide_incomplete``, one finding per service guide
that lacks a required element (``guides.elements``: 办理条件、申请材料、办理流程、办理时限 and their synonyms),
from the newest ``services`` observation. The missing elements are named in the message and the evidence.

Only guides the services check judged count: a page that names no element (a list of guides, a page a script
fills), a guide that did not open (``links.broken`` reports dead links) and a guide on the 一体化平台 left
unopened (``guides.judge_platform``) yield nothing. A homepage govmon could not read yields nothing.
"""

from __future__ import annotations

from monitor.model import Finding, Severity, Site, Status, Target
from monitor.observations import SERVICES as SERVICES_CHECK
from monitor.observations import ServicesRead
from monitor.rules.base import History, Rule, make_finding, newest_if_ok
from monitor.settings import Settings

CODE = "service.guide_incomplete"


def lookback_s(settings: Settings) -> float:
    return 3 * settings.services.interval_s


def judge_guides(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """One violation per judged guide with a missing element, in the order the guides were read."""
    if not isinstance(target, Site):
        return []
    newest = newest_if_ok(history, SERVICES_CHECK, now)
    if newest is None:
        return []
    findings = []
    for guide in ServicesRead.from_observation(newest).guides or ():
        if guide.result != "judged" or not guide.missing:
            continue
        name = guide.title or guide.text
        message = f"办事指南“{name}”缺少{'、'.join(guide.missing)}"
        evidence = {
            "url": guide.url,
            "text": guide.text,
            "title": guide.title,
            "missing": list(guide.missing),
            "found": list(guide.found),
        }
        findings.append(
            make_finding(
                target, CODE, Severity.DEDUCTION, Status.VIOLATION, message, now,
                evidence=evidence, count=len(guide.missing),
            )
        )  # fmt: skip
    return findings


RULE = Rule("guides", {CODE: Severity.DEDUCTION}, (SERVICES_CHECK,), lookback_s, judge_guides)
