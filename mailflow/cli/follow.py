"""Following orders: the daily plan, payments, milestones done by hand, the sign-off, dates
the plan counts from, an order put on hold, and the follow-up job run by hand."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from rich.table import Table

from mailflow import clock
from mailflow.cli.base import AS_OPTION, TEXT, State, add_row, main, out
from mailflow.cli.orders import order
from mailflow.errors import MailflowError


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _print_followed(followed: Any) -> None:
    if followed is None:
        return
    out.print(f"status {followed.status}; plan {followed.plan}", markup=False)
    for change in followed.changes:
        out.print(f"  {change}", markup=False)


def _a_day_of_one_person(command: Callable[..., None]) -> Callable[..., None]:
    """`--date`, `--owner` and `--json`, as `plan` and `summary` take them."""
    command = click.option("--json", "as_json", is_flag=True)(command)
    command = click.option("--owner", type=TEXT, help="One person's (a name in users:); a manager's is everyone's.")(
        command)
    return click.option("--date", "day", type=TEXT, help="The day (YYYY-MM-DD; default today, in the desk's zone).")(
        command)


def _person(state: State, store: Any, owner: str | None) -> Any:
    """The person `--owner` names (None without it); refused when nobody is called so."""
    from mailflow.follow.signoff import find_user

    person = find_user(state.config, store, owner) if owner else None
    if owner and person is None:
        raise MailflowError(f"{owner!r} is not one of users: in {state.config.file}")
    return person


@main.command("plan")
@_a_day_of_one_person
@click.pass_obj
def plan(state: State, day: str | None, owner: str | None, as_json: bool) -> None:
    """The day's plan: overdue, due today, due this week, waiting for approval, waiting on the
    buyer, money outstanding, unanswered inquiries, open complaints, unfiled and quarantined mail."""
    from mailflow.follow.desk import daily_plan
    from mailflow.follow.digest import SECTION_NAMES, SECTIONS

    with state.opened_store() as store:
        today = _day(day) or (store.follower.today() if store.follower
                              else clock.today(clock.zone(state.config.followup.timezone)))
        result = daily_plan(store, state.config, today, person=_person(state, store, owner))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]plan for {result['date']}[/bold]" + (f" ({result['owner']})" if result["owner"] else ""))
    for key in SECTIONS:
        items = result[key]
        if not items:
            continue
        out.print(f"\n[bold]{SECTION_NAMES['en'][key]}[/bold] ({len(items)})")
        table = Table("order", "buyer", "what", "due", "late")
        for item in items[:200]:
            what = item.get("name") or item.get("subject") or item.get("template") or item.get("reason") or ""
            if item.get("outstanding"):
                what = f"{item['currency']} {item['outstanding']} outstanding"
            if item.get("days_since_their_mail") is not None:
                what = f"their last mail {item['days_since_their_mail']} days ago"
            if item.get("waiting_for"):
                what += f" (waits for {', '.join(item['waiting_for'])})"
            who = item["buyer"]
            if item.get("order_kind") == "purchase":  # a purchase order is the supplier's, for a sales order
                who = f"purchase: supplier {item['supplier']}" + (f", for {item['for_order']}" if item["for_order"]
                                                                   else "") + (f" ({who})" if who else "")
            add_row(table, item["order"] or "-", who, what, item["due"] or "",
                    f"{item['days_overdue']} d" if item["days_overdue"] else "")
        out.print(table)


@main.command("summary")
@_a_day_of_one_person
@click.pass_obj
def summary(state: State, day: str | None, owner: str | None, as_json: bool) -> None:
    """The day's summary: mail received per category and order, new orders, payments, what was
    sent, milestones completed and by whom, replies refused, mail quarantined, and what is due
    tomorrow."""
    from mailflow.follow.digest import SUMMARY_NAMES
    from mailflow.follow.summary import day_summary

    zone = clock.zone(state.config.followup.timezone)
    with state.opened_store() as store:
        result = day_summary(store, state.config, _day(day) or clock.today(zone), zone, _person(state, store, owner))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    names = SUMMARY_NAMES["en"]
    if result["incomplete"]:
        out.print(f"more than a day's summary reads in: {', '.join(result['incomplete'])} counted in part", markup=False)
    received, sent = result["received"], result["sent"]
    out.print(f"[bold]{names['title']} {result['date']}[/bold]" + (f" ({result['owner']})" if result["owner"] else ""))
    out.print(f"{names['received']}: {received['count']} mail"
              + "".join(f"{', ' if i else '; '}{c} {n}" for i, (c, n) in enumerate(received["by_category"].items())),
              markup=False)
    for number, count in received["by_order"].items():
        out.print(f"  order {number}: {count}", markup=False)
    if received["unfiled"]:
        out.print(f"  {names['unfiled']}: {received['unfiled']}", markup=False)
    out.print(f"{names['sent']}: {sent['count']} mail, {sent['replies']} {names['replies']}"
              + "".join(f", {kind} {n}" for kind, n in sent["documents"].items()), markup=False)
    for key in ("new_orders", "completed", "payments", "refused", "quarantined", "due_tomorrow"):
        if result[key]:
            out.print(f"{names[key]}: {len(result[key])}", markup=False)
            for item in result[key][:200]:
                out.print(f"  {_summary_line(key, item, names)}", markup=False)


def _summary_line(key: str, i: dict[str, Any], names: dict[str, str]) -> str:
    if key == "new_orders":
        return f"{i['order']} {i['buyer']} {i['currency']} {i['total']}".rstrip()
    if key == "completed":
        return f"{i['order']} {i['name'] or i['milestone']} ({i['how']}" + (f": {i['by']})" if i["by"] else ")")
    if key == "payments":
        return f"{i['order']} {i['currency']} {i['amount']}" + (f" ({i['reference']})" if i["reference"] else "")
    if key == "refused":
        return f"{i['order'] or '-'} {i['template']} {i['how']}: {i['why']}"
    if key == "quarantined":
        return f"{i['sha256']} {i['reason']}"
    return f"{i['order']} {i['name']} ({i['owner']})"


@main.command("payments")
@click.option("--overdue", is_flag=True, help="Only money whose due day has passed.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def payments(state: State, overdue: bool, as_json: bool) -> None:
    """Money per order (total, paid, outstanding), the instalment due now (what is still short
    of it, and its due day) and outstanding per buyer."""
    from mailflow import views

    with state.opened_store() as store:
        result = views.payments(store, overdue=overdue)
    rows, by_buyer = result["orders"], result["by_buyer"]
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table("order", "buyer", "total", "paid", "outstanding", "due now", "due", "late")
    for item in rows:
        now = item["due_now"]
        add_row(table, item["order"], item["buyer"], f"{item['currency']} {item['total']}", item["paid"],
                item["outstanding"] or "", f"{now['name']} {now['remaining']}" if now else "",
                item["next_due"] or "", f"{item['days_overdue']} d" if item["overdue"] else "")
    out.print(table)
    for buyer, amounts in by_buyer.items():
        out.print(f"{buyer}: " + ", ".join(f"{c} {v}" for c, v in amounts.items()) + " outstanding", markup=False)


@order.command("done")
@click.argument("number", type=TEXT)
@click.argument("milestone", type=TEXT)
@click.option("--note", type=TEXT, default="")
@AS_OPTION
@click.pass_obj
def order_done(state: State, number: str, milestone: str, note: str, who: str | None) -> None:
    """Mark MILESTONE of order NUMBER done (refused while a milestone it requires is open)."""
    with state.opened_store() as store:
        person = state.person(who, store)
        followed = store.complete(number, milestone, person, note)
    out.print(f"{milestone} done by {person.name}", markup=False)
    _print_followed(followed)


@order.command("undo")
@click.argument("number", type=TEXT)
@click.argument("milestone", type=TEXT)
@click.option("--note", type=TEXT, default="")
@AS_OPTION
@click.pass_obj
def order_undo(state: State, number: str, milestone: str, note: str, who: str | None) -> None:
    """Open MILESTONE again (done by mistake, or its document was wrong)."""
    with state.opened_store() as store:
        person = state.person(who, store)
        followed = store.undo(number, milestone, person, note)
    out.print(f"{milestone} open again ({person.name})", markup=False)
    _print_followed(followed)


@order.command("approve")
@click.argument("number", type=TEXT)
@click.option("--note", type=TEXT, default="")
@AS_OPTION
@click.pass_obj
def order_approve(state: State, number: str, note: str, who: str | None) -> None:
    """The manager's sign-off before production; under the margin floor (or with a margin the
    cost file cannot tell), the general manager's."""
    from mailflow.follow.signoff import approve

    with state.opened_store() as store:
        person = state.person(who, store)
        followed, why = approve(store, state.config, number, person, note)
    out.print(f"signed off by {person.name}: {why}", markup=False)
    _print_followed(followed)


