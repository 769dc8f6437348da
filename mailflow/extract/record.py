"""An order's data as it is kept (JSON on the order row and in order.json), and how a new
document updates it: a revised PO replaces the fields it gives, and the history keeps what
changed, from what to what, and which message said so. Two documents of one order (our P/I and
the buyer's PO, a revision and what it revises) are compared by what they mean (`compare`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mailflow.extract import meaning, terms, values
from mailflow.model import Check, LineItem, OrderData

FIELDS = ("numbers", "buyer", "order_date", "delivery_date", "currency", "incoterm",
          "payment_terms", "total", "lines")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def to_decimal(value: Any) -> Decimal | None:
    """A stored amount or quantity (a string, a number, or nothing) as a Decimal."""
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def same(name: str, old: Any, new: Any) -> bool:
    if old is None:
        return False
    if name == "total":
        return to_decimal(old) == to_decimal(new)
    if name == "lines" and isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        keys = ("item_code", "quantity", "unit_price")
        return all(to_decimal(a.get(k)) == to_decimal(b.get(k)) if k != "item_code" else a.get(k) == b.get(k)
                   for a, b in zip(old, new, strict=True) for k in keys)
    return bool(old == new)


def order_record(data: OrderData) -> dict[str, Any]:
    """The fields a document gave (empty ones left out), as JSON values: money as strings so
    that 0.1 stays 0.1."""
    record: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(data, name)
        if value in (None, "", ()):
            continue
        if name == "lines":  # a buyer's code only where the document gave one
            value = [{k: _plain(v) for k, v in dataclasses.asdict(line).items() if k != "buyer_code" or v}
                     for line in value]
        record[name] = _plain(value)
    return record


def from_record(record: dict[str, Any]) -> OrderData:
    """An order record (JSON, as stored) as the values rules and checks read."""
    def day(value: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            return None

    lines = tuple(LineItem(item_code=str(li.get("item_code") or ""), description=str(li.get("description") or ""),
                           quantity=to_decimal(li.get("quantity")), unit=str(li.get("unit") or ""),
                           unit_price=to_decimal(li.get("unit_price")),
                           amount=to_decimal(li.get("amount")), buyer_code=str(li.get("buyer_code") or ""))
                  for li in record.get("lines") or [])
    checks = tuple(Check(str(c.get("name")), bool(c.get("ok")), str(c.get("detail") or ""),
                         {str(k): str(v) for k, v in (c.get("params") or {}).items()}
                         if isinstance(c.get("params"), dict) else {})
                   for c in record.get("checks") or [])
    total = to_decimal(record.get("total"))
    return OrderData(numbers=tuple(record.get("numbers") or ()), buyer=str(record.get("buyer") or ""),
                     order_date=day(record.get("order_date")), delivery_date=day(record.get("delivery_date")),
                     currency=str(record.get("currency") or ""), incoterm=str(record.get("incoterm") or ""),
                     payment_terms=str(record.get("payment_terms") or ""), lines=lines,
                     total=total if isinstance(total, Decimal) else None, checks=checks,
                     errors=tuple((record.get("document") or {}).get("errors") or ()))


def facts(data: OrderData) -> dict[str, Any]:
    """The order as rules' expressions see it: `order.total > 50000`, `order.checks_failed`."""
    return {
        "number": data.numbers[0] if data.numbers else None,
        "numbers": list(data.numbers),
        "buyer": data.buyer or None,
        "currency": data.currency or None,
        "incoterm": data.incoterm or None,
        "payment_terms": data.payment_terms or None,
        "order_date": data.order_date,
        "delivery_date": data.delivery_date,
        "total": data.total,
        "lines": [dataclasses.asdict(line) for line in data.lines],
        "line_count": len(data.lines),
        "checks_failed": [c.name for c in data.checks_failed],
        "checks": [dataclasses.asdict(c) for c in data.checks],
        "errors": list(data.errors),
        "source": data.source,
    }


