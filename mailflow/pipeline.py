"""RawMail -> Outcome, then the store applies it. The one place the stages are wired together.

parse -> classify -> extract -> correlate -> plan replies are functions of their inputs; only
correlate reads the store (through `OrderLookup`), and only `handle` writes, through the store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from mailflow import policy
from mailflow.correlate import OrderLookup
from mailflow.decide import decide
from mailflow.desk import Desk
from mailflow.errors import (
    MailflowError,
    QuarantinedMail,
    ReplyTemplateError,
    StoreError,
)
from mailflow.follow import DIGEST_TEMPLATE
from mailflow.follow.desk import chase_context
from mailflow.intake import (
    IntakeUnavailable,
    Interrupted,
    NotPredicted,
    Prepared,
)
from mailflow.model import (
    Action,
    Decision,
    Message,
    OrderRef,
    Origin,
    Outcome,
    Quarantined,
    RawMail,
    Reply,
)
from mailflow.parse import parse
from mailflow.parties import buyer_of
from mailflow.policy import Person
from mailflow.reply.outbox import HELD
from mailflow.reply.plan import (
    Occasion,
    ReplyFacts,
    SenderFacts,
    plan_replies,
    render_reply,
)
from mailflow.store import Applied, Store
from mailflow.store.leases import LeaseLost
from mailflow.store.outbox import PURCHASE_TEMPLATE
from mailflow.store.sync import Position

log = logging.getLogger("mailflow.pipeline")


def process(raw: RawMail, desk: Desk, lookup: OrderLookup,
            stopped: Callable[[], bool] = lambda: False,
            ahead: Future[Prepared] | None = None, reread: bool = True) -> tuple[Outcome, list[str], Prepared]:
    """One mail -> its Outcome, the order numbers it gives, and what the intake prepared;
    raises QuarantinedMail, or Interrupted when the daemon stops while a worker has the mail.
    `ahead`: the content stages already submitted (`read_ahead`). `reread`: a decision that
    asks the classifier only after correlation has the mail prepared again with it, here;
    False: NotPredicted is raised (`handle` commits the batch before a worker reads)."""
    if ahead is None:
        ahead = _submit(raw, desk)
    started = time.perf_counter()
    prepared = desk.intake.result(ahead, stopped)
    read = time.perf_counter()
    try:
        outcome, aliases = decide(prepared, raw, desk, lookup)
    except NotPredicted:
        if not reread:
            raise
        prepared = desk.intake.result(desk.intake.submit(raw.data, predict=True), stopped)
        read = time.perf_counter()
        outcome, aliases = decide(prepared, raw, desk, lookup)
    _STAGES.seconds = {"read": read - started, "decide": time.perf_counter() - read}
    return outcome, aliases, prepared


class _Stages(threading.local):
    """The stage times of the mail this thread handles last (for `Handled.seconds`)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}


_STAGES = _Stages()


@dataclass(frozen=True)
class Handled:
    """What happened to one raw mail, for the log line and the run summary."""

    status: str  # filed | duplicate | quarantined | dry-run
    outcome: Outcome | None = None
    applied: Applied | None = None
    reason: str = ""
    # seconds per stage: read (waiting for the worker: parse, classify, documents), decide,
    # apply (files, rows, index, commit), replies (waiting replies written again)
    seconds: dict[str, float] = field(default_factory=dict)


def position_of(raw: RawMail) -> Position | None:
    origin = raw.origin
    return Position(origin.source_key, origin.uidvalidity, origin.uid) if origin.kind == "imap" else None


def _submit(raw: RawMail, desk: Desk) -> Future[Prepared]:
    log.debug("reading %s (%d bytes) in a worker", raw.origin.describe(), len(raw.data))
    return desk.intake.submit(raw.data)


