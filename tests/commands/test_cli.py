"""The command line's contract: exit statuses and messages a script can rely on (CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main

FILES = Path(__file__).parents[1] / "inventory" / "files"


@pytest.fixture(autouse=True)
def no_config_from_the_environment(monkeypatch):
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)


def test_validate_exits_0_for_the_example_configuration(capsys):
    example = Path(__file__).parents[2] / "config" / "govmon.example.yaml"
    assert main(["validate", "-c", str(example)]) == 0
    assert "0 fatal problems, 0 rows rejected" in capsys.readouterr().out


def test_validate_exits_1_when_rows_were_rejected_and_names_the_line(capsys):
    assert main(["validate", "-c", str(FILES / "one_bad_row.yaml")]) == 1
    assert "one_bad_row.yaml:" in capsys.readouterr().out


def test_validate_exits_2_when_the_configuration_is_unusable():
    assert main(["validate", "-c", str(FILES / "unknown_top_key.yaml")]) == 2


def test_check_without_a_configuration_is_a_usage_error_that_says_what_to_do(capsys):
    assert main(["check"]) == 2
    assert "pass -c FILE or set GOVMON_CONFIG" in capsys.readouterr().err


def test_check_of_an_unknown_target_is_a_usage_error(capsys):
    example = Path(__file__).parents[2] / "config" / "govmon.example.yaml"
    assert main(["check", "-c", str(example), "--target", "no-such-site"]) == 2
    assert "unknown target 'no-such-site'" in capsys.readouterr().err


def test_listen_must_be_host_and_port():
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--listen", "localhost"])
    assert exit_info.value.code == 2
