"""Orders: the list (`views.order_list`, as `order list --json`), one order (`views.order_show`,
as `order show --json`), its evidence bundle, a milestone done by hand or opened again, the
sign-off, a payment recorded, the order put on hold. Who may is the store's answer
(`mailflow.policy`), as on the command line."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from mailflow import policy, views
from mailflow.errors import NotFound
from mailflow.extract.values import CURRENCIES
from mailflow.store import Store
from mailflow.web.i18n import translate
from mailflow.web.render import back, money, page, safe_name
from mailflow.web.security import Caller, acting, attempt, logged_in, posted
from mailflow.web.state import desk_of

PAGE = 200  # orders per page of /orders
MAILS = 50  # mails per page of an order's timeline (the export holds them all)
CURRENCY_CODES = tuple(c for c in CURRENCIES if c not in ("RMB", "NTD"))  # other names of CNY and TWD
# the dates `order date` sets by hand
DATE_ANCHORS = ("etd", "eta", "delivery_date", "po_date", "pi_date", "bl_date", "lc_expiry", "lc_latest_shipment")


@logged_in
def orders(request: Request, caller: Caller) -> Response:
    params = request.query_params
    filters = {"buyer": params.get("buyer", "").strip().lower(), "status": params.get("status", "").strip(),
               "q": params.get("q", "").strip().lower()}
    try:
        number = min(max(1, int(params.get("page", "1"))), 1_000_000)
    except ValueError:
        number = 1
    store = desk_of(request).store

    def listed(number: int) -> tuple[list[dict[str, Any]], int, list[str]]:
        return views.order_page(store, buyer=filters["buyer"], status=filters["status"], text=filters["q"],
                                page=number, size=PAGE)

    rows, total, statuses = listed(number)
    pages = max(1, (total + PAGE - 1) // PAGE)
    if number > pages:  # past the last page: the last one
        number = pages
        rows, total, statuses = listed(number)
    return page(request, "orders.html", person=caller.person, csrf=caller.csrf, rows=rows, page_number=number,
                pages=pages, total=total, filters=filters, statuses=statuses)


@logged_in
def order_page(request: Request, caller: Caller) -> Response:
    return order_view(request, caller)


def order_view(request: Request, caller: Caller, status: int = 200, **extra: Any) -> Response:
    """The order page; `extra`: a form sent back with its errors and the values typed."""
    from mailflow.authresults import summary as auth_summary

    store = desk_of(request).store
    summary = views.order_show(store, request.path_params["number"], links=True)
    follow = summary.get("follow_up") or {}
    stored_names = {m["key"]: m["name"] for m in follow.get("milestones") or []}  # as the plan counts from them
    views.milestone_names(store, follow.get("milestones") or [], caller.person.language, plan=follow.get("plan"))
    mails = _mail_page(request, summary)
    for message in mails["shown"]:
        message["checks"] = auth_summary(message.get("authentication") or {})
    person = acting(caller)
    mine = _milestone_acts(request, person, summary)
    for milestone in follow.get("milestones") or []:
        milestone["act"] = mine.get(milestone["key"], "")
    thing = policy.Thing(f"order {summary['order']}")
    may = {name: policy.check(person, action, thing).allowed for name, action in (
        ("pay", policy.Action.RECORD_PAYMENT), ("status", policy.Action.SET_STATUS),
        ("date", policy.Action.SET_DATE), ("close_case", policy.Action.CLOSE_CASE))}
    money = follow.get("money") or {}
    typed = {"currency": money.get("currency") or (summary.get("data") or {}).get("currency") or "",
             "date": views.today(store).isoformat(), **extra.pop("typed", {})}
    return page(request, "order.html", status, person=caller.person, csrf=caller.csrf, order=summary,
                number=summary["folder"], may=may, currencies=CURRENCY_CODES, anchors=DATE_ANCHORS,
                typed=typed, errors=extra.pop("errors", {}),
                milestone_names={**{stored_names.get(m["key"], m["key"]): m["name"] for m in follow.get("milestones") or []},
                                 **{m["key"]: m["name"] for m in follow.get("milestones") or []}},
                plan_title=_plan_title(store, follow.get("plan"), caller.person.language), mails=mails,
                **extra)


def _mail_page(request: Request, summary: dict[str, Any]) -> dict[str, Any]:
    """The page of the order's timeline asked for (`?mails=N`, from 1, oldest first; the newest
    page when none or past the last): its mails, its number, how many pages and mails."""
    every = summary["messages"]
    pages = max(1, (len(every) + MAILS - 1) // MAILS)
    asked = request.query_params.get("mails", "")
    number = int(asked) if asked.isascii() and asked.isdigit() and len(asked) <= 6 else 0
    number = min(number, pages) if number > 0 else pages
    first = (number - 1) * MAILS
    shown = every[first:first + MAILS]
    return {"shown": shown, "number": number, "pages": pages, "first": first + 1 if shown else 0,
            "last": first + len(shown), "total": len(every)}


def _plan_title(store: Store, name: str | None, language: str) -> str:
    """The follow-up plan's title in `language` as its file names it; its name when no plan has it."""
    plan = store.follower.plan(name) if store.follower is not None and name else None
    return plan.title(language) if plan is not None else (name or "")



