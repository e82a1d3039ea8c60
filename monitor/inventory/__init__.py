"""Configuration and inventory loaded from files, every problem named by file, line (or row) and field.

``load_config`` never raises for what a file says: like blackbox_exporter it collects all problems, so
``govmon validate`` shows everything at once and a test can compare a bad file with exact messages.
A problem is one of three kinds:

- fatal (``Problem.fatal``): a file missing or not YAML, any settings problem, an inventory section or
  CSV header of the wrong shape, nothing to monitor. Nothing can run (``Loaded.fatal``).
- a rejected row: a site or account with any problem is reported and skipped; the rest load. A row is
  loaded exactly as written or not at all (see ``monitor.inventory.rows``).
- a warning (``Problem.warning``): the row loaded, as govmon read it (a CSV homepage without a scheme,
  see ``monitor.inventory.csvfile``; CSV columns govmon ignores).

One YAML file may hold the settings and the inventory; a file with only ``sites``/``accounts`` is a
complete configuration. ``inventory: [paths]``, relative to the configuration's directory, adds YAML
files (``sites`` and ``accounts`` only) and CSV exports of the site registry. Ids are one namespace
across sites, accounts and files: ``--target ID`` and every finding name a target by it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

from monitor.inventory.csvfile import read_sites_csv
from monitor.inventory.rows import Issue, account_from_node, did_you_mean, show, site_from_node
from monitor.inventory.settingsfile import INVENTORY_KEYS, settings_from
from monitor.inventory.yamlnodes import Node, YamlSyntaxError, parse
from monitor.model import Account, Site
from monitor.settings import Settings


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong in a file. ``line`` is the row for a CSV file (the header being row 1)."""

    file: str
    line: int | None
    field: str
    message: str
    fatal: bool
    warning: bool = False  # the row loaded anyway; never set together with ``fatal``

    def __str__(self) -> str:
        message = f"warning: {self.message}" if self.warning else self.message
        return ": ".join(part for part in (_where(self.file, self.line), self.field, message) if part)


@dataclasses.dataclass(frozen=True)
class Loaded:
    """Everything that loaded, and every problem. ``files`` are the files read, as their paths were given."""

    settings: Settings
    sites: tuple[Site, ...]
    accounts: tuple[Account, ...]
    problems: tuple[Problem, ...]
    files: tuple[Path, ...]
    rejected_rows: int = 0

    @property
    def fatal(self) -> bool:
        """True when nothing can run: the configuration as a whole is not usable."""
        return any(problem.fatal for problem in self.problems)

    @property
    def exit_status(self) -> int:
        """``govmon validate``'s: 2 fatal, 1 rows rejected, 0 otherwise (warnings included)."""
        return 2 if self.fatal else 1 if self.rejected_rows else 0


def load_config(path: str | Path) -> Loaded:
    """Settings and inventory from ``path`` and the inventory files it names; never raises for content."""
    return _Loader(Path(path)).load()


def summary(loaded: Loaded) -> str:
    """What ``govmon validate`` prints: counts on the first line, then one problem per line."""
    fatal = sum(problem.fatal for problem in loaded.problems)
    warnings = sum(problem.warning for problem in loaded.problems)
    head = (
        f"{_count(len(loaded.sites), 'site')} and {_count(len(loaded.accounts), 'account')} "
        f"loaded from {_count(len(loaded.files), 'file')}"
    )
    counts = [
        _count(fatal, "fatal problem"),
        _count(loaded.rejected_rows, "row") + " rejected",
        _count(warnings, "warning"),
    ]
    lines = [f"{head}; {', '.join(counts)}", *(str(problem) for problem in loaded.problems)]
    if fatal:
        lines.append("nothing can run until the fatal problems are fixed")
    return "\n".join(lines)


