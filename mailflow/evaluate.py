"""How well the desk classifies a labelled set of mail: accuracy, precision and recall per
category, accuracy per party kind (who sent the mail: us, buyer, supplier, forwarder,
inspection, bank, other; a `party` column of the labels), the confusion matrix, and each mail
it got wrong with the rule or model that decided.
Pure: (name, expected, decision) in, figures out."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailflow.errors import ConfigError
from mailflow.model import Decision


@dataclass(frozen=True)
class Label:
    file: str
    category: str
    split: str = ""  # "train" / "test" in mailflow's evaluation set; "" when not given
    language: str = ""
    party: str = ""  # the sender's party kind (us, buyer, supplier, ...); "" when not given


def read_labels(path: Path) -> list[Label]:
    """A CSV with at least `file` and `category` columns (more are kept: split, language, party)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ConfigError(f"cannot read the labels: {exc.strerror}", path) from None
    if not rows or not {"file", "category"} <= set(rows[0]):
        raise ConfigError("a labels file needs the columns file and category", path, 1)
    labels = []
    for line, row in enumerate(rows, start=2):
        if not row.get("file") or not row.get("category"):
            raise ConfigError("a row without a file or a category", path, line)
        labels.append(Label(row["file"], row["category"].strip(), (row.get("split") or "").strip(),
                            (row.get("language") or "").strip(), (row.get("party") or "").strip()))
    return labels


@dataclass(frozen=True)
class Wrong:
    file: str
    expected: str
    got: str
    decided_by: str  # "rule complaint", "classifier: complaint 0.87 (…)", "no rule (fallback)"
    subject: str


@dataclass
class Evaluation:
    total: int = 0
    correct: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got) -> count
    wrong: list[Wrong] = field(default_factory=list)
    parties: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (party, right) -> count

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def categories(self) -> list[str]:
        return sorted({c for pair in self.confusion for c in pair})

    def precision(self, category: str) -> float:
        predicted = sum(n for (_, got), n in self.confusion.items() if got == category)
        return self.confusion[(category, category)] / predicted if predicted else 0.0

    def recall(self, category: str) -> float:
        actual = sum(n for (expected, _), n in self.confusion.items() if expected == category)
        return self.confusion[(category, category)] / actual if actual else 0.0

    def support(self, category: str) -> int:
        return sum(n for (expected, _), n in self.confusion.items() if expected == category)

    @property
    def party_kinds(self) -> list[str]:
        return sorted({party for party, _ in self.parties})

    def party_total(self, party: str) -> int:
        return self.parties[(party, True)] + self.parties[(party, False)]

    def party_accuracy(self, party: str) -> float:
        total = self.party_total(party)
        return self.parties[(party, True)] / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total, "correct": self.correct, "accuracy": round(self.accuracy, 4),
            "categories": {c: {"precision": round(self.precision(c), 4), "recall": round(self.recall(c), 4),
                               "support": self.support(c)} for c in self.categories},
            "parties": {p: {"accuracy": round(self.party_accuracy(p), 4), "correct": self.parties[(p, True)],
                            "total": self.party_total(p)} for p in self.party_kinds},
            "confusion": [{"expected": e, "got": g, "count": n} for (e, g), n in sorted(self.confusion.items())],
            "wrong": [w.__dict__ for w in self.wrong],
        }


def decided_by(decision: Decision) -> str:
    """"rule complaint", "rule learned-complaint, classifier: complaint 0.87 (late, 破损)"."""
    rule = f"rule {decision.rule}" if decision.rule else "no rule (fallback)"
    return f"{rule}, classifier: {decision.classifier}" if decision.classifier else rule


def evaluate(results: Sequence[tuple[str, str, Decision, str]], parties: Mapping[str, str] | None = None) -> Evaluation:
    """`results`: (file, expected category, decision, subject) for each labelled mail;
    `parties`: the party kind of each file, where the labels give it (counted per kind)."""
    evaluation = Evaluation()
    for file, expected, decision, subject in results:
        evaluation.total += 1
        evaluation.confusion[(expected, decision.category)] += 1
        party = (parties or {}).get(file, "")
        if party:
            evaluation.parties[(party, decision.category == expected)] += 1
        if decision.category == expected:
            evaluation.correct += 1
        else:
            evaluation.wrong.append(Wrong(file, expected, decision.category, decided_by(decision), subject))
    return evaluation


def decide_mail(data: bytes, name: str, desk: Any, lookup: Any) -> tuple[Decision, str]:
    """The daemon's decision on one mail (workers, classifier, decide against `lookup`);
    MailflowError when it would be quarantined."""
    from mailflow.errors import MailflowError, QuarantinedMail
    from mailflow.model import Origin, RawMail
    from mailflow.pipeline import process

    try:
        outcome, _, _ = process(RawMail(data, Origin("file", path=name)), desk, lookup)
    except QuarantinedMail as exc:
        raise MailflowError(f"{name}: would be quarantined: {exc.reason}") from None
    return outcome.decision, outcome.message.subject


@dataclass(frozen=True)
class Preview:
    counts: list[tuple[str, int]]
    changes: list[dict[str, str]]


def preview_archive(desk: Any, store: Any, limit: int = 500) -> Preview:
    """What the rules as they are now would decide on the newest `limit` filed mails: counts per
    category, and the mails whose category would change from the one on record."""
    from mailflow.errors import MailflowError

    counts: Counter[str] = Counter()
    changes: list[dict[str, str]] = []
    for row in store.newest_messages(limit):
        try:
            decision, subject = decide_mail(store.archive.read(row.path), row.path, desk, store)
        except (MailflowError, OSError):
            counts["(quarantined)"] += 1
            continue
        counts[decision.category] += 1
        if row.direction == "in" and row.category not in ("reply",) and decision.category != row.category:
            changes.append({"subject": subject, "before": row.category, "after": decision.category,
                            "decided_by": decided_by(decision)})
    return Preview(sorted(counts.items()), changes)
