"""How the desk learns from a person: a correction of a filed mail's category
(`mailflow reclassify`) is carried out at once and recorded; `mailflow train` (and the daemon,
daily, when there are new corrections) trains the classifier again on the desk's own mail.

A correction is decided like any mail, by the rules of the corrected category only, with the
person's word standing in for the classifier at certainty: the category's keyword rules act
when they match, else its `classifier:` rule (rules/90-learned.yaml). So a mail reclassified as
a complaint is filed under its order, opens its case and gets the complaint acknowledgement,
held for a manager, exactly as a complaint the rules had recognised.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from mailflow import learn, policy
from mailflow.decide import decide
from mailflow.desk import Desk
from mailflow.errors import MailflowError
from mailflow.model import Origin, RawMail
from mailflow.pipeline import refresh_replies
from mailflow.policy import Person
from mailflow.rules import RuleSet
from mailflow.shipped import shipped
from mailflow.store import Store, shared
from mailflow.store.corrections import Refiled

log = logging.getLogger("mailflow.training")

ATTEMPT = "last-training.json"  # in the models folder: the newest correction a training has seen


def categories(desk: Desk) -> list[str]:
    return rule_categories(desk.rules)


def rule_categories(rules: RuleSet) -> list[str]:
    """The categories a person may give a mail: those the rules file mail under, and other."""
    return sorted({r.category for r in rules.rules if r.category} | {"other"})


def reclassify(ref: str, category: str, person: Person, desk: Desk, store: Store) -> Refiled:
    """Set a filed mail's category (see the module's docstring); refused (`policy.Refused`)
    unless the person may (asked again by the store as it writes)."""
    policy.require(person, policy.Action.RECLASSIFY, policy.Thing(ref))
    by = person.name
    known = categories(desk)
    if category not in known:
        raise MailflowError(f"unknown category {category!r}: the rules know {', '.join(known)}")
    row = store.message_by_ref(ref)
    if row.category == category:
        raise MailflowError(f"message <{row.message_id}> is filed as {category} already")
    data = store.archive.read(row.path)
    prepared = desk.intake.result(desk.intake.submit(data, only=category, by=by))
    outcome, aliases = decide(prepared, RawMail(data, Origin("file", path=row.path)), desk, store)
    refiled = store.refile(row.id, outcome, aliases, person)
    if refiled.order_id is not None:
        refresh_replies(refiled.order_id, desk, store)
    log.info("reclassified msgid=<%s> %s -> %s by %s rule=%s order=%s replies=%s rejected=%s",
             row.message_id, refiled.before, refiled.after, by, outcome.decision.rule,
             refiled.order_folder or "unfiled", ",".join(refiled.replies_added) or "-",
             ",".join(f"#{i}" for i in refiled.replies_rejected) or "-")
    return refiled


@dataclass(frozen=True)
class Training:
    trained: learn.Trained | None
    reason: str  # why it did not train, when it did not


def train(desk: Desk, store: Store, only_if_new: bool = False) -> Training:
    """Train the classifier on the evaluation set's training part and the desk's own mail; keep
    it only if it does at least as well on the held-out part (one mail either way being noise:
    `learn.retrain`). `only_if_new`: only when there are
    corrections no training has seen (the daemon's daily run)."""
    folder = desk.config.models_dir
    newest = store.last_correction()
    if only_if_new and newest <= _seen(folder, store):
        return Training(None, "no new corrections since the last training")
    mail = store.training_mail()
    own = [learn.Example(learn.text_of(m.subject, m.text, m.names), m.category,
                         learn.CORRECTION_WEIGHT if m.corrected else 1.0) for m in mail]
    corrections = sum(1 for m in mail if m.corrected)
    folder.mkdir(parents=True, exist_ok=True)
    trained = learn.retrain(folder, shipped("eval"), own, corrections, newest)
    _remember(folder, newest, store)
    if trained.used and trained.file is not None:
        # every other machine of the desk fetches it from the database (`Desk.refresh_model`)
        shared.publish_model(store.sessions, trained.version, trained.file, folder / learn.CURRENT)
        desk.use_model(trained.file)
    log.info("classifier v%d trained on %d mails (%d corrections): %s", trained.version, trained.size,
             corrections, trained.reason)
    return Training(trained, "")


SEEN = "classifier-trained-through"  # in the database: the newest correction a training has seen


def _seen(folder: Path, store: Store) -> int:
    """The newest correction a training has seen, on this machine or on any other."""
    try:
        here = int(json.loads((folder / ATTEMPT).read_text(encoding="utf-8"))["correction"])
    except (OSError, ValueError, KeyError, TypeError):
        here = 0
    anywhere = shared.value(store.sessions, SEEN) or "0"
    return max(here, int(anywhere) if anywhere.isdigit() else 0)


def _remember(folder: Path, correction: int, store: Store) -> None:
    shared.set_value(store.sessions, SEEN, str(correction))
    temporary = folder / f".{ATTEMPT}.{os.getpid()}"
    temporary.write_text(json.dumps({"correction": correction}) + "\n", encoding="utf-8")
    os.replace(temporary, folder / ATTEMPT)
