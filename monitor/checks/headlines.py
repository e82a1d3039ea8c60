"""Open a homepage's undated headlines and read their dates (首页不更新: is anything on the homepage new?).

A homepage whose dated blocks are old may still lead with fresh news that prints no date (a 要闻 slider,
图片新闻, a 头条): an inspector opens those and reads the article's printed date. The columns check calls
this only when the dated rows alone would make the homepage idle for a while, so a fresh homepage costs no
extra request; each article is one crawl fetch within the check's deadline.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.extract.article import article_date
from monitor.extract.html import parse_fetched

if TYPE_CHECKING:
    from monitor.fetch import Fetcher

MAX_HEADLINES = 4
"""Headlines opened per read: the first ones in page order are the slider's and the 头条."""
IDLE_BEFORE_OPENING_DAYS = 7
"""Open headlines only when the dated rows are at least this old (or absent): half the 14-day window."""
MIN_FETCH_S = 2.0


def worth_opening(newest: str | None, as_of: dt.date) -> bool:
    """Whether the dated rows leave the homepage idle long enough that its undated headlines matter."""
    return newest is None or (as_of - dt.date.fromisoformat(newest)).days >= IDLE_BEFORE_OPENING_DAYS


async def newest_headline(
    urls: Sequence[str], fetcher: Fetcher, as_of: dt.date, deadline: float
) -> str | None:
    """The newest printed date (ISO, not after ``as_of``) among the headline articles; None when none opens
    or none shows a date (an undated article counts as not updated, 国办秘函〔2019〕19号)."""
    newest: dt.date | None = None
    for url in urls[:MAX_HEADLINES]:
        left_s = deadline - time.monotonic()
        if left_s < MIN_FETCH_S:
            break
        result = await fetcher.get(url, purpose="crawl", timeout_s=min(15.0, left_s))
        if not result.ok or not result.text:
            continue
        day = article_date(parse_fetched(result), as_of)
        if day is not None and day <= as_of and (newest is None or day > newest):
            newest = day
    return newest.isoformat() if newest else None
