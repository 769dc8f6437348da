"""The learned classifier (learn.py) and how rules use it: the fast scorer equals scikit-learn's
pipeline, the explanation names words of the mail, quoted history does not decide, weak rules
give way only to a confident model, and a retrained model that does worse is refused."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from mailflow import learn, quoting
from mailflow.errors import RuleError
from mailflow.model import Prediction
from mailflow.parse import parse
from mailflow.rules import Known, load_rules
from mailflow.shipped import shipped
from tests.mails import mail

EVAL = shipped("eval")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> learn.Model:
    loaded = learn.load(learn.starting_model_file(EVAL, tmp_path_factory.mktemp("models")))
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def held() -> list[learn.Example]:
    return learn.evaluation_examples(EVAL, "test")


def test_the_saved_numbers_give_the_fitted_pipelines_probabilities(tmp_path: Path,
                                                                   held: list[learn.Example]) -> None:
    examples = learn.seed_examples(EVAL)
    pipeline = learn.fit(examples)
    saved = tmp_path / "model.npz"
    learn.save(learn.Model.from_pipeline(pipeline, {"recipe": learn.RECIPE}), saved)
    model = learn.load(saved)
    assert model is not None
    tricky = ["", "a", "  ", "Re: 样品 A4 size\n\nok", "x" * 7000, "I\tI  I\n\n\u3000布"]
    for text in [e.text for e in held] + tricky:
        expected = pipeline.predict_proba([text])[0]
        _, _, got = model.probabilities(text)
        assert abs(expected - got).max() < 1e-9, text[:80]
        assert model.predict_text(text).category == pipeline.predict([text])[0]
    for block, (_, vectorizer) in zip(model.features, pipeline.steps[0][1].transformer_list, strict=True):
        analyze = vectorizer.build_analyzer()
        for text in [e.text for e in held[:30]] + tricky:
            assert block.cut(text) == analyze(text)
            cut = Counter(i for i in map(block.columns.get, block.cut(text)) if i is not None)
            assert block.counts(text) == block.counts(text) == cut  # each word cut once, then remembered


def test_a_worker_remembers_short_words_only_and_forgets_them_beyond_its_limit(
        model: learn.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    block = next(f for f in model.features if f.kind == "char_wb")
    block.known_words.clear()
    link = "https://track.example/" + "x9" * 40  # a link or a code: seldom seen twice
    text = f"sample sample {link} sample"
    expected = Counter(i for i in map(block.columns.get, block.cut(text)) if i is not None)
    assert block.counts(text) == expected
    assert set(block.known_words) == {"sample"}
    monkeypatch.setattr(learn, "MAX_KNOWN_WORDS", 1)
    block.counts("quality delivery")  # at the limit: kept, and these two added
    assert set(block.known_words) == {"sample", "quality", "delivery"}
    block.counts("carton")  # over it: all forgotten at once, then this one
    assert set(block.known_words) == {"carton"}


def test_the_explanation_names_words_of_the_mail(model: learn.Model, held: list[learn.Example]) -> None:
    explained = 0
    for example in held:
        prediction = model.predict_text(example.text)
        assert 0 < prediction.probability <= 1
        lowered = example.text.lower()
        for word in prediction.words:  # every word shown is in the mail (as a word or a piece)
            assert word in lowered, (word, example.text[:120])
        explained += bool(prediction.words)
        described = prediction.describe()
        assert described.startswith(f"{prediction.category} {prediction.probability:.2f}")
        if prediction.words:
            assert described.endswith(f"({', '.join(prediction.words)})")
    assert explained >= len(held) * 0.9  # nearly every decision comes with its reasons


def test_the_model_reads_the_senders_own_text_not_the_quoted_history() -> None:
    body = ("Please quote 20,000 m of SMS 35g white, FOB Ningbo.\n\nBest regards,\nTom Baker\n"
            "Northwind Trading | 12 Harbour Road | Disclaimer: this mail is confidential\n\n"
            "On Mon, 2 Nov 2026 at 09:00, Lily Chen <lily@acme.example> wrote:\n"
            "> The rolls were damaged and we claim compensation for the defective goods.\n")
    message = parse(mail("Re: SMS 35g", body))
    text = learn.model_text(message)
    assert "Please quote 20,000 m" in text
    assert "damaged" not in text and "compensation" not in text
    assert "Disclaimer" not in text and "Harbour Road" not in text
    own, quoted = quoting.split(message.text)
    assert "damaged" in quoted and "damaged" not in own


def rules_dir(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    return folder


QUOTED_COMPLAINT = ("Thank you, please send the invoice.\n\n"
                    "-----Original Message-----\nFrom: Lily\n> the rolls arrived damaged\n")


def test_body_conditions_leave_quoted_text_out_unless_they_opt_in(tmp_path: Path) -> None:
    rules = load_rules(rules_dir(tmp_path, """
