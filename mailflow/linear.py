"""Regexes written by people (rules, mailflow.yaml): compiled with RE2, which runs in time linear
in the text, so no pattern and no mail can make a search take minutes.

Python's `re` backtracks: `(a+)+$` on 100 KB of `a` never finishes, and `\\s*` between
optional parts is cubic over a long run of spaces. RE2 has no backreferences and no
look-around; a pattern that needs them is refused when it is loaded, with the reason, so the
operator rewrites it knowingly (a rule that cannot run is never skipped silently).

Differences from Python's `re` worth knowing when writing rules: `\\d`, `\\w`, `\\s` and `\\b`
are ASCII (write `[\\s\\x{3000}]` for the ideographic space). Python's `\\uXXXX`, `\\N{NAME}`
and `\\Z` are translated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import re2

_OPTIONS: dict[bool, Any] = {}


def _options(ignore_case: bool) -> Any:
    if ignore_case not in _OPTIONS:
        options = re2.Options()
        options.log_errors = False  # a refused pattern is our error to report, not stderr noise
        options.case_sensitive = not ignore_case
        options.max_mem = 32 << 20  # room for the large alternations of the shipped rules
        _OPTIONS[ignore_case] = options
    return _OPTIONS[ignore_case]


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message says why, in words an operator can act on."""


_UNSUPPORTED = (
    ("(?=", "look-ahead (?=…)"), ("(?!", "negative look-ahead (?!…)"),
    ("(?<=", "look-behind (?<=…)"), ("(?<!", "negative look-behind (?<!…)"),
    ("(?P=", "a back-reference (?P=name)"), ("(?>", "an atomic group (?>…)"),
    ("(?#", "a comment group (?#…)"), ("(?x", "verbose mode (?x)"),
)


def _why(pattern: str, error: str) -> str:
    for token, what in _UNSUPPORTED:
        if token in pattern:
            return f"uses {what}, which the linear-time engine (RE2) does not run; rewrite it without"
    for digit in "123456789":
        if "\\" + digit in pattern:
            return "uses a back-reference (\\1…), which the linear-time engine (RE2) does not run"
    return f"invalid regex: {error}"


_PYTHON_ESCAPE = re.compile(r"\\(\\|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^{}]{1,100}\}|Z)")


def _from_python(pattern: str) -> str:
    """Python's escapes that RE2 spells otherwise: \\uXXXX and \\N{NAME} become \\x{XXXX},
    \\Z becomes \\z, so rules written for Python's `re` mean the same here."""
    def rewrite(found: re.Match[str]) -> str:
        escape = found.group(1)
        if escape == "\\":
            return "\\\\"
        if escape == "Z":
            return "\\z"
        if escape[0] == "N":
            try:
                return f"\\x{{{ord(unicodedata.lookup(escape[2:-1])):X}}}"
            except KeyError:
                raise PatternError(f"invalid regex: unknown character name {escape[2:-1]!r}") from None
        return f"\\x{{{escape[1:]}}}"
    return _PYTHON_ESCAPE.sub(rewrite, pattern)


@dataclass(frozen=True)
class Match:
    """A match with positions in characters, as Python's `re` gives them."""

    _match: Any
    _groupindex: dict[str, int]

    def group(self, group: int | str = 0) -> str | None:
        return self._match.group(group)  # type: ignore[no-any-return]

    def _index(self, group: int | str) -> int:
        return self._groupindex[group] if isinstance(group, str) else group

    def start(self, group: int | str = 0) -> int:
        return int(self._match.start(self._index(group)))

    def end(self, group: int | str = 0) -> int:
        return int(self._match.end(self._index(group)))


class Pattern:
    """A compiled pattern with the part of `re.Pattern`'s interface mailflow uses."""

    __slots__ = ("_regexp", "groupindex", "groups", "ignore_case", "pattern")

    def __init__(self, pattern: str, *, ignore_case: bool = False) -> None:
        try:
            self._regexp = re2.compile(_from_python(pattern), _options(ignore_case))
        except re2.error as exc:
            detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
                exc.args[0], bytes) else str(exc)
            raise PatternError(_why(pattern, detail)) from None
        self.pattern = pattern
        self.ignore_case = ignore_case
        self.groupindex: dict[str, int] = dict(self._regexp.groupindex)
        self.groups: int = int(self._regexp.groups)

    def search(self, text: str) -> Match | None:
        found = self._regexp.search(text)
        return Match(found, self.groupindex) if found is not None else None

    def finditer(self, text: str) -> Iterator[Match]:
        for found in self._regexp.finditer(text):
            yield Match(found, self.groupindex)

    def __reduce__(self) -> tuple[Any, ...]:  # sent to worker processes as its source
        return (_rebuild, (self.pattern, self.ignore_case))

    def __repr__(self) -> str:
        return f"linear.Pattern({self.pattern!r}{', ignore_case=True' if self.ignore_case else ''})"


def _rebuild(pattern: str, ignore_case: bool) -> Pattern:
    return Pattern(pattern, ignore_case=ignore_case)


def compile(pattern: str, *, ignore_case: bool = False) -> Pattern:
    """Compile with RE2; raises PatternError saying why a pattern cannot run."""
    return Pattern(pattern, ignore_case=ignore_case)


def escape(text: str) -> str:
    return str(re2.escape(text))


def glob(pattern: str) -> Pattern:
    """A shell glob (`*.pdf`, `PO_??.xls[xm]`, `[!~]*`) as a linear-time pattern matching the
    whole name, case-insensitively."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        i += 1
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[":
            first = i + (pattern[i:i + 1] == "!")  # a leading "]" (after "!") is a member
            close = pattern.find("]", first + (pattern[first:first + 1] == "]"))
            if close < 0:  # no closing bracket: a literal "["
                out.append(escape(char))
                continue
            members = pattern[i:close]
            negate = members.startswith("!")
            members = members[1:] if negate else members
            members = members.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
            out.append(f"[{'^' if negate else ''}{members}]")
            i = close + 1
        else:
            out.append(escape(char))
    return Pattern("(?s)^" + "".join(out) + "$", ignore_case=True)
