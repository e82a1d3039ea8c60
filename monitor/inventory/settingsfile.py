"""The settings part of a configuration file, validated by pydantic and explained in plain words.

pydantic says ``Input should be less than or equal to 1``; a site owner needs ``availability.fail_ratio:
must be > 0 and ≤ 1, got 1.5`` on the line where they wrote it. This module translates each pydantic
error into such an Issue (every one fatal: a wrong setting would silently change what is judged), adds
"did you mean" to unknown keys, and checks what pydantic cannot: that ``control_urls`` are http(s)
URLs, ``platform_domains`` bare host names and ``resolve`` maps host names to IP addresses.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from monitor.inventory.rows import Issue, did_you_mean, is_host, is_ip, show, url_problem
from monitor.inventory.yamlnodes import Node, line_at, plain
from monitor.settings import Settings

INVENTORY_KEYS = ("sites", "accounts")

_TYPES = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "model_attributes_type": "must be a mapping of keys to values",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD), without a time",
    "path_type": "must be a path",
    "too_long": "too many items",
    "too_short": "too few items",
}
_BOUNDS = (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"))


def settings_from(root: Node) -> tuple[Settings, list[Issue]]:
    """The settings in a configuration's root mapping (inventory keys skipped) and every problem."""
    data = {key: plain(child) for key, child in root.value.items() if key not in INVENTORY_KEYS}
    issues = _duplicates(root, ()) + _network_issues(root)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        issues += [_translate(error, root, data) for error in exc.errors()]
        settings = Settings()
    return settings, sorted(issues, key=lambda issue: issue.line or 0)


def field_path(loc: Sequence[Any]) -> str:
    """``availability.fail_ratio``, ``control_urls[1]``, ``resolve['www.a.gov.cn']``."""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        elif re.fullmatch(r"[^.\[\]'\s]+", str(step)):
            out += ("." if out else "") + str(step)
        else:
            out += f"[{step!r}]"
    return out


def _duplicates(node: Node, loc: tuple[Any, ...]) -> list[Issue]:
    """Repeated keys anywhere in the settings (YAML would silently keep only one of them)."""
    issues = [
        Issue(line, field_path((*loc, key)), f"given twice (first at line {first})", fatal=True)
        for key, line, first in node.duplicates
    ]
    children = node.value.items() if node.is_mapping else enumerate(node.value) if node.is_sequence else ()
    for key, child in children:
        if not (loc == () and key in INVENTORY_KEYS):
            issues += _duplicates(child, (*loc, key))
    return issues


def _network_issues(root: Node) -> list[Issue]:
    issues = []
    for key, check in (("control_urls", url_problem), ("platform_domains", _domain_problem)):
        node = root.value.get(key)
        for index, item in enumerate(node.value if node is not None and node.is_sequence else ()):
            problem = check(item.value.strip()) if isinstance(item.value, str) else None
            if problem:
                issues.append(Issue(item.line, f"{key}[{index}]", problem, fatal=True))
    resolve = root.value.get("resolve")
    for host, item in resolve.value.items() if resolve is not None and resolve.is_mapping else ():
        field = field_path(("resolve", host))
        if isinstance(host, str) and not is_host(host):
            issues.append(Issue(item.line, field, _domain_problem(host) or "", fatal=True))
        parts = item.value.split(",") if isinstance(item.value, str) else []
        if isinstance(item.value, str) and not (parts and all(is_ip(p.strip()) for p in parts)):
            message = f"not an IP address: {item.value!r} (write the address, e.g. 127.0.0.1)"
            issues.append(Issue(item.line, field, message, fatal=True))
    return issues


def _domain_problem(value: str) -> str | None:
    if is_host(value):
        return None
    try:
        host = urlsplit(value if "://" in value else f"//{value}").hostname
    except ValueError:  # an unbalanced "[" (IPv6 brackets)
        host = None
    if host and is_host(host):
        return f"not a bare host name: {value!r} (write it as {host})"
    return f"not a host name: {value!r}"