def _milestone_acts(request: Request, person: policy.Person, summary: dict[str, Any]) -> dict[str, str]:
    """What `person` may do to each milestone, as the store would answer: "done", "signoff",
    "undo" or "" (no button)."""
    from mailflow.follow.signoff import who_must_sign

    web = desk_of(request)
    number = summary["order"]
    subjects = web.store.milestone_subjects(summary["folder"])
    signer, why, _ = who_must_sign(web.config, dict(summary.get("data") or {}))
    acts = {}
    for milestone in (summary.get("follow_up") or {}).get("milestones") or []:
        key, subject = milestone["key"], subjects.get(milestone["key"])
        if subject is None:
            continue
        if milestone["state"] == "done":
            undo = policy.Milestone(number, key, subject.name, subject.owner, "hand")
            acts[key] = "undo" if policy.check(person, policy.Action.UNDO_MILESTONE, undo).allowed else ""
        elif subject.done_by == "signoff":
            sign = policy.SignOff(number, signer, why)
            acts[key] = "signoff" if policy.check(person, policy.Action.SIGN_OFF, sign).allowed else ""
        else:  # the note a document's or a payment's milestone needs is asked on the next step
            allowed = policy.check(person, policy.Action.COMPLETE_MILESTONE, subject, note="given").allowed
            acts[key] = "done" if allowed else ""
    return acts


@logged_in
def export(request: Request, caller: Caller) -> Response:
    """The order's evidence bundle (a zip), written to a temporary file removed once sent."""
    from mailflow.store.export import export_order

    store = desk_of(request).store
    row = store.find_order(request.path_params["number"])
    if row is None:
        raise NotFound("no such order")
    handle, name = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    try:
        export_order(store, row.id, Path(name))
    except BaseException:
        os.unlink(name)
        raise
    return FileResponse(name, media_type="application/zip", filename=f"order-{safe_name(row.folder)}.zip",
                        background=BackgroundTask(os.unlink, name))


