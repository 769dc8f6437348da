"""The learned classifier: a text model beside the rules, for mail that says the thing without
the keyword ("the rolls are full of holes", "再这样下去只能换供应商了").

Character n-grams (Chinese needs no word segmenter) and word n-grams, weighted by TF-IDF, into
a logistic regression: its probabilities are what `classifier:` conditions and `weak` rules
read, and its heaviest features for a mail are the words that explain the decision.

scikit-learn fits the model (`fit`); what is kept of it is its numbers (vocabularies, IDF
weights, coefficients) in a NumPy `.npz` file, and `Model` computes a mail's probabilities from
them the way the fitted pipeline does (a test holds the two equal). So classifying needs
neither scikit-learn (seconds to import in every worker) nor a pickle (which runs code when
loaded, and breaks with another scikit-learn version), and costs well under a millisecond.

A desk starts with the model trained on the training part of mailflow's evaluation set
(trained on first use, cached). `mailflow train` trains the desk's own model on its filed mail
(a person's corrections weigh more) and keeps it only if it scores at least as well as the
model in use on the held-out part of the evaluation set (one mail either way being noise).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
import os
import re
import zipfile
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy

from mailflow import __version__, clock, linear, quoting
from mailflow.model import Message, Prediction

log = logging.getLogger("mailflow.learn")

RECIPE = "tfidf-char1-3+word1-2-mindf1+logreg-C100-balanced+own-subject/3"  # changes when the features or model change
FORMAT = 1  # of the saved file
MAX_TEXT = 6000  # characters of a mail's own text the model reads
MAX_KNOWN_WORDS = 20_000  # words whose pieces a worker remembers (forgotten all at once beyond)
MAX_KNOWN_LENGTH = 30  # longer words are cut each time: a few MB at most are remembered
CORRECTION_WEIGHT = 5.0  # a person's category counts this many times a rule's
SUFFIX = ".npz"


def model_text(message: Message) -> str:
    """What the model reads: the sender's own subject, what the sender wrote (no quotes, no
    signature) and the attachments' names."""
    return text_of(message.subject, message.text, [a.filename for a in message.attachments])


# "Re:", "AW:", "Fwd:", "回复：", "轉寄:": the subject is the thread's, another mail's
_KEPT_SUBJECT = linear.compile(r"^\s{0,3}((re|aw|sv|antw|fw|fwd)\s{0,3}(\[\d{1,3}\])?\s{0,3}[:：]|"
                               r"(回复|回覆|答复|答覆|转发|轉寄)\s{0,3}[:：]?)", ignore_case=True)


def own_subject(subject: str) -> str:
    """The subject when the sender wrote it; none for a reply's or a forward's, which names what
    the thread was about, not what this mail says (cross-validated on the training material,
    the model is right more often without them: 85 % against 84 %)."""
    return "" if _KEPT_SUBJECT.search(subject[:1000]) else subject[:1000]


def text_of(subject: str, body: str, names: Sequence[str]) -> str:
    return "\n".join([own_subject(subject), quoting.own_text(body[:50_000])[:MAX_TEXT],
                      " ".join(n[:200] for n in names[:50])])


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    weight: float = 1.0


@dataclass(frozen=True)
class Scores:
    accuracy: float
    complaint_recall: float
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {"accuracy": round(self.accuracy, 4), "complaint_recall": round(self.complaint_recall, 4),
                "size": self.size}


# --- features: scikit-learn's analyzers, as the fitted vectorizers run them -------------------

