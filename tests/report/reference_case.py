"""The reference 通报 (湘政务函〔2022〕9号, 湖南省 2022Q1) as test data: its two tables copied cell for cell,
and an inventory plus a findings file built to match them, with distractors that must not count.

The tables are copied from the 通报's 附件2 and 附件3 as printed, including its one wrong cell: 岳阳市's
new media, 2 of 158 = 1.2658 %, printed 1.26 % (truncated); govmon prints 1.27 %.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# (市州/部门, 实际运行数, 检查数, 发现存在突出问题数, 占检查数比例 as printed)
WEBSITES = (
    ("省直单位", 52, 52, 0, "0"),
    ("长沙市", 64, 64, 0, "0"),
    ("衡阳市", 18, 18, 0, "0"),
    ("株洲市", 51, 51, 0, "0"),
    ("湘潭市", 40, 40, 0, "0"),
    ("邵阳市", 46, 46, 1, "2.17%"),
    ("岳阳市", 45, 45, 0, "0"),
    ("常德市", 50, 50, 0, "0"),
    ("张家界市", 38, 38, 0, "0"),
    ("益阳市", 23, 23, 0, "0"),
    ("郴州市", 44, 44, 0, "0"),
    ("永州市", 49, 49, 0, "0"),
    ("怀化市", 19, 19, 0, "0"),
    ("娄底市", 38, 38, 0, "0"),
    ("湘西自治州", 40, 40, 0, "0"),
    ("合计", 617, 617, 1, "0.16%"),
)
NEW_MEDIA = (
    ("省直部门", 150, 150, 2, "1.33%"),
    ("长沙市", 257, 257, 0, "0"),
    ("衡阳市", 192, 192, 1, "0.52%"),
    ("株洲市", 202, 202, 0, "0"),
    ("湘潭市", 111, 111, 0, "0"),
    ("邵阳市", 198, 198, 0, "0"),
    ("岳阳市", 158, 158, 2, "1.26%"),  # the 通报's error: 2/158 = 1.2658 % rounds to 1.27 %
    ("常德市", 101, 101, 0, "0"),
    ("张家界市", 139, 139, 1, "0.72%"),
    ("益阳市", 257, 257, 0, "0"),
    ("郴州市", 126, 126, 0, "0"),
    ("永州市", 141, 141, 0, "0"),
    ("怀化市", 100, 100, 0, "0"),
    ("娄底市", 170, 170, 0, "0"),
    ("湘西自治州", 118, 118, 0, "0"),
    ("合计", 2420, 2420, 6, "0.25%"),
)
CORRECTIONS = {("account", "岳阳市"): "1.27%"}
"""Cells the 通报 gets wrong, and what govmon prints instead."""

PASS_RATES = {"site": "99.84%", "account": "99.75%"}  # 一、总体情况, both right in the 通报
CLEAN_REGIONS = "长沙市、株洲市、湘潭市、常德市、益阳市、郴州市、永州市、怀化市、娄底市、湘西自治州"
WINDOW = ("2022-01-08", "2022-03-11")  # 注：检查采样时间为2022年1月8日至3月11日
WINDOW_SETTINGS = "inspection:\n  windows: {2022Q1: [2022-01-08, 2022-03-11]}"

# The targets the 通报 names (its body), by region; 岳阳市's two accounts are cut from the published text
# ("此文有删减"), so they get made-up names here.
NAMED_SITES = {
    "邵阳市": ["邵阳市信访局网站"],
    "省直单位": ["省发展改革委网站", "省民政厅网站"],
    "张家界市": ["张家界市政府门户网站", "张家界市公共资源交易中心网站"],
    "衡阳市": ["衡阳市珠晖区政府门户网站"],
    "永州市": ["永州市公共资源交易中心网站"],
}
NAMED_ACCOUNTS = {
    "省直部门": ["湖南国资", "湖南人防"],
    "衡阳市": ["祁东司法"],
    "张家界市": ["桑植交警"],
    "岳阳市": ["岳阳样例账号甲", "岳阳样例账号乙"],
}
COUNTED = {
    "邵阳市信访局网站",
    "湖南国资",
    "湖南人防",
    "祁东司法",
    "桑植交警",
    "岳阳样例账号甲",
    "岳阳样例账号乙",
}


def targets(table: tuple[tuple[str, int, int, int, str], ...], named: dict[str, list[str]], kind: str):
    """(id, name, region) of every target of one table, regions in the 通报's order."""
    rows = []
    for index, (region, running, *_rest) in enumerate(table[:-1]):
        names = named.get(region, [])
        for serial in range(running):
            name = (
                names[serial]
                if serial < len(names)
                else f"{region}{'网站' if kind == 'site' else '账号'}{serial:03d}"
            )
            prefix = "43" if kind == "site" else "m"
            rows.append((f"{prefix}{index:02d}{serial:06d}", name, region))
    return rows


