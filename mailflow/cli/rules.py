"""Rule files: check them, and see how they classify mail."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from mailflow.cli.base import TEXT, State, add_row, main, out
from mailflow.errors import MailflowError
from mailflow.evaluate import decided_by
from mailflow.model import Decision, Origin, RawMail


@main.group()
def rules() -> None:
    """Check rule files and see how they classify mail."""


@rules.command("check")
@click.pass_obj
def rules_check(state: State) -> None:
    """Validate the rule files (and the reply templates they use) and the document templates."""
    from mailflow.desk import load_desk
    from mailflow.writer.desk import check_templates

    desk = load_desk(state.config)
    files = sorted({str(r.file) for r in desk.rules.rules})
    plans = desk.follower.plans if desk.follower else ()
    documents = check_templates(state.config)
    out.print(f"ok: {len(desk.rules.rules)} rules in {len(files)} files; {len(plans)} follow-up plans"
              + (f" ({', '.join(p.name for p in plans)})" if plans else "")
              + f"; {len(documents)} document templates")


def _looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


@rules.command("test")
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("--archive", "use_archive", is_flag=True, help="Classify every message in the archive.")
@click.option("--diff", is_flag=True, help="List messages whose category would change from the one on record.")
@click.option("--expect", "labels", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="A CSV of file,category[,split][,party]: measure the classification of the folder TARGET "
                   "(per category and, with a party column, per party kind).")
@click.option("--split", type=TEXT, help="With --expect: only the rows of this split (e.g. test).")
@click.option("--min-accuracy", type=click.FloatRange(0, 1), help="With --expect: exit 1 below this accuracy (0-1).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rules_test(state: State, target: Path | None, use_archive: bool, diff: bool, labels: Path | None,
               split: str | None, min_accuracy: float | None, as_json: bool) -> None:
    """Explain how FILE.eml is classified; a folder or --archive gives a table by category;
    a folder with --expect LABELS.csv measures accuracy, precision and recall.

    Mail is decided as the daemon decides it (workers, the classifier, rules that see the order:
    for files, on a desk that has no orders yet)."""
    from mailflow.correlate import NoOrders
    from mailflow.desk import load_desk
    from mailflow.sources.local import local_source

    if labels is not None:
        if target is None or not target.is_dir():
            raise click.UsageError("--expect needs the folder of the labelled mails as TARGET")
        _measure(state, target, labels, split, min_accuracy, as_json)
        return
    desk = load_desk(state.config)
    try:
        if target is not None and target.is_file() and not _looks_like_mbox(target):
            decision, subject = _decide(target.read_bytes(), str(target), desk, NoOrders())
            _explain(str(target), subject, decision, as_json)
            return
        store = state.store() if (use_archive or diff) else None
        try:
            raws: list[RawMail]
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
                    decision, subject = _decide(raw.data, raw.origin.describe(), desk, store or NoOrders())
                except MailflowError:
                    counts["(quarantined)"] += 1
                    continue
                counts[decision.category] += 1
                before = on_record.get(hashlib.sha256(raw.data).hexdigest())
                if diff and before is not None and before != decision.category:
                    changes.append({"subject": subject, "origin": raw.origin.path, "before": before,
                                    "after": decision.category, "decided_by": decided_by(decision)})
        finally:
            if store:
                store.close()
    finally:
        desk.close()
    if as_json:
        click.echo(json.dumps({"categories": dict(counts), "changes": changes}, ensure_ascii=False, indent=2))
        return
    table = Table("category", "messages")
    for category, count in sorted(counts.items()):
        add_row(table, category, str(count))
    out.print(table)
    if diff:
        if not changes:
            out.print("no category would change")
        for change in changes:
            out.print(f"{change['before']} -> {change['after']}  {change['subject']}  ({change['origin']}; "
                      f"{change['decided_by']})", markup=False)


def _decide(data: bytes, name: str, desk: Any, lookup: Any) -> tuple[Decision, str]:
    from mailflow.evaluate import decide_mail

    return decide_mail(data, name, desk, lookup)


def _explain(name: str, subject: str, decision: Decision, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({
            "file": name, "subject": subject, "category": decision.category, "rule": decision.rule,
            "classifier": decision.classifier, "decided_by": decided_by(decision),
            "conditions": list(decision.conditions), "matched_rules": list(decision.matched_rules),
            "tags": list(decision.tags),
            "actions": [{"kind": a.kind, "rule": a.rule, **a.params} for a in decision.actions]},
            ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{escape(decision.category)}[/bold]  rule: "
              f"{escape(decision.rule or '(none matched: fallback)')}")
    if decision.classifier:
        out.print(f"  classifier: {decision.classifier}", markup=False)
    for condition in decision.conditions:
        out.print(f"  because {condition}", markup=False)
    for action in decision.actions:
        out.print(f"  then {action.kind} {action.params}", markup=False)


def _measure(state: State, folder: Path, labels_file: Path, split: str | None, min_accuracy: float | None,
             as_json: bool) -> None:
    from mailflow.correlate import NoOrders
    from mailflow.desk import load_desk
    from mailflow.evaluate import evaluate, read_labels

    labels = [label for label in read_labels(labels_file) if split is None or label.split == split]
    if not labels:
        raise MailflowError(f"{labels_file}: no rows" + (f" in split {split!r}" if split else ""))
    root = folder.resolve()
    desk = load_desk(state.config)
    results = []
    try:
        for label in labels:
            path = (root / label.file).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                raise MailflowError(f"{labels_file}: {label.file!r} is not a file in {folder}")
            try:
                decision, subject = _decide(path.read_bytes(), label.file, desk, NoOrders())
            except MailflowError as exc:
                decision, subject = Decision("(quarantined)", None, (str(exc),), ()), ""
            results.append((label.file, label.category, decision, subject))
    finally:
        desk.close()
    evaluation = evaluate(results, {label.file: label.party for label in labels if label.party})
    below = min_accuracy is not None and evaluation.accuracy < min_accuracy
    if as_json:
        click.echo(json.dumps({**evaluation.as_dict(), "split": split, "min_accuracy": min_accuracy,
                               "below_minimum": below}, ensure_ascii=False, indent=2))
    else:
        _print_evaluation(evaluation, split)
        if below:
            out.print(f"accuracy {evaluation.accuracy:.1%} is below the minimum {min_accuracy:.1%}", markup=False)
    if below:
        raise SystemExit(1)


def _print_evaluation(evaluation: Any, split: str | None) -> None:
    scope = f" (split {split})" if split else ""
    out.print(f"[bold]accuracy {evaluation.accuracy:.1%}[/bold]: {evaluation.correct} of {evaluation.total} "
              f"mails{escape(scope)}")
    categories = evaluation.categories
    table = Table("category", "precision", "recall", "mails")
    for category in categories:
        add_row(table, category, f"{evaluation.precision(category):.1%}", f"{evaluation.recall(category):.1%}",
                str(evaluation.support(category)))
    out.print(table)
    if evaluation.party_kinds:
        parties = Table("party kind", "accuracy", "right", "mails")
        for party in evaluation.party_kinds:
            add_row(parties, party, f"{evaluation.party_accuracy(party):.1%}", str(evaluation.parties[(party, True)]),
                    str(evaluation.party_total(party)))
        out.print(parties)
    matrix = Table("expected \\ got", *categories, title="confusion")
    for expected in categories:
        add_row(matrix, expected, *(str(evaluation.confusion[(expected, got)] or "·") for got in categories))
    out.print(matrix)
    for wrong in evaluation.wrong:
        out.print(f"wrong: {wrong.file} expected {wrong.expected}, got {wrong.got} by {wrong.decided_by}: "
                  f"{wrong.subject[:80]}", markup=False)
