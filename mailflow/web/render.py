"""Pages: Jinja2 templates with autoescape, in the reader's language and time zone; the small
helpers the templates use; a redirect back with a message; safe download names."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from mailflow import clock
from mailflow.config import Config
from mailflow.web import auth
from mailflow.web.i18n import translate
from mailflow.web.state import desk_of

HERE = Path(__file__).parent
_ENV = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_MARK = re.compile(r"\[([^\[\]]{1,80})\]")


def zone_of(person: auth.Person | None, config: Config) -> dt.tzinfo:
    name = (person.timezone if person else "") or config.followup.timezone
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return clock.local_zone()


def when(value: Any, zone: dt.tzinfo) -> str:
    """A moment in the reader's zone (YYYY-MM-DD HH:MM; naive ones are UTC), a day as it is."""
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
    """Template `name` rendered for the reader (`person` in the context; none on the login
    form), with the message or error the previous action left in the query."""
    web = desk_of(request)
    person: auth.Person | None = context.get("person")
    language = (person.language if person else request.query_params.get("lang", "en")) or "en"
    zone = zone_of(person, web.config)
    html = _ENV.get_template(name).render(
        t=lambda key, **kw: translate(language, key, **kw), when=lambda v: when(v, zone), lang=language,
        company=web.config.identity.company, path=request.url.path, highlight=highlight,
        said=request.query_params.get("said", "")[:300], error=request.query_params.get("error", "")[:300],
        **context)
    return HTMLResponse(html, status_code=status)


def back(path: str, said: str = "", error: str = "") -> RedirectResponse:
    """To `path` (303), saying what was done or what went wrong."""
    query = urlencode({k: v for k, v in (("said", said), ("error", error)) if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


def way_back(path: str) -> str:
    """The page an action was taken from, for a refusal's way back: an order's, a message's or
    a reply's own page, the quarantine, else the plan."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in ("orders", "messages", "outbox") and parts[2]:
        return "/" + "/".join(parts[1:3])
    return "/quarantine" if parts[1:2] == ["quarantine"] else "/"


def safe_name(name: str, default: str = "attachment") -> str:
    """A download's file name: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100] or default
