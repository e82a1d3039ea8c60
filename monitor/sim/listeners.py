"""Loopback addresses and their sockets: one port, one address per host, some addresses refusing.

Each simulated host gets its own 127.x.y.z address, so per-host politeness in the crawler meets
real, separate connection pools. All listen on the same port, which is how URLs can carry one port
for every host. A "down" address holds a socket that is bound but not listening: connecting to it is
refused (RST), and no other process can take that address and port while we hold it.

Going down or up at runtime is synchronous at the kernel level (close / bind+listen happen in the
call), so a test that flips a host sees the effect on its very next connection.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable, Iterable

BACKLOG = 1024
BIND_ATTEMPTS = 20


def loopback_addresses(count: int) -> list[str]:
    """127.0.0.2, 127.0.0.3 … skipping .0 and .255 and 127.0.0.1 (where other services live)."""
    addresses: list[str] = []
    n = 2
    while len(addresses) < count:
        high, low = divmod(n, 256)
        if low not in (0, 255):
            addresses.append(f"127.{high // 256}.{high % 256}.{low}")
        n += 1
    return addresses


def _socket(address: str, port: int, listen: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET  # ::1 for the sites with IPv6 (sim.ipv6)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        if listen:
            sock.listen(BACKLOG)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class Listeners:
    """The sockets of all addresses; ``serve`` attaches a protocol factory to the listening ones."""

    def __init__(self, addresses: Iterable[str], down: Iterable[str], port: int | None = None) -> None:
        self.addresses = list(addresses)
        self.down = set(down)
        self.port = port or 0
        self._fixed_port = port is not None
        self._sockets: dict[str, socket.socket] = {}
        self._servers: dict[str, asyncio.Server] = {}
        self._pending: set[asyncio.Task[None]] = set()
        self._factory: Callable[[], asyncio.Protocol] | None = None

    def open(self) -> int:
        """Bind every address on one port (the kernel picks it unless fixed); retry on a clash."""
        for _ in range(BIND_ATTEMPTS):
            try:
                self._bind_all()
                return self.port
            except OSError as error:
                self._close_sockets()
                if error.errno != errno.EADDRINUSE or self._fixed_port:
                    raise
                self.port = 0
        raise OSError(errno.EADDRINUSE, "no port free on all simulated addresses")

    def _bind_all(self) -> None:
        for address in self.addresses:
            sock = _socket(address, self.port, listen=address not in self.down)
            self._sockets[address] = sock
            if not self.port:
                self.port = sock.getsockname()[1]

    async def serve(self, factory: Callable[[], asyncio.Protocol]) -> None:
        self._factory = factory
        for address, sock in self._sockets.items():
            if address not in self.down:
                await self._start(address, sock)

    async def _start(self, address: str, sock: socket.socket) -> None:
        assert self._factory is not None
        loop = asyncio.get_running_loop()
        self._servers[address] = await loop.create_server(self._factory, sock=sock, backlog=BACKLOG)

    def set_down(self, address: str, down: bool) -> None:
        """Refuse (or accept again) connections on ``address``, effective before this returns."""
        if down == (address in self.down):
            return
        if down:
            self.down.add(address)
            server = self._servers.pop(address, None)
            if server is not None:
                server.close()  # closes the listening socket now; the socket object is the server's
            else:
                self._sockets[address].close()
            self._sockets[address] = _socket(address, self.port, listen=False)
        else:
            self.down.discard(address)
            self._sockets.pop(address).close()
            sock = _socket(address, self.port, listen=True)  # connections queue in the backlog from here
            self._sockets[address] = sock
            if self._factory is not None:
                task = asyncio.get_running_loop().create_task(self._start(address, sock))
                self._pending.add(task)
                task.add_done_callback(self._pending.discard)

    async def close(self) -> None:
        """Stop listening everywhere. Open connections are the HTTP server's to close, then ``wait_closed``."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        for server in self._servers.values():
            server.close()
        self._close_sockets()

    async def wait_closed(self) -> None:
        for server in self._servers.values():
            await server.wait_closed()
        self._servers.clear()

    def _close_sockets(self) -> None:
        for sock in self._sockets.values():
            sock.close()
        self._sockets.clear()
