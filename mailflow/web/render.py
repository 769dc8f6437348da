"""Pages: Jinja2 templates with autoescape, in the reader's language and time zone; the small
helpers the templates use; a redirect back with a message for the next page (kept on the
server, `state.Flash`, never read from the URL); download names."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from mailflow import clock
from mailflow.config import Config
from mailflow.extract.details import detail_markup
from mailflow.follow.desk import mine
from mailflow.web import auth, lookups
from mailflow.web.i18n import due_reason, translate, word
from mailflow.web.state import SESSION_COOKIE, desk_of

HERE = Path(__file__).parent
_ENV = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
_MARK = re.compile(r"\[([^\[\]]{1,80})\]")


def zone_of(person: auth.Person | None, config: Config) -> dt.tzinfo:
    """The zone a reader is shown times in: their own (chosen on any page), else the desk's
    (`web.timezone`), else the follow-up's calendar (`followup.timezone`), else the machine's."""
    name = (person.timezone if person else "") or config.web.timezone or config.followup.timezone
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return clock.local_zone()


def zone_label(zone: dt.tzinfo) -> str:
    """A zone as the page names it: its name and its offset now ("Asia/Shanghai, UTC+08:00")."""
    offset = clock.now().astimezone(zone).strftime("%z")
    hours = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    name = getattr(zone, "key", None) or str(zone)
    return hours if name in ("UTC", hours) else f"{name}, {hours}"


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


def highlight(snippet: str, terms: tuple[str, ...] = ()) -> Markup:
    """A search snippet with its matches in <mark>; all else escaped. The search marks a match
    [like this]; brackets the mail itself holds around anything but a searched term stay text."""
    wanted = {term.lower() for term in terms}
    out, last = [], 0
    for found in _MARK.finditer(snippet):
        if found.group(1).lower() not in wanted:
            continue
        out.append(str(escape(snippet[last:found.start()])))
        out.append(f"<mark>{escape(found.group(1))}</mark>")
        last = found.end()
    out.append(str(escape(snippet[last:])))
    return Markup("".join(out))


def browser_language(request: Request) -> str:
    """The language a reader not logged in is shown: Chinese when the browser asks for it first."""
    asked = request.headers.get("accept-language", "")[:200].strip().lower()
    return "zh" if asked.startswith("zh") else "en"


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Template `name` rendered for the reader (`person` in the context; none on the login
    form), with the message or error the reader's previous action left (`back`)."""
    web = desk_of(request)
    person: auth.Person | None = context.get("person")
    said, error = web.flash.take(request.cookies.get(SESSION_COOKIE, "")) if person else ("", "")
    language = (context.pop("lang_override", None) or (person.language if person else None)
                or request.query_params.get("lang") or browser_language(request))
    counts = lookups.nav_counts(web.store, mine(web.config, auth.as_user(person))) \
        if person and name != "search_results.html" else {}
    html = _ENV.get_template(name).render(
        **wording(language, zone_of(person, web.config)), company=web.config.identity.company, counts=counts,
        path=request.url.path, highlight=highlight, said=said, error=error, **context)
    return HTMLResponse(html, status_code=status)


def wording(language: str, zone: dt.tzinfo) -> dict[str, Any]:
    """What every page's template words its text with, in `language`: the catalogue's sentences
    (`t`), the names of values (`w`), due reasons (`due_why`), a check's detail (`detail`, its
    values marked as data) and times in the reader's `zone`."""
    return {"t": lambda key, **kw: translate(language, key, **kw), "when": lambda v: when(v, zone),
            "zone_name": zone_label(zone),
            "lang": language, "w": lambda group, value: word(language, group, value),
            "due_why": lambda why, names=None: due_reason(language, why or "", names),
            "size_of": lambda n: size_of(language, n), "money": money,
            "detail": lambda check: detail_markup(check, language)}


MONEY_PLACES = 8  # decimals shown with separators; beyond that an amount is shown as written


def money(amount: Any, currency: Any = "") -> str:
    """An amount as every page shows money: the currency first, thousands separated, at least
    two decimals and any more it has ("USD 43,020.00", "USD 0.485"); what is no number as it is."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return f"{currency or ''} {amount}".strip()
    if not value.is_finite():
        return f"{currency or ''} {amount}".strip()
    exponent = value.as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 2)
    if places > MONEY_PLACES:  # never rounded: more digits than money has are shown as written
        return f"{currency or ''} {amount}".strip()
    return f"{currency or ''} {value:,.{places}f}".strip()


def size_of(language: str, size: int) -> str:
    """A file's size, in bytes, KB or MB (one decimal above 1 MB)."""
    if size < 1024:
        return translate(language, "bytes", n=size)
    if size < 1024 * 1024:
        return translate(language, "kilobytes", n=f"{size // 1024:,}")
    return translate(language, "megabytes", n=f"{size / 1024 / 1024:,.1f}")


class Back(RedirectResponse):
    """To `path` (303); what was done or what went wrong is left for the session's next page
    by the action's wrapper (`security.posted`), not put in the URL."""

    def __init__(self, path: str, said: str = "", error: str = "") -> None:
        super().__init__(path, status_code=303)
        self.said, self.error = said, error


def back(path: str, said: str = "", error: str = "") -> RedirectResponse:
    """To `path` (303), saying on the next page what was done or what went wrong."""
    return Back(path, said, error)


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


def disposition(name: str, inline: bool = False) -> str:
    """A Content-Disposition for a download named `name` (RFC 6266): `filename` in plain ASCII
    for old clients, `filename*` with the name itself (UTF-8, percent-encoded, RFC 5987)."""
    shown = "".join(c for c in name if c.isprintable())[:200] or "attachment"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{safe_name(shown)}\"; filename*=UTF-8''{quote(shown, safe='')}"
