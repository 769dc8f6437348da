"""rules/*.yaml -> Rule objects; classify(Message) -> Decision that says why.

Each condition is a small object answering yes or no with the reasons a person can read;
rules are tried in file order (files sorted by name), and the first match decides the category
unless it says `continue`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from mailflow import linear, quoting
from mailflow.errors import RuleError
from mailflow.expressions import OrderFacts, compile_order_expression, order_expression_true
from mailflow.model import Action, Address, Attachment, Decision, Message, Prediction
from mailflow.yamlfile import LineDict, Where, load_yaml, where_in

FALLBACK_CATEGORY = "other"
OPERATORS = ("contains", "regex", "glob", "equals", "in")
ADDRESS_FIELDS = ("from", "to", "cc", "reply_to", "sender")
TEXT_FIELDS = ("subject", "body")
ACTIONS = ("file", "extract", "reply", "imap", "tag", "stop", "continue")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- matchers: one operator on one value -----------------------------------------------------

# How much of a mail rules read: a regex runs in linear time, and this bounds the time too.
MAX_TEXT = 200_000  # characters of a body or of an attachment's text
MAX_FIELD = 10_000  # characters of a subject, an address or a header value
MAX_ATTACHMENTS = 100  # attachments a rule looks at


@dataclass(frozen=True)
class Matcher:
    """One operator with its values; `test` returns what matched, or None."""

    op: str
    values: tuple[str, ...]
    compiled: tuple[linear.Pattern, ...] = ()
    addresses: bool = False  # `in` on an address field also matches by domain
    # the regexes joined into one alternation: one pass over a body, not one each
    combined: linear.Pattern | None = None

    def test(self, candidate: str) -> str | None:
        if self.op == "contains":
            low = _lower(candidate)
            return next((v for v in self.values if v.lower() in low), None)
        if self.op in ("regex", "glob"):
            for pattern in (self.combined,) if self.combined is not None else self.compiled:
                found = pattern.search(candidate)
                if found is not None:
                    return found.group(0) or pattern.pattern
            return None
        if self.op == "equals":
            return next((v for v in self.values if candidate.strip().lower() == v.lower()), None)
        if self.op == "in":
            low = candidate.strip().lower()
            domain = low.rpartition("@")[2] if self.addresses else None
            for value in self.values:
                if low == value or (domain and value.lstrip("@") in (domain,)):
                    return value
                if domain and value.startswith(".") and domain.endswith(value):
                    return value
            return None
        raise AssertionError(self.op)

    def describe(self) -> str:
        if self.op == "in":
            return f"in a list of {len(self.values)}"
        shown = self.values[0] if len(self.values) == 1 else "|".join(self.values)
        return f"{self.op} '{_short(shown, 50)}'"


@functools.lru_cache(maxsize=32)
def _lower(text: str) -> str:
    """Lower-cased text, kept for the next rule: every rule reads the same subject and body."""
    return text.lower()


def _combined(patterns: tuple[linear.Pattern, ...]) -> linear.Pattern | None:
    """One alternation of a matcher's regexes, or None when their group names would clash."""
    if len(patterns) < 2 or any(p.groupindex for p in patterns):
        return None
    return linear.compile("|".join(f"(?:{p.pattern})" for p in patterns), ignore_case=True)


def _load_list_file(value: Any, where: Where, rule_file: Path) -> tuple[str, ...]:
    path = Path(str(value))
    path = path if path.is_absolute() else rule_file.parent / path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise where.error(f"cannot read list file {path}: {exc.strerror}", "in.file") from None
    entries = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return tuple(e for e in entries if e)


