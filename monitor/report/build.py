"""The quarterly report as data: the 通报's two tables, its problem list, the deductions, each target's
deduction score and 附件1.

Pure: inventory, finding records, the set of checked targets, the sampling window and an optional
``as_of`` in; a ``Report`` of frozen records out. Counting as the 通报 counts (indicators.md):

- a target has a 突出问题 when one of its veto findings was a violation at some moment of the sampling
  window (both end days included, calendar days in Asia/Shanghai); it counts once however many it had;
  at_risk, unverified, deductions, warnings and dismissed findings never count;
- 实际运行数 are the inventory's targets of the kind in the region, 检查数 those checked in the window;
- with ``as_of`` only what was known then is used (records first seen later are dropped, spans end at
  ``as_of``); with ``as_of`` on or before the window's last day the report is the forecast: besides what
  was already seen in the window, veto violations still open at ``as_of`` and at_risk findings due by the
  window's last day count, marked as forecasts with their due dates (every target counts as checked).

Rows: the configured ``regions:`` order, then regions in order of first appearance among the table's targets
in the inventory, never alphabetical; a table lists the regions that have targets of its kind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from monitor.deadlines import SamplingWindow, day_of, start_of
from monitor.model import Account, Site
from monitor.report import figures
from monitor.report.labels import indicator
from monitor.report.records import FindingRecord
from monitor.score import Score, ScoringSettings, score

COUNTED_STATES = (None, "open", "acknowledged")
"""Lifecycle states of a finding still open (``None``: a record without lifecycle fields)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: a region (or 合计)."""

    region: str
    running: int
    checked: int
    problems: int

    @property
    def ratio_text(self) -> str:
        return figures.ratio_text(self.problems, self.checked)

    @property
    def ratio_value(self) -> float:
        return figures.ratio_value(self.problems, self.checked)


@dataclasses.dataclass(frozen=True, slots=True)
class Table:
    """附件2 (``kind="site"``) or 附件3 (``kind="account"``)."""

    kind: str
    rows: tuple[Row, ...]
    total: Row

    @property
    def pass_rate_text(self) -> str:
        return figures.pass_rate_text(self.total.problems, self.total.checked)


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a target, with the first and last day it was seen inside the window.

    ``forecast``: None for what was seen; ``"open"`` for a violation open at ``as_of`` that the window has
    not reached yet; ``"at_risk"`` for a finding due (``due``) by the window's last day."""

    code: str
    words: str
    message: str
    evidence_url: str
    first_day: dt.date
    last_day: dt.date
    forecast: str | None = None
    due: dt.date | None = None
    score_key: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class TargetScore:
    """A checked target's deduction score for the quarter (``monitor.score``): its counted veto problems
    make it 不合格, its deduction problems cost the points of the province's table, one occurrence each."""

    kind: str
    target: str
    name: str
    region: str
    score: Score


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """A target in the problem list (or the deductions list) and its problems."""

    kind: str
    target: str
    name: str
    region: str
    problems: tuple[Problem, ...]

    @property
    def forecast(self) -> bool:
        """Only forecast problems: the target is named only if nothing changes."""
        return all(problem.forecast for problem in self.problems)


@dataclasses.dataclass(frozen=True, slots=True)
class ReplyCount:
    """One site's consultation messages asked in the window and how many were answered in 1 working day."""

    asked: int
    within_workday: int


@dataclasses.dataclass(frozen=True, slots=True)
class ReplyRow:
    """附件1's row of a region: sites with messages in the window, the messages, the share answered within
    1 working day, and the sites that answered every message so (the 通报 lists those by name)."""

    region: str
    sites: int
    asked: int
    within_workday: int
    prompt_sites: tuple[str, ...] = ()

    @property
    def share_text(self) -> str:
        return figures.ratio_text(self.within_workday, self.asked)


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    quarter: str
    window: SamplingWindow
    as_of: dt.datetime | None
    forecast: bool
    tables: tuple[Table, Table]
    problems: tuple[Entry, ...]
    deductions: tuple[Entry, ...]
    replies: tuple[ReplyRow, ...] = ()
    replies_total: ReplyRow | None = None
    unknown_targets: tuple[str, ...] = ()
    scores: tuple[TargetScore, ...] = ()
    """Every checked target's score, sites first, in the tables' region order, then the inventory's."""

    def table(self, kind: str) -> Table:
        return next(table for table in self.tables if table.kind == kind)

    def clean_regions(self) -> tuple[str, ...]:
        """Regions in both tables without a problem in either (the 通报's "合格率均达到100%" sentence)."""
        sites, accounts = ({row.region: row for row in table.rows} for table in self.tables)
        return tuple(
            region
            for region, row in sites.items()
            if region in accounts and row.problems == 0 and accounts[region].problems == 0
        )