_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Features:
    """One TF-IDF block: how terms are cut from the text, and each term's column and IDF."""

    kind: str  # "char_wb" | "word"
    low: int
    high: int
    terms: tuple[str, ...]  # in column order
    idf: Any  # numpy array, one weight per term
    offset: int  # the block's first column among all features

    def __post_init__(self) -> None:
        object.__setattr__(self, "known_words", {})  # a word -> the columns of its pieces (char_wb)

    @functools.cached_property
    def columns(self) -> dict[str, int]:
        """Each term's column, made on the first mail read (a process that only checks that the
        model loads, as the daemon at start-up, saves some 25 ms)."""
        return {term: index for index, term in enumerate(self.terms)}

    def cut(self, text: str) -> list[str]:
        """The text's terms, as TfidfVectorizer(analyzer=kind, ngram_range=(low, high),
        lowercase=True) cuts them."""
        text = text.lower()
        if self.kind == "char_wb":
            grams: list[str] = []
            for word in _WHITE_SPACES.sub(" ", text).split():
                grams += self._pieces(word)
            return grams
        tokens = _TOKEN.findall(text)
        grams = list(tokens) if self.low == 1 else []
        for n in range(max(self.low, 2), min(self.high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _pieces(self, word: str) -> list[str]:
        """A word's character n-grams, padded with a space each side (char_wb)."""
        padded = f" {word} "
        grams: list[str] = []
        for n in range(self.low, self.high + 1):
            grams.extend(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:  # a short word counts once, whole
                break
        return grams

    def counts(self, text: str) -> Counter[int]:
        """How often each column's term is in the text: `cut`, counted. A mail says the same
        words again and again, so char_wb cuts each distinct word once (and remembers it)."""
        columns = self.columns
        if self.kind != "char_wb":
            return Counter(index for index in map(columns.get, self.cut(text)) if index is not None)
        known: dict[str, tuple[int, ...]] = self.known_words  # type: ignore[attr-defined]
        if len(known) > MAX_KNOWN_WORDS:
            known.clear()
        counts: Counter[int] = Counter()
        for word, times in Counter(_WHITE_SPACES.sub(" ", text.lower()).split()).items():
            found = known.get(word)
            if found is None:
                found = tuple(i for i in map(columns.get, self._pieces(word)) if i is not None)
                if len(word) <= MAX_KNOWN_LENGTH:  # a link or a code is seldom seen twice
                    known[word] = found
            for index in found:
                counts[index] += times
        return counts

    def weights(self, text: str) -> tuple[Any, Any]:
        """(columns, weights): sublinear TF x IDF, L2-normalised within the block."""
        counts = self.counts(text)
        if not counts:
            return numpy.empty(0, dtype=numpy.int64), numpy.empty(0)
        block = numpy.fromiter(counts.keys(), dtype=numpy.int64, count=len(counts))
        values = (1.0 + numpy.log(numpy.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[block]
        values /= numpy.sqrt((values * values).sum())
        return block + self.offset, values


class Model:
    """A trained classifier: its feature blocks, coefficients, classes and what is known about
    it (meta: version, training size, scores)."""

    def __init__(self, features: Sequence[Features], coef: Any, intercept: Any, classes: Sequence[str],
                 meta: dict[str, Any]) -> None:
        self.features = tuple(features)
        self.coef = numpy.asarray(coef, dtype=float)
        self.intercept = numpy.asarray(intercept, dtype=float)
        self.classes = tuple(str(c) for c in classes)
        self.meta = meta
        if len(self.classes) < 3 or self.coef.shape != (len(self.classes), sum(len(f.terms) for f in features)):
            raise ValueError("the classifier's numbers do not fit together")

    @classmethod
    def from_pipeline(cls, pipeline: Any, meta: dict[str, Any]) -> Model:
        """The numbers of a fitted `_pipeline()`."""
        union, regression = pipeline.steps[0][1], pipeline.steps[-1][1]
        features, offset = [], 0
        for _, vectorizer in union.transformer_list:
            terms = [""] * len(vectorizer.vocabulary_)
            for term, index in vectorizer.vocabulary_.items():
                terms[index] = term
            low, high = vectorizer.ngram_range
            features.append(Features(vectorizer.analyzer, low, high, tuple(terms),
                                     numpy.asarray(vectorizer.idf_, dtype=float), offset))
            offset += len(terms)
        return cls(features, regression.coef_, regression.intercept_, list(regression.classes_), meta)

    @property
    def version(self) -> int:
        return int(self.meta.get("version") or 0)

    def describe(self) -> str:
        scores = self.meta.get("scores") or {}
        held = f", {scores['accuracy']:.1%} right on the held-out mail" if "accuracy" in scores else ""
        return f"v{self.version} ({self.meta.get('training_size', '?')} mails{held})"

    def predict(self, message: Message) -> Prediction:
        return self.predict_text(model_text(message))

    def probabilities(self, text: str) -> tuple[Any, Any, Any]:
        """(columns, values, probabilities per class) for a text."""
        parts = [f.weights(text) for f in self.features]
        columns = numpy.concatenate([c for c, _ in parts])
        values = numpy.concatenate([v for _, v in parts])
        logits = self.coef[:, columns] @ values + self.intercept
        logits -= logits.max()
        exp = numpy.exp(logits)
        return columns, values, exp / exp.sum()

    def predict_text(self, text: str) -> Prediction:
        columns, values, probabilities = self.probabilities(text)
        best = int(probabilities.argmax())
        return Prediction(self.classes[best], float(probabilities[best]),
                          self._words(text.lower(), columns, values, best),
                          tuple(zip(self.classes, map(float, probabilities), strict=True)))

    def _term(self, column: int) -> tuple[str, str]:
        for block in reversed(self.features):
            if column >= block.offset:
                return block.kind, block.terms[column - block.offset]
        raise IndexError(column)

    def _words(self, text: str, columns: Any, values: Any, class_index: int, count: int = 3) -> tuple[str, ...]:
        """The features that weighed most for the class in this text: whole words first (a
        person reads "late" better than " lat"), then character pieces not inside them; only
        as the mail writes them ("你好 kenneth" was "你好，Kenneth")."""
        contributions = values * self.coef[class_index, columns]
        words: list[str] = []
        pieces: list[str] = []
        for position in contributions.argsort()[::-1][:40]:
            if contributions[position] <= 0:
                break
            kind, term = self._term(int(columns[position]))
            term = term.strip()
            if term and term in text:
                (words if kind == "word" else pieces).append(term)
        chosen = list(dict.fromkeys(words))[:count]
        for piece in dict.fromkeys(pieces):
            if len(chosen) >= count:
                break
            if not any(piece in word or word in piece for word in chosen):
                chosen.append(piece)
        return tuple(chosen)


# --- training (scikit-learn) ---------------------------------------------------------------------

def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=1, sublinear_tf=True)),
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                 token_pattern=_TOKEN.pattern)),
    ])
    return Pipeline([("features", features),
                     ("model", LogisticRegression(C=100, max_iter=5000, class_weight="balanced"))])