@order.command("payment")
@click.argument("number", type=TEXT)
@click.argument("amount", type=TEXT)
@click.option("--currency", type=TEXT, default="")
@click.option("--date", "day", type=TEXT, help="The value date (YYYY-MM-DD).")
@click.option("--ref", "reference", type=TEXT, default="")
@click.option("--charges", type=TEXT, default="",
              help="What the banks took on the way, if known: the payment counts as AMOUNT plus these.")
@AS_OPTION
@click.pass_obj
def order_payment(state: State, number: str, amount: str, currency: str, day: str | None, reference: str,
                  charges: str, who: str | None) -> None:
    """Record a payment a bank slip did not tell (AMOUNT, what arrived, in the order's currency
    unless --currency)."""
    value = _amount(amount)
    if value <= 0:
        raise click.BadParameter("a payment is more than nothing")
    taken = _amount(charges) if charges else None
    if taken is not None and taken < 0:
        raise click.BadParameter("bank charges are not negative")
    with state.opened_store() as store:
        person = state.person(who, store)
        followed = store.add_payment(number, value, currency, _day(day), reference, person, taken)
    out.print(f"payment {value} recorded by {person.name}; outstanding {followed.outstanding}", markup=False)
    now = next((i for i in followed.instalments if not i.settled), None)
    if now is not None:
        out.print(f"due now: the {now.name}, {now.short} of {now.amount} still to pay"
                  + (f", due {now.due}" if now.due else ""), markup=False)
    _print_followed(followed)


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise click.BadParameter(f"{text!r} is not an amount")
    return value


