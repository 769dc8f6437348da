"""The content stages of one mail (parse, attachment texts, classify, read its documents), run
in a worker process with a budget, so that no mail can stop the desk.

Whatever the content costs (a mail-parser corner case, a million MIME parts, a rule over a huge
body), it costs a worker at most `intake.cpu_seconds` of CPU and `intake.memory_mb` of memory.
Over the budget, the mail is quarantined with the reason and the mailbox moves on; the daemon's
own threads only wait, so SIGTERM is honoured at once. Documents are read in a child of the
worker with their own limits: a bad PDF is that document's error, and the mail is still filed.

What needs the database (correlation, reply planning, the apply) stays in the daemon's process.
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailflow import documents, learn, linear
from mailflow.correlate import Found, keys_in, numbers_in_text
from mailflow.errors import MailflowError, QuarantinedMail
from mailflow.extract import Extractor, Settings, shipping
from mailflow.extract.pdf import Document
from mailflow.learn import Model
from mailflow.model import Decision, Message, OrderData, Prediction
from mailflow.parse import parse
from mailflow.rules import OPTIMISTIC, Known, Memo, Predictor, RuleSet, load_rules
from mailflow.worker import ForkRunner, WorkerFailed, WorkerPool, WorkerStartFailed, WorkerStopped


@dataclass(frozen=True)
class Budget:
    """What one mail may cost in a worker."""

    cpu_seconds: int = 60
    memory_mb: int = 2048
    workers: int = 0  # 0: one per CPU core


@dataclass(frozen=True)
class DeskSpec:
    """What a worker needs to load the desk's rules and read its documents (picklable)."""

    rules_dir: str
    extract: Settings
    rules_version: str  # the rule files' names, sizes and times: a change loads them again
    model_file: str = ""  # the learned classifier in use ("": none); a new file is loaded again
    overrule: float = 0.85  # a weak rule gives way to the classifier at this probability
    patterns: tuple[str, ...] = ()  # correlation.patterns: the order numbers in the text are found here
    ours: tuple[str, ...] = ()  # the identity's addresses and domain, for the rules' `from_us:`


@dataclass(frozen=True)
class Prepared:
    """A mail after the content stages: parsed, classified, its documents read (not checked)."""

    message: Message
    decision: Decision
    order_data: OrderData
    documents: tuple[Document, ...]
    prediction: Prediction | None = None  # the classifier's word, when a rule may ask for it
    only: str | None = None  # a person set the category (`mailflow reclassify`)
    extract_seconds: float = 0.0  # reading its documents (0: none was read)
    memo: Memo | None = None  # what the rules' content conditions said: not read again after correlation
    numbers: tuple[Found, ...] | None = None  # correlate.numbers_in_text with the desk's patterns
    # whether `prediction` is the classifier's word (or a person's, or there is no classifier);
    # False: no rule asked it here, and a decision that does asks it of a worker (`NotPredicted`)
    predicted: bool = True
    # the number keys of its subject, body and attachments' and documents' texts
    # (`correlate.keys_in`), for the search index: found here rather than while the mail is filed
    text_keys: dict[str, list[str]] | None = None


