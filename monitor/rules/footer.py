"""Footer identifiers and the domain (《政府网站发展指引》, 国办发〔2017〕47号; deductions).

- ``footer.identifier_missing``: one finding per missing item, read from the homepage as the newest OK
  ``columns`` observation saw it (the footer is read there, off the homepage check's hot path):
  网站标识码, 党政机关网站标识 (bszs.conac.cn), ICP备案 (beian.miit.gov.cn), 公安备案 (beian.gov.cn), 我为
  政府网站找错 (the ``_jiucuo_`` script or 找错 link, whose ``sitecode`` must equal the 标识码). Each has
  its own evidence url (``<homepage>#icp``) so each is a finding of its own. When none of the five is in
  the HTML, the footer is drawn by a script govmon does not run: the findings are ``unverified``.
  The 找错 entry is required of the sites the national 找错 platform (zfwzgl.www.gov.cn) serves: those the
  registry classes as portals and department sites (``type`` portal or department, and a site whose type is
  not given, judged as a portal). An ``other`` site (a topic or event site …) is not asked for it; its four
  identifiers are required as of every government site (国办发〔2017〕47号).
- ``site.domain_nonconforming``: the site's host is not under ``.gov.cn`` (or ``.政务``). Hosts that
  are IP literals or ``localhost`` are not domain names and are not judged. The evidence names where the
  ``homepage`` check's newest read landed.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from monitor.model import Finding, Severity, Site, Status, Target
from monitor.observations import COLUMNS as COLUMNS_CHECK
from monitor.observations import HOMEPAGE, ColumnsRead, Footer, HomepageRead
from monitor.rules.base import History, Rule, latest_ok, make_finding
from monitor.rules.column_state import lookback_s as columns_lookback_s
from monitor.settings import Settings

FOOTER_CODE = "footer.identifier_missing"
DOMAIN_CODE = "site.domain_nonconforming"
GOV_SUFFIXES = (".gov.cn", ".政务", ".xn--zfr164b")
ITEMS = {
    "id_code": "网站标识码",
    "conac": "党政机关网站标识（链接 bszs.conac.cn）",
    "icp": "ICP备案编号（链接 beian.miit.gov.cn）",
    "police": "公安机关备案编号（链接 beian.gov.cn）",
    "jiucuo": "“我为政府网站找错”入口（_jiucuo_ 脚本，sitecode 与网站标识码一致）",
}


JIUCUO_SITE_TYPES = (None, "portal", "department")
"""Site types asked for the 我为政府网站找错 entry (``model.SITE_TYPES``; None: not given, judged as a portal)."""


def missing_items(footer: Footer, site_type: str | None = None) -> list[str]:
    missing = [key for key in ("id_code", "conac", "icp", "police") if not getattr(footer, key)]
    if site_type not in JIUCUO_SITE_TYPES:
        return missing
    sitecode = footer.jiucuo_sitecode
    if not footer.jiucuo or not sitecode or (footer.id_code and sitecode != footer.id_code):
        missing.append("jiucuo")
    return missing


def footer_identifiers(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """footer.identifier_missing: one finding per identifier the newest columns read did not see."""
    if not isinstance(target, Site):
        return []
    observation = latest_ok(history, COLUMNS_CHECK, now)
    homepage = ColumnsRead.from_observation(observation).homepage if observation else None
    footer = homepage.footer if homepage else None
    if homepage is None or footer is None:
        return []  # not read: no verdict
    home = (homepage.url or target.url).split("#")[0]
    status = Status.VIOLATION if footer.found_any else Status.UNVERIFIED
    findings = []
    for key in missing_items(footer, target.type):
        message = f"页脚缺少{ITEMS[key]}"
        if key == "jiucuo" and footer.jiucuo:
            code = footer.jiucuo_sitecode
            message = f"“我为政府网站找错”入口的 sitecode（{code}）与网站标识码不一致"
        if status is Status.UNVERIFIED:
            message = f"页面 HTML 中没有页脚标识（可能由脚本生成），无法核实{ITEMS[key]}"
        evidence = {"url": f"{home}#{key}", "item": key, "page": home}
        findings.append(
            make_finding(target, FOOTER_CODE, Severity.DEDUCTION, status, message, now, evidence=evidence)
        )
    return findings


def is_domain_name(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host != "localhost" and "." in host
    return False


def domain_nonconforming(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """site.domain_nonconforming: judged on the inventory's URL; the evidence adds where the newest homepage
    read landed (``final_url``), so a reader sees a redirect to another host."""
    if not isinstance(target, Site):
        return []
    host = (urlsplit(target.url).hostname or "").lower().rstrip(".")
    if not is_domain_name(host) or host.endswith(GOV_SUFFIXES):
        return []
    message = f"网站域名 {host} 不以 .gov.cn（或 .政务）结尾"
    evidence = {"url": target.url, "host": host}
    homepage = latest_ok(history, HOMEPAGE, now)
    if homepage is not None:
        evidence["final_url"] = HomepageRead.from_observation(homepage).final_url
    return [
        make_finding(
            target,
            DOMAIN_CODE,
            Severity.DEDUCTION,
            Status.VIOLATION,
            message,
            now,
            evidence=evidence,
        )
    ]


def homepage_lookback_s(settings: Settings) -> float:
    return 2 * settings.crawl.homepage_interval_s


FOOTER_RULE = Rule(
    FOOTER_CODE, {FOOTER_CODE: Severity.DEDUCTION}, (COLUMNS_CHECK,), columns_lookback_s, footer_identifiers
)
DOMAIN_RULE = Rule(
    DOMAIN_CODE, {DOMAIN_CODE: Severity.DEDUCTION}, (HOMEPAGE,), homepage_lookback_s, domain_nonconforming
)
