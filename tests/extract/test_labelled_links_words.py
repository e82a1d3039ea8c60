"""``labelled_links(..., wanted, words=...)`` (the homepage check's path: only the anchors whose text,
``alt``, ``title`` or images' ``alt`` hold a word are read) finds exactly what the call without ``words``
finds, on the simulator's homepage shapes, on markup that splits, encodes or nests the words, and on
generated markup."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.extract.homepage_links import REPORT_WORDS, is_report_label, labelled_links, topic_words
from monitor.extract.html import parse
from monitor.fetch import Fetcher
from monitor.settings import Settings
from monitor.sim import SimWeb

BASE = "http://www.example.gov.cn/"
WORDS = (*REPORT_WORDS, "两会")


def wanted(label: str) -> bool:
    return is_report_label(label) or "两会" in label


def holds_a_word(label: str) -> bool:
    """The widest ``wanted`` that ``WORDS`` allow: any label holding one."""
    return any(word in label for word in WORDS)


def both(html: str, accepts: Callable[[str], bool] = wanted) -> tuple[list[object], list[object]]:
    tree = parse(html)
    return labelled_links(tree, BASE, accepts, words=WORDS), labelled_links(tree, BASE, accepts)


async def test_the_simulators_homepages_give_the_same_links_with_words() -> None:
    async with SimWeb(seed=2, scenario="homepage") as sim:
        settings_ = Settings.model_validate({"resolve": sim.resolve, "allow_private_networks": True})
        async with Fetcher(settings_.fetch, allow_private=True, resolve=settings_.resolve) as fetcher:
            results = [await fetcher.get(sim.url(site.host)) for site in sim.sites]
    pages = [r.text for r in results if r.ok]
    assert len(pages) >= 5
    found = 0
    for html in pages:
        fast, every = both(html)
        assert fast == every
        found += len(fast)
    assert found >= len(pages)


TRICKY = """
<div>
  <a href="/1">2025年<span>度报表</span> 政府网站</a>
  <a href="/2">政府网站年<br>报</a>
  <a href="/3">政府网站年<!-- x -->报</a>
  <a href="/4" title="&#25919;&#24220;&#32593;&#31449;&#24180;&#25253;">图</a>
  <a href="/5"><img src="a.png" alt="政府网站&#24180;度报表"></a>
  <a href="/6"><span><img src="b.png" alt="网站年报"></span> 链接</a>
  <map><area href="/7" alt="政府网站年度报表 2024"><area href="/8" title="聚焦两会"></map>
  <a href="/9" alt="网站年报">x</a>
  <a href="/10">统计年报</a>
  <a href="/11"><img alt="年度"><img alt="报表 网站"></a>
  <a href="/12" title="两会 专题"><img alt="年报网站"></a>
  <a href="javascript:void(0)">网站年报</a>
  <a>网站年报 without href</a>
  <a href="/13"><b>网站</b><i>年度报表</i></a>
  <table><a href="/14">网站年报</a><tr><td>年</td></tr></table>
  <a href="/15"><svg><a href="/16">网站年报</a></svg>外</a>
</div>
"""


def test_split_encoded_and_nested_words_give_the_same_links() -> None:
    fast, every = both(TRICKY)
    assert fast == every
    assert len(every) >= 8
    fast, every = both(TRICKY, holds_a_word)
    assert fast == every
    assert len(every) >= 12


def test_a_word_with_whitespace_or_a_quote_reads_every_anchor() -> None:
    tree = parse('<a href="/a">两 会</a><a href="/b">"两会"</a>')
    assert labelled_links(tree, BASE, lambda label: "两" in label, words=("两 会", '"')) == labelled_links(
        tree, BASE, lambda label: "两" in label
    )


def test_topic_words_are_the_keywords_unless_patterns_or_whitespace() -> None:
    assert topic_words([" 两会 ", ""], []) == ("两会",)
    assert topic_words(["两会"], ["两会.*专题"]) is None
    assert topic_words(["全国 两会"], []) is None


PIECES = st.sampled_from(
    [
        "年", "报", "度", "表", "网站", "年度报表", "年报", "两会", " ", "\n", "统计", "2025", "&#24180;",
        "&#25253;", "<br>", "<!-- c -->", "<span>", "</span>", "<b>", "</b>",
    ]
)  # fmt: skip
TEXT = st.lists(PIECES, max_size=8).map("".join)
ATTR = st.lists(
    st.sampled_from(["年", "报", "度", "表", "网站", "年度报表", "年报", "两会", "&#24180;", " "]), max_size=5
).map("".join)


@st.composite
def anchors(draw: st.DrawFn) -> str:
    href = draw(st.sampled_from(['href="/x"', 'href="/y"', "", 'href="javascript:;"']))
    title = draw(st.one_of(st.just(""), ATTR.map(lambda v: f' title="{v}"')))
    alt = draw(st.one_of(st.just(""), ATTR.map(lambda v: f' alt="{v}"')))
    if draw(st.booleans()):
        return f"<area {href}{title}{alt}>"
    img = draw(st.one_of(st.just(""), ATTR.map(lambda v: f'<img alt="{v}">')))
    return f"<a {href}{title}{alt}>{draw(TEXT)}{img}{draw(TEXT)}</a>"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(anchors(), TEXT), max_size=12))
def test_generated_markup_gives_the_same_links(parts: list[str]) -> None:
    html = "<div>" + "".join(parts) + "</div>"
    for accepts in (wanted, holds_a_word):
        fast, every = both(html, accepts)
        assert fast == every