def fit(examples: Sequence[Example]) -> Any:
    """The fitted scikit-learn pipeline."""
    pipeline = _pipeline()
    pipeline.fit([e.text for e in examples], [e.category for e in examples],
                 model__sample_weight=[e.weight for e in examples])
    return pipeline


def train(examples: Sequence[Example], meta: dict[str, Any] | None = None) -> Model:
    import sklearn

    counts = Counter(e.category for e in examples)
    return Model.from_pipeline(fit(examples), {
        "recipe": RECIPE, "sklearn": sklearn.__version__, "mailflow": __version__,
        "trained_at": clock.now().isoformat(timespec="seconds"),
        "training_size": len(examples), "by_category": dict(sorted(counts.items())), **(meta or {})})


def score(model: Model, examples: Sequence[Example]) -> Scores:
    if not examples:
        return Scores(0.0, 0.0, 0)
    predicted = [model.predict_text(e.text).category for e in examples]
    right = sum(p == e.category for p, e in zip(predicted, examples, strict=True))
    complaints = [p for p, e in zip(predicted, examples, strict=True) if e.category == "complaint"]
    recall = sum(p == "complaint" for p in complaints) / len(complaints) if complaints else 0.0
    return Scores(right / len(examples), recall, len(examples))


# --- the file: numbers and JSON in a NumPy .npz, no pickle ------------------------------------

def save(model: Model, path: Path) -> None:
    header = {"format": FORMAT, "meta": model.meta, "classes": list(model.classes),
              "features": [{"kind": f.kind, "low": f.low, "high": f.high, "terms": list(f.terms)}
                           for f in model.features]}
    arrays: dict[str, Any] = {"header": numpy.frombuffer(json.dumps(header, ensure_ascii=False).encode(), dtype=numpy.uint8),
              "coef": model.coef, "intercept": model.intercept}
    arrays.update({f"idf{i}": f.idf for i, f in enumerate(model.features)})
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # two processes may train at once
    with temporary.open("wb") as handle:
        numpy.savez_compressed(handle, **arrays)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


# the models a process has loaded, newest use last: the one in use and the one it is compared
# with (a retrain checks the candidate against the current one). A daily retrain writes a new
# file each time, so a model is forgotten once two newer ones were used, or at once when its
# file changed (same path, another version).
KEEP_LOADED = 2
_LOADED: OrderedDict[tuple[str, int, int], Model] = OrderedDict()


