"""Orders: list, show, assign a message by hand, export the evidence, the packing list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from mailflow.cli.base import AS_OPTION, TEXT, State, add_row, main, out, progress_bar
from mailflow.errors import MailflowError


@main.group()
def order() -> None:
    """Orders: list, show, assign a message by hand."""


@order.command("assign")
@click.argument("message", type=TEXT)
@click.argument("number", type=TEXT)
@AS_OPTION
@click.pass_obj
def order_assign(state: State, message: str, number: str, who: str | None) -> None:
    """File MESSAGE (Message-ID or sha256 prefix) under order NUMBER, creating it if needed."""
    with state.opened_store() as store:
        person = state.person(who, store)
        applied = store.assign(message, number, person)
    out.print(f"filed under {applied.order_folder} by {person.name}: {applied.path}", markup=False)


@order.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only orders not closed or cancelled.")
@click.option("--buyer", type=TEXT, help="Only this buyer's orders (part of the name).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def order_list(state: State, only_open: bool, buyer: str | None, as_json: bool) -> None:
    """Every order with its status, next milestone and its due date, overdue first."""
    from mailflow import views

    with state.opened_store() as store:
        items = views.order_list(store, only_open=only_open, buyer=buyer)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("order", "kind", "with", "status", "next", "due", "late", "messages", "replies")
    for item in items:
        add_row(table, item["order"], item["kind"], with_whom(item), item["status"], item["next_milestone"] or "",
                item["due"] or "", f"{item['days_overdue']} d" if item["days_overdue"] else "",
                str(item["messages"]), str(item["replies"]))
    out.print(table)


def with_whom(item: dict[str, Any]) -> str:
    """"buyer Kestrel", or for a purchase order "supplier cartons.example, for order KS-1234"."""
    if item.get("kind") == "purchase":
        served = f", for order {item['for_order']}" if item.get("for_order") else ""
        return f"supplier {item['supplier']}{served}"
    return f"buyer {item['buyer']}"


@order.command("export")
@click.argument("number", type=TEXT)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--sign", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Sign the manifest with this Ed25519 private key (mailflow keys generate).")
@click.pass_obj
def order_export(state: State, number: str, output: Path, sign: Path | None) -> None:
    """A zip with the order's original mail, files, order.json, timeline.html and a manifest."""
    from mailflow.errors import NotFound
    from mailflow.store.export import export_order

    store = state.store()
    try:
        row = store.find_order(number)
        if row is None:
            raise NotFound(f"no order {number!r}")
        with progress_bar(f"exporting {row.folder}") as advance:
            manifest = export_order(store, row.id, output, sign.read_bytes() if sign else None, advance)
    finally:
        store.close()
    out.print(f"{output}: {len(manifest['files'])} files with their sha256 in manifest.json", markup=False)


@order.command("show")
@click.argument("number", type=TEXT)
@click.option("--json", "as_json", is_flag=True)
@click.option("--explain", is_flag=True, help="Why each document was recognised and each mail filed here.")
@click.pass_obj
def order_show(state: State, number: str, as_json: bool, explain: bool) -> None:
    """An order: its terms (the buyer's latest PO), how our P/I differs, its documents, every
    message in and out in date order with why it is here, the replies and who decided on them."""
    from mailflow import views

    with state.opened_store() as store:
        summary = views.order_show(store, number)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{'purchase ' if summary['kind'] == 'purchase' else ''}order {escape(summary['order'])}[/bold]  "
              f"{escape(with_whom(summary))}  "
              f"aliases {escape(', '.join(summary['aliases']))}")
    print_order_data(summary.get("data") or {})
    print_sailing(summary)
    print_follow_up(summary, state)
    chinese = any(u.name == state.who(None) and u.language == "zh" for u in state.config.users)  # the operator's
    for difference in summary["confirmation_differences_zh" if chinese else "confirmation_differences"]:
        out.print(f"{'形式发票与订单' if chinese else 'P/I vs PO'}: {difference}", markup=False)
    for doc in summary["documents"]:
        line = f"document: {doc['name']}" + (f" rev.{doc['revision']}" if doc["revision"] else "") + \
            f" from {doc['party']} ({doc['file']})"
        out.print(line + (f" — {doc['reason']}" if explain else ""), markup=False)
    for case in summary["cases"]:
        out.print(f"case {case['case']} [{case['status']}]" + (
            f" closed by {case['closed_by']}: {case['note'] or ''}" if case["closed_by"] else ""), markup=False)
    from mailflow.authresults import summary as auth_summary

    table = Table("date", "dir", "category", "from", "subject", "files", "sender checks",
                  *(["why here"] if explain else []))
    for m in summary["messages"]:
        category = m["category"] + (f" (classifier: {m['classifier']})" if m.get("classifier") else "")
        party = f"{m['party']}: {m.get('party_why') or ''}" if m.get("party") else ""
        add_row(table, m["date"] or "", m["direction"], category, m["from"], m["subject"],
                str(len(m["attachments"])), auth_summary(m.get("authentication") or {}),
                *(["; ".join(w for w in (m["why_here"], party) if w)] if explain else []))
    out.print(table)
    for reply in summary["replies"]:
        decided = f" by {reply['decided_by']} {reply['decided_at'][:16]}" if reply["decided_by"] else ""
        out.print(f"reply #{reply['id']} {reply['template']} [{reply['state']}{decided}] to "
                  f"{', '.join(reply['to'])}" + (f": {reply['reason']}" if reply["reason"] else ""), markup=False)
    for event in summary["events"]:
        if event.get("by"):
            out.print(f"{event['at'][:16]} {event['kind']} by {event['by']}", markup=False)
        elif event["kind"] in SAILING_EVENTS:
            key = event["kind"].split("-")[0]
            before = f" (was {event['before']})" if event.get("before") else ""
            out.print(f"{event['at'][:16]} {key.upper()} {event[key]}{before} from {event['document']} "
                      f"<{event['message_id']}>", markup=False)


