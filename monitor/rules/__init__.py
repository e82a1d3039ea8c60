"""The table of rules. Each rule is pure: (target, history, now, settings) → findings."""

from __future__ import annotations

from monitor.rules import availability
from monitor.rules.base import History, Rule

RULES: tuple[Rule, ...] = (availability.RULE,)

__all__ = ["RULES", "History", "Rule"]
