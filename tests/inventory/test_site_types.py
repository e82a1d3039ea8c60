"""Site ``type`` (portal | department | other, as the national registry classes sites) and accounts' ``org``
load from the inventory (CONTRACT.md's shape); a wrong type is reported with its row, and 服务不实用 is not
judged on an ``other`` site (issue 14 item 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.inventory import load_config
from monitor.model import Observation, Outcome, Site
from monitor.observations import SERVICES, ServicesRead
from monitor.rules.services import judge_services
from monitor.settings import Settings

INVENTORY = """\
sites:
  - {id: "4300000001", name: 湖南省人民政府门户网站, url: "https://www.hunan.gov.cn/", region: 省直, type: portal}
  - {id: "4300000002", name: 湖南省两会专题网站, url: "https://lh.hunan.gov.cn/", region: 省直, type: other}
  - {id: "4300000003", name: 某局网站, url: "https://x.hunan.gov.cn/", region: 省直, type: bureau}
accounts:
  - {id: hngz, name: 湖南国资, platform: wechat, region: 省直, org: 湖南省国资委, feed: "https://rss.example/x"}
"""


def test_types_and_orgs_load_and_a_wrong_type_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "govmon.yaml"
    config.write_text(INVENTORY, encoding="utf-8")
    loaded = load_config(config)
    assert [(s.id, s.type) for s in loaded.sites] == [("4300000001", "portal"), ("4300000002", "other")]
    assert [a.org for a in loaded.accounts] == ["湖南省国资委"]
    [problem] = loaded.problems
    assert "type" in str(problem) and "bureau" in str(problem) and "portal, department, other" in str(problem)


def no_entries(site: Site) -> dict:
    payload = ServicesRead(site.url, site.url, 200).to_payload()
    return {SERVICES: [Observation(SERVICES, site.id, "services:1", 100.0, Outcome.OK, None, payload)]}


def test_no_service_entry_is_a_veto_on_a_portal_but_not_on_an_other_site() -> None:
    portal = Site("4300000001", "门户", "https://www.hunan.gov.cn/", "省直", type="portal")
    topic_site = Site("4300000002", "专题网站", "https://lh.hunan.gov.cn/", "省直", type="other")
    settings = Settings()
    assert [f.code for f in judge_services(portal, no_entries(portal), 200.0, settings)] == [
        "service.missing"
    ]
    assert judge_services(topic_site, no_entries(topic_site), 200.0, settings) == []


REGISTRY_CSV = """\
网站名称,网站标识码,首页网址,地区,主办单位,网站类型
长沙县人民政府,4301210001,http://www.csx.gov.cn/,长沙市,长沙县人民政府办公室,县级政府门户
长沙市教育局,4301000012,http://jyj.changsha.gov.cn/,长沙市,长沙市教育局,部门网站
长沙两会专题,4301000099,http://lh.changsha.gov.cn/,长沙市,长沙市人民政府办公厅,其他
望城区人民政府,4301120001,http://www.wangcheng.gov.cn/,长沙市,,portal
开福区某网站,4301050001,http://www.kaifu.gov.cn/,长沙市,开福区人民政府,bureau
芙蓉区人民政府,4301020001,http://www.furong.gov.cn/,长沙市,,
"""


def test_csv_type_and_org_columns_load_and_a_wrong_type_names_file_and_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "registry.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    (tmp_path / "govmon.yaml").write_text("inventory: [registry.csv]\n", encoding="utf-8")
    loaded = load_config("govmon.yaml")
    assert [(s.id, s.type, s.org) for s in loaded.sites] == [
        ("4301210001", "portal", "长沙县人民政府办公室"),
        ("4301000012", "department", "长沙市教育局"),
        ("4301000099", "other", "长沙市人民政府办公厅"),
        ("4301120001", "portal", None),
        ("4301020001", None, None),
    ]
    assert [str(p) for p in loaded.problems] == [
        "registry.csv:row 6: 网站类型: 'bureau' is not a site type: write portal (政府门户), department (部门网站)"
        " or other (其他), or leave it empty"
    ]
    assert loaded.rejected_rows == 1


def test_csv_type_under_its_english_header(tmp_path: Path) -> None:
    rows = "name,id,url,region,type\n某部门,bm43000012,https://x.hunan.gov.cn/,省直,Department\n"
    (tmp_path / "s.csv").write_text(rows, encoding="utf-8")
    (tmp_path / "govmon.yaml").write_text("inventory: [s.csv]\n", encoding="utf-8")
    loaded = load_config(tmp_path / "govmon.yaml")
    assert loaded.problems == ()
    assert [s.type for s in loaded.sites] == ["department"]
