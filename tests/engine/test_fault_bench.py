"""bench/faults.py in its smallest form: a fault-free run and a run through a scheduler failover, a worker
SIGKILL, a cut link to Redis and a Redis restart, side by side on one simulated province (the workers as plain
processes here, since tests talk only to loopback; ``python -m bench.faults`` puts each in its own network
namespace). What tests/engine/test_faults.py does not show: the
findings of the two runs are equal, and the dead-letter stream holds only the job the simulator made
poisonous (a feed that never ends). About 70 s: both runs' load phase is 24 s, then the poison's last
job takes two deliveries of 12 s (a job timeout short enough to be quick, long enough that the crawls' time
budget, 80 % of it, still reads the small province on a busy machine: at 6 s they ran out in one run and
not the other), and one kill in 24 s leaves max_deliveries 2 to the poison alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faults import POISON_ID, bench, parse_args

pytestmark = [pytest.mark.slow, pytest.mark.long]  # ~70 s: `python -m pytest -m long`; CI runs test_faults.py


async def test_findings_through_faults_equal_a_fault_free_run(tmp_path: Path) -> None:
    # tests talk only to loopback: no namespaces here (python -m bench.faults uses them)
    args = parse_args(
        ["--minutes", "0.4", "--sites", "4", "--workers", "2", "--cut-s", "4", "--kills", "1",
         "--job-timeout-s", "12", "--max-deliveries", "2", "--no-netns"]
    )  # fmt: skip
    outcome = await bench(args, tmp_path)
    free, hurt = outcome.audits["fault-free"], outcome.audits["faults"]
    assert free.findings, "the province has findings to compare"
    assert hurt.findings == free.findings
    for audit in (free, hurt):
        assert audit.drained
        assert audit.lost == 0  # every job enqueued was recorded or dead-lettered
        assert audit.recorded_twice == 0
        assert audit.kept_observations == audit.kept_recorded  # one observation per done marker
        assert set(audit.deadletter) == {("media", POISON_ID)}  # the poison, and nothing else
    assert hurt.retried > 0  # the killed worker's jobs came back by reclaim
    events = "\n".join(outcome.runs["faults"].events)
    for fault in ("holds the lease now", "SIGKILLed (pid", "link to Redis restored", "restarted on its AOF"):
        assert fault in events
