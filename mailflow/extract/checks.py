"""Cross-checks a merchandiser makes on an order document before anyone confirms it.

Pure: an OrderData and what we know (today, the buyer's usual currency, the price list) in,
a list of Check results out. A check that cannot run (no amounts, no price list) is not
reported at all rather than reported as passed.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from mailflow.errors import ConfigError
from mailflow.extract.dates import spoken
from mailflow.extract.details import made
from mailflow.extract.generic import parse_number
from mailflow.model import Check, LineItem, OrderData

CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _tolerance(amount: Decimal) -> Decimal:
    """Rounding a document may legitimately show: a cent, or 0.1% of a large amount."""
    return max(CENT, abs(amount) * Decimal("0.001"))


def _line(index: int, line: LineItem) -> dict[str, str]:
    """The line a check is about: its number and its item code (or the start of its description)."""
    return {"index": str(index), "item": (line.item_code or line.description[:30]).strip()}


def check_order(data: OrderData, *, today: dt.date, usual_currency: str = "",
                floors: Mapping[str, Decimal] | None = None) -> tuple[Check, ...]:
    checks: list[Check] = []
    for index, line in enumerate(data.lines, start=1):
        if line.quantity is None or line.unit_price is None or line.amount is None:
            continue
        expected = line.quantity * line.unit_price
        ok = abs(expected - line.amount) <= _tolerance(line.amount)
        checks.append(made("line_amount", ok, **_line(index, line), quantity=f"{line.quantity:,}",
                           unit_price=line.unit_price, expected=_money(expected),
                           **({} if ok else {"amount": _money(line.amount)})))
    amounts = [line.amount for line in data.lines if line.amount is not None]
    if data.total is not None and amounts and len(amounts) == len(data.lines):
        lines_sum = sum(amounts, Decimal(0))
        ok = abs(lines_sum - data.total) <= _tolerance(data.total)
        checks.append(made("total", ok, count=len(amounts), sum=_money(lines_sum), total=_money(data.total)))
    checks += _dates_read(data)
    if data.delivery_date is not None:
        ok = data.delivery_date >= today
        checks.append(made("delivery_past", ok, date=data.delivery_date.isoformat(),
                           **({} if ok else {"today": today.isoformat()})))
    if data.currency and usual_currency:
        ok = data.currency.upper() == usual_currency.upper()
        checks.append(made("currency", ok, currency=data.currency,
                           **({} if ok else {"usual": usual_currency})))
    for index, line in enumerate(data.lines, start=1):
        floor = (floors or {}).get(line.item_code.strip().upper()) if line.item_code else None
        if floor is None or line.unit_price is None:
            continue
        ok = line.unit_price >= floor
        checks.append(made("price_floor", ok, **_line(index, line), price=line.unit_price, floor=floor))
    return tuple(checks)


_FIELD_NAMES = {"order_date": "order date", "delivery_date": "delivery date"}


def _dates_read(data: OrderData) -> list[Check]:
    """A date that reads both ways: how it was read and why, or, when nothing settled it, a
    failed check naming both readings (the date is not used until a person sets it)."""
    checks = []
    for read in data.dates_read:
        name = _FIELD_NAMES.get(read.field, read.field)
        if read.chosen is not None:
            checks.append(made("date_order", True, field=name, written=read.written, reason=read.reason,
                               chosen=read.chosen.isoformat()))
        else:
            checks.append(made("date_ambiguous", False, field=name, written=read.written,
                               day_first_words=spoken(read.day_first), month_first_words=spoken(read.month_first),
                               day_first=read.day_first.isoformat(), month_first=read.month_first.isoformat()))
    return checks


def load_price_list(path: Path) -> dict[str, Decimal]:
    """A CSV of item code and floor price (a header row naming them, or the first two
    columns); errors name the file and line."""
    floors: dict[str, Decimal] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read the price list: {exc.strerror}", path) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        return floors
    header = [c.strip().lower() for c in rows[0]]
    code_col = next((i for i, h in enumerate(header) if "code" in h or h in ("item", "sku")), None)
    floor_col = next((i for i, h in enumerate(header) if "floor" in h or "price" in h), None)
    start = 1 if code_col is not None and floor_col is not None else 0
    code_col, floor_col = (code_col, floor_col) if start else (0, 1)
    assert code_col is not None and floor_col is not None
    for number, row in enumerate(rows[start:], start=start + 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) <= max(code_col, floor_col):
            raise ConfigError("expected an item code and a floor price", path, number)
        price = parse_number(row[floor_col])
        if price is None:
            raise ConfigError(f"{row[floor_col]!r} is not a price", path, number, "floor price")
        floors[row[code_col].strip().upper()] = price
    return floors