def _matchers(spec: Any, where: Where, field_name: str, rule_file: Path,
              plain_op: str = "contains", addresses: bool = False) -> tuple[Matcher, ...]:
    """`'text'` (the field's plain operator) or `{contains|regex|glob|equals|in: value(s)}`."""
    if isinstance(spec, (str, int, float)):
        spec = {plain_op: str(spec)}
    if isinstance(spec, list):
        spec = {plain_op: spec}
    if not isinstance(spec, dict) or not spec:
        raise where.error(f"expected text or a mapping with one of {', '.join(OPERATORS)}", field_name)
    result = []
    for op, raw in spec.items():
        op_where = where_in(spec, rule_file, where.line, op)
        if op not in OPERATORS:
            raise op_where.error(f"unknown operator {op!r} (use {', '.join(OPERATORS)})",
                                 f"{field_name}.{op}")
        if op == "in" and isinstance(raw, dict):
            if set(raw) != {"file"}:
                raise op_where.error("expected a list or {file: PATH}", f"{field_name}.in")
            values = _load_list_file(raw["file"], op_where, rule_file)
        elif isinstance(raw, list):
            if not raw or not all(isinstance(v, (str, int, float)) for v in raw):
                raise op_where.error("expected a non-empty list of texts", f"{field_name}.{op}")
            values = tuple(str(v) for v in raw)
        elif isinstance(raw, (str, int, float)) and str(raw) != "":
            values = (str(raw),)
        else:
            raise op_where.error("expected a text or a list of texts", f"{field_name}.{op}")
        compiled: tuple[linear.Pattern, ...] = ()
        if op in ("regex", "glob"):
            try:
                compiled = tuple(linear.compile(v, ignore_case=True) if op == "regex"
                                 else linear.glob(v) for v in values)
            except linear.PatternError as exc:
                raise op_where.error(str(exc) if op == "regex" else f"glob: {exc}",
                                     f"{field_name}.{op}") from None
        if op == "in":
            values = tuple(v.strip().lower() for v in values)
        result.append(Matcher(op, values, compiled, addresses=addresses and op == "in",
                              combined=_combined(compiled)))
    return tuple(result)


def _all_match(matchers: Sequence[Matcher], candidates: Sequence[str]) -> str | None:
    """The first candidate that every matcher accepts, described; None when there is none."""
    for candidate in candidates:
        hits = [m.test(candidate) for m in matchers]
        if all(h is not None for h in hits):
            return ", ".join(f"{m.describe()} matched '{_short(str(h), 40)}'"
                             for m, h in zip(matchers, hits))
    return None


# --- conditions ------------------------------------------------------------------------------

Result = tuple[bool, list[str]]


class Condition:
    # what it reads is the mail alone (its text, headers, attachments): its verdict on a mail
    # holds whatever the order facts, and is taken once per mail (see Memo)
    content = False

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        raise NotImplementedError

    def check(self, message: Message, order: OrderFacts | None = None,
              predict: Predict | None = None, memo: Recall | None = None) -> Result:
        """`evaluate`, or the verdict `memo` holds for this condition on this mail."""
        if memo is None or not self.content:
            return self.evaluate(message, order, predict, memo)
        return memo.recall(self, lambda: self.evaluate(message, order, predict, memo))


@dataclass(frozen=True)
class FieldCondition(Condition):
    content = True
    label: str
    matchers: tuple[Matcher, ...]
    values: Callable[[Message], list[str]]

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        hit = _all_match(self.matchers, self.values(message))
        if hit is None:
            return False, [f"{self.label} did not match"]
        return True, [f"{self.label} {hit}"]


@dataclass(frozen=True)
class HeaderExists(Condition):
    content = True
    name: str

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        present = bool(message.header_values(self.name))
        return present, [f"header {self.name} {'is present' if present else 'is absent'}"]


@dataclass(frozen=True)
class AttachmentCondition(Condition):
    content = True
    parts: tuple[tuple[str, tuple[Matcher, ...]], ...]  # (name|type|text, matchers)

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        for att in message.attachments[:MAX_ATTACHMENTS]:
            reasons = []
            for part, matchers in self.parts:
                hit = _all_match(matchers, [_attachment_value(att, part)])
                if hit is None:
                    break
                reasons.append(f"{part} {hit}")
            else:
                return True, [f"attachment {_short(att.filename, 40)!r}: " + "; ".join(reasons)]
        return False, ["no attachment matched"]


def _attachment_value(att: Attachment, part: str) -> str:
    if part == "text":
        return (att.text or "")[:MAX_TEXT]
    return (att.filename if part == "name" else att.content_type)[:MAX_FIELD]


@dataclass(frozen=True)
class Group(Condition):
    kind: str  # any | all | none
    children: tuple[Condition, ...]

    def __post_init__(self) -> None:
        # a group of content conditions only is one itself: its verdict is taken once per mail
        # too, and a classification after correlation reads it in one look-up, not child by child
        object.__setattr__(self, "content", all(child.content for child in self.children))

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        """`all` stops at the first miss and `none` at the first match; `any` reads every child,
        so that the explanation lists everything that matched."""
        if self.kind == "all":
            reasons: list[str] = []
            for child in self.children:
                ok, child_reasons = child.check(message, order, predict, memo)
                if not ok:
                    return False, []
                reasons.extend(child_reasons)
            return True, reasons
        if self.kind == "any":
            results = [c.check(message, order, predict, memo) for c in self.children]
            return any(ok for ok, _ in results), [r for ok, rs in results if ok for r in rs]
        if any(child.check(message, order, predict, memo)[0] for child in self.children):
            return False, []
        return True, [f"none of {len(self.children)} exclusion(s) matched"]


