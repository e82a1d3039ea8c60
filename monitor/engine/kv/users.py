"""Who uses a data directory's embedded Redis: one file per attached process, under one lock.

The roles of one data directory share its redis-server (CONTRACT.md): ``govmon worker``, ``scheduler``,
``api`` and one-shot commands started on one machine all talk to it, and it must stop when the last of
them exits, never under a sibling still running. Each user writes ``users/<pid>.<token>`` when it attaches
and removes it when it detaches; files of processes that died without detaching (SIGKILL, a crash) are
pruned by pid. Attaching, detaching and deciding to start or stop the server happen under an exclusive
``fcntl.flock`` on ``users.lock``, so a process attaching while the last one stops the server waits and
then starts a fresh one instead of joining a server that is going away.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """Signal 0 checks existence (EPERM: it exists under another user); a zombie, exited but not yet
    reaped by its parent, counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


class Users:
    """The attachment files of one embedded Redis directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / "users"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive across processes (and across threads, each with its own open file)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory.parent / "users.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, token: str) -> None:
        """Call under ``locked()``."""
        (self.directory / f"{os.getpid()}.{token}").touch()

    def remove(self, token: str) -> None:
        """Call under ``locked()``."""
        (self.directory / f"{os.getpid()}.{token}").unlink(missing_ok=True)

    def alive(self) -> list[str]:
        """The attachment files of live processes; those of dead ones are deleted. Call under ``locked()``."""
        alive = []
        for path in self.directory.glob("*.*"):
            pid, _, _ = path.name.partition(".")
            if pid.isdigit() and pid_alive(int(pid)):
                alive.append(path.name)
            else:
                path.unlink(missing_ok=True)
        return sorted(alive)
