"""column.misfiled (栏目内容错放, deduction): news reports published in a policy-document column.

A heuristic. A document carries a 文号 (湘政发〔2022〕3号, [2022]3号) or names its form (通知、意见、
办法、决定、规定、批复、公告、方案、要点 … ``columns.document_forms``); a news report does neither. A
notice column whose name holds a ``columns.policy_keywords`` word (政策文件, 规范性文件 …) is a
policy-document column; 通知公告 and 政策解读 are not (announcements and explainers need no form).
Its precision on the simulator is in docs/freshness.md. One finding per column, the items as evidence.
"""

from __future__ import annotations

import re

from monitor.model import Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.rules.column_state import SiteColumns, columns_rule
from monitor.settings import ColumnsSettings, Settings

CODE = "column.misfiled"
DOC_NUMBER = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d+\s*号|第\s*\d+\s*号")
SHOWN_ITEMS = 10


def is_document(title: str, settings: ColumnsSettings) -> bool:
    """A title that names a document: a 文号 or a document form word."""
    return bool(DOC_NUMBER.search(title)) or any(form in title for form in settings.document_forms)


def is_policy_column(name: str, settings: ColumnsSettings) -> bool:
    return any(word in name for word in settings.policy_keywords) and "解读" not in name


def column_misfiled(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """column.misfiled: one finding per policy-document column holding enough news items."""
    cfg = settings.columns
    findings = []
    for column in site.columns:
        if column.category != "notice" or not is_policy_column(column.name, cfg):
            continue
        items = column.entry.items or ()
        news = [i for i in items if i.title and not is_document(i.title, cfg)]
        if len(news) < cfg.misfiled_min_items:
            continue
        message = f"政策文件类栏目“{column.name}”中有 {len(news)} 条非文件信息（如“{news[0].title}”）"
        evidence = column.evidence | {"items": [i.to_payload() for i in news[:SHOWN_ITEMS]]}
        findings.append(
            make_finding(
                target,
                CODE,
                Severity.DEDUCTION,
                Status.VIOLATION,
                message,
                now,
                evidence=evidence,
                count=len(news),
            )
        )
    return findings


RULE = columns_rule(CODE, {CODE: Severity.DEDUCTION}, column_misfiled)