class Predictor(Protocol):
    """The learned classifier (learn.py), as rules see it."""

    def predict(self, message: Message) -> Prediction | None: ...


@dataclass(frozen=True)
class Known:
    """A prediction already made (in the intake worker, or a person's correction), for deciding
    again without the model at hand."""

    prediction: Prediction | None

    def predict(self, message: Message) -> Prediction | None:
        return self.prediction

# passed as the order facts when nothing is known of the order yet and the question is which
# rules *may* match (to read the documents a later decision may need): `order:` conditions hold
OPTIMISTIC: OrderFacts = {"__optimistic__": True}


@dataclass(frozen=True)
class OrderCondition(Condition):
    """True when an expression on the extracted order is (rules are run again once the order
    documents have been read, so this sees them)."""

    text: str
    expression: Callable[..., Any]

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        if order is OPTIMISTIC:  # before the order is known: a rule that may match may extract
            return True, [f"order: {self.text} (decided once the order is known)"]
        ok, why_not = order_expression_true(self.expression, order)
        if ok:
            return True, [f"order: {self.text}"]
        return False, [f"order: {self.text} is not true" + (f": {why_not}" if why_not else "")]


Predict = Callable[[], "Prediction | None"]  # the learned classifier's word on this mail, computed once


@dataclass(frozen=True)
class ClassifierCondition(Condition):
    """True when the learned classifier puts the mail in `category` with at least `minimum`
    probability; the reason names the model's probability and the words that weighed most."""

    category: str
    minimum: float

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        prediction = predict() if predict is not None else None
        if prediction is None:
            return False, ["classifier: no model"]
        if prediction.category == self.category and prediction.probability >= self.minimum:
            return True, [f"classifier: {prediction.describe()}"]
        return False, [f"classifier: {prediction.describe()}, not {self.category} at {self.minimum:g}"]


@dataclass(frozen=True)
class FromUs(Condition):
    """`from_us: true`: the sender is one of our own addresses, as the desk's configuration names
    them (identity address, other_addresses, and any address at the identity's domain);
    `from_us: false`: it is not. The rules are loaded with those addresses (`load_rules(…, ours=)`),
    so a desk with another identity runs the same rule files."""

    content = True
    want: bool
    ours: tuple[str, ...]  # addresses and bare domains, lower-cased

    def evaluate(self, message: Message, order: OrderFacts | None = None,
                 predict: Predict | None = None, memo: Recall | None = None) -> Result:
        sender = message.sender
        if not self.ours:
            found, why = False, "no identity was given to the rules"
        elif sender is None:
            found, why = False, "the mail has no sender"
        else:
            address = sender.addr.lower()
            domain = address.rpartition("@")[2]
            if address in self.ours:
                found, why = True, f"{address} is one of our addresses"
            elif domain in self.ours:
                found, why = True, f"{address} is at our domain {domain}"
            else:
                found, why = False, f"{address} is not one of ours"
        return found == self.want, [f"from_us: {why}"]


def _address_values(attr: str) -> Callable[[Message], list[str]]:
    def values(message: Message) -> list[str]:
        if attr == "sender":
            addrs: tuple[Address, ...] = message.reply_to or message.from_
        else:
            addrs = getattr(message, "from_" if attr == "from" else attr)
        return [a.addr[:MAX_FIELD] for a in addrs[:50]] + [str(a)[:MAX_FIELD] for a in addrs[:50]]
    return values


def _text_value(attr: str, quoted: bool = False) -> Callable[[Message], list[str]]:
    """A body condition reads what the sender wrote: quoted history and signature are left out,
    unless the condition says `quoted: true`. Either way it reads the text's paragraphs with
    their lines joined (`unwrap`)."""
    if attr == "subject":
        return lambda message: [message.subject[:MAX_FIELD]]
    if quoted:
        return lambda message: [_unwrapped(message.text[:MAX_TEXT])]
    return lambda message: [_own_text(message.text[:MAX_TEXT])]


@functools.lru_cache(maxsize=8)
def _own_text(text: str) -> str:
    """Kept for the next rule: every body condition reads the same own text."""
    return unwrap(quoting.own_text(text))


