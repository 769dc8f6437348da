"""Corrections and training: a person's category for a filed mail, and the classifier trained
again on the desk's own mail."""

from __future__ import annotations

import json

import click

from mailflow.cli.base import AS_OPTION, TEXT, State, add_row, main, out, working


@main.command("reclassify")
@click.argument("message", type=TEXT)
@click.argument("category", type=TEXT)
@AS_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def reclassify(state: State, message: str, category: str, who: str | None, as_json: bool) -> None:
    """Set the category of MESSAGE (Message-ID or sha256 prefix): it is filed, acknowledged and
    held as a mail of CATEGORY would be, replies the old category planned and nobody sent are
    rejected, and the correction teaches the next `mailflow train`."""
    from mailflow.desk import load_desk
    from mailflow.training import reclassify as carry_out

    person = state.person(who)
    by = person.name
    desk = load_desk(state.config)
    try:
        with state.opened_store() as store:
            refiled = carry_out(message, category, person, desk, store)
    finally:
        desk.close()
    if as_json:
        click.echo(json.dumps({"before": refiled.before, "after": refiled.after, "by": by,
                               "order": refiled.order_folder, "new_order": refiled.new_order,
                               "case": refiled.case or None, "replies": list(refiled.replies_added),
                               "rejected": list(refiled.replies_rejected), "path": refiled.path},
                              ensure_ascii=False, indent=2))
        return
    out.print(f"{refiled.before} -> {refiled.after} by {by}", markup=False)
    if refiled.order_folder:
        out.print(f"filed under {refiled.order_folder}" + (" (a new order)" if refiled.new_order else ""),
                  markup=False)
    if refiled.case:
        out.print(f"case {refiled.case}", markup=False)
    for reply in refiled.replies_added:
        out.print(f"reply {reply}", markup=False)
    for reply_id in refiled.replies_rejected:
        out.print(f"reply #{reply_id} rejected: it was written for the old category", markup=False)


@main.command("train")
@click.option("--if-new", is_flag=True, help="Only when there are corrections no training has seen.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def train(state: State, if_new: bool, as_json: bool) -> None:
    """Train the classifier again on the desk's own mail (a person's corrections weigh more);
    the new model is used only if it does at least as well on the held-out evaluation mail (one
    mail either way being noise)."""
    from mailflow.desk import load_desk
    from mailflow.training import train as run

    desk = load_desk(state.config)
    try:
        with state.opened_store() as store, working("training the classifier on the desk's mail…"):
            training = run(desk, store, only_if_new=if_new)
    finally:
        desk.close()
    trained = training.trained
    if as_json:
        click.echo(json.dumps({"trained": trained is not None, "reason": training.reason or (
            trained.reason if trained else ""), **({
                "used": trained.used, "version": trained.version, "size": trained.size,
                "corrections": trained.corrections, "scores": trained.scores.as_dict(),
                "before": trained.before.as_dict(), "file": str(trained.file) if trained.file else None}
                if trained else {})}, ensure_ascii=False, indent=2))
        return
    if trained is None:
        out.print(f"not trained: {training.reason}", markup=False)
        return
    out.print(f"classifier v{trained.version}: {trained.size} mails, {trained.corrections} corrections", markup=False)
    out.print(f"held-out mail: {trained.scores.accuracy:.1%} right, complaint recall "
              f"{trained.scores.complaint_recall:.1%} (the model before: {trained.before.accuracy:.1%}, "
              f"{trained.before.complaint_recall:.1%})", markup=False)
    out.print(f"{'used' if trained.used else 'not used'}: {trained.reason}", markup=False)


@main.command("corrections")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def corrections(state: State, as_json: bool) -> None:
    """Every category a person set, newest last."""
    with state.opened_store() as store:
        rows = store.corrections()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("at", "by", "before", "after", "subject")
    for row in rows:
        add_row(table, row["at"][:16], row["by"], row["before"], row["after"], row["subject"])
    out.print(table)
