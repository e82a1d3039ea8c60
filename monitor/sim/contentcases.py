"""Content-safety injections (issue 12) and the healthy traps that must not be flagged.

``SiteSpec.content`` names what a site's homepage carries: hidden links of every kind (``HIDDEN_KINDS``),
tampering (``TAMPER_KINDS``: a foreign malware script, a script redirect to a gambling host, a defaced
title; ``replaced``: the homepage is replaced wholesale when ``SimWeb.deface(host)`` is called, between two
checks), serious-error dictionary hits in the body, personal data (a valid ID number, a mobile number, a
CSV attachment with ID numbers), and traps (``TRAP_KINDS``) that a careful reader does not flag. Written
from scratch (the ID check digit included), importing nothing from the rest of ``monitor``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape as esc

Url = Callable[[str, str], str]
"""``(host, path) → absolute URL`` on the simulator's port."""

HIDDEN_KINDS = {
    # kind: (method govmon must name, host, link text)
    "display_none": ("display_none", "bet.example.net", "澳门百家乐"),
    "visibility_hidden": ("visibility_hidden", "casino-88.example.com", "真人娱乐"),
    "off_screen": ("off_screen", "cp.example.net", "北京赛车"),
    "font_size_zero": ("font_size_zero", "av.example.org", "成人视频"),
    "zero_size": ("zero_size", "sf.example.net", "传奇私服"),
    "style_block": ("off_screen", "bet.example.net", "皇冠体育"),
    "marquee": ("marquee", "cp.example.net", "时时彩"),
    "script_write": ("script_write", "casino-88.example.com", "网上赌场"),
    "inner_html": ("script_write", "av.example.org", "黄色网站"),
}
TAMPER_KINDS = ("tamper_script", "tamper_redirect", "tamper_title", "replaced")
OTHER_KINDS = ("serious_error", "privacy_id", "privacy_mobile", "privacy_attachment")
TRAP_KINDS = (
    "lottery_centre",
    "gov_video",
    "gov_cdn_script",
    "masked_id",
    "invalid_id",
    "contact_mobile",
    "own_menu",
)
CONTENT_KINDS = (*HIDDEN_KINDS, *TAMPER_KINDS, *OTHER_KINDS, *TRAP_KINDS)

CONTENT_HOSTS = (
    "www.hnlottery.cn",
    "bet.example.net",
    "casino-88.example.com",
    "cp.example.net",
    "av.example.org",
    "sf.example.net",
    "evil.example.com",
    "ads.example.biz",
)
"""Foreign hosts the injections and traps link to; the simulator serves each (a plain page, a script)."""

