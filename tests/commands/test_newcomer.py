"""A newcomer's first hour, scripted: every command of README.md and docs/contract.md, run as a user runs it
(``python -m monitor …`` in a fresh process), with good input and with the mistakes people make. None ends in
a traceback, each exits with a code its own ``--help`` documents, and a usage error says what went wrong on
the last stderr line. The demo explains itself and stops within 3 s of Ctrl-C with nothing logged at warning
level."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.commands.helptext import HELP
from monitor.engine.kv.connect import free_port

ROOT = Path(__file__).parents[2]
EXAMPLE = str(ROOT / "config" / "govmon.example.yaml")
PAGE = str(ROOT / "tests" / "extract" / "realpages" / "d008.html")
TINY = """\
sites:
  - {id: "4300000001", name: 测试网站, url: "http://127.0.0.1:9/", region: 省直}
"""
ANSI = "\x1b["


def documented_exits(command: str) -> set[int]:
    """The exit codes ``govmon COMMAND --help`` lists (its epilog's "exit codes:" section)."""
    section = HELP[command].epilog.split("exit codes:", 1)[1]
    return {int(code) for code in re.findall(r"^\s+(\d)\s", section, re.MULTILINE)}


def contract_commands() -> set[str]:
    """The sub-commands docs/contract.md's command table names (``govmon worker`` / ``govmon api`` …)."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    return set(re.findall(r"`govmon ([a-z]+)", text))


def readme_commands() -> list[list[str]]:
    """The ``govmon …`` lines of README.md's shell blocks, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith("govmon "):
                lines.append(command.split()[1:])
    return lines


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    expected: frozenset[int]
    env: tuple[tuple[str, str], ...] = ()

    @property
    def command(self) -> str:
        return next((a for a in self.argv if a in HELP), "")


def case(*argv: str, exits: int | set[int], env: dict[str, str] | None = None) -> Case:
    codes = frozenset({exits} if isinstance(exits, int) else exits)
    return Case(tuple(argv), codes, tuple((env or {}).items()))


def cases(tmp: Path) -> list[Case]:
    tiny = tmp / "govmon.yaml"
    tiny.write_text(TINY, encoding="utf-8")
    bad = tmp / "bad.yaml"
    bad.write_text("sitez: []\n", encoding="utf-8")
    c, b = str(tiny), str(bad)
    readme = [
        case(*argv, exits={0, 1})
        for argv in readme_commands()
        if argv[0] not in ("run", "demo")  # long-running: the lifecycle tests below
    ]
    return [
        *readme,
        case("--version", exits=0),
        case("no-such-command", exits=2),
        # validate
        case("validate", "-c", EXAMPLE, "--list", exits=0),
        case("validate", exits=2),
        case("validate", "-c", str(tmp / "missing.yaml"), exits=2),
        case("validate", "-c", b, exits=2),
        # check
        case("check", "-c", c, exits={0, 1}),
        case("check", "-c", c, "--json", "--as-of", "2026-11-24", exits={0, 1}),
        case("check", exits=2),
        case("check", "-c", c, "--target", "nope", exits=2),
        case("check", "-c", c, "--as-of", "yesterday", exits=2),
        case("check", "-c", c, exits=2, env={"GOVMON_REDIS_URL": "redis://127.0.0.1:9/0"}),
        # inspect
        case("inspect", PAGE, exits=0),
        case("inspect", PAGE, "--json", "--as-of", "2026-11-24", exits=0),
        case("inspect", PAGE, "--as-of", "yesterday", exits=2),
        case("inspect", "http://127.0.0.1:9/", exits=1),
        case("inspect", str(tmp / "saved.html"), exits=2),
        case("inspect", exits=2),
        case("inspect", str(tmp), exits=2),
        case("inspect", "https://[::1/", exits=2),
        # report
        case("report", "--quarter", "2026Q4", "-c", c, exits=0),
        case("report", "--quarter", "2022Q5", "-c", c, exits=2),
        case("report", "-c", c, exits=2),
        case("report", "--quarter", "2026Q4", "-c", c, "--findings", str(tmp / "none.jsonl"), exits=2),
        case("report", "--quarter", "2026Q4", "-c", c, "--format", "pdf", exits=2),
        # findings
        case("findings", "list", "-c", c, exits=0),
        case("findings", "export", "--quarter", "2026Q4", "-c", c, exits=0),
        case("findings", "ack", "nope", "--by", "张三", "--note", "n", "-c", c, exits=2),
        case("findings", "export", "--quarter", "Q4", "-c", c, exits=2),
        case("findings", exits=2),
        # notices
        case("notices", "list", "-c", c, exits=0),
        case("notices", "test", "nope", "-c", c, exits=2),
        case("notices", exits=2),
        # the roles and the demo: usage errors (running them: below)
        case("run", "--listen", "localhost", exits=2),
        case("api", "-c", c, "--listen", "127.0.0.1:999999", exits=2),
        case("worker", "-c", str(tmp / "missing.yaml"), exits=2),
        case("scheduler", exits=2),
        case("demo", "--for", "soon", exits=2),
        case("demo", "--for", "-5", exits=2),
        case("run", "-c", c, "--listen", "192.0.2.1:9731", exits=2),  # not an address of this machine
        *(case(command, "--help", exits=0) for command in HELP),
    ]


def clean_env(tmp: Path, extra: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env |= {"GOVMON_DATA_DIR": str(tmp / "data"), **dict(extra)}
    return env


def run(one: Case, tmp: Path) -> str | None:
    """What is wrong with this run, or None."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "monitor", *one.argv],
            env=clean_env(tmp, one.env), cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"still running after 60 s: govmon {' '.join(one.argv)}"
    said = f"govmon {' '.join(one.argv)} → {done.returncode}\n{done.stderr[-1500:]}"
    if "Traceback" in done.stderr or "Traceback" in done.stdout:
        return f"traceback: {said}"
    if done.returncode not in one.expected:
        return f"expected exit {sorted(one.expected)}: {said}"
    if one.command and done.returncode not in documented_exits(one.command) | {0}:
        return f"exit code not in `govmon {one.command} --help`: {said}"
    if done.returncode == 2:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        if not last.startswith("govmon"):
            return f"a usage error without a govmon line saying what is wrong: {said}"
    if ANSI in done.stdout or ANSI in done.stderr:
        return f"colour codes in a pipe: {said}"
    return None


def test_every_command_with_good_and_bad_input_ends_without_a_traceback(tmp_path):
    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for p in pool.map(lambda one: run(one, tmp_path), cases(tmp_path)) if p]
    assert problems == [], "\n\n".join(problems)


def test_every_contract_and_readme_command_is_exercised_and_documented(tmp_path):
    exercised = {one.command for one in cases(tmp_path)}
    assert contract_commands() <= exercised
    assert {argv[0] for argv in readme_commands()} <= set(HELP)
    for command, entry in HELP.items():
        assert "examples:" in entry.epilog and "exit codes:" in entry.epilog, command


def test_inspect_of_a_loopback_address_names_the_setting_that_allows_it(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "inspect", "http://127.0.0.1:9/"],
        env=clean_env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "GOVMON_ALLOW_PRIVATE_NETWORKS=1" in done.stderr.strip().splitlines()[-1]


def test_run_serves_then_stops_cleanly_on_sigterm(tmp_path):
    """README's ``govmon run -c config/govmon.example.yaml`` (on a free port)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "-c", EXAMPLE, "--listen", f"127.0.0.1:{port}"],
        env=clean_env(tmp_path), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with __import__("urllib.request").request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=1
                ):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("govmon run did not serve /healthz")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err


class Console:
    """A process's stdout lines with the moment each arrived."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._reader.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, pattern: str, timeout_s: float) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if re.search(pattern, line):
                    return at
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in {timeout_s} s:\n" + self.text()[-3000:])

    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)


def test_demo_explains_itself_and_stops_within_3_s_of_ctrl_c(tmp_path):
    err_path = tmp_path / "demo.err"
    with err_path.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "monitor", "demo", "--listen", f"127.0.0.1:{free_port()}"],
            env=clean_env(tmp_path), cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
        )  # fmt: skip
    console = Console(proc)
    try:
        console.wait_for(r" opened +\[", 60)  # the workers are busy: findings are coming in
        proc.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        heard = console.wait_for(r"^govmon demo: stopping…", 5)
        stopped = console.wait_for(r"^govmon demo: stopped$", 10)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    text, errors = console.text(), err_path.read_text()
    assert proc.returncode == 0, errors[-2000:]
    assert heard - interrupted < 0.5, "Ctrl-C was not acknowledged at once"
    assert stopped - interrupted < 3.0, f"stopped {stopped - interrupted:.1f} s after Ctrl-C"
    assert re.search(r"\[(warning|error) *\]", errors) is None, errors[-2000:]
    assert "Traceback" not in errors
    assert ANSI not in text and ANSI not in errors
    assert "a probe every 2 s" in text and "the real rule: 24 probes a day over 7 days" in text
    assert "status: violation = true now" in text
    rows = re.findall(r"^  \S+\s+http://\S+\s+(\w+) +(.+)$", text, re.MULTILINE)
    assert len(rows) == 12
    assert {word for word, _ in rows} <= {"up", "down", "error", "slow", "flaky"}
    assert any("stale columns" in what for _, what in rows)  # not "healthy" for a site vetoed for them


@pytest.fixture(autouse=True)
def no_stray_redis(tmp_path):
    """Whatever a case started under the data directory is gone when the test ends (the last user stops it)."""
    yield
    for socket_path in (
        tmp_path / "data" / "redis" / "redis.sock",
        tmp_path / "data" / "demo" / "redis" / "redis.sock",
    ):
        assert not socket_path.exists() or not _answers(socket_path), (
            "a command left its embedded Redis running"
        )


def _answers(socket_path: Path) -> bool:
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect(str(socket_path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def test_demo_piped_into_head_stops_quietly(tmp_path):
    """``govmon demo | head -3``: once the reader is gone the demo stops the graceful way, without a traceback
    and without leaving its Redis running (the autouse fixture checks the data directory)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "demo", "--listen", f"127.0.0.1:{free_port()}"],
        env=clean_env(tmp_path), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        head = [proc.stdout.readline() for _ in range(3)]
        proc.stdout.close()
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert head[0].startswith("govmon demo: 12 simulated sites")
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err and "BrokenPipe" not in err, err[-2000:]
