"""The desk in a browser: server-rendered pages (Starlette, Jinja2 with autoescape, htmx served
from the package) on the same database and archive as the daemon.

Every value from mail is data: templates escape it, the Content-Security-Policy allows no
inline script, a mail's HTML is shown in a sandboxed frame that may run nothing and load
nothing from elsewhere, attachments are downloads. Every POST needs the session's CSRF token
and a same-origin `Origin`; otherwise 403 and nothing changes. Paths never come from what a
user typed: messages, replies and attachments are found by their row id, orders by number.
"""

from __future__ import annotations

import datetime as dt
import difflib
import email
import email.policy
import hmac
import os
import re
import secrets
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mailflow import clock, policy
from mailflow.config import Config, User
from mailflow.errors import MailflowError, NotFound
from mailflow.policy import Person, Refused
from mailflow.store import Store, migrations
from mailflow.store.db import AttachmentRow, MessageRow
from mailflow.web import actions, auth
from mailflow.web.i18n import refusal, translate

HERE = Path(__file__).parent
COOKIE = "mailflow_session"
LOGIN_COOKIE = "mailflow_login"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
# a mail's own HTML: nothing runs, nothing is fetched; shown only inside our own pages
MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
PAGE = 200  # orders per page of /orders


@dataclass
class WebDesk:
    config: Config
    store: Store
    key: bytes
    limits: auth.Limits = field(default_factory=auth.Limits)


def secret_key(config: Config) -> bytes:
    """The key that hashes session tokens: made once (mode 600) and kept."""
    path = config.resolve(config.web.secret_key_file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode()


# --- rendering ---------------------------------------------------------------------------------

_ENV = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def _zone(person: auth.Person | None, config: Config) -> dt.tzinfo:
    name = (person.timezone if person else "") or config.followup.timezone
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return clock.local_zone()


def _when(value: Any, zone: dt.tzinfo) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        moment: dt.datetime = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_MARK = re.compile(r"\[([^\[\]]{1,80})\]")


def highlight(snippet: str) -> Markup:
    """A search snippet with its matches (marked [like this] by the search) in <mark>; all else
    escaped."""
    out, last = [], 0
    for found in _MARK.finditer(snippet):
        out.append(str(escape(snippet[last:found.start()])))
        out.append(f"<mark>{escape(found.group(1))}</mark>")
        last = found.end()
    out.append(str(escape(snippet[last:])))
    return Markup("".join(out))


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    web: WebDesk = request.app.state.web
    person: auth.Person | None = context.get("person")
    language = (person.language if person else request.query_params.get("lang", "en")) or "en"
    zone = _zone(person, web.config)
    html = _ENV.get_template(name).render(
        t=lambda key, **kw: translate(language, key, **kw), when=lambda v: _when(v, zone), lang=language,
        company=web.config.identity.company, path=request.url.path, highlight=highlight,
        said=request.query_params.get("said", "")[:300], error=request.query_params.get("error", "")[:300],
        **context)
    return HTMLResponse(html, status_code=status)


def _back(path: str, said: str = "", error: str = "") -> RedirectResponse:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("said", said), ("error", error)) if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


# --- who is asking -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caller:
    person: auth.Person
    csrf: str
    token: str


def _caller(request: Request) -> Caller | None:
    web: WebDesk = request.app.state.web
    token = request.cookies.get(COOKIE, "")
    found = auth.session_of(web.store.sessions, web.key, token, web.limits)
    return Caller(found[0], found[1], token) if found else None


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin", "")
    own = f"{request.url.scheme}://{request.url.netloc}"
    return bool(origin) and hmac.compare_digest(origin, own)


Handler = Callable[[Request, Caller], Awaitable[Response]]


