"""An order's data as it is kept (JSON on the order row and in order.json), and how a new
document updates it: a revised PO replaces the fields it gives, and the history keeps what
changed, from what to what, and which message said so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

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
    checks = tuple(Check(str(c.get("name")), bool(c.get("ok")), str(c.get("detail") or ""))
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

_TERMS = (("currency", "currency"), ("incoterm", "incoterm"), ("payment_terms", "payment terms"),
          ("delivery_date", "delivery date"), ("total", "total"))
_LINE_FIELDS = (("quantity", "quantity"), ("unit", "unit"), ("unit_price", "unit price"),
                ("amount", "amount"))


def _key(line: dict[str, Any], index: int) -> str:
    code = str(line.get("item_code") or line.get("buyer_code") or "").strip().upper()
    return code or f"#{index + 1}"


def _label(line: dict[str, Any], index: int) -> str:
    code = line.get("item_code") or (line.get("description") or "")[:30]
    return f"line {index + 1} {code}".rstrip()


def _differs(field: str, a: Any, b: Any) -> bool:
    if a in (None, "") or b in (None, ""):
        return False  # one side does not say: nothing to compare
    if field in ("quantity", "unit_price", "amount", "total"):
        return to_decimal(a) != to_decimal(b)
    return " ".join(str(a).split()).lower() != " ".join(str(b).split()).lower()


def line_differences(old: list[dict[str, Any]], new: list[dict[str, Any]], old_name: str = "before",
                     new_name: str = "now") -> list[str]:
    """Line by line, in words: what changed, what is only on one side. Lines are matched by
    item code, else by position."""
    olds = {_key(line, i): (i, line) for i, line in enumerate(old)}
    news = {_key(line, i): (i, line) for i, line in enumerate(new)}
    out: list[str] = []
    for key, (i, line) in news.items():
        if key not in olds:
            out.append(f"{_label(line, i)}: only {new_name}")
            continue
        _, before = olds[key]
        for field, words in _LINE_FIELDS:
            if _differs(field, before.get(field), line.get(field)):
                out.append(f"{_label(line, i)}: {words} {before.get(field)} ({old_name}) vs "
                           f"{line.get(field)} ({new_name})")
    out += [f"{_label(line, i)}: only {old_name}" for key, (i, line) in olds.items() if key not in news]
    return out


def differences(po: dict[str, Any], pi: dict[str, Any]) -> list[str]:
    """Every difference between the buyer's PO and our P/I that a merchandiser checks before
    confirming: the terms, then each line."""
    out = [f"{words} {po.get(field)} (PO) vs {pi.get(field)} (P/I)" for field, words in _TERMS
           if _differs(field, po.get(field), pi.get(field))]
    return out + line_differences(list(po.get("lines") or []), list(pi.get("lines") or []), "PO", "P/I")