SITES = targets(WEBSITES, NAMED_SITES, "site")
ACCOUNTS = targets(NEW_MEDIA, NAMED_ACCOUNTS, "account")
BY_NAME = {name: (target_id, region) for target_id, name, region in SITES + ACCOUNTS}


def inventory_yaml(settings: str = "", sites=SITES, accounts=ACCOUNTS) -> str:
    """The inventory as one YAML configuration (JSON-style flow mappings keep it quick to parse)."""
    lines = [settings, "sites:"] if settings else ["sites:"]
    for target_id, name, region in sites:
        url = f"https://s{target_id}.hunan.gov.cn/"
        lines.append(f'  - {{id: "{target_id}", name: {name}, url: "{url}", region: {region}}}')
    lines.append("accounts:")
    for target_id, name, region in accounts:
        feed = f"https://rss.example.cn/{target_id}.xml"
        lines.append(
            f'  - {{id: "{target_id}", name: {name}, platform: wechat, feed: "{feed}", region: {region}}}'
        )
    return "\n".join(lines) + "\n"


MESSAGES = {
    "homepage.stale": "首页超过14天无新内容",
    "media.stale": "最近一次发布在15天前，超过14天的更新期限",
    "media.interaction_missing": "未提供有效互动交流功能",
    "media.never_published": "纳入全国政务新媒体信息报送系统监管后从未发布信息",
    "service.not_linked": "办事服务未链接“互联网+政务服务”一体化平台办事事项",
    "media.stale_week": "1周内无内容更新",
    "site.unreachable": "7天内 6% 的探测失败",
    "columns.stale": "3 个动态要闻栏目、1 个政策文件栏目超过更新期限",
    "columns.empty": "5 个空白栏目",
    "content.hidden_link": "首页存在指向博彩网站的暗链",
}
"""Messages as govmon words them, for the findings below that do not give their own."""


def finding(name: str, code: str, severity: str, status: str, **fields: Any) -> dict[str, Any]:
    """A CONTRACT.md finding of the named target; ``first_seen``/``last_seen`` make it a lifecycle record."""
    target_id, region = BY_NAME.get(name, ("4399999999", "省直单位"))
    kind = "account" if code.startswith("media.") else "site"
    record: dict[str, Any] = {
        "target": target_id,
        "target_kind": kind,
        "name": name,
        "region": region,
        "code": code,
        "severity": severity,
        "status": status,
        "message": fields.pop("message", MESSAGES.get(code, code)),
        "count": None,
        "evidence": {"url": fields.pop("url", f"https://evidence.example.cn/{target_id}/{code}")},
        "observed_at": fields.pop("observed_at", fields.get("last_seen") or fields.get("first_seen")),
        "due": fields.pop("due", None),
    }
    record.update(fields)
    return record


