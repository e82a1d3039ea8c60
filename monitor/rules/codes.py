"""Every finding code of docs/indicators.md with its severity: the one list a person's input is checked against.

A manual finding (``govmon findings add``, ``POST /api/findings``) must carry one of these codes, so that the
report and the notices read it like a rule's. tests/rules/test_codes.py holds this table to
docs/indicators.md's tables, so the two cannot drift.
"""

from __future__ import annotations

from types import MappingProxyType

from monitor.model import Severity

_VETO = Severity.VETO
_DEDUCTION = Severity.DEDUCTION

CODES = MappingProxyType(
    {
        # websites: single-veto items (单项否决)
        "site.unreachable": _VETO,
        "homepage.stale": _VETO,
        "columns.stale": _VETO,
        "columns.long_stale": _VETO,
        "columns.empty": _VETO,
        "interaction.missing": _VETO,
        "interaction.unanswered": _VETO,
        "service.missing": _VETO,
        "content.hidden_link": _VETO,
        "content.tampered": _VETO,
        "content.future_date": _VETO,
        "content.serious_error": _VETO,
        # websites: deductions (扣分) and advisories
        "column.stale": _DEDUCTION,
        "column.empty": _DEDUCTION,
        "links.broken_homepage": _DEDUCTION,
        "links.broken": _DEDUCTION,
        "service.not_linked": _DEDUCTION,
        "service.broken": _DEDUCTION,
        "interaction.replies_stale": _DEDUCTION,
        "homepage.annual_report_missing": _DEDUCTION,
        "homepage.required_topic_missing": _DEDUCTION,
        "topic.expired": _DEDUCTION,
        "column.misfiled": _DEDUCTION,
        "footer.identifier_missing": _DEDUCTION,
        "site.domain_nonconforming": _DEDUCTION,
        "privacy.exposed": _DEDUCTION,
        "site.search_broken": _DEDUCTION,
        "service.guide_incomplete": _DEDUCTION,
        "site.ipv6_missing": _DEDUCTION,
        # new media accounts
        "media.stale": _VETO,
        "media.never_published": _VETO,
        "media.interaction_missing": _VETO,
        "media.stale_week": _DEDUCTION,
        "media.feed_unreachable": Severity.WARNING,
    }
)
"""code → severity, in docs/indicators.md's order."""

ACCOUNT_PREFIX = "media."
"""Codes about new-media accounts; every other code is about a website."""


def applies_to(code: str, target_kind: str) -> bool:
    """Whether ``code`` can be found on a target of this kind (``site`` or ``account``)."""
    return code.startswith(ACCOUNT_PREFIX) == (target_kind == "account")
