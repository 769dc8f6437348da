"""The desk in a browser: server-rendered pages (Starlette, Jinja2 with autoescape, htmx served
from the package) on the same database and archive as the daemon.

Every value from mail is data: templates escape it, the Content-Security-Policy allows no
inline script, a mail's HTML is shown in a sandboxed frame that may run nothing and load
nothing from elsewhere, attachments are downloads. Every POST needs the session's CSRF token
and a same-origin `Origin`; otherwise 403 and nothing changes. Paths never come from what a
user typed: messages, replies and attachments are found by their row id, orders by number.

One module per group of pages (found by the URL's first word), every route in ROUTES below;
who is asking and the checks on it are in `security.py`, rendering in `render.py`. A page's
data comes from the functions the CLI's `--json` prints (`mailflow.views`), and every handler's
body runs in the thread pool, off the event loop.

Row ids in paths are `{id:row}`: up to 9 digits, so that a number the database's integer
columns cannot hold (PostgreSQL's stop at 2^31 - 1) is no page (404), not an error. Behind a TLS proxy named in `web.trusted_proxies`,
uvicorn's ProxyHeadersMiddleware takes the scheme and the client's address from the proxy's
X-Forwarded-Proto and X-Forwarded-For; from any other address those headers are ignored.
"""

from __future__ import annotations

import datetime as dt

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from mailflow.config import Config
from mailflow.store import Store, migrations
from mailflow.web import admin, auth, cases, login, messages, orders, outbox, plan, search
from mailflow.web.render import HERE
from mailflow.web.security import SecurityHeaders, secret_key
from mailflow.web.state import WebDesk, desk_of


class RowId(Convertor[int]):
    """A row id in a path: at most 9 digits, always within the database's integer columns."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("row", RowId())


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def _ready(request: Request) -> Response:
    try:
        current = migrations.current(desk_of(request).store.engine)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is "not ready"
        return PlainTextResponse(f"database not reachable: {type(exc).__name__}", status_code=503)
    if current != migrations.head():
        return PlainTextResponse(f"database at schema {current}, mailflow needs {migrations.head()}", status_code=503)
    return PlainTextResponse("ready")


async def readyz(request: Request) -> Response:
    return await run_in_threadpool(_ready, request)


POST = ["POST"]
ROUTES: list[BaseRoute] = [
    Route("/login", login.login_form, methods=["GET"]),
    Route("/login", login.login, methods=POST),
    Route("/logout", login.logout, methods=POST),
    Route("/preferences", login.preferences, methods=POST),
    Route("/", plan.home),
    Route("/orders", orders.orders),
    Route("/orders/{number}", orders.order_page),
    Route("/orders/{number}/export", orders.export),
    Route("/orders/{number}/milestones/{key}/done", orders.milestone_done, methods=POST),
    Route("/orders/{number}/milestones/{key}/undo", orders.milestone_undo, methods=POST),
    Route("/orders/{number}/approve", orders.sign_off, methods=POST),
    Route("/orders/{number}/payments", orders.record_payment, methods=POST),
    Route("/orders/{number}/status", orders.order_status, methods=POST),
    Route("/orders/{number}/dates", orders.set_date, methods=POST),
    Route("/messages/{id:row}", messages.message_page),
    Route("/messages/{id:row}/html", messages.message_html),
    Route("/messages/{id:row}/raw", messages.message_raw),
    Route("/messages/{id:row}/refile", messages.refile, methods=POST),
    Route("/messages/{id:row}/reclassify", messages.reclassify, methods=POST),
    Route("/attachments/{id:row}", messages.attachment),
    Route("/attachments/{id:row}/preview", messages.attachment_preview),
    Route("/previews/{sha256}/{page:row}.png", messages.preview_png),
    Route("/search", search.search_page),
    Route("/outbox", outbox.outbox_page),
    Route("/outbox/{id:row}", outbox.reply_page),
    Route("/outbox/{id:row}/attachments/{n:row}", outbox.reply_attachment),
    Route("/outbox/{id:row}/attachments/{n:row}/preview", outbox.reply_attachment_preview),
    Route("/outbox/{id:row}/approve", outbox.approve_reply, methods=POST),
    Route("/outbox/{id:row}/reject", outbox.reject_reply, methods=POST),
    Route("/outbox/{id:row}/edit", outbox.edit_reply, methods=POST),
    Route("/outbox/{id:row}/retry", outbox.retry_reply, methods=POST),
    Route("/cases/{number}/close", cases.close_case, methods=POST),
    Route("/quarantine", admin.quarantine_page),
    Route("/quarantine/retry", admin.quarantine_retry, methods=POST),
    Route("/quarantine/{id:row}", admin.quarantined_page),
    Route("/quarantine/{id:row}/raw", admin.quarantined_raw),
    Route("/rules", admin.rules_page),
    Route("/healthz", healthz),
    Route("/readyz", readyz),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]


def create_app(config: Config, store: Store) -> Starlette:
    proxies = config.web.trusted_proxies
    app = Starlette(routes=ROUTES, middleware=[
        *([Middleware(ProxyHeadersMiddleware, trusted_hosts=list(proxies))] if proxies else []),
        Middleware(SecurityHeaders)])
    app.state.web = WebDesk(config, store, secret_key(config, store),
                            auth.Limits(idle=dt.timedelta(hours=config.web.session_idle_hours),
                                        absolute=dt.timedelta(days=config.web.session_days)))
    return app
