"""Complaint cases: closing one (`case close`), by whom the policy allows (a manager)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mailflow.web.i18n import translate
from mailflow.web.render import back
from mailflow.web.security import Caller, acting, attempt, posted
from mailflow.web.state import desk_of


@posted
def close_case(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    number, note = request.path_params["number"], form.get("note", "")[:1000]
    attempt("/", lambda: desk_of(request).store.close_case(number, acting(caller), note))
    return back("/", said=translate(caller.person.language, "case_closed"))