def quarter_findings() -> list[dict[str, Any]]:
    """The counted problems of the 通报, then the distractors (each says why it must not count)."""
    return [
        # counted: 邵阳市's one site, two veto problems (counts once), the second also exported twice
        finding(
            "邵阳市信访局网站",
            "interaction.missing",
            "veto",
            "violation",
            id="sy-im",
            state="open",
            message="未提供网上有效咨询建言渠道",
            first_seen="2022-01-20T09:00:00+08:00",
            last_seen="2022-03-25T09:00:00+08:00",
        ),
        finding(
            "邵阳市信访局网站",
            "homepage.stale",
            "veto",
            "violation",
            id="sy-hs",
            state="resolved",
            first_seen="2022-02-01T09:00:00+08:00",
            last_seen="2022-02-10T09:00:00+08:00",
        ),
        finding(
            "邵阳市信访局网站",
            "homepage.stale",
            "veto",
            "violation",
            id="sy-hs",
            state="resolved",
            first_seen="2022-02-15T09:00:00+08:00",
            last_seen="2022-02-18T09:00:00+08:00",
        ),
        # counted: the new media the 通报 names
        finding(
            "湖南国资",
            "media.stale",
            "veto",
            "violation",
            id="gz",
            state="resolved",
            message="监测时间点前2周内无内容更新",
            first_seen="2022-02-20T08:00:00+08:00",
            last_seen="2022-03-05T08:00:00+08:00",
        ),
        # touches the window's first day by half an hour
        finding(
            "湖南人防",
            "media.interaction_missing",
            "veto",
            "violation",
            id="rf",
            state="resolved",
            first_seen="2021-12-01T08:00:00+08:00",
            last_seen="2022-01-08T00:30:00+08:00",
        ),
        finding(
            "祁东司法",
            "media.never_published",
            "veto",
            "violation",
            id="qd",
            state="acknowledged",
            first_seen="2021-11-15T08:00:00+08:00",
            last_seen="2022-03-31T08:00:00+08:00",
        ),
        # begins on the window's last day
        finding(
            "桑植交警",
            "media.stale",
            "veto",
            "violation",
            id="sz",
            state="open",
            first_seen="2022-03-11T09:00:00+08:00",
            last_seen="2022-03-20T09:00:00+08:00",
        ),
        # a record without lifecycle fields: its span is the moment observed_at
        finding(
            "岳阳样例账号甲", "media.stale", "veto", "violation", observed_at="2022-02-14T10:00:00+08:00"
        ),
        # at_risk from 02-20, a violation from 03-01 by its history
        finding(
            "岳阳样例账号乙",
            "media.stale",
            "veto",
            "violation",
            id="yyb",
            state="resolved",
            first_seen="2022-02-20T08:00:00+08:00",
            last_seen="2022-03-08T08:00:00+08:00",
            history=[
                {"at": "2022-02-20T08:00:00+08:00", "state": "open", "status": "at_risk"},
                {"at": "2022-03-01T08:00:00+08:00", "state": "open", "status": "violation"},
            ],
        ),
        # distractor: a violation that ended the day before the window
        finding(
            "长沙市网站010",
            "homepage.stale",
            "veto",
            "violation",
            id="d1",
            state="resolved",
            first_seen="2021-12-20T08:00:00+08:00",
            last_seen="2022-01-07T23:59:59+08:00",
        ),
        # distractor: a violation that began the day after the window
        finding(
            "长沙市网站011",
            "site.unreachable",
            "veto",
            "violation",
            id="d2",
            state="open",
            first_seen="2022-03-12T00:00:00+08:00",
            last_seen="2022-03-30T08:00:00+08:00",
        ),
        # distractor: at_risk all through the window
        finding(
            "株洲市网站005",
            "columns.stale",
            "veto",
            "at_risk",
            id="d3",
            state="open",
            first_seen="2022-01-10T08:00:00+08:00",
            last_seen="2022-03-11T08:00:00+08:00",
            due="2022-03-20T00:00:00+08:00",
        ),
        # distractor: at_risk, then a violation only after the window (history)
        finding(
            "湘西自治州网站007",
            "columns.empty",
            "veto",
            "violation",
            id="d4",
            state="open",
            first_seen="2022-03-01T08:00:00+08:00",
            last_seen="2022-03-20T08:00:00+08:00",
            history=[
                {"at": "2022-03-01T08:00:00+08:00", "state": "open", "status": "at_risk"},
                {"at": "2022-03-15T08:00:00+08:00", "state": "open", "status": "violation"},
            ],
        ),
        # distractor: dismissed as a false positive
        finding(
            "娄底市网站003",
            "content.hidden_link",
            "veto",
            "violation",
            id="d5",
            state="dismissed",
            first_seen="2022-02-01T08:00:00+08:00",
            last_seen="2022-02-02T08:00:00+08:00",
        ),
        # distractor: govmon could not judge
        finding(
            "益阳市网站002",
            "site.unreachable",
            "veto",
            "unverified",
            id="d6",
            state="open",
            first_seen="2022-02-01T08:00:00+08:00",
            last_seen="2022-02-03T08:00:00+08:00",
        ),
        # distractor: a warning
        finding(
            "常德市账号004",
            "media.feed_unreachable",
            "warning",
            "unverified",
            id="d7",
            state="open",
            first_seen="2022-02-01T08:00:00+08:00",
            last_seen="2022-02-03T08:00:00+08:00",
        ),
        # distractor: a target not in the inventory
        finding(
            "已关停网站",
            "site.unreachable",
            "veto",
            "violation",
            id="d8",
            state="open",
            first_seen="2022-02-01T08:00:00+08:00",
            last_seen="2022-02-03T08:00:00+08:00",
        ),
        # distractor (for the tables; listed as deductions): the 通报's deductions
        finding(
            "省发展改革委网站",
            "homepage.annual_report_missing",
            "deduction",
            "violation",
            id="e1",
            state="open",
            message="首页未展示2021年政府网站工作年度报表",
            first_seen="2022-02-01T08:00:00+08:00",
            last_seen="2022-03-31T08:00:00+08:00",
        ),
        finding(
            "张家界市政府门户网站",
            "homepage.required_topic_missing",
            "deduction",
            "violation",
            id="e2",
            state="resolved",
            message="首页首屏未转载“两会”专题",
            first_seen="2022-03-04T08:00:00+08:00",
            last_seen="2022-03-10T08:00:00+08:00",
        ),
        finding(
            "永州市公共资源交易中心网站",
            "service.not_linked",
            "deduction",
            "violation",
            id="e3",
            state="open",
            first_seen="2022-01-15T08:00:00+08:00",
            last_seen="2022-03-31T08:00:00+08:00",
        ),
        finding(
            "怀化市账号020",
            "media.stale_week",
            "deduction",
            "violation",
            id="e4",
            state="resolved",
            first_seen="2022-02-10T08:00:00+08:00",
            last_seen="2022-02-12T08:00:00+08:00",
        ),
        # distractor: at_risk and due in the window: only a forecast names it
        finding(
            "怀化市账号021",
            "media.stale",
            "veto",
            "at_risk",
            id="f1",
            state="open",
            first_seen="2022-02-26T08:00:00+08:00",
            last_seen="2022-02-27T08:00:00+08:00",
            due="2022-03-02T00:00:00+08:00",
        ),
    ]


def write_case(directory: Path, settings: str = WINDOW_SETTINGS) -> tuple[Path, Path]:
    """The inventory and the findings file in ``directory``."""
    config = directory / "hunan.yaml"
    config.write_text(inventory_yaml(settings), encoding="utf-8")
    findings = directory / "2022q1.jsonl"
    lines = [json.dumps(record, ensure_ascii=False) for record in quarter_findings()]
    findings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, findings


def expected(table: tuple[tuple[str, int, int, int, str], ...], kind: str) -> list[list[str]]:
    """The table as govmon prints it: the 通报's cells with its errors corrected."""
    return [
        [region, str(running), str(checked), str(problems), CORRECTIONS.get((kind, region), ratio)]
        for region, running, checked, problems, ratio in table
    ]