def read_ahead(raws: Iterable[RawMail], desk: Desk, store: Store, depth: int = 8,
               lookup: int = 16) -> Iterator[tuple[RawMail, Future[Prepared] | None]]:
    """Each mail with its content stages already running in a worker: while the daemon decides
    and files one mail, the workers parse and classify the next ones, `depth` to 2 × `depth` of
    them (both cores busy). Decisions and filing stay in order, one at a time; a mail filed
    before is not read again (looked up `lookup` mails to a query, as they are taken from the
    source: one query per 4 mails cost more than the rest of the read-ahead). What was read
    ahead and never filed (the daemon stopped) is simply dropped: nothing is done until its
    commit."""
    pending: deque[tuple[RawMail, Future[Prepared] | None]] = deque()
    looked: deque[tuple[RawMail, bool]] = deque()  # taken from the source and looked up: (mail, filed)
    source = iter(raws)
    try:
        while True:
            if len(pending) <= depth:
                if len(looked) < depth:
                    fresh = list(itertools.islice(source, lookup))
                    known = set(store.filed_sha256s([raw.sha256 for raw in fresh])) if fresh else set()
                    looked.extend((raw, raw.sha256 in known) for raw in fresh)
                for _ in range(min(depth, len(looked))):
                    raw, filed = looked.popleft()
                    pending.append((raw, None if filed else _submit(raw, desk)))
            if not pending:
                return
            yield pending.popleft()
    finally:
        for _, future in pending:
            if future is not None:
                future.cancel()


def handle(raw: RawMail, desk: Desk, store: Store, *, dry_run: bool = False,
           stopped: Callable[[], bool] = lambda: False, ahead: Future[Prepared] | None = None) -> Handled:
    """Process and store one mail. Bad mail is quarantined; this never raises for mail content.

    `dry_run`: classify and log what would happen, write nothing. Only the same bytes are the
    same mail: a different message that reuses a Message-ID is filed.
    """
    sha256 = raw.sha256
    position = None if dry_run else position_of(raw)
    # a restart or a second source: no need to read it again (mail read ahead was looked up
    # then; one filed since, by this batch or another daemon, is found by `apply`)
    if ahead is None and store.has_message(sha256):
        if position:
            store.ledger.advance(position)
        log.info("already filed origin=%s sha256=%s", raw.origin.describe(), sha256[:12])
        return Handled("duplicate", reason="already filed")
    try:
        # in a batch, what this mail read is undone alone if it fails (deciding writes nothing)
        with store.sessions.one_mail(reads_only=True):
            outcome, aliases, prepared = process(raw, desk, store, stopped, ahead, reread=False)
    except NotPredicted:
        return _predicted(raw, desk, store, dry_run, stopped)
    except QuarantinedMail as exc:
        return _quarantine(raw, sha256, exc.reason, store, position, dry_run)
    except RecursionError:
        return _quarantine(raw, sha256, "message nested too deeply to read", store, position, dry_run)
    except (Interrupted, IntakeUnavailable, LeaseLost):
        raise  # stopping, no worker runs, or the folder is another daemon's: read again later
    except Exception as exc:
        log.exception("unexpected error on %s", raw.origin.describe())
        return _quarantine(raw, sha256, f"internal error: {type(exc).__name__}: {exc}", store,
                           position, dry_run)
    if dry_run:
        handled = Handled("dry-run", outcome)
        _log_line(raw, handled)
        return handled
    actions = [{"kind": a.kind, "rule": a.rule, **a.params} for a in outcome.source_actions]
    seconds = dict(_STAGES.seconds)
    if prepared.extract_seconds:
        seconds["extract"] = prepared.extract_seconds  # inside "read": the worker read its documents
    started = time.perf_counter()
    for attempt in range(1, 4):
        try:
            applied = store.apply(outcome, aliases, position, actions)
            break
        except IntegrityError:
            # another daemon filed the same mail, or opened the same new order, at the same
            # moment: the first is a duplicate, the second is decided again against what it wrote
            if store.has_message(sha256):
                if position:
                    store.ledger.advance(position)
                return Handled("duplicate", reason="filed at the same moment by another daemon")
            if attempt == 3:
                raise StoreError("the same rows kept being written by another daemon: "
                                 "stopped; the mail is read again") from None
            log.info("another daemon wrote the same order at the same moment: deciding again")
            try:
                outcome, aliases = decide(prepared, raw, desk, store)
            except NotPredicted:
                return _predicted(raw, desk, store, dry_run, stopped)
        except LeaseLost:
            raise  # this folder is another daemon's now: it files the mail, not us
        except OperationalError as exc:  # the database itself is unusable: stop, lose nothing
            raise StoreError(f"the database refused a write: {exc.orig}") from exc
        except SQLAlchemyError as exc:  # this message's values do not fit: set it aside, go on
            log.exception("could not store %s", raw.origin.describe())
            return _quarantine(raw, sha256, f"could not be stored: {type(exc).__name__}: "
                               f"{str(exc).splitlines()[0][:300]}", store, position, dry_run)
        except OSError as exc:
            raise StoreError(f"cannot write to the archive: {exc}") from exc
    seconds["apply"] = time.perf_counter() - started
    _log_line(raw, Handled(applied.status, outcome, applied))
    if applied.order_id is not None and applied.order_changed:
        started = time.perf_counter()
        try:
            with store.sessions.one_mail():
                refresh_replies(applied.order_id, desk, store)  # what waits shows the order as it is
        except (Interrupted, IntakeUnavailable, LeaseLost, StoreError):
            raise
        except Exception as exc:  # the mail is filed: its order's waiting replies are held
            log.exception("the replies waiting on order %s could not be written again", applied.order_number)
            hold_stale_replies(applied.order_id, store, f"the order changed and this reply could not be "
                                                        f"written again: {type(exc).__name__}: {exc}")
        seconds["replies"] = time.perf_counter() - started
    return Handled(applied.status, outcome, applied, seconds=seconds)


