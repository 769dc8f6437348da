"""Search: the same hits as `mailflow search --json` (`views.search`), with their matches marked;
htmx asks for the results alone as the words are typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from mailflow import views
from mailflow.errors import MailflowError
from mailflow.parties import PARTIES
from mailflow.store.search import Filters, parse_query
from mailflow.web.messages import rule_categories
from mailflow.web.render import page
from mailflow.web.security import Caller, logged_in
from mailflow.web.state import desk_of


def _day(params: QueryParams, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(params.get(name, "")) if params.get(name) else None
    except ValueError:
        return None


def _filters(params: QueryParams) -> Filters:
    direction, party = params.get("direction"), params.get("party")
    return Filters(order=params.get("order") or None, buyer=params.get("buyer") or None,
                   category=params.get("category") or None, sender=params.get("from") or None,
                   since=_day(params, "since"), until=_day(params, "until"),
                   direction=direction if direction in ("in", "out") else None,
                   party=party if party in PARTIES else None, limit=50)


@logged_in
def search_page(request: Request, caller: Caller) -> Response:
    params = request.query_params
    query = params.get("q", "").strip()[:200]
    hits: list[dict[str, Any]] = []
    terms: tuple[str, ...] = ()
    problem = ""
    if query:
        try:
            hits = views.search(desk_of(request).store, query, _filters(params), row_ids=True)
            parsed = parse_query(query)
            terms = (*parsed.long, *parsed.cjk, *parsed.short)
        except MailflowError as exc:
            problem = str(exc)
    template = "search_results.html" if request.headers.get("hx-request") else "search.html"
    return page(request, template, person=caller.person, csrf=caller.csrf, query=query, hits=hits,
                problem=problem, params=dict(params), terms=terms, parties=PARTIES,
                categories=[] if request.headers.get("hx-request") else rule_categories(desk_of(request).config))
