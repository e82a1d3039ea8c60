"""The HTTP client every check uses. It never raises for a target's trouble: it returns a FetchResult.

One ``Fetcher`` per worker process holds two ``aiohttp.ClientSession``s, opened in ``start()`` and closed
in ``close()``: a pooled one for crawling (``get``) and one whose connector never reuses a connection, for
availability probes (``probe``), so that each probe pays for DNS, TCP and TLS as an inspector's browser
would. Each request:

1. waits for its host's politeness slot, then a global permit (``fetch.concurrency``) — our own queue,
   which never counts against the site;
2. runs one hop under the remaining time budget; redirects are followed here, not by aiohttp, so that
   every hop passes the SSRF guard (a redirect to a private address is blocked), its own politeness slot,
   loop detection and the ``fetch.max_redirects`` limit;
3. reads the body within the caps of ``monitor.fetch.decode`` and decodes it.

``elapsed_s`` adds up the hops' own time, from the moment each had its slot until its body was in.
Cookies live for one fetch (one redirect chain), like a fresh browser: anti-bot pages that set a cookie
and redirect to themselves work, and no cookie piles up across thousands of sites.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import socket
import time
import types
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import structlog
from multidict import CIMultiDict, CIMultiDictProxy
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from yarl import URL

from monitor.fetch.decode import BodyCaps, BodyRead, decode_body, is_textual, read_body
from monitor.fetch.dns import GetAddrInfo, Lookup, lookup
from monitor.fetch.errors import classify
from monitor.fetch.guard import AddressPolicy, GuardedResolver
from monitor.fetch.politeness import Politeness, host_key, parse_retry_after
from monitor.metrics import Metrics
from monitor.model import FailureReason, FetchResult
from monitor.settings import FetchSettings

log = structlog.get_logger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
RETRY_INITIAL_S = 0.5
"""First crawl retry after about this long (plus up to as much jitter), doubling up to RETRY_MAX_S."""
RETRY_MAX_S = 8.0
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.5"

_EMPTY_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


@dataclasses.dataclass(slots=True)
class _Progress:
    """Where one hop is, for a timeout's detail; updated by aiohttp's trace hooks (probes only: a crawl
    says "connecting or waiting for the response" until its headers arrive)."""

    phase: str = "connecting or waiting for the response"
    status: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class _Hop:
    """What one request of a redirect chain produced."""

    url: URL
    status: int | None = None
    location: URL | None = None  # set when this hop redirects
    headers: CIMultiDictProxy[str] = dataclasses.field(default_factory=lambda: _EMPTY_HEADERS)
    body: bytes = b""
    failure: FailureReason | None = None
    detail: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How one fetch runs: which session, its time budget, per-hop socket timeouts and body caps."""

    session: aiohttp.ClientSession
    method: str
    budget_s: float
    socket_timeout: aiohttp.ClientTimeout
    caps: BodyCaps
    headers: Mapping[str, str] | None = None
    """Extra request headers (conditional GET: If-None-Match, If-Modified-Since); None for plain crawls."""
    form: bytes | None = None
    """A POST's url-encoded form body (a site search that posts); sent while the method stays POST."""
    measuring: bool = False
    """An availability probe: it takes the host's concurrency permit but neither waits out nor feeds the
    adaptive delay. Probes run at the indicator's fixed, low cadence; backing them off would drop or
    shift exactly the samples that show a site failing, and their failures must not slow the crawl."""