def load(path: Path) -> Model | None:
    """A saved model, or None when it is missing, unreadable or of another recipe (then it is
    trained again rather than trusted). Loaded once per file version in a process."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key in _LOADED:
        _LOADED.move_to_end(key)
        return _LOADED[key]
    for old in [k for k in _LOADED if k[0] == key[0]]:  # that file was written again
        del _LOADED[old]
    try:
        with numpy.load(path, allow_pickle=False) as saved:
            header = json.loads(bytes(saved["header"]).decode())
            if header.get("format") != FORMAT or header["meta"].get("recipe") != RECIPE:
                return None
            features, offset = [], 0
            for i, block in enumerate(header["features"]):
                terms = tuple(map(str, block["terms"]))
                features.append(Features(str(block["kind"]), int(block["low"]), int(block["high"]), terms,
                                         numpy.asarray(saved[f"idf{i}"], dtype=float), offset))
                offset += len(terms)
            model = Model(features, saved["coef"], saved["intercept"], header["classes"], dict(header["meta"]))
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile,
            UnicodeDecodeError, io.UnsupportedOperation) as exc:
        log.info("classifier %s not loaded (%s): it will be trained again", path, exc)
        return None
    _LOADED[key] = model
    while len(_LOADED) > KEEP_LOADED:
        _LOADED.popitem(last=False)
    return model


def describe_file(path: Path) -> str:
    model = load(path)
    return f"{model.describe()} from {path}" if model is not None else f"{path} (does not load)"


# --- the evaluation set: the shipped start, and the held-out measure ----------------------------

def evaluation_examples(folder: Path, split: str) -> list[Example]:
    """The labelled mails of mailflow's evaluation set (tests/eval), one split."""
    from mailflow.parse import parse

    examples = []
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["split"] == split:
                message = parse((folder / "mails" / row["file"]).read_bytes())
                examples.append(Example(model_text(message), row["category"]))
    return examples


MORE_TRAINING = "more-training.jsonl"  # beside labels.csv: further labelled wording, training only


def seed_examples(folder: Path) -> list[Example]:
    """What every model learns from first: the evaluation set's training part and its further
    training mail (never the held-out part)."""
    examples = evaluation_examples(folder, "train")
    more = folder / MORE_TRAINING
    if more.exists():
        with more.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    examples.append(Example(text_of(row["subject"], row["body"], ()), row["category"]))
    return examples


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mailflow"


def _starting_name(evaluation: Path) -> str:
    """The starting model's file name: a digest of the evaluation set, the recipe and the
    scikit-learn version, so any change of them trains it again."""
    digest = hashlib.sha256(f"{RECIPE}|{FORMAT}".encode())
    digest.update((evaluation / "labels.csv").read_bytes())
    if (evaluation / MORE_TRAINING).exists():
        digest.update((evaluation / MORE_TRAINING).read_bytes())
    for file in sorted((evaluation / "mails").glob("*.eml")):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return f"starting-classifier-{digest.hexdigest()[:16]}{SUFFIX}"


def kept_starting_model(evaluation: Path, fallback: Path) -> Path | None:
    """The starting model trained before and kept (in the user's cache, or in `fallback`), if
    it loads; None: `starting_model_file` trains it."""
    name = _starting_name(evaluation)
    for folder in (_cache_dir(), fallback):
        path = folder / name
        if path.exists() and load(path) is not None:
            return path
    return None


def starting_model_file(evaluation: Path, fallback: Path) -> Path:
    """The model a new desk starts with, trained on the evaluation set's training part (the
    first time, some seconds) and kept in the user's cache, or in `fallback` when the cache
    cannot be written."""
    kept = kept_starting_model(evaluation, fallback)
    if kept is not None:
        return kept
    name = _starting_name(evaluation)
    log.info("training the starting classifier on the evaluation set's training part")
    model = train(seed_examples(evaluation), {"source": "evaluation set, training part", "version": 0})
    model.meta["scores"] = score(model, evaluation_examples(evaluation, "test")).as_dict()
    for folder in (_cache_dir(), fallback):
        try:
            save(model, folder / name)
            return folder / name
        except OSError as exc:
            log.info("starting classifier not kept in %s: %s", folder, exc)
    raise OSError(f"the starting classifier could not be written to {_cache_dir()} or {fallback}")


# --- a desk's own models ------------------------------------------------------------------------

CURRENT = "classifier.json"  # in the desk's models folder: which file is in use, and its scores


