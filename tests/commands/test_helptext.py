"""Help in one place (monitor/commands/helptext.py): every command's --help shows its purpose, an example and
its exit codes, and a contract command nobody has built yet says so instead of "invalid choice"."""

from __future__ import annotations

import argparse

import pytest

from monitor.cli import build_parser, main
from monitor.commands.helptext import CONTRACT_COMMANDS, HELP, NOT_BUILT, add_not_built


@pytest.mark.parametrize("command", sorted(HELP))
def test_each_command_help_has_a_description_examples_and_exit_codes(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert HELP[command].description.split()[0] in out
    assert f"govmon {command}" in out.split("examples:", 1)[1]
    assert "exit codes:" in out


def test_every_contract_command_has_a_parser():
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(CONTRACT_COMMANDS) <= set(commands.choices)


def test_a_contract_command_not_built_yet_says_so_and_exits_2():
    parser = argparse.ArgumentParser(prog="govmon")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run")
    missing = add_not_built(commands, argparse.ArgumentParser(add_help=False))
    assert "notices" in missing and "run" not in missing
    args = parser.parse_args(["notices", "list", "--failed"])  # not "invalid choice"
    assert args.command == "notices"
    assert NOT_BUILT.format(name="notices").startswith("govmon notices is not built yet")


def test_options_say_what_they_do(capsys):
    for command in ("check", "inspect"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        out = capsys.readouterr().out
        assert "docs/contract.md" in out.split("\n  --json", 1)[1].split("--as-of")[0], command
        assert "CONTRACT.md" not in out.replace("docs/contract.md", "")


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err  # argparse's word for a command that is nowhere


def test_every_option_of_every_command_says_what_it_does():
    def undocumented(parser: argparse.ArgumentParser, path: str) -> list[str]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += undocumented(sub, f"{path} {name}")
            elif action.help is None and not isinstance(action, argparse._HelpAction):
                found.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
        return found

    assert undocumented(build_parser(), "govmon") == []
