"""``govmon findings …`` as an operator uses it: against the data directory's embedded Redis that a running
daemon started (and that the commands must leave running), with exit codes and messages a script relies on."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.deadlines import quarter_of
from monitor.engine.findings import FindingStore
from monitor.engine.kv.connect import EmbeddedRedis, client
from monitor.engine.kv.keys import Keys
from monitor.engine.lifecycle import Lifecycle
from monitor.model import SHANGHAI, Finding, Severity, Site, Status
from monitor.rules.base import make_finding

INVENTORY = """\
sites:
  - id: "4305000001"
    name: 邵阳市人民政府门户网站
    url: https://www.shaoyang.gov.cn/
    region: 邵阳市
  - id: "4300000001"
    name: 湖南省人民政府门户网站
    url: https://www.hunan.gov.cn/
    region: 省直
"""
SHAOYANG = Site(
    id="4305000001", name="邵阳市人民政府门户网站", url="https://www.shaoyang.gov.cn/", region="邵阳市"
)


@pytest.fixture(scope="module")
def daemon_redis(tmp_path_factory) -> EmbeddedRedis:
    """The embedded Redis as ``govmon run`` leaves it under its data directory."""
    data_dir = tmp_path_factory.mktemp("data")
    server = EmbeddedRedis(data_dir / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def config(tmp_path, daemon_redis, monkeypatch) -> Path:
    monkeypatch.delenv("GOVMON_REDIS_URL", raising=False)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.setenv("GOVMON_DATA_DIR", str(daemon_redis.directory.parent))
    path = tmp_path / "govmon.yaml"
    path.write_text(INVENTORY, encoding="utf-8")

    async def flush() -> None:
        conn = client(daemon_redis.url)
        await conn.flushdb()
        await conn.aclose()

    asyncio.run(flush())
    return path


def seed(daemon_redis: EmbeddedRedis, *findings: Finding) -> None:
    """What a daemon's evaluation would have recorded for Shaoyang just now."""

    async def record() -> None:
        conn = client(daemon_redis.url)
        keys = Keys()
        await FindingStore(conn, keys).replace(SHAOYANG.id, list(findings))
        await Lifecycle(conn, keys).apply(SHAOYANG, list(findings), dt.datetime.now(SHANGHAI).timestamp())
        await conn.aclose()

    asyncio.run(record())


def stale(url: str = "https://www.shaoyang.gov.cn/xxgk/tzgg/") -> Finding:
    now = dt.datetime.now(SHANGHAI).timestamp()
    return make_finding(SHAOYANG, "column.stale", Severity.DEDUCTION, Status.VIOLATION, "通知公告 超过 183 天未更新",
                        now, evidence={"url": url, "name": "通知公告"})  # fmt: skip


def govmon(config: Path, *args: str) -> int:
    return main(["findings", *args, "-c", str(config)])


def listed(config: Path, capsys, *args: str) -> list[dict]:
    capsys.readouterr()
    assert govmon(config, "list", "--json", *args) == 0
    return json.loads(capsys.readouterr().out)


def test_list_shows_open_findings_with_their_id_and_filters_by_region(config, daemon_redis, capsys):
    finding = stale()
    seed(daemon_redis, finding)
    capsys.readouterr()
    assert govmon(config, "list") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{finding.id} open ")
    assert "邵阳市 邵阳市人民政府门户网站 (4305000001) column.stale" in out
    assert [f["state"] for f in listed(config, capsys, "--region", "邵阳市")] == ["open"]
    assert listed(config, capsys, "--region", "省直") == []
    assert govmon(config, "list", "--region", "省直") == 0
    assert capsys.readouterr().out == "no findings\n"


