"""The table of rules. Each rule is pure: (target, history, now, settings) → findings."""

from __future__ import annotations

from monitor.rules import availability
from monitor.rules import media as media_rule
from monitor.rules.base import History, Rule

RULES: tuple[Rule, ...] = (availability.RULE, media_rule.RULE)

__all__ = ["RULES", "History", "Rule"]
