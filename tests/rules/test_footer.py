"""Footer identifiers and the domain, on literal pages and inventories."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from monitor.commands.inspect import read_saved
from monitor.extract.footer import footer_facts
from monitor.model import SHANGHAI, Observation, Outcome, Site
from monitor.rules.footer import DOMAIN_RULE, FOOTER_RULE
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI).timestamp()
SITE = Site(id="4301000001", name="某市人民政府门户网站", url="https://www.example.gov.cn/", region="某市")
FULL_FOOTER = (
    '<div class="footer"><a href="https://bszs.conac.cn/sitename?method=show&id=1"><img alt="党政机关"></a>'
    "<p>网站标识码：4301000001 <a href='https://beian.miit.gov.cn/' target=_blank>湘ICP备05001234号</a>"
    '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=43010202000001">湘公网安备43010202000001号</a></p>'
    "<script id=\"_jiucuo_\" sitecode='4301000001' src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'></script></div>"
)


def footer_history(html: str):
    facts = footer_facts(html)
    footer = dataclasses.asdict(facts) | {"found_any": facts.found_any}
    payload = {"url": SITE.url, "homepage": {"url": SITE.url, "footer": footer}, "columns": []}
    return {"columns": [Observation("columns", SITE.id, "j", NOW - 60, Outcome.OK, None, payload)]}


def missing(html: str) -> list[str]:
    return [f.evidence["item"] for f in FOOTER_RULE.evaluate(SITE, footer_history(html), NOW, Settings())]


def test_complete_footer_has_no_finding():
    assert missing(FULL_FOOTER) == []


def test_each_missing_footer_item_is_its_own_finding_with_its_own_url():
    html = FULL_FOOTER.replace("网站标识码：4301000001", "").replace("beian.miit.gov.cn", "www.miit.gov.cn")
    findings = FOOTER_RULE.evaluate(SITE, footer_history(html), NOW, Settings())
    assert [f.evidence["item"] for f in findings] == ["id_code", "icp"]
    assert [f.evidence["url"] for f in findings] == [SITE.url + "#id_code", SITE.url + "#icp"]
    assert {f.severity.value for f in findings} == {"deduction"}


def test_icp_number_without_its_link_is_missing_and_miit_link_is_not_police():
    html = FULL_FOOTER.replace("http://www.beian.gov.cn/portal", "http://example.org/portal")
    assert missing(html) == ["police"]
    assert missing(FULL_FOOTER.replace("bszs.conac.cn", "www.conac.cn.example.org")) == ["conac"]


def test_jiucuo_script_whose_sitecode_differs_from_the_id_code_is_missing():
    assert missing(FULL_FOOTER.replace("sitecode='4301000001'", "sitecode='4399999999'")) == ["jiucuo"]
    assert missing(FULL_FOOTER.replace('id="_jiucuo_"', 'id="other"')) == ["jiucuo"]


def test_department_id_code_bm_plus_eight_digits():
    html = FULL_FOOTER.replace("4301000001", "bm43000012")
    assert footer_facts(html).id_code == "bm43000012"
    assert missing(html) == []


def test_domain_not_under_gov_cn_is_nonconforming():
    site = Site(id="x", name="某局", url="http://www.example-bureau.com.cn/", region="某市")
    [finding] = DOMAIN_RULE.evaluate(site, {}, NOW, Settings())
    assert (finding.code, finding.evidence["host"]) == (
        "site.domain_nonconforming",
        "www.example-bureau.com.cn",
    )
    for url in ("https://www.example.gov.cn/", "http://公安.政务/", "http://127.0.0.1:8080/"):
        assert DOMAIN_RULE.evaluate(Site(id="x", name="n", url=url, region="r"), {}, NOW, Settings()) == []


def test_markup_inside_html_comments_does_not_count():
    html = FULL_FOOTER.replace("<script id=", "<!-- <script id=").replace(
        "</script></div>", "</script> --></div>"
    )
    assert missing(html) == ["jiucuo"]


def test_jiucuo_link_with_site_code_counts_as_the_entry():
    link = '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4301000001&url=x">找错</a>'
    html = FULL_FOOTER[: FULL_FOOTER.index("<script id")] + link + "</div>"
    assert missing(html) == []


def test_footer_drawn_by_a_script_is_unverified_not_missing():
    findings = FOOTER_RULE.evaluate(SITE, footer_history("<div id='footer'></div>"), NOW, Settings())
    assert len(findings) == 5
    assert {f.status.value for f in findings} == {"unverified"}


REALPAGES = Path(__file__).parent.parent / "extract" / "realpages"


def test_real_footers():
    """Saved government pages (tests/extract/realpages, sources in SOURCES.md), read by hand."""
    facts = {n: footer_facts(read_saved(REALPAGES / f"d{n:03d}.html").text) for n in (1, 2, 5, 6)}
    assert not facts[1].found_any  # dnr.yn.gov.cn: header and footer are loaded by script
    # zrzyt.shanxi.gov.cn: 晋ICP备 printed without a link; a commented-out 找错 script and a live one
    assert (facts[2].id_code, facts[2].icp, facts[2].police, facts[2].jiucuo_sitecode) == (
        "1400000032", False, True, "1400000032",
    )  # fmt: skip
    assert (facts[5].id_code, facts[5].conac) == (
        "bm17000009",
        True,
    )  # www.mee.gov.cn: conac by document.write
    assert facts[6].jiucuo_sitecode == "5200000041"  # zrzy.guizhou.gov.cn: the 找错 entry is a link


def test_jiucuo_entry_is_asked_of_portals_and_department_sites_not_of_other_sites():
    no_entry = FULL_FOOTER.replace('id="_jiucuo_"', 'id="other"')

    def missing_on(site_type: str | None) -> list[str]:
        site = dataclasses.replace(SITE, type=site_type)
        return [
            f.evidence["item"] for f in FOOTER_RULE.evaluate(site, footer_history(no_entry), NOW, Settings())
        ]

    assert missing_on("portal") == ["jiucuo"]
    assert missing_on("department") == ["jiucuo"]
    assert missing_on(None) == ["jiucuo"]  # type not given: judged as a portal
    assert missing_on("other") == []
    # the four identifiers are still asked of an ``other`` site
    site = dataclasses.replace(SITE, type="other")
    html = no_entry.replace("bszs.conac.cn", "www.example.org")
    assert [
        f.evidence["item"] for f in FOOTER_RULE.evaluate(site, footer_history(html), NOW, Settings())
    ] == ["conac"]