@order.command("date")
@click.argument("number", type=TEXT)
@click.argument("anchor", type=click.Choice(["etd", "eta", "delivery_date", "po_date", "pi_date", "bl_date",
                                             "lc_expiry", "lc_latest_shipment"]))
@click.argument("day", type=TEXT)
@AS_OPTION
@click.pass_obj
def order_date(state: State, number: str, anchor: str, day: str, who: str | None) -> None:
    """Set a date the plan counts from (the ETD a forwarder confirmed by phone, say)."""
    when = _day(day)
    assert when is not None
    with state.opened_store() as store:
        person = state.person(who, store)
        followed = store.set_anchor(number, anchor, when, person)
    out.print(f"{anchor} {when} set by {person.name}", markup=False)
    _print_followed(followed)


@order.command("plan")
@click.argument("number", type=TEXT)
@click.argument("plan_name", metavar="PLAN", type=TEXT)
@AS_OPTION
@click.pass_obj
def order_plan(state: State, number: str, plan_name: str, who: str | None) -> None:
    """Follow PLAN whatever the plans' conditions say (`auto`: let them choose again)."""
    with state.opened_store() as store:
        person = state.person(who, store)
        followed = store.set_plan(number, "" if plan_name == "auto" else plan_name, person)
    out.print(f"order {number} follows {followed.plan} ({person.name})", markup=False)
    _print_followed(followed)


@order.command("status")
@click.argument("number", type=TEXT)
@click.argument("status", type=click.Choice(["on-hold", "cancelled", "resume"]))
@click.option("--note", type=TEXT, default="")
@AS_OPTION
@click.pass_obj
def order_status(state: State, number: str, status: str, note: str, who: str | None) -> None:
    """Put an order on hold, cancel it, or resume (the milestones decide its status again)."""
    wanted = {"on-hold": "on hold", "cancelled": "cancelled", "resume": ""}[status]
    with state.opened_store() as store:
        person = state.person(who, store)
        now = store.set_status(number, wanted, person, note)
    out.print(f"order {number}: {now} ({person.name})", markup=False)


@main.command("follow")
@click.option("--refresh", is_flag=True, help="Recompute every open order (after editing the plans).")
@click.option("--digest", is_flag=True, help="Also queue today's digest for each digest.to now.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def follow(state: State, refresh: bool, digest: bool, as_json: bool) -> None:
    """Run the daemon's follow-up job once: overdue milestones, chasers (and the digest)."""
    from mailflow.desk import load_desk
    from mailflow.follow.desk import follow_up
    from mailflow.follow.digest_mail import send_digests

    desk = load_desk(state.config)
    try:
        with state.opened_store() as store:
            tick = follow_up(desk, store, refresh=refresh)
            digests = send_digests(desk, store) if digest else []
    finally:
        desk.close()
    result = {"refreshed": tick.refreshed, "overdue": tick.overdue, "chasers": tick.chasers,
              "not_written": tick.skipped, "digests": digests}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out.print(f"{tick.refreshed} orders recomputed, {tick.overdue} milestones overdue, "
              f"{len(tick.chasers)} chasers drafted", markup=False)
    for line in [*tick.chasers, *(f"not written: {s}" for s in tick.skipped), *(f"digest to {d}" for d in digests)]:
        out.print(f"  {line}", markup=False)