@functools.lru_cache(maxsize=8)
def _unwrapped(text: str) -> str:
    return unwrap(text)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def unwrap(text: str) -> str:
    """The text with each paragraph's lines joined: mail is wrapped at some 72 columns, and "we
    have" at the end of one line and "remitted" at the start of the next are still one phrase
    to a rule ("we have remitted"). Lines join with a space, Chinese ones without; a blank line
    still ends a paragraph, so `.` in a pattern never reaches into the next one."""
    paragraphs = []
    for paragraph in re.split(r"\n[ \t\r]*\n", text):
        joined = ""
        for line in paragraph.splitlines():
            line = line.strip()
            if not line:
                continue
            if joined and not (_CJK.match(joined[-1]) and _CJK.match(line[0])):
                joined += " "
            joined += line
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _header_values(name: str) -> Callable[[Message], list[str]]:
    return lambda message: [v[:MAX_FIELD] for v in message.header_values(name)[:50]]


def build_condition(node: Any, file: Path, line: int | None, path: str = "when",
                    ours: tuple[str, ...] = ()) -> Condition:
    """A rule's `when` (or a part of it). `ours`: our own addresses and domain, for `from_us`."""
    where = where_in(node, file, line)
    if isinstance(node, list):
        return Group("all", tuple(build_condition(c, file, _item_line(node, i, line), f"{path}[{i}]", ours)
                                  for i, c in enumerate(node)))
    if not isinstance(node, dict) or not node:
        raise where.error("a condition must be a mapping such as {subject: {contains: …}}", path)
    if len(node) > 1:
        return Group("all", tuple(build_condition({k: v}, file, where_in(node, file, line, k).line,
                                                  f"{path}.{k}", ours) for k, v in node.items()))
    (key, value), = node.items()
    kwhere = where_in(node, file, line, key)
    kpath = f"{path}.{key}"
    if key in ("any", "all", "none"):
        if not isinstance(value, list) or not value:
            raise kwhere.error(f"'{key}' takes a non-empty list of conditions", kpath)
        return Group(key, tuple(build_condition(c, file, _item_line(value, i, kwhere.line),
                                                f"{kpath}[{i}]", ours) for i, c in enumerate(value)))
    if key == "from_us":
        if not isinstance(value, bool):
            raise kwhere.error("from_us: takes true or false", kpath)
        return FromUs(value, ours)
    if key in ADDRESS_FIELDS:
        matchers = _matchers(value, kwhere, kpath, file, addresses=True)
        return FieldCondition(key, matchers, _address_values(key))
    if key in TEXT_FIELDS:
        quoted = False
        if key == "body" and isinstance(value, dict) and "quoted" in value:
            quoted = value["quoted"]
            if not isinstance(quoted, bool):
                raise kwhere.error("quoted: takes true or false", f"{kpath}.quoted")
            value = LineDict({k: v for k, v in value.items() if k != "quoted"})
            value.line, value.key_lines = kwhere.line or 0, {}
        label = "body (with quoted text)" if quoted else key
        return FieldCondition(label, _matchers(value, kwhere, kpath, file), _text_value(key, quoted))
    if key == "header":
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            raise kwhere.error("'header' needs {name: Header-Name, <operator>: …}", kpath)
        rest = {k: v for k, v in value.items() if k != "name"}
        if not rest:
            return HeaderExists(value["name"])
        rest_node = LineDict(rest)
        rest_node.line = getattr(value, "line", 0)
        rest_node.key_lines = getattr(value, "key_lines", {})
        return FieldCondition(f"header {value['name']}", _matchers(rest_node, kwhere, kpath, file),
                              _header_values(value["name"]))
    if key == "attachment":
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict) or not value:
            raise kwhere.error("'attachment' needs name, type and/or text", kpath)
        parts = []
        for part, spec in value.items():
            pwhere = where_in(value, file, kwhere.line, part)
            if part not in ("name", "type", "text"):
                raise pwhere.error(f"unknown attachment field {part!r} (use name, type, text)",
                                   f"{kpath}.{part}")
            plain = "glob" if part in ("name", "type") else "contains"
            parts.append((part, _matchers(spec, pwhere, f"{kpath}.{part}", file, plain_op=plain)))
        return AttachmentCondition(tuple(parts))
    if key == "order":
        return OrderCondition(str(value), compile_order_expression(value, kwhere, kpath))
    if key == "classifier":
        if isinstance(value, str):
            value = {"category": value}
        if not isinstance(value, dict) or not isinstance(value.get("category"), str) or \
                set(value) - {"category", "min"}:
            raise kwhere.error("classifier: takes a category, or {category: NAME, min: 0.6}", kpath)
        minimum = value.get("min", 0.5)
        if not isinstance(minimum, (int, float)) or not 0 <= minimum <= 1:
            raise kwhere.error("classifier.min is a probability between 0 and 1", f"{kpath}.min")
        return ClassifierCondition(value["category"], float(minimum))
    known = ", ".join((*ADDRESS_FIELDS, "from_us", *TEXT_FIELDS, "header", "attachment", "order",
                       "classifier", "any", "all", "none"))
    raise kwhere.error(f"unknown condition {key!r} (use {known})", kpath)