def region_order(targets: Iterable[Site | Account], configured: Sequence[str] = ()) -> tuple[str, ...]:
    """The configured order first, then every other region in order of first appearance among ``targets``
    (one table's kind: a province may spell its 省直 row 省直单位 for sites and 省直部门 for accounts)."""
    seen = dict.fromkeys(configured)
    for target in targets:
        seen.setdefault(target.region)
    return tuple(seen)


def build_report(
    *,
    quarter: str,
    window: SamplingWindow,
    sites: Sequence[Site],
    accounts: Sequence[Account],
    records: Iterable[FindingRecord],
    checked: set[str] | None = None,
    as_of: dt.datetime | None = None,
    regions: Sequence[str] = (),
    replies: Mapping[str, ReplyCount] | None = None,
    scoring: ScoringSettings | None = None,
) -> Report:
    """The report of ``quarter``. ``checked``: ids checked at least once in the window (None: all)."""
    forecast = as_of is not None and day_of(as_of.timestamp()) <= window.last_day
    if forecast:
        checked = None  # every target will be checked when the inspector comes
    everything: list[Site | Account] = [*sites, *accounts]
    targets = {target.id: target for target in everything}
    order = {
        "site": region_order(sites, regions),
        "account": region_order(accounts, regions),
    }
    found = _Judge(window, as_of, forecast)
    unknown: dict[str, None] = {}
    for record in records:
        if record.target not in targets:
            unknown.setdefault(record.target)
            continue
        found.add(record, targets[record.target].kind)
    problems = found.entries("veto", targets, order)
    counted = {entry.target for entry in problems if checked is None or entry.target in checked}
    tables = (
        _table("site", sites, checked, counted, order["site"]),
        _table("account", accounts, checked, counted, order["account"]),
    )
    reply_rows, reply_total = _replies(sites, replies, order["site"])
    deductions = found.entries("deduction", targets, order)
    scores = _scores(everything, checked, problems, deductions, order, scoring or ScoringSettings())
    return Report(
        quarter=quarter,
        window=window,
        as_of=as_of,
        forecast=forecast,
        tables=tables,
        problems=tuple(entry for entry in problems if entry.target in counted),
        deductions=deductions,
        replies=reply_rows,
        replies_total=reply_total,
        unknown_targets=tuple(unknown),
        scores=scores,
    )


def _scores(
    targets: Sequence[Site | Account],
    checked: set[str] | None,
    problems: Sequence[Entry],
    deductions: Sequence[Entry],
    order: Mapping[str, Sequence[str]],
    scoring: ScoringSettings,
) -> tuple[TargetScore, ...]:
    vetoes = {entry.target: [p.code for p in entry.problems] for entry in problems}
    keys = {entry.target: [p.score_key or p.code for p in entry.problems] for entry in deductions}
    rank = {(kind, region): n for kind, regions in order.items() for n, region in enumerate(regions)}
    scored = [
        TargetScore(
            target.kind,
            target.id,
            target.name,
            target.region,
            score(keys.get(target.id, ()), vetoes.get(target.id, ()), scoring),
        )
        for target in targets
        if checked is None or target.id in checked
    ]
    position = {target.id: n for n, target in enumerate(targets)}
    scored.sort(key=lambda s: (s.kind != "site", rank[s.kind, s.region], position[s.target]))
    return tuple(scored)


