"""Orders: the list (`views.order_list`, as `order list --json`), one order (`views.order_show`,
as `order show --json`), its evidence bundle, a milestone done by hand or opened again, the
sign-off, a payment recorded, the order put on hold. Who may is the store's answer
(`mailflow.policy`), as on the command line."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from mailflow import views
from mailflow.errors import NotFound
from mailflow.web.i18n import translate
from mailflow.web.render import back, page, safe_name
from mailflow.web.security import Caller, acting, attempt, logged_in, posted
from mailflow.web.state import desk_of

PAGE = 200  # orders per page of /orders


@logged_in
def orders(request: Request, caller: Caller) -> Response:
    params = request.query_params
    filters = {"buyer": params.get("buyer", "").strip().lower(), "status": params.get("status", "").strip(),
               "q": params.get("q", "").strip().lower()}
    listed = views.order_list(desk_of(request).store, counts=False)
    rows = views.filter_orders(listed, buyer=filters["buyer"], status=filters["status"], text=filters["q"])
    try:
        number = max(1, int(params.get("page", "1")))
    except ValueError:
        number = 1
    pages = max(1, (len(rows) + PAGE - 1) // PAGE)
    number = min(number, pages)
    return page(request, "orders.html", person=caller.person, csrf=caller.csrf,
                rows=rows[(number - 1) * PAGE: number * PAGE], page_number=number, pages=pages, total=len(rows),
                filters=filters, statuses=sorted({o["status"] for o in listed}))


@logged_in
def order_page(request: Request, caller: Caller) -> Response:
    from mailflow.authresults import summary as auth_summary

    store = desk_of(request).store
    summary = views.order_show(store, request.path_params["number"], links=True)
    follow = summary.get("follow_up") or {}
    views.milestone_names(store, follow.get("milestones") or [], caller.person.language, plan=follow.get("plan"))
    for message in summary["messages"]:
        message["checks"] = auth_summary(message.get("authentication") or {})
    return page(request, "order.html", person=caller.person, csrf=caller.csrf, order=summary,
                number=summary["folder"])


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
    number, key = request.path_params["number"], request.path_params["key"]
    note = form.get("note", "")[:1000]
    attempt(f"/orders/{number}", lambda: desk_of(request).store.complete(number, key, acting(caller), note))
    return back(f"/orders/{number}", said=translate(caller.person.language, "milestone_done"))


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
    """A payment no bank slip told (`order payment`): the milestones it covers follow."""
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    number = request.path_params["number"]
    try:
        amount = Decimal(form.get("amount", "").replace(",", "").strip())
        day = dt.date.fromisoformat(form["date"]) if form.get("date") else None
    except (InvalidOperation, ValueError):
        return back(f"/orders/{number}", error="give the amount as a number and the date as YYYY-MM-DD")
    if not amount.is_finite() or amount <= 0:
        return back(f"/orders/{number}", error="a payment is more than nothing")
    currency, reference = form.get("currency", "")[:10], form.get("reference", "")[:100]
    attempt(f"/orders/{number}", lambda: desk_of(request).store.add_payment(
        number, amount, currency, day, reference, acting(caller)))
    return back(f"/orders/{number}", said=translate(caller.person.language, "payment_recorded"))


@posted
def order_status(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """On hold, cancelled, or resumed (`order status`)."""
    number = request.path_params["number"]
    wanted = {"on-hold": "on hold", "cancelled": "cancelled", "resume": ""}.get(form.get("status", ""))
    if wanted is None:
        return back(f"/orders/{number}", error="the status is on-hold, cancelled or resume")
    note = form.get("note", "")[:1000]
    attempt(f"/orders/{number}", lambda: desk_of(request).store.set_status(number, wanted, acting(caller), note))
    return back(f"/orders/{number}", said=translate(caller.person.language, "status_set"))