def rules_version(directory: Path) -> str:
    parts = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            stat = path.stat()
            parts.append(f"{path.relative_to(directory)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


_LOADED: dict[tuple[Any, ...], tuple[RuleSet, Extractor, Model | None, tuple[linear.Pattern, ...]]] = {}


def _desk(spec: DeskSpec) -> tuple[RuleSet, Extractor, Model | None, tuple[linear.Pattern, ...]]:
    """The rules, a document reader, the classifier and the number patterns of this worker,
    loaded once per version."""
    key = (spec.rules_dir, spec.rules_version, spec.model_file, spec.patterns, spec.ours)
    if key not in _LOADED:
        _LOADED.clear()
        runner = ForkRunner(memory_mb=spec.extract.memory_mb)
        rules = load_rules(Path(spec.rules_dir), ours=spec.ours)
        model = None
        if spec.model_file and rules.reads_classifier:
            model = learn.load(Path(spec.model_file))
            if model is None:  # the daemon loaded it at start: the file changed under us
                raise MailflowError(f"the classifier {spec.model_file} no longer loads")
        patterns = tuple(linear.compile(p) for p in spec.patterns)
        extractor = Extractor(spec.extract, runner=runner)
        extractor.preload()  # each child forked for a document inherits the readers
        _LOADED[key] = (rules, extractor, model, patterns)
    return _LOADED[key]


def _load(spec: DeskSpec) -> None:
    """In a worker: the desk loaded before its first mail (`Intake.start`)."""
    _desk(spec)


def text_wanted(filename: str) -> bool:
    """A PDF whose text is read before the rules: one whose name does not say what it is (its
    text does), a bank document (its figures are read, `documents.text_wanted`), and a booking
    confirmation or shipping advice (its ETD and vessel are kept)."""
    return documents.text_wanted(filename) or bool(documents.names_in(filename, shipping.KINDS))


class Asked:
    """The classifier's word on one mail, taken the first time a rule asks for it (and kept for
    every rule and decide()): most mail is decided by a rule that never asks, and the model's
    reading of a mail costs as much as parsing it."""

    def __init__(self, model: Model, message: Message) -> None:
        self.model, self.message = model, message
        self.asked = False
        self.prediction: Prediction | None = None

    def predict(self, message: Message) -> Prediction | None:
        if not self.asked:
            self.prediction, self.asked = self.model.predict(self.message), True
        return self.prediction


def prepare(data: bytes, spec: DeskSpec, only: str | None = None, by: str = "", predict: bool = False) -> Prepared:
    """In a worker: the content stages of one mail; raises QuarantinedMail with the reason.
    `only`: the category a person set (`by`), decided with that category's rules. `predict`:
    the classifier reads the mail whether or not a rule here asks (a decision after correlation
    asked, `NotPredicted`)."""
    rules, extractor, model, patterns = _desk(spec)
    message = extractor.attachment_texts(parse(data), pdf_text=rules.reads_attachment_text,
                                         unnamed=text_wanted)
    if only is not None:
        predictor: Predictor | None = Known(Prediction(only, 1.0, (f"set by {by or 'a person'}",)))
    elif model is not None and rules.reads_classifier:
        predictor = Asked(model, message)
        if predict:
            predictor.predict(message)
    else:
        predictor = None
    memo = Memo(rules.fingerprint)
    decision = rules.classify(message, model=predictor, overrule=spec.overrule, only=only, memo=memo)
    # the documents are read for every rule that may match once the order is known (a PO sent
    # in a quotation thread is decided only after correlation, and needs its PDF read by then)
    reading = rules.classify(message, OPTIMISTIC, model=predictor, overrule=spec.overrule, only=only,
                             memo=memo) if rules.reads_order else decision
    started = time.perf_counter()
    order_data, documents = extractor.read(message, reading)
    spent = time.perf_counter() - started if documents else 0.0
    prediction = predictor.prediction if isinstance(predictor, (Known, Asked)) else None
    texts = [message.subject, message.text, *(a.text for a in message.attachments if a.text),
             *(d.text for d in documents if d.text and not d.error)]
    return Prepared(message, decision, order_data, tuple(documents), prediction, only, spent, memo,
                    numbers_in_text(message, patterns), predicted=not isinstance(predictor, Asked) or predictor.asked,
                    text_keys={text: keys_in(text) for text in texts})


class Intake:
    """The worker pool that prepares mail; `prepare` waits for one, interruptible by `stop`."""

    def __init__(self, spec: DeskSpec, budget: Budget) -> None:
        self.spec = spec
        self.budget = budget
        self._pool: WorkerPool | None = None
        self._lock = threading.Lock()
        self._started = False

    @property
    def pool(self) -> WorkerPool:
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self.budget.workers or os.cpu_count() or 1,
                                        memory_mb=self.budget.memory_mb)
            return self._pool

    def start(self) -> None:
        """The workers start now, each loading the desk's rules, readers and classifier (half a
        second), while the daemon opens its store and its sources: the first mail does not wait
        for them. A worker that cannot start fails its first mail as it would have anyway."""
        with self._lock:
            if self._started:
                return
            self._started = True
        pool = self.pool
        for _ in range(pool.size):  # one each: a worker busy starting leaves the next to another
            pool.submit(_load, self.spec, seconds=self.budget.cpu_seconds)

    def submit(self, data: bytes, only: str | None = None, by: str = "", predict: bool = False) -> Future[Prepared]:
        return self.pool.submit(prepare, data, self.spec, only, by, predict, seconds=self.budget.cpu_seconds)

    @staticmethod
    def wait(future: Future[Prepared], stopped: Callable[[], bool] = lambda: False) -> None:
        """Until the worker is done with the mail, or the daemon stops (then `result` says)."""
        while not future.done() and not stopped():
            concurrent.futures.wait([future], timeout=0.25)

    def result(self, future: Future[Prepared], stopped: Callable[[], bool] = lambda: False,
               grace: float = 10.0) -> Prepared:
        """The prepared mail; QuarantinedMail when it went over its budget or could not be read;
        Interrupted when the daemon is stopping and the mail has not come back within `grace`."""
        stop_seen: float | None = None
        while True:
            try:
                return future.result(timeout=0.25)
            except FutureTimeout:
                if stopped():
                    stop_seen = stop_seen or time.monotonic()
                    if time.monotonic() - stop_seen > grace:
                        future.cancel()
                        raise Interrupted("stopping: the mail in hand was not finished") from None
            except WorkerStopped:
                raise Interrupted("stopping: the mail in hand was not finished") from None
            except WorkerFailed as exc:
                raise QuarantinedMail(f"over the per-message budget or unreadable: {exc.reason} "
                                      f"(intake: {self.budget.cpu_seconds} s of CPU, "
                                      f"{self.budget.memory_mb} MB)") from None
            except RecursionError:
                raise QuarantinedMail("message nested too deeply to read") from None
            except WorkerStartFailed as exc:
                raise IntakeUnavailable(str(exc)) from None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            self._started = False


class Interrupted(Exception):
    """The daemon is stopping; the mail in hand was left uncommitted (it is read again later)."""


class NotPredicted(Exception):
    """A decision asked the classifier's word on a mail the worker's rules did not ask it of
    (the order known, the rules take another path): the mail is prepared again with it."""


class Unasked:
    """The classifier of a mail prepared without its word: asking raises NotPredicted."""

    def predict(self, message: Message) -> Prediction | None:
        raise NotPredicted()


class IntakeUnavailable(MailflowError):
    """No worker can run: nothing is quarantined for it, the mail is read again later."""
