"""Which way a numeric date reads: 12/03/2026 is 12 March (day first: the UK, Europe, India,
Australia) or 3 December (month first: the United States).

A date with both parts 12 or under reads both ways. The evidence, strongest first:

1. the page: another numeric date with a part over 12 (25/03/2026 is day first) fixes the
   convention for the whole page;
2. the page's two dates together: the delivery date comes on or after the order date, and
   often only one reading allows that (ordered 12/03/2026, delivery 10/04/2026);
3. the mail: a PO is dated on or near the day it is sent, so an order date within a week of
   the mail's Date header under one reading only settles it;
4. the party: the buyer's country when the config gives it, else the sender's domain
   (`.uk`, `.au`, `.in`, `.de`… day first; `.us` month first). Chinese text implies nothing
   (Chinese writes year-month-day).

Each settled date keeps the reason it was read so (`DateReading.reason`); one nothing settles
stays unused and becomes a failed check the merchandiser sees (`checks.check_order`).
The first two run where the document is read (`settle_page`), the last two where the mail is
known (`settle_mail`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from mailflow.model import DateReading, OrderData

NEAR_MAIL_DAYS = 7  # an order date this close to the mail's date is the day it was written

# countries (ISO 3166 codes, as country-code domains write them) that write numbers day first
# or month first; a country that writes both (Canada) or year first (China, Japan, Korea) is in
# neither; .co (Colombia) is left out: companies everywhere use it
DAY_FIRST = frozenset({
    "uk", "gb", "ie", "au", "nz", "in", "pk", "bd", "lk", "de", "at", "ch", "fr", "be", "nl", "lu", "it",
    "es", "pt", "dk", "se", "no", "fi", "is", "pl", "cz", "sk", "hu", "ro", "bg", "gr", "tr", "ru", "ua",
    "by", "lt", "lv", "ee", "si", "hr", "rs", "ba", "mk", "al", "za", "ng", "ke", "gh", "eg", "ma", "tn",
    "ae", "sa", "qa", "kw", "om", "bh", "jo", "lb", "il", "br", "ar", "cl", "pe", "uy", "ve", "ec",
    "mx", "id", "my", "sg", "th", "vn", "hk"})
MONTH_FIRST = frozenset({"us", "ph", "fm", "pw", "mh"})
COUNTRY_NAMES = {"uk": "the United Kingdom", "gb": "the United Kingdom", "us": "the United States",
                 "au": "Australia", "in": "India", "de": "Germany", "fr": "France", "ph": "the Philippines"}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


def spoken(day: dt.date) -> str:
    """12 March 2026: a date no reader can take the other way."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def convention(day_first: bool) -> str:
    return "day-first" if day_first else "month-first"


@dataclass(frozen=True)
class Hints:
    """What the mail says about a document's dates: the day it was sent (in the sender's own
    zone), and the buyer's country (config) or the sender's domain."""

    mail_date: dt.date | None = None
    country: str = ""  # ISO code from the buyer's config; "" when not given
    sender_domain: str = ""


def party_convention(hints: Hints) -> tuple[bool | None, str]:
    """Day first (True), month first (False) or unknown (None) from the buyer's country, else the
    sender's domain, with the reason."""
    country = hints.country.strip().lower()
    if country:
        place = COUNTRY_NAMES.get(country, country.upper())
        if country in DAY_FIRST or country in MONTH_FIRST:
            return country in DAY_FIRST, f"the buyer is in {place}, which writes dates {convention(country in DAY_FIRST)}"
        return None, ""
    domain = hints.sender_domain.strip().lower().rstrip(".")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    if tld in DAY_FIRST or tld in MONTH_FIRST:
        return tld in DAY_FIRST, f"the sender's domain {domain} (.{tld}) writes dates {convention(tld in DAY_FIRST)}"
    return None, ""


def reading(date: DateReading, day_first: bool) -> dt.date:
    return date.day_first if day_first else date.month_first


def settled(readings: Sequence[DateReading], day_first: bool, why: str) -> tuple[DateReading, ...]:
    """Every reading still open, read with the convention, each with its reason."""
    return tuple(r if r.chosen is not None else dataclasses.replace(
        r, chosen=reading(r, day_first), reason=f"read as {spoken(reading(r, day_first))}: {why}")
        for r in readings)


def settle_page(readings: Sequence[DateReading], page_day_first: bool | None, evidence: str,
                fixed: dict[str, dt.date]) -> tuple[DateReading, ...]:
    """The readings the page itself settles: by another date of the page with a part over 12
    (`evidence`, e.g. '25/03/2026'), else by the delivery date that must not come before the
    order date (`fixed`: the dates of the page that read one way only)."""
    if not readings:
        return ()
    if page_day_first is not None:
        return settled(readings, page_day_first, f"the page's {evidence} is {convention(page_day_first)}")
    by_field = {r.field: r for r in readings}
    if {"order_date", "delivery_date"} <= {*by_field, *fixed}:
        def pair(day_first: bool) -> tuple[dt.date, dt.date]:
            return tuple(reading(by_field[f], day_first) if f in by_field else fixed[f]  # type: ignore[return-value]
                         for f in ("order_date", "delivery_date"))

        fits = [day_first for day_first in (True, False) if pair(day_first)[0] <= pair(day_first)[1]]
        if len(fits) == 1:
            order, delivery = (by_field.get(f) for f in ("order_date", "delivery_date"))
            written = ", ".join(f"{name} {r.written}" for name, r in (("order date", order), ("delivery", delivery))
                                if r is not None)
            return settled(readings, fits[0], f"only {convention(fits[0])} puts the delivery on or after "
                                              f"the order date ({written})")
    return tuple(readings)


def settle_mail(data: OrderData, hints: Hints) -> OrderData:
    """The order data with its open readings settled by the mail's date, else by the party's
    convention; the order and delivery dates filled from them. What nothing settles stays open
    (and `checks.check_order` reports it)."""
    open_ = [r for r in data.dates_read if r.chosen is None]
    if not open_:
        return data
    readings = tuple(data.dates_read)
    order = next((r for r in open_ if r.field == "order_date"), None)
    if order is not None and hints.mail_date is not None:
        near = [day_first for day_first in (True, False)
                if abs((reading(order, day_first) - hints.mail_date).days) <= NEAR_MAIL_DAYS]
        if len(near) == 1:
            readings = settled(readings, near[0], f"the order date {order.written} is "
                                                  f"{spoken(reading(order, near[0]))} only read "
                                                  f"{convention(near[0])}, near the mail's date "
                                                  f"{spoken(hints.mail_date)}")
    if any(r.chosen is None for r in readings):
        day_first, why = party_convention(hints)
        if day_first is not None:
            readings = settled(readings, day_first, why)
    return with_readings(data, readings)


def with_readings(data: OrderData, readings: Sequence[DateReading]) -> OrderData:
    """The order data with its dates taken from the settled readings."""
    values = {r.field: r.chosen for r in readings if r.chosen is not None}
    return dataclasses.replace(data, dates_read=tuple(readings),
                               order_date=values.get("order_date", data.order_date),
                               delivery_date=values.get("delivery_date", data.delivery_date))