def _predicted(raw: RawMail, desk: Desk, store: Store, dry_run: bool, stopped: Callable[[], bool]) -> Handled:
    """A mail whose decision asked the classifier after correlation, when no rule had asked it
    in the worker: it is prepared again with the classifier's word, and handled again (nothing
    of it was written). The batch commits first: no transaction stays open while a worker reads."""
    log.debug("the rules ask the classifier of %s once its order is known: reading it again",
              raw.origin.describe())
    ahead = desk.intake.submit(raw.data, predict=True)
    batch = store.sessions.current
    if batch is not None:
        batch.commit()
    desk.intake.wait(ahead, stopped)
    return handle(raw, desk, store, dry_run=dry_run, stopped=stopped, ahead=ahead)


def compose_for_order(number: str, template: str, desk: Desk, store: Store, attach: Sequence[str] = (),
                      who: str = "") -> Reply:
    """A reply composed by hand (`mailflow outbox compose ORDER TEMPLATE`): it answers the
    order's latest mail from the buyer's side, threaded to it, and is queued (or held, by the
    same policies as any reply). Rate limits do not apply: a person asked for it. `attach`: our
    documents (pi, invoice, packing-list, ...) written now and attached, filed under the order
    once the reply is made (a compose that fails files none); a P/I under the price floor or the
    margin floor holds the reply for the manager."""
    from mailflow.errors import NotFound
    from mailflow.writer import desk as writer

    row = store.find_order(number)
    if row is None:
        raise NotFound(f"no order {number!r}")
    # our documents go to the buyer: the reply answers the buyer's latest mail, not a forwarder's
    latest = store.latest_incoming(row.id, [desk.config.identity.address, *desk.config.identity.other_addresses],
                                   party="buyer" if attach else "")
    if latest is None:
        raise NotFound(f"order {row.number} has no mail from the buyer's side to answer")
    if template == DIGEST_TEMPLATE:
        raise MailflowError(f"{template} is the desk's own mail to its people, not a reply about an order: "
                            "`mailflow follow --digest` writes it")
    if template == PURCHASE_TEMPLATE:  # never to the buyer, never quoting the buyer's mail
        raise MailflowError(f"{template} is our P/O to a supplier, not a reply to the buyer: `mailflow document "
                            f"{row.number} purchase-order --supplier NAME --send` writes and sends it")
    message = parse(store.archive.read(latest.path))
    decision = Decision(category=latest.category, rule="by hand", conditions=(),
                        actions=(Action("reply", {"template": template, "hold": False,
                                                  **({"attach": list(attach)} if attach else {})}, "by hand"),),
                        tags=(), matched_rules=())
    def compose() -> Reply:  # composed again while another desk takes a number of our documents first
        occasion, unfiled = None, list[writer.Unfiled]()
        if attach:
            documents, holds, unfiled = writer.attachments(store, desk.config, row.number, attach)
            occasion = Occasion(documents=tuple(documents), holds=tuple(holds))
        replies, suppressed = plan_replies(message, decision, _facts_on_file(message, row, desk, store, latest.id),
                                           desk.planner, more=chase_context(store, row, template), occasion=occasion)
        if not replies:  # our documents, written for it, are filed with the reply only
            raise MailflowError(f"no {template} reply: " + "; ".join(s.reason for s in suppressed))
        with store.sessions.batch():  # the reply and our documents in one transaction: both or neither
            store.add_reply(latest.id, row.id, replies[0], order_version=row.version)
            if unfiled:
                writer.file_documents(store, desk.config, unfiled, who)
        return replies[0]

    return writer.numbered(compose)


