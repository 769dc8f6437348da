"""One message: its headers, text, attachments and its HTML (served inert, for a sandboxed
frame), the raw mail as a download, filing it under another order and reclassifying it. Messages and
attachments are found by their row id, never by a path."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mailflow import policy
from mailflow.config import Config
from mailflow.web.i18n import translate
from mailflow.web.render import back, page, safe_name
from mailflow.web.security import MAIL_CSP, Caller, acting, attempt, logged_in, posted
from mailflow.web.state import desk_of


@logged_in
def message_page(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    parsed = email.message_from_bytes(store.archive.read(row.path), policy=email.policy.default)
    headers = [(k, str(v)[:2000]) for k, v in list(parsed.items())[:60]]
    order = store.order(row.order_id) if row.order_id else None
    person = acting(caller)
    mail = policy.Thing(f"message <{row.message_id}>")
    return page(request, "message.html", person=caller.person, csrf=caller.csrf, message=row, headers=headers,
                has_html=parsed.get_body(("html",)) is not None, files=store.attachments_of(row.id), order=order,
                categories=_categories(desk_of(request).config),
                may_refile=policy.check(person, policy.Action.ASSIGN, mail).allowed,
                may_reclassify=policy.check(person, policy.Action.RECLASSIFY, mail).allowed)


def _categories(config: Config) -> list[str]:
    """The rules' categories, for the reclassify select (read from the rule files each time:
    they are the desk's, edited while it runs)."""
    from mailflow.rules import load_rules
    from mailflow.training import rule_categories

    return rule_categories(load_rules(config.rules_dir, ours=config.identity.ours))


@logged_in
def message_html(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    parsed = email.message_from_bytes(store.archive.read(row.path), policy=email.policy.default)
    body = parsed.get_body(("html",))
    html = str(body.get_content()) if body is not None else ""
    return HTMLResponse(html, headers={"Content-Security-Policy": MAIL_CSP, "X-Frame-Options": "SAMEORIGIN"})


@logged_in
def message_raw(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    return Response(store.archive.read(row.path), media_type="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{row.sha256[:16]}.eml"'})


@logged_in
def attachment(request: Request, caller: Caller) -> Response:
    store = desk_of(request).store
    row = store.attachment_row(request.path_params["id"])
    return Response(store.archive.read(row.path), media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name(Path(row.filename).name)}"'})


@posted
def refile(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    store = desk_of(request).store
    row = store.message_by_row(request.path_params["id"])
    number = form.get("order", "").strip()[:200]
    if not number:
        return back(f"/messages/{row.id}", error="give the order number to file it under")
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
