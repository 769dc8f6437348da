"""The day's summary (每日工作总结): what the day brought (mail per category and per order, new
orders, payments), what went out (replies and documents), what was completed and by whom, what
was refused or quarantined, and what is now due tomorrow.

"The day" is the desk's calendar day in its own zone (`followup.timezone`, as the plan's
"today"): from its midnight to the next, whatever the zone of the machine or the mail. With an
owner, the day of that person's orders: a merchandiser's are their buyers' (and those assigned
to nobody), as on their plan; a manager's are everyone's. What is due tomorrow is tomorrow's
plan's "due today" for the same person, so that both say the same.

Its words, for the CLI and the digest, are `digest.SUMMARY_NAMES`; its rows come from
`store/summary.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mailflow.config import Config, User
from mailflow.extract.record import to_decimal
from mailflow.follow.desk import daily_plan, owns
from mailflow.store.summary import LIMIT

if TYPE_CHECKING:
    from mailflow.store import Store


def day_window(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The desk's day as two UTC instants: its midnight and the next (23 or 25 hours apart on
    the days a zone changes its clocks)."""
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def day_summary(store: Store, config: Config, day: dt.date, zone: dt.tzinfo,
                person: User | None = None) -> dict[str, Any]:
    """`mailflow summary --json`: plain JSON values. `received` and `sent` carry their counts
    (in all, per category, per order; documents per kind) and the mail itself; `payments`
    is a list with `paid` in all per currency beside it. `incomplete` names the sections that
    hit the store's limit of rows (`store.summary.LIMIT`): their counts are of those rows only."""
    start, end = day_window(day, zone)
    rows = store.summary_rows(start, end)
    cut = [name for name, found in rows.items() if len(found) >= LIMIT]  # counted of the first LIMIT only

    def mine(items: list[dict[str, Any]], role: str = "") -> list[dict[str, Any]]:
        return [_plain(i) for i in items if owns(config, person, role, i.get("buyer") or "")]

    received, sent = mine(rows["received"]), mine(rows["sent"])
    payments = mine(rows["payments"], "accounts" if person and person.role == "accounts" else "")
    paid: dict[str, Decimal] = {}
    for payment in payments:
        amount = to_decimal(payment["amount"])
        if amount is not None:
            paid[payment["currency"] or "?"] = paid.get(payment["currency"] or "?", Decimal(0)) + amount
    tomorrow = daily_plan(store, config, day + dt.timedelta(days=1), person=person)
    hidden = person is not None and person.role == "accounts"  # as on the plan: mail is not theirs
    return {
        "date": day.isoformat(), "owner": person.name if person else None, "role": person.role if person else None,
        "from": start.isoformat(), "to": end.isoformat(), "incomplete": cut,
        "received": {"count": len(received), "by_category": _counted(received, "category"),
                     "by_order": _counted([i for i in received if i["order"]], "order"),
                     "unfiled": sum(1 for i in received if not i["order"]), "mail": received},
        "new_orders": mine(rows["new_orders"]),
        "sent": {"count": len(sent), "replies": sum(1 for i in sent if i["reply"]),
                 "by_order": _counted([i for i in sent if i["order"]], "order"),
                 "documents": dict(sorted(Counter(k for i in sent for k in i["documents"]).items())),
                 "mail": sent},
        "completed": mine(rows["completed"]),
        "payments": payments, "paid": {c: str(v) for c, v in sorted(paid.items())},
        "refused": mine(rows["refused"]),
        "quarantined": [] if hidden else [_plain(i) for i in rows["quarantined"]],
        "due_tomorrow": tomorrow["due_today"],
    }


def _counted(items: list[dict[str, Any]], key: str) -> dict[str, int]:
    return dict(sorted(Counter(str(i[key]) for i in items).items()))


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A row as plain JSON values: instants and days as ISO text; the row's id left out."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in item.items() if k != "id"}