def _facts_on_file(message: Message, order: Any, desk: Desk, store: Store, answered_id: int) -> ReplyFacts:
    """What a reply written now about a filed order knows: the order as it stands, and the
    complaint case the answered mail is filed under (a case opened earlier in its thread keeps
    its number: the acknowledgement must not cite a new one)."""
    _, buyer = buyer_of(message, desk.config)
    return ReplyFacts(order=OrderRef(order.number, order.buyer, order.id, "on file", "token"),
                      record=dict(order.data or {}), buyer=buyer,
                      sender=SenderFacts(first_contact=False),
                      case_number=store.case_of_message(answered_id),
                      confirmation=store.latest_confirmation(order.id))


def refresh_replies(order_id: int, desk: Desk, store: Store) -> int:
    """Replies waiting for a person (held or queued) that were written from an older version of
    the order's data are written again from the current one, with the same rule action, the
    same Message-ID and threading (an event says what changed), or held with the reason when
    they cannot be. A reply held before stays held. Returns how many were touched."""
    order = store.order(order_id)
    if order is None:
        return 0
    count = 0
    for row in store.stale_replies(order_id, order.version):
        changed = store.changes_since(order_id, row.order_version)
        if row.answers_id is None:
            continue  # a mail of our own (the digest) is about no order
        try:
            answered = store.message_row(row.answers_id)
            message = parse(store.archive.read(answered.path))
            params = dict(row.action or {"template": row.template, "hold": False})
            if params.get("attach"):  # our documents were written from the order as it was
                raise ValueError(f"it carries our {', '.join(map(str, params['attach']))} written from the order "
                                 "as it was: compose it again")
            action = Action("reply", {k: v for k, v in params.items() if k != "rule"},
                            str(params.get("rule") or "by hand"))
            facts = dataclasses.replace(_facts_on_file(message, order, desk, store, answered.id), sender=SenderFacts(
                first_contact=_first_contact(message, desk, store, answered.id)))
            reply = render_reply(message, action, facts, desk.planner,
                                 Occasion(context=chase_context(store, order, row.template)))
        except (ReplyTemplateError, QuarantinedMail, OSError, ValueError) as exc:
            store.hold_stale_reply(row.id, order.version, f"order changed since this was written: "
                                                          f"{'; '.join(changed) or 'its data'}; not written "
                                                          f"again: {exc}")
            count += 1
            continue
        state = HELD if row.state == HELD or reply.state == HELD else row.state
        store.rewrite_reply(row.id, reply.raw, reply.subject, order.version, state, reply.reason, changed,
                            reply.approver)
        count += 1
    return count


def _first_contact(message: Message, desk: Desk, store: Store, row_id: int) -> bool:
    """As `decide` says it: a mail from no configured buyer whose sender had no mail filed
    before it (a reply written again keeps greeting a listed buyer by name)."""
    if message.sender is None:
        return True
    return buyer_of(message, desk.config)[1] is None and not store.known_sender_before(message.sender.addr, row_id)


def hold_stale_replies(order_id: int, store: Store, reason: str) -> None:
    """Fail closed: replies written from an order's older data wait for a person, with why."""
    order = store.order(order_id)
    if order is not None:
        for row in store.stale_replies(order_id, order.version):
            store.hold_stale_reply(row.id, order.version, reason)