SAILING_EVENTS = ("etd-given", "etd-moved", "eta-given", "eta-moved")


def print_sailing(summary: dict[str, Any]) -> None:
    """ETD, ETA, vessel, containers and cut-offs, as the latest booking or shipping advice says."""
    from mailflow.extract.shipping import NAMES

    facts = summary.get("shipping") or {}
    said = [f"{NAMES.get(key, key)} {facts[key]['value']}" for key in NAMES if key in facts]
    if said:
        sources = sorted({f"{f['document']} <{f['message_id']}>" for f in facts.values()})
        out.print("shipping: " + ", ".join(said) + f" (from {'; '.join(sources)})", markup=False)


def print_follow_up(summary: dict[str, Any], state: State) -> None:
    """Status, plan, each milestone (done by what or whom, or due when and why), money, margin."""
    follow = summary.get("follow_up") or {}
    out.print(f"status {summary['status']}" + (f"; plan {follow['plan']}" if follow.get("plan") else ""),
              markup=False)
    if follow.get("milestones"):
        table = Table("milestone", "owner", "state", "due", "done")
        for m in follow["milestones"]:
            done = f"{m['done_at'][:10]} {m['how']}: {m['by']}" if m["done_at"] else ""
            state_text = m["state"] + (f" (waits for {', '.join(m['waiting_for'])})" if m["waiting_for"]
                                       and m["state"] != "done" else "")
            add_row(table, m["name"], m["owner"], state_text, m["due"] or m["due_why"][:40], done)
        out.print(table)
    money = follow.get("money") or {}
    if money.get("total"):
        paid = ", ".join(f"{p['amount']} {p['currency']} on {p['value_date']} ({p['by']})" for p in money["payments"])
        out.print(f"money: total {money['currency']} {money['total']}, outstanding {money['outstanding']}"
                  + (f"; paid {paid}" if paid else ""), markup=False)
        now = money.get("due_now")
        if now:
            out.print(f"due now: the {now['name']}, {money['currency']} {now['remaining']} of {now['amount']} still to pay"
                      + (f" (received {now['received']})" if now["part_paid"] else "")
                      + (f", due {now['due']}" if now["due"] else ""), markup=False)
    if state.config.approval.costs is not None:
        from mailflow.follow.signoff import who_must_sign

        role, why, _ = who_must_sign(state.config, summary.get("data") or {})
        out.print(f"sign-off by the {role.replace('_', ' ')}: {why}", markup=False)


def print_order_data(data: dict[str, Any]) -> None:
    """Terms, lines, totals, check results and the history of an order's data."""
    if not data:
        out.print("no order document read yet", markup=False)
        return
    terms = [f"{label} {data[key]}" for key, label in (
        ("order_date", "ordered"), ("delivery_date", "delivery"), ("currency", "currency"),
        ("incoterm", "incoterm"), ("payment_terms", "payment"), ("total", "total")) if data.get(key)]
    if terms:
        out.print("  ".join(terms), markup=False)
    lines = data.get("lines") or []
    if lines:
        table = Table("item", "description", "qty", "unit", "unit price", "amount")
        for line in lines:
            code = line.get("item_code") or ""
            add_row(table, f"{code} ({line['buyer_code']})" if line.get("buyer_code") else code,
                    line.get("description") or "", line.get("quantity") or "", line.get("unit") or "",
                    line.get("unit_price") or "", line.get("amount") or "")
        out.print(table)
    for check in data.get("checks", []):
        mark = "ok" if check["ok"] else "FAILED"
        out.print(f"check {check['name']}: {mark}: {check['detail']}", markup=False)
    document = data.get("document") or {}
    if document.get("name"):
        out.print(f"read from {document['name']} ({document.get('source', '')})", markup=False)
    for error in document.get("errors", []):
        out.print(f"could not read {error}", markup=False)
    for entry in (data.get("history") or [])[1:]:
        changed = ", ".join(f"{k} {v[0]!r} -> {v[1]!r}" if k != "lines" else "lines"
                            for k, v in entry["changes"].items())
        out.print(f"{entry['at'][:16]} {entry['document'] or 'a document'} changed {changed}",
                  markup=False)


