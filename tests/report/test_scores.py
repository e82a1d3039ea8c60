"""The report's deduction scores (issue 14 item 12): each checked target's score for the quarter from its
deduction problems in the window and the province's table, 不合格 below the 60-point line or with a veto
problem whatever the score; listed in the markdown and written to ``scores.csv``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
from openpyxl import load_workbook

from monitor.report.csvfiles import render_scores_csv, write_csv
from monitor.report.docx import write_docx
from monitor.report.html import write_html
from monitor.report.markdown import render_markdown
from monitor.report.xlsx import write_xlsx
from monitor.score import ScoringSettings
from tests.report.test_counting import report, violation

TABLE = ScoringSettings.model_validate({"deductions": {"links.broken": {"points": 15, "max": 45}}})


def deduction(target: str, code: str, url: str, state: str = "open", **evidence):
    return violation(target, "2022-01-10T10:00:00", "2022-01-20T10:00:00", code=code, severity="deduction",
                     evidence={"url": url, **evidence}, message="…", state=state)  # fmt: skip


RECORDS = (
    # s1: 4 broken links at 15, capped at 45, and a first-level policy column idle 6 months (−5): 50, 不合格
    *(deduction("s1", "links.broken", f"https://a.gov.cn/{n}") for n in range(4)),
    deduction("s1", "column.stale", "https://a.gov.cn/tzgg/", category="notice", first_level=True),
    # s2: a news column stale (0 in this table) and replies not updated (−3): 97, 合格
    deduction("s2", "column.stale", "https://b.gov.cn/gzdt/", category="news", first_level=True),
    deduction("s2", "interaction.replies_stale", "https://b.gov.cn/hdjl/"),
    # s3: a veto violation in the window: 不合格 at 100
    violation("s3", "2022-01-09T10:00:00", "2022-01-12T10:00:00"),
    # a deduction dismissed as a false positive and one outside the window cost nothing
    deduction("s2", "links.broken", "https://b.gov.cn/x", state="dismissed"),
    violation("s2", "2022-04-01T10:00:00", "2022-04-02T10:00:00", code="links.broken", severity="deduction",
              evidence={"url": "https://b.gov.cn/late"}),
)  # fmt: skip


def test_each_checked_target_gets_its_quarter_score_and_verdict():
    result = report(*RECORDS, scoring=TABLE)
    scores = {s.target: s.score for s in result.scores}
    assert [s.target for s in result.scores] == ["s1", "s2", "s3", "a1"]  # sites first, in the tables' order
    assert (scores["s1"].score, scores["s1"].verdict) == (50, "不合格")
    assert {d.key: d.points for d in scores["s1"].deductions} == {
        "links.broken": 45,
        "column.stale.policy": 5,
    }
    assert (scores["s2"].score, scores["s2"].verdict) == (97, "合格")
    assert (scores["s3"].score, scores["s3"].verdict, scores["s3"].vetoes) == (
        100,
        "不合格",
        ("homepage.stale",),
    )
    assert (scores["a1"].score, scores["a1"].verdict) == (100, "合格")


def test_targets_not_checked_in_the_window_get_no_score():
    result = report(*RECORDS, scoring=TABLE, checked={"s1", "s2"})
    assert [s.target for s in result.scores] == ["s1", "s2"]


def test_markdown_lists_the_scores_and_csv_has_every_checked_target(tmp_path: Path):
    result = report(*RECORDS, scoring=TABLE)
    markdown = render_markdown(result)
    section = markdown[markdown.index("### （五）政府网站扣分得分") : markdown.index("### （六）")]
    assert (
        "- 甲市政府门户网站（s1）：50分，不合格（得分低于 60 分）。扣分：其他页面不可用链接 4 处，"
        "每处扣 15 分，扣 45 分（封顶）；一级政策文件类栏目超过 6 个月未更新 1 处，每处扣 5 分，扣 5 分。"
        in section
    )
    assert "- 乙县教育局网站（s3）：100分，不合格（单项否决：homepage.stale）。" in section
    assert "其余" not in section  # every site lost points or failed
    media = markdown[markdown.index("### （六）政务新媒体扣分得分") :]
    assert "1家政务新媒体无计分扣分问题，均为100分。" in media
    rows = list(csv.reader(io.StringIO(render_scores_csv(result))))
    assert rows[0] == ["类型", "市州/部门", "名称", "标识", "得分", "合格线", "结论", "单项否决", "扣分明细"]
    assert [row[3:7] for row in rows[1:]] == [
        ["s1", "50", "60", "不合格"],
        ["s2", "97", "60", "合格"],
        ["s3", "100", "60", "不合格"],
        ["a1", "100", "60", "合格"],
    ]
    assert "scores.csv" in [p.name for p in write_csv(result, tmp_path)]
    assert (tmp_path / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8


def test_xlsx_has_a_score_sheet_and_html_the_score_lists(tmp_path: Path):
    result = report(*RECORDS, scoring=TABLE)
    [path] = write_xlsx(result, tmp_path)
    sheet = load_workbook(path)["得分"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:7] == ["类型", "市州/部门", "名称", "标识", "得分", "合格线", "结论"]
    assert [(row[3], row[4], row[6]) for row in rows[1:]] == [
        ("s1", 50, "不合格"),
        ("s2", 97, "合格"),
        ("s3", 100, "不合格"),
        ("a1", 100, "合格"),
    ]
    [page] = write_html(result, tmp_path)
    html = page.read_text(encoding="utf-8")
    assert "<h3>（五）政府网站扣分得分</h3>" in html
    assert (
        "<li>乙县政府门户网站（s2）：97分，合格。扣分：留言答复未更新 1 处，每处扣 3 分，扣 3 分。</li>"
        in html
    )


def test_docx_has_the_score_lists(tmp_path: Path):
    [path] = write_docx(report(*RECORDS, scoring=TABLE), tmp_path)
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    start = paragraphs.index("（五）政府网站扣分得分")
    assert (
        paragraphs[start + 2]
        == "乙县政府门户网站（s2）：97分，合格。扣分：留言答复未更新 1 处，每处扣 3 分，扣 3 分。"
    )
    assert (
        paragraphs[paragraphs.index("（六）政务新媒体扣分得分") + 1]
        == "1家政务新媒体无计分扣分问题，均为100分。"
    )
