"""Recipients are apprise URLs: ``${VAR}`` comes from the environment, apprise's own parser judges them, and
logs and messages only ever show them masked (CONTRACT.md: secrets never leave the environment)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

MARKDOWN_SCHEMES = frozenset(
    {"dingtalk", "wecombot", "feishu", "lark", "slack", "discord", "tgram", "matrix"}
)
EMAIL_SCHEMES = frozenset({"mailto", "mailtos"})
JSON_SCHEMES = frozenset({"json", "jsons"})


def scheme_of(url: str) -> str:
    """The apprise scheme (``dingtalk``, ``mailto`` …): the ``channel`` label of the notice metrics."""
    return url.split("://", 1)[0].lower() if "://" in url else "unknown"


def body_format(url: str, markdown_schemes: frozenset[str] | tuple[str, ...] = ()) -> str:
    """What a channel is sent: ``markdown`` (chat robots), ``html`` (email, with apprise's text part),
    ``json`` (webhooks: title, text and the findings), else ``text``. ``markdown_schemes``: more schemes
    that take Markdown (``notify.markdown_schemes``, e.g. a custom apprise plugin of yours)."""
    scheme = scheme_of(url)
    if scheme in EMAIL_SCHEMES:
        return "html"
    if scheme in JSON_SCHEMES:
        return "json"
    if scheme in MARKDOWN_SCHEMES or scheme in markdown_schemes:
        return "markdown"
    return "text"


def missing_vars(url: str, environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    return [name for name in _VAR.findall(url) if name not in env]


def expand(url: str, environ: Mapping[str, str] | None = None) -> str:
    """``${VAR}`` replaced from the environment (a missing one stays as written, and apprise rejects it)."""
    env = os.environ if environ is None else environ
    return _VAR.sub(lambda m: env.get(m.group(1), m.group(0)), url)


def channel_id(url: str) -> str:
    """A short digest naming one channel in Redis keys and logs without revealing it."""
    return hashlib.sha256(url.encode()).hexdigest()[:12]


def masked(url: str) -> str:
    """The URL as apprise prints it with ``privacy=True`` (tokens and passwords elided); unparseable ones
    keep only their scheme. Built from the URL as written, so a ``${VAR}`` secret is never expanded here."""
    plugin = _instantiate(url)
    if plugin is None:
        return f"{scheme_of(url)}://***"
    return str(plugin.url(privacy=True))


def url_problem(url: str) -> str | None:
    """None when apprise accepts the URL (after ``${VAR}`` expansion), else what to fix."""
    if "://" not in url:
        if "@" in url:
            return f"not an apprise URL: {url!r} (write it as mailto://{url})"
        return f"not an apprise URL: {url!r} (apprise URLs look like mailto://user@host or dingtalk://token/)"
    missing = missing_vars(url)
    if missing:
        return f"{masked_text(url)}: environment variable {missing[0]} is not set"
    if _instantiate(expand(url)) is None:
        return f"apprise cannot use {masked_text(url)} (unknown scheme or missing parts; see apprise's wiki)"
    return None


def masked_text(url: str) -> str:
    """A URL for an error message before apprise could parse it: scheme and host, no path or credentials."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/…" if "/" in rest or "@" in rest.split("/", 1)[0] else f"{scheme}://{host}"


def _instantiate(url: str) -> Any:
    import apprise

    try:
        return apprise.Apprise.instantiate(url, suppress_exceptions=True)
    except Exception:  # apprise's parser on hostile input: treat as unusable
        return None
