"""Money of an order, as the account follow-up form keeps it: what the payment terms make due
(deposit, balance), what a bank slip or remittance advice says was paid, what L/C dates an
advice gives, and the margin of the order's lines against a cost file. Pure functions.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from mailflow.errors import ConfigError
from mailflow.extract import swift
from mailflow.extract.record import to_decimal
from mailflow.extract.terms import Split, split

CENT = Decimal("0.01")
MAX_TEXT = 20_000  # characters of a slip's text looked at

@dataclass(frozen=True)
class Expected:
    total: Decimal | None
    currency: str
    deposit: Decimal | None
    balance: Decimal | None
    split: Split
    source: str  # "our P/I" or "the buyer's PO"


def expected(terms: str, total: Decimal | None, currency: str, source: str) -> Expected:
    shares = split(terms)
    if total is None:
        return Expected(None, currency, None, None, shares, source)
    deposit = (total * shares.deposit).quantize(CENT)
    return Expected(total, currency, deposit, total - deposit, shares, source)


# --- what a bank slip says -------------------------------------------------------------------

@dataclass(frozen=True)
class Payment:
    amount: Decimal  # what the payer sent (the remitted or instructed amount), never the charges
    currency: str
    value_date: dt.date | None
    reference: str
    read_from: str = ""  # what the amount was read from, in words
    charges: Decimal | None = None  # the bank charges the slip shows, in `charges_currency`
    charges_currency: str = ""
    net: Decimal | None = None  # the amount credited, when the slip says it


def read_payment(text: str) -> Payment | None:
    """The amount, currency, value date and reference of a bank slip, a SWIFT MT103 copy, a
    remittance or a credit advice (English or Chinese; `extract/swift.py` reads it); None when
    no amount with a currency is found."""
    read = swift.read_remittance((text or "")[:MAX_TEXT])
    if read is None:
        return None
    return Payment(read.amount, read.currency, read.value_date, read.reference, read.read_from,
                   read.charges, read.charges_currency, read.net)


# --- L/C dates ---------------------------------------------------------------------------------

def lc_dates(text: str, amendment: bool = False) -> dict[str, str]:
    """{'lc_expiry': '2026-05-15', 'lc_latest_shipment': '2026-04-30'} from an L/C advice
    (MT700's 31D and 44C) or an amendment (31E or 31D, 44C) in any layout."""
    return lc_facts(swift.read_credit((text or "")[:MAX_TEXT], amendment))


def lc_facts(credit: swift.Credit) -> dict[str, str]:
    """The anchors a credit gives the plan: its expiry and latest shipment date, ISO."""
    found: dict[str, str] = {}
    for key, day in (("lc_expiry", credit.expiry), ("lc_latest_shipment", credit.latest_shipment)):
        if day:
            found[key] = day.isoformat()
    return found


# --- margin --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cost:
    item_code: str
    unit_cost: Decimal
    currency: str


def load_costs(path: Path) -> dict[str, Cost]:
    """The cost file: CSV with item_code, unit_cost, currency (a header row names them)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"item_code", "unit_cost", "currency"} - set(reader.fieldnames or ())
            if missing:
                raise ConfigError(f"the cost file needs columns item_code, unit_cost, currency "
                                  f"(missing: {', '.join(sorted(missing))})", path, 1)
            costs: dict[str, Cost] = {}
            for number, row in enumerate(reader, start=2):
                code = (row.get("item_code") or "").strip()
                if not code:
                    continue
                cost = to_decimal((row.get("unit_cost") or "").replace(",", "").strip())
                if cost is None or cost < 0:
                    raise ConfigError(f"unit_cost {row.get('unit_cost')!r} is not an amount", path, number,
                                      "unit_cost")
                costs[code.upper()] = Cost(code, cost, (row.get("currency") or "").strip().upper())
            return costs
    except FileNotFoundError:
        raise ConfigError("cost file not found", path) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read the cost file: {exc}", path) from None


@dataclass(frozen=True)
class Margin:
    """The order's margin: per line and in total, or why it cannot be told."""

    percent: Decimal | None
    lines: tuple[dict[str, str], ...] = ()
    unknown: tuple[str, ...] = field(default=())  # why it cannot be computed

    def describe(self) -> str:
        if self.percent is None:
            return "margin unknown: " + "; ".join(self.unknown)
        return f"margin {self.percent:.1f} %"


def margin(lines: Sequence[Mapping[str, Any]], currency: str, costs: Mapping[str, Cost],
           rates: Mapping[str, Decimal]) -> Margin:
    """(revenue - cost) / revenue, with every amount turned into one base by `rates` (the value
    of one unit of each currency in the base). A line without a cost, a price or a rate makes
    the margin unknown, with the reason: a sign-off that cannot check it goes to the general
    manager."""
    unknown: list[str] = []
    rows: list[dict[str, str]] = []
    revenue = cost_total = Decimal(0)
    if not lines:
        return Margin(None, (), ("the order has no line items",))
    currency = (currency or "").upper()
    for line in lines[:500]:
        code = str(line.get("item_code") or "").strip()
        quantity = to_decimal(line.get("quantity"))
        price = to_decimal(line.get("unit_price"))
        cost = costs.get(code.upper()) if code else None
        if not code or quantity is None or price is None:
            unknown.append(f"line {code or line.get('description') or '?'} has no item code, quantity or price")
            continue
        if cost is None:
            unknown.append(f"no cost for {code} in the cost file")
            continue
        sell_rate = rates.get(currency)
        cost_rate = rates.get(cost.currency or currency)
        if sell_rate is None or cost_rate is None:
            missing = currency if sell_rate is None else cost.currency
            unknown.append(f"no exchange rate for {missing or 'the order currency'} (approval.rates)")
            continue
        line_revenue = quantity * price * sell_rate
        line_cost = quantity * cost.unit_cost * cost_rate
        revenue += line_revenue
        cost_total += line_cost
        percent = (line_revenue - line_cost) / line_revenue * 100 if line_revenue else Decimal(0)
        rows.append({"item_code": code, "price": str(price), "cost": f"{cost.unit_cost} {cost.currency}",
                     "margin": f"{percent:.1f}"})
    if unknown:
        return Margin(None, tuple(rows), tuple(dict.fromkeys(unknown)))
    if revenue <= 0:
        return Margin(None, tuple(rows), ("the order's lines add up to nothing",))
    return Margin(((revenue - cost_total) / revenue * 100).quantize(Decimal("0.01")), tuple(rows))