def _item_line(node: Any, i: int, fallback: int | None) -> int | None:
    lines = getattr(node, "item_lines", None)
    return lines[i] if lines and i < len(lines) else fallback


# --- rules and actions -----------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    name: str
    category: str | None
    when: Condition
    actions: tuple[Action, ...]
    continue_: bool
    file: Path
    line: int | None
    tags: tuple[str, ...] = field(default=())
    weak: bool = False  # the classifier may overrule it when it disagrees with high confidence
    overrule: float | None = None  # `weak: 0.6`: at this probability, not the desk's `overrule`
    unless: float | None = None  # `weak: {overrule: 0.85, unless: 0.05}`: not while the model gives
    # the rule's own category this much


def _build_actions(node: Any, rule: str, file: Path, line: int | None) -> tuple[tuple[Action, ...], bool]:
    if node is None:
        return (), False
    if not isinstance(node, list):
        raise Where(file, line).error("'then' takes a list of actions", "then")
    actions: list[Action] = []
    continue_ = False
    seen_flow: set[str] = set()
    for i, item in enumerate(node):
        iline = _item_line(node, i, line)
        where = Where(file, iline)
        if isinstance(item, str):
            item = {item: True}
        if not isinstance(item, dict) or len(item) != 1:
            raise where.error("each action is one key: file, extract, reply, imap, tag, stop "
                              "or continue", f"then[{i}]")
        (kind, value), = item.items()
        if kind not in ACTIONS:
            raise where.error(f"unknown action {kind!r} (use {', '.join(ACTIONS)})", f"then[{i}]")
        if kind in ("continue", "stop"):
            if kind in seen_flow:
                raise where.error(f"'{kind}' is given twice", f"then[{i}]")
            seen_flow.add(kind)
            if seen_flow == {"stop", "continue"}:
                raise where.error("'stop' and 'continue' contradict each other: keep one", f"then[{i}]")
            continue_ = kind == "continue" and bool(value)
            continue
        actions.append(Action(kind, _action_params(kind, value, where, f"then[{i}].{kind}"), rule))
    return tuple(actions), continue_


def _action_params(kind: str, value: Any, where: Where, path: str) -> dict[str, Any]:
    if kind == "file":
        if value not in ("order", "unfiled"):
            raise where.error("file: takes 'order' or 'unfiled'", path)
        return {"to": value}
    if kind == "extract":
        if value is True:
            value = "auto"
        if value not in ("pdf", "image", "body", "auto", "spreadsheet"):
            raise where.error("extract: takes pdf, image, body, spreadsheet or auto", path)
        return {"from": value}
    if kind == "tag":
        tags = value if isinstance(value, list) else [value]
        if not tags or not all(isinstance(t, str) and t for t in tags):
            raise where.error("tag: takes a name or a list of names", path)
        return {"tags": list(tags)}
    if kind == "reply":
        if isinstance(value, str):
            value = {"template": value}
        if not isinstance(value, dict) or not isinstance(value.get("template"), str):
            raise where.error("reply: needs {template: NAME}", path)
        unknown = set(value) - {"template", "hold", "hold_if", "language"}
        if unknown:
            raise where.error(f"unknown reply option {min(unknown)!r} "
                              "(use template, hold, hold_if, language)", path)
        if value.get("language") not in (None, "en", "zh"):
            raise where.error("language: takes en or zh", path)
        hold_if = value.get("hold_if")
        if hold_if is not None:  # checked now, so a typo stops start-up, not the first order
            compile_order_expression(hold_if, where, f"{path}.hold_if")
        hold, approver, why, why_zh = _hold(value.get("hold", False),
                                            where_in(value, where.file, where.line, "hold"), f"{path}.hold")
        params = {"template": value["template"], "hold": hold, "language": value.get("language")}
        if approver:
            params["approver"] = approver
        if why:
            params["hold_reason"] = why
        if why_zh:
            params["hold_reason_zh"] = why_zh
        return params if hold_if is None else {**params, "hold_if": str(hold_if)}
    if kind == "imap":
        if not isinstance(value, dict) or not value:
            raise where.error("imap: needs move, copy, flag, unflag, seen or delete", path)
        unknown = set(value) - {"move", "copy", "flag", "unflag", "seen", "delete"}
        if unknown:
            raise where.error(f"unknown imap action {min(unknown)!r} "
                              "(use move, copy, flag, unflag, seen, delete)", path)
        return dict(value)
    raise AssertionError(kind)


