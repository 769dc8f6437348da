"""The desk's hand actions in a browser beyond the reply and the sign-off: a milestone opened
again, a payment recorded, an order put on hold, a mail reclassified, a complaint case closed.
Each handler passes the logged-in person to the same store function the command line calls;
who may do it is the store's answer (`policy.py`), shown as it gives it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mailflow import policy
from mailflow.errors import MailflowError, NotFound
from mailflow.policy import Person, Refused
from mailflow.web.i18n import translate

if TYPE_CHECKING:
    from mailflow.web.app import Caller, WebDesk


def _acting(caller: Caller) -> Person:
    return Person(caller.person.name, caller.person.role)


async def milestone_undo(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.web.app import _back as back

    web: WebDesk = request.app.state.web
    number, key = request.path_params["number"], request.path_params["key"]
    try:
        web.store.undo(number, key, _acting(caller), form.get("note", "")[:1000])
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return back(f"/orders/{number}", error=str(exc))
    return back(f"/orders/{number}", said=translate(caller.person.language, "milestone_undone"))


async def record_payment(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    import datetime as dt

    from mailflow.web.app import _back as back

    web: WebDesk = request.app.state.web
    number = request.path_params["number"]
    try:
        amount = Decimal(form.get("amount", "").replace(",", "").strip())
        day = dt.date.fromisoformat(form["date"]) if form.get("date") else None
    except (InvalidOperation, ValueError):
        return back(f"/orders/{number}", error="give the amount as a number and the date as YYYY-MM-DD")
    if amount <= 0:
        return back(f"/orders/{number}", error="a payment is more than nothing")
    try:
        web.store.add_payment(number, amount, form.get("currency", "")[:10], day, form.get("reference", "")[:100],
                              _acting(caller))
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return back(f"/orders/{number}", error=str(exc))
    return back(f"/orders/{number}", said=translate(caller.person.language, "payment_recorded"))


async def order_status(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.web.app import _back as back

    web: WebDesk = request.app.state.web
    number = request.path_params["number"]
    wanted = {"on-hold": "on hold", "cancelled": "cancelled", "resume": ""}.get(form.get("status", ""))
    if wanted is None:
        return back(f"/orders/{number}", error="the status is on-hold, cancelled or resume")
    try:
        web.store.set_status(number, wanted, _acting(caller), form.get("note", "")[:1000])
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return back(f"/orders/{number}", error=str(exc))
    return back(f"/orders/{number}", said=translate(caller.person.language, "status_set"))


async def reclassify(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.pipeline import load_desk
    from mailflow.training import reclassify as carry_out
    from mailflow.web.app import _back as back

    web: WebDesk = request.app.state.web
    row_id = int(request.path_params["id"])
    message = web.store.message_row(row_id)
    category = form.get("category", "").strip()[:50]
    person = _acting(caller)
    # asked before the desk's workers start; the store asks again as it writes
    policy.require(person, policy.Action.RECLASSIFY, policy.Thing(f"message <{message.message_id}>"))
    desk = load_desk(web.config)
    try:
        refiled = carry_out(message.sha256, category, person, desk, web.store)
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return back(f"/messages/{row_id}", error=str(exc))
    finally:
        desk.close()
    return back(f"/messages/{row_id}", said=f"{refiled.before} -> {refiled.after}")


async def close_case(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.web.app import _back as back

    web: WebDesk = request.app.state.web
    number = request.path_params["number"]
    try:
        web.store.close_case(number, _acting(caller), form.get("note", "")[:1000])
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return back("/", error=str(exc))
    return back("/", said=translate(caller.person.language, "case_closed"))


def routes() -> list[Route]:
    from mailflow.web.app import posted

    return [
        Route("/orders/{number}/milestones/{key}/undo", posted(milestone_undo), methods=["POST"]),
        Route("/orders/{number}/payments", posted(record_payment), methods=["POST"]),
        Route("/orders/{number}/status", posted(order_status), methods=["POST"]),
        Route("/messages/{id:int}/reclassify", posted(reclassify), methods=["POST"]),
        Route("/cases/{number}/close", posted(close_case), methods=["POST"]),
    ]
