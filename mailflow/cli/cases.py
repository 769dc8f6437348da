"""Complaint cases: list them, show one, close it."""

from __future__ import annotations

import json

import click
from rich.table import Table

from mailflow.cli.base import AS_OPTION, TEXT, State, add_row, main, out, utc_iso


@main.group()
def case() -> None:
    """Complaints as cases: a number the buyer quotes, a status, the mail of its thread."""


@case.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only cases not closed.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def case_list(state: State, only_open: bool, as_json: bool) -> None:
    with state.opened_store() as store:
        rows = store.cases(only_open)
        orders = {o.id: o.number for o in store.orders()}
        counts = {r.id: len(store.case_messages(r.id)) for r in rows}
    items = [{"case": r.number, "status": r.status, "order": orders.get(r.order_id) if r.order_id else None,
              "buyer": r.buyer, "subject": r.subject, "opened": utc_iso(r.opened_at), "messages": counts[r.id],
              "closed": utc_iso(r.closed_at), "closed_by": r.closed_by or None, "note": r.note or None}
             for r in rows]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("case", "status", "order", "buyer", "opened", "mail", "subject")
    for item in items:
        add_row(table, item["case"], item["status"], item["order"] or "", item["buyer"],
                (item["opened"] or "")[:10], str(item["messages"]), item["subject"])
    out.print(table)


@case.command("close")
@click.argument("number", type=TEXT)
@AS_OPTION
@click.option("--note", type=TEXT, default="", help="How it was settled (kept with the case).")
@click.pass_obj
def case_close(state: State, number: str, who: str | None, note: str) -> None:
    """Close CASE: who settled it, when, and how."""
    with state.opened_store() as store:
        person = state.person(who, store)
        row = store.close_case(number, person, note)
    out.print(f"case {row.number} closed by {person.name}" + (f": {note}" if note else ""), markup=False)
