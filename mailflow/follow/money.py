"""Money of an order, as the account follow-up form keeps it: what the payment terms make due
(deposit, balance), what a bank slip or remittance advice says was paid, what L/C dates an
advice gives, and the margin of the order's lines against a cost file. Pure functions.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any, Protocol

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


# --- instalments: what is due, what was paid against each, and the banks' charges -------------

MOST_SHARE = Decimal(5)  # percent of an instalment: never more of it is written off as charges
MOST_BY_PERCENT = Decimal(1000)  # the percent part of the default rule stops here


@dataclass(frozen=True)
class Tolerance:
    """How far short of an instalment the money received may fall and still settle it: the
    banks' charges (an intermediary's flat fee on a T/T, the commissions deducted from L/C
    proceeds). The larger of `percent` of the instalment (at most `most`) and `amount` (in the
    order's currency), and never more than 5 % of the instalment (`MOST_SHARE`), whatever the
    rule: charges are a small part of what is paid, and a payment further short is not settled
    (the merchandiser sees what is short and marks it done when the buyer owes nothing). Each
    of `percent`, `amount` and `most` may be None (not counted, no cap).

    The default, the larger of 0.5 % (up to 1,000) and 50, covers a flat fee on a deposit of
    1,000 or more and the percentage charges on a large one: L/C proceeds of 34,318.50 against
    34,440.00 are 121.50 (0.35 %) short, which a fixed 50 did not cover. On a deposit of 60.00
    it allows 3.00 (5 %), not 50; on a balance of 1,000,000 it allows 1,000, not 5,000."""

    percent: Decimal | None = Decimal("0.5")
    amount: Decimal | None = Decimal(50)
    most: Decimal | None = MOST_BY_PERCENT

    def allows(self, due: Decimal) -> Decimal:
        """How much short of `due` still settles it."""
        by_share = (due * self.percent / 100) if self.percent is not None else Decimal(0)
        if self.most is not None:
            by_share = min(by_share, self.most)
        rule = max(by_share, self.amount or Decimal(0))
        return max(min(rule, due * MOST_SHARE / 100), Decimal(0)).quantize(CENT, rounding=ROUND_DOWN)


DEFAULT_TOLERANCE = Tolerance()
NO_TOLERANCE = Tolerance(None, None)  # exactly what is due, nothing less


class Received(Protocol):
    """A payment as allocation reads it (the calendar's `PaymentFact`)."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def charges(self) -> Decimal: ...
    @property
    def day(self) -> dt.date: ...
    @property
    def reference(self) -> str: ...
    @property
    def message_row_id(self) -> int | None: ...


@dataclass(frozen=True)
class Instalment:
    """One part of what the order makes due (the deposit, the balance or the L/C drawing),
    what was paid against it, and whether it is settled. `paid` is what the payers sent (a
    payment's amount: what the banks took on the way is inside it, and `charges` says how much
    of it they took); a shortfall within the tolerance (`allowed`) settles it too."""

    key: str  # deposit | balance
    name: str  # deposit | balance | L/C drawing
    amount: Decimal
    paid: Decimal = Decimal(0)
    charges: Decimal = Decimal(0)  # of `paid`, what the banks took on the way (as the payments say)
    allowed: Decimal = Decimal(0)  # short by this much or less, it is settled
    settled_on: dt.date | None = None  # the value day of the payment that settled it
    settled_by: str = ""  # that payment: amount, currency and reference
    message_row_id: int | None = None  # the mail of that payment, if any
    due: dt.date | None = None  # when it is due (its milestone's due date)

    @property
    def short(self) -> Decimal:
        return max(self.amount - self.paid, Decimal("0.00"))

    @property
    def settled(self) -> bool:
        return self.settled_on is not None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values, as the order row keeps them and `payments --json` shows them."""
        return {"key": self.key, "name": self.name, "amount": str(self.amount), "paid": str(self.paid),
                "charges": str(self.charges) if self.charges else "", "short": str(self.short), "settled": self.settled,
                "written_off": str(self.short) if self.settled else "0.00",
                "settled_on": self.settled_on.isoformat() if self.settled_on else None,
                "due": self.due.isoformat() if self.due else None}


MAX_PAYMENTS = 1000  # payments of one order allocated at the most


def instalments_due(exp: Expected) -> list[Instalment]:
    """The deposit (when the terms ask one) and the balance, or the L/C drawing when the
    balance is paid by L/C; nothing while the total is not known."""
    if exp.total is None or exp.deposit is None or exp.balance is None:
        return []
    parts = [Instalment("deposit", "deposit", exp.deposit)] if exp.deposit > 0 else []
    if exp.balance > 0 or not parts:
        parts.append(Instalment("balance", "L/C drawing" if exp.split.by_lc else "balance", exp.balance))
    return parts


def allocate(exp: Expected, payments: Sequence[Received], tolerance: Tolerance) -> tuple[list[Instalment], Decimal]:
    """The payments (those that count, in the order they were paid) allocated to the
    instalments in order, the deposit first: each fills the instalment due until it is settled,
    and what is left of it goes to the next. An instalment is settled when what was paid for
    it is short by no more than the tolerance; the shortfall is then the banks' and nothing of
    it is carried. A payment's amount is what the payer sent, the charges the banks took from
    it included (`extract/swift.py` reads it so), so its charges are shown, never added again.
    Returns the instalments and what was paid beyond them all."""
    parts = instalments_due(exp)
    state = [{"paid": Decimal("0.00"), "charges": Decimal("0.00")} for _ in parts]
    settled: list[tuple[dt.date, str, int | None] | None] = [None] * len(parts)
    allowed = [tolerance.allows(p.amount) for p in parts]
    index, beyond = 0, Decimal(0)
    for payment in payments[:MAX_PAYMENTS]:
        credit = payment.amount
        charges = min(payment.charges, payment.amount)
        while credit > 0 and index < len(parts):
            part = parts[index]
            take = min(credit, part.amount - state[index]["paid"])
            state[index]["paid"] += take
            state[index]["charges"] += min(charges, take)
            charges -= min(charges, take)
            credit -= take
            if part.amount - state[index]["paid"] <= allowed[index]:
                said = f"{payment.amount} {payment.currency} {payment.reference}".strip()
                settled[index] = (payment.day, said, payment.message_row_id)
                index += 1
            elif take <= 0:
                break
        if index >= len(parts):
            beyond += credit
    out = []
    for part, paid, limit, done in zip(parts, state, allowed, settled, strict=True):
        out.append(dataclasses.replace(part, paid=paid["paid"], charges=paid["charges"], allowed=limit,
                                       settled_on=done[0] if done else None, settled_by=done[1] if done else "",
                                       message_row_id=done[2] if done else None))
    return out, beyond


def due_now(instalments: Sequence[Instalment]) -> Instalment | None:
    """The first instalment not settled: the money to ask for now."""
    return next((i for i in instalments if not i.settled), None)


INSTALMENT_NAMES_ZH = {"deposit": "定金", "balance": "尾款", "L/C drawing": "信用证款项"}


def stored_due_now(stored: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The instalment due now as the order row keeps it (`Instalment.as_dict`): name (and in
    Chinese), amount, received, remaining and due date; None when every one is settled or the
    order was not followed since instalments were kept."""
    part = next((i for i in stored[:10] if isinstance(i, Mapping) and not i.get("settled")), None)
    if part is None:
        return None
    name = str(part.get("name") or part.get("key") or "")
    received = to_decimal(part.get("paid")) or Decimal(0)
    return {"key": part.get("key"), "name": name, "name_zh": INSTALMENT_NAMES_ZH.get(name, name),
            "amount": str(part.get("amount") or ""), "received": str(part.get("paid") or "0"),
            "remaining": str(part.get("short") or ""), "due": part.get("due"), "part_paid": received > 0}


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
