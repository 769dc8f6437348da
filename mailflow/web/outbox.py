"""Replies: the outbox (`views.outbox_list`, as `outbox list --json`), one reply with its
attachments, and approving, rejecting (with a reason) or editing it (with the diff shown)."""

from __future__ import annotations

import difflib
import email
import email.policy

from starlette.requests import Request
from starlette.responses import Response

from mailflow import policy, views
from mailflow.errors import NotFound
from mailflow.policy import Refused
from mailflow.web.i18n import refusal, translate
from mailflow.web.render import back, disposition, page
from mailflow.web.security import Caller, acting, attempt, logged_in, posted
from mailflow.web.state import desk_of

LISTED = 200  # replies on the page: the newest of those asked for (500 took 0.7 s at p95, bench/web.py)


@logged_in
def outbox_page(request: Request, caller: Caller) -> Response:
    """Replies in the state asked for; without one, those a person has to look at."""
    wanted = request.query_params.get("state", "")
    rows = views.outbox_list(desk_of(request).store, wanted or None, states=views.REVIEW_STATES, limit=LISTED)
    return page(request, "outbox.html", person=caller.person, csrf=caller.csrf, rows=rows, state=wanted)


@logged_in
def reply_page(request: Request, caller: Caller) -> Response:
    from mailflow.reply.compose import readable

    reply = desk_of(request).store.reply(request.path_params["id"])
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.default)
    files = [(i, part.get_filename() or "attachment", len(part.get_payload(decode=True) or b""))
             for i, part in enumerate(parsed.iter_attachments())]
    verdict = policy.check(acting(caller), policy.Action.APPROVE_REPLY,
                           policy.Reply(reply.id, reply.template, reply.approver))
    retry = (reply.state == "queued" and reply.next_attempt_at is not None) or \
        (reply.state == "failed" and verdict.allowed)
    return page(request, "reply.html", person=caller.person, csrf=caller.csrf, reply=reply,
                shown=readable(reply.raw), files=files, retry=retry,
                not_yours="" if verdict.allowed else refusal(caller.person.language, Refused(verdict)))


@logged_in
def reply_attachment(request: Request, caller: Caller) -> Response:
    """An attachment of a reply: a download, or a PDF shown in the browser with ?view=1."""
    reply = desk_of(request).store.reply(request.path_params["id"])
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.default)
    parts = list(parsed.iter_attachments())
    index = request.path_params["n"]
    if not 0 <= index < len(parts):
        raise NotFound("no such attachment")
    part = parts[index]
    inline = part.get_content_type() == "application/pdf" and request.query_params.get("view") == "1"
    return Response(part.get_payload(decode=True) or b"",
                    media_type="application/pdf" if inline else "application/octet-stream",
                    headers={"Content-Disposition": disposition(part.get_filename() or "attachment", inline)})


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
