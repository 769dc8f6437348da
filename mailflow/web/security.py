"""Who is asking and whether to believe them: the key that hashes session tokens, the session
cookie and its caller, the CSRF token and the same-origin check on every POST, the security
headers on every answer, and what the desk's policy refuses (`mailflow.policy`, asked by the
store), shown with its reason in the reader's language.

Every page and action runs its body off the event loop (`run_in_threadpool`): the session
lookup, the database, the archive and argon2 all block, and a slow page must not stop the desk
answering anyone else.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match

from mailflow.config import Config
from mailflow.errors import MailflowError, NotFound
from mailflow.policy import Person, Refused
from mailflow.web import auth
from mailflow.web.i18n import refusal, translate
from mailflow.web.render import Back, back, browser_language, page, way_back
from mailflow.web.state import SESSION_COOKIE, desk_of

COOKIE = SESSION_COOKIE
LOGIN_COOKIE = "mailflow_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
# a mail's own HTML: nothing runs, nothing is fetched; shown only inside our own pages
MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"

T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]


def secret_key(config: Config, store: Any) -> bytes:
    """The key that hashes session tokens: in the database, one for every web desk on it
    (`auth.session_key`); a desk that kept it in `web.secret_key_file` before brings it along."""
    return auth.session_key(store.sessions, config.resolve(config.web.secret_key_file))


# --- who is asking -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    person: auth.Person
    csrf: str
    token: str


def caller_of(request: Request) -> Caller | None:
    """The person whose session cookie came with the request (blocks: the database)."""
    web = desk_of(request)
    token = request.cookies.get(COOKIE, "")
    found = auth.session_of(web.store.sessions, web.key, token, web.limits)
    return Caller(found[0], found[1], token) if found else None


def own_origin(request: Request) -> str:
    """The desk's origin as the browser sees it: behind a trusted proxy (`web.trusted_proxies`)
    its scheme is the proxy's X-Forwarded-Proto (uvicorn's ProxyHeadersMiddleware sets it), the
    host is the Host header the proxy passes on."""
    return f"{request.url.scheme}://{request.url.netloc}"


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin", "")
    return bool(origin) and hmac.compare_digest(origin, own_origin(request))


def local_path(value: str) -> str | None:
    """`value` if it is a path on this desk (`/orders/KS-7001?tab=2`), else None: never another
    site (`//evil`, `/\\evil`, `https://evil`), never a control character."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return None
    if any(not c.isprintable() for c in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


def gettable(request: Request, value: str) -> str | None:
    """`value` if it is a page of this desk that answers a GET (a path `local_path` accepts and a
    route takes with GET), else None."""
    path = local_path(value)
    if path is None:
        return None
    scope = {"type": "http", "method": "GET", "path": urlsplit(path).path}
    for route in request.app.router.routes:
        if route.matches(scope)[0] is Match.FULL:
            return path
    return None


def login_token(request: Request) -> str:
    """The login form's own CSRF token (there is no session yet): the one its cookie carries, or
    a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)


def login_form_checked(request: Request, given: str) -> bool:
    """A login came from our own form: its token is the form cookie's and its Origin is ours."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    return bool(expected) and bool(given) and hmac.compare_digest(given, expected) and same_origin(request)


def acting(caller: Caller) -> Person:
    """The logged-in person as the policy knows people: the store asks it for them."""
    return Person(caller.person.name, caller.person.role)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """A cookie only our own pages read; sent over HTTPS only when the desk is reached by HTTPS
    (directly or through a trusted proxy) or `web.secure_cookies` says so."""
    secure = desk_of(request).config.web.secure_cookies or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")


Page = Callable[[Request, Caller], Response]
Action = Callable[[Request, Caller, dict[str, str]], Response]


class GoBack(Exception):
    """An act the desk did not carry out for a reason the person can mend: back to `path`,
    saying why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path, self.reason = path, reason


def attempt(path: str, act: Callable[[], T]) -> T:
    """Carry out a person's act. What the policy refused (403) and what is not there (404) are
    shown on a page of their own; any other reason goes back to `path`, where the person was."""
    try:
        return act()
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        raise GoBack(path, str(exc)) from exc


def _answered(request: Request, caller: Caller, run: Callable[[], Response]) -> Response:
    """The handler's answer; what a redirect back says is left for the session's next page."""
    try:
        answer = run()
    except GoBack as went:
        answer = back(went.path, error=went.reason)
    except NotFound as exc:
        return page(request, "error.html", 404, person=caller.person, csrf=caller.csrf, message=str(exc))
    except Refused as exc:  # what the policy refused, and why; nothing changed
        return page(request, "error.html", 403, person=caller.person, csrf=caller.csrf, code=exc.code,
                    message=refusal(caller.person.language, exc), way_back=way_back(request.url.path))
    if isinstance(answer, Back):
        desk_of(request).flash.leave(caller.token, answer.said, answer.error)
    return answer


def _shown(handler: Page, request: Request) -> Response:
    caller = caller_of(request)
    if caller is None:
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(wanted, safe='')}" if wanted != "/" else "/login",
                                status_code=303)
    return _answered(request, caller, lambda: handler(request, caller))


def logged_in(handler: Page) -> Endpoint:
    """A page for people with a session (without one, to /login, 303). The handler is a plain
    function: it runs, with the session lookup, in the thread pool."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(_shown, handler, request)
    return endpoint


def posted(handler: Action) -> Endpoint:
    """An action: a session, its CSRF token (form field or X-CSRF-Token) and a same-origin
    Origin, or 403 with nothing changed. Only reading the form happens on the event loop."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        caller = await run_in_threadpool(caller_of, request)
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        given = str(form.get("csrf_token") or request.headers.get("x-csrf-token", ""))
        if (caller is None or not same_origin(request) or not given
                or not hmac.compare_digest(given, caller.csrf)):
            return await run_in_threadpool(stale_form, request, caller, fields)
        return await run_in_threadpool(_answered, request, caller, lambda: handler(request, caller, fields))
    return endpoint


def reader_language(request: Request, caller: Caller | None) -> str:
    """The reader's language: their own when logged in, else the first the browser asks for."""
    if caller is not None:
        return caller.person.language or "en"
    return browser_language(request)


def stale_form(request: Request, caller: Caller | None, fields: dict[str, str]) -> Response:
    """A form refused as not coming from this desk's own page (an expired session or token, a
    form from another site): 403, nothing changed, said in the reader's language with a way back
    to the page it came from and the text that was typed, to copy. The text is shown only when
    the form was sent from a page of this desk (its Origin is ours): another site's words are
    never shown as the reader's own."""
    language = reader_language(request, caller)
    typed = [(name, text[:100_000]) for name, text in list(fields.items())[:20]
             if name not in ("csrf_token", "back") and text.strip()] if same_origin(request) else []
    return page(request, "error.html", 403, person=caller.person if caller else None,
                csrf=caller.csrf if caller else "", code="stale_form", lang_override=language,
                message=translate(language, "stale_form"), back_to=came_from(request), typed=typed)


def came_from(request: Request) -> str:
    """The page of this desk the request came from (its Referer, if a page of ours a GET shows),
    else the home page."""
    referer = urlsplit(request.headers.get("referer", "")[:2000])
    if f"{referer.scheme}://{referer.netloc}" != own_origin(request):
        return "/"
    return gettable(request, (referer.path or "/") + (f"?{referer.query}" if referer.query else "")) or "/"


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.url.path not in ("/healthz", "/readyz") and not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
