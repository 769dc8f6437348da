"""Classification cost per message, against baselines measured in the same run.

    .venv/bin/python bench/classify.py [--repeat 5]

On the 342 mails of the evaluation set (tests/eval, parsed once beforehand), prints ms per
message for:
  baseline:   the shipped rules alone (no model)
  model:      the learned classifier alone (what `predict` costs: features, probabilities and
              the explaining words, from the saved numbers), and the fitted scikit-learn
              pipeline's predict_proba on the same text (what it reproduces)
  together:   the shipped rules with the model, as the intake worker runs them
  again:      the classification after correlation in the daemon's process (order facts
              known), without and with the worker's memo of the content conditions' verdicts
and the ratios together / rules and model / predict_proba. The issue's target: the model under
2 ms per message on this machine. Best of --repeat runs each.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailflow import learn
from mailflow.parse import parse
from mailflow.rules import OPTIMISTIC, Known, Memo, load_rules
from mailflow.shipped import shipped


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    evaluation = shipped("eval")
    messages = [parse(p.read_bytes()) for p in sorted((evaluation / "mails").glob("*.eml"))]
    rules = load_rules(ROOT / "rules", ours=("orders@acme.example", "acme.example"))  # the set's desk
    model = learn.load(learn.starting_model_file(evaluation, ROOT / "var" / "models"))
    assert model is not None
    pipeline = learn.fit(learn.seed_examples(evaluation))  # the same model, as scikit-learn holds it
    texts = [learn.model_text(m) for m in messages]
    count = len(messages)

    def rules_alone() -> None:
        for message in messages:
            rules.classify(message)

    def model_alone() -> None:
        for text in texts:
            model.predict_text(text)

    def sklearn_proba() -> None:
        for text in texts:
            pipeline.predict_proba([text])

    def together() -> None:
        for message in messages:
            rules.classify(message, model=Known(model.predict(message)))

    # what the worker hands on: its two classifications (without and with an order) take the
    # content conditions' verdicts; the daemon classifies again once correlation knows the order
    said = [Known(model.predict(m)) for m in messages]
    memos = [Memo(rules.fingerprint) for _ in messages]
    for message, known, memo in zip(messages, said, memos, strict=True):
        rules.classify(message, model=known, memo=memo)
        rules.classify(message, OPTIMISTIC, model=known, memo=memo)
    facts = {"known": True, "new": False, "revision": False, "documents": ["po"], "in_case": False}

    def again_reading() -> None:
        for message, known in zip(messages, said, strict=True):
            rules.classify(message, facts, model=known)

    def again_with_memo() -> None:
        for message, known, memo in zip(messages, said, memos, strict=True):
            rules.classify(message, facts, model=known, memo=memo)

    runs = (rules_alone, model_alone, sklearn_proba, together, again_reading, again_with_memo)
    for run in runs:  # warm every cache first
        run()
    figures = {name: best(run, args.repeat) / count * 1000 for name, run in (
        ("rules alone (baseline)", rules_alone), ("model alone", model_alone),
        ("scikit-learn predict_proba", sklearn_proba), ("rules with the model", together),
        ("again, reading the text", again_reading), ("again, with the memo", again_with_memo))}
    print(f"classification of {count} evaluation mails, best of {args.repeat} runs (ms per message)")
    for name, ms in figures.items():
        print(f"  {name:<28} {ms:8.3f} ms")
    print(f"  rules with the model / rules alone:      {figures['rules with the model'] / figures['rules alone (baseline)']:.2f}x")
    print(f"  model alone / scikit-learn predict_proba: {figures['model alone'] / figures['scikit-learn predict_proba']:.2f}x")
    print(f"  again with the memo / reading the text:  "
          f"{figures['again, with the memo'] / figures['again, reading the text']:.2f}x")
    print(f"  model alone: {'under' if figures['model alone'] < 2 else 'OVER'} the 2 ms target")


if __name__ == "__main__":
    main()
