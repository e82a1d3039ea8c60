"""``/api/targets`` and ``/api/targets/ID``: each target of the inventory, whether each check could judge
it and why not (issue 14 item 9, the same judging as ``govmon check``'s, ``monitor.coverage``), and its
deduction score (``monitor.score``).

The list reads only the head of each check's newest observation (``Store.latest_heads``), so a province's
thousands of targets cost a few megabytes of Redis replies, not every stored page; one target's page reads
its observations whole and also says when a crawl ran out of its time budget.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from aiohttp import web

from monitor.checks import CHECKS
from monitor.clock import to_datetime
from monitor.coverage import NOT_JUDGED, judged_state, not_judged_because
from monitor.model import Account, Finding, Observation, Site, Target
from monitor.runtime import Runtime
from monitor.score import Score, score_findings
from monitor.settings import Settings


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=1), status=status, content_type="application/json"
    )


def target_json(target: Target) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": target.id,
        "kind": target.kind,
        "name": target.name,
        "region": target.region,
    }
    if isinstance(target, Site):
        data["url"] = target.url
        data["type"] = target.type
        data["org"] = target.org
    elif isinstance(target, Account):
        data["platform"] = target.platform
        data["feed"] = target.feed or (target.list.url if target.list else None)
        data["org"] = target.org
    return data


def check_json(name: str, observation: Observation | None) -> dict[str, Any]:
    """One check's newest observation of a target: when, whether it judged, and why not."""
    data: dict[str, Any] = {
        "check": name,
        "judged": not_judged_because(observation) is None,
        "why": not_judged_because(observation),
        "observed_at": None,
    }
    if observation is not None:
        data["observed_at"] = to_datetime(observation.observed_at).isoformat(timespec="seconds")
        if observation.payload.get("budget_spent"):
            data["budget_spent"] = True  # a crawl that ran out of its time: judged what it read
    return data


def judged_json(checks: list[dict[str, Any]]) -> dict[str, Any]:
    why = {c["check"]: c["why"] for c in checks}
    return {
        "judged": judged_state(why),
        "not_judged": {name: reason for name, reason in why.items() if reason is not None},
    }


def shown_score(result: Score, judged: str) -> Score | None:
    """The score, or None for a target no check could judge and with no violation against it: a 100 合格
    would claim what govmon never saw (``govmon check`` leaves such targets unscored too)."""
    if judged == NOT_JUDGED and not (result.vetoes or result.deductions):
        return None
    return result


def applicable(target: Target, settings: Settings) -> list[str]:
    return [name for name, check in CHECKS.items() if check.applies_to(target, settings)]


async def list_targets(runtime: Runtime) -> list[dict[str, Any]]:
    """Every target: identity, open findings count, score, whether each check judged it (and why not)."""
    targets = list(runtime.targets.values())
    by_target: dict[str, list[Finding]] = defaultdict(list)
    for finding in await runtime.findings().query():
        by_target[finding.target].append(finding)
    pairs = [(name, target.id) for target in targets for name in applicable(target, runtime.settings)]
    heads = await runtime.store().latest_heads(pairs)
    checks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (name, target_id), observation in zip(pairs, heads, strict=True):
        checks[target_id].append(check_json(name, observation))
    listed = []
    for target in targets:
        findings = by_target.get(target.id, [])
        judged = judged_json(checks[target.id])
        scored = shown_score(score_findings(findings, runtime.settings.scoring), judged["judged"])
        listed.append(
            {
                **target_json(target),
                "findings": len(findings),
                "score": scored.to_json()["score"] if scored else None,
                "verdict": scored.verdict if scored else None,
                **judged,
            }
        )
    return listed


async def one_target(runtime: Runtime, target: Target) -> dict[str, Any]:
    """One target: identity, its current findings (CONTRACT.md JSON), its score with the deductions that
    made it, and each check's newest observation with whether it judged."""
    findings = await runtime.findings().query(target=target.id)
    store = runtime.store()
    checks = [
        check_json(name, await store.latest(name, target.id)) for name in applicable(target, runtime.settings)
    ]
    judged = judged_json(checks)
    scored = shown_score(score_findings(findings, runtime.settings.scoring), judged["judged"])
    return {
        **target_json(target),
        "score": scored.to_json() if scored else None,
        **judged,
        "checks": checks,
        "findings": [f.to_json() for f in findings],
    }


def add_routes(router: web.UrlDispatcher, runtime: Runtime) -> None:
    async def targets_view(request: web.Request) -> web.Response:
        return _json(await list_targets(runtime))

    async def target_view(request: web.Request) -> web.Response:
        target_id = request.match_info["target_id"]
        target = runtime.targets.get(target_id)
        if target is None:
            return _json({"error": f"no target {target_id!r} in the inventory"}, status=404)
        return _json(await one_target(runtime, target))

    router.add_get("/api/targets", targets_view)
    router.add_get("/api/targets/{target_id}", target_view)