def _hold(value: Any, where: Where, path: str) -> tuple[bool, str, str, str]:
    """`hold: true`, or `hold: {approver: ROLE, reason: TEXT}`: the reply waits for that role (or a
    manager) to release it. The reason is a sentence, or one per language: `reason: {en: TEXT,
    zh: TEXT}` (the desk shows each reader theirs; English where a language has none).
    (held, approver, reason in English, reason in Chinese); approver "": anyone who answers mail."""
    from mailflow.policy import ROLES

    if value is None or isinstance(value, bool | int) and not isinstance(value, dict):
        return bool(value), "", "", ""
    if not isinstance(value, dict):
        raise where.error("hold: takes true, false or {approver: ROLE, reason: TEXT}", path)
    unknown = set(value) - {"approver", "reason"}
    if unknown:
        raise where_in(value, where.file, where.line, min(unknown)).error(
            f"unknown hold option {min(unknown)!r} (use approver, reason)", path)
    approver = value.get("approver", "")
    if approver not in ROLES:
        raise where_in(value, where.file, where.line, "approver").error(
            f"approver is one of {', '.join(ROLES)}", f"{path}.approver")
    english, chinese = _reason(value.get("reason", ""), where_in(value, where.file, where.line, "reason"),
                               f"{path}.reason")
    return True, str(approver), english, chinese


