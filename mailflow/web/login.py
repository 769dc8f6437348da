"""Logging in and out, and the reader's language and time zone.

The login form carries its own CSRF token (a cookie made with the form), since there is no
session yet; argon2 verifies the password in the thread pool, never on the event loop. A page
asked for without a session comes back after the login (`?next=`, a path of this desk only).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mailflow.web import auth
from mailflow.web.i18n import translate
from mailflow.web.render import back, browser_language, page
from mailflow.web.security import (
    COOKIE,
    LOGIN_COOKIE,
    Caller,
    gettable,
    login_form_checked,
    login_token,
    posted,
    set_cookie,
    stale_form,
)
from mailflow.web.state import desk_of


def _form(request: Request) -> Response:
    token = login_token(request)
    wanted = gettable(request, request.query_params.get("next", "")) or ""
    response = page(request, "login.html", person=None, csrf=token, message="", next=wanted)
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


async def login_form(request: Request) -> Response:
    return await run_in_threadpool(_form, request)


def _log_in(request: Request, name: str, password: str, wanted: str) -> Response:
    web = desk_of(request)
    address = request.client.host if request.client else ""
    after = gettable(request, wanted) or "/"
    try:
        _, token, _ = auth.log_in(web.store.sessions, web.key, name, password, address, web.limits)
    except auth.LoginRefused as exc:
        message = translate(browser_language(request), exc.code) if exc.code else str(exc)
        return page(request, "login.html", 401, person=None, csrf=login_token(request), message=message,
                    next=after if after != "/" else "")
    response = RedirectResponse(after, status_code=303)
    set_cookie(request, response, COOKIE, token, max_age=int(web.limits.absolute.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE)
    return response


async def login(request: Request) -> Response:
    form = await request.form()
    if not login_form_checked(request, str(form.get("csrf_token") or "")):
        return await run_in_threadpool(stale_form, request, None, {})
    return await run_in_threadpool(_log_in, request, str(form.get("username") or "")[:200],
                                   str(form.get("password") or "")[:1000], str(form.get("next") or ""))


@posted
def logout(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    auth.log_out(desk_of(request).store.sessions, desk_of(request).key, caller.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@posted
def preferences(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    zone = form.get("timezone")
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            return back("/", error=translate(caller.person.language, "bad_zone", zone=repr(zone)))
    auth.set_preferences(desk_of(request).store.sessions, caller.person.id, language=form.get("language"),
                         timezone=zone)
    # back to the page the switch was made on if a GET shows it (not an action's own URL)
    return back(gettable(request, form.get("back", "/")) or "/")
