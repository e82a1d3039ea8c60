"""Which links are checked, and how: pages with a GET (soft 404s hide in bodies), files with HEAD first.

Pure URL arithmetic; no I/O.
"""

from __future__ import annotations

from urllib.parse import urlsplit

NOT_CHECKED_PREFIXES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "about:", "#")
"""Not links to a resource: scripts, mail, phone numbers, in-page anchors (``extract.html`` drops them too)."""

FILE_EXTENSIONS = frozenset(
    {
        # attachments
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "ofd", "txt", "csv",
        "zip", "rar", "7z", "gz", "tar", "apk", "exe",
        # images
        "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff",
        # media
        "mp3", "mp4", "flv", "avi", "wmv", "mov", "swf",
        # assets
        "css", "js", "woff", "woff2", "ttf", "eot",
    }
)  # fmt: skip
"""Extensions fetched with HEAD first: their bodies say nothing a status does not."""

ASSET_TAGS = frozenset({"script", "link"})
"""Tags whose links are checked only with ``links.check_assets``."""


def checkable(url: str) -> bool:
    """An absolute http(s) URL that is not a script, mail, phone or in-page link."""
    lowered = url.strip().lower()
    if not lowered or lowered.startswith(NOT_CHECKED_PREFIXES):
        return False
    parts = urlsplit(lowered)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_file(url: str, tag: str = "a") -> bool:
    """Read with HEAD first: an image, or a URL whose path ends in a file extension."""
    if tag in ("img", "script", "link"):
        return True
    path = urlsplit(url).path.lower()
    last = path.rsplit("/", 1)[-1]
    return "." in last and last.rsplit(".", 1)[-1] in FILE_EXTENSIONS


def same_site(url: str, site_url: str) -> bool:
    """The same host as the site (the crawl stays on it); a ``www.`` prefix is the same site."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host == (urlsplit(site_url).hostname or "").lower().removeprefix("www.")
