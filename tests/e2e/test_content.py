"""Acceptance of content safety (issue 12): ``govmon check`` on the simulator's ``content`` scenario finds
every injected hidden link (with its hiding method), every tampered homepage (a homepage replaced between
two checks on the second), every serious-error hit (unverified; ``govmon findings confirm`` makes one a
violation) and every unmasked number (masked in the evidence), each with a stored snapshot; nothing at all
on the two healthy sites (one carries every trap: a visible lottery-centre link, a government video iframe
and CDN script, a masked ID, an invalid ID, an office's contact mobile, a hidden menu of its own pages); no
number ever appears whole in the output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.model import SHANGHAI
from monitor.sim import SimWeb
from monitor.sim.contentcases import MOBILE, VALID_ID, VALID_ID_2, VALID_ID_3
from tests.e2e.support import govmon

pytestmark = pytest.mark.slow
CODES = ("content.hidden_link", "content.tampered", "content.serious_error", "privacy.exposed")


def of(findings: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["code"] == code]


async def test_check_finds_every_injected_content_problem_and_nothing_on_healthy_sites(
    tmp_path: Path,
) -> None:
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(seconds=120)).replace(microsecond=0)
    async with SimWeb(seed=3, now=now, sites="content") as sim:
        truth: dict[str, dict[str, Any]] = sim.truth()["sites"]
        config = sim.inventory() | {"fetch": {"per_host_rate": {"requests": 1000, "period_s": 1.0}}}
        path = tmp_path / "govmon.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        data_dir = tmp_path / "data"
        _, out, err = await govmon("check", "-c", str(path), "--json", data_dir=data_dir)
        findings = json.loads(out)
        assert not any(number in out + err for number in (VALID_ID, VALID_ID_2, VALID_ID_3, MOBILE))

        hidden = {
            (f["target"], f["evidence"]["url"], f["evidence"]["method"]) for f in of(findings, CODES[0])
        }
        assert hidden == {(s, h["url"], h["method"]) for s, t in truth.items() for h in t["hidden_links"]}
        assert len(hidden) == 9

        tampered = {f["target"] for f in of(findings, CODES[1])}
        replaced = next(s for s, t in truth.items() if "replaced" in t["tamper"])
        assert tampered == {s for s, t in truth.items() if t["tamper"]} - {replaced}

        serious = {(f["target"], i["wrong"]) for f in of(findings, CODES[2]) for i in f["evidence"]["items"]}
        assert serious == {(s, w) for s, t in truth.items() for w in t["serious_errors"]}
        assert {f["status"] for f in of(findings, CODES[2])} == {"unverified"}

        personal = {
            (f["target"], f["evidence"]["url"], i["kind"], i["masked"])
            for f in of(findings, CODES[3])
            for i in f["evidence"]["items"]
        }
        expected = {
            (s, p["page"], p["kind"], p["masked"]) for s, t in truth.items() for p in t["personal_data"]
        }
        assert personal == expected

        for f in findings:
            if f["code"] in CODES:
                assert len(f["evidence"]["snapshot"]) == 64, f
        injected = ("hidden_links", "tamper", "serious_errors", "personal_data")
        healthy = {s for s, t in truth.items() if not any(t[k] for k in injected)}
        assert len(healthy) == 2
        assert [f for f in findings if f["target"] in healthy] == [], err[-2000:]

        candidate = of(findings, CODES[2])[0]
        config_args = ("-c", str(path))
        code, out, err = await govmon(
            "findings",
            "confirm",
            candidate["id"],
            *config_args,
            "--by",
            "张三",
            "--note",
            "核对原文",
            data_dir=data_dir,
        )
        assert code == 0 and "violation" in out, err
        _, out, _ = await govmon(
            "findings", "list", *config_args, "--json", "--code", CODES[2], data_dir=data_dir
        )
        by_id = {f["id"]: f for f in json.loads(out)}
        assert by_id[candidate["id"]]["status"] == "violation"
        assert by_id[candidate["id"]]["evidence"]["confirmed"]["by"] == "张三"
        assert {f["status"] for i, f in by_id.items() if i != candidate["id"]} == {"unverified"}
        not_confirmable = of(findings, CODES[3])[0]["id"]
        code, _, err = await govmon(
            "findings",
            "confirm",
            not_confirmable,
            *config_args,
            "--by",
            "张三",
            "--note",
            "x",
            data_dir=data_dir,
        )
        assert code == 2 and "not confirmed by a person" in err

        sim.deface(replaced)
        _, out, err = await govmon(
            "check", "-c", str(path), "--json", "--target", replaced, data_dir=data_dir
        )
        everything = json.loads(out)
        [second] = of(everything, CODES[1])
        homepage = truth[replaced]["url"].rstrip("/")
        about_homepage = [f for f in everything if str(f["evidence"].get("url", "")).rstrip("/") == homepage]
        assert {f["code"] for f in about_homepage} > {CODES[1]}  # other rules' homepage findings …
        assert {f["evidence"].get("snapshot") for f in about_homepage} == {
            second["evidence"]["snapshot"]
        }  # … too
        kinds = {s["kind"] for s in second["evidence"]["signs"]}
        assert kinds == {"new_foreign", "replaced"}
        assert second["evidence"]["new_hosts"] == ["ads.example.biz"]
        assert any(line.startswith("+") for line in second["evidence"]["diff"])
        assert second["evidence"]["baseline_at"] is not None
