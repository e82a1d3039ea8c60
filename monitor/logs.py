"""structlog set-up: JSON lines on stderr, level from ``GOVMON_LOG_LEVEL``; events with fields, not prose."""

from __future__ import annotations

import logging
import os
import sys

import structlog


def configure(level: str | None = None, json: bool = True) -> None:
    level_name = (level or os.environ.get("GOVMON_LOG_LEVEL") or "INFO").upper()
    numeric = getattr(logging, level_name, logging.INFO)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=False),
            structlog.processors.format_exc_info,
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
