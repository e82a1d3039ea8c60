"""附件1's figure for one site: of the consultation messages asked inside the sampling window, how many were
answered within 1 working day (法定节假日 and 调休 from ``monitor.workdays``), as the interaction check read
them from the site's published message list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from monitor.deadlines import SamplingWindow
from monitor.model import Observation, Outcome
from monitor.observations import InteractionRead
from monitor.report.build import ReplyCount
from monitor.workdays import WorkCalendar, within_workdays


def reply_count(
    observation: Observation, window: SamplingWindow, calendar: WorkCalendar
) -> ReplyCount | None:
    """The site's count, or None when its observation lists no message asked in the window."""
    if observation.outcome != Outcome.OK:
        return None
    asked = within = 0
    for asked_on, replied_on in message_days(InteractionRead.from_observation(observation)):
        if not window.contains(asked_on):
            continue
        asked += 1
        within += replied_on is not None and within_workdays(asked_on, replied_on, 1, calendar)
    return ReplyCount(asked, within) if asked else None


def message_days(read: InteractionRead) -> Iterable[tuple[dt.date, dt.date | None]]:
    """(asked, replied) of each message with a readable asked day; a malformed stored date is skipped."""
    for message in read.messages:
        try:
            asked = dt.date.fromisoformat(message.asked or "")
            replied = dt.date.fromisoformat(message.replied) if message.replied else None
        except ValueError:
            continue
        yield asked, replied