def test_ack_and_dismiss_change_the_state_a_list_shows(config, daemon_redis, capsys):
    first, second = stale(), stale("https://www.shaoyang.gov.cn/xxgk/zcwj/")
    seed(daemon_redis, first, second)
    capsys.readouterr()
    assert govmon(config, "ack", first.id, "--by", "张三", "--note", "本周五前更新") == 0
    assert capsys.readouterr().out.startswith(
        f"acknowledged {first.id} (column.stale on 邵阳市人民政府门户网站"
    )
    assert govmon(config, "dismiss", second.id, "--by", "张三", "--reason", "栏目已撤销") == 0
    assert [f["id"] for f in listed(config, capsys, "--state", "acknowledged")] == [first.id]
    assert [f["id"] for f in listed(config, capsys)] == [first.id]
    [dismissed] = listed(config, capsys, "--state", "dismissed")
    assert dismissed["history"][-1]["note"] == "栏目已撤销" and dismissed["history"][-1]["by"] == "张三"


def test_an_unknown_id_is_one_line_on_stderr_naming_it_and_exit_2(config, capsys):
    actions = (
        ["ack", "feedface", "--by", "a", "--note", "b"],
        ["dismiss", "feedface", "--by", "a", "--reason", "b"],
        ["resolve", "feedface", "--by", "a", "--note", "b"],
    )
    for action in actions:
        assert govmon(config, *action) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "unknown finding 'feedface'" in err


def test_a_manual_finding_is_added_listed_and_resolved_by_a_person(config, daemon_redis, capsys):
    assert govmon(config, "add", "--target", "4305000001", "--code", "content.serious_error",
                  "--evidence", "https://www.shaoyang.gov.cn/art/1.html", "--note", "领导职务表述错误",
                  "--by", "李四") == 0  # fmt: skip
    assert capsys.readouterr().out.startswith("open ")
    seed(daemon_redis)  # the rules' next evaluation does not find it: it stays
    [manual] = listed(config, capsys, "--code", "content.serious_error")
    assert (manual["severity"], manual["status"], manual["history"][0]["by"]) == ("veto", "violation", "李四")
    assert govmon(config, "resolve", manual["id"], "--by", "李四", "--note", "已更正") == 0
    assert listed(config, capsys) == []
    assert govmon(config, "resolve", manual["id"], "--by", "李四", "--note", "again") == 2
    assert "is resolved; only open or acknowledged findings can be resolved" in capsys.readouterr().err


def test_a_manual_finding_with_an_unknown_code_or_target_is_a_usage_error(config, capsys):
    args = ["--evidence", "https://www.shaoyang.gov.cn/", "--note", "x"]
    assert govmon(config, "add", "--target", "4305000001", "--code", "site.slow", *args) == 2
    assert "unknown code 'site.slow'" in capsys.readouterr().err
    assert govmon(config, "add", "--target", "nope", "--code", "site.unreachable", *args) == 2
    assert "unknown target 'nope'" in capsys.readouterr().err


def test_export_writes_one_finding_per_line_that_reads_back_as_findings(
    config, daemon_redis, capsys, tmp_path
):
    first, second = stale(), stale("https://www.shaoyang.gov.cn/xxgk/zcwj/")
    seed(daemon_redis, first, second)
    assert govmon(config, "dismiss", second.id, "--by", "张三", "--reason", "误报") == 0
    capsys.readouterr()
    quarter = quarter_of(dt.datetime.now(SHANGHAI).date())
    assert govmon(config, "export", "--quarter", quarter) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [Finding.from_json(json.loads(line)).id for line in lines] == [first.id]
    exported = tmp_path / "q.jsonl"
    assert govmon(config, "export", "--quarter", quarter, "-o", str(exported)) == 0
    assert exported.read_text(encoding="utf-8").splitlines() == lines
    assert govmon(config, "export", "--quarter", "2026-Q4") == 2
    assert "expected YYYYQn" in capsys.readouterr().err


def test_the_commands_leave_the_daemons_embedded_redis_running(config, daemon_redis, capsys):
    assert govmon(config, "list") == 0
    assert govmon(config, "export", "--quarter", "2026Q4") == 0
    assert daemon_redis.process is not None and daemon_redis.process.poll() is None
    assert daemon_redis._answers()


def test_every_action_has_a_help_with_an_example(capsys):
    for action in ("list", "ack", "dismiss", "add", "resolve", "export"):
        with pytest.raises(SystemExit) as exit_info:
            main(["findings", action, "--help"])
        assert exit_info.value.code == 0
        assert "example:\n  govmon findings " + action in capsys.readouterr().out