class Fetcher:
    """HTTP for checks: ``get`` for crawling (retried), ``probe`` for availability (never retried)."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        allow_private: bool,
        resolve: Mapping[str, str] | None = None,
        metrics: Metrics | None = None,
        allow_networks: tuple[str, ...] = (),
        getaddrinfo: GetAddrInfo | None = None,
    ) -> None:
        self._settings = settings
        self._policy = AddressPolicy(allow_private=allow_private, allow_networks=allow_networks)
        self._resolve = dict(resolve or {})
        self._metrics = metrics
        self._politeness = Politeness(settings)
        self._host_politeness = {
            host.lower(): Politeness(
                FetchSettings.model_validate(settings.model_dump() | limits.model_dump(exclude_none=True))
            )
            for host, limits in settings.hosts.items()
        }
        """Hosts with their own limits (``fetch.hosts``) get their own slots; empty for most deployments."""
        self._global = asyncio.Semaphore(settings.concurrency)
        self._caps = BodyCaps(settings.max_body_bytes, settings.max_decompressed_bytes)
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Language": ACCEPT_LANGUAGE,
            "Accept-Encoding": "gzip, deflate",
        }
        self._resolver: GuardedResolver | None = None
        self._crawl: aiohttp.ClientSession | None = None
        self._probe: aiohttp.ClientSession | None = None
        self._by_family: dict[socket.AddressFamily, aiohttp.ClientSession] = {}
        """Crawl sessions held to one address family (the IPv6 check's), opened when first asked for."""
        self._getaddrinfo = getaddrinfo
        """The system resolver (the loop's ``getaddrinfo``) unless another is given."""

    @property
    def politeness(self) -> Politeness:
        return self._politeness

    # ------------------------------------------------------------------------------------- lifecycle
    async def start(self) -> Fetcher:
        if self._crawl is None:
            self._resolver = GuardedResolver(self._policy, self._resolve)
            self._crawl = self._session(fresh_connections=False)
            self._probe = self._session(fresh_connections=True)
        return self

    async def close(self) -> None:
        sessions = [s for s in (self._crawl, self._probe, *self._by_family.values()) if s is not None]
        self._crawl = self._probe = None
        self._by_family = {}
        for session in sessions:
            await session.close()
        if self._resolver is not None:
            await self._resolver.close()
            self._resolver = None

    async def __aenter__(self) -> Fetcher:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _session(
        self, *, fresh_connections: bool, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            resolver=self._resolver,
            family=family,
            limit=self._settings.concurrency,
            force_close=fresh_connections,
            use_dns_cache=not fresh_connections,  # a probe resolves the name as a browser would
        )
        session = aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            cookie_jar=aiohttp.DummyCookieJar(),  # cookies live per fetch, see the module docstring
            timeout=aiohttp.ClientTimeout(total=None),  # budgets are ours, per fetch
            trust_env=False,  # no proxy from the environment: the guard must see the real destination
            # Phase tracing costs 13 % of a crawl's CPU (docs/benchmarks.md); only probes, whose timeouts
            # are evidence for a site owner, say where they stopped in that detail.
            trace_configs=[_progress_trace()] if fresh_connections else [],
        )
        # aiohttp silently resends an idempotent request once when the server drops the connection.
        # That would retry probes (which must never be retried) and add an unbacked-off attempt to
        # crawls; our own retry policy is the only one. tests/fetch pin this private switch.
        session._retry_connection = False
        return session

    # ------------------------------------------------------------------------------------- public API
    async def get(
        self,
        url: str,
        *,
        purpose: str = "crawl",
        method: str = "GET",
        timeout_s: float | None = None,
        max_body_bytes: int | None = None,
        headers: Mapping[str, str] | None = None,
        form: bytes | None = None,
        family: socket.AddressFamily | None = None,
    ) -> FetchResult:
        """Fetch for crawling: settings' timeouts, redirects followed, transient failures retried.
        ``family`` (AF_INET6, AF_INET) connects over that IP version only (IPv6 支持).

        ``headers`` are added to every hop (a conditional GET passes its validators here; a 304 then comes
        back as an ok result with ``status`` 304 and an empty body). ``form``: with ``method="POST"``, the
        url-encoded body a form would post (a 301/302/303 answer turns the POST into a GET, as browsers do)."""
        settings = self._settings
        plan = _Plan(
            session=self._open(self._crawl) if family is None else self._family_session(family),
            method=method.upper(),
            budget_s=timeout_s if timeout_s is not None else settings.total_timeout_s,
            socket_timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=settings.connect_timeout_s, sock_read=settings.read_timeout_s
            ),
            caps=self._caps.scaled(max_body_bytes) if max_body_bytes else self._caps,
            headers=headers,
            form=form,
        )
        return await self._observed(url, purpose, plan, retry=True)

    async def probe(
        self, url: str, *, timeout_s: float, headers: Mapping[str, str] | None = None
    ) -> FetchResult:
        """An availability probe (站点无法访问, 国办秘函〔2019〕19号): GET ``url`` on a fresh connection and
        fail with TIMEOUT unless connect, redirects and the whole body complete within ``timeout_s``,
        counted from when the request starts (after our own politeness queue). Never retried."""
        plan = _Plan(
            session=self._open(self._probe),
            method="GET",
            budget_s=timeout_s,
            socket_timeout=aiohttp.ClientTimeout(total=None),  # only the whole budget judges a probe
            caps=self._caps,
            measuring=True,
            headers=headers,
        )
        return await self._observed(url, "probe", plan, retry=False)

    async def addresses(self, host: str, family: socket.AddressFamily, *, timeout_s: float) -> Lookup:
        """The ``family`` addresses DNS (or the ``resolve`` map) gives ``host``: AF_INET6 asks for its AAAA
        records. ``Lookup.error`` when the resolver could not be asked, never an exception."""
        getaddrinfo = self._getaddrinfo or asyncio.get_running_loop().getaddrinfo
        return await lookup(host, family, resolve=self._resolve, getaddrinfo=getaddrinfo, timeout_s=timeout_s)

    # ------------------------------------------------------------------------------------- internals
    def _family_session(self, family: socket.AddressFamily) -> aiohttp.ClientSession:
        self._open(self._crawl)  # started, not closed
        if family not in self._by_family:
            self._by_family[family] = self._session(fresh_connections=False, family=family)
        return self._by_family[family]

    @staticmethod
    def _open(session: aiohttp.ClientSession | None) -> aiohttp.ClientSession:
        if session is None:
            raise RuntimeError("Fetcher used before start() (or after close())")
        return session

    async def _observed(self, url: str, purpose: str, plan: _Plan, *, retry: bool) -> FetchResult:
        parsed = _parse_url(url)
        if isinstance(parsed, str):
            result = FetchResult(url, url, None, 0.0, failure=FailureReason.INVALID_URL, detail=parsed)
        else:
            result = await self._chain(url, parsed, plan)
            # The retry machinery only starts once a first attempt failed transiently: nearly every fetch
            # succeeds at once, and tenacity's bookkeeping per call showed in the pipeline's CPU profile.
            if (
                retry
                and self._settings.retries > 0
                and result.failure is not None
                and result.failure.transient
            ):
                result = await self._retrying(url, parsed, purpose, plan, first=result)
        if self._metrics is not None:
            self._metrics.fetch_seconds.labels(purpose, "ok" if result.ok else "failed").observe(
                result.elapsed_s
            )
            self._metrics.fetches.labels(purpose, result.failure.value if result.failure else "ok").inc()
        return result

    async def _retrying(
        self, url: str, parsed: URL, purpose: str, plan: _Plan, first: FetchResult
    ) -> FetchResult:
        """Retries after ``first`` failed transiently: up to ``retries`` more attempts, backed off."""
        log.debug(
            "fetch.retry", url=url, purpose=purpose, attempt=1, reason=first.failure, detail=first.detail
        )
        await asyncio.sleep(RETRY_INITIAL_S + random.uniform(0, RETRY_INITIAL_S))

        def before_sleep(state: RetryCallState) -> None:
            last = _outcome(state)
            log.debug(
                "fetch.retry",
                url=url,
                purpose=purpose,
                attempt=state.attempt_number + 1,
                reason=last.failure,
                detail=last.detail,
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._settings.retries),
            wait=wait_exponential(multiplier=RETRY_INITIAL_S, max=RETRY_MAX_S)
            + wait_random(0, RETRY_INITIAL_S),
            retry=retry_if_result(lambda r: r.failure is not None and r.failure.transient),
            retry_error_callback=_outcome,
            before_sleep=before_sleep,
        )
        result: FetchResult = await retrying(self._chain, url, parsed, plan)
        return result

    async def _chain(self, original: str, start: URL, plan: _Plan) -> FetchResult:
        """One attempt: the hops of a redirect chain, each guarded, polite and timed."""
        jar = aiohttp.CookieJar(unsafe=True)
        redirects: list[str] = []
        seen: set[tuple[str, str]] = set()
        elapsed_s = 0.0
        method = plan.method
        current = start

        def done(hop: _Hop | None = None, **failure: Any) -> FetchResult:
            return _result(original, current, hop, redirects, elapsed_s, **failure)

        while True:
            blocked = self._policy.check_host(current.host or "")
            if blocked:
                return done(failure=FailureReason.BLOCKED_ADDRESS, detail=blocked)
            remaining_s = plan.budget_s - elapsed_s
            if remaining_s <= 0:
                return done(
                    failure=FailureReason.TIMEOUT, detail=f"no complete response within {plan.budget_s:g} s"
                )
            seen.add((str(current), _cookie_header(jar, current)))
            hop, spent_s = await self._hop(current, method, jar, plan, remaining_s)
            elapsed_s += spent_s
            if hop.location is None:
                return done(hop)
            target = hop.location
            unusable = _parse_url(str(target))
            if isinstance(unusable, str):
                return done(
                    hop, failure=FailureReason.INVALID_URL, detail=f"redirect to {target}: {unusable}"
                )
            if (str(target), _cookie_header(jar, target)) in seen:
                return done(
                    hop, failure=FailureReason.REDIRECT_LOOP, detail=f"redirect loop back to {target}"
                )
            if len(redirects) >= self._settings.max_redirects:
                return done(
                    hop,
                    failure=FailureReason.TOO_MANY_REDIRECTS,
                    detail=f"more than {self._settings.max_redirects} redirects",
                )
            redirects.append(str(target))
            if (hop.status == 303 and method != "HEAD") or (method == "POST" and hop.status in (301, 302)):
                method = "GET"
            current = target

    async def _hop(
        self, url: URL, method: str, jar: aiohttp.CookieJar, plan: _Plan, remaining_s: float
    ) -> tuple[_Hop, float]:
        """One request: wait for the host's slot and a global permit (untimed), then run against the
        budget left. Returns the hop and the seconds it took once it had its permits."""
        progress = _Progress()
        key = host_key(url)
        politeness = self._politeness
        if self._host_politeness:
            politeness = self._host_politeness.get(key) or self._host_politeness.get(
                url.host or "", politeness
            )
        async with politeness.slot(key, paced=not plan.measuring) as slot, self._global:
            started = time.monotonic()
            deadline = asyncio.timeout(remaining_s)
            try:
                async with deadline:
                    hop = await self._send(url, method, jar, plan, progress)
            except TimeoutError as exc:
                if deadline.expired():
                    detail = f"no complete response within {plan.budget_s:g} s ({progress.phase})"
                    hop = _Hop(url, progress.status, failure=FailureReason.TIMEOUT, detail=detail)
                else:  # aiohttp's own connect or read timeout
                    hop = _failed_hop(url, progress, exc)
            except Exception as exc:  # a target's trouble becomes a reason; CancelledError passes
                hop = _failed_hop(url, progress, exc)
            spent_s = time.monotonic() - started
            if not plan.measuring:
                slot.record(
                    status=hop.status,
                    failure=hop.failure,
                    retry_after_s=parse_retry_after(hop.headers.get("Retry-After")),
                )
        return hop, spent_s

    async def _send(
        self, url: URL, method: str, jar: aiohttp.CookieJar, plan: _Plan, progress: _Progress
    ) -> _Hop:
        async with plan.session.request(
            method,
            url,
            allow_redirects=False,
            cookies=jar.filter_cookies(url) or None,  # None spares aiohttp a cookie jar per request
            timeout=plan.socket_timeout,
            trace_request_ctx=progress,
            headers=plan.headers if plan.form is None or method != "POST" else _form_headers(plan.headers),
            data=plan.form if method == "POST" else None,
        ) as resp:
            progress.status = resp.status
            jar.update_cookies(resp.cookies, resp.url)
            location = resp.headers.get("Location")
            if resp.status in REDIRECT_STATUSES and location:
                try:
                    target = url.join(URL(location.strip())).with_fragment(None)
                except ValueError:
                    detail = f"redirect to invalid Location {location[:200]!r}"
                    return _Hop(
                        url,
                        resp.status,
                        headers=resp.headers,
                        failure=FailureReason.INVALID_URL,
                        detail=detail,
                    )
                return _Hop(url, resp.status, location=target, headers=resp.headers)
            progress.phase = f"reading the body after HTTP {resp.status}"
            if method == "HEAD":
                read = BodyRead(b"")
            else:
                content = resp.content
                declared = resp.content_length

                def wire_bytes() -> int:
                    raw = getattr(content, "total_raw_bytes", None)  # aiohttp >= 3.12
                    return (
                        int(raw)
                        if raw is not None
                        else min(content.total_bytes, declared or content.total_bytes)
                    )

                read = await read_body(
                    content.iter_chunked(CHUNK_BYTES),
                    plan.caps,
                    wire_bytes=wire_bytes,
                    declared_length=declared,
                )
        failure, detail = read.failure, read.detail
        if failure is None and resp.status >= 400:
            failure, detail = FailureReason.HTTP_ERROR, f"HTTP {resp.status} {resp.reason or ''}".strip()
        return _Hop(url, resp.status, None, resp.headers, read.body, failure, detail)


