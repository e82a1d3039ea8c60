"""What ``govmon check`` could not judge, and why (issue 14 item 9), printed after the findings.

The judging itself (``not_judged_because``, ``coverage``) is ``monitor.coverage``'s, which ``/api/targets``
shares; this module only prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from monitor.coverage import Coverage, Outcomes, coverage, not_judged_because

__all__ = ["Coverage", "Outcomes", "coverage", "not_judged_because", "print_coverage"]


def print_coverage(report: Coverage, names: Mapping[str, str], out: TextIO) -> None:
    """One line per target not (fully) judged, then the summary line."""
    for label, rows in (("not judged", report.not_judged), ("partly judged", report.partly)):
        for target, failed in rows.items():
            why = ", ".join(f"{check} ({reason})" for check, reason in failed.items())
            print(f"? {names.get(target, target)} ({target}) {label}: {why}", file=out)
    print(report.summary, file=out)