def desk_model_file(folder: Path) -> Path | None:
    """The desk's own model in use (`mailflow train` made it), or None: none trained yet, or it
    no longer loads (another scikit-learn), then the starting model serves until the next train."""
    pointer = folder / CURRENT
    if not pointer.exists():
        return None
    try:
        current = json.loads(pointer.read_text(encoding="utf-8"))
        path = folder / Path(str(current["file"])).name
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s is unreadable (%s): the starting classifier is used", pointer, exc)
        return None
    if load(path) is None:
        log.warning("the desk's classifier %s does not load with this scikit-learn: the starting "
                    "classifier is used until `mailflow train`", path)
        return None
    return path


def model_file(folder: Path, evaluation: Path) -> Path:
    """The file of the model in use."""
    return desk_model_file(folder) or starting_model_file(evaluation, folder)


@dataclass(frozen=True)
class Trained:
    used: bool
    version: int
    scores: Scores
    before: Scores
    size: int
    corrections: int
    reason: str
    file: Path | None


NOISE = 1  # held-out mails a retrained model may get wrong beyond the best so far: see _refused


def _refused(after: Scores, reference: Scores, complaints: int) -> bool:
    """Whether a retrained model scores worse than the reference (the better of the model in
    use and the best model the desk has had): more than `NOISE` held-out mails fewer right, or
    more than `NOISE` complaints fewer found. Any added training mail moves the model's
    guess on a borderline mail or two either way; a person's corrections that teach it wrong
    (complaints called inquiries) cost many. The reference never falls, so repeated retraining
    cannot drift down one mail at a time."""
    slack = NOISE / max(after.size, 1) + 1e-9
    complaint_slack = NOISE / max(complaints, 1) + 1e-9
    return (after.accuracy < reference.accuracy - slack
            or after.complaint_recall < reference.complaint_recall - complaint_slack)


def retrain(folder: Path, evaluation: Path, own: Sequence[Example], corrections: int,
            last_correction: int = 0) -> Trained:
    """Train on the evaluation set's training part and the desk's own mail; keep the new model
    only if it scores at least as well on the held-out part as the one in use (accuracy and
    complaint recall both), give or take `NOISE` mails (`_refused`)."""
    seed = seed_examples(evaluation)
    held = evaluation_examples(evaluation, "test")
    current = load(model_file(folder, evaluation))
    if current is None:
        raise OSError(f"the classifier in use in {folder} does not load")
    before = score(current, held)
    version = max(current.version, _newest_version(folder)) + 1
    model = train([*seed, *own], {"source": "evaluation set (training part) and the desk's own mail",
                                  "version": version, "corrections": corrections, "own_mail": len(own),
                                  "last_correction": last_correction})
    after = score(model, held)
    model.meta["scores"] = after.as_dict()
    size = len(seed) + len(own)
    best = current.meta.get("best") or {}
    reference = Scores(max(before.accuracy, float(best.get("accuracy", 0.0))),
                       max(before.complaint_recall, float(best.get("complaint_recall", 0.0))), len(held))
    model.meta["best"] = {"accuracy": round(max(reference.accuracy, after.accuracy), 4),
                          "complaint_recall": round(max(reference.complaint_recall, after.complaint_recall), 4)}
    if _refused(after, reference, sum(e.category == "complaint" for e in held)):
        return Trained(False, version, after, before, size, corrections,
                       f"it scores worse on the held-out mail ({after.accuracy:.1%} right, complaint "
                       f"recall {after.complaint_recall:.1%}, against {reference.accuracy:.1%} and "
                       f"{reference.complaint_recall:.1%} for v{current.version} or the best before it, "
                       f"{NOISE} mail either way being noise): v{current.version} stays "
                       f"in use", None)
    file = folder / f"classifier-v{version}{SUFFIX}"
    save(model, file)
    temporary = folder / f".{CURRENT}.{os.getpid()}"
    temporary.write_text(json.dumps({"file": file.name, **model.meta}, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, folder / CURRENT)
    return Trained(True, version, after, before, size, corrections, "in use", file)


def _newest_version(folder: Path) -> int:
    versions = [int(p.stem.rpartition("-v")[2]) for p in folder.glob(f"classifier-v*{SUFFIX}")
                if p.stem.rpartition("-v")[2].isdigit()]
    return max(versions, default=0)
