"""Replies: the outbox (as `outbox list --json`, with each reply's order and age, oldest
first), one reply beside its order, the mail it answers and the order's documents, and approving, rejecting (with a reason) or editing it (with the diff shown)."""

from __future__ import annotations

import difflib
import email
import email.policy
from email.message import EmailMessage

from starlette.requests import Request
from starlette.responses import Response

from mailflow import policy
from mailflow.errors import NotFound
from mailflow.policy import Refused
from mailflow.web import lookups, preview
from mailflow.web.i18n import refusal, translate
from mailflow.web.messages import file_answer, preview_page
from mailflow.web.render import back, disposition, page
from mailflow.web.security import Caller, acting, attempt, logged_in, posted
from mailflow.web.state import desk_of


@logged_in
def outbox_page(request: Request, caller: Caller) -> Response:
    """Replies in the state asked for; without one, those a person has to look at: oldest first,
    each with its order and how long it has waited."""
    wanted = request.query_params.get("state", "")
    rows = lookups.outbox_rows(desk_of(request).store, wanted or None, review=not wanted)
    return page(request, "outbox.html", person=caller.person, csrf=caller.csrf, rows=rows, state=wanted,
                waited=lookups.waiting)


@logged_in
def reply_page(request: Request, caller: Caller) -> Response:
    """A reply beside what it is about: its order, the buyer's mail it answers and the order's
    documents, each with a preview."""
    from mailflow.reply.compose import readable

    store = desk_of(request).store
    reply = store.reply(request.path_params["id"])
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.default)
    files = [(i, part.get_filename() or "attachment", len(part.get_payload(decode=True) or b""),
              preview.previewable(part.get_filename() or "", part.get_content_type()))
             for i, part in enumerate(parsed.iter_attachments())]
    verdict = policy.check(acting(caller), policy.Action.APPROVE_REPLY,
                           policy.Reply(reply.id, reply.template, reply.approver))
    retry = (reply.state == "queued" and reply.next_attempt_at is not None) or \
        (reply.state == "failed" and verdict.allowed)
    return page(request, "reply.html", person=caller.person, csrf=caller.csrf, reply=reply,
                shown=readable(reply.raw), files=files, retry=retry, about=lookups.reply_context(store, reply),
                previewable=preview.previewable,
                not_yours="" if verdict.allowed else refusal(caller.person.language, Refused(verdict)))


def _reply_part(request: Request) -> tuple[int, EmailMessage]:
    """The reply's id and its attachment numbered in the path, or NotFound."""
    reply = desk_of(request).store.reply(request.path_params["id"])
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.default)
    parts = list(parsed.iter_attachments())
    index = request.path_params["n"]
    if not 0 <= index < len(parts):
        raise NotFound("no such attachment")
    return reply.id, parts[index]


def _bytes_of(part: EmailMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


@logged_in
def reply_attachment(request: Request, caller: Caller) -> Response:
    """An attachment of a reply: a download, or with ?view=1 a PDF (our own, made by the desk)
    or an image shown in the browser."""
    _, part = _reply_part(request)
    data = _bytes_of(part)
    name = part.get_filename() or "attachment"
    view = request.query_params.get("view") == "1"
    if view and part.get_content_type() == "application/pdf":
        return Response(data, media_type="application/pdf", headers={"Content-Disposition": disposition(name, True)})
    return file_answer(data, name, view)


@logged_in
def reply_attachment_preview(request: Request, caller: Caller) -> Response:
    reply_id, part = _reply_part(request)
    return preview_page(request, caller, part.get_filename() or "attachment", _bytes_of(part),
                        f"/outbox/{reply_id}/attachments/{request.path_params['n']}", (f"/outbox/{reply_id}", f"#{reply_id}"))


@posted
def approve_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    store = desk_of(request).store
    reply_id = request.path_params["id"]
    attempt(f"/outbox/{reply_id}", lambda: store.approve(reply_id, acting(caller)))
    return back(f"/outbox/{reply_id}", said=translate(caller.person.language, "approved"))


@posted
def reject_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    store = desk_of(request).store
    reply_id = request.path_params["id"]
    reason = form.get("reason", "").strip()[:1000]
    # a blank reason is the store's to refuse, as on the command line
    attempt(f"/outbox/{reply_id}", lambda: store.reject(reply_id, reason, acting(caller)))
    return back(f"/outbox/{reply_id}", said=translate(caller.person.language, "rejected"))


@posted
def retry_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    """A reply that did not go, sent again: a failed (or uncertain) one is approved again, as
    `outbox approve` does (by whom its hold allows); a queued one waiting out a pause after a
    temporary refusal is due at once, as `outbox retry` makes it."""
    store = desk_of(request).store
    reply_id = request.path_params["id"]
    reply = store.reply(reply_id)
    if reply.state == "queued":
        attempt(f"/outbox/{reply_id}", lambda: store.retry_now(reply_id))
    else:  # failed, uncertain; any other state is the store's to refuse
        attempt(f"/outbox/{reply_id}", lambda: store.approve(reply_id, acting(caller)))
    return back(f"/outbox/{reply_id}", said=translate(caller.person.language, "retried_reply"))


@posted
def edit_reply(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow.reply.compose import readable, replace_text

    store = desk_of(request).store
    reply_id = request.path_params["id"]
    reply = store.reply(reply_id)
    policy.require(acting(caller), policy.Action.EDIT_REPLY, policy.Reply(reply.id, reply.template, reply.approver))
    text = form.get("text", "").replace("\r\n", "\n")[:100_000]
    if not text.strip():
        return back(f"/outbox/{reply_id}", error=translate(caller.person.language, "empty_reply"))
    before = readable(reply.raw).text
    edited = replace_text(reply.raw, text)
    attempt(f"/outbox/{reply_id}", lambda: store.replace_reply(reply_id, edited, reply.subject, acting(caller)))
    diff = "\n".join(difflib.unified_diff(before.splitlines(), text.splitlines(), "before", "after", lineterm=""))
    return page(request, "edited.html", person=caller.person, csrf=caller.csrf, reply_id=reply_id, diff=diff)
