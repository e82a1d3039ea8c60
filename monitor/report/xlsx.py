"""``report.xlsx``: one sheet per table (the 通报's headers, counts as numbers, the ratio as a percentage
formatted ``0.00%``, or ``0`` where there is none), one for the problem list, one for the deductions, one
for every checked target's deduction score (得分), and 附件1 when there is data for it. Column widths are set
so that the Chinese names fit."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from monitor.report import figures, text
from monitor.report.build import Entry, Report, Table

SHEET_NAMES = {"site": "政府网站", "account": "政务新媒体"}
PROBLEM_SHEET, DEDUCTION_SHEET, SCORE_SHEET, REPLY_SHEET = "突出问题", "扣分问题", "得分", "附件1"
PROBLEM_HEADERS = (
    "类别",
    "市州/部门",
    "名称",
    "标识",
    "问题",
    "说明",
    "证据",
    "首次发现",
    "最后发现",
    "预计",
)
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)


def write_xlsx(report: Report, directory: Path) -> list[Path]:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for table in report.tables:
        _table_sheet(workbook.create_sheet(SHEET_NAMES[table.kind]), table, report)
    _entries_sheet(workbook.create_sheet(PROBLEM_SHEET), report.problems)
    _entries_sheet(workbook.create_sheet(DEDUCTION_SHEET), report.deductions)
    _score_sheet(workbook.create_sheet(SCORE_SHEET), report)
    if report.replies:
        _reply_sheet(workbook.create_sheet(REPLY_SHEET), report)
    path = directory / "report.xlsx"
    workbook.save(path)
    return [path]


def _table_sheet(sheet: Worksheet, table: Table, report: Report) -> None:
    sheet.append(text.table_header(table))
    for row in (*table.rows, table.total):
        sheet.append((row.region, row.running, row.checked, row.problems, row.ratio_value))
        ratio = sheet.cell(sheet.max_row, 5)
        ratio.number_format = "0.00%" if row.problems and row.checked else "0"
    for cells in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=5):
        for cell in cells:
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = _BOLD
    sheet.append(())
    sheet.append((text.window_note(report),))
    sheet.append((f"总体合格率{table.pass_rate_text}",))
    _widths(sheet, (16, 14, 14, 18, 14))
    sheet.freeze_panes = "A2"


def _entries_sheet(sheet: Worksheet, entries: tuple[Entry, ...]) -> None:
    sheet.append(PROBLEM_HEADERS)
    row_number = 1  # openpyxl's max_row scans every cell: counting here keeps 100,000 rows linear
    for entry in entries:
        for problem in entry.problems:
            row_number += 1
            forecast = ""
            if problem.forecast:
                forecast = text.FORECAST_LABELS[problem.forecast]
                forecast += f" {problem.due.isoformat()}" if problem.due else ""
            sheet.append(
                (
                    text.KIND_NOUN[entry.kind],
                    entry.region,
                    entry.name,
                    entry.target,
                    problem.words,
                    problem.message,
                    problem.evidence_url,
                    problem.first_day,
                    problem.last_day,
                    forecast,
                )
            )
            for column in (8, 9):
                sheet.cell(row_number, column).number_format = "yyyy-mm-dd"
    for cell in sheet[1]:
        cell.font = _BOLD
    _widths(sheet, (12, 12, 30, 14, 24, 50, 40, 12, 12, 20))
    sheet.freeze_panes = "A2"


def _score_sheet(sheet: Worksheet, report: Report) -> None:
    """``scores.csv``'s columns, the score and the pass line as numbers."""
    sheet.append(text.SCORE_HEADER)
    for entry in report.scores:
        cells: list[object] = list(text.score_cells(entry))
        cells[4], cells[5] = entry.score.score, entry.score.pass_line
        sheet.append(cells)
    for cell in sheet[1]:
        cell.font = _BOLD
    _widths(sheet, (12, 12, 30, 14, 8, 8, 8, 30, 60))
    sheet.freeze_panes = "A2"


def _reply_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.append(text.REPLY_HEADERS)
    rows = [*report.replies, *([report.replies_total] if report.replies_total else [])]
    for row in rows:
        share = figures.ratio_value(row.within_workday, row.asked)
        sheet.append(
            (row.region, row.sites, row.asked, row.within_workday, share, "、".join(row.prompt_sites))
        )
        sheet.cell(sheet.max_row, 5).number_format = "0.00%" if share else "0"
    for cell in sheet[1]:
        cell.font = _BOLD
    _widths(sheet, (16, 14, 12, 16, 10, 60))


def _widths(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
