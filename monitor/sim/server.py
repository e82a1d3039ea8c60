"""``SimWeb``: the simulated government web, served on loopback and routed by the Host header.

Usage::

    async with SimWeb(seed=1, now=now, sites="demo") as sim:
        config = sim.inventory()          # a complete govmon configuration
        sim.set_profile(sim.sites[0].host, down=True)   # connections refused from now on

Pages are rendered from the records on first request and kept in a bounded LRU cache, so the
benchmark's thousands of requests a second cost a dict lookup each. Hostile endpoints stream and
sleep asynchronously; nothing here blocks the loop.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import email.utils
import random
from collections.abc import Sequence
from types import TracebackType
from zoneinfo import ZoneInfo

from aiohttp import web

from monitor.sim import catalogue, fidelity, ipv6, searchcases, truth
from monitor.sim.catalogue import (
    BOT_HOST,
    BRIDGE_HOST,
    CONTROL_HOST,
    EXTERNAL_HOSTS,
    HOSTILE_HOST,
    PLATFORM_HOST,
    UNREACHABLE_HOST,
)
from monitor.sim.contentcases import CONTENT_HOSTS
from monitor.sim.feeds import FeedRenderer
from monitor.sim.hostile import Hostile, is_bot
from monitor.sim.listeners import Listeners, loopback_addresses
from monitor.sim.mediacases import SLOW_BRIDGE_HOST, build_media_cases
from monitor.sim.pages import SiteRenderer
from monitor.sim.platform import PlatformRenderer
from monitor.sim.profiles import MAX_PATHS, HostProfile, HostStats
from monitor.sim.records import SimAccount, SimSite, SiteSpec
from monitor.sim.reply import Reply, simple_page
from monitor.sim.scenarios import specs_for
from monitor.sim.searchcases import SEARCH_HOST, SEARCH_PATHS

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_USER_AGENTS = 32


@dataclasses.dataclass(slots=True)
class Host:
    name: str
    role: str  # site | platform | bridge | hostile | control | bot | external | unreachable
    address: str
    profile: HostProfile
    stats: HostStats = dataclasses.field(default_factory=HostStats)
    renderer: SiteRenderer | None = None
    workers: asyncio.Semaphore | None = None  # SimWeb's host_concurrency: requests answered at once


def as_shanghai(now: dt.datetime | None) -> dt.datetime:
    """``now`` as an aware Asia/Shanghai datetime (naive means Shanghai); None is the current second."""
    if now is None:
        return dt.datetime.now(SHANGHAI).replace(microsecond=0)
    if now.tzinfo is None:
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


class SimWeb:
    """The simulated web. ``sites``: a count (a seeded, mostly healthy mix), ``"demo"``, or explicit specs.

    ``slow_latency_s`` is how long a ``slow`` host takes to answer (default: 5 s past
    ``probe_timeout_s``); ``latency_s`` delays every answer of every host by that much more (server side,
    an ``asyncio.sleep``, so the loop keeps serving: a far-away web for the link-checker benchmark);
    ``host_concurrency`` lets each host answer at most that many requests at once, the rest waiting with their
    connection open, as behind a server's worker pool (a client's per-host limit, imposed on any client);
    ``flaky_ratio`` is a ``flaky`` host's failure share; ``accounts`` the
    number of accounts beyond the five archetypes (default: a fifth of the sites for counts, 0 otherwise).
    A count beyond the province's slots (326) adds replicas of them (``catalogue.replicate``);
    ``site_addresses`` makes the sites share that many loopback addresses (virtual hosts by Host header).
    """

    def __init__(
        self,
        seed: int = 1,
        now: dt.datetime | None = None,
        sites: int | str | Sequence[SiteSpec] = 12,
        scenario: str | None = None,
        *,
        port: int | None = None,
        probe_timeout_s: float = 15.0,
        slow_latency_s: float | None = None,
        latency_s: float = 0.0,
        host_concurrency: int | None = None,
        flaky_ratio: float = 0.3,
        accounts: int | None = None,
        cache_pages: int = 4096,
        media_cases: bool = False,
        slow_bridge_latency_s: float = 1.0,
        site_addresses: int | None = None,
    ) -> None:
        self.seed = seed
        self.now = as_shanghai(now)
        chosen = scenario if scenario is not None else sites
        capacity = len(catalogue.slots(seed))
        if isinstance(chosen, int) and chosen > capacity:  # beyond the province's slots: replicas
            specs = specs_for(seed, capacity)
            self._sites = catalogue.replicate(catalogue.build_sites(seed, self.now, specs), chosen)
        else:
            specs = specs_for(seed, chosen) if isinstance(chosen, int | str) else tuple(chosen)
            self._sites = catalogue.build_sites(seed, self.now, specs)
        extra = accounts if accounts is not None else (len(specs) // 5 if isinstance(chosen, int) else 0)
        self._accounts = catalogue.build_accounts(seed, self.now, extra)
        self.media_cases = media_cases
        self.slow_bridge_latency_s = slow_bridge_latency_s
        self.slow_bridge_host = SLOW_BRIDGE_HOST
        if media_cases:
            self._accounts += build_media_cases(seed, self.now, BRIDGE_HOST)
        self.slow_latency_s = probe_timeout_s + 5.0 if slow_latency_s is None else slow_latency_s
        self.flaky_ratio = flaky_ratio
        if latency_s < 0:
            raise ValueError(f"latency_s must be 0 or more, not {latency_s}")
        self.latency_s = latency_s
        if host_concurrency is not None and host_concurrency < 1:
            raise ValueError(f"host_concurrency must be 1 or more, not {host_concurrency}")
        self.host_concurrency = host_concurrency
        self.platform_host = PLATFORM_HOST
        self.bridge_host = BRIDGE_HOST
        self.hostile_host = HOSTILE_HOST
        self.control_host = CONTROL_HOST
        self.bot_host = BOT_HOST
        self.unreachable_host = UNREACHABLE_HOST
        if site_addresses is not None and site_addresses < 1:
            raise ValueError(f"site_addresses must be 1 or more, not {site_addresses}")
        self.site_addresses = site_addresses
        self._hosts = self._plan_hosts()
        self._by_address = {h.address: h for h in self._hosts.values()}
        """Hosts by loopback address: a client without a resolve map (lychee in bench/links_peer.py) asks
        for ``http://127.0.0.x:port/`` and gets the host served there."""
        self._ipv6_shapes = {s.host: s.spec.ipv6 for s in self._sites if s.spec.ipv6}
        self.serves_ipv6 = bool(self._ipv6_shapes) and ipv6.loopback_usable()
        """Some sites publish an AAAA record, served on ::1 (``monitor.sim.ipv6``)."""
        self._listeners = Listeners(
            list(dict.fromkeys(h.address for h in self._hosts.values()))
            + ([ipv6.LOOPBACK] if self.serves_ipv6 else []),
            [h.address for h in self._hosts.values() if h.profile.down],
            port,
        )
        self._cache: collections.OrderedDict[tuple[str, str], Reply] = collections.OrderedDict()
        self._cache_pages = cache_pages
        self._hostile = Hostile()
        self._runner: web.ServerRunner | None = None
        self._platform = PlatformRenderer(self._sites)
        self._feeds: FeedRenderer | None = None

    def _plan_hosts(self) -> dict[str, Host]:
        plan: list[tuple[str, str, HostProfile]] = []
        for site in self._sites:
            profile = HostProfile(rng=random.Random(f"{self.seed}:{site.host}:flaky"))
            if site.profile == "slow":
                profile.latency_s = self.slow_latency_s
            elif site.profile == "flaky":
                profile.fail_ratio = self.flaky_ratio
            elif site.profile == "down":
                profile.down = True
            elif site.profile == "error":
                profile.fail_ratio, profile.fail_modes = 1.0, ("503",)
            plan.append((site.host, "site", profile))
        roles = [(PLATFORM_HOST, "platform"), (BRIDGE_HOST, "bridge"), (HOSTILE_HOST, "hostile"),
                 (CONTROL_HOST, "control"), (BOT_HOST, "bot"), (UNREACHABLE_HOST, "unreachable")]  # fmt: skip
        roles += [(name, "external") for name in EXTERNAL_HOSTS]
        if self.media_cases:
            roles.append((SLOW_BRIDGE_HOST, "bridge"))  # after the others, so no other host's address moves
        if any(
            s.spec.content for s in self._sites
        ):  # foreign hosts of content cases, last for the same reason
            roles += [(name, "external") for name in CONTENT_HOSTS]
        if any(s.spec.search == "host" for s in self._sites):  # the search host, last for the same reason
            roles.append((SEARCH_HOST, "search"))
        for name, role in roles:
            profile = HostProfile(down=role == "unreachable", rng=random.Random(f"{self.seed}:{name}:flaky"))
            if name == SLOW_BRIDGE_HOST:
                profile.latency_s = self.slow_bridge_latency_s
            plan.append((name, role, profile))
        return {
            name: Host(name, role, address, profile, workers=self._workers())
            for (name, role, profile), address in zip(plan, self._addresses(plan), strict=True)
        }

    def _workers(self) -> asyncio.Semaphore | None:
        return None if self.host_concurrency is None else asyncio.Semaphore(self.host_concurrency)

    def _addresses(self, plan: Sequence[tuple[str, str, HostProfile]]) -> list[str]:
        """One loopback address per host; with ``site_addresses``, the sites that start up share that many
        in turn (virtual hosts, routed by the Host header: 15,000 sites need no 15,000 sockets), while every
        other host, and a site that starts down, keeps its own (down refuses connections on it)."""
        if self.site_addresses is None:
            return loopback_addresses(len(plan))
        shared = [n for n, (_, role, profile) in enumerate(plan) if role == "site" and not profile.down]
        pool_size = min(self.site_addresses, len(shared))
        pool = loopback_addresses(pool_size + len(plan) - len(shared))
        own = iter(pool[pool_size:])
        by_index = {n: pool[k % pool_size] for k, n in enumerate(shared)}
        return [by_index[n] if n in by_index else next(own) for n in range(len(plan))]

    def _shares_address(self, host: Host) -> bool:
        return any(h.address == host.address and h is not host for h in self._hosts.values())

    # ------------------------------------------------------------------------------------- lifecycle
    async def start(self) -> SimWeb:
        port = self._listeners.open()
        self._sites = tuple(dataclasses.replace(s, port=port) for s in self._sites)
        self._accounts = tuple(dataclasses.replace(a, port=port) for a in self._accounts)
        for site in self._sites:
            self._hosts[site.host].renderer = SiteRenderer(site, self.now, port)
        self._feeds = FeedRenderer(
            self._accounts, self.now.isoformat(), email.utils.format_datetime(self.now)
        )
        self._runner = web.ServerRunner(web.Server(self._handle, access_log=None), shutdown_timeout=0.25)
        await self._runner.setup()
        await self._listeners.serve(self._runner.server)  # type: ignore[arg-type]
        return self

    async def stop(self) -> None:
        await self._listeners.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._listeners.wait_closed()

    async def __aenter__(self) -> SimWeb:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------------------------------ views
    @property
    def port(self) -> int:
        return self._listeners.port

    @property
    def sites(self) -> list[SimSite]:
        return list(self._sites)

    @property
    def accounts(self) -> list[SimAccount]:
        return list(self._accounts)

    @property
    def resolve(self) -> dict[str, str]:
        """``{host: address}`` for every simulated host, like curl's ``--resolve``."""
        v6 = self._ipv6_shapes if self.serves_ipv6 else {}
        return {
            name: host.address + (f",{ipv6.LOOPBACK}" if name in v6 else "")
            for name, host in self._hosts.items()
        }

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def site(self, key: str) -> SimSite:
        """A site by 网站标识码 or host."""
        for site in self._sites:
            if key in (site.id, site.host):
                return site
        raise KeyError(key)

    def stats(self, host: str) -> HostStats:
        return self._host(host).stats

    def profile(self, host: str) -> HostProfile:
        return self._host(host).profile

    def inventory(self) -> dict[str, object]:
        self._require_started()
        return truth.inventory(self._sites, self._accounts, self.resolve, self.url(CONTROL_HOST), self.now)

    def truth(self) -> dict[str, object]:
        """Per site id and account id, what was injected; plus the hosts and their current profiles."""
        self._require_started()
        return {
            "now": self.now.isoformat(),
            "port": self.port,
            "sites": {s.id: truth.site_truth(s, self._hosts[s.host].profile, self.now) for s in self._sites},
            "accounts": {a.id: truth.account_truth(a, self.now) for a in self._accounts},
            "hosts": {
                h.name: {"role": h.role, "address": h.address, **h.profile.as_dict()}
                for h in self._hosts.values()
            },
            "platform_host": PLATFORM_HOST,
            "bridge_host": BRIDGE_HOST,
            "hostile_host": HOSTILE_HOST,
            "control_url": self.url(CONTROL_HOST),
            "ipv6": self.serves_ipv6,
        }

    def deface(self, key: str) -> None:
        """Replace a site's homepage wholesale from now on (``contentcases.replacement_page``): the tampering
        only a comparison with the previous read can see."""
        site = self.site(key)
        renderer = self._hosts[site.host].renderer
        assert renderer is not None
        renderer.defaced = True
        for cached in [k for k in self._cache if k[0] == site.host]:
            del self._cache[cached]

    def set_profile(
        self,
        host: str,
        *,
        latency_s: float | None = None,
        fail_ratio: float | None = None,
        down: bool | None = None,
        fail_modes: Sequence[str] | None = None,
    ) -> None:
        """Change a host's health now: the next request (or connection, for ``down``) sees it."""
        entry = self._host(host)
        profile = entry.profile
        if latency_s is not None:
            profile.latency_s = max(0.0, latency_s)
        if fail_ratio is not None:
            profile.fail_ratio = min(1.0, max(0.0, fail_ratio))
        if fail_modes is not None:
            profile.fail_modes = tuple(fail_modes)
        if down is not None and down != profile.down:
            profile.down = down
            if self._shares_address(entry):
                pass  # a virtual host: its requests are dropped (``_handle``), its neighbours still answer
            elif self._runner is not None:
                self._listeners.set_down(entry.address, down)
                if down:
                    self._drop_connections(entry.address)
            else:
                (self._listeners.down.add if down else self._listeners.down.discard)(entry.address)

    def _drop_connections(self, address: str) -> None:
        """Close kept-alive connections to an address that just went down, so clients reconnect (and fail)."""
        assert self._runner is not None and self._runner.server is not None
        for handler in self._runner.server.connections:
            transport = handler.transport
            if transport is not None and (transport.get_extra_info("sockname") or ("",))[0] == address:
                handler.force_close()

    def _host(self, host: str) -> Host:
        name = host.split("://")[-1].split("/")[0].split(":")[0].lower()
        try:
            return self._hosts[name]
        except KeyError:
            raise KeyError(f"{host!r} is not a simulated host") from None

    def _require_started(self) -> None:
        if self._runner is None:
            raise RuntimeError("SimWeb is not serving: call start() (or use async with) first")

    # ---------------------------------------------------------------------------------------- serving
    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        name = (request.host or "").split(":")[0].lower()
        host = self._hosts.get(name) or self._by_address.get(name)
        if host is None:
            return web.Response(status=421, text="misdirected request: not a simulated host")
        stats = host.stats
        stats.requests += 1
        if request.path in stats.paths or len(stats.paths) < MAX_PATHS:
            stats.paths[request.path] += 1
        if self.serves_ipv6 and ipv6.over_ipv6(request):
            refused = ipv6.refused_over_ipv6(self._ipv6_shapes.get(name, ""))
            if refused is not None:
                return refused
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        if len(stats.user_agents) < MAX_USER_AGENTS:
            stats.user_agents.add(request.headers.get("User-Agent", ""))
        try:
            profile = host.profile
            if profile.down:
                return _drop(request)
            if host.workers is None:
                return await self._serve(host, request)
            async with host.workers:
                return await self._serve(host, request)
        finally:
            stats.in_flight -= 1

    async def _serve(self, host: Host, request: web.BaseRequest) -> web.StreamResponse:
        """A request's answer after the host's latency, or the failure its profile draws."""
        profile = host.profile
        delay_s = profile.latency_s + self.latency_s
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        failure = profile.draw()
        if failure is not None:
            host.stats.failures_injected += 1
            if failure == "drop":
                return _drop(request)
            status = int(failure)
            return web.Response(
                status=status, text=simple_page(f"{status} Service Error", ""), content_type="text/html"
            )
        return await self._route(host, request)

    async def _route(self, host: Host, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if host.role == "hostile":
            handler = self._hostile.dispatch(path)
            if handler is None:
                return web.Response(status=404, text="no such hostile endpoint")
            return await handler(request)
        if host.role == "bot" and is_bot(request.headers.get("User-Agent", "")):
            if path.endswith("-429.html"):  # rate-limits robots, asking for a short pause
                return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "1"})
            return web.Response(
                status=403, text=simple_page("403 Forbidden", "<p>访问受限</p>"), content_type="text/html"
            )
        if host.renderer is not None and host.renderer.site.spec.firewall:
            blocked = fidelity.firewall_reply(
                host.renderer.site.spec.firewall, request.headers.get("User-Agent", "")
            )
            if blocked is not None:
                return _response(blocked)
        if request.method == "HEAD" and host.renderer is not None and host.renderer.refuses_head(path):
            return web.Response(status=405, headers={"Allow": "GET"})
        if (host.renderer is not None and path in SEARCH_PATHS) or host.role == "search":
            searched = await self._search(host, request)  # never cached: the answer depends on the query
            if searched is not None:
                return _response(searched)
        fmt = request.query.get("format", "rss") if host.role == "bridge" else ""
        reply = self._cached(host, path, fmt)
        if host.role == "bridge" and reply.status == 200 and _not_modified(request, reply):
            host.stats.not_modified += 1
            return web.Response(status=304, headers=dict(reply.headers))
        return _response(reply)

    async def _search(self, host: Host, request: web.BaseRequest) -> Reply | None:
        """A site's own search (``SiteRenderer.search``) or the search host's ``/search?siteCode=…&qt=…``."""
        body = await request.read() if request.method == "POST" else b""
        raw_query = request.rel_url.raw_query_string
        if host.renderer is not None:
            return host.renderer.search(request.path, raw_query, body, request.method)
        if request.path != "/search":
            return None
        code = searchcases.query_of(raw_query, b"", "siteCode", "utf-8")
        site = next((s for s in self._sites if s.id == code and s.spec.search == "host"), None)
        if site is None:
            return Reply.html(simple_page("参数错误", "<p>站点不存在</p>"), 400)
        query = searchcases.query_of(raw_query, b"", "qt", site.encoding)
        return Reply.html(simple_page("搜索结果", searchcases.results_body(site, query, "qt", self.url)))

    def _cached(self, host: Host, path: str, fmt: str) -> Reply:
        key = (host.name, f"{path}?{fmt}")
        reply = self._cache.get(key)
        if reply is not None:
            self._cache.move_to_end(key)
            return reply
        reply = self._render(host, path, fmt)
        self._cache[key] = reply
        if len(self._cache) > self._cache_pages:
            self._cache.popitem(last=False)
        return reply

    def _render(self, host: Host, path: str, fmt: str) -> Reply:
        if host.renderer is not None:
            return host.renderer.render(path)
        if host.role == "platform":
            return self._platform.render(path)
        if host.role == "bridge":
            assert self._feeds is not None
            return self._feeds.render(path, fmt)
        if host.role == "control":
            return Reply.html(simple_page("ok", "<p>control host: always up</p>"))
        if path.endswith(".js"):
            return Reply(200, b"/* jiucuo */", "application/javascript")
        return Reply.html(simple_page(host.name, "<p>外部网站</p>"))


def _response(reply: Reply) -> web.Response:
    headers = {"Content-Type": reply.content_type, **dict(reply.headers)}
    return web.Response(status=reply.status, body=reply.body, headers=headers)


def _not_modified(request: web.BaseRequest, reply: Reply) -> bool:
    """A conditional GET the reply's validators satisfy: If-None-Match wins over If-Modified-Since (RFC 9110)."""
    validators = dict(reply.headers)
    etag, last_modified = validators.get("ETag"), validators.get("Last-Modified")
    wanted = request.headers.get("If-None-Match")
    if wanted is not None:
        return etag is not None and etag in {tag.strip() for tag in wanted.split(",")}
    since = request.headers.get("If-Modified-Since")
    if since is None or last_modified is None:
        return False
    try:
        return email.utils.parsedate_to_datetime(since) >= email.utils.parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False


def _drop(request: web.BaseRequest) -> web.Response:
    """Close the connection without an answer (the client sees a disconnect, not a status)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500)
