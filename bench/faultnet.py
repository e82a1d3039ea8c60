"""The network of the fault bench (``bench/faults.py``): worker processes in their own network namespaces,
and the TCP relays that carry their traffic to Redis and to the simulated web in the root namespace.

Each worker slot is a namespace ``govmon-fault-PID-N`` joined to the root namespace by a veth pair
(``10.77.K.1`` on the host side, ``10.77.K.2`` inside, K the first subnet no interface uses yet, a default
route through the host side). The
services the workers reach listen in the root namespace on addresses of ``10.78.0.0/16``, made local
there by one ``ip route add local`` (Linux's AnyIP): ``10.78.0.1`` relays to Redis (the relay the bench
cuts for the outage), ``10.78.0.2`` … one address per simulated host, each relayed to the simulator's own
loopback address (a namespace cannot reach another's loopback). A simulated host that is down gets no relay
address listening, so a connection to it is refused there as it is on loopback.

Everything is undone by ``Network.close`` (namespaces, their veth pairs, the route), also after Ctrl-C;
namespaces a killed bench left behind (its pid gone) are removed at the next start. Two benches may run at
once: each has its own namespaces, veth names and subnets; the route stays with the one that added it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

NAMESPACE_PREFIX = "govmon-fault-"
SERVICE_NETWORK = "10.78.0.0/16"
REDIS_RELAY_ADDRESS = "10.78.0.1"


def ip(*args: str, namespace: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    argv = ["ip", *(["netns", "exec", namespace, "ip"] if namespace else []), *args]
    return subprocess.run(argv, capture_output=True, text=True, check=check)


def unavailable() -> str | None:
    """Why namespaces cannot be used here, or None when they can (root, ``ip``, and a namespace made)."""
    if os.geteuid() != 0:
        return "not root"
    if shutil.which("ip") is None:
        return "no ip command (iproute2)"
    probe = f"{NAMESPACE_PREFIX}probe{os.getpid()}"
    try:
        ip("netns", "add", probe)
    except subprocess.CalledProcessError as error:
        return f"ip netns add failed: {error.stderr.strip()}"
    ip("netns", "del", probe, check=False)
    return None


class Relay:
    """A TCP relay from ``listen`` to ``target`` that can be cut (stop listening, drop every connection) and
    started again on the same port: the link between a worker and Redis going away for a while."""

    def __init__(self, listen_host: str, target: tuple[str, int], port: int = 0) -> None:
        self.listen_host = listen_host
        self.target = target
        self.port = port
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self.listen_host, self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(sink)
            with contextlib.suppress(Exception):
                sink.transport.abort()


class Network:
    """Worker namespaces and the service addresses they reach; ``close`` undoes all of it."""

    def __init__(self) -> None:
        self.slots: list[str] = []
        self.addresses: dict[str, str] = {}  # slot → the worker's own address
        self._route = False

    def open(self) -> None:
        self.remove_leftovers()
        routes = ip("route", "show", "table", "local", SERVICE_NETWORK, check=False).stdout
        if not routes.strip():  # else another bench running now added it, and removes it
            ip("route", "add", "local", SERVICE_NETWORK, "dev", "lo")
            self._route = True

    @staticmethod
    def remove_leftovers() -> None:
        """Namespaces of benches that died without cleaning up (SIGKILL): their pid is gone; and the route,
        when no bench's namespace is left."""
        alive = 0
        for line in ip("netns", "list", check=False).stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            if not name.startswith(NAMESPACE_PREFIX):
                continue
            pid = name.removeprefix(NAMESPACE_PREFIX).split("-")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                ip("netns", "del", name, check=False)
            else:
                alive += 1
        if not alive:
            ip("route", "del", "local", SERVICE_NETWORK, "dev", "lo", check=False)

    def add_slot(self) -> str:
        """One more namespace with its veth pair; returns its name."""
        n, pid = len(self.slots) + 1, os.getpid()
        subnet = free_subnet()
        name, host, inner = f"{NAMESPACE_PREFIX}{pid}-{n}", f"gv{pid}x{n}h", f"gv{pid}x{n}n"
        ip("netns", "add", name)
        self.slots.append(name)
        ip("link", "add", host, "type", "veth", "peer", "name", inner)
        ip("link", "set", inner, "netns", name)
        ip("addr", "add", f"10.77.{subnet}.1/24", "dev", host)
        ip("link", "set", host, "up")
        ip("addr", "add", f"10.77.{subnet}.2/24", "dev", inner, namespace=name)
        ip("link", "set", inner, "up", namespace=name)
        ip("link", "set", "lo", "up", namespace=name)
        ip("route", "add", "default", "via", f"10.77.{subnet}.1", namespace=name)
        self.addresses[name] = f"10.77.{subnet}.2"
        return name

    def close(self) -> None:
        for name in self.slots:
            ip("netns", "del", name, check=False)  # takes its end of the veth pair, and so the pair, along
        self.slots.clear()
        if self._route:
            ip("route", "del", "local", SERVICE_NETWORK, "dev", "lo", check=False)
            self._route = False


def free_subnet() -> int:
    """The first K of 10.77.K.0/24 no interface of the root namespace holds an address in."""
    used = ip("-o", "-4", "addr", "show").stdout
    for k in range(1, 255):
        if f" 10.77.{k}." not in used:
            return k
    raise RuntimeError("no free 10.77.K.0/24 subnet left for a worker namespace")


def service_addresses(count: int) -> list[str]:
    """``10.78.0.2`` … for the simulated hosts (``.1`` is Redis's relay), skipping .0 and .255."""
    hosts = ipaddress.ip_network(SERVICE_NETWORK).hosts()
    next(hosts)
    return [str(a) for a in hosts if int(a) % 256 not in (0, 255)][:count]


async def relay_hosts(
    resolve: dict[str, str], down: Iterable[str], port: int
) -> tuple[dict[str, str], list[Relay]]:
    """Relays from a service address per simulated host to its loopback address; returns the resolve map
    the namespaced workers use, and the relays (none for a down host: refused there too)."""
    down = set(down)
    by_address = sorted(set(resolve.values()))
    mapped = dict(zip(by_address, service_addresses(len(by_address)), strict=True))
    relays = []
    for loopback, address in mapped.items():
        if loopback in down:
            continue
        relay = Relay(address, (loopback, port), port)
        await relay.start()
        relays.append(relay)
    return {host: mapped[address] for host, address in resolve.items()}, relays
