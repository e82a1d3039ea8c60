"""topic.expired (过期专题未归档, deduction): a special topic (专题) the homepage still presents as
current long after its last update. A topic column linked from the homepage (first-level, category
``topic``) whose newest item is older than ``columns.topic_expired_days`` (180). One finding per topic.
"""

from __future__ import annotations

from monitor.model import Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.rules.column_state import SiteColumns, columns_rule
from monitor.settings import Settings

CODE = "topic.expired"


def topic_expired(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """topic.expired: a first-level topic column idle past ``columns.topic_expired_days``."""
    limit = settings.columns.topic_expired_days
    findings = []
    for column in site.columns:
        if column.category != "topic" or not column.first_level or column.newest is None:
            continue
        idle = (site.today - column.newest).days
        if idle <= limit:
            continue
        message = f"首页专题“{column.name}”最近更新于 {column.newest.isoformat()}（{idle} 天前），未归档"
        evidence = column.evidence | {"limit_days": limit}
        findings.append(
            make_finding(target, CODE, Severity.DEDUCTION, Status.VIOLATION, message, now, evidence=evidence)
        )
    return findings


RULE = columns_rule(CODE, {CODE: Severity.DEDUCTION}, topic_expired)