def merge(current: dict[str, Any], data: OrderData, *, message_id: str, sha256: str,
          at: str, terms: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """(the order's new data, what changed: field -> [old, new]).

    Fields the new document gives replace the old ones; fields it leaves out are kept. Check
    results and the document they came from describe the latest document; `terms` says which
    document the order's terms now come from (kind, party, revision), and the history keeps a
    line-by-line account of what a revision changed."""
    new = order_record(data)
    merged = {k: v for k, v in current.items() if k not in ("history",)}
    changes: dict[str, list[Any]] = {}
    for name, value in new.items():
        old = current.get(name)
        if name == "numbers":
            value = list(dict.fromkeys([*(old or []), *value]))
        if same(name, old, value):
            continue  # 21200 and 21200.00, or the same lines restated without amounts
        changes[name] = [old, value]
        merged[name] = value
    merged["checks"] = [dataclasses.asdict(c) for c in data.checks]
    merged["checks_failed"] = [c.name for c in data.checks_failed]
    merged["document"] = {"name": data.document, "source": data.source, "message_id": message_id,
                          "errors": list(data.errors)}
    if terms is not None:
        merged["terms"] = terms
    history = list(current.get("history", []))
    if changes or not history:
        entry: dict[str, Any] = {"at": at, "message_id": message_id, "sha256": sha256,
                                 "document": data.document, "source": data.source,
                                 "changes": changes if history else {}}
        if history and "lines" in changes:
            entry["lines"] = line_differences(list(changes["lines"][0] or []), list(changes["lines"][1] or []))
        if terms is not None:
            entry["terms"] = terms
        history.append(entry)
    merged["history"] = history
    return merged, changes


def fingerprint(record: dict[str, Any]) -> str:
    """A short digest of an order's terms and lines: it changes when they change."""
    import hashlib
    import json

    keys = ("currency", "incoterm", "payment_terms", "delivery_date", "total")
    lines = [[line.get(k) for k in ("item_code", "quantity", "unit_price")] for line in record.get("lines") or []]
    data = json.dumps([[record.get(k) for k in keys], lines], default=str, sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:10]


# --- comparing two documents of one order ----------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """One difference between two documents of an order, in English and in Chinese."""

    en: str
    zh: str

    def words(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Sides:
    """What the two documents compared are called, in both languages."""

    first: tuple[str, str]  # (English, Chinese)
    second: tuple[str, str]


CONFIRMATION = Sides(("on the PO", "客户订单"), ("on our P/I", "我方形式发票"))
REVISION = Sides(("before", "修改前"), ("now", "修改后"))

_TERMS = (("currency", "currency", "币种"), ("incoterm", "incoterm", "贸易条款"),
          ("payment_terms", "payment terms", "付款方式"), ("delivery_date", "delivery date", "交货期"),
          ("total", "total", "合计"))
_LINE_FIELDS = (("quantity", "quantity", "数量"), ("unit", "unit", "单位"), ("unit_price", "unit price", "单价"),
                ("amount", "amount", "金额"))
_NUMBERS = ("quantity", "unit_price", "amount", "total")
MAX_LINES = 500  # lines of a document compared


def _code(line: dict[str, Any], kind: str) -> str:
    return "".join(str(line.get(kind) or "").split()).upper()


def _codes(line: dict[str, Any]) -> set[str]:
    return {_code(line, "item_code"), _code(line, "buyer_code")} - {""}


def _words(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()


def _differs(field: str, a: Any, b: Any) -> bool:
    """Whether two values of a field mean different things: numbers as numbers, units by what
    they name, the Incoterm by term and port, payment terms by deposit, method and due moment."""
    if a in (None, "") or b in (None, ""):
        return False  # one side does not say: nothing to compare
    if field in _NUMBERS:
        return not meaning.same_number(a, b)
    if field == "unit":
        return meaning.unit(a) != meaning.unit(b)
    if field == "currency":
        return (values.currency_of(str(a)[:40]) or _words(a)) != (values.currency_of(str(b)[:40]) or _words(b))
    if field == "incoterm":
        return meaning.incoterms_differ(str(a), str(b))
    if field == "payment_terms":
        return terms.payment_terms(str(a)).differs(terms.payment_terms(str(b)))
    return _words(a) != _words(b)


def _alike(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two lines at the same position, without a code in common, are one line. Codes of
    different kinds (the buyer's on the PO, ours on the P/I) tell nothing: the description, the
    amount or the unit price agreeing is enough. Codes of one kind that differ ("Item Code" may
    hold the buyer's code or ours) need the same goods at the same price: the description and
    the amount, or the quantity, unit and unit price."""
    def agree(field: str) -> bool:
        return a.get(field) not in (None, "") and not _differs(field, a.get(field), b.get(field))

    description = _words(a.get("description"))
    same_description = bool(description) and description == _words(b.get("description"))
    conflict = any(_code(a, k) and _code(b, k) and _code(a, k) != _code(b, k) for k in ("item_code", "buyer_code"))
    if conflict:
        return (same_description and agree("amount")) or (
            agree("quantity") and agree("unit_price") and not _differs("unit", a.get("unit"), b.get("unit")))
    return same_description or agree("amount") or agree("unit_price")


def pair_lines(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    """The lines of two documents paired: by item code (ours or the buyer's, either side), else by
    position when the lines are alike; (i, None) and (None, j) are lines only one side has."""
    first, second = first[:MAX_LINES], second[:MAX_LINES]
    partner: dict[int, int] = {}
    taken: set[int] = set()
    by_code: dict[str, list[int]] = {}  # a code -> the second's lines with it, in order
    for j, line in enumerate(second):
        for code in _codes(line):
            by_code.setdefault(code, []).append(j)
    for i, line in enumerate(first):
        found = min((j for c in _codes(line) for j in by_code.get(c, ()) if j not in taken), default=None)
        if found is not None:
            partner[i] = found
            taken.add(found)
    for i, line in enumerate(first):
        if i not in partner and i < len(second) and i not in taken and _alike(line, second[i]):
            partner[i] = i
            taken.add(i)
    return [(i, partner.get(i)) for i in range(len(first))] + [(None, j) for j in range(len(second))
                                                              if j not in taken]


def _cut(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 120 else text[:119] + "…"


def _shown(field: str, line: dict[str, Any], lang: str) -> str:
    """A field's value in words: numbers with thousands marks, a quantity with its unit, a unit
    as the reader writes it."""
    value = line.get(field)
    if field == "unit":
        return _cut(meaning.unit_words(value, lang))
    if field in _NUMBERS:
        amount = meaning.number(value)
        text = f"{amount:,}" if amount is not None else _cut(value)
        return f"{text} {_cut(meaning.unit_words(line.get('unit'), lang))}".rstrip() if field == "quantity" else text
    return _cut(value)


def _line_name(line: dict[str, Any], index: int) -> tuple[str, str]:
    code = line.get("item_code") or line.get("buyer_code") or (line.get("description") or "")[:30]
    return (f"line {index + 1}" + (f" ({code})" if code else ""), f"第{index + 1}行" + (f"（{code}）" if code else ""))


def compare_lines(first: list[dict[str, Any]], second: list[dict[str, Any]],
                  sides: Sides = REVISION) -> list[Difference]:
    """Line by line: what differs in meaning, and the lines only one side has; lines past
    `MAX_LINES` are not compared, and that is said."""
    out: list[Difference] = []
    if max(len(first), len(second)) > MAX_LINES:
        out.append(Difference(f"only the first {MAX_LINES} lines of each side were compared",
                              f"只比较了每份单据的前 {MAX_LINES} 行"))
    for i, j in pair_lines(first, second):
        if i is None or j is None:
            index, side = (i, sides.first) if i is not None else (j, sides.second)
            assert index is not None
            en, zh = _line_name((first if i is not None else second)[index], index)
            out.append(Difference(f"{en}: only {side[0]}", f"{zh}：仅{side[1]}有"))
            continue
        a, b = first[i], second[j]
        en, zh = _line_name(a, i)
        for field, english, chinese in _LINE_FIELDS:
            if _differs(field, a.get(field), b.get(field)):
                out.append(Difference(
                    f"{en}: {english} {_shown(field, a, 'en')} {sides.first[0]}, {_shown(field, b, 'en')} {sides.second[0]}",
                    f"{zh}：{chinese} {sides.first[1]} {_shown(field, a, 'zh')}，{sides.second[1]} {_shown(field, b, 'zh')}"))
    return out


def compare(po: dict[str, Any], pi: dict[str, Any]) -> list[Difference]:
    """Every difference in meaning between the buyer's PO and our P/I that a merchandiser checks
    before confirming: the terms, then each line."""
    first, second = CONFIRMATION.first, CONFIRMATION.second
    out = [Difference(f"{english} {_shown(field, po, 'en')} {first[0]}, {_shown(field, pi, 'en')} {second[0]}",
                      f"{chinese} {first[1]} {_shown(field, po, 'zh')}，{second[1]} {_shown(field, pi, 'zh')}")
           for field, english, chinese in _TERMS if _differs(field, po.get(field), pi.get(field))]
    return out + compare_lines(list(po.get("lines") or []), list(pi.get("lines") or []), CONFIRMATION)


def line_differences(old: list[dict[str, Any]], new: list[dict[str, Any]], sides: Sides = REVISION,
                     lang: str = "en") -> list[str]:
    """Line by line, in words: what changed, what is only on one side."""
    return [d.words(lang) for d in compare_lines(old, new, sides)]


def differences(po: dict[str, Any], pi: dict[str, Any], lang: str = "en") -> list[str]:
    """`compare` in words of one language."""
    return [d.words(lang) for d in compare(po, pi)]
