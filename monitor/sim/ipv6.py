"""IPv6 on the simulated web: which sites publish an AAAA record, and what answers there.

``SiteSpec.ipv6`` (``IPV6_SHAPES``): ``""`` (the default: an A record only), ``dual`` (an AAAA record too,
``::1``, and the site answers over IPv6 as over IPv4) or ``broken`` (the AAAA record is published but the
IPv6 side answers 502, as a half-finished IPv6 gateway does). The ``resolve`` map gives such a host both
addresses (``"127.0.0.7,::1"``); every IPv6 site shares ``::1`` on the simulator's port, routed by Host
header like the rest. Where the machine has no IPv6 loopback, nothing is published over IPv6
(``SimWeb.ipv6``: False) and the truth says so.
"""

from __future__ import annotations

import socket

from aiohttp import web

IPV6_SHAPES = ("", "dual", "broken")
LOOPBACK = "::1"


def loopback_usable() -> bool:
    """::1 can be bound here."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind((LOOPBACK, 0))
    except OSError:
        return False
    return True


def over_ipv6(request: web.BaseRequest) -> bool:
    """The request came in on the IPv6 loopback."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return isinstance(sockname, tuple) and bool(sockname) and str(sockname[0]) == LOOPBACK


def refused_over_ipv6(shape: str) -> web.Response | None:
    """What a site of ``shape`` answers to a request that came over IPv6: None to serve it as usual."""
    if shape == "dual":
        return None
    return web.Response(status=502, text="<h1>502 Bad Gateway</h1>", content_type="text/html")
