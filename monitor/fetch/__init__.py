"""HTTP for checks: the Fetcher (never raises for a target's trouble), the SSRF guard, per-host
politeness, body caps and charsets, and the one mapping of library exceptions to reasons."""

from monitor.fetch.fetcher import Fetcher

__all__ = ["Fetcher"]
