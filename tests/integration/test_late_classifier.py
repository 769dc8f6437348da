"""The classifier reads a mail in the worker only when a rule there asks; a decision that asks
only once the order is known gets the same word, from the mail prepared again."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow import learn
from mailflow.config import load_config
from mailflow.desk import Desk, load_desk
from mailflow.evaluate import decide_mail
from mailflow.model import Origin, RawMail
from mailflow.pipeline import handle
from mailflow.shipped import shipped
from mailflow.store import Store
from tests.conftest import ROOT, write_desk
from tests.mails import mail

# the worker decides without the order (its rules stop at the first rule: the order is not
# known) and with every order condition true (the second: it may be new); only after
# correlation, with the order known and not new, do the rules reach the classifier
RULES = """\
- name: first-of-an-order
  category: order
  when: {all: [{subject: {regex: '\\bPO\\b'}}, {none: [{order: "order.known"}]}]}
  then: [{file: order}]
- name: new-order
  category: order
  when: {order: "order.new"}
  then: [{file: order}]
"""
LEARNED = """\
- name: learned-{category}
  category: {category}
  when: {{classifier: {{category: {category}, min: 0}}}}
  then: [{{file: order}}]
"""

OPENS = mail("PO 4500871 for the spring season", "Please find our PO 4500871 for 200 rolls.",
             message_id="po@northwind.example")
LATER = [mail("Re: PO 4500871 for the spring season", text, message_id=f"later-{i}@northwind.example",
              headers={"In-Reply-To": "<po@northwind.example>", "References": "<po@northwind.example>"})
         for i, text in enumerate(["The rolls we opened are full of holes, and the cartons were crushed.",
                                   "We have sent the balance payment today, please check the bank slip."])]


@pytest.fixture
def desk_and_store(tmp_path: Path, database_url: str):
    config_file = write_desk(tmp_path / "desk", database_url)
    rules = config_file.parent / "rules"
    rules.mkdir()
    (rules / "10-order.yaml").write_text(RULES, encoding="utf-8")
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace(f"rules: {ROOT / 'rules'}", "rules: rules/"), encoding="utf-8")
    config = load_config(config_file)
    model = learn.load(learn.model_file(config.models_dir, shipped("eval")))  # the desk's first model
    assert model is not None
    (rules / "90-learned.yaml").write_text("".join(LEARNED.format(category=c) for c in model.classes),
                                           encoding="utf-8")
    desk = load_desk(load_config(config_file))
    store = Store(desk.config.database_url, desk.config.archive_root)
    yield desk, store
    desk.close()
    store.close()


def test_a_decision_that_asks_the_classifier_after_correlation_gets_its_word(
        desk_and_store: tuple[Desk, Store]) -> None:
    desk, store = desk_and_store
    assert desk.model_file is not None and desk.rules.reads_order
    opened = handle(RawMail(OPENS, Origin("file", path="po.eml")), desk, store)
    assert opened.status == "filed" and opened.applied is not None and opened.applied.new_order
    for i, data in enumerate(LATER):
        ahead = desk.intake.result(desk.intake.submit(data))
        assert not ahead.predicted and ahead.prediction is None  # no rule asked in the worker
        word = desk.intake.result(desk.intake.submit(data, predict=True)).prediction
        assert word is not None
        if i == 0:
            handled = handle(RawMail(data, Origin("file", path=f"later-{i}.eml")), desk, store)
        else:  # as the daemon files: in a batch, which commits before the worker reads it again
            with store.batch():
                handled = handle(RawMail(data, Origin("file", path=f"later-{i}.eml")), desk, store)
        assert handled.status == "filed" and handled.outcome is not None and handled.applied is not None
        assert handled.applied.order_folder == "4500871" and not handled.applied.new_order
        decision = handled.outcome.decision
        assert (decision.category, decision.rule) == (word.category, f"learned-{word.category}")
        assert decision.classifier == word.describe()
    assert store.has_message(RawMail(LATER[1], Origin("file", path="x")).sha256)
    # `rules test` against the store decides as the daemon does, outside any batch
    asking = mail("Re: PO 4500871 for the spring season", "Could you quote 300 more rolls at the same price?",
                  message_id="later-3@northwind.example", headers={"In-Reply-To": "<po@northwind.example>"})
    word = desk.intake.result(desk.intake.submit(asking, predict=True)).prediction
    assert word is not None
    decision, _ = decide_mail(asking, "later-3.eml", desk, store)
    assert (decision.rule, decision.classifier) == (f"learned-{word.category}", word.describe())
