"""What every media source produces, and the one interface sources implement.

A ``Source`` turns one account into ``Posts``: its entries with their publication moments, whether the
platform says the account can interact (None: the source cannot tell), and the HTTP validators for the next
conditional GET. Feeds, HTML list pages and any later source (a platform API, a registry export) plug in
behind ``Source``; the rules only ever see the check's payload, so they never change when a source is added.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Protocol

from monitor.model import Account

if TYPE_CHECKING:
    from monitor.fetch import Fetcher


@dataclasses.dataclass(frozen=True, slots=True)
class Post:
    """One entry. ``published`` is tz-aware (Asia/Shanghai) or None when the entry carries no usable date
    (an undated entry counts as not updated: 未注明发布时间的视为不更新)."""

    title: str
    url: str
    published: dt.datetime | None


@dataclasses.dataclass(frozen=True, slots=True)
class Validators:
    """HTTP cache validators of the last full reading, sent back as If-None-Match / If-Modified-Since."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclasses.dataclass(frozen=True, slots=True)
class Posts:
    """One reading of an account. ``failure`` set: nothing was read (reason as data, ``detail`` for people).

    ``not_modified``: the server answered 304 to our validators, so ``entries`` is empty and the previous
    reading still holds. ``kind`` names the format read (rss20, atom10, json, html …)."""

    entries: tuple[Post, ...] = ()
    interaction: bool | None = None
    not_modified: bool = False
    validators: Validators = Validators()
    failure: str | None = None
    detail: str = ""
    kind: str = ""
    title: str = ""
    url: str = ""
    status: int | None = None
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


class Source(Protocol):
    """Reads one account's posts. Must not raise for the account's trouble: a failure is ``Posts.failure``."""

    name: str

    def applies_to(self, account: Account) -> bool: ...

    async def read(
        self, account: Account, fetcher: Fetcher, validators: Validators, as_of: dt.datetime
    ) -> Posts: ...
