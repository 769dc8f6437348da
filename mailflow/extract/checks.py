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
from mailflow.extract.generic import parse_number
from mailflow.model import Check, LineItem, OrderData

CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _tolerance(amount: Decimal) -> Decimal:
    """Rounding a document may legitimately show: a cent, or 0.1% of a large amount."""
    return max(CENT, abs(amount) * Decimal("0.001"))


def _label(index: int, line: LineItem) -> str:
    return f"line {index} {line.item_code or line.description[:30]}".rstrip()


def check_order(data: OrderData, *, today: dt.date, usual_currency: str = "",
                floors: Mapping[str, Decimal] | None = None) -> tuple[Check, ...]:
    checks: list[Check] = []
    for index, line in enumerate(data.lines, start=1):
        if line.quantity is None or line.unit_price is None or line.amount is None:
            continue
        expected = line.quantity * line.unit_price
        ok = abs(expected - line.amount) <= _tolerance(line.amount)
        checks.append(Check("line_amount", ok,
                            f"{_label(index, line)}: {line.quantity:,} x {line.unit_price} = "
                            f"{_money(expected)}" + ("" if ok else
                                                     f", but the document says {_money(line.amount)}")))
    amounts = [line.amount for line in data.lines if line.amount is not None]
    if data.total is not None and amounts and len(amounts) == len(data.lines):
        lines_sum = sum(amounts, Decimal(0))
        ok = abs(lines_sum - data.total) <= _tolerance(data.total)
        checks.append(Check("total", ok, f"sum of {len(amounts)} line(s) = {_money(lines_sum)}" +
                            (f", total {_money(data.total)}" if ok else
                             f", but the document's total is {_money(data.total)}")))
    checks += _dates_read(data)
    if data.delivery_date is not None:
        ok = data.delivery_date >= today
        checks.append(Check("delivery_past", ok, f"delivery date {data.delivery_date.isoformat()}" +
                            ("" if ok else f" is before {today.isoformat()}")))
    if data.currency and usual_currency:
        ok = data.currency.upper() == usual_currency.upper()
        checks.append(Check("currency", ok, f"currency {data.currency}" +
                            ("" if ok else f", the buyer usually pays in {usual_currency}")))
    for index, line in enumerate(data.lines, start=1):
        floor = (floors or {}).get(line.item_code.strip().upper()) if line.item_code else None
        if floor is None or line.unit_price is None:
            continue
        ok = line.unit_price >= floor
        checks.append(Check("price_floor", ok, f"{_label(index, line)}: unit price {line.unit_price}" +
                            (f" >= floor {floor}" if ok else f" is under the floor price {floor}")))
    return tuple(checks)


_FIELD_NAMES = {"order_date": "order date", "delivery_date": "delivery date"}


def _dates_read(data: OrderData) -> list[Check]:
    """A date that reads both ways: how it was read and why, or, when nothing settled it, a
    failed check naming both readings (the date is not used until a person sets it)."""
    checks = []
    for read in data.dates_read:
        name = _FIELD_NAMES.get(read.field, read.field)
        if read.chosen is not None:
            checks.append(Check("date_order", True, f"{name} {read.written} {read.reason}"))
        else:
            checks.append(Check("date_ambiguous", False,
                                f"{name} {read.written} may be {spoken(read.day_first)} or "
                                f"{spoken(read.month_first)}: nothing on the page or in the mail tells "
                                f"which, so it is not used (set it with `mailflow order date`)"))
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