@posted
def milestone_done(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """A milestone done by hand, in two steps that work without script: the first post shows
    what is about to be recorded (with the money still outstanding, for a money milestone);
    only a post with the confirmation ticked records it, with its note, as `order done` does
    (a note the milestone needs, the store's policy asks for)."""
    web = desk_of(request)
    number, key = request.path_params["number"], request.path_params["key"]
    note = form.get("note", "").strip()[:1000]
    person = acting(caller)
    subject = web.store.milestone_subjects(number).get(key)
    if subject is not None:  # unknown: the store says why below
        # who may, asked before anything is shown; the note it needs is asked on this page
        policy.require(person, policy.Action.COMPLETE_MILESTONE, subject, note="given")
        outstanding = _outstanding(web.store, number) if subject.done_by == "payment" else ""
        problems = []
        if form.get("confirm") != "yes":
            problems.append("confirm_needed")
        if outstanding and form.get("outstanding_confirmed") != "yes":
            problems.append("outstanding_needed")
        if problems:
            named = [{"key": key, "name": subject.name}]
            row = web.store.find_order(number)
            views.milestone_names(web.store, named, caller.person.language, plan=row.plan if row else None)
            return page(request, "confirm_done.html", 200 if form.get("step") != "confirm" else 400,
                        person=caller.person, csrf=caller.csrf, number=number, key=key, milestone=named[0]["name"],
                        note=note, outstanding=outstanding, needs_note=subject.done_by in ("documents", "payment"),
                        problems=problems if form.get("step") == "confirm" else [])
    attempt(f"/orders/{number}", lambda: web.store.complete(number, key, person, note))
    return back(f"/orders/{number}", said=translate(caller.person.language, "milestone_done"))


def _outstanding(store: Store, number: str) -> str:
    """The order's money still outstanding, as a person reads it ("USD 43,020.00"); "" when
    nothing is, or the total is not known."""
    row = store.find_order(number)
    try:
        left = Decimal(row.outstanding) if row is not None and row.outstanding else Decimal(0)
    except InvalidOperation:
        return ""
    return money(left, row.currency) if row is not None and left > 0 else ""


@posted
def sign_off(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.follow.signoff import approve

    web = desk_of(request)
    number = request.path_params["number"]
    note = form.get("note", "")[:1000]
    _, why = attempt(f"/orders/{number}", lambda: approve(web.store, web.config, number, acting(caller), note))
    return back(f"/orders/{number}", said=f"{translate(caller.person.language, 'signed_off')}: {why}")


@posted
def milestone_undo(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    number, key = request.path_params["number"], request.path_params["key"]
    note = form.get("note", "")[:1000]
    attempt(f"/orders/{number}", lambda: desk_of(request).store.undo(number, key, acting(caller), note))
    return back(f"/orders/{number}", said=translate(caller.person.language, "milestone_undone"))


@posted
def record_payment(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """A payment no bank slip told, as `order payment` records it: the milestones it covers
    follow. A field typed wrong is said beside it, with what was typed kept."""
    web = desk_of(request)
    number = request.path_params["number"]
    typed = {name: form.get(name, "").strip()[:100] for name in ("amount", "currency", "date", "reference", "charges")}
    errors: dict[str, str] = {}
    amount = _amount(typed["amount"])
    if amount is None:
        errors["amount"] = "bad_amount"
    # what the banks took on the way, if known: the payment counts as the amount plus these
    charges = _amount(typed["charges"], zero=True) if typed["charges"] else None
    if typed["charges"] and charges is None:
        errors["charges"] = "bad_charges"
    # left out, as on the command line: the order's currency, and today
    if typed["currency"] and typed["currency"].upper() not in CURRENCY_CODES:
        errors["currency"] = "bad_currency"
    day = _iso_day(typed["date"]) if typed["date"] else None
    if typed["date"] and day is None:
        errors["date"] = "bad_date"
    if errors or amount is None:
        # who may is asked first: a person who may not record a payment learns that, not a typo
        policy.require(acting(caller), policy.Action.RECORD_PAYMENT, policy.Thing(f"order {number}"))
        return order_view(request, caller, 400, typed=typed, errors=errors)
    attempt(f"/orders/{number}", lambda: web.store.add_payment(
        number, amount, typed["currency"].upper(), day, typed["reference"], acting(caller), charges))
    return back(f"/orders/{number}", said=translate(caller.person.language, "payment_recorded"))


def _amount(text: str, zero: bool = False) -> Decimal | None:
    """A positive amount (or nothing, with `zero`) with at most two decimals ("43,020.00"), or
    None."""
    cleaned = text.replace(",", "")
    if not cleaned or len(cleaned) > 20 or not all(c.isdigit() or c == "." for c in cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or value < 0 or (value == 0 and not zero) or not isinstance(exponent, int) \
            or exponent < -2:
        return None
    return value


def _iso_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


@posted
def set_date(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """A date the plan counts from, set by hand (`order date`): the ETD a forwarder confirmed
    by phone, say."""
    web = desk_of(request)
    number = request.path_params["number"]
    typed = {"anchor": form.get("anchor", "")[:40], "day": form.get("day", "").strip()[:20]}
    errors: dict[str, str] = {}
    if typed["anchor"] not in DATE_ANCHORS:
        errors["anchor"] = "bad_anchor"
    day = _iso_day(typed["day"])
    if day is None:
        errors["day"] = "bad_date"
    if errors or day is None:
        policy.require(acting(caller), policy.Action.SET_DATE, policy.Thing(f"order {number}"))
        return order_view(request, caller, 400, typed=typed, errors=errors)
    attempt(f"/orders/{number}", lambda: web.store.set_anchor(number, typed["anchor"], day, acting(caller)))
    return back(f"/orders/{number}", said=translate(caller.person.language, "date_set"))


@posted
def order_status(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """On hold, cancelled, or resumed (`order status`)."""
    number = request.path_params["number"]
    wanted = {"on-hold": "on hold", "cancelled": "cancelled", "resume": ""}.get(form.get("status", ""))
    if wanted is None:
        return back(f"/orders/{number}", error=translate(caller.person.language, "bad_status"))
    note = form.get("note", "")[:1000]
    attempt(f"/orders/{number}", lambda: desk_of(request).store.set_status(number, wanted, acting(caller), note))
    return back(f"/orders/{number}", said=translate(caller.person.language, "status_set"))