def _reason(value: Any, where: Where, path: str) -> tuple[str, str]:
    """A hold's reason: a sentence (English), or {en: TEXT, zh: TEXT} with the English given."""
    def sentence(text: Any, at: Where, field: str) -> str:
        if not isinstance(text, str):
            raise at.error("reason is a sentence", field)
        return " ".join(text.split())[:300]

    if not isinstance(value, dict):
        return sentence(value, where, path), ""
    unknown = set(value) - {"en", "zh"}
    if unknown:
        raise where_in(value, where.file, where.line, min(unknown)).error(
            f"unknown language {min(unknown)!r} for a reason (use en, zh)", path)
    if "en" not in value:
        raise where.error("reason: {en: TEXT, zh: TEXT} needs the English (en)", path)
    return tuple(sentence(value.get(lang, ""), where_in(value, where.file, where.line, lang), f"{path}.{lang}")
                 for lang in ("en", "zh"))  # type: ignore[return-value]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    @functools.cached_property
    def reads_order(self) -> bool:
        """Whether any rule tests the extracted order (then rules run again after extraction)."""
        return any(_walk(rule.when, OrderCondition) for rule in self.rules)

    @functools.cached_property
    def reads_attachment_text(self) -> bool:
        """Whether any rule tests attachment text (then PDF text is read before rules run)."""
        return any(part == "text" for rule in self.rules for cond in _walk(rule.when, AttachmentCondition)
                   for part, _ in cond.parts)  # type: ignore[attr-defined]

    @functools.cached_property
    def _content(self) -> tuple[Condition, ...]:
        """The content conditions of the rules, groups of them included, in rule order."""
        return tuple(c for rule in self.rules for c in _content_conditions(rule.when))

    @functools.cached_property
    def _places(self) -> dict[int, int]:
        """Each content condition's place in the rule set (by the object), the key of its verdict."""
        return {id(c): place for place, c in enumerate(self._content)}

    @functools.cached_property
    def fingerprint(self) -> str:
        """What the content conditions test, all of them in order: two processes that loaded the
        same rules agree on it, and only then share verdicts (a Memo)."""
        described = "\n".join(_describe(c) for c in self._content)
        return hashlib.sha256(described.encode()).hexdigest()

    @functools.cached_property
    def _asks_classifier(self) -> frozenset[int]:
        """The rules (by the object) that have a `classifier:` condition."""
        return frozenset(id(rule) for rule in self.rules if _walk(rule.when, ClassifierCondition))

    def classify(self, message: Message, order: OrderFacts | None = None, model: Predictor | None = None,
                 overrule: float = 0.85, only: str | None = None, memo: Memo | None = None) -> Decision:
        """The first matching rule with a category decides, unless it says `continue`. With a
        `model`, `classifier:` conditions can match, and a `weak` rule is passed over when the
        model puts the mail in another category with at least `overrule` probability.

        `only`: a person set the category. Rules of other categories are passed over, the
        category's own rules decide what is done (give a `model` that says the category for
        certain, see `Known`, and its `classifier:` rules match), and the category is `only`
        even when none of its rules matches.

        `memo`: the verdicts of the content conditions on this mail, as far as an earlier
        classification took them; this one adds what it takes. A memo of other rules is not read."""
        recall = Recall(self._places, memo.verdicts) if memo is not None and \
            memo.fingerprint == self.fingerprint else None
        category: str | None = None
        deciding: str | None = None
        conditions: list[str] = []
        actions: list[Action] = []
        tags: list[str] = []
        matched: list[str] = []
        said = ""
        cache: list[Prediction | None] = []

        def predict() -> Prediction | None:
            if not cache:
                cache.append(model.predict(message) if model is not None else None)
            return cache[0]

        for rule in self.rules:
            if only is not None and rule.category and rule.category != only:
                continue
            ok, reasons = rule.when.check(message, order, predict, recall)
            if not ok:
                continue
            if rule.weak and rule.category and model is not None:
                prediction = predict()
                if prediction is not None and prediction.category != rule.category and \
                        prediction.probability >= (overrule if rule.overrule is None else rule.overrule) and \
                        (rule.unless is None or prediction.of(rule.category) < rule.unless):
                    own = "" if rule.unless is None else f", {rule.category} {prediction.of(rule.category):.2f}"
                    conditions.append(f"{rule.name}: a weak rule, overruled by the classifier: "
                                      f"{prediction.describe()}{own}")
                    said = prediction.describe()
                    continue
            matched.append(rule.name)
            conditions.extend(f"{rule.name}: {r}" for r in reasons)
            actions.extend(rule.actions)
            for action in rule.actions:
                if action.kind == "tag":
                    tags.extend(t for t in action.params["tags"] if t not in tags)
            if rule.category:
                category, deciding = rule.category, rule.name
                if id(rule) in self._asks_classifier and cache and cache[0] is not None:
                    said = cache[0].describe()
            if not rule.continue_:
                break
        return Decision(category=category or only or FALLBACK_CATEGORY, rule=deciding,
                        conditions=tuple(conditions), actions=tuple(actions), tags=tuple(tags),
                        matched_rules=tuple(matched), classifier=said)

    @functools.cached_property
    def reads_classifier(self) -> bool:
        return any(rule.weak or _walk(rule.when, ClassifierCondition) for rule in self.rules)


def _content_conditions(condition: Condition) -> list[Condition]:
    """The content conditions in a condition, each group of them with its own: a group's verdict
    is remembered beside its children's (a later classification reads the group's alone)."""
    found = [condition] if condition.content else []
    if isinstance(condition, Group):
        found += [inner for child in condition.children for inner in _content_conditions(child)]
    return found


def _describe(condition: Condition) -> str:
    """What a content condition tests, the same in every process that loaded the same rules."""
    if isinstance(condition, FieldCondition):
        return f"{condition.label} {condition.matchers!r}"
    if isinstance(condition, Group):
        return f"{condition.kind} [{'; '.join(_describe(child) for child in condition.children)}]"
    return repr(condition)


@dataclass(frozen=True)
class Memo:
    """What the content conditions of a rule set (`fingerprint`) said about one mail, by their
    place in it. A mail's text does not change between the worker's classification and the one
    after correlation, only the order facts do: the second reads no text again (the shipped
    rules, per mail: 0.32 -> 0.07 ms on the evaluation set, bench/classify.py; 2.6 -> 0.08 ms
    on bench/imap_ingest.py's 4 KB mails)."""

    fingerprint: str
    verdicts: dict[int, Result] = field(default_factory=dict)


class Recall:
    """A Memo's verdicts, looked up by condition during one classification."""

    def __init__(self, places: Mapping[int, int], verdicts: dict[int, Result]) -> None:
        self.places, self.verdicts = places, verdicts

    def recall(self, condition: Condition, evaluate: Callable[[], Result]) -> Result:
        place = self.places.get(id(condition))
        if place is None:  # not one of this rule set's conditions
            return evaluate()
        if place not in self.verdicts:
            self.verdicts[place] = evaluate()
        ok, reasons = self.verdicts[place]
        return ok, list(reasons)


