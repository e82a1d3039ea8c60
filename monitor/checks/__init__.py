"""The table of contents of check kinds (like blackbox_exporter's map of probers).

This dict is the only list of kinds: the scheduler, the CLI and the docs read it. Adding a check means
adding a module and a line here.
"""

from __future__ import annotations

from typing import Any

from monitor.checks import availability, columns, homepage, ipv6
from monitor.checks import interaction as interaction_check
from monitor.checks import search as search_check
from monitor.checks import services as services_check
from monitor.checks.base import Check, CheckContext
from monitor.checks.links import check as links_check
from monitor.checks.media import check as media_check

CHECKS: dict[str, Check[Any]] = {
    availability.NAME: availability.CHECK,
    homepage.NAME: homepage.CHECK,
    columns.NAME: columns.CHECK,
    media_check.NAME: media_check.CHECK,
    links_check.NAME: links_check.CHECK,
    services_check.NAME: services_check.CHECK,
    interaction_check.NAME: interaction_check.CHECK,
    ipv6.NAME: ipv6.CHECK,
    search_check.NAME: search_check.CHECK,
}
HOMEPAGE_READERS = frozenset(name for name, check in CHECKS.items() if check.reads_homepage)
"""The checks that start from a site's homepage: scheduled to fall due together, they share one read."""

__all__ = ["CHECKS", "HOMEPAGE_READERS", "Check", "CheckContext"]
