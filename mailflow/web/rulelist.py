"""The rules page as a list a person reads: each rule's name, category, what it matches (the
conditions named, their patterns cut short), whether its reply is held and for whom, and how
many filed mails it decided. Read from the rule files as they are now (the desk edits them while
it runs); the files themselves stay on the page, folded."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mailflow.web.i18n import translate

FILES = 100
RULES = 1_000  # rules shown, over all files
DEPTH = 6  # nested all/any/none shown this deep; deeper is "…"
CUT = 48  # characters of a pattern shown


@dataclass(frozen=True)
class RuleLine:
    file: str
    name: str
    category: str
    matches: str
    actions: tuple[str, ...]
    hold: str  # "" not held; the approver's role; "yes" held for anyone who answers mail; "if" held on a condition
    count: int


def rule_lines(files: list[tuple[str, str]], counts: dict[str, int], language: str) -> tuple[list[RuleLine], list[str]]:
    """The rules of the files (name, text) in order, and the files that could not be read as a
    list of rules (the daemon says why when it loads them)."""
    lines: list[RuleLine] = []
    unreadable: list[str] = []
    for name, text in files[:FILES]:
        try:
            rules = _loaded(text)
        except yaml.YAMLError:
            unreadable.append(name)
            continue
        if rules is None:
            continue
        if not isinstance(rules, list):
            unreadable.append(name)
            continue
        for rule in rules:
            if len(lines) >= RULES:
                break
            if not isinstance(rule, dict):
                continue
            found = rule.get("then")
            then: list[Any] = found if isinstance(found, list) else []
            rule_name = str(rule.get("name", ""))
            lines.append(RuleLine(name, rule_name, str(rule.get("category") or ""),
                                  matches(rule.get("when"), language), _actions(then), _hold(then),
                                  counts.get(rule_name, 0)))
    return lines, unreadable


@functools.lru_cache(maxsize=FILES)
def _loaded(text: str) -> Any:
    """A rule file's YAML, read once per text (the page is asked for far more often than a file
    changes; reading the shipped rules took 0.15 s a page in Python, bench/web.py), by libyaml
    where PyYAML has it. Shared between pages: read, never changed."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def matches(node: Any, language: str, depth: int = 0) -> str:
    """A condition in a line: `subject ~ "PO…"`, groups as "any of (…)", "none of (…)"."""
    if depth > DEPTH:
        return "…"
    if isinstance(node, list):
        return "; ".join(matches(item, language, depth + 1) for item in node[:12]) + ("; …" if len(node) > 12 else "")
    if not isinstance(node, dict):
        return _brief(node)
    parts = []
    for key, value in list(node.items())[:12]:
        if key in ("all", "any", "none"):
            inner = value if isinstance(value, list) else [value]
            parts.append(translate(language, f"rule_{key}", parts=matches(inner, language, depth + 1)))
        else:
            parts.append(f"{key} {_brief(value)}")
    return ", ".join(parts)


def _brief(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_brief(v)}" for k, v in list(value.items())[:6])
    if isinstance(value, list):
        shown = " | ".join(_brief(v) for v in value[:3])
        return shown + (" | …" if len(value) > 3 else "")
    text = str(value)
    return f"“{text[:CUT]}…”" if len(text) > CUT else f"“{text}”"


def _actions(then: list[Any]) -> tuple[str, ...]:
    """Each action as its name and, for a reply, its template."""
    found = []
    for action in then[:20]:
        if isinstance(action, dict):
            for key, value in list(action.items())[:1]:
                template = value.get("template") if isinstance(value, dict) else None
                found.append(f"{key}: {template}" if template else f"{key}: {value}" if isinstance(value, str)
                             else str(key))
        else:
            found.append(str(action))
    return tuple(found)


def _hold(then: list[Any]) -> str:
    for action in then[:20]:
        reply = action.get("reply") if isinstance(action, dict) else None
        if not isinstance(reply, dict):
            continue
        hold = reply.get("hold")
        if isinstance(hold, dict):
            return str(hold.get("approver") or "yes")
        if hold is True:
            return "yes"
        if reply.get("hold_if") is not None:
            return "if"
    return ""


def rule_files(folder: Path) -> list[tuple[str, str]]:
    """The rule files of the desk's rules folder (name, text), in the order they are read."""
    return [(path.name, path.read_text(encoding="utf-8", errors="replace")[:200_000])
            for path in sorted(folder.glob("*.y*ml"))[:FILES]]