def _walk(condition: Condition, kind: type[Condition]) -> list[Condition]:
    if isinstance(condition, kind):
        return [condition]
    if isinstance(condition, Group):
        return [found for child in condition.children for found in _walk(child, kind)]
    return []


def _rule_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleError("rules folder not found", directory)
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_rules(directory: Path, ours: Sequence[str] = ()) -> RuleSet:
    """The rule files of a folder, in name order. `ours`: the desk's own addresses and domain
    (`Identity.ours`), which `from_us:` conditions test the sender against."""
    own = tuple(dict.fromkeys(o.strip().lower().lstrip("@") for o in ours if o.strip()))
    rules: list[Rule] = []
    seen: dict[str, Where] = {}
    for file in _rule_files(directory):
        data = load_yaml(file, RuleError)
        if data is None:
            continue
        if isinstance(data, dict) and "rules" in data:
            data = data["rules"]
        if not isinstance(data, list):
            raise RuleError("a rule file is a list of rules (- name: …)", file, getattr(data, "line", 1))
        for i, node in enumerate(data):
            line = _item_line(data, i, None)
            rules.append(_build_rule(node, file, line, seen, own))
    if not rules:
        raise RuleError("no rules found (*.yaml files with a list of rules)", directory)
    return RuleSet(tuple(rules))


_RULE_KEYS = {"name", "category", "when", "then", "description", "continue", "enabled", "weak"}


def _build_rule(node: Any, file: Path, line: int | None, seen: dict[str, Where],
                ours: tuple[str, ...] = ()) -> Rule:
    where = Where(file, line)
    if not isinstance(node, dict):
        raise where.error("a rule is a mapping with name, category, when and then")
    for key in node:
        if key not in _RULE_KEYS:
            raise where_in(node, file, line, key).error(
                f"unknown rule key {key!r} (use {', '.join(sorted(_RULE_KEYS))})", str(key))
    name = node.get("name")
    if not isinstance(name, str) or not name.strip():
        raise where.error("every rule needs a name", "name")
    if name in seen:
        other = seen[name]
        raise where_in(node, file, line, "name").error(
            f"rule name {name!r} is already used at {other.file}:{other.line}", "name")
    seen[name] = Where(file, line)
    category = node.get("category")
    if category is not None and (not isinstance(category, str)
                                 or not re.fullmatch(r"[a-z][a-z0-9_-]*", category)):
        raise where_in(node, file, line, "category").error(
            "category is a lower-case word such as order, inquiry or complaint", "category")
    if "when" not in node:
        raise where.error(f"rule {name!r} has no 'when'", "when")
    when = build_condition(node["when"], file, where_in(node, file, line, "when").line, ours=ours)
    actions, continue_ = _build_actions(node.get("then"), name, file,
                                        where_in(node, file, line, "then").line)
    if node.get("continue"):
        continue_ = True
    if category is None and not continue_:
        raise where.error(f"rule {name!r} sets no category; give one or add 'continue'", "category")
    if node.get("enabled") is False:
        when = Group("any", ())  # never matches; kept so names stay reserved
    weak = node.get("weak", False)
    # `weak: 0.6`: a weaker guess, passed over when the classifier says another category at 0.6;
    # `weak: {overrule: 0.85, unless: 0.05}`: and only while it gives the rule's category under 0.05
    unless = None
    if isinstance(weak, dict) and set(weak) <= {"overrule", "unless"}:
        unless = weak.get("unless")
        if _probability(unless, 0.0, 0.5):
            weak = weak.get("overrule", True)  # else the dict stays, and is refused below
    numeric = isinstance(weak, (int, float)) and not isinstance(weak, bool)
    if not (isinstance(weak, bool) or numeric and 0.5 <= weak <= 1.0):
        raise where_in(node, file, line, "weak").error(
            "weak: takes true, false, the classifier's probability that overrules the rule (0.5 to 1), "
            "or {overrule: 0.85, unless: 0.05} (not while the rule's own category has 0.05)", "weak")
    return Rule(name=name, category=category, when=when, actions=actions, continue_=continue_,
                file=file, line=line, weak=bool(weak), overrule=float(weak) if numeric else None,
                unless=float(unless) if unless is not None else None)


def _probability(value: Any, low: float, high: float) -> bool:
    """None, or a number (not a bool) from low to high."""
    return value is None or isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