def _translate(error: Any, root: Node, data: dict[str, Any]) -> Issue:
    loc = tuple(step for step in error["loc"] if step != "[key]")
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        choices = [*(model.model_fields if model else ()), *(INVENTORY_KEYS if len(loc) == 1 else ())]
        message = f"unknown key{did_you_mean(loc[-1], choices)}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        message = f"must be {_bounds(loc, error.get('ctx') or {})}, got {show(value)}"
    elif kind == "value_error":
        loc, message = _value_error(loc, error, data)
    elif kind == "missing" and loc and isinstance(loc[-1], int):
        loc = loc[:-1]
        message = f"too few items, got {show(_data_at(data, loc))}"
    else:
        wording = _TYPES.get(kind) or str(error["msg"]).replace("Input should be", "must be")
        message = f"{wording}, got {show(value)}"
    return Issue(line_at(root, loc), field_path(loc), message, fatal=True)


def _value_error(loc: tuple[Any, ...], error: Any, data: dict[str, Any]) -> tuple[tuple[Any, ...], str]:
    """A model validator's ``"warn_ratio must not exceed fail_ratio"`` pinned on warn_ratio, with values."""
    ctx = error.get("ctx") or {}
    text = str(ctx["error"]) if "error" in ctx else str(error["msg"]).removeprefix("Value error, ")
    model, given = _model_at(loc), _data_at(data, loc)
    key, _, rest = text.partition(" ")
    if model is None or key not in model.model_fields or not isinstance(given, dict):
        return loc, text

    def value_of(name: str) -> str:
        return show(given.get(name, model.model_fields[name].default))

    for name in set(re.findall(r"[a-z_]+", rest)) & set(model.model_fields) - {key}:
        rest = re.sub(rf"\b{name}\b", f"{name} ({value_of(name)})", rest, count=1)
    return (*loc, key), f"{rest}, got {value_of(key)}"


def _bounds(loc: tuple[Any, ...], ctx: dict[str, Any]) -> str:
    """All of a field's bounds (``> 0 and ≤ 1``), not only the one broken; ctx's when unknown."""
    info = _field_at(loc)
    constraints = list(info.metadata) if info else []
    parts = [
        f"{sign} {_number(getattr(item, attr))}"
        for item in constraints
        for attr, sign in _BOUNDS
        if getattr(item, attr, None) is not None
    ]
    if not parts:
        parts = [f"{sign} {_number(ctx[attr])}" for attr, sign in _BOUNDS if attr in ctx]
    return " and ".join(parts)


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _walk(loc: Sequence[Any]) -> tuple[Any, FieldInfo | None]:
    """The type at ``loc`` within Settings, and the field that declares it (None inside a dict or list)."""
    current: Any = Settings
    info: FieldInfo | None = None
    for step in loc:
        current = _unwrap_optional(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(step) if isinstance(step, str) else None
            if info is None:
                return None, None
            current = info.annotation
        elif typing.get_origin(current) is dict:
            current, info = typing.get_args(current)[1], None
        elif typing.get_origin(current) in (tuple, list):
            args = typing.get_args(current)
            index = step if isinstance(step, int) and len(args) > 1 and args[-1] is not Ellipsis else 0
            current, info = (args[index] if index < len(args) else None), None
        else:
            return None, None
    return _unwrap_optional(current), info


def _unwrap_optional(annotation: Any) -> Any:
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return args[0] if is_union and len(args) == 1 else annotation


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    current, _ = _walk(loc)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_at(loc: Sequence[Any]) -> FieldInfo | None:
    return _walk(loc)[1]


def _data_at(data: Any, loc: Sequence[Any]) -> Any:
    for step in loc:
        in_dict = isinstance(data, dict) and step in data
        in_list = isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
        if not (in_dict or in_list):
            return None
        data = data[step]
    return data
