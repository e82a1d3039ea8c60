"""Serious wrong statements (严重表述错误): wrong forms of leaders' names and titles, organs' official names,
place names and the national flag/emblem wording, matched in a page's visible text.

The dictionary is a province's: a small documented sample ships (``data/serious_errors.txt``), and
``load`` reads the province's own text or CSV lists, reporting each bad line as ``file:line``. Matching is
one Aho–Corasick pass (pyahocorasick) whatever the dictionary's size, so thousands of entries cost what
ten do. A hit is only a candidate: a person confirms it (then it is a violation) or dismisses it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import ahocorasick

CONTEXT_CHARS = 20


class DictionaryError(ValueError):
    """A dictionary file that cannot be used; the message names the file and the line."""


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    wrong: str
    right: str
    category: str
    source: str  # file:line, so a reviewer can find and fix the entry itself


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorHit:
    wrong: str
    right: str
    category: str
    context: str

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


def parse_text(lines: Iterable[str], source: str) -> list[Entry]:
    """Text lists: ``WRONG<TAB>RIGHT[<TAB>CATEGORY]`` (or ``WRONG => RIGHT``), ``#`` comments."""
    entries = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in (line.split("=>") if "=>" in line else line.split("\t"))]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise DictionaryError(
                f"{source}:{number}: expected 'WRONG<TAB>RIGHT[<TAB>CATEGORY]', got {raw.strip()!r}"
            )
        if parts[0] == parts[1] or parts[0] in parts[1]:
            raise DictionaryError(f"{source}:{number}: the wrong form {parts[0]!r} is part of the right one")
        category = parts[2] if len(parts) > 2 and parts[2] else "other"
        entries.append(Entry(parts[0], parts[1], category, f"{source}:{number}"))
    return entries


def parse_csv(text: str, source: str) -> list[Entry]:
    """CSV lists with a header row naming ``wrong`` and ``right`` (and optionally ``category``)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "wrong" not in fields or "right" not in fields:
        raise DictionaryError(f"{source}:1: the header must name the columns wrong and right, got {fields}")
    reader.fieldnames = fields
    entries = []
    for row in reader:
        number = reader.line_num
        wrong, right = (row.get("wrong") or "").strip(), (row.get("right") or "").strip()
        if not wrong and not right:
            continue
        if not wrong or not right:
            raise DictionaryError(f"{source}:{number}: both wrong and right are needed")
        if wrong in right:
            raise DictionaryError(f"{source}:{number}: the wrong form {wrong!r} is part of the right one")
        entries.append(
            Entry(wrong, right, (row.get("category") or "").strip() or "other", f"{source}:{number}")
        )
    return entries


def read_file(path: str | Path) -> list[Entry]:
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryError(f"{path}: cannot read: {exc}") from exc
    if str(path).lower().endswith(".csv"):
        return parse_csv(text, str(path))
    return parse_text(text.splitlines(), str(path))


def shipped_entries() -> list[Entry]:
    text = resources.files("monitor.extract").joinpath("data/serious_errors.txt").read_text("utf-8")
    return parse_text(text.splitlines(), "serious_errors.txt")


class Dictionary:
    """The entries in one Aho–Corasick automaton."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        for entry in entries:
            self.automaton.add_word(entry.wrong, entry)
            self.size += 1
        if self.size:
            self.automaton.make_automaton()

    def find(self, text: str, limit: int = 50) -> list[ErrorHit]:
        """Every wrong form in ``text`` (longest first where two end at one place), with its context."""
        if not self.size:
            return []
        hits: list[ErrorHit] = []
        taken_end = -1
        for end, entry in self.automaton.iter_long(text):
            start = end - len(entry.wrong) + 1
            if start <= taken_end:
                continue
            taken_end = end
            context = text[max(0, start - CONTEXT_CHARS) : end + 1 + CONTEXT_CHARS]
            hits.append(ErrorHit(entry.wrong, entry.right, entry.category, " ".join(context.split())))
            if len(hits) >= limit:
                break
        return hits


def load(extra_files: Iterable[str | Path] = (), *, shipped: bool = True) -> Dictionary:
    """The shipped sample (unless ``shipped`` is false) and the province's files."""
    entries = shipped_entries() if shipped else []
    for path in extra_files:
        entries += read_file(path)
    return Dictionary(entries)
