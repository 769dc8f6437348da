"""The shipped rules and the starting classifier on the held-out part of the evaluation set
(tests/eval, split=test: never used to tune rules or the model), measured through
`mailflow rules test --expect` as a user would run it, and what that command reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from tests.conftest import ROOT, write_desk

pytestmark = pytest.mark.integration

EVAL = ROOT / "tests" / "eval"
# measured when the classifier came in: 85.1 % of the held-out mail right, every complaint
# found (16 of 16); 86.8 % after issue 22's first part; 90.0 % (108 of 120; buyer mail 82 of
# 94, every other party kind right) after its second (from_us, wrapped lines joined, a reply's
# subject read as its thread's, 119 new training mails); 91.7 % (110 of 120; buyer mail 84 of
# 94) after the classifier read the sender's own subject and decided more of the mail no rule
# claimed (100 more training mails); 92.5 % (111 of 120; buyer mail 85 of 94) after three more
# batches of buyer paraphrases (75 training mails) and the rules they showed missing; 94.2 % (113
# of 120; buyer mail 87 of 94) after seven batches of mail of new buyers (196 training mails) and
# the rules they showed missing, and still after five more (140 training mails); 95.0 % (114 of
# 120; buyer mail 88 of 94) once a complaint rule gave way to a classifier sure of another
# category and not of complaint. The floor below guards against a change that makes it worse
# (see docs/architecture.md).
MIN_ACCURACY = 0.95
MIN_COMPLAINT_RECALL = 0.95


def test_the_held_out_mail_is_classified_as_a_merchandiser_would(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    result = CliRunner().invoke(main, ["--config", str(config), "rules", "test", str(EVAL / "mails"),
                                       "--expect", str(EVAL / "labels.csv"), "--split", "test",
                                       "--min-accuracy", str(MIN_ACCURACY), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # 114 held-out mails of the first set and 6 of the party kinds' mail added for issue 22
    assert report["total"] == 120 and report["split"] == "test"
    assert report["accuracy"] >= MIN_ACCURACY, report["wrong"]
    complaint = report["categories"]["complaint"]
    assert complaint["support"] == 16 and complaint["recall"] >= MIN_COMPLAINT_RECALL, report["wrong"]
    assert sum(c["count"] for c in report["confusion"]) == 120
    # accuracy per party kind (labels.csv's party column), beside the per-category figures
    parties = report["parties"]
    assert set(parties) == {"us", "buyer", "supplier", "forwarder", "inspection", "bank", "other"}
    assert sum(p["total"] for p in parties.values()) == 120
    assert sum(p["correct"] for p in parties.values()) == report["correct"]
    for wrong in report["wrong"]:  # each wrong mail says what decided it
        assert wrong["decided_by"].startswith(("rule ", "no rule")) and wrong["expected"] != wrong["got"]


def test_rules_test_reports_and_fails_below_the_minimum(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    labels = tmp_path / "labels.csv"
    rows = [line for line in (EVAL / "labels.csv").read_text(encoding="utf-8").splitlines()[1:]
            if ",train," in line][:6]
    wrong_row = rows[0].split(",")
    wrong_row[1] = "payment" if wrong_row[1] != "payment" else "sample"  # a label the desk will not give
    labels.write_text("file,category,split\n" + "\n".join([",".join(wrong_row[:3]), *(
        ",".join(r.split(",")[:3]) for r in rows[1:])]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "rules", "test", str(EVAL / "mails"),
                                       "--expect", str(labels), "--min-accuracy", "0.99"])
    assert result.exit_code == 1, result.output
    assert "accuracy 83.3%: 5 of 6 mails" in result.output
    assert f"wrong: {wrong_row[0]} expected {wrong_row[1]}" in result.output
    assert "below the minimum 99.0%" in result.output
    assert "confusion" in result.output and "precision" in result.output
    escape = tmp_path / "escape.csv"
    escape.write_text("file,category\n../labels.csv,other\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["--config", str(config), "rules", "test", str(EVAL / "mails"),
                                        "--expect", str(escape)])
    assert refused.exit_code != 0 and "is not a file in" in refused.output


def test_rules_test_reports_accuracy_per_party_kind(tmp_path: Path, sqlite_url: str) -> None:
    """With a party column, `rules test --expect` gives the accuracy per party kind (who sent the
    mail) beside the per-category figures, in its table and its --json."""
    config = write_desk(tmp_path / "desk", sqlite_url)
    rows = [line.split(",") for line in (EVAL / "labels.csv").read_text(encoding="utf-8").splitlines()[1:]]
    chosen = [r for r in rows if r[2] == "train" and r[4] in ("bank", "forwarder", "us")][:9]
    labels = tmp_path / "labels.csv"
    labels.write_text("file,category,party\n" + "".join(f"{r[0]},{r[1]},{r[4]}\n" for r in chosen), encoding="utf-8")
    args = ["--config", str(config), "rules", "test", str(EVAL / "mails"), "--expect", str(labels)]
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == 0, shown.output
    assert "party kind" in shown.output
    report = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)
    kinds = {r[4] for r in chosen}
    assert set(report["parties"]) == kinds
    for kind in kinds:
        assert report["parties"][kind]["total"] == sum(r[4] == kind for r in chosen)
