"""The serious-error dictionary: the sample, the province's text and CSV lists with file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.extract import serious_errors
from monitor.extract.serious_errors import Dictionary, DictionaryError


def test_sample_dictionary_finds_wrong_forms_with_context() -> None:
    hits = serious_errors.load().find(
        "本站由湖南省人民正府主办。热烈庆祝中华人民共合国成立。中华人民共和国万岁"
    )
    assert [(h.wrong, h.right) for h in hits] == [
        ("湖南省人民正府", "湖南省人民政府"),
        ("中华人民共合国", "中华人民共和国"),
    ]
    assert "主办" in hits[0].context


def test_right_forms_are_not_hits() -> None:
    text = "中华人民共和国 湖南省人民政府 国务院办公厅 社会主义核心价值观 五星红旗 湘潭市 郴州市 张家界市"
    assert serious_errors.load().find(text) == []


def test_province_lists_text_and_csv(tmp_path: Path) -> None:
    txt = tmp_path / "leaders.txt"
    txt.write_text("# ours\n某某某同志	某某同志	title\n旧名称 => 新名称\n", encoding="utf-8")
    csv = tmp_path / "organs.csv"
    csv.write_text("wrong,right,category\n长沙市人民正府,长沙市人民政府,organ\n", encoding="utf-8")
    dictionary = serious_errors.load([txt, csv], shipped=False)
    assert dictionary.size == 3
    assert [h.category for h in dictionary.find("长沙市人民正府 旧名称 某某某同志")] == [
        "organ",
        "other",
        "title",
    ]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.txt", "ok\tfine\nonly-one-column\n", r"a.txt:2: expected"),
        ("b.txt", "政府\t人民政府\n", r"b.txt:1: the wrong form '政府' is part of the right one"),
        ("c.csv", "wrong,correct\nx,y\n", r"c.csv:1: the header must name"),
        ("d.csv", "wrong,right\nx,y\nz,\n", r"d.csv:3: both wrong and right"),
    ],
)
def test_bad_lists_name_file_and_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError, match=message):
        serious_errors.load([path])


def test_longest_form_wins_where_two_overlap() -> None:
    entries = [
        serious_errors.Entry("人民正府", "人民政府", "organ", "t:1"),
        serious_errors.Entry("湖南省人民正府", "湖南省人民政府", "organ", "t:2"),
    ]
    assert [h.wrong for h in Dictionary(entries).find("湖南省人民正府")] == ["湖南省人民正府"]
