"""The report's words, shared by every format: the title, the 总体情况 sentences, the table cells and the
lines of the problem lists, written the way the 通报 writes them. Renderers only lay these out."""

from __future__ import annotations

from monitor.report.build import Entry, Problem, ReplyRow, Report, Row, Table
from monitor.report.labels import (
    FORECAST_LABELS,
    KIND_NOUN,
    TABLE_HEADERS,
    TABLE_TITLE,
    day_words,
    quarter_words,
    range_words,
)

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
