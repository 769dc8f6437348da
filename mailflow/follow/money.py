"""Money of an order, as the account follow-up form keeps it: what the payment terms make due
(deposit, balance), what a bank slip or remittance advice says was paid, what L/C dates an
advice gives, and the margin of the order's lines against a cost file. Pure functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mailflow.errors import ConfigError
from mailflow.extract import values
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
    amount: Decimal
    currency: str
    value_date: dt.date | None
    reference: str
    read_from: str = ""  # what the amount was read from, in words


_AMOUNT_LABEL = re.compile(
    r"(?:amount|remitted|remittance amount|payment amount|credit amount|instructed amount|sum|"
    r"汇款金额|匯款金額|金额|金額|付款金额|付款金額|32A)[^\n\d]{0,40}", re.IGNORECASE)
_MONEY = re.compile(r"(USD|EUR|CNY|RMB|GBP|HKD|JPY|TWD|US\$|\$|€|¥|￥)\s{0,2}(\d{1,3}(?:[,\s]\d{3})*(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
                    r"|(\d{1,3}(?:,\d{3})*(?:\.\d{2})|\d+\.\d{2})\s{0,2}(USD|EUR|CNY|RMB|GBP|HKD)", re.IGNORECASE)
_VALUE_DATE = re.compile(r"(?:value\s?date|val(?:ue)?\.?\s?dt|起息日|入账日期|入賬日期|交易日期|date\s?of\s?payment|"
                         r"payment\s?date|32A)[^\n\d]{0,20}", re.IGNORECASE)
_SWIFT_32A = re.compile(r":?32A:?\s{0,3}(\d{2})(\d{2})(\d{2})([A-Z]{3})([\d,.]{1,20})")
_REFERENCE = re.compile(r"(?:UETR|TRN|transaction\s?ref(?:erence)?|our\s?ref(?:erence)?|bank\s?ref(?:erence)?|"
                        r"reference(?:\s?no\.?)?|ref\.?\s?no\.?|:20:|流水号|流水號|业务编号|業務編號)"
                        r"[\s:#.：]{0,5}([A-Za-z0-9][A-Za-z0-9/-]{5,40})", re.IGNORECASE)


def _amount(text: str) -> tuple[Decimal, str] | None:
    found = _MONEY.search(text)
    if not found:
        return None
    code, number = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
    try:
        amount = Decimal(number.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return None
    return amount, values.currency_of(code) or code.upper()


def read_payment(text: str) -> Payment | None:
    """The amount, currency, value date and reference of a bank slip, a SWIFT MT103 copy or a
    remittance advice (English or Chinese); None when no amount with a currency is found."""
    text = (text or "")[:MAX_TEXT]
    swift = _SWIFT_32A.search(text)
    if swift:
        yy, mm, dd, code, number = swift.groups()
        try:
            amount = Decimal(number.replace(",", "."))
            day = dt.date(2000 + int(yy), int(mm), int(dd))
        except (InvalidOperation, ValueError):
            amount, day = Decimal(0), None
        if amount > 0:
            return Payment(amount, code, day, _reference(text), "SWIFT field 32A")
    found = None
    for label in _AMOUNT_LABEL.finditer(text):
        found = _amount(text[label.end(): label.end() + 60])
        if found:
            break
    how = "the amount line"
    if found is None:
        found, how = _amount(text), "the first sum with a currency"
    if found is None or found[0] <= 0:
        return None
    day = None
    dated = _VALUE_DATE.search(text)
    if dated:
        day = values.parse_date(text[dated.end(): dated.end() + 40])[0]
    return Payment(found[0], found[1], day, _reference(text), how)


def _reference(text: str) -> str:
    found = _REFERENCE.search(text)
    return found.group(1) if found else ""


# --- L/C dates ---------------------------------------------------------------------------------

_LC_EXPIRY = re.compile(r"(?::31D:|date\s?and\s?place\s?of\s?expiry|expiry\s?date|date\s?of\s?expiry|"
                        r"expires?\s?on|有效期|到期日)[^\n\d]{0,20}", re.IGNORECASE)
_LC_SHIPMENT = re.compile(r"(?::44C:|latest\s?(?:date\s?of\s?)?shipment(?:\s?date)?|最迟装运期|最遲裝運期|最晚装运|装运期)"
                          r"[^\n\d]{0,20}", re.IGNORECASE)
_YYMMDD = re.compile(r"^(\d{2})(\d{2})(\d{2})\b")


def _date_after(text: str, label: re.Pattern[str]) -> dt.date | None:
    found = label.search(text)
    if not found:
        return None
    rest = text[found.end(): found.end() + 40]
    compact = _YYMMDD.match(rest.strip())
    if compact:  # SWIFT writes YYMMDD
        try:
            return dt.date(2000 + int(compact.group(1)), int(compact.group(2)), int(compact.group(3)))
        except ValueError:
            return None
    return values.parse_date(rest)[0]


def lc_dates(text: str) -> dict[str, str]:
    """{'lc_expiry': '2026-05-15', 'lc_latest_shipment': '2026-04-30'} from an L/C advice."""
    text = (text or "")[:MAX_TEXT]
    found: dict[str, str] = {}
    for key, label in (("lc_expiry", _LC_EXPIRY), ("lc_latest_shipment", _LC_SHIPMENT)):
        day = _date_after(text, label)
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
