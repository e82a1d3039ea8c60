"""The one place that knows aiohttp's, asyncio's, ssl's and socket's exceptions: they become reasons.

Reasons are data (``FailureReason``) plus a one-line ``detail`` a site owner can act on; no other module
catches a library exception by its class. Order matters below: aiohttp's classes inherit from each other
and from ``OSError``/``TimeoutError``, so the most specific test comes first.
"""

from __future__ import annotations

import errno
import socket
import ssl
from typing import TypeVar

import aiohttp

from monitor.fetch.guard import BlockedAddressError
from monitor.model import FailureReason

_REFUSED = {errno.ECONNREFUSED}
_RESET = {errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED}
_E = TypeVar("_E", bound=BaseException)
_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


def classify(exc: BaseException) -> tuple[FailureReason, str]:
    """The reason and a short detail for an exception raised while fetching one URL.

    Never raises; ``CancelledError`` must not be passed here (callers let it propagate).
    """
    blocked = _find(exc, BlockedAddressError)
    if blocked is not None:
        return FailureReason.BLOCKED_ADDRESS, str(blocked)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return FailureReason.CONNECT_TIMEOUT, "no connection within the connect timeout"
    if isinstance(exc, aiohttp.SocketTimeoutError | aiohttp.ServerTimeoutError):
        return FailureReason.TIMEOUT, "the server stopped sending within the read timeout"
    if isinstance(exc, TimeoutError):
        return FailureReason.TIMEOUT, "no complete response in time"
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError | UnicodeError):
        return FailureReason.INVALID_URL, f"invalid URL: {exc}"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError | ssl.CertificateError):
        return FailureReason.TLS, f"TLS failed: {_os_message(exc)}"
    if isinstance(exc, aiohttp.ClientConnectorDNSError | socket.gaierror):
        return FailureReason.DNS, f"name not resolved: {_os_message(exc)}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return _connect_failure(exc)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return FailureReason.CONNECTION_RESET, "the server closed the connection without a complete response"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return FailureReason.PROTOCOL_ERROR, f"broken response body: {_cause_message(exc)}"
    if isinstance(exc, aiohttp.TooManyRedirects):
        return FailureReason.TOO_MANY_REDIRECTS, "too many redirects"
    if isinstance(exc, aiohttp.ClientResponseError):
        # Without raise_for_status this only comes from the parser: a bad status line or header.
        return FailureReason.PROTOCOL_ERROR, f"malformed HTTP response: {exc.message or _cause_message(exc)}"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return FailureReason.CONNECTION_RESET, f"connection reset: {_os_message(exc)}"
    if isinstance(exc, ConnectionRefusedError):
        return FailureReason.CONNECTION_REFUSED, "connection refused"
    if isinstance(exc, OSError) and exc.errno in _RESET:
        return FailureReason.CONNECTION_RESET, f"connection reset: {_os_message(exc)}"
    return FailureReason.OTHER, f"{type(exc).__name__}: {exc}"[:300]


def _connect_failure(exc: aiohttp.ClientConnectorError) -> tuple[FailureReason, str]:
    where = f"{exc.host}:{exc.port}"
    os_error = exc.os_error
    code = os_error.errno
    if isinstance(os_error, ConnectionRefusedError) or code in _REFUSED:
        return FailureReason.CONNECTION_REFUSED, f"connection refused by {where}"
    if isinstance(os_error, ConnectionResetError) or code in _RESET:
        return FailureReason.CONNECTION_RESET, f"connection to {where} reset"
    if isinstance(os_error, TimeoutError) or code == errno.ETIMEDOUT:
        return FailureReason.CONNECT_TIMEOUT, f"no connection to {where} in time"
    if code in _UNREACHABLE:
        return FailureReason.OTHER, f"{where} unreachable: {_os_message(os_error)}"
    return FailureReason.OTHER, f"cannot connect to {where}: {_os_message(os_error)}"


def _find(exc: BaseException, kind: type[_E]) -> _E | None:
    """``kind`` in the chain of causes and aiohttp's wrapped ``os_error``, if anywhere."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        wrapped = current.os_error if isinstance(current, aiohttp.ClientConnectorError) else None
        current = wrapped if wrapped is not None and id(wrapped) not in seen else current.__cause__
    return None


def _os_message(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError):
        exc = exc.os_error
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _cause_message(exc: BaseException) -> str:
    cause = exc.__cause__
    text = str(cause) if cause is not None else str(exc)
    return (text or type(exc).__name__)[:200]
