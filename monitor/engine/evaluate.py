"""Rule evaluation for one target: load the histories the rules need, run every rule, store findings.

Runs as the ``evaluate`` job kind (scheduled periodically, since staleness grows with the clock even when
nothing is observed, and brought forward when a new observation lands) and from ``govmon check``. After the
current findings are stored, the findings lifecycle (``monitor.engine.lifecycle``) merges them, told which
rules had observations to judge from: a rule without data is no evidence that its findings went away.
"""

from __future__ import annotations

from monitor.engine.confirmations import Confirmations
from monitor.engine.findings import FindingStore
from monitor.engine.lifecycle import Lifecycle
from monitor.engine.store import Store
from monitor.model import Finding, Observation, Outcome, Target
from monitor.rules import RULES, Rule
from monitor.rules.snapshots import with_homepage_snapshot
from monitor.settings import Settings

JOB_KIND = "evaluate"


class Evaluator:
    def __init__(
        self,
        store: Store,
        findings: FindingStore,
        settings: Settings,
        rules: tuple[Rule, ...] = RULES,
        *,
        lifecycle: bool = True,
    ) -> None:
        """``lifecycle`` False: store the current findings only (``govmon check --as-of`` judges another
        moment, which must not enter the findings' history)."""
        self._store = store
        self._findings = findings
        self._settings = settings
        self._rules = rules
        self._lifecycle = Lifecycle(findings.redis, findings.keys, settings.findings) if lifecycle else None

    async def evaluate(self, target: Target, now: float) -> list[Finding]:
        since = {check: now - lookback_s for check, lookback_s in self._lookbacks().items()}
        history: dict[str, list[Observation]] = await self._store.histories(target.id, since, until=now)
        rule_of: dict[str, str] = {}
        findings: list[Finding] = []
        for rule in self._rules:
            for finding in rule.evaluate(target, history, now, self._settings):
                findings.append(finding)
                rule_of[finding.id] = rule.name
        findings = await Confirmations(self._findings.redis, self._findings.keys).applied(target.id, findings)
        findings = with_homepage_snapshot(target, findings, history, now)
        await self._findings.replace(target.id, findings)
        if self._lifecycle is not None:
            judged = {rule.name: had_data(rule, history, now, self._settings) for rule in self._rules}
            await self._lifecycle.apply(target, findings, now, judged=judged, rule_of=rule_of)
        return findings

    def _lookbacks(self) -> dict[str, float]:
        """How far back to load each check's history: the longest lookback of the rules that read it. A
        rule that needs only a recent homepage read must not make every evaluation parse a week of them
        because the availability rule looks back a week at its own samples."""
        lookbacks: dict[str, float] = {}
        for rule in self._rules:
            for check in rule.needs:
                lookbacks[check] = max(lookbacks.get(check, 0.0), rule.lookback_s(self._settings))
        return dict(sorted(lookbacks.items()))


def had_data(rule: Rule, history: dict[str, list[Observation]], now: float, settings: Settings) -> bool:
    """Whether ``rule`` had something to judge: an OK observation of each check it reads, within its
    lookback. Without one (not observed yet, every read failed) it gives no verdict on its findings."""
    since = now - rule.lookback_s(settings)
    return all(
        any(o.outcome is Outcome.OK and since <= o.observed_at <= now for o in history.get(check, ()))
        for check in rule.needs
    )
