"""One message: its headers, text, attachments and its HTML (served inert, for a sandboxed
frame), the raw mail as a download, filing it under another order and reclassifying it. Messages and
attachments are found by their row id, never by a path."""

from __future__ import annotations

import codecs
import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from mailflow import policy
from mailflow.config import Config
from mailflow.errors import NotFound
from mailflow.store import Store
from mailflow.web import preview
from mailflow.web.i18n import translate
from mailflow.web.render import back, disposition, page
from mailflow.web.security import MAIL_CSP, Caller, acting, attempt, logged_in, posted
from mailflow.web.state import desk_of


def archived(store: Store, path: str, caller: Caller) -> bytes:
    """A file of the archive; one this archive does not hold (moved, restored elsewhere) is a
    page saying so, in the reader's language."""
    try:
        return store.archive.read(path)
    except OSError:
        raise NotFound(translate(caller.person.language, "not_in_archive", path=path)) from None


def streamed(store: Store, path: str, caller: Caller) -> Iterator[bytes]:
    """A file of the archive as a download reads it: in pieces, never whole in memory (an
    attachment may be 50 MB, and in a bucket it is read over the network); opened here, so
    that a missing file is the same page as in `archived`, not a download cut short."""
    try:
        return store.archive.chunks(path)
    except OSError:
        raise NotFound(translate(caller.person.language, "not_in_archive", path=path)) from None


def unknown_charset(part: EmailMessage | None) -> str:
    """The charset `part` names if Python has no codec for it, else ""."""
    if part is None:
        return ""
    name = str(part.get_param("charset") or "")[:100]
    if not name:
        return ""
    try:
        codecs.lookup(name)
    except LookupError:
        return name
    return ""


def html_of(part: EmailMessage) -> str:
    """The HTML part's text; under a charset without a codec, its bytes read as UTF-8."""
    if unknown_charset(part):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return str(part.get_content())


