"""Tampering: first-look signs on literal pages and the comparison with a baseline (news update vs defacement)."""

from __future__ import annotations

from monitor.extract import badlists
from monitor.extract.html import page_title, parse
from monitor.extract.tamper import Baseline, compare, first_look, foreign_resources, text_diff
from monitor.extract.visible import visible_lines

LISTS = badlists.load()
URL = "http://www.example.gov.cn/"


def signs(head: str = "", body: str = "", title: str = "某某市人民政府") -> list[tuple[str, str]]:
    tree = parse(f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>")
    return [(s.kind, s.detail) for s in first_look(tree, URL, LISTS, title=page_title(tree))]


def test_first_look_signs() -> None:
    assert signs('<script src="http://evil.example.com/m.js"></script>') == [
        ("bad_script", "http://evil.example.com/m.js")
    ]
    assert signs(body='<iframe src="http://cp.example.net/x" width=0></iframe>') == [
        ("bad_iframe", "http://cp.example.net/x")
    ]
    assert signs('<meta http-equiv="refresh" content="0;url=http://bet.example.net/">') == [
        ("meta_refresh", "http://bet.example.net/")
    ]
    assert signs(body='<script>window.location.href = "http://bet.example.net/?a=1";</script>') == [
        ("script_redirect", "http://bet.example.net/?a=1")
    ]
    cloak = '<script>if (document.referrer.indexOf("baidu") > 0) { location.href = "http://shop.example/"; }</script>'
    assert signs(body=cloak) == [("cloaking", "http://shop.example/")]
    assert [k for k, _ in signs(title="澳门百家乐_真人娱乐-某某市人民政府")] == ["title"]
    assert [k for k, _ in signs(body="<h1>Hacked by Someone</h1>")] == ["defaced"]


def test_healthy_first_look() -> None:
    head = (
        '<script src="http://www.gov.cn/static/js/share.js"></script>'
        '<script src="https://hm.baidu.com/hm.js?x"></script>'
        '<meta http-equiv="refresh" content="300">'
    )
    body = (
        '<iframe src="http://www.gov.cn/xinwen/video/index.htm"></iframe>'
        '<script>location.href = "/zwgk/index.html";</script>'
        '<a href="http://www.hnlottery.cn/">湖南省体育彩票管理中心</a>'
    )
    assert signs(head, body) == []


def baseline(title: str, lines: list[str], hosts: tuple[str, ...] = ()) -> Baseline:
    return Baseline(title, hosts, tuple(lines))


MENU = [f"栏目{n}" for n in range(40)] + ["版权所有：某某市人民政府办公室", "网站标识码4300000001"]


def test_a_news_update_is_not_tampering() -> None:
    before = baseline("某某市人民政府", ["市政府召开常务会议", *MENU])
    after = baseline("某某市人民政府", ["市长调研春耕生产", "市政府召开常务会议", *MENU])
    assert compare(before, after) == []


def test_replaced_wholesale_and_new_foreign_script() -> None:
    before = baseline("某某市人民政府", ["市政府召开常务会议", *MENU])
    after = baseline("鑫源商贸有限公司", [f"优质产品第{n}号" for n in range(30)], ("ads.example.biz",))
    assert [(s.kind, s.detail) for s in compare(before, after)] == [
        ("new_foreign", "ads.example.biz"),
        ("replaced", "鑫源商贸有限公司"),
    ]
    diff = text_diff(before.lines, after.lines)
    assert diff[0] == "-市政府召开常务会议" and "+优质产品第0号" in diff


def test_foreign_resources_leave_out_own_government_and_trusted_hosts() -> None:
    tree = parse(
        '<script src="/js/a.js"></script><script src="http://cdn.hunan.gov.cn/b.js"></script>'
        '<script src="https://hm.baidu.com/hm.js"></script><script src="http://ads.example.biz/s.js"></script>'
        '<iframe src="http://player.example.com/v"></iframe>'
    )
    found = foreign_resources(tree, URL, ("www.example.gov.cn", "gov.cn"), ("hm.baidu.com",))
    assert [(t, h) for t, _, h in found] == [("script", "ads.example.biz"), ("iframe", "player.example.com")]


def test_visible_lines_leave_out_scripts_and_styles() -> None:
    tree = parse("<body><p>甲</p><script>var a='乙'</script><style>p{}</style><div> 丙  丁 </div></body>")
    assert visible_lines(tree) == ["甲", "丙 丁"]


def test_baseline_round_trip() -> None:
    b = Baseline("t", ("a.example",), ("x", "y"), 12.5)
    assert Baseline.from_json(b.to_json()) == b
