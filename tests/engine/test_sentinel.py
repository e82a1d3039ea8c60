"""Redis high availability through Sentinel: real redis-server and sentinel processes on loopback, the
master killed, a replica promoted, and govmon's client carrying on against the new master."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from monitor.engine.kv.connect import client, find_redis_server, free_port
from monitor.engine.kv.sentinel import SentinelUrl, SentinelUrlError, parse_sentinel_url
from monitor.runtime import redacted

PASSWORD = "s3cret"
SENTINEL_PASSWORD = "sentinel-pw"


def test_the_contract_example_parses():
    parsed = parse_sentinel_url("redis+sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26379/govmon/0")
    assert parsed == SentinelUrl(
        (("10.0.0.1", 26379), ("10.0.0.2", 26379)), "govmon", 0, None, "s3cret", None
    )


def test_user_database_and_sentinel_password_parse():
    parsed = parse_sentinel_url("redis+sentinel://ops:pw@h1:26379/svc/3?sentinel_password=sp")
    assert (parsed.username, parsed.password, parsed.db, parsed.sentinel_password) == ("ops", "pw", 3, "sp")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis+sentinel://h1:26379", "no service name"),
        ("redis+sentinel://h1/govmon", "expected HOST:PORT"),
        ("redis+sentinel://h1:26379/govmon/x", "database must be a number"),
        ("redis+sentinel://h1:26379/govmon?password=x", "unknown option 'password'"),
    ],
)
def test_a_malformed_sentinel_url_says_what_is_wrong(url, message):
    with pytest.raises(SentinelUrlError, match=message):
        parse_sentinel_url(url)


def test_logs_never_show_either_password():
    shown = redacted("redis+sentinel://:s3cret@h1:26379/govmon/0?sentinel_password=sp")
    assert "s3cret" not in shown and "sp&" not in shown and not shown.endswith("=sp")


class Processes:
    """redis-server processes started by one test, all stopped at its end."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.binary = str(find_redis_server())
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> None:
        log = (self.directory / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [self.binary, *args], stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )

    def kill(self, name: str) -> None:
        self.procs[name].kill()
        self.procs[name].wait()

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()


async def eventually(probe, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = await probe()
            if result:
                return result
        except Exception as exc:  # the point of the loop: the service is coming up or failing over
            last = exc
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last error: {last})")


async def role_of(port: int) -> str:
    conn = aioredis.Redis(port=port, password=PASSWORD, decode_responses=True)
    try:
        return str((await conn.execute_command("ROLE"))[0])
    finally:
        await conn.aclose()


async def test_the_client_follows_a_failover_to_the_promoted_replica(tmp_path):
    master, replica, sentinel = free_port(), free_port(), free_port()
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", PASSWORD,
              "--masterauth", PASSWORD]  # fmt: skip
    (tmp_path / "sentinel.conf").write_text(
        f"port {sentinel}\nbind 127.0.0.1\ndir {tmp_path}\nrequirepass {SENTINEL_PASSWORD}\n"
        f"sentinel monitor govmon 127.0.0.1 {master} 1\nsentinel auth-pass govmon {PASSWORD}\n"
        "sentinel down-after-milliseconds govmon 1000\nsentinel failover-timeout govmon 5000\n"
    )
    procs = Processes(tmp_path)
    conn = None
    try:
        procs.start("master", "--port", str(master), "--dir", str(tmp_path), *common)
        await eventually(lambda: role_of(master), 10, "the master to start")
        procs.start("replica", "--port", str(replica), "--dir", str(tmp_path), *common,
                    "--replicaof", "127.0.0.1", str(master))  # fmt: skip
        procs.start("sentinel", str(tmp_path / "sentinel.conf"), "--sentinel")

        url = f"redis+sentinel://:{PASSWORD}@127.0.0.1:{sentinel}/govmon/0?sentinel_password={SENTINEL_PASSWORD}"
        conn = client(url)
        await eventually(lambda: conn.set("govmon:probe", "before"), 15, "the sentinel to name the master")

        async def replicated() -> bool:
            replica_conn = aioredis.Redis(port=replica, password=PASSWORD, decode_responses=True)
            try:
                return await replica_conn.get("govmon:probe") == "before"
            finally:
                await replica_conn.aclose()

        await eventually(replicated, 15, "the replica to copy the master")

        async def sentinel_knows_the_replica() -> bool:
            """A sentinel learns of replicas from the master's INFO (every 10 s): killing the master before that
            leaves it nothing to promote."""
            watcher = aioredis.Redis(port=sentinel, password=SENTINEL_PASSWORD, decode_responses=True)
            try:
                replicas = await watcher.execute_command("SENTINEL", "REPLICAS", "govmon")
                return any(str(known.get("port")) == str(replica) for known in replicas)
            finally:
                await watcher.aclose()

        await eventually(sentinel_knows_the_replica, 30, "the sentinel to discover the replica")

        procs.kill("master")

        async def written_after_failover() -> bool:
            await conn.set("govmon:probe", "after")
            return await conn.get("govmon:probe") == "after"

        await eventually(written_after_failover, 45, "a write through the sentinel URL after the failover")
        assert await role_of(replica) == "master"
    finally:
        if conn is not None:
            await conn.aclose()
        procs.stop_all()
