"""A desk learns from a person, on SQLite and PostgreSQL: a buyer's own way of complaining that
no rule knows ("blue card on the Krelo line") is filed as `other`; the merchandiser reclassifies
two such mails as complaints, which files them as complaints at once (a case, the complaint
acknowledgement held for a manager, the wrong acknowledgement of the old category rejected);
after `mailflow train` the next such mail is a complaint on its own, and its decision names the
model and its words; the daemon's daily training runs only when there are new corrections, and
another machine on the same database uses the classifier one trained."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from mailflow.config import load_config
from mailflow.daemon import refresh_model, retrain
from mailflow.desk import load_desk
from mailflow.learn import NOISE
from mailflow.store import Store
from tests.conftest import ROOT, write_desk
from tests.mails import mail

pytestmark = pytest.mark.integration

KRELO = [
    ("Krelo line 7781", "Dear Lily,\n\nBlue card on the Krelo line for 7781.\n\nRegards,\nTom"),
    ("7795 price", ("Hi Lily,\n\nanother blue card on Krelo, 7795. What is your price for the "
                    "replacement?\n\nTom")),
]
NEW = ("Krelo line 7802", "Hello Lily,\n\nBlue card on the Krelo line today for 7802.\n\nTom")


def cli(config: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def deliver(config: Path, number: int, subject: str, body: str) -> None:
    (config.parent / "inbox" / f"{number}.eml").write_bytes(mail(
        subject, body, message_id=f"krelo-{number}@northwind.example",
        date=dt.datetime(2026, 11, 10 + number, 9, 0, tzinfo=dt.UTC)))
    cli(config, "run", "--once")


def filed(config: Path, message_id: str) -> dict[str, object]:
    store = Store(load_config(config).database_url, config.parent / "var" / "archive")
    try:
        row = store.message_by_ref(message_id)
        return {"category": row.category, "rule": row.rule, "decision": row.decision}
    finally:
        store.close()


def desk_with_rules(tmp_path: Path, database_url: str) -> Path:
    """A desk whose rules know inquiries by one keyword, and the shipped learned rules."""
    config = write_desk(tmp_path / "desk", database_url)
    rules = config.parent / "rules"
    rules.mkdir()
    (rules / "60-inquiry.yaml").write_text(
        "- name: inquiry\n  category: inquiry\n  when: {body: {regex: '\\bprice\\b'}}\n"
        "  then: [{reply: inquiry_ack}]\n", encoding="utf-8")
    shutil.copy(ROOT / "rules" / "90-learned.yaml", rules)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f"rules: {ROOT / 'rules'}", "rules: rules/"), encoding="utf-8")
    assert "rules: rules/" in config.read_text(encoding="utf-8")
    return config


def test_a_correction_is_carried_out_and_teaches_the_classifier(tmp_path: Path, database_url: str) -> None:
    config = desk_with_rules(tmp_path, database_url)
    for number, (subject, body) in enumerate(KRELO):
        deliver(config, number, subject, body)
    first, second = (filed(config, f"krelo-{n}@northwind.example") for n in range(2))
    assert first["category"] == "other" and second["category"] == "inquiry"  # what the desk got wrong
    outbox = json.loads(cli(config, "outbox", "list", "--json"))
    assert [r["template"] for r in outbox] == ["inquiry_ack"]  # the wrong acknowledgement, queued

    corrected = json.loads(cli(config, "reclassify", "krelo-1@northwind.example", "complaint",
                               "--as", "Lily Chen", "--json"))
    assert corrected["before"] == "inquiry" and corrected["after"] == "complaint"
    assert corrected["case"] and corrected["replies"] == ["complaint_ack:held"]
    assert corrected["rejected"] == [outbox[0]["id"]]
    cli(config, "reclassify", "krelo-0@northwind.example", "complaint", "--as", "Lily Chen")
    replies = {r["id"]: r for r in json.loads(cli(config, "outbox", "list", "--json"))}
    assert replies[outbox[0]["id"]]["state"] == "rejected"
    assert "reclassified from inquiry to complaint by Lily Chen" in replies[outbox[0]["id"]]["reason"]
    assert sorted(r["template"] for r in replies.values() if r["state"] == "held") == ["complaint_ack"] * 2
    cases = json.loads(cli(config, "case", "list", "--json"))
    assert sorted(c["subject"] for c in cases if c["status"] == "open") == sorted(s for s, _ in KRELO)
    record = filed(config, "krelo-1@northwind.example")
    assert record["category"] == "complaint" and record["rule"] == "set by Lily Chen"
    assert record["decision"]["corrected"]["before"] == "inquiry"  # type: ignore[index]
    history = json.loads(cli(config, "corrections", "--json"))
    assert [(c["before"], c["after"], c["by"]) for c in history] == [
        ("inquiry", "complaint", "Lily Chen"), ("other", "complaint", "Lily Chen")]
    again = CliRunner().invoke(main, ["--config", str(config), "reclassify", "krelo-1@northwind.example",
                                      "complaint", "--as", "Lily Chen"])
    assert again.exit_code != 0 and "filed as complaint already" in again.output
    unknown = CliRunner().invoke(main, ["--config", str(config), "reclassify", "krelo-1@northwind.example",
                                        "grievance", "--as", "Lily Chen"])
    assert unknown.exit_code != 0 and "unknown category 'grievance'" in unknown.output

    trained = json.loads(cli(config, "train", "--json"))
    assert trained["used"] and trained["version"] == 1 and trained["corrections"] == 2
    assert trained["scores"]["accuracy"] >= trained["before"]["accuracy"] - NOISE / trained["scores"]["size"] - 1e-4
    deliver(config, 5, *NEW)
    new = filed(config, "krelo-5@northwind.example")
    assert new["category"] == "complaint" and new["rule"] == "learned-complaint"
    said = new["decision"]["classifier"]  # type: ignore[index]
    assert said.startswith("complaint ") and ("krelo" in said or "blue card" in said), said
    show = cli(config, "rules", "test", str(config.parent / "inbox" / "5.eml"))
    assert "classifier: complaint" in show and "learned-complaint" in show

    # the daemon's daily run: nothing new since `train`, so no training; a new correction, one
    desk = load_desk(load_config(config))
    store = Store(desk.config.database_url, desk.config.archive_root)
    try:
        models = desk.config.models_dir
        retrain(desk, store)
        assert not (models / "classifier-v2.npz").exists()
        cli(config, "reclassify", "krelo-5@northwind.example", "other", "--as", "Lily Chen")
        retrain(desk, store)
        pointer = json.loads((models / "classifier.json").read_text(encoding="utf-8"))
        assert (models / "classifier-v2.npz").exists() == (pointer["version"] == 2)
        assert json.loads((models / "last-training.json").read_text(encoding="utf-8"))["correction"] == 3

        # another machine (its own directory and var/, the same database) uses that classifier
        # and does not train again for the corrections this one saw
        other = shutil.copytree(config.parent, tmp_path / "other", ignore=shutil.ignore_patterns("var"))
        there = load_desk(load_config(other / "mailflow.yaml"))
        try:
            refresh_model(there, store)
            assert there.model_file is not None and there.model_file.parent == there.config.models_dir
            assert there.model_file.name == f"classifier-v{pointer['version']}.npz"
            assert there.model_file.read_bytes() == (models / there.model_file.name).read_bytes()
            retrain(there, store)
            assert not (there.config.models_dir / "last-training.json").exists()  # it did not train
        finally:
            there.close()
    finally:
        store.close()
        desk.close()
