"""What the desk shows, as plain dicts and lists: built once here and used by both the CLI's
`--json` (and its tables) and the browser's pages, so the two cannot disagree.

Each function reads through the store and returns JSON-ready values (strings, numbers, lists,
dicts; dates as ISO strings). They block on the database: the web desk calls them off its event
loop.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mailflow import clock
from mailflow.errors import NotFound
from mailflow.follow import lc

if TYPE_CHECKING:
    from mailflow.store import Store
    from mailflow.store.search import Filters

REVIEW_STATES = ("held", "queued", "failed", "uncertain")  # the outbox a person looks at first


def today(store: Store) -> dt.date:
    """The desk's day: the follower's (its time zone) when orders are followed."""
    return store.follower.today() if store.follower else clock.today()


# --- orders ------------------------------------------------------------------------------------

def order_list(store: Store, *, only_open: bool = False, buyer: str | None = None,
               day: dt.date | None = None, counts: bool = True) -> list[dict[str, Any]]:
    """`order list --json` and /orders: every order with its status, next milestone and its due
    date, overdue first, then by due date and folder. Without `counts`, its messages and replies
    are not counted (None): the browser's list does not show them."""
    day = day or today(store)
    items = []
    for row in store.order_overview(counts):
        if only_open and row["status"] in ("closed", "cancelled"):
            continue
        items.append(_listed(row, day))
    items = filter_orders(items, buyer=buyer)
    items.sort(key=lambda i: (-i["days_overdue"], i["due"] is None, i["due"] or "", i["folder"]))
    return items


def order_page(store: Store, *, buyer: str = "", status: str = "", text: str = "", page: int = 1,
               size: int = 200, day: dt.date | None = None) -> tuple[list[dict[str, Any]], int, list[str]]:
    """/orders: page `page` (from 1) of `size` orders as `order_list` gives them, filtered as
    `filter_orders` filters them and in its order, read a page at a time from the database.
    (the page's orders, how many match, every status)."""
    day = day or today(store)
    rows, total, statuses = store.order_listing(buyer=buyer, status=status, text=text,
                                                offset=(max(1, page) - 1) * size, limit=size)
    return [_listed(row, day) for row in rows], total, statuses


