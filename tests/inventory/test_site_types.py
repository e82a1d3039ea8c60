"""Site ``type`` (portal | department | other, as the national registry classes sites) and accounts' ``org``
load from the inventory (CONTRACT.md's shape); a wrong type is reported with its row, and 服务不实用 is not
judged on an ``other`` site (issue 14 item 11)."""

from __future__ import annotations

from pathlib import Path

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
