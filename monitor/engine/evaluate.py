"""Rule evaluation for one target: load the histories the rules need, run every rule, store findings.

Runs as the ``evaluate`` job kind (scheduled periodically, since staleness grows with the clock even when
nothing is observed, and brought forward when a new observation lands) and from ``govmon check``.
"""

from __future__ import annotations

from monitor.engine.findings import FindingStore
from monitor.engine.store import Store
from monitor.model import Finding, Observation, Target
from monitor.rules import RULES, Rule
from monitor.settings import Settings

JOB_KIND = "evaluate"


class Evaluator:
    def __init__(
        self, store: Store, findings: FindingStore, settings: Settings, rules: tuple[Rule, ...] = RULES
    ) -> None:
        self._store = store
        self._findings = findings
        self._settings = settings
        self._rules = rules

    async def evaluate(self, target: Target, now: float) -> list[Finding]:
        lookback_s = max(rule.lookback_s(self._settings) for rule in self._rules)
        history: dict[str, list[Observation]] = {}
        for check in sorted({check for rule in self._rules for check in rule.needs}):
            history[check] = await self._store.history(check, target.id, since=now - lookback_s, until=now)
        findings = [f for rule in self._rules for f in rule.evaluate(target, history, now, self._settings)]
        await self._findings.replace(target.id, findings)
        return findings