- name: damage
  category: complaint
  when: {body: {contains: damaged}}
- name: damage-anywhere
  category: shipping
  when: {body: {contains: damaged, quoted: true}}
"""))
    decision = rules.classify(parse(mail("Re: invoice", QUOTED_COMPLAINT)))
    assert decision.category == "shipping" and decision.rule == "damage-anywhere"
    assert any("with quoted text" in c for c in decision.conditions)
    direct = rules.classify(parse(mail("Rolls", "The rolls arrived damaged.")))
    assert direct.rule == "damage"


def test_a_weak_rule_gives_way_only_to_a_confident_model(tmp_path: Path) -> None:
    rules = load_rules(rules_dir(tmp_path, """
- name: mentions-invoice
  category: payment
  weak: true
  when: {subject: {contains: invoice}}
- name: learned-complaint
  category: complaint
  when: {classifier: {category: complaint, min: 0.5}}
"""))
    message = parse(mail("Invoice 7781", "The rolls are full of holes."))
    sure = Known(Prediction("complaint", 0.93, ("holes", "rolls")))
    decision = rules.classify(message, model=sure, overrule=0.85)
    assert decision.category == "complaint" and decision.rule == "learned-complaint"
    assert decision.classifier == "complaint 0.93 (holes, rolls)"
    assert any("overruled by the classifier" in c for c in decision.conditions)
    unsure = Known(Prediction("complaint", 0.70, ("holes",)))
    kept = rules.classify(message, model=unsure, overrule=0.85)
    assert kept.category == "payment" and kept.rule == "mentions-invoice" and kept.classifier == ""
    agrees = Known(Prediction("payment", 0.99, ("invoice",)))
    assert rules.classify(message, model=agrees).rule == "mentions-invoice"
    assert rules.classify(message).rule == "mentions-invoice"  # no model: the rule stands


def test_without_a_model_classifier_conditions_do_not_match(tmp_path: Path) -> None:
    rules = load_rules(rules_dir(tmp_path, """
- name: learned-complaint
  category: complaint
  when: {classifier: complaint}
"""))
    decision = rules.classify(parse(mail("Rolls", "full of holes")))
    assert decision.category == "other" and decision.rule is None


def test_a_persons_category_runs_that_categorys_rules(tmp_path: Path) -> None:
    rules = load_rules(rules_dir(tmp_path, """
- name: inquiry
  category: inquiry
  when: {subject: {contains: price}}
  then: [{reply: inquiry_ack}]
- name: learned-complaint
  category: complaint
  when: {classifier: {category: complaint, min: 0.5}}
  then: [{reply: {template: complaint_ack, hold: true}}]
"""))
    message = parse(mail("price of the holes", "The rolls are full of holes."))
    assert rules.classify(message).category == "inquiry"
    person = Known(Prediction("complaint", 1.0, ("set by Lily",)))
    decision = rules.classify(message, model=person, only="complaint")
    assert decision.category == "complaint" and decision.rule == "learned-complaint"
    assert [a.params["template"] for a in decision.wants("reply")] == ["complaint_ack"]
    # a category no rule has: the person's word still stands, with no actions
    assert rules.classify(message, model=person, only="payment").category == "payment"


@pytest.mark.parametrize(("text", "field"), [
    ("{classifier: {category: complaint, min: 2}}", "when.classifier.min"),
    ("{classifier: {category: complaint, above: 0.5}}", "when.classifier"),
    ("{classifier: [complaint]}", "when.classifier"),
])
def test_classifier_condition_errors_name_the_file_line_and_field(tmp_path: Path, text: str, field: str) -> None:
    folder = rules_dir(tmp_path, f"- name: x\n  category: complaint\n  when: {text}\n")
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert caught.value.field == field and caught.value.line == 3
    assert "rules.yaml" in str(caught.value)


def test_a_weaker_rule_names_the_probability_that_overrules_it(tmp_path: Path) -> None:
    """`weak: 0.7`: a guess from the thread's subject gives way to the classifier at 0.7, another
    weak rule only at the desk's `overrule`."""
    rules = load_rules(rules_dir(tmp_path, """
- name: thread-order
  category: order
  weak: 0.7
  when: {subject: {contains: "Re: PO"}}
- name: learned-payment
  category: payment
  when: {classifier: {category: payment, min: 0.4}}
"""))
    message = parse(mail("Re: PO 4501234", "Our bank opened the credit this morning."))
    fairly = Known(Prediction("payment", 0.75, ("bank", "credit")))
    decision = rules.classify(message, model=fairly, overrule=0.85)
    assert decision.category == "payment" and decision.rule == "learned-payment"
    assert any("thread-order: a weak rule, overruled by the classifier" in c for c in decision.conditions)
    unsure = Known(Prediction("payment", 0.65, ("bank",)))
    assert rules.classify(message, model=unsure, overrule=0.85).rule == "thread-order"