class _Loader:
    """One load: the files read so far, what they yielded, and the problems found."""

    def __init__(self, main: Path) -> None:
        self.main = main
        self.main_name = str(main)
        self.problems: list[Problem] = []
        self.sites: list[Site] = []
        self.accounts: list[Account] = []
        self.files: list[Path] = []
        self.first_seen: dict[str, str] = {}  # id → where it was first defined
        self.rejected_rows = 0
        self.unreadable = False  # some file's content could not be taken in at all

    def load(self) -> Loaded:
        settings = Settings()
        root = self._read_yaml(self.main, self.main_name, origin=None)
        if root is not None:
            settings, issues = settings_from(root)
            self._report(self.main_name, issues)
            self._sections(root, self.main_name)
            self._includes(root)
        problems = _in_file_order(self.problems)
        if not (self.sites or self.accounts or self.unreadable):
            message = "nothing to monitor: no site or account was loaded (add sites: or accounts:)"
            problems.append(Problem(self.main_name, None, "", message, fatal=True))
        return Loaded(
            settings,
            tuple(self.sites),
            tuple(self.accounts),
            tuple(problems),
            tuple(self.files),
            self.rejected_rows,
        )

    # ------------------------------------------------------------------------------------------ files
    def _read(self, path: Path, name: str, origin: Problem | None) -> bytes | None:
        """The file's bytes; a fatal problem (at the line that names the file, if any) when unreadable."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if origin is None:
                self._fatal(name, None, "", f"cannot read: {reason}")
            else:
                self._fatal(origin.file, origin.line, origin.field, f"cannot read {name}: {reason}")
            return None
        self.files.append(path)
        return data

    def _read_yaml(self, path: Path, name: str, origin: Problem | None) -> Node | None:
        """The root mapping of a YAML file, or None after a fatal problem."""
        data = self._read(path, name, origin)
        if data is None:
            return None
        text = _decode(data)
        if isinstance(text, int):
            self._fatal(name, text, "", "not UTF-8 or GB18030 text (save the file as UTF-8)")
            return None
        try:
            root = parse(text)
        except YamlSyntaxError as exc:
            self._fatal(name, exc.line, "", exc.message)
            return None
        if root is None:
            return Node(1, {})
        if not root.is_mapping:
            self._fatal(name, root.line, "", f"must be a mapping (key: value lines), got {_kind(root)}")
            return None
        return root

    def _includes(self, root: Node) -> None:
        node = root.value.get("inventory")
        seen = {self.main.resolve()}
        for index, item in enumerate(node.value if node is not None and node.is_sequence else ()):
            if not isinstance(item.value, str):
                continue  # the settings check reports it
            relative = item.value.strip()
            if "\x00" in relative:  # no file system takes it: Path.resolve() would raise
                message = f"{relative!r} is not a file name (it holds a NUL character)"
                self._fatal(self.main_name, item.line, f"inventory[{index}]", message)
                continue
            path = self.main.parent / relative
            name = os.path.normpath(os.path.join(os.path.dirname(self.main_name), relative))
            origin = Problem(self.main_name, item.line, f"inventory[{index}]", "", fatal=True)
            if path.resolve() in seen:
                self._report(
                    self.main_name, [Issue(item.line, origin.field, "listed twice; read once", warning=True)]
                )
            elif path.suffix.lower() == ".csv":
                seen.add(path.resolve())
                self._csv(path, name, origin)
            elif path.suffix.lower() in (".yaml", ".yml"):
                seen.add(path.resolve())
                self._yaml_inventory(path, name, origin)
            else:
                message = f"{relative!r} is not an inventory file (name it .yaml, .yml or .csv)"
                self._fatal(self.main_name, item.line, origin.field, message)

    def _yaml_inventory(self, path: Path, name: str, origin: Problem) -> None:
        root = self._read_yaml(path, name, origin)
        if root is None:
            return
        for key, line, first in root.duplicates:
            self._fatal(name, line, str(key), f"given twice (first at line {first})")
        for key, child in root.value.items():
            if key in INVENTORY_KEYS:
                continue
            if key in Settings.model_fields:
                message = (
                    f"settings belong in {self.main_name}; an inventory file holds only sites and accounts"
                )
            else:
                message = f"unknown key{did_you_mean(key, INVENTORY_KEYS)}"
            self._fatal(name, child.line, str(key), message)
        self._sections(root, name)

    def _csv(self, path: Path, name: str, origin: Problem) -> None:
        data = self._read(path, name, origin)
        if data is None:
            return
        loaded = read_sites_csv(data)
        self._report(name, loaded.issues)
        rejected = {issue.line for issue in loaded.issues if not (issue.fatal or issue.warning)}
        self.rejected_rows += len(rejected)
        self.unreadable |= any(issue.fatal for issue in loaded.issues)
        for row, site in loaded.sites:
            self._accept(site, name, row, loaded.id_label)

    # ------------------------------------------------------------------------------------------ rows
    def _sections(self, root: Node, name: str) -> None:
        builders = (("sites", site_from_node), ("accounts", account_from_node))
        for key, build in builders:
            node = root.value.get(key)
            if node is None or node.value is None:
                continue
            if not node.is_sequence:
                self._fatal(name, node.line, key, f"must be a list of {key}, got {_kind(node)}")
                continue
            for index, item in enumerate(node.value):
                target, issues = build(item, f"{key}[{index}]")
                self._report(name, issues)
                if target is None:
                    self.rejected_rows += 1
                    continue
                self._accept(target, name, item.value["id"].line, f"{key}[{index}].id")

    def _accept(self, target: Site | Account, name: str, line: int, field: str) -> None:
        """Keep the target unless its id is taken: ids are one namespace over all files."""
        first = self.first_seen.get(target.id)
        if first is not None:
            self._report(name, [Issue(line, field, f"duplicate id {target.id!r} (first at {first})")])
            self.rejected_rows += 1
            return
        self.first_seen[target.id] = _where(name, line)
        if isinstance(target, Site):
            self.sites.append(target)
        else:
            self.accounts.append(target)

    # ------------------------------------------------------------------------------------------ problems
    def _report(self, name: str, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.problems.append(
                Problem(name, issue.line, issue.field, issue.message, issue.fatal, issue.warning)
            )

    def _fatal(self, name: str, line: int | None, field: str, message: str) -> None:
        self.unreadable = True
        self.problems.append(Problem(name, line, field, message, fatal=True))


def _decode(data: bytes) -> str | int:
    """The text, or the line where it stops being UTF-8 (GB18030 accepted: Windows editors save it)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data[:position].count(b"\n") + 1


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """Files in the order they were read, each one's problems top to bottom."""
    files = list(dict.fromkeys(problem.file for problem in problems))
    return sorted(problems, key=lambda problem: (files.index(problem.file), problem.line or 0))


def _where(file: str, line: int | None) -> str:
    if line is None:
        return file
    return f"{file}:row {line}" if file.lower().endswith(".csv") else f"{file}:{line}"


def _kind(node: Node) -> str:
    return "a mapping" if node.is_mapping else "a list" if node.is_sequence else show(node.value)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
