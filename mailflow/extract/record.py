"""An order's data as it is kept (JSON on the order row and in order.json), and how a new
document updates it: a revised PO replaces the fields it gives, and the history keeps what
changed, from what to what, and which message said so.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from mailflow.model import OrderData

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


def _same(name: str, old: Any, new: Any) -> bool:
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
        if name == "lines":
            value = [{k: _plain(v) for k, v in dataclasses.asdict(line).items()} for line in value]
        record[name] = _plain(value)
    return record


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
          at: str) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """(the order's new data, what changed: field -> [old, new]).

    Fields the new document gives replace the old ones; fields it leaves out are kept. Check
    results and the document they came from describe the latest document."""
    new = order_record(data)
    merged = {k: v for k, v in current.items() if k not in ("history",)}
    changes: dict[str, list[Any]] = {}
    for name, value in new.items():
        old = current.get(name)
        if name == "numbers":
            value = list(dict.fromkeys([*(old or []), *value]))
        if _same(name, old, value):
            continue  # 21200 and 21200.00, or the same lines restated without amounts
        changes[name] = [old, value]
        merged[name] = value
    merged["checks"] = [dataclasses.asdict(c) for c in data.checks]
    merged["checks_failed"] = [c.name for c in data.checks_failed]
    merged["document"] = {"name": data.document, "source": data.source, "message_id": message_id,
                          "errors": list(data.errors)}
    history = list(current.get("history", []))
    if changes or not history:
        history.append({"at": at, "message_id": message_id, "sha256": sha256,
                        "document": data.document, "source": data.source,
                        "changes": changes if history else {}})
    merged["history"] = history
    return merged, changes
