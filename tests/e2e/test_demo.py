"""``govmon demo`` as a newcomer runs it: within a minute and a half the console names exactly the simulated
sites that were made unreachable (while the content checks crawl every site and account too), and the
command ends cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from monitor.engine.kv.connect import free_port

pytestmark = pytest.mark.slow
BANNER_ROW = re.compile(r"(?m)^  (\S+)\s+http://\S+\s+(\w+)\b")
OPENED = re.compile(r"opened\s+\[veto/violation\] (\S+) \(\d+\) site\.unreachable")
NOTIFIED = re.compile(r"notice   → owner/(\S+): 【单项否决】")


def test_demo_shows_the_unreachable_sites_and_content_findings(tmp_path):
    """Everything asserted below is on the console within ``--for 90``; the test presses Ctrl-C as soon as
    it all is (about 35 s in), as a newcomer would, so the clean stop is asserted on that path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(tmp_path)
    demo = subprocess.Popen(
        [sys.executable, "-m", "monitor", "demo", "--for", "90", "--listen", f"127.0.0.1:{free_port()}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert demo.stdout is not None
    lines: list[str] = []
    try:
        for line in demo.stdout:  # ends when the demo's --for runs out, at the latest
            lines.append(line)
            if ("opened" in line or "notice" in line) and _everything_shown("".join(lines)):
                demo.send_signal(signal.SIGINT)
                break
        out, err = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
    stdout = "".join(lines) + out
    assert demo.returncode == 0, err[-2000:]
    injected = _injected(stdout)
    assert set(OPENED.findall(stdout)) == injected, stdout[-3000:]
    codes = _opened_codes(stdout)
    assert {"column.stale", "media.stale"} <= codes, sorted(codes)  # content checks ran too
    notified = set(NOTIFIED.findall(stdout))  # what owners received
    assert len(notified) >= len(injected), stdout[-3000:]  # each unreachable site's owner heard of it
    assert "govmon demo: stopped" in stdout


def _injected(stdout: str) -> set[str]:
    """The sites the banner says were made unreachable (its 12 rows name each site's profile)."""
    profiles = dict(m.groups() for line in stdout.splitlines() if (m := BANNER_ROW.match(line)))
    assert len(profiles) == 12
    return {name for name, profile in profiles.items() if profile in {"down", "error", "slow", "flaky"}}


def _opened_codes(stdout: str) -> set[str]:
    return set(re.findall(r"opened\s+\[\w+/\w+\] .*? \(\S+\) ([a-z_]+\.[a-z_]+):", stdout))


def _everything_shown(stdout: str) -> bool:
    """What the assertions need is on the console already (they still judge it all after the stop)."""
    injected = _injected(stdout) if len(BANNER_ROW.findall(stdout)) >= 12 else None
    return (
        injected is not None
        and set(OPENED.findall(stdout)) >= injected
        and {"column.stale", "media.stale"} <= _opened_codes(stdout)
        and len(set(NOTIFIED.findall(stdout))) >= len(injected)
    )
