"""YAML parsed into nodes that remember their line, so every configuration problem can name it.

PyYAML's ``compose`` keeps a mark on every node and ``construct`` throws the marks away. We compose and
build this small tree ourselves: a mapping value carries the line of its key, a sequence item the line
where the item starts, and a scalar its source text as well as its YAML value, so that
``id: 0430000001`` stays that string instead of becoming YAML 1.1's octal number and ``name: yes``
stays ``yes``. Nothing here knows what the keys mean; ``monitor.inventory`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import yaml


@dataclasses.dataclass(frozen=True, slots=True)
class Node:
    """One YAML value. ``value`` is ``dict[key, Node]``, ``list[Node]`` or a scalar as YAML reads it."""

    line: int  # 1-based: the key's line for a mapping value, the item's first line in a sequence
    value: Any
    text: str | None = None  # a scalar's source text; None for mappings and sequences
    duplicates: tuple[tuple[Any, int, int], ...] = ()  # (key, line, line of its first occurrence)

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        return self.text is not None


class YamlSyntaxError(Exception):
    """The text is not YAML; ``line`` is 1-based, None when the parser gave no position."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse(text: str) -> Node | None:
    """The single document in ``text`` (None for an empty one); raises YamlSyntaxError."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _build(loader, root, root.start_mark.line + 1, set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else None, _describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def plain(node: Node) -> Any:
    """The node as plain Python values (dicts, lists, scalars), lines dropped."""
    if node.is_mapping:
        return {key: plain(child) for key, child in node.value.items()}
    if node.is_sequence:
        return [plain(child) for child in node.value]
    return node.value


def line_at(node: Node, loc: Sequence[Any]) -> int:
    """The line of the deepest node on the path ``loc`` (keys and indexes) that exists."""
    for step in loc:
        in_mapping = node.is_mapping and step in node.value
        in_sequence = node.is_sequence and isinstance(step, int) and 0 <= step < len(node.value)
        if not (in_mapping or in_sequence):
            break
        node = node.value[step]
    return node.line


def _build(loader: yaml.SafeLoader, node: yaml.Node, line: int, parents: set[int]) -> Node:
    if id(node) in parents:
        raise YamlSyntaxError(line, "an alias refers to a value that contains it")
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves ``<<: *anchor`` merge keys in place
        items: dict[Any, Node] = {}
        first_line: dict[Any, int] = {}
        duplicates = []
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError(key_line, "a key must be plain text, not a list or mapping")
            key = _scalar(loader, key_node)
            if key in first_line:
                duplicates.append((key, key_line, first_line[key]))
                continue
            first_line[key] = key_line
            items[key] = _build(loader, value_node, key_line, parents | {id(node)})
        return Node(line, items, None, tuple(duplicates))
    if isinstance(node, yaml.SequenceNode):
        inner = parents | {id(node)}
        return Node(line, [_build(loader, item, item.start_mark.line + 1, inner) for item in node.value])
    return Node(line, _scalar(loader, node), str(node.value))


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """The scalar's YAML value; its text when YAML cannot construct it (``2021-13-45``, an unknown tag)."""
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        return str(node.value)


def _describe(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or exc.context or "unreadable"
    message = f"not valid YAML: {problem}"
    if exc.problem_mark is not None:
        message += f" (column {exc.problem_mark.column + 1})"
    context_mark, problem_mark = exc.context_mark, exc.problem_mark
    if exc.context and context_mark and problem_mark and context_mark.line != problem_mark.line:
        message += f", {exc.context} at line {context_mark.line + 1}"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    return message
