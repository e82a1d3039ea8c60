"""What ``govmon check`` could not judge, and why (issue 14 item 9).

"No findings" for sites govmon could not read reads as "all fine": an offline run used to print it and exit
0 for every site. Each check's observation says whether it judged its target (``ok``) or not (failed:
its reason, such as ``timeout`` or ``dns``; discarded: govmon's own trouble, such as ``control_failed``).
A target is judged when every check judged it, partly when some did, not judged when none did.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TextIO

Outcomes = dict[str, dict[str, str | None]]
"""target id → check name → None (judged) or why not."""


@dataclasses.dataclass(frozen=True, slots=True)
class Coverage:
    judged: tuple[str, ...]
    partly: dict[str, dict[str, str]]  # target → the checks that could not judge it, with why
    not_judged: dict[str, dict[str, str]]

    @property
    def summary(self) -> str:
        total = len(self.judged) + len(self.partly) + len(self.not_judged)
        return (
            f"judged {len(self.judged)} of {total} targets; partly judged {len(self.partly)}; "
            f"not judged {len(self.not_judged)}"
        )

    def to_json(self) -> dict[str, Any]:
        return {"judged": len(self.judged), "partly": self.partly, "not_judged": self.not_judged}


def coverage(outcomes: Outcomes) -> Coverage:
    judged: list[str] = []
    partly: dict[str, dict[str, str]] = {}
    not_judged: dict[str, dict[str, str]] = {}
    for target, checks in sorted(outcomes.items()):
        failed = {name: why for name, why in sorted(checks.items()) if why is not None}
        if not failed:
            judged.append(target)
        elif len(failed) == len(checks):
            not_judged[target] = failed
        else:
            partly[target] = failed
    return Coverage(tuple(judged), partly, not_judged)


def print_coverage(report: Coverage, names: Mapping[str, str], out: TextIO) -> None:
    """One line per target not (fully) judged, then the summary line."""
    for label, rows in (("not judged", report.not_judged), ("partly judged", report.partly)):
        for target, failed in rows.items():
            why = ", ".join(f"{check} ({reason})" for check, reason in failed.items())
            print(f"? {names.get(target, target)} ({target}) {label}: {why}", file=out)
    print(report.summary, file=out)
