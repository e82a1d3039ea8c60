"""structlog set-up: JSON lines on stderr, level from ``GOVMON_LOG_LEVEL``; events with fields, not prose."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import structlog


def configure(
    level: str | None = None, json: bool = True, before_render: Sequence[structlog.typing.Processor] = ()
) -> None:
    """``before_render``: processors run on each event just before it is rendered (the demo rewords a few
    events for newcomers). The console renderer colours only a terminal: ANSI codes in a file are noise."""
    level_name = (level or os.environ.get("GOVMON_LOG_LEVEL") or "INFO").upper()
    numeric = getattr(logging, level_name, logging.INFO)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=False),
            structlog.processors.format_exc_info,
            *before_render,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_current_stderr,
        cache_logger_on_first_use=False,
    )


def _current_stderr(*_args: object) -> structlog.PrintLogger:
    """A logger on whatever ``sys.stderr`` is when the event is logged, not when logging was configured:
    a stream swapped since (a test's capture, a daemon's redirect) must not leave events writing to a
    closed file."""
    return structlog.PrintLogger(sys.stderr)
