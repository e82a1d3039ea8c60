"""Where the report reads from: a findings file (bad lines reported with their line number, the rest used),
govmon's Redis (the real embedded server), and the command line around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.report.sources import read_findings_file

CONFIG = """\
inspection:
  windows: {2022Q1: [2022-01-08, 2022-03-11]}
sites:
  - {id: "s1", name: 甲市政府门户网站, url: "https://a.gov.cn/", region: 甲市}
  - {id: "s2", name: 乙县政府门户网站, url: "https://b.gov.cn/", region: 乙县}
accounts:
  - {id: "a1", name: 甲市发布, platform: wechat, feed: "https://f.example.cn/a1.xml", region: 甲市}
"""
GOOD = {
    "target": "s2",
    "target_kind": "site",
    "name": "乙县政府门户网站",
    "region": "乙县",
    "code": "homepage.stale",
    "severity": "veto",
    "status": "violation",
    "message": "首页 20 天未更新",
    "observed_at": "2022-02-01T10:00:00+08:00",
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "govmon.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_a_bad_line_is_reported_with_its_number_and_the_rest_used(tmp_path: Path) -> None:
    path = tmp_path / "q1.jsonl"
    lines = [
        json.dumps(GOOD, ensure_ascii=False),
        "",
        '{"target": "s1", "target_kind": "site",',
        json.dumps(GOOD | {"severity": "fatal"}),
        json.dumps(GOOD | {"target": "s1", "name": "甲市政府门户网站"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = read_findings_file(path)
    assert [record.target for record in loaded.records] == ["s2", "s1"]
    assert loaded.problems[0].startswith(f"{path}:3: not JSON")
    assert loaded.problems[1] == f"{path}:4: severity: 'fatal' is not one of veto, deduction, warning"
    assert len(loaded.problems) == 2


def test_cli_prints_bad_lines_on_stderr_and_markdown_on_stdout(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "q1.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\nnot json\n", encoding="utf-8")
    status = main(["report", "--quarter", "2022Q1", "-c", str(config), "--findings", str(path)])
    out, err = capsys.readouterr()
    assert status == 0
    assert f"govmon: {path}:2: not JSON" in err
    assert "| 乙县 | 1 | 1 | 1 | 100% |" in out
    assert "| 合计 | 2 | 2 | 1 | 50.00% |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2022Q5"], "govmon: report: expected a quarter such as 2022Q1, got '2022Q5'\n"),
        (["--quarter", "2022Q1", "--findings", "missing.jsonl"], "govmon: report: cannot read findings file"),
        (["--quarter", "2022Q1", "--format", "pdf", "-o", "x"], "govmon: report: unknown format 'pdf'"),
        (["--quarter", "2022Q1", "--format", "xlsx"], "govmon: report: only md can go to stdout"),
        (["--quarter", "2022Q1", "--as-of", "soon"], "govmon: report: not an ISO 8601 date"),
    ],
)
def test_usage_errors_print_one_line_and_exit_2(
    config: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["report", "-c", str(config), *args])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_forecast_from_the_command_line_marks_what_is_due(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    at_risk = GOOD | {
        "status": "at_risk",
        "state": "open",
        "first_seen": "2022-01-01T08:00:00+08:00",
        "last_seen": "2022-01-02T08:00:00+08:00",
        "due": "2022-01-10T00:00:00+08:00",
    }
    path = tmp_path / "q1.jsonl"
    path.write_text(json.dumps(at_risk, ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["report", "--quarter", "2022Q1", "-c", str(config), "--findings", str(path)]
    assert main([*args, "--as-of", "2022-01-02T12:00"]) == 0
    out = capsys.readouterr().out
    assert "（预测）" in out
    assert "乙县政府门户网站（s2）（预计）" in out
    assert "（预计：2022年1月10日到期）" in out
    assert "| 乙县 | 1 | 1 | 1 | 100% |" in out
    assert main(args) == 0  # the quarter as it stood: an at_risk never counts
    assert "| 乙县 | 1 | 1 | 0 | 0 |" in capsys.readouterr().out


def test_every_format_is_written_to_the_output_directory(config: Path, tmp_path: Path) -> None:
    path = tmp_path / "q1.jsonl"
    hostile = GOOD | {"evidence": {"url": "javascript:alert(1)"}, "message": "<script>x</script>", "id": "h"}
    lines = [json.dumps(GOOD, ensure_ascii=False), json.dumps(hostile, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(["report", "--quarter", "2022Q1", "-c", str(config), "--findings", str(path), "-o", str(out)])
        == 0
    )
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "new-media.csv",
        "report.docx",
        "report.html",
        "report.md",
        "report.xlsx",
        "scores.csv",
        "websites.csv",
    ]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>乙县</td><td>1</td><td>1</td><td>1</td><td>100%</td>" in html
    assert 'href="javascript:' not in html  # evidence from hostile pages is shown, never linked
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "&lt;script&gt;x&lt;/script&gt;" in markdown