@main.command("packing-list")
@click.argument("number", type=TEXT)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Default: the buyer's language.")
@click.pass_context
def packing_list(ctx: click.Context, number: str, output: Path, lang: str | None) -> None:
    """Write ORDER's packing list PDF: `document ORDER packing-list -o FILE`."""
    ctx.invoke(document, number=number, kind="packing-list", output=output, lang=lang)


@main.command("document")
@click.argument("number", type=TEXT)
@click.argument("kind", type=click.Choice(["pi", "invoice", "packing-list", "production-order", "purchase-order"]))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Also write the PDF here.")
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Default: the buyer's language.")
@click.option("--revision", type=click.IntRange(min=0), default=0,
              help="The revised P/I after revision N of the buyer's PO, the changes marked.")
@click.option("--supplier", type=TEXT, default="", help="purchase-order: the supplier (as the BOM names it).")
@click.option("--line", "line_specs", multiple=True, type=TEXT,
              help="purchase-order: a line CODE:QUANTITY[:UNIT[:PRICE]] instead of the BOM's (repeatable).")
@click.option("--lines-csv", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="purchase-order: lines from a CSV (item_code, quantity, unit, price, description).")
@click.option("--currency", default="CNY", show_default=True, help="purchase-order: the currency of its prices.")
@click.option("--send", is_flag=True, help="purchase-order: mail it to the supplier's configured addresses "
              "(held for the manager while the order is not signed off); sent, it opens the purchase order.")
@AS_OPTION
@click.pass_obj
def document(state: State, number: str, kind: str, output: Path | None, lang: str | None, revision: int,
             supplier: str, line_specs: tuple[str, ...], lines_csv: Path | None, currency: str, send: bool,
             who: str | None) -> None:
    """Write ORDER's KIND (P/I, commercial invoice, packing list, production order, P/O to a
    supplier) as a PDF, numbered from its sequence and filed under the order as ours."""
    from mailflow.writer import desk, paper

    lines = paper.cli_lines(line_specs) + (paper.csv_lines(lines_csv) if lines_csv else [])
    if send:
        if kind != "purchase-order":
            raise MailflowError("--send is for a purchase-order (other documents go with a reply: "
                                "`outbox compose ORDER TEMPLATE --attach KIND`)")
        _send_purchase_order(state, number, supplier, lang, lines, currency.upper(), who, output)
        return
    with state.opened_store() as store:
        person = who or state.config.operator
        written = desk.write(store, state.config, number, kind, lang=lang, revision=revision, supplier=supplier,
                             lines=lines, currency=currency.upper(), who=person)
    if output is not None:
        output.write_bytes(written.pdf)
    for warning in written.warnings:
        out.print(f"warning: {warning}", markup=False)
    page = written.page
    if kind == "packing-list":
        said = f"{', '.join(page['package_counts'])}, N.W. {page['net']} kg, G.W. {page['gross']} kg, {page['cbm']} CBM"
    elif kind == "production-order":
        said = f"{len(page['lines'])} lines, " + (f"signed off by {page['signoff']['who']}" if page["signoff"]
                                                  else "NOT signed off")
    else:
        said = f"{len(page['lines'])} lines, total {page['currency']} {page['total']}"
    out.print(f"{kind} {written.number}: {said}; filed as {written.path}"
              + (f", written to {output}" if output else ""), markup=False)


def _send_purchase_order(state: State, number: str, supplier: str, lang: str | None,
                         lines: list[dict[str, Any]], currency: str, who: str | None, output: Path | None) -> None:
    from mailflow.writer.send import send_purchase_order

    with state.opened_store() as store:
        reply_id, reply, written = send_purchase_order(store, state.config, number, supplier, lang=lang, lines=lines,
                                                       currency=currency, who=who or state.config.operator)
    if output is not None:
        output.write_bytes(written.pdf)
    note = f": {reply.reason}" if reply.reason else ""
    out.print(f"purchase-order {written.number} to {', '.join(a.addr for a in reply.to)}: reply #{reply_id} is "
              f"{reply.state}{note}; filed as {written.path}", markup=False)
