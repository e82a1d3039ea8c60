"""``govmon demo`` as a newcomer runs it: within a minute and a half the console names exactly the simulated
sites that were made unreachable (while the content checks crawl every site and account too), and the
command ends cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from monitor.engine.kv.connect import free_port

pytestmark = pytest.mark.slow
BANNER_ROW = re.compile(r"^  (\S+)\s+http://\S+\s+(\w+)\b")
OPENED = re.compile(r"opened\s+\[veto/violation\] (\S+) \(\d+\) site\.unreachable")


def test_demo_shows_the_unreachable_sites_and_content_findings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--for", "90", "--listen", f"127.0.0.1:{free_port()}"],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    profiles = dict(m.groups() for line in done.stdout.splitlines() if (m := BANNER_ROW.match(line)))
    assert len(profiles) == 12
    injected = {name for name, profile in profiles.items() if profile in {"down", "error", "slow", "flaky"}}
    opened = set(OPENED.findall(done.stdout))
    assert opened == injected, done.stdout[-3000:]
    codes = set(re.findall(r"opened\s+\[\w+/\w+\] .*? \(\S+\) ([a-z_]+\.[a-z_]+):", done.stdout))
    assert {"column.stale", "media.stale"} <= codes, sorted(codes)  # content checks ran too
    notified = set(re.findall(r"notice   → owner/(\S+): 【单项否决】", done.stdout))  # what owners received
    assert len(notified) >= len(injected), done.stdout[-3000:]  # each unreachable site's owner heard of it
    assert "govmon demo: stopped" in done.stdout