@logged_in
def message_page(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    parsed = email.message_from_bytes(archived(store, row.path, caller), policy=email.policy.default)
    headers = [(k, str(v)[:2000]) for k, v in list(parsed.items())[:60]]
    order = store.order(row.order_id) if row.order_id else None
    html = parsed.get_body(("html",))
    charset = unknown_charset(html) if isinstance(html, EmailMessage) else ""
    person = acting(caller)
    mail = policy.Thing(f"message <{row.message_id}>")
    return page(request, "message.html", person=caller.person, csrf=caller.csrf, message=row, headers=headers,
                has_html=html is not None, files=store.attachments_of(row.id), order=order,
                previewable=preview.previewable,
                charset_note=translate(caller.person.language, "unknown_charset", charset=charset) if charset else "",
                categories=rule_categories(desk_of(request).config),
                may_refile=policy.check(person, policy.Action.ASSIGN, mail).allowed,
                may_reclassify=policy.check(person, policy.Action.RECLASSIFY, mail).allowed)


def rule_categories(config: Config) -> list[str]:
    """The rules' categories, for the reclassify and search selects: read from the rule files (they are the
    desk's, edited while it runs), loaded again only when a file changed. Loading compiles every
    rule (1.2 s for the shipped set on a busy machine), which no page can pay each time."""
    from mailflow.rules import load_rules
    from mailflow.training import rule_categories as categories

    files = sorted(config.rules_dir.glob("*.y*ml"))
    try:
        key = (str(config.rules_dir), tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    except OSError:  # a file renamed while we looked: load it as it is now
        key = None
    with _CATEGORIES_LOCK:
        if key is not None and key in _CATEGORIES:
            return _CATEGORIES[key]
    found = categories(load_rules(config.rules_dir, ours=config.identity.ours))
    if key is not None:
        with _CATEGORIES_LOCK:
            _CATEGORIES.clear()  # only the rule set as it is now is kept
            _CATEGORIES[key] = found
    return found


_CATEGORIES: dict[object, list[str]] = {}
_CATEGORIES_LOCK = threading.Lock()


@logged_in
def message_html(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    parsed = email.message_from_bytes(archived(store, row.path, caller), policy=email.policy.default)
    body = parsed.get_body(("html",))
    html = html_of(body) if isinstance(body, EmailMessage) else ""
    return HTMLResponse(html, headers={"Content-Security-Policy": MAIL_CSP, "X-Frame-Options": "SAMEORIGIN"})


@logged_in
def message_raw(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    return StreamingResponse(streamed(store, row.path, caller), media_type="message/rfc822",
                    headers={"Content-Disposition": disposition(f"{row.sha256[:16]}.eml")})


@logged_in
def attachment(request: Request, caller: Caller) -> Response:
    """An attachment: a download; with ?view=1 an image of a plain raster type shown inline."""
    store = desk_of(request).store
    row = store.attachment_row(request.path_params["id"])
    name = Path(row.filename).name
    if request.query_params.get("view") == "1":
        return file_answer(archived(store, row.path, caller), name, True)
    return StreamingResponse(streamed(store, row.path, caller), media_type="application/octet-stream",
                             headers={"Content-Disposition": disposition(name)})


def file_answer(data: bytes, name: str, view: bool) -> Response:
    """A file as a download, or (`view`) an image shown as itself when its bytes are PNG, JPEG
    or GIF; anything else is still a download."""
    kind = preview.image_type(data) if view else ""
    return Response(data, media_type=kind or "application/octet-stream",
                    headers={"Content-Disposition": disposition(name, inline=bool(kind))})


@logged_in
def attachment_preview(request: Request, caller: Caller) -> Response:
    web = desk_of(request)
    row = web.store.attachment_row(request.path_params["id"])
    message = web.store.message_by_row(row.message_row_id)
    return preview_page(request, caller, Path(row.filename).name, archived(web.store, row.path, caller),
                        f"/attachments/{row.id}", (f"/messages/{message.id}", message.subject))


def preview_page(request: Request, caller: Caller, name: str, data: bytes, file_url: str,
                 came_from: tuple[str, str]) -> Response:
    """A file's preview page: its rendered pages or the image, with the way back to the
    message or reply it belongs to and the download."""
    import hashlib

    sha256 = hashlib.sha256(data).hexdigest()
    config = desk_of(request).config
    shown = preview.preview(data, sha256, config.resolve(config.web.preview_cache))
    return page(request, "preview.html", person=caller.person, csrf=caller.csrf, file_name=name, shown=shown,
                file_url=file_url, came_from=came_from, max_pages=preview.MAX_PAGES)


@logged_in
def preview_png(request: Request, caller: Caller) -> Response:
    """A page of a document, rendered by its preview page (only what the cache holds is served:
    the name is made of a sha256 and a page number, nothing a person typed)."""
    config = desk_of(request).config
    found = preview.page_path(config.resolve(config.web.preview_cache), request.path_params["sha256"],
                              request.path_params["page"])
    if found is None:
        raise NotFound(translate(caller.person.language, "no_preview"))
    return Response(found.read_bytes(), media_type="image/png")


@posted
def refile(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    number = form.get("order", "").strip()[:200]
    if not number:
        return back(f"/messages/{row.id}", error=translate(caller.person.language, "refile_needs_order"))
    applied = attempt(f"/messages/{row.id}", lambda: store.assign(row.sha256, number, acting(caller)))
    return back(f"/orders/{applied.order_folder}", said=translate(caller.person.language, "refiled"))


@posted
def reclassify(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """A person's category for a filed mail, carried out at once (`mailflow reclassify`)."""
    from mailflow.desk import load_desk
    from mailflow.training import reclassify as carry_out

    web = desk_of(request)
    row = web.store.message_by_row(request.path_params["id"])
    person = acting(caller)
    # asked before the desk's workers start; the store asks again as it writes
    policy.require(person, policy.Action.RECLASSIFY, policy.Thing(f"message <{row.message_id}>"))
    desk = load_desk(web.config)
    try:
        refiled = attempt(f"/messages/{row.id}", lambda: carry_out(
            row.sha256, form.get("category", "").strip()[:50], person, desk, web.store))
    finally:
        desk.close()
    return back(f"/messages/{row.id}", said=f"{refiled.before} -> {refiled.after}")
