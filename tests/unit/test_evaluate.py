"""The figures of a labelled set: per category and per party kind (mailflow/evaluate.py)."""

from __future__ import annotations

from pathlib import Path

from mailflow.evaluate import evaluate, read_labels
from mailflow.model import Decision


def _decision(category: str) -> Decision:
    return Decision(category, f"rule-{category}", (), ())


def test_accuracy_per_party_kind_beside_the_categories() -> None:
    results = [("1.eml", "payment", _decision("payment"), "credit advice"),
               ("2.eml", "payment", _decision("complaint"), "REIMBURSEMENT"),
               ("3.eml", "inquiry", _decision("inquiry"), "Quotation"),
               ("4.eml", "order", _decision("order"), "PO")]
    evaluation = evaluate(results, {"1.eml": "bank", "2.eml": "bank", "3.eml": "us"})
    assert evaluation.party_kinds == ["bank", "us"]  # a mail without a party kind is not counted
    assert evaluation.party_accuracy("bank") == 0.5 and evaluation.party_total("bank") == 2
    assert evaluation.as_dict()["parties"] == {"bank": {"accuracy": 0.5, "correct": 1, "total": 2},
                                               "us": {"accuracy": 1.0, "correct": 1, "total": 1}}
    assert evaluation.accuracy == 0.75
    assert evaluate(results).as_dict()["parties"] == {}


def test_the_party_column_is_read_when_given(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("file,category,split,party\n1.eml,payment,test,bank\n2.eml,order,train,\n", encoding="utf-8")
    assert [(label.file, label.party) for label in read_labels(labels)] == [("1.eml", "bank"), ("2.eml", "")]
