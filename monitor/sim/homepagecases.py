"""What a homepage must link, in the shapes real sites give it: the 政府网站工作年度报表 and a 重要专题 banner.

``SiteSpec.annual_report`` (``ANNUAL_REPORTS``): where the link to last year's report sits and how it is
named; ``SiteSpec.topic_banner`` (``TOPIC_BANNERS``): a 全国两会 topic shown as a banner image (the name only
in ``alt``) or a text link in a 专题专栏 block. "Last year" is the year before the simulator's ``now``.

| annual_report | what the homepage shows | judged (from 1 February) |
| --- | --- | --- |
| ``footer`` (default) | footer link "2025年度政府网站工作年度报表" to ``/ndbb/2025.html``, every page | linked |
| ``image`` | 政务公开 block: an image link, alt "政府网站年度报表", to ``/ndbb/2025ndbb.pdf`` | linked |
| ``block`` | 政务公开 block: "网站工作年度报表（2025年）" to ``/ndbb/2025.pdf`` | linked |
| ``old`` | footer link to the year before last ("2024年度…") only | missing |
| ``undated`` | footer link "政府网站年度报表" to the reports' list ``/ndbb/`` | no year: unverified |
| ``none`` | no link | missing |

Every linked page answers 200 (PDFs as ``application/pdf``), so no shape adds a broken link.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from monitor.sim.reply import Reply

ANNUAL_REPORTS = ("footer", "image", "block", "old", "undated", "none")
LINKED = ("footer", "image", "block")
"""The shapes that link last year's report."""
TOPIC_BANNERS = ("", "image", "text")
TOPIC_NAME = "全国两会"
PDF = b"%PDF-1.4\n% sim annual report\n" + b"0" * 2048 + b"\n%%EOF\n"


def report_year(shape: str, now_year: int) -> int | None:
    """The year the linked report is about (None: no year shown, or no link)."""
    if shape in LINKED:
        return now_year - 1
    return now_year - 2 if shape == "old" else None


def footer_link(shape: str, now_year: int) -> str:
    """The footer's report link (on every page), or ''."""
    if shape == "footer":
        year = now_year - 1
        return f' | <a href="/ndbb/{year}.html" target="_blank">{year}年度政府网站工作年度报表</a>'
    if shape == "old":
        year = now_year - 2
        return f' | <a href="/ndbb/{year}.html" target="_blank">{year}年度政府网站工作年度报表</a>'
    if shape == "undated":
        return ' | <a href="/ndbb/" target="_blank">政府网站年度报表</a>'
    return ""


def home_blocks(shape: str, banner: str, now_year: int) -> str:
    """The homepage's 政务公开 block with the report (``image``/``block``) and the topic (``banner``)."""
    parts = []
    year = now_year - 1
    if banner == "image":
        parts.append(
            '<div class="zt-banner"><a href="/zt/qglh/" target="_blank">'
            f'<img src="/images/zt/qglh.jpg" alt="聚焦{now_year}{TOPIC_NAME}" width="1200" height="90"></a></div>'
        )
    elif banner == "text":
        parts.append(
            '<div class="home-block ztzl-list"><div class="hd"><h2>专题专栏</h2></div><ul>'
            f'<li><a href="/zt/qglh/" target="_blank">{now_year}年{TOPIC_NAME}专题</a></li></ul></div>'
        )
    if shape == "image":
        parts.append(
            '<div class="home-block zwgk-nb"><div class="hd"><h2>政务公开</h2></div><ul>'
            '<li><a href="/xxgk/ndbg/">政府信息公开工作年度报告</a></li>'
            f'<li><a href="/ndbb/{year}ndbb.pdf" target="_blank">'
            '<img src="/images/ndbb.png" alt="政府网站年度报表"></a></li></ul></div>'
        )
    elif shape == "block":
        parts.append(
            '<div class="home-block zwgk-nb"><div class="hd"><h2>政务公开</h2></div><ul>'
            '<li><a href="/xxgk/ndbg/">政府信息公开工作年度报告</a></li>'
            f'<li><a href="/ndbb/{year}.pdf" target="_blank">网站工作年度报表（{year}年）</a></li></ul></div>'
        )
    return "".join(parts)


def page(path: str) -> tuple[str, str] | Reply | None:
    """What the report and topic links open: a PDF reply, ``(title, body)`` of a plain page, or None when
    ``path`` is not one of them."""
    if path.startswith("/ndbb/") and path.endswith(".pdf"):
        return Reply(200, PDF, "application/pdf")
    if path.startswith("/ndbb/"):
        name = path.rsplit("/", 1)[-1].removesuffix(".html")
        title = f"{name}年度政府网站工作年度报表" if name.isdigit() else "政府网站年度报表"
        return title, f"<p>{html.escape(title)}：网站基本信息、网站栏目、信息发布、互动交流。</p>"
    if path == "/xxgk/ndbg/":
        return "政府信息公开工作年度报告", "<p>政府信息公开工作年度报告。</p>"
    if path.startswith("/zt/qglh/"):
        return f"{TOPIC_NAME}专题", f"<p>聚焦{TOPIC_NAME}：权威发布、代表委员风采。</p>"
    return None


def homepage_truth(shape: str, banner: str, now_year: int, shown_titles: Iterable[str]) -> dict[str, object]:
    """The truth's ``annual_report`` (shape, the year linked, whether last year's is linked),
    ``topic_banner`` (the shape, '' for none) and ``lianghui_shown``: whether any homepage link names 两会,
    the banner or a row of the homepage's blocks (``shown_titles``: a 专题专栏 row "2026年全国“两会”专题"
    shows the topic too)."""
    rows = any("两会" in title for title in shown_titles)
    return {
        "annual_report": {
            "shape": shape,
            "year": report_year(shape, now_year),
            "linked": shape in LINKED,
        },
        "topic_banner": banner,
        "lianghui_shown": bool(banner) or rows,
    }
