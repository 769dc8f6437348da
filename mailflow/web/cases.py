"""Complaint cases: closing one (`case close`), by whom the policy allows (a manager)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mailflow.errors import MailflowError, NotFound
from mailflow.policy import Refused
from mailflow.web.i18n import translate
from mailflow.web.render import back
from mailflow.web.security import Caller, acting, posted
from mailflow.web.state import desk_of


@posted
def close_case(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    try:
        desk_of(request).store.close_case(request.path_params["number"], acting(caller), form.get("note", "")[:1000])
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return back("/", error=str(exc))
    return back("/", said=translate(caller.person.language, "case_closed"))