# ----------------------------------------------------------------------------------------- helpers
def _form_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}


def _parse_url(url: str) -> URL | str:
    """The URL to request (fragment dropped), or why it cannot be fetched."""
    try:
        parsed = URL(url.strip())
    except (ValueError, TypeError) as exc:
        return f"invalid URL: {exc}"
    if parsed.scheme not in ("http", "https"):
        return f"unsupported URL scheme {parsed.scheme!r}" if parsed.scheme else "URL without a scheme"
    if not parsed.host:
        return "URL without a host"
    return parsed.with_fragment(None)


def _result(
    original: str,
    final: URL,
    hop: _Hop | None,
    redirects: list[str],
    elapsed_s: float,
    *,
    failure: FailureReason | None = None,
    detail: str = "",
) -> FetchResult:
    if hop is None:
        return FetchResult(
            original, str(final), None, elapsed_s, redirects=tuple(redirects), failure=failure, detail=detail
        )
    content_type_header = hop.headers.get("Content-Type", "")
    encoding: str | None = None
    text = ""
    if hop.body and is_textual(content_type_header):
        encoding, text = decode_body(hop.body, content_type_header)
    return FetchResult(
        url=original,
        final_url=str(final),
        status=hop.status,
        elapsed_s=elapsed_s,
        body=hop.body,
        encoding=encoding,
        text=text,
        content_type=content_type_header.split(";", 1)[0].strip().lower(),
        headers=hop.headers,
        redirects=tuple(redirects),
        failure=failure or hop.failure,
        detail=detail or hop.detail,
    )


def _failed_hop(url: URL, progress: _Progress, exc: BaseException) -> _Hop:
    failure, detail = classify(exc)
    return _Hop(url, progress.status, failure=failure, detail=detail)


def _cookie_header(jar: aiohttp.CookieJar, url: URL) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in sorted(jar.filter_cookies(url).items()))


def _outcome(state: RetryCallState) -> FetchResult:
    assert state.outcome is not None
    result: FetchResult = state.outcome.result()
    return result


def _progress_trace() -> aiohttp.TraceConfig:
    """Trace hooks that note a hop's phase (for a timeout's detail) in its ``trace_request_ctx``."""

    def phase(name: str) -> Callable[..., Awaitable[None]]:
        async def note(session: aiohttp.ClientSession, ctx: types.SimpleNamespace, params: object) -> None:
            progress = ctx.trace_request_ctx
            if isinstance(progress, _Progress):
                progress.phase = name

        return note

    trace = aiohttp.TraceConfig()
    trace.on_dns_resolvehost_start.append(phase("resolving the name"))
    trace.on_dns_resolvehost_end.append(phase("connecting"))
    trace.on_connection_create_start.append(phase("connecting"))
    trace.on_request_headers_sent.append(phase("waiting for the response headers"))
    return trace
