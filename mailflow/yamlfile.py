"""YAML loading that remembers line numbers, so config and rule errors can say file:line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mailflow.errors import Located, RuleError


class LineDict(dict):  # type: ignore[type-arg]
    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):  # type: ignore[type-arg]
    line: int = 0
    item_lines: list[int]


@dataclass(frozen=True)
class Where:
    """A place in a rule or plan file, for an error that names it."""

    file: Path
    line: int | None

    def error(self, message: str, field: str | None = None) -> RuleError:
        return RuleError(message, self.file, self.line, field)


def where_in(node: Any, file: Path, fallback: int | None = None, key: Any = None) -> Where:
    """Where a node of a loaded file is, or its value under `key` (a mapping remembers the line
    of each key); `fallback` when the node has no line of its own (a plain value)."""
    if isinstance(node, LineDict) and key is not None and key in node.key_lines:
        return Where(file, node.key_lines[key])
    return Where(file, getattr(node, "line", None) or fallback)


# libyaml's parser where PyYAML was built with it (ten times faster on the rules a desk loads at
# every start and every command); the same safe constructors and line marks either way
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[valid-type,misc]
    duplicates_allowed = False


class _LenientLoader(_Loader):
    """For files written for other tools (invoice2data templates), where PyYAML's rule holds:
    a repeated key keeps its last value."""

    duplicates_allowed = True


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in result and not loader.duplicates_allowed:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, error: type[Located], *, duplicates: bool = False) -> Any:
    """Parse one YAML file; syntax errors become `error` with the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", path) from None
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", path) from None
    try:
        return yaml.load(text, Loader=_LenientLoader if duplicates else _Loader)  # noqa: S506 - SafeLoaders
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"invalid YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path) from None


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest node on `loc` that the YAML had (pydantic error locations)."""
    line: int | None = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
        inner = getattr(node, "line", None)
        if inner and not isinstance(node, (LineDict, LineList)):
            line = inner
    return line