def _listed(row: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """An order of `order_overview` as the lists show it."""
    due, data = row["due"], row["data"]
    return {"order": row["order"], "folder": row["folder"], "kind": row["kind"], "buyer": row["buyer"],
            "supplier": row["supplier"], "for_order": row["for_order"], "for_folder": row["for_folder"],
            "status": row["status"], "next_milestone": row["next_milestone"], "due": due,
            "days_overdue": max(0, (day - dt.date.fromisoformat(due)).days) if due else 0,
            "outstanding": row["outstanding"], "aliases": row["aliases"],
            "messages": row["messages"], "replies": row["replies"],
            "total": data.get("total"), "currency": data.get("currency"),
            "checks_failed": data.get("checks_failed", [])}


def filter_orders(items: list[dict[str, Any]], *, buyer: str | None = None, status: str | None = None,
                  text: str | None = None) -> list[dict[str, Any]]:
    """The orders of a list whose buyer has `buyer` in it, in `status`, with `text` in their
    number, folder or buyer (case aside)."""
    buyer, text = (buyer or "").lower(), (text or "").lower()
    return [i for i in items
            if (not buyer or buyer in i["buyer"].lower()) and (not status or i["status"] == status)
            and (not text or text in f"{i['order']} {i['folder']} {i['buyer']} {i.get('supplier') or ''}".lower())]


def order_show(store: Store, number: str, *, links: bool = False) -> dict[str, Any]:
    """`order show --json` and the order page: the order as order.json gives it. `links`: each
    message also carries its row id (`row_id`) and its attachments (`files`: row id and name),
    which the page links to."""
    row = store.find_order(number)
    if row is None:
        raise NotFound(f"no order {number!r}")
    summary = store.order_summary(row.id)
    if links:
        found = store.order_files(row.id)
        for message in summary["messages"]:
            message["row_id"], message["files"] = found.get(message["message_id"], (None, []))
    return summary


def milestone_names(store: Store, items: list[dict[str, Any]], language: str, plan: str | None = None,
                    key: str = "key") -> None:
    """Each item's milestone `name` in `language`, as its plan (`plan`, or the item's own) gives
    it, or the order's own L/C milestones (`lc.name_in`); others keep the name they have."""
    follower = store.follower
    if follower is None:
        return
    for item in items:
        followed = follower.plan(plan or item.get("plan") or "") if item.get(key) else None
        milestone = followed.milestone(item[key]) if followed else None
        if milestone is not None:
            item["name"] = milestone.name(language)
        elif item.get(key):  # the order's own L/C milestones (follow/lc.py) are in no plan file
            item["name"] = lc.name_in(str(item[key]), str(item.get("name") or ""), language) or item.get("name")


# --- money -------------------------------------------------------------------------------------

def payments(store: Store, *, overdue: bool = False) -> dict[str, Any]:
    """`payments --json`: money per order (total, paid, outstanding), its instalments (deposit,
    balance or L/C drawing: amount, paid, short, due) and the one due now with what is still
    short of it and its due day (`next_due`, which `overdue` counts from), and outstanding per
    buyer. A payment counts where the calendar counts it (`counts_toward`), so "paid" and
    "outstanding" agree with the milestones."""
    from mailflow.extract.record import to_decimal
    from mailflow.follow.calendar import counts_toward
    from mailflow.follow.money import stored_due_now
    from mailflow.follow.order import as_date

    day = today(store)
    rows: list[dict[str, Any]] = []
    for row in store.orders():
        if row.status == "cancelled" or not row.total_due:
            continue
        paid = list(store.payments(row.id))
        counted = sum((to_decimal(p.amount) or Decimal(0) for p in paid
                       if counts_toward(p.currency, row.currency)), Decimal(0))
        due_now = stored_due_now(row.instalments or [])
        if due_now is not None:
            due = as_date(due_now["due"])
        else:  # not followed since instalments were kept: the earliest payment milestone's day
            milestones = [m for m in store.milestones(row.id) if m.key in ("deposit", "balance", "payment")
                          and m.state != "done"]
            due = min((m.due for m in milestones if m.due), default=None)
        late = bool(due and due < day and row.outstanding and Decimal(row.outstanding) > 0)
        if overdue and not late:
            continue
        rows.append({"order": row.folder, "buyer": row.buyer, "currency": row.currency, "total": row.total_due,
                     "paid": str(counted), "outstanding": row.outstanding or None,
                     "instalments": list(row.instalments or []), "due_now": due_now,
                     "next_due": due.isoformat() if due else None, "overdue": late,
                     "days_overdue": (day - due).days if late and due else 0,
                     "payments": [{"amount": p.amount, "currency": p.currency, "charges": p.charges or None,
                                   "counted": counts_toward(p.currency, row.currency),
                                   "value_date": p.value_date.isoformat() if p.value_date else None,
                                   "reference": p.reference, "by": p.recorded_by or "bank slip"} for p in paid]})
    per_buyer: dict[str, dict[str, Decimal]] = {}
    for item in rows:
        if item["outstanding"]:
            bucket = per_buyer.setdefault(item["buyer"], {})
            bucket[item["currency"]] = bucket.get(item["currency"], Decimal(0)) + Decimal(item["outstanding"])
    by_buyer = {b: {c: str(v) for c, v in cur.items()} for b, cur in sorted(per_buyer.items())}
    return {"date": day.isoformat(), "orders": rows, "by_buyer": by_buyer}


# --- replies, mail, quarantine -----------------------------------------------------------------

def outbox_list(store: Store, state: str | None = None, *, states: tuple[str, ...] = (),
                limit: int | None = None) -> list[dict[str, Any]]:
    """`outbox list --json` and /outbox: replies (in `state`, or in any of `states`), oldest
    first; with `limit`, only the newest `limit` of them (the page: a desk's outbox holds every
    reply it ever sent)."""
    return [{"id": r.id, "state": r.state, "template": r.template, "language": r.language,
             "to": r.to_addrs, "subject": r.subject, "reason": r.reason,
             "reason_zh": (r.action or {}).get("reason_zh") if r.reason else None,  # as the Chinese desk shows it
             "message_id": r.message_id,
             "approver": r.approver}  # who releases it if held (policy.py); None: a manager
            for r in store.outbox_listed((state,) if state else states, limit)]


def search(store: Store, query: str, filters: Filters, *, row_ids: bool = False) -> list[dict[str, Any]]:
    """`search --json` and /search: matching mail, best first. `row_ids`: each hit also
    carries its message's row id (`row_id`), which the pages link to."""
    from mailflow.store import search as found

    with store.sessions() as session:
        hits = found.search(session, query, filters)
    return [{"message_id": h.message_id, "date": h.date.isoformat() if h.date is not None else None,
             "direction": h.direction, "from": h.sender, "subject": h.subject, "order": h.order,
             "category": h.category, "snippet": h.snippet, **({"row_id": h.message_row_id} if row_ids else {})}
            for h in hits]


def quarantine_list(store: Store, *, include_resolved: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
    """`quarantine list --json` and /quarantine: mail that could not be processed, oldest first
    (with `limit`, the oldest `limit`)."""
    return [{"id": r.id, "sha256": r.sha256, "path": r.path, "reason": r.reason, "origin": r.origin,
             "size": r.size, "at": r.created_at.isoformat(),
             "resolved": r.resolved_at.isoformat() if r.resolved_at else None}
            for r in store.quarantined(include_resolved=include_resolved, limit=limit)]
