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
_JIUCUO = re.compile(r"""<script\b[^>]*\bid\s*=\s*["']?_jiucuo_["']?[^>]*>""", re.IGNORECASE)
_SITECODE = re.compile(r"""\bsitecode\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


@dataclasses.dataclass(frozen=True, slots=True)
class FooterFacts:
    id_code: str | None  # the 网站标识码 printed on the page
    conac: bool  # 党政机关网站标识 linked to bszs.conac.cn
    icp: bool  # ICP备案 linked to beian.miit.gov.cn
    police: bool  # 公安备案 linked to beian.gov.cn
    jiucuo_sitecode: str | None  # sitecode of the _jiucuo_ script; None: no script
    jiucuo: bool  # the script is there (its sitecode is compared with the 标识码 by the rule)

    def as_payload(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def footer_facts(text: str) -> FooterFacts:
    """What the page shows of the five footer identifiers; ``text`` is the decoded HTML."""
    at = text.find("网站标识码")
    id_match = _ID_CODE.search(text, at) if at >= 0 else None
    at = text.find("_jiucuo_")
    jiucuo = _JIUCUO.search(text, text.rfind("<script", 0, at)) if at >= 0 else None
    sitecode = None
    if jiucuo:
        code = _SITECODE.search(jiucuo.group(0))
        sitecode = code.group(1) if code else ""
    return FooterFacts(
        id_code=id_match.group(1) if id_match else None,
        conac=_linked(text, "bszs.conac.cn") or _linked(text, "dcs.conac.cn"),
        icp=_linked(text, "beian.miit.gov.cn"),
        police=_linked(text, "beian.gov.cn"),
        jiucuo_sitecode=sitecode,
        jiucuo=jiucuo is not None,
    )


def _linked(text: str, host: str) -> bool:
    """Whether an ``href``/``src`` points at ``host`` or a subdomain of it.

    Finds the literal host first (``str.find`` is fast) and checks only the characters before each
    occurrence, instead of running an attribute regex over the whole page.
    """
    start = text.find(host)
    while start >= 0:
        end = start + len(host)
        if (end >= len(text) or text[end] in "/\"'?:> ") and _LINKED.search(
            text[max(0, start - 120) : start]
        ):
            return True
        start = text.find(host, end)
    return False