SERIOUS_ERRORS = ("中华人民共合国", "湖南省人民正府")
"""Wrong forms put in the body; both are in govmon's shipped sample dictionary."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A resident ID number with its GB 11643 check digit."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def invalid_id_number(first17: str) -> str:
    """The same number with a wrong check digit (not personal data: no such ID exists)."""
    good = id_number(first17)[-1]
    return first17 + ("1" if good != "1" else "2")


VALID_ID = id_number("43010219850612003")
VALID_ID_2 = id_number("43060219920203451")
VALID_ID_3 = id_number("43080219880815262")
INVALID_ID = invalid_id_number("43010219790101234")
MOBILE = "13975112468"
CONTACT_MOBILE = "13807310000"


def masked(kind: str, number: str) -> str:
    head = 3 if kind == "mobile" else 4
    return number[:head] + "*" * (len(number) - head - 4) + number[-4:]


def attachment_path(site_id: str) -> str:
    return f"/attach/gongshi-{site_id}.csv"


def attachment(site_id: str) -> bytes:
    rows = ["序号,姓名,身份证号码,补贴金额", f"1,张某某,{VALID_ID},1200", f"2,李某某,{VALID_ID_2},800"]
    return ("\n".join(rows) + "\n").encode("utf-8")


def attachment_pdf_path(site_id: str) -> str:
    return f"/attach/mingdan-{site_id}.pdf"


def attachment_pdf(site_id: str) -> bytes:
    """A one-page PDF whose text layer lists an ID number, written by hand (no PDF library here)."""
    content = f"BT /F1 12 Tf 72 720 Td (No.1 {VALID_ID_3} 1200) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def head_extra(kinds: tuple[str, ...], url: Url) -> str:
    """What goes into ``<head>``: style blocks, injected scripts, trap scripts."""
    parts = []
    if "style_block" in kinds:
        parts.append("<style>.lnk-x9{position:absolute;top:-1200px;left:-1200px}</style>")
    if "tamper_script" in kinds:
        parts.append(f'<script src="{url("evil.example.com", "/js/m.js")}"></script>')
    if "gov_cdn_script" in kinds:
        parts.append(f'<script src="{url("www.gov.cn", "/static/js/share.js")}"></script>')
    return "".join(parts)


def _anchor(url: Url, host: str, text: str) -> str:
    return f'<a href="{url(host, "/")}" target="_blank">{esc(text)}</a>'


def body_extra(kinds: tuple[str, ...], url: Url, site_id: str) -> str:
    """Blocks appended to the homepage's main part."""
    parts = []
    for kind in kinds:
        if kind not in HIDDEN_KINDS:
            continue
        _, host, text = HIDDEN_KINDS[kind]
        a = _anchor(url, host, text)
        if kind == "display_none":
            parts.append(f'<div style="display:none">{a}</div>')
        elif kind == "visibility_hidden":
            parts.append(f'<div style="visibility: hidden; height: 0">{a}</div>')
        elif kind == "off_screen":
            parts.append(f'<div style="position:absolute; left:-3000px; top:0">{a}</div>')
        elif kind == "font_size_zero":
            parts.append(f'<p style="font-size:0px;line-height:0">{a}</p>')
        elif kind == "zero_size":
            parts.append(f'<div style="width:1px;height:1px;overflow:hidden">{a}</div>')
        elif kind == "style_block":
            parts.append(f'<div class="lnk-x9"><span>{a}</span></div>')
        elif kind == "marquee":
            parts.append(f'<marquee scrollamount="0" width="1" height="1">{a}</marquee>')
        elif kind == "script_write":
            parts.append(f"<script>document.write('<div style=\"display:none\">{a}</div>');</script>")
        elif kind == "inner_html":
            escaped = a.replace("<", "\\x3c").replace('"', '\\"')
            parts.append(
                '<div id="ft-x"></div><script>document.getElementById("ft-x").innerHTML = '
                f'"{escaped}";</script>'
            )
    if "tamper_redirect" in kinds:
        target = url("bet.example.net", "/?from=gov")
        parts.append(
            f'<script>if (window.screen.width > 10000) {{ window.location.href = "{target}"; }}</script>'
        )
    notices = []
    if "serious_error" in kinds:
        notices.append(
            f"<li>{SERIOUS_ERRORS[1]}办公厅关于庆祝{SERIOUS_ERRORS[0]}成立纪念日活动安排的通知</li>"
        )
    if "privacy_id" in kinds:
        notices.append(
            f"<li>2026年度困难群众救助对象公示：张某某，身份证号 {VALID_ID}，救助金额 1200 元。</li>"
        )
    if "privacy_mobile" in kinds:
        notices.append(f"<li>拟录用人员公示：王某某 {MOBILE} 长沙市岳麓区。</li>")
    if "privacy_attachment" in kinds:
        notices.append(f'<li><a href="{attachment_path(site_id)}">补贴发放对象公示名单（附件）</a></li>')
        notices.append(f'<li><a href="{attachment_pdf_path(site_id)}">救助对象名单（PDF）</a></li>')
    if "masked_id" in kinds:
        notices.append("<li>公示：赵某某，身份证号 4301**********1234，联系电话 139****5678。</li>")
    if "invalid_id" in kinds:
        notices.append(f"<li>编号 {INVALID_ID} 的证明材料已退回。</li>")
    if "contact_mobile" in kinds:
        notices.append(f"<li>联系电话：{CONTACT_MOBILE}（办公室）</li>")
    if notices:
        rows = "".join(notices)
        parts.append(
            f'<div class="home-block gs"><div class="hd"><h2>公示公告</h2></div><ul>{rows}</ul></div>'
        )
    if "lottery_centre" in kinds:
        parts.append(
            '<div class="home-block"><div class="hd"><h2>便民服务</h2></div><ul>'
            f"<li>{_anchor(url, 'www.hnlottery.cn', '湖南省体育彩票管理中心')}</li></ul></div>"
        )
    if "gov_video" in kinds:
        video = url("www.gov.cn", "/xinwen/video/index.htm")
        parts.append(
            f'<div class="home-block video"><iframe src="{video}" width="480" height="270"></iframe></div>'
        )
    if "own_menu" in kinds:
        parts.append(
            '<ul class="sub-menu" style="display:none"><li><a href="/index.html">网站首页</a></li></ul>'
        )
    return "".join(parts)


def defaced_title(kinds: tuple[str, ...], title: str) -> str:
    """The title the SEO hack writes (gambling keywords first, the site's name pushed aside)."""
    return f"澳门百家乐_皇冠体育_真人娱乐-{title}" if "tamper_title" in kinds else title


def replacement_page(url: Url) -> str:
    """A homepage replaced wholesale: another title, another text, a script from a foreign host that no list
    knows (only the baseline comparison can tell)."""
    script = url("ads.example.biz", "/js/stat.js")
    rows = "".join(f"<p>优质产品第{n}号，品质保证，欢迎选购，全国包邮，量大从优。</p>" for n in range(1, 30))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>鑫源商贸有限公司</title>'
        f'<script src="{script}"></script></head><body><h1>鑫源商贸</h1>{rows}</body></html>'
    )


def content_truth(kinds: tuple[str, ...], base: str, url: Url, site_id: str) -> dict[str, object]:
    """What govmon must find (and must not) on a site with these content kinds."""
    hidden = [
        {
            "url": url(HIDDEN_KINDS[k][1], "/"),
            "method": HIDDEN_KINDS[k][0],
            "text": HIDDEN_KINDS[k][2],
            "kind": k,
        }
        for k in kinds
        if k in HIDDEN_KINDS
    ]
    personal = []
    if "privacy_id" in kinds:
        personal.append({"page": base + "/", "kind": "id_number", "masked": masked("id_number", VALID_ID)})
    if "privacy_mobile" in kinds:
        personal.append({"page": base + "/", "kind": "mobile", "masked": masked("mobile", MOBILE)})
    if "privacy_attachment" in kinds:
        page = base + attachment_path(site_id)
        personal += [
            {"page": page, "kind": "id_number", "masked": masked("id_number", number)}
            for number in (VALID_ID, VALID_ID_2)
        ]
        personal.append(
            {
                "page": base + attachment_pdf_path(site_id),
                "kind": "id_number",
                "masked": masked("id_number", VALID_ID_3),
            }
        )
    return {
        "hidden_links": hidden,
        "tamper": [k for k in kinds if k in TAMPER_KINDS],
        "serious_errors": list(SERIOUS_ERRORS) if "serious_error" in kinds else [],
        "personal_data": personal,
        "content_traps": [k for k in kinds if k in TRAP_KINDS],
    }
