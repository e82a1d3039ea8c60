"""附件1's figure for one site: of the consultation messages asked inside the sampling window, how many were
answered within 1 working day (法定节假日 and 调休 from ``monitor.workdays``), as the interaction check read
them from the site's published message list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from monitor.deadlines import SamplingWindow
from monitor.model import Observation, Outcome
from monitor.report.build import ReplyCount
from monitor.workdays import WorkCalendar, within_workdays


def reply_count(
    observation: Observation, window: SamplingWindow, calendar: WorkCalendar
) -> ReplyCount | None:
    """The site's count, or None when its observation lists no message asked in the window."""
    if observation.outcome != Outcome.OK:
        return None
    asked = within = 0
    for asked_on, replied_on in message_days(observation.payload):
        if not window.contains(asked_on):
            continue
        asked += 1
        within += replied_on is not None and within_workdays(asked_on, replied_on, 1, calendar)
    return ReplyCount(asked, within) if asked else None


def message_days(payload: Mapping[str, Any]) -> Iterable[tuple[dt.date, dt.date | None]]:
    """(asked, replied) of each message in an interaction observation's payload (``monitor.checks.
    interaction`` documents it). The one place that reads that payload: switch it to
    ``monitor.observations`` when the typed payloads land."""
    for message in payload.get("messages") or ():
        try:
            asked = dt.date.fromisoformat(message["asked"])
            replied = dt.date.fromisoformat(message["replied"]) if message.get("replied") else None
        except (KeyError, TypeError, ValueError):
            continue
        yield asked, replied
