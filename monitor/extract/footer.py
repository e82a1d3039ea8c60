"""The identifiers a government homepage must show in its footer (《政府网站发展指引》, 国办发〔2017〕47号).

网站标识码 (10 digits, or ``bm`` + 8 digits for departments), the 党政机关网站标识 linking to
bszs.conac.cn (or the conac script that draws it), the ICP备案号 linked to beian.miit.gov.cn, the
公安机关备案号 linked to beian.gov.cn, and the 我为政府网站找错 entry: the ``_jiucuo_`` script whose
``sitecode`` equals the 标识码. Read with a handful of regular expressions over the page's text: each is
anchored on a literal, so together they cost a few tens of microseconds on a 50 KB homepage, far less
than another walk over the tree (the homepage check is on the benchmarked hot path).
"""

from __future__ import annotations

import dataclasses
import re

_ID_CODE = re.compile(r"网站标识码\s*(?:<[^>]{0,80}>\s*)?[：:]?\s*(?:<[^>]{0,80}>\s*)?(bm\d{8}|\d{10})(?!\d)")
_LINKED = re.compile(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//(?:[\w-]+\.)*$""", re.IGNORECASE)
_JIUCUO_SCRIPT = re.compile(r"""<script\b[^>]*\bid\s*=\s*["']?_jiucuo_["'\s>]""", re.IGNORECASE)
_SITECODE = re.compile(r"""\bsite_?code\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_TAG_REACH = 400


@dataclasses.dataclass(frozen=True, slots=True)
class FooterFacts:
    id_code: str | None  # the 网站标识码 printed on the page
    conac: bool  # 党政机关网站标识 linked to bszs.conac.cn
    icp: bool  # ICP备案 linked to beian.miit.gov.cn
    police: bool  # 公安备案 linked to beian.gov.cn
    jiucuo_sitecode: str | None  # sitecode of the 找错 entry; None: no entry, "": one without a sitecode
    jiucuo: bool  # the entry is there (its sitecode is compared with the 标识码 by the rule)

    @property
    def found_any(self) -> bool:
        """False when none of the five is in the HTML: a footer drawn by a script, which govmon cannot see."""
        return bool(self.id_code or self.conac or self.icp or self.police or self.jiucuo)


def footer_facts(text: str) -> FooterFacts:
    """What the page shows of the five footer identifiers; ``text`` is the decoded HTML.

    Markup inside ``<!-- … -->`` is not shown, so it does not count (a commented-out 找错 script is a
    missing one). The 找错 entry is the ``_jiucuo_`` script or, as some sites have it, a link to
    ``…/exposure/jiucuo.html?site_code=…``.
    """
    id_code = None
    for at in _occurrences(text, "网站标识码"):
        match = _ID_CODE.match(text, at)
        if match:
            id_code = match.group(1)
            break
    jiucuo, sitecode = False, None
    for at in _occurrences(text, "jiucuo"):
        start = text.rfind("<", max(0, at - _TAG_REACH), at)
        end = text.find(">", at)
        tag = text[start : end + 1] if start >= 0 and end >= 0 else ""
        head = tag[:8].lower()
        if (head.startswith("<script") and _JIUCUO_SCRIPT.match(tag)) or (
            head.startswith("<a") and "exposure/jiucuo" in tag
        ):
            code = _SITECODE.search(tag)
            jiucuo, sitecode = True, code.group(1) if code else ""
            break
    return FooterFacts(
        id_code=id_code,
        conac=_linked(text, "bszs.conac.cn") or _linked(text, "dcs.conac.cn"),
        icp=_linked(text, "beian.miit.gov.cn"),
        police=_linked(text, "beian.gov.cn"),
        jiucuo_sitecode=sitecode,
        jiucuo=jiucuo,
    )


def _in_comment(text: str, at: int) -> bool:
    opened = text.rfind("<!--", 0, at)
    return opened >= 0 and text.find("-->", opened, at) < 0


def _occurrences(text: str, needle: str) -> list[int]:
    """Where ``needle`` occurs outside HTML comments (``str.find``: fast on a 50 KB page)."""
    found = []
    at = text.find(needle)
    while at >= 0:
        if not _in_comment(text, at):
            found.append(at)
        at = text.find(needle, at + len(needle))
    return found


def _linked(text: str, host: str) -> bool:
    """Whether an ``href``/``src`` outside comments points at ``host`` or a subdomain of it.

    Finds the literal host first and checks only the characters before each occurrence, instead of
    running an attribute regex over the whole page.
    """
    for start in _occurrences(text, host):
        end = start + len(host)
        if (end >= len(text) or text[end] in "/\"'?:># ") and _LINKED.search(
            text[max(0, start - 120) : start]
        ):
            return True
    return False
