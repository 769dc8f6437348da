"""Rule files: check them, and see how they classify mail."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from mailflow.cli.base import State, add_row, main, out
from mailflow.errors import MailflowError, QuarantinedMail
from mailflow.model import Origin, RawMail


@main.group()
def rules() -> None:
    """Check rule files and see how they classify mail."""


@rules.command("check")
@click.pass_obj
def rules_check(state: State) -> None:
    """Validate the rule files (and the reply templates they use)."""
    from mailflow.pipeline import load_desk

    desk = load_desk(state.config)
    files = sorted({str(r.file) for r in desk.rules.rules})
    out.print(f"ok: {len(desk.rules.rules)} rules in {len(files)} files")


def _looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


@rules.command("test")
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("--archive", "use_archive", is_flag=True, help="Classify every message in the archive.")
@click.option("--diff", is_flag=True, help="List messages whose category would change from the one on record.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rules_test(state: State, target: Path | None, use_archive: bool, diff: bool, as_json: bool) -> None:
    """Explain how FILE.eml is classified; a folder or --archive gives a table by category."""
    from mailflow.extract import read_attachment_texts
    from mailflow.parse import parse
    from mailflow.rules import load_rules
    from mailflow.sources.local import local_source

    ruleset = load_rules(state.config.rules_dir)
    if target is not None and target.is_file() and not _looks_like_mbox(target):
        try:
            message = read_attachment_texts(parse(target.read_bytes()))
        except QuarantinedMail as exc:
            raise MailflowError(f"{target}: would be quarantined: {exc.reason}") from None
        decision = ruleset.classify(message)
        result = {"file": str(target), "subject": message.subject, "category": decision.category,
                  "rule": decision.rule, "conditions": list(decision.conditions),
                  "matched_rules": list(decision.matched_rules), "tags": list(decision.tags),
                  "actions": [{"kind": a.kind, "rule": a.rule, **a.params} for a in decision.actions]}
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        out.print(f"[bold]{escape(decision.category)}[/bold]  rule: "
                  f"{escape(decision.rule or '(none matched: fallback)')}")
        for condition in decision.conditions:
            out.print(f"  because {condition}", markup=False)
        for action in decision.actions:
            out.print(f"  then {action.kind} {action.params}", markup=False)
        return

    raws: list[RawMail]
    store = state.store() if (use_archive or diff) else None
    if use_archive:
        assert store is not None
        raws = [RawMail(store.archive.read(m.path), Origin("file", path=m.path)) for m in store.messages()]
    elif target is not None:
        raws = list(local_source(str(target), Path.cwd()).fetch())
    else:
        raise click.UsageError("give a FILE.eml, a folder, or --archive")
    on_record = {m.sha256: m.category for m in store.messages()} if store else {}
    counts: Counter[str] = Counter()
    changes = []
    for raw in raws:
        try:
            message = read_attachment_texts(parse(raw.data))
        except QuarantinedMail:
            counts["(quarantined)"] += 1
            continue
        decision = ruleset.classify(message)
        counts[decision.category] += 1
        before = on_record.get(message.sha256)
        if diff and before is not None and before != decision.category:
            changes.append({"message_id": message.message_id, "subject": message.subject,
                            "origin": raw.origin.path, "before": before, "after": decision.category,
                            "rule": decision.rule})
    if store:
        store.close()
    if as_json:
        click.echo(json.dumps({"categories": dict(counts), "changes": changes}, ensure_ascii=False,
                              indent=2))
        return
    table = Table("category", "messages")
    for category, count in sorted(counts.items()):
        add_row(table, category, str(count))
    out.print(table)
    if diff:
        if not changes:
            out.print("no category would change")
        for change in changes:
            out.print(f"{change['before']} -> {change['after']}  {change['subject']}  "
                      f"({change['origin']})", markup=False)