def _quarantine(raw: RawMail, sha256: str, reason: str, store: Store, position: Position | None,
                dry_run: bool) -> Handled:
    if dry_run:
        log.warning("dry-run: would quarantine origin=%s reason=%r", raw.origin.describe(), reason)
        return Handled("quarantined", reason=reason)
    if not store.quarantine(Quarantined(raw, sha256, reason), position):
        return Handled("duplicate", reason=f"already quarantined: {reason}")
    handled = Handled("quarantined", reason=reason)
    _log_line(raw, handled)
    return handled


def _where(raw: RawMail) -> dict[str, Any]:
    """The mail's place, as fields of a JSON log line."""
    origin = raw.origin
    fields: dict[str, Any] = {"origin": origin.describe()}
    if origin.kind == "imap":
        fields.update(account=origin.account, folder=origin.folder, uid=origin.uid)
    return fields


def _log_line(raw: RawMail, handled: Handled) -> None:
    outcome, applied = handled.outcome, handled.applied
    if outcome is None:
        log.warning("quarantined origin=%s reason=%r", raw.origin.describe(), handled.reason,
                     extra={"fields": {**_where(raw), "outcome": "quarantined", "reason": handled.reason}})
        return
    if applied is None:  # dry run
        server = [f"{a.kind}:{a.params}" for a in outcome.source_actions]
        log.info("dry-run: would file msgid=<%s> origin=%s category=%s rule=%s%s order=%s "
                 "replies=%s server=%s", outcome.message.message_id, raw.origin.describe(),
                 outcome.decision.category, outcome.decision.rule,
                 f" classifier={outcome.decision.classifier!r}" if outcome.decision.classifier else "",
                 outcome.order.number if outcome.order else "unfiled",
                 ",".join(r.template for r in outcome.replies) or "-", ",".join(server) or "-")
        return
    message = outcome.message
    actions = [a.kind for a in outcome.decision.actions]
    replies = [f"{r.template}:{r.state}" for r in outcome.replies]
    replies += [f"{s.template}:suppressed" for s in outcome.suppressed]
    said = f" classifier={outcome.decision.classifier!r}" if outcome.decision.classifier else ""
    log.info("%s msgid=<%s> origin=%s category=%s rule=%s%s order=%s actions=%s replies=%s",
             applied.status, message.message_id, raw.origin.describe(), outcome.decision.category,
             outcome.decision.rule, said, applied.order_folder or "unfiled", ",".join(actions) or "-",
             ",".join(replies) or "-",
             extra={"fields": {**_where(raw), "outcome": applied.status, "message_id": message.message_id,
                               "order": applied.order_folder, "category": outcome.decision.category,
                               "rule": outcome.decision.rule, "replies": replies}})


@dataclass(frozen=True)
class Retried:
    sha256: str
    handled: Handled
    resolved: bool  # filed now (or found filed): out of the quarantine


def retry_quarantined(desk: Desk, store: Store, person: Person) -> list[Retried]:
    """Run every quarantined mail through the pipeline again (after a fix), from where it came
    (an IMAP folder's position and server actions, or a file), and mark it resolved only once it
    is filed; one that fails again keeps its place, with the new reason. Refused
    (`policy.Refused`) unless the person may."""
    policy.require(person, policy.Action.RETRY_QUARANTINE, policy.Thing("the quarantine"))
    results = []
    for row in store.quarantined():
        fields = dict(row.origin_data or {})
        origin = Origin(**fields) if fields.get("kind") else Origin("file", path=row.origin or row.path)
        data = store.archive.read(row.path)  # as quarantined, or as a person repaired it there
        handled = handle(RawMail(data, origin), desk, store)
        resolved = handled.status in ("filed", "duplicate") and \
            store.has_message(hashlib.sha256(data).hexdigest())
        if resolved:
            store.resolve_quarantine(row.sha256)
            if handled.applied and handled.applied.order_id is not None:
                store.follow_orders(handled.applied.order_id)
                store.write_order_json(handled.applied.order_id)
        results.append(Retried(row.sha256, handled, resolved))
    return results