class _Judge:
    """Which records count, as which problems: one ``Problem`` per finding identity, spans merged."""

    def __init__(self, window: SamplingWindow, as_of: dt.datetime | None, forecast: bool) -> None:
        self.window = window
        self.start = start_of(window.first_day)
        self.end = start_of(window.last_day + dt.timedelta(days=1))  # exclusive
        self.as_of = as_of
        self.forecast = forecast
        self.found: dict[tuple[str, str], dict[str, Problem]] = {}  # (severity, target) → identity → problem

    def add(self, record: FindingRecord, kind: str) -> None:
        if record.state == "dismissed" or record.severity not in ("veto", "deduction"):
            return
        if record.target_kind != kind:
            return
        problem = self._judge(record)
        if problem is None:
            return
        problems = self.found.setdefault((record.severity, record.target), {})
        earlier = problems.get(record.identity)
        problems[record.identity] = problem if earlier is None else _merge(earlier, problem)

    def _judge(self, record: FindingRecord) -> Problem | None:
        start, end = record.violation_since, record.span_end
        if self.as_of is not None:
            if record.span_start > self.as_of:
                return None  # not known at as_of
            end = min(end, self.as_of)
        if record.status == "violation" and start <= end and start < self.end and end >= self.start:
            return self._problem(
                record,
                max(day_of(start.timestamp()), self.window.first_day),
                min(day_of(end.timestamp()), self.window.last_day),
            )
        if not self.forecast or not self._open_at_as_of(record):
            return None
        if record.status == "violation" and start <= end:
            return self._problem(record, self.window.first_day, self.window.last_day, "open")
        due_at = record.due if record.status == "at_risk" else None
        if record.status == "violation" and start > end:
            due_at = start  # at_risk at as_of by its history: due when it turned into a violation
        if due_at is not None:
            due = day_of(due_at.timestamp())
            if due <= self.window.last_day:
                first = max(due, self.window.first_day)
                return self._problem(record, first, self.window.last_day, "at_risk", due)
        return None

    def _open_at_as_of(self, record: FindingRecord) -> bool:
        assert self.as_of is not None
        return record.state in COUNTED_STATES or record.span_end >= self.as_of

    @staticmethod
    def _problem(
        record: FindingRecord,
        first: dt.date,
        last: dt.date,
        forecast: str | None = None,
        due: dt.date | None = None,
    ) -> Problem:
        words = indicator(record.code, record.message)
        return Problem(
            record.code,
            words,
            record.message,
            record.evidence_url,
            first,
            last,
            forecast,
            due,
            record.score_key or record.code,
        )

    def entries(
        self, severity: str, targets: Mapping[str, Site | Account], order: Mapping[str, Sequence[str]]
    ) -> tuple[Entry, ...]:
        """Targets with problems of ``severity``: sites first, then by region order and inventory order."""
        rank = {
            (kind, region): index for kind, regions in order.items() for index, region in enumerate(regions)
        }
        entries = []
        for (kind_of, target_id), problems in self.found.items():
            if kind_of != severity:
                continue
            target = targets[target_id]
            listed = sorted(problems.values(), key=lambda p: (p.forecast is not None, p.first_day, p.code))
            entries.append(Entry(target.kind, target.id, target.name, target.region, tuple(listed)))
        position = {target_id: index for index, target_id in enumerate(targets)}
        entries.sort(key=lambda e: (e.kind != "site", rank[e.kind, e.region], position[e.target]))
        return tuple(entries)


def _merge(one: Problem, other: Problem) -> Problem:
    """The same finding in two records: what was seen wins over a forecast, and the days span both."""
    if (one.forecast is None) != (other.forecast is None):
        return one if one.forecast is None else other
    return dataclasses.replace(
        one, first_day=min(one.first_day, other.first_day), last_day=max(one.last_day, other.last_day)
    )


def _table(
    kind: str,
    targets: Sequence[Site | Account],
    checked: set[str] | None,
    counted: set[str],
    order: Sequence[str],
) -> Table:
    running: dict[str, int] = {}
    seen: dict[str, int] = {}
    problems: dict[str, int] = {}
    for target in targets:
        running[target.region] = running.get(target.region, 0) + 1
        if checked is None or target.id in checked:
            seen[target.region] = seen.get(target.region, 0) + 1
        if target.id in counted:
            problems[target.region] = problems.get(target.region, 0) + 1
    rows = tuple(
        Row(region, running[region], seen.get(region, 0), problems.get(region, 0))
        for region in order
        if region in running
    )
    total = Row(
        "合计",
        sum(row.running for row in rows),
        sum(row.checked for row in rows),
        sum(row.problems for row in rows),
    )
    return Table(kind, rows, total)


def _replies(
    sites: Sequence[Site], replies: Mapping[str, ReplyCount] | None, order: Sequence[str]
) -> tuple[tuple[ReplyRow, ...], ReplyRow | None]:
    """附件1 per region, from sites with messages asked in the window; nothing when no site has any."""
    if not replies:
        return (), None
    by_region: dict[str, list[tuple[Site, ReplyCount]]] = {}
    for site in sites:
        count = replies.get(site.id)
        if count is not None and count.asked > 0:
            by_region.setdefault(site.region, []).append((site, count))
    if not by_region:
        return (), None
    rows = tuple(
        ReplyRow(
            region,
            len(by_region[region]),
            sum(count.asked for _, count in by_region[region]),
            sum(count.within_workday for _, count in by_region[region]),
            tuple(site.name for site, count in by_region[region] if count.within_workday == count.asked),
        )
        for region in order
        if region in by_region
    )
    total = ReplyRow(
        "合计",
        sum(row.sites for row in rows),
        sum(row.asked for row in rows),
        sum(row.within_workday for row in rows),
    )
    return rows, total
