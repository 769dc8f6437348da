"""Replies: list, read, compose, send, approve, reject, edit."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.table import Table

from mailflow.cli.base import AS_OPTION, TEXT, State, add_row, main, out


@main.group()
def outbox() -> None:
    """Replies: queued, held for approval, sending, sent, failed, uncertain or rejected."""


def reader_language(state: State, who: str | None, store: Any) -> str:
    """The language of the person named by `--as` (a user of mailflow.yaml or of the web
    desk); English without one, or for a name the desk does not know."""
    if not who:
        return "en"
    user = state.config.user(who)
    if user is not None:
        return user.language
    from mailflow.web import auth

    row = next((u for u in auth.users(store.sessions) if u.name.casefold() == who.strip().casefold()), None)
    return row.language if row is not None and row.language == "zh" else "en"


def reason_in(reason: str, action: dict[str, Any] | None, language: str) -> str:
    """Why a reply waits, in `language`: its Chinese reason (the reply's action keeps it) for a
    Chinese reader, where it has one."""
    chinese = (action or {}).get("reason_zh") if language == "zh" else None
    return str(chinese) if chinese and reason else reason


@outbox.command("list")
@click.option("--state", "reply_state", type=TEXT, help="Only replies in this state (queued, held, …).")
@click.option("--as", "who", type=TEXT, help="Whose language the reasons are in (a user's name).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def outbox_list(state: State, reply_state: str | None, who: str | None, as_json: bool) -> None:
    from mailflow import views

    with state.opened_store() as store:
        items = views.outbox_list(store, reply_state)
        language = reader_language(state, who, store)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("id", "state", "template", "to", "subject", "reason")
    for item in items:
        add_row(table, str(item["id"]), item["state"], f"{item['template']} ({item['language']})",
                ", ".join(item["to"]), item["subject"],
                reason_in(item["reason"], {"reason_zh": item["reason_zh"]}, language))
    out.print(table)


@outbox.command("show")
@click.argument("reply_id", type=int)
@click.option("--raw", is_flag=True, help="The MIME message byte for byte, as it goes to the server.")
@click.option("--as", "who", type=TEXT, help="Whose language the reason is in (a user's name).")
@click.pass_obj
def outbox_show(state: State, reply_id: int, raw: bool, who: str | None) -> None:
    """A reply as the buyer will read it: the headers that matter, the text, the HTML part as
    text, the attachments with their sizes, and why it waits (--raw for the MIME)."""
    from mailflow.reply.compose import readable

    with state.opened_store() as store:
        row = store.reply(reply_id)
        language = reader_language(state, who, store)
    if raw:
        click.echo(row.raw.decode("utf-8", errors="replace"))
        return
    shown = readable(row.raw)
    out.print(f"reply #{row.id}  {row.template} ({row.language})  [{row.state}]"
              + (f"  approved by {row.decided_by}" if row.decided_by and row.state != "rejected" else ""),
              markup=False)
    if row.reason:
        out.print(f"why: {reason_in(row.reason, row.action, language)}", markup=False)
    if row.state in ("held", "uncertain", "failed"):
        from mailflow.policy import release_roles

        out.print(f"released by: {', '.join(release_roles(row.approver, row.template)).replace('_', ' ')}", markup=False)
    for name in ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To"):
        if shown.headers.get(name):
            out.print(f"{name}: {shown.headers[name]}", markup=False)
    out.print("", markup=False)
    out.print(shown.text.rstrip(), markup=False)
    if shown.html_text:
        out.print("\n--- the HTML part, as text ---", markup=False)
        out.print(shown.html_text.rstrip(), markup=False)
    for name, content_type, size in shown.attachments:
        out.print(f"attached: {name} ({content_type}, {size:,} bytes)", markup=False)


@outbox.command("compose")
@click.argument("number", type=TEXT)
@click.argument("template", type=TEXT)
@click.option("--attach", "attach", multiple=True,
              type=click.Choice(["pi", "invoice", "packing-list", "production-order"]),
              help="Write this document of ours now, file it under the order and attach it (repeatable).")
@click.pass_obj
def outbox_compose(state: State, number: str, template: str, attach: tuple[str, ...]) -> None:
    """Compose TEMPLATE (e.g. packing_list) for ORDER by hand, answering its latest mail."""
    from mailflow.desk import load_desk
    from mailflow.pipeline import compose_for_order

    desk = load_desk(state.config)
    store = state.store()
    try:
        reply = compose_for_order(number, template, desk, store, attach, who=state.config.operator)
    finally:
        desk.close()
        store.close()
    note = f": {reply.reason}" if reply.reason else ""
    out.print(f"{template} to {', '.join(a.addr for a in reply.to)} is {reply.state}{note}", markup=False)


@outbox.command("send")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def outbox_send(state: State, dry_run: bool, as_json: bool) -> None:
    """Send the queued replies that are due (the daemon does this every 30 s)."""
    from mailflow.daemon import send_outbox

    if dry_run:
        store = state.store()
        try:
            due = store.due_replies()
        finally:
            store.close()
        for row in due:
            out.print(f"would send #{row.id} {row.template} to {', '.join(row.to_addrs)}: "
                      f"{row.subject}", markup=False)
        out.print(f"{len(due)} reply(ies) due; nothing sent (--dry-run)")
        return
    store = state.store()
    try:
        report = send_outbox(state.config, store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    out.print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
              f"uncertain {report.uncertain}, held {report.held}"
              + (" (hourly cap reached)" if report.capped else ""))


@outbox.command("retry")
@click.argument("reply_id", type=int)
@click.pass_obj
def outbox_retry(state: State, reply_id: int) -> None:
    """Make a queued reply that waits to retry (after a 4xx) due now; `outbox send` sends it."""
    with state.opened_store() as store:
        row = store.retry_now(reply_id)
    out.print(f"reply #{row.id} is due now", markup=False)


@outbox.command("approve")
@click.argument("reply_id", type=int)
@AS_OPTION
@click.pass_obj
def outbox_approve(state: State, reply_id: int, who: str | None) -> None:
    """Release a held reply (or one a person checked after `uncertain`) to be sent."""
    with state.opened_store() as store:
        person = state.person(who, store)
        row = store.approve(reply_id, person)
    out.print(f"reply #{row.id} approved by {person.name}: queued to {', '.join(row.to_addrs)}", markup=False)


@outbox.command("reject")
@click.argument("reply_id", type=int)
@click.option("--reason", required=True, type=TEXT, help="Why it must not go (kept with the reply; not blank).")
@AS_OPTION
@click.pass_obj
def outbox_reject(state: State, reply_id: int, reason: str, who: str | None) -> None:
    """Never send a held or queued reply, and say why."""
    with state.opened_store() as store:
        person = state.person(who, store)
        store.reject(reply_id, reason, person)
    out.print(f"reply #{reply_id} rejected by {person.name}: {reason.strip()}", markup=False)


@outbox.command("edit")
@click.argument("reply_id", type=int)
@AS_OPTION
@click.pass_obj
def outbox_edit(state: State, reply_id: int, who: str | None) -> None:
    """Edit a held or queued reply's text in $EDITOR; headers and threading stay as they are."""
    from mailflow import policy
    from mailflow.reply.compose import replace_text

    store = state.store()
    try:
        person = state.person(who, store)
        row = store.reply(reply_id)
        policy.require(person, policy.Action.EDIT_REPLY, policy.Reply(row.id, row.template, row.approver))
        original = email_text(row.raw)
        edited = click.edit(original, extension=".txt", require_save=True)
        if edited is None or edited == original:
            out.print("unchanged")
            return
        store.replace_reply(reply_id, replace_text(row.raw, edited), row.subject, person)
    finally:
        store.close()
    out.print(f"reply #{reply_id} updated")


def email_text(raw: bytes) -> str:
    import email
    import email.policy

    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",))
    return str(body.get_content()) if body is not None else ""


if __name__ == "__main__":  # pragma: no cover
    main()