def test_a_complaint_rule_gives_way_only_when_the_model_is_sure_and_not_of_complaint(tmp_path: Path) -> None:
    """`weak: {overrule: 0.85, unless: 0.05}`: a shipping advice that says "delay" in complaint
    words is shipping when the classifier is sure of shipping and gives complaint under 0.05;
    a doubt of complaint (0.05 or more), or a model less sure, keeps the rule."""
    rules = load_rules(rules_dir(tmp_path, """
- name: complaint
  category: complaint
  weak: {overrule: 0.85, unless: 0.05}
  when: {body: {contains: delay}}
- name: learned-shipping
  category: shipping
  when: {classifier: {category: shipping, min: 0.4}}
"""))
    assert (rules.rules[0].weak, rules.rules[0].overrule, rules.rules[0].unless) == (True, 0.85, 0.05)
    message = parse(mail("Shipping advice", "The vessel sails on Friday after a two-day delay at the port."))

    def said(shipping: float, complaint: float) -> Known:
        rest = (1.0 - shipping - complaint) / 2
        return Known(Prediction("shipping", shipping, ("vessel",), (("complaint", complaint), ("payment", rest),
                                                                     ("shipping", shipping), ("other", rest))))

    decision = rules.classify(message, model=said(0.93, 0.01))
    assert decision.category == "shipping" and decision.rule == "learned-shipping"
    assert any("complaint: a weak rule, overruled by the classifier: shipping 0.93 (vessel), complaint 0.01" in c
               for c in decision.conditions)
    assert rules.classify(message, model=said(0.90, 0.06)).rule == "complaint"  # complaint not ruled out
    assert rules.classify(message, model=said(0.80, 0.01)).rule == "complaint"  # the model not sure
    # a prediction without every category's probability: complaint may have up to 1 - 0.93
    assert rules.classify(message, model=Known(Prediction("shipping", 0.93))).rule == "complaint"
    assert rules.classify(message).rule == "complaint"  # no model: the rule stands


def test_a_model_that_knows_no_complaint_does_not_overrule_a_complaint_rule(tmp_path: Path) -> None:
    """A model trained without the category `complaint` cannot rule a complaint out: its
    probabilities name no complaint, which is no probability of 0."""
    rules = load_rules(rules_dir(tmp_path, """
- name: complaint
  category: complaint
  weak: {overrule: 0.85, unless: 0.05}
  when: {body: {contains: holes}}
"""))
    message = parse(mail("Rolls", "Half the rolls of lot 7 are full of holes, we claim compensation."))
    unaware = Known(Prediction("shipping", 0.93, ("rolls",), (("payment", 0.04), ("shipping", 0.93), ("other", 0.03))))
    assert unaware.prediction is not None and unaware.prediction.of("complaint") >= 0.05
    assert rules.classify(message, model=unaware).rule == "complaint"


def test_a_prediction_carries_every_categorys_probability(model: learn.Model) -> None:
    prediction = model.predict_text("the rolls are full of holes, we want a credit note")
    assert [c for c, _ in prediction.probabilities] == list(model.classes)
    assert sum(p for _, p in prediction.probabilities) == pytest.approx(1.0)
    assert prediction.of(prediction.category) == prediction.probability
    assert all(prediction.of(c) <= prediction.probability for c in model.classes)