def logged_in(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A page for people with a session: without one, to /login (303)."""
    async def wrapped(request: Request) -> Response:
        caller = _caller(request)
        if caller is None:
            return RedirectResponse("/login", status_code=303)
        try:
            return await handler(request, caller)
        except NotFound as exc:
            return page(request, "error.html", 404, person=caller.person, csrf=caller.csrf, message=str(exc))
        except Refused as exc:
            return refused(request, caller, exc)
    return wrapped


def refused(request: Request, caller: Caller, exc: Refused) -> Response:
    """What the policy refused, and why, in the reader's language; nothing changed (403)."""
    return page(request, "error.html", 403, person=caller.person, csrf=caller.csrf, code=exc.code,
                message=refusal(caller.person.language, exc))


def posted(handler: Callable[[Request, Caller, dict[str, str]], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """An action: a session, its CSRF token (form field or X-CSRF-Token) and a same-origin
    Origin, or 403 with nothing changed."""
    async def wrapped(request: Request) -> Response:
        caller = _caller(request)
        if caller is None:
            return PlainTextResponse("not logged in", status_code=403)
        form = await request.form()
        given = str(form.get("csrf_token") or request.headers.get("x-csrf-token", ""))
        if not _same_origin(request) or not given or not hmac.compare_digest(given, caller.csrf):
            return PlainTextResponse("refused: the request did not come from this desk's own page "
                                     "(CSRF token or Origin missing or wrong)", status_code=403)
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        try:
            return await handler(request, caller, fields)
        except NotFound as exc:
            return page(request, "error.html", 404, person=caller.person, csrf=caller.csrf, message=str(exc))
        except Refused as exc:
            return refused(request, caller, exc)
    return wrapped


def _acting(caller: Caller) -> Person:
    return Person(caller.person.name, caller.person.role)


def _as_user(person: auth.Person) -> User:
    # as stored: a role this version does not know is refused by the policy, not here
    return User.model_construct(name=person.name, role=person.role)


# --- login ----------------------------------------------------------------------------------------

async def login_form(request: Request) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = page(request, "login.html", person=None, csrf=token, message="")
    _set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


async def login(request: Request) -> Response:
    web: WebDesk = request.app.state.web
    form = await request.form()
    expected = request.cookies.get(LOGIN_COOKIE, "")
    given = str(form.get("csrf_token") or "")
    if not expected or not given or not hmac.compare_digest(given, expected) or not _same_origin(request):
        return PlainTextResponse("refused: the login form did not come from this desk", status_code=403)
    address = request.client.host if request.client else ""
    try:
        _, token, _ = auth.log_in(web.store.sessions, web.key, str(form.get("username") or "")[:200],
                                  str(form.get("password") or "")[:1000], address, web.limits)
    except auth.LoginRefused as exc:
        return page(request, "login.html", 401, person=None, csrf=expected, message=str(exc))
    response = RedirectResponse("/", status_code=303)
    _set_cookie(request, response, COOKIE, token, max_age=int(web.limits.absolute.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE)
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    web: WebDesk = request.app.state.web
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=web.config.web.secure_cookies, path="/")


@posted
async def logout(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    web: WebDesk = request.app.state.web
    auth.log_out(web.store.sessions, web.key, caller.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@posted
async def preferences(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    web: WebDesk = request.app.state.web
    zone = form.get("timezone")
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            return _back("/", error=f"unknown time zone {zone!r}")
    auth.set_preferences(web.store.sessions, caller.person.id, language=form.get("language"), timezone=zone)
    back = form.get("back", "/")
    return _back(back if back.startswith("/") and not back.startswith("//") else "/")


# --- pages ------------------------------------------------------------------------------------------

@logged_in
async def home(request: Request, caller: Caller) -> Response:
    from mailflow.follow.desk import SECTIONS, daily_plan

    web: WebDesk = request.app.state.web
    person = caller.person
    today = web.store.follower.today() if web.store.follower else clock.today()
    plan = daily_plan(web.store, web.config, today, person=None if person.manager else _as_user(person))
    follower = web.store.follower
    for key in SECTIONS:  # milestone names in the reader's language, as the plans give them
        for item in plan[key]:
            followed = follower.plan(item.get("plan") or "") if follower and item.get("milestone") else None
            milestone = followed.milestone(item["milestone"]) if followed else None
            if milestone is not None:
                item["name"] = milestone.name(person.language)
    return page(request, "plan.html", person=person, csrf=caller.csrf, plan=plan, sections=SECTIONS)


@logged_in
async def orders(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    buyer = request.query_params.get("buyer", "").strip().lower()
    status = request.query_params.get("status", "").strip()
    text = request.query_params.get("q", "").strip().lower()
    today = web.store.follower.today() if web.store.follower else clock.today()
    rows: list[dict[str, Any]] = []
    listed = web.store.order_list()
    for order in listed:
        if buyer and buyer not in order.buyer.lower():
            continue
        if status and order.status != status:
            continue
        if text and text not in f"{order.number} {order.folder} {order.buyer}".lower():
            continue
        late = (today - order.next_due).days if order.next_due and order.next_due < today else 0
        rows.append({"number": order.folder, "buyer": order.buyer, "status": order.status,
                     "next": order.next_milestone, "due": order.next_due, "late": late,
                     "outstanding": order.outstanding, "currency": order.currency})
    rows.sort(key=lambda r: (-r["late"], r["due"] is None, r["due"] or dt.date.max, r["number"]))
    try:
        number = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        number = 1
    pages = max(1, (len(rows) + PAGE - 1) // PAGE)
    number = min(number, pages)
    return page(request, "orders.html", person=caller.person, csrf=caller.csrf,
                rows=rows[(number - 1) * PAGE: number * PAGE], page_number=number, pages=pages, total=len(rows),
                filters={"buyer": buyer, "status": status, "q": text},
                statuses=sorted({o.status for o in listed}))


@logged_in
async def order_page(request: Request, caller: Caller) -> Response:
    from mailflow.authresults import summary as auth_summary

    web: WebDesk = request.app.state.web
    row = web.store.find_order(request.path_params["number"])
    if row is None:
        raise NotFound(f"no order {request.path_params['number']!r}")
    summary = web.store.order_summary(row.id)
    with web.store.sessions() as session:
        messages = session.execute(select(MessageRow.id, MessageRow.message_id).where(
            MessageRow.order_id == row.id)).all()
        files = session.execute(select(AttachmentRow.id, AttachmentRow.filename, AttachmentRow.message_row_id)
                                .join(MessageRow, AttachmentRow.message_row_id == MessageRow.id)
                                .where(MessageRow.order_id == row.id)).all()
    follow = summary.get("follow_up") or {}
    plan = web.store.follower.plan(follow.get("plan") or "") if web.store.follower else None
    for step in follow.get("milestones") or []:  # names in the reader's language
        milestone = plan.milestone(step["key"]) if plan else None
        if milestone is not None:
            step["name"] = milestone.name(caller.person.language)
    ids = {m.message_id: m.id for m in messages}
    attachments: dict[int, list[tuple[int, str]]] = {}
    for f in files:
        attachments.setdefault(f.message_row_id, []).append((f.id, f.filename))
    for m in summary["messages"]:
        m["row_id"] = ids.get(m["message_id"])
        m["files"] = attachments.get(m["row_id"] or 0, [])
        m["checks"] = auth_summary(m.get("authentication") or {})
    return page(request, "order.html", person=caller.person, csrf=caller.csrf, order=summary,
                number=row.folder)


@logged_in
async def message_page(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    row = _message(web, request)
    raw = web.store.archive.read(row.path)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    headers = [(k, str(v)[:2000]) for k, v in list(parsed.items())[:60]]
    has_html = parsed.get_body(("html",)) is not None
    with web.store.sessions() as session:
        files = list(session.scalars(select(AttachmentRow).where(AttachmentRow.message_row_id == row.id)))
    order = web.store.order(row.order_id) if row.order_id else None
    return page(request, "message.html", person=caller.person, csrf=caller.csrf, message=row, headers=headers,
                has_html=has_html, files=files, order=order)


def _message(web: WebDesk, request: Request) -> MessageRow:
    with web.store.sessions() as session:
        row = session.get(MessageRow, int(request.path_params["id"]))
    if row is None:
        raise NotFound("no such message")
    return row


@logged_in
async def message_html(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    row = _message(web, request)
    parsed = email.message_from_bytes(web.store.archive.read(row.path), policy=email.policy.default)
    body = parsed.get_body(("html",))
    html = str(body.get_content()) if body is not None else ""
    return HTMLResponse(html, headers={"Content-Security-Policy": MAIL_CSP, "X-Frame-Options": "SAMEORIGIN"})


@logged_in
async def message_raw(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    row = _message(web, request)
    return Response(web.store.archive.read(row.path), media_type="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{row.sha256[:16]}.eml"'})


@logged_in
async def attachment(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    with web.store.sessions() as session:
        row = session.get(AttachmentRow, int(request.path_params["id"]))
    if row is None:
        raise NotFound("no such attachment")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(row.filename).name)[:100] or "attachment"
    return Response(web.store.archive.read(row.path), media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@logged_in
async def search_page(request: Request, caller: Caller) -> Response:
    from mailflow.store import search

    web: WebDesk = request.app.state.web
    params = request.query_params
    query = params.get("q", "").strip()[:200]
    hits: list[Any] = []
    problem = ""
    if query:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(params.get(name, "")) if params.get(name) else None
            except ValueError:
                return None
        filters = search.Filters(order=params.get("order") or None, buyer=params.get("buyer") or None,
                                 category=params.get("category") or None, sender=params.get("from") or None,
                                 since=day("since"), until=day("until"),
                                 direction=params.get("direction") if params.get("direction") in ("in", "out")
                                 else None, limit=50)
        try:
            with web.store.sessions() as session:
                hits = search.search(session, query, filters)
        except MailflowError as exc:
            problem = str(exc)
    template = "search_results.html" if request.headers.get("hx-request") else "search.html"
    return page(request, template, person=caller.person, csrf=caller.csrf, query=query, hits=hits,
                problem=problem, params=dict(params))


@logged_in
async def outbox_page(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    wanted = request.query_params.get("state", "")
    rows = [r for r in web.store.outbox(wanted or None)
            if wanted or r.state in ("held", "queued", "failed", "uncertain")]
    return page(request, "outbox.html", person=caller.person, csrf=caller.csrf, rows=rows[-500:], state=wanted)


@logged_in
async def reply_page(request: Request, caller: Caller) -> Response:
    from mailflow.reply.compose import readable

    web: WebDesk = request.app.state.web
    reply = web.store.reply(int(request.path_params["id"]))
    shown = readable(reply.raw)
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.default)
    files = [(i, part.get_filename() or "attachment", len(part.get_payload(decode=True) or b""))
             for i, part in enumerate(parsed.iter_attachments())]
    verdict = policy.check(_acting(caller), policy.Action.APPROVE_REPLY,
                           policy.Reply(reply.id, reply.template, reply.approver))
    return page(request, "reply.html", person=caller.person, csrf=caller.csrf, reply=reply, shown=shown,
                files=files, not_yours="" if verdict.allowed else refusal(caller.person.language, Refused(verdict)))


@logged_in
async def reply_attachment(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    reply = web.store.reply(int(request.path_params["id"]))
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.default)
    parts = list(parsed.iter_attachments())
    index = int(request.path_params["n"])
    if not 0 <= index < len(parts):
        raise NotFound("no such attachment")
    part = parts[index]
    inline = part.get_content_type() == "application/pdf" and request.query_params.get("view") == "1"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", part.get_filename() or "attachment")[:100]
    return Response(part.get_payload(decode=True) or b"",
                    media_type="application/pdf" if inline else "application/octet-stream",
                    headers={"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{safe}"'})


@posted
async def approve_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    web: WebDesk = request.app.state.web
    reply_id = int(request.path_params["id"])
    try:
        web.store.approve(reply_id, _acting(caller))
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return _back(f"/outbox/{reply_id}", error=str(exc))
    return _back(f"/outbox/{reply_id}", said=translate(caller.person.language, "approved"))


@posted
async def reject_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    web: WebDesk = request.app.state.web
    reply_id = int(request.path_params["id"])
    reason = form.get("reason", "").strip()[:1000]
    try:
        web.store.reject(reply_id, reason, _acting(caller))
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return _back(f"/outbox/{reply_id}", error=str(exc))
    return _back(f"/outbox/{reply_id}", said=translate(caller.person.language, "rejected"))


@posted
async def edit_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.reply.compose import readable, replace_text

    web: WebDesk = request.app.state.web
    reply_id = int(request.path_params["id"])
    reply = web.store.reply(reply_id)
    policy.require(_acting(caller), policy.Action.EDIT_REPLY, policy.Reply(reply.id, reply.template, reply.approver))
    text = form.get("text", "").replace("\r\n", "\n")[:100_000]
    if not text.strip():
        return _back(f"/outbox/{reply_id}", error="an empty reply is not sent; reject it instead")
    before = readable(reply.raw).text
    try:
        web.store.replace_reply(reply_id, replace_text(reply.raw, text), reply.subject, _acting(caller))
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return _back(f"/outbox/{reply_id}", error=str(exc))
    diff = "\n".join(difflib.unified_diff(before.splitlines(), text.splitlines(), "before", "after", lineterm=""))
    return page(request, "edited.html", person=caller.person, csrf=caller.csrf, reply_id=reply_id, diff=diff)


@posted
async def milestone_done(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    web: WebDesk = request.app.state.web
    number, key = request.path_params["number"], request.path_params["key"]
    try:
        web.store.complete(number, key, _acting(caller), form.get("note", "")[:1000])
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return _back(f"/orders/{number}", error=str(exc))
    return _back(f"/orders/{number}", said=translate(caller.person.language, "milestone_done"))


@posted
async def sign_off(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.follow.signoff import approve

    web: WebDesk = request.app.state.web
    number = request.path_params["number"]
    try:
        _, why = approve(web.store, web.config, number, _acting(caller), form.get("note", "")[:1000])
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return _back(f"/orders/{number}", error=str(exc))
    return _back(f"/orders/{number}", said=f"{translate(caller.person.language, 'signed_off')}: {why}")


@posted
async def refile(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    web: WebDesk = request.app.state.web
    row = _message(web, request)
    number = form.get("order", "").strip()[:200]
    if not number:
        return _back(f"/messages/{row.id}", error="give the order number to file it under")
    try:
        applied = web.store.assign(row.sha256, number, _acting(caller))
    except (Refused, NotFound):
        raise
    except MailflowError as exc:
        return _back(f"/messages/{row.id}", error=str(exc))
    return _back(f"/orders/{applied.order_folder}", said=translate(caller.person.language, "refiled"))


@logged_in
async def export(request: Request, caller: Caller) -> Response:
    from starlette.background import BackgroundTask

    from mailflow.store.export import export_order

    web: WebDesk = request.app.state.web
    row = web.store.find_order(request.path_params["number"])
    if row is None:
        raise NotFound("no such order")
    handle, name = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    export_order(web.store, row.id, Path(name))
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", row.folder)[:100]
    return FileResponse(name, media_type="application/zip", filename=f"order-{safe}.zip",
                        background=BackgroundTask(os.unlink, name))


@logged_in
async def quarantine_page(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    return page(request, "quarantine.html", person=caller.person, csrf=caller.csrf, rows=web.store.quarantined())


@posted
async def quarantine_retry(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.pipeline import load_desk, retry_quarantined

    web: WebDesk = request.app.state.web
    desk = load_desk(web.config)
    try:
        results = retry_quarantined(desk, web.store, _acting(caller))
    finally:
        desk.close()
    filed = sum(1 for r in results if r.resolved)
    return _back("/quarantine", said=translate(caller.person.language, "retried", filed=filed, total=len(results)))


@logged_in
async def rules_page(request: Request, caller: Caller) -> Response:
    web: WebDesk = request.app.state.web
    folder = web.config.rules_dir
    files = []
    for path in sorted(folder.glob("*.y*ml"))[:100]:
        files.append((path.name, path.read_text(encoding="utf-8", errors="replace")[:200_000]))
    preview = None
    if request.query_params.get("preview"):
        from mailflow.evaluate import preview_archive
        from mailflow.pipeline import load_desk

        desk = load_desk(web.config)
        try:
            preview = preview_archive(desk, web.store, limit=500)
        finally:
            desk.close()
    return page(request, "rules.html", person=caller.person, csrf=caller.csrf, files=files, preview=preview)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    web: WebDesk = request.app.state.web
    try:
        current = migrations.current(web.store.engine)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is "not ready"
        return PlainTextResponse(f"database not reachable: {type(exc).__name__}", status_code=503)
    if current != migrations.head():
        return PlainTextResponse(f"database at schema {current}, mailflow needs {migrations.head()}", status_code=503)
    return PlainTextResponse("ready")


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


def create_app(config: Config, store: Store) -> Starlette:
    routes = [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/preferences", preferences, methods=["POST"]),
        Route("/", home),
        Route("/orders", orders),
        Route("/orders/{number}", order_page),
        Route("/orders/{number}/export", export),
        Route("/orders/{number}/milestones/{key}/done", milestone_done, methods=["POST"]),
        Route("/orders/{number}/approve", sign_off, methods=["POST"]),
        Route("/messages/{id:int}", message_page),
        Route("/messages/{id:int}/html", message_html),
        Route("/messages/{id:int}/raw", message_raw),
        Route("/messages/{id:int}/refile", refile, methods=["POST"]),
        Route("/attachments/{id:int}", attachment),
        Route("/search", search_page),
        Route("/outbox", outbox_page),
        Route("/outbox/{id:int}", reply_page),
        Route("/outbox/{id:int}/attachments/{n:int}", reply_attachment),
        Route("/outbox/{id:int}/approve", approve_reply, methods=["POST"]),
        Route("/outbox/{id:int}/reject", reject_reply, methods=["POST"]),
        Route("/outbox/{id:int}/edit", edit_reply, methods=["POST"]),
        Route("/quarantine", quarantine_page),
        Route("/quarantine/retry", quarantine_retry, methods=["POST"]),
        Route("/rules", rules_page),
        *actions.routes(),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
    app.state.web = WebDesk(config, store, secret_key(config),
                            auth.Limits(idle=dt.timedelta(hours=config.web.session_idle_hours),
                                        absolute=dt.timedelta(days=config.web.session_days)))
    return app
