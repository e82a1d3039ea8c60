"""The notifier from the command line: validate judges URLs with apprise's parser (file:line messages),
``notices test`` sends to a target's recipients, ``notices list --failed`` and ``retry`` handle dead letters."""

from __future__ import annotations

import asyncio
import json
import time

import yaml

from monitor.cli import main
from monitor.model import EventKind
from monitor.notify.outbox import Outbox
from monitor.notify.policy import Audience, TargetInfo, decide_events
from monitor.settings import NotifySettings
from tests.notify.support import Receiver, event, finding


def write(tmp_path, owners, notify=None):
    config = {
        "sites": [
            {
                "id": "4300000001",
                "name": "测试站点",
                "url": "https://www.example.gov.cn/",
                "region": "长沙市",
                "owners": owners,
            }
        ],
        "notify": notify or {},
    }
    path = tmp_path / "govmon.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_rejects_owner_urls_apprise_cannot_use_and_unset_variables(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DINGTALK_TOKEN", raising=False)
    path = write(tmp_path, ["dingtalk://", "wecombot://${DINGTALK_TOKEN}/", "json://127.0.0.1:9/hook"])
    main(["validate", "-c", str(path)])
    out = capsys.readouterr().out
    assert "govmon.yaml:6: sites[0].owners[0]: apprise cannot use dingtalk://" in out
    assert (
        "sites[0].owners[1]: wecombot://${DINGTALK_TOKEN}/…: environment variable DINGTALK_TOKEN is not set"
        in out
    )
    assert "owners[2]" not in out
    monkeypatch.setenv("DINGTALK_TOKEN", "abc123")
    main(["validate", "-c", str(path)])
    assert "owners[1]" not in capsys.readouterr().out


def test_validate_rejects_a_bad_ops_channel(tmp_path, capsys):
    path = write(tmp_path, [], notify={"ops": ["nosuchscheme://x"]})
    assert main(["validate", "-c", str(path)]) != 0
    assert "apprise cannot use nosuchscheme://x" in capsys.readouterr().out


async def test_notices_test_sends_to_the_targets_owner_and_says_so(tmp_path, redis_url, monkeypatch, capsys):
    async with Receiver() as hook:
        path = write(tmp_path, [hook.url("owner")])
        monkeypatch.setenv("GOVMON_REDIS_URL", redis_url)
        code = await asyncio.to_thread(main, ["notices", "test", "4300000001", "-c", str(path)])
        assert code == 0
        (got,) = hook.received
        assert got.body["title"].startswith("【测试】测试站点（4300000001）")
        assert f"sent   json://127.0.0.1:{hook.port}/owner" in capsys.readouterr().out


async def test_dead_letters_are_listed_and_sent_again_by_retry(
    tmp_path, redis, redis_url, monkeypatch, capsys
):
    monkeypatch.setenv("GOVMON_REDIS_URL", redis_url)
    path = write(tmp_path, ["json://127.0.0.1:9/hook"])
    from monitor.engine.kv.keys import Keys

    keys = Keys()  # the CLI's prefix
    await redis.delete(keys.outbox_due, keys.outbox_items, keys.outbox_dead, keys.outbox_since)
    audience = Audience({"4300000001": TargetInfo("4300000001", "测试站点", "长沙市")},
                        {"4300000001": ("json://127.0.0.1:9/hook",)}, {}, ())  # fmt: skip
    (notice,) = decide_events([event(EventKind.OPENED, finding())], audience, NotifySettings(), time.time(), {},
                              {}).notices  # fmt: skip
    outbox = Outbox(redis, keys)
    await outbox.put([notice], time.time())
    (delivery,) = await outbox.claim(time.time(), 60, 10)
    await outbox.bury(delivery, time.time())
    assert await asyncio.to_thread(main, ["notices", "list", "--failed", "--json", "-c", str(path)]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (
        row["state"] == "dead" and row["title"].startswith("【单项否决】") and row["to"].startswith("json://")
    )
    assert await asyncio.to_thread(main, ["notices", "retry", "--all", "-c", str(path)]) == 0
    assert "1 notice(s) back in the outbox" in capsys.readouterr().out
    assert [d.id for d in await outbox.waiting()] == [delivery.id]
    await redis.delete(keys.outbox_due, keys.outbox_items, keys.outbox_dead, keys.outbox_since)