@pytest.mark.parametrize("weak", ["maybe", "0.3", "1.5", "{overrule: 0.85, unless: 0.7}", "{overrule: 0.3}",
                                  "{overrule: 0.85, below: 0.05}"])
def test_weak_takes_true_false_or_a_probability(tmp_path: Path, weak: str) -> None:
    folder = rules_dir(tmp_path, f"- name: x\n  category: complaint\n  weak: {weak}\n  when: {{subject: {{contains: a}}}}\n")
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert caught.value.field == "weak"


KRELO = [("Krelo line, lot 7781", "Blue card raised again on the Krelo line for lot 7781. Second time this month."),
         ("lot 7790", "Krelo line stopped: blue card for lot 7790, same as before."),
         ("Krelo 7795", "another blue card on Krelo, lot 7795. Please see to it.")]


def test_a_model_that_does_worse_on_the_held_out_mail_is_refused(tmp_path: Path, model: learn.Model) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    complaints = [e for e in learn.evaluation_examples(EVAL, "train") if e.category == "complaint"]
    # a desk whose "corrections" call every complaint an inquiry: the model learns it, and
    # misses complaints in the held-out mail it recognised before
    wrong = [learn.Example(e.text, "inquiry", learn.CORRECTION_WEIGHT) for e in complaints]
    refused = learn.retrain(folder, EVAL, wrong, corrections=len(wrong))
    assert not refused.used and refused.file is None
    assert refused.scores.complaint_recall < refused.before.complaint_recall
    assert "stays in use" in refused.reason
    assert not (folder / learn.CURRENT).exists() and not list(folder.glob("classifier-v*.npz"))
    # the desk's own way of complaining, corrected by a person: no worse on the held-out mail,
    # so it is used and recorded with its scores
    right = [learn.Example(learn.text_of(subject, body, ()), "complaint", learn.CORRECTION_WEIGHT)
             for subject, body in KRELO]
    used = learn.retrain(folder, EVAL, right, corrections=len(right), last_correction=9)
    assert used.used and used.file is not None and used.file.exists()
    assert used.scores.accuracy >= used.before.accuracy - learn.NOISE / used.scores.size - 1e-9
    pointer = json.loads((folder / learn.CURRENT).read_text(encoding="utf-8"))
    assert pointer["file"] == used.file.name and pointer["version"] == used.version == 1
    assert pointer["training_size"] == used.size and pointer["corrections"] == 3
    assert pointer["scores"]["accuracy"] == round(used.scores.accuracy, 4)
    assert learn.desk_model_file(folder) == used.file


def test_a_model_from_another_recipe_is_not_loaded(tmp_path: Path, model: learn.Model) -> None:
    path = tmp_path / "old.npz"
    learn.save(learn.Model(model.features, model.coef, model.intercept, model.classes,
                           {**model.meta, "recipe": "something-older/0"}), path)
    assert learn.load(path) is None
    (tmp_path / "broken.npz").write_bytes(b"not a zip file")
    assert learn.load(tmp_path / "broken.npz") is None
    import numpy
    numpy.savez(tmp_path / "object.npz", header=numpy.array([{"format": 1}], dtype=object))
    assert learn.load(tmp_path / "object.npz") is None  # never unpickled


def test_a_process_keeps_the_model_in_use_and_the_one_compared_not_every_retrained_one(
        model: learn.Model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A daily retrain writes a new model file each day: a worker that loads each must not keep
    them all; the one in use and the one it was compared with stay loaded, read once."""
    monkeypatch.setattr(learn, "_LOADED", type(learn._LOADED)())
    files = []
    for day in range(6):
        path = tmp_path / f"desk-{day}.npz"
        learn.save(model, path)
        files.append(path)
        current = learn.load(path)
        assert current is not None and len(learn._LOADED) <= learn.KEEP_LOADED
    assert [k[0] for k in learn._LOADED] == [str(files[4]), str(files[5])]
    # the retrain's check goes back and forth between the current model and the candidate
    assert learn.load(files[4]) is learn.load(files[4]) and learn.load(files[5]) is current
    # a file written again is a new model: the old one is forgotten at once
    learn.save(model, files[5])
    import os
    os.utime(files[5], ns=(1, 1))
    again = learn.load(files[5])
    assert again is not None and again is not current
    assert sorted(k[0] for k in learn._LOADED) == sorted([str(files[4]), str(files[5])])
    assert len(learn._LOADED) == 2
