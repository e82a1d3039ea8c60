"""YAML parsed into nodes that remember their line, so every configuration problem can name it.

PyYAML's ``compose`` keeps a mark on every node and ``construct`` throws the marks away. We compose and
build this small tree ourselves: a mapping value carries the line of its key, a sequence item the line
where the item starts, and a scalar its source text as well as its YAML value, so that
``id: 0430000001`` stays that string instead of becoming YAML 1.1's octal number and ``name: yes``
stays ``yes``. Nothing here knows what the keys mean; ``monitor.inventory`` does.

Speed: composing with PyYAML's pure-Python scanner took ~100 s for a national inventory (15,000 sites and
150,000 accounts), paid by every command. Where PyYAML has libyaml (``CSafeLoader``), the tree is built
straight from libyaml's parse events (``_EventBuilder``: no intermediate PyYAML nodes, which cost more than
the parse); a document with anchors, aliases or merge keys goes through libyaml's composer instead, and a
text libyaml rejects is parsed again by the pure-Python loader, whose messages ``govmon validate`` reports
(libyaml words its errors differently). The three give the same tree, lines included.
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


STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlSyntaxError(Exception):
    """The text is not YAML; ``line`` is 1-based, None when the parser gave no position."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


FastLoader: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader when PyYAML has it (``yaml.__with_libyaml__``), else None: the pure-Python one serves."""


def parse(text: str) -> Node | None:
    """The single document in ``text`` (None for an empty one); raises YamlSyntaxError."""
    if FastLoader is not None:
        fast = FastLoader(text)
        try:
            return _EventBuilder(fast).document()
        except _NeedsComposer:
            pass
        except yaml.YAMLError:
            return _parse_with(yaml.SafeLoader(text))  # the pure-Python loader words what is wrong
        finally:
            fast.dispose()
        fast = FastLoader(text)
        try:
            root = fast.get_single_node()
            return None if root is None else _build(fast, root, root.start_mark.line + 1, set())
        except yaml.YAMLError:
            pass
        finally:
            fast.dispose()
    return _parse_with(yaml.SafeLoader(text))


class _NeedsComposer(Exception):
    """Anchors, aliases or merge keys: left to a composer, which resolves them."""


class _EventBuilder:
    """``Node`` trees from parse events, as ``_build`` makes them from composed nodes (same lines, same
    values, same duplicate keys) for documents without anchors, aliases or merge keys."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader

    def document(self) -> Node | None:
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        root = self.node(loader.get_event())
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.YAMLError("expected a single document in the stream")
        return root

    def node(self, event: Any, line: int | None = None) -> Node:
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _NeedsComposer
        line = event.start_mark.line + 1 if line is None else line
        if isinstance(event, yaml.ScalarEvent):
            return Node(line, self.scalar(event), event.value)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not isinstance(item := self.loader.get_event(), yaml.SequenceEndEvent):
                items.append(self.node(item))
            return Node(line, items)
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(line)
        raise yaml.YAMLError(f"unexpected {type(event).__name__}")

    def mapping(self, line: int) -> Node:
        values: dict[Any, Node] = {}
        first_line: dict[Any, int] = {}
        duplicates = []
        get_event = self.loader.get_event
        while not isinstance(key_event := get_event(), yaml.MappingEndEvent):
            key_line = key_event.start_mark.line + 1
            if isinstance(key_event, yaml.AliasEvent) or key_event.anchor is not None:
                raise _NeedsComposer
            if not isinstance(key_event, yaml.ScalarEvent):
                raise YamlSyntaxError(key_line, "a key must be plain text, not a list or mapping")
            key = self.scalar(key_event, key=True)
            value_event = get_event()
            if key in first_line:
                duplicates.append((key, key_line, first_line[key]))
                self.skip(value_event)  # the composer path does not build it either
                continue
            first_line[key] = key_line
            values[key] = self.node(value_event, key_line)
        return Node(line, values, None, tuple(duplicates))

    def scalar(self, event: Any, *, key: bool = False) -> Any:
        """The value ``_scalar`` gives the composed node; plain strings without building one."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == STR_TAG:
            return event.value
        if key and tag == MERGE_TAG:
            raise _NeedsComposer
        return _scalar(
            self.loader, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        )

    def skip(self, event: Any) -> None:
        """Read past the value that starts with ``event``."""
        depth = int(isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)))
        while depth:
            event = self.loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1


def _parse_with(loader: yaml.SafeLoader) -> Node | None:
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
        inside = parents | {id(node)}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError(key_line, "a key must be plain text, not a list or mapping")
            key = _scalar(loader, key_node)
            if key in first_line:
                duplicates.append((key, key_line, first_line[key]))
                continue
            first_line[key] = key_line
            items[key] = _build(loader, value_node, key_line, inside)
        return Node(line, items, None, tuple(duplicates))
    if isinstance(node, yaml.SequenceNode):
        inner = parents | {id(node)}
        return Node(line, [_build(loader, item, item.start_mark.line + 1, inner) for item in node.value])
    return Node(line, _scalar(loader, node), str(node.value))


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """The scalar's YAML value; its text when YAML cannot construct it (``2021-13-45``, an unknown tag)."""
    if node.tag == STR_TAG:  # most of an inventory: the value is the text (what construct_yaml_str returns)
        return node.value
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
