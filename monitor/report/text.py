"""The report's words, shared by every format: the title, the 总体情况 sentences, the table cells and the
lines of the problem lists, written the way the 通报 writes them. Renderers only lay these out."""

from __future__ import annotations

from monitor.report.build import Entry, Problem, ReplyRow, Report, Row, Table, TargetScore
from monitor.report.labels import (
    FORECAST_LABELS,
    KIND_NOUN,
    TABLE_HEADERS,
    TABLE_TITLE,
    day_words,
    indicator,
    quarter_words,
    range_words,
)
from monitor.score import EXTRA_KEYS, Score

ANNEX = {"site": "附件2", "account": "附件3"}
REPLY_ANNEX = "附件1"
REPLY_TITLE = "简单常见咨询问题一个工作日内回复情况"
REPLY_HEADERS = (
    "市州/部门",
    "有留言的网站数",
    "咨询留言数",
    "1个工作日内答复数",
    "占比",
    "全部1个工作日内答复的网站",
)


def title(report: Report) -> str:
    head = f"关于{quarter_words(report.quarter)}政府网站与政务新媒体检查情况的通报"
    return f"{head}（预测）" if report.forecast else head


def subtitle(report: Report) -> str | None:
    """The forecast's warning line: what this document is, and as of when."""
    if not report.forecast or report.as_of is None:
        return None
    moment = report.as_of.strftime("%Y-%m-%d %H:%M")
    return f"截至{moment}的预测：如不整改，检查时将出现以下情况。"


def window_note(report: Report) -> str:
    return f"注：检查采样时间为{range_words(report.window.first_day, report.window.last_day)}。"


def summary(report: Report) -> list[str]:
    """一、总体情况: one sentence per table, then the regions where both rates are 100%."""
    sites, accounts = report.table("site"), report.table("account")
    words = quarter_words(report.quarter)
    lines = [
        f"{words}，对正常运行的{sites.total.running}家政府网站中的{sites.total.checked}家进行检查，"
        f"发现{sites.total.problems}家存在单项否决问题，总体合格率{sites.pass_rate_text}。"
        f"对正常运行的{accounts.total.running}家政务新媒体中的{accounts.total.checked}家进行检查，"
        f"发现{accounts.total.problems}家存在突出问题，总体合格率{accounts.pass_rate_text}。"
    ]
    clean = report.clean_regions()
    if clean:
        lines.append(f"{'、'.join(clean)}政府网站和政务新媒体检查合格率均达到100%。")
    if report.replies_total is not None:
        total = report.replies_total
        lines.append(
            f"检查期间{total.sites}家政府网站公开了咨询留言{total.asked}条，其中{total.within_workday}条"
            f"在1个工作日内答复，占{total.share_text}（详见{REPLY_ANNEX}）。"
        )
    return lines


def table_title(table: Table) -> str:
    return TABLE_TITLE[table.kind]


def table_header(table: Table) -> tuple[str, ...]:
    return TABLE_HEADERS[table.kind]


def row_cells(row: Row) -> tuple[str, ...]:
    return (row.region, str(row.running), str(row.checked), str(row.problems), row.ratio_text)


def table_cells(table: Table) -> list[tuple[str, ...]]:
    """Every body row then 合计, as text."""
    return [row_cells(row) for row in (*table.rows, table.total)]


def reply_cells(row: ReplyRow) -> tuple[str, ...]:
    names = "、".join(row.prompt_sites)
    return (row.region, str(row.sites), str(row.asked), str(row.within_workday), row.share_text, names)


def entry_head(entry: Entry) -> str:
    """``邵阳市信访局网站（4305000012）``, with the forecast mark when only forecasts name it."""
    mark = "（预计）" if entry.forecast else ""
    return f"{entry.name}（{entry.target}）{mark}"


def problem_text(problem: Problem) -> str:
    """One problem in the inspector's words, then govmon's message, the days and the evidence."""
    parts = [problem.words]
    if problem.message and problem.message != problem.words:
        parts.append(f"：{problem.message}")
    if problem.forecast:
        if problem.forecast == "at_risk" and problem.due:
            parts.append(f"（预计：{day_words(problem.due)}到期）")
        else:
            parts.append(f"（{FORECAST_LABELS[problem.forecast]}）")
    else:
        parts.append(f"（{_days(problem)}）")
    return "".join(parts)


def _days(problem: Problem) -> str:
    if problem.first_day == problem.last_day:
        return f"{day_words(problem.first_day)}发现"
    return f"{range_words(problem.first_day, problem.last_day)}存在"


def grouped(entries: tuple[Entry, ...], kind: str) -> list[tuple[str, list[Entry]]]:
    """Entries of one kind by region, in the report's order (entries are already ordered)."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.kind == kind:
            groups.setdefault(entry.region, []).append(entry)
    return list(groups.items())


SECTIONS = (
    ("problems", "site", "（一）政府网站存在突出问题"),
    ("problems", "account", "（二）政务新媒体存在突出问题"),
    ("deductions", "site", "（三）政府网站扣分问题"),
    ("deductions", "account", "（四）政务新媒体扣分问题"),
)
"""The problem list's sections: (which list, kind, heading)."""


def section_entries(report: Report, which: str, kind: str) -> list[tuple[str, list[Entry]]]:
    return grouped(report.problems if which == "problems" else report.deductions, kind)


def none_found(kind: str) -> str:
    return f"未发现{KIND_NOUN[kind]}存在此类问题。"


SCORE_SECTIONS = (("site", "（五）政府网站扣分得分"), ("account", "（六）政务新媒体扣分得分"))
"""Headings of the score lists: 100 less the province's points for the deduction problems above."""
SCORE_HEADER = ("类型", "市州/部门", "名称", "标识", "得分", "合格线", "结论", "单项否决", "扣分明细")
"""``scores.csv``: one row per checked target."""


def deduction_words(score: Score) -> str:
    """``网站标识 2 处，每处扣 1 分，扣 2 分；…``: the deductions in the inspector's words."""
    parts = []
    for d in score.deductions:
        name = EXTRA_KEYS.get(d.key) or indicator(d.key, d.key)
        capped = "（封顶）" if d.cap is not None and d.count * d.points_each > d.cap else ""
        parts.append(f"{name} {d.count} 处，每处扣 {d.points_each:g} 分，扣 {d.points:g} 分{capped}")
    return "；".join(parts)


def score_line(entry: TargetScore) -> str:
    """``某网站（4305000001）：88分，合格。扣分：…`` (不合格 with why)."""
    result = entry.score
    verdict = result.verdict + (f"（{result.why}）" if result.why else "")
    line = f"{entry.name}（{entry.target}）：{result.score:g}分，{verdict}。"
    details = deduction_words(result)
    return line + (f"扣分：{details}。" if details else "")


def score_lines(report: Report, kind: str) -> tuple[list[str], str]:
    """The lines of targets that lost points or are 不合格, and the sentence for the rest (100 分)."""
    scored = [s for s in report.scores if s.kind == kind]
    listed = [s for s in scored if s.score.deductions or not s.score.passed]
    full = len(scored) - len(listed)
    rest = f"{'其余' if listed else ''}{full}家{KIND_NOUN[kind]}无计分扣分问题，均为100分。" if full else ""
    return [score_line(s) for s in listed], rest


def score_cells(entry: TargetScore) -> tuple[str, ...]:
    result = entry.score
    return (
        KIND_NOUN[entry.kind],
        entry.region,
        entry.name,
        entry.target,
        f"{result.score:g}",
        f"{result.pass_line:g}",
        result.verdict,
        "、".join(result.vetoes),
        deduction_words(result),
    )
