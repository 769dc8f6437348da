"""The store applies one Outcome in one transaction: files first (atomic), then the rows.

A message counts as done only when its row is committed. A crash before that leaves at most
files that the next attempt writes again byte for byte, so nothing is filed twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, defer
from sqlalchemy.sql.elements import BindParameter

from mailflow import documents, policy
from mailflow.correlate import KnownOrder, alias_key, candidate_keys
from mailflow.errors import NotFound, StoreError
from mailflow.follow import Follower
from mailflow.follow.money import stored_due_now
from mailflow.model import Outcome, Quarantined, folder_name
from mailflow.store import archive as paths
from mailflow.store import migrations, search
from mailflow.store.archive import Archive, LocalArchive
from mailflow.store.batch import Batch, Sessions, forget_when
from mailflow.store.chase import ChaseStore
from mailflow.store.corrections import CorrectionStore
from mailflow.store.db import (
    AttachmentRow,
    CaseRow,
    DocumentRow,
    EventRow,
    MessageRow,
    MilestoneRow,
    OrderAlias,
    OrderRow,
    OutboxRow,
    PaymentRow,
    QuarantineRow,
    make_engine,
    utcnow,
)
from mailflow.store.driver import Direct
from mailflow.store.follow import FollowStore, lc_summary
from mailflow.store.leases import Leases, exclusive, forget_fences, new_owner
from mailflow.store.outbox import OutboxStore
from mailflow.store.plan import PlanStore, order_parties
from mailflow.store.records import (
    FiledMessage,
    FiledOrder,
    RecordStore,
    decision_json,
    order_by_number,
    sailing,
)
from mailflow.store.summary import SummaryStore
from mailflow.store.sync import Position, SyncLedger, add_actions_in, advance_in

# The statements asked per mail, built once: SQLAlchemy finds a reused statement's compiled form
# in its cache at once, where one built per call is coerced and keyed anew each time; they run
# on a connection (`Sessions.connection`), without an ORM session's unit of work. Those asked
# of every mail run on SQLite's driver (`Direct`).
_FILED = Direct(select(MessageRow.id).where(MessageRow.sha256 == bindparam("sha256")))
_FILED_AMONG = select(MessageRow.sha256).where(MessageRow.sha256.in_(bindparam("digests", expanding=True)))
_ALIASED = Direct(select(OrderAlias.key, OrderRow.id, OrderRow.number, OrderRow.buyer, OrderRow.kind)
                  .join(OrderRow, OrderAlias.order_id == OrderRow.id)
                  .where(OrderAlias.key.in_(bindparam("keys", expanding=True))).order_by(OrderRow.id))
_KNOWN_KEYS = Direct(select(OrderAlias.key).where(OrderAlias.key.in_(bindparam("keys", expanding=True)),
                                                  OrderAlias.buyer == bindparam("buyer")))
_SENDER = Direct(select(MessageRow.id).where(func.lower(MessageRow.from_addr) == bindparam("address")).limit(1))
# an order's columns filing reads, a row for each of its aliases (their numbers as written)
_ORDER_FILED = Direct(select(OrderRow.id, OrderRow.number, OrderRow.folder, OrderRow.buyer, OrderRow.kind,
                             OrderRow.version, OrderAlias.number)
                      .outerjoin(OrderAlias, OrderAlias.order_id == OrderRow.id)
                      .where(OrderRow.id == bindparam("order_id")).order_by(OrderAlias.id))
_ORDER = Direct(insert(OrderRow))
_ORDER_DATA = select(OrderRow.data).where(OrderRow.id == bindparam("order_id"))
_COUNTERPARTY = select(OrderRow.id).where(OrderRow.buyer == bindparam("domain"), OrderRow.kind == bindparam("kind"))
_COUNTERPARTY_ANY = Direct(_COUNTERPARTY.limit(1))
_FROM_COUNTERPARTY = select(MessageRow.id).where(MessageRow.order_id.in_(_COUNTERPARTY),
                                                 func.lower(MessageRow.from_addr) == bindparam("address")).limit(1)
_TO_COUNTERPARTY = select(MessageRow.to_addrs, MessageRow.cc_addrs).where(
    MessageRow.order_id.in_(_COUNTERPARTY), MessageRow.direction == "out").limit(5000)
_THREAD_ORDERS = (select(MessageRow.message_id, OrderRow.id, OrderRow.number, OrderRow.buyer, OrderRow.kind)
                  .join(OrderRow, MessageRow.order_id == OrderRow.id)
                  .where(MessageRow.message_id.in_(bindparam("ids", expanding=True))))
_REPLY_ORDERS = (select(OutboxRow.message_id, OrderRow.id, OrderRow.number, OrderRow.buyer, OrderRow.kind)
                 .join(OrderRow, OutboxRow.order_id == OrderRow.id)
                 .where(OutboxRow.message_id.in_(bindparam("ids", expanding=True))))
_FOLDERS = Direct(select(OrderRow.folder).where(or_(OrderRow.folder == bindparam("base"),
                                                    OrderRow.folder.like(bindparam("like")))))
_EVENT = Direct(insert(EventRow))
_MESSAGE = Direct(insert(MessageRow))
_REPLY = Direct(insert(OutboxRow))
_MESSAGE_CASE = Direct(update(MessageRow).where(MessageRow.id == bindparam("row_id"))
                       .values(case_id=bindparam("case_id")))
_ALIAS = Direct(insert(OrderAlias))

# The aliases (key, buyer) a connection has seen in its transaction (looked up for correlation,
# or added): an alias is never removed, so one seen stays true once committed; what a rolled-back
# savepoint or transaction added is not, and all are forgotten then (and when the connection
# goes back to the pool). A mail whose numbers its order is known by already asks nothing.
_SEEN_ALIASES = "mailflow.seen_aliases"  # in Connection.info
_SEEN_MOST = 20_000  # aliases remembered at the most: then forgotten and seen anew


_COUNTERPARTIES = "mailflow.counterparties"  # in Connection.info: (domain, kind) -> orders on file
_Kept = TypeVar("_Kept", set[tuple[str, str]], dict[tuple[str, str], bool])


def _kept(conn: Connection, key: str, empty: _Kept) -> _Kept:
    """What the connection remembers under `key` in `Connection.info` (`empty` the first
    time), forgotten whole once it holds more than `_SEEN_MOST`."""
    kept: _Kept = conn.info.setdefault(key, empty)
    if len(kept) > _SEEN_MOST:
        kept.clear()
    return kept


def _seen_aliases(conn: Connection) -> set[tuple[str, str]]:
    return _kept(conn, _SEEN_ALIASES, set())


# What an order's summary reads (`Store.order_summaries`), one statement a table for all the
# orders asked, in the order the summary lists them.
_SUMMARY_PAGE = 500  # orders summarised at a time
_SUMMARY_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_SUMMARY_ORDERS = (select(OrderRow.id, OrderRow.number, OrderRow.folder, OrderRow.buyer, OrderRow.kind,
                          OrderRow.for_order_id, OrderRow.status, OrderRow.version, OrderRow.data,
                          OrderRow.anchors, OrderRow.plan, OrderRow.next_milestone, OrderRow.next_due,
                          OrderRow.currency, OrderRow.total_due, OrderRow.outstanding, OrderRow.instalments)
                   .where(OrderRow.id.in_(_SUMMARY_IDS)).order_by(OrderRow.id))
_SUMMARY_SERVED = (select(OrderRow.id, OrderRow.number, OrderRow.buyer, OrderRow.folder)  # what purchase orders serve
                   .where(OrderRow.id.in_(_SUMMARY_IDS)))
_SUMMARY_TABLES = {
    "messages": select(MessageRow.order_id, MessageRow.id, MessageRow.message_id, MessageRow.date,
                       MessageRow.direction, MessageRow.category, MessageRow.from_addr, MessageRow.subject,
                       MessageRow.rule, MessageRow.decision, MessageRow.correlation, MessageRow.sha256,
                       MessageRow.path, MessageRow.auth_results)
    .where(MessageRow.order_id.in_(_SUMMARY_IDS)).order_by(MessageRow.date, MessageRow.id),
    "outbox": select(OutboxRow.order_id, OutboxRow.id, OutboxRow.template, OutboxRow.state, OutboxRow.to_addrs,
                     OutboxRow.subject, OutboxRow.reason, OutboxRow.decided_by, OutboxRow.decided_at,
                     OutboxRow.superseded_by, OutboxRow.created_at, OutboxRow.sent_at)
    .where(OutboxRow.order_id.in_(_SUMMARY_IDS)).order_by(OutboxRow.id),
    "documents": select(DocumentRow.order_id, DocumentRow.kind, DocumentRow.party, DocumentRow.name,
                        DocumentRow.revision, DocumentRow.reason, DocumentRow.record, DocumentRow.message_row_id,
                        DocumentRow.created_at)
    .where(DocumentRow.order_id.in_(_SUMMARY_IDS)).order_by(DocumentRow.id),
    "cases": select(CaseRow.order_id, CaseRow.number, CaseRow.status, CaseRow.closed_by, CaseRow.note)
    .where(CaseRow.order_id.in_(_SUMMARY_IDS)).order_by(CaseRow.id),
    "events": select(EventRow.order_id, EventRow.at, EventRow.kind, EventRow.detail)
    .where(EventRow.order_id.in_(_SUMMARY_IDS), EventRow.kind != "filed").order_by(EventRow.at, EventRow.id),
    "milestones": select(MilestoneRow.order_id, MilestoneRow.key, MilestoneRow.name, MilestoneRow.owner,
                         MilestoneRow.state, MilestoneRow.due, MilestoneRow.due_why, MilestoneRow.done_at,
                         MilestoneRow.how, MilestoneRow.done_by, MilestoneRow.message_row_id,
                         MilestoneRow.waiting_for, MilestoneRow.note, MilestoneRow.chases)
    .where(MilestoneRow.order_id.in_(_SUMMARY_IDS)).order_by(MilestoneRow.position),
    "payments": select(PaymentRow.order_id, PaymentRow.amount, PaymentRow.currency, PaymentRow.charges,
                       PaymentRow.value_date, PaymentRow.reference, PaymentRow.recorded_by, PaymentRow.message_row_id)
    .where(PaymentRow.order_id.in_(_SUMMARY_IDS)).order_by(PaymentRow.value_date, PaymentRow.id),
    "aliases": select(OrderAlias.order_id, OrderAlias.number).where(OrderAlias.order_id.in_(_SUMMARY_IDS)),
}
_SUMMARY_ATTACHMENTS = (select(AttachmentRow.message_row_id, AttachmentRow.path)
                        .join(MessageRow, AttachmentRow.message_row_id == MessageRow.id)
                        .where(MessageRow.order_id.in_(_SUMMARY_IDS)).order_by(AttachmentRow.id))


def _by_order(rows: Any) -> dict[int, list[Any]]:
    """Rows whose first column is their order's id, by that id, in the order read."""
    found: dict[int, list[Any]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    return found


def summary_of(order: Any, served: Any, aliases: Sequence[Any], messages: Sequence[Any],
               attachments: dict[int, list[str]], outbox: Sequence[Any], docs: Sequence[Any], cases: Sequence[Any],
               events: Sequence[Any], milestones: Sequence[Any], payments: Sequence[Any]) -> dict[str, Any]:
    """An order's summary (`Store.order_summaries`) from its rows, each table's in the order the
    summary lists them (ORM objects or plain rows: the same names): `served` the order a
    purchase order serves, `attachments` their paths by message row."""
    from mailflow.extract.record import differences

    message_ids = {m.id: m.message_id for m in messages}
    confirmation = next((d.record for d in reversed(docs) if d.kind in documents.CONFIRMATION_KINDS
                         and d.party in documents.CONFIRMING_PARTIES and d.record), None)
    data = dict(order.data or {})
    lc_checks, credit = lc_summary(order, docs)
    if lc_checks:  # shown with the order document's checks
        data["checks"] = [*data.get("checks", []), *lc_checks]
    return {
        "order": order.number, "folder": order.folder,
        **order_parties(order.kind, order.buyer, served),
        "status": order.status, "aliases": sorted(a.number for a in aliases),
        "version": order.version, "data": data,
        "confirmation_differences": differences(data, confirmation) if confirmation and data else [],
        "confirmation_differences_zh": differences(data, confirmation, "zh") if confirmation and data else [],
        "documents": [{"kind": d.kind, "name": documents.NAMES.get(d.kind, d.kind), "party": d.party,
                       "file": d.name, "revision": d.revision, "reason": d.reason,
                       "message_id": message_ids.get(d.message_row_id, ""),
                       "read": bool(d.record)} for d in docs],
        "shipping": sailing(docs, message_ids),
        "cases": [{"case": c.number, "status": c.status, "closed_by": c.closed_by or None,
                   "note": c.note or None} for c in cases],
        "messages": [{"date": m.date.isoformat() if m.date else None,
                      "direction": m.direction, "category": m.category,
                      "from": m.from_addr, "subject": m.subject, "rule": m.rule,
                      "classifier": (m.decision or {}).get("classifier") or "",
                      "party": (m.decision or {}).get("party") or "",
                      "party_why": (m.decision or {}).get("party_why") or "",
                      "why_here": m.correlation,
                      "message_id": m.message_id, "sha256": m.sha256, "path": m.path,
                      "authentication": dict(m.auth_results or {}),
                      "attachments": attachments.get(m.id, [])} for m in messages],
        "replies": [{"id": r.id, "template": r.template, "state": r.state,
                     "to": r.to_addrs, "subject": r.subject, "reason": r.reason,
                     "decided_by": r.decided_by or None,
                     "decided_at": r.decided_at.isoformat() if r.decided_at else None,
                     "superseded_by": r.superseded_by,
                     "created_at": r.created_at.isoformat() if r.created_at else None,
                     "sent_at": r.sent_at.isoformat() if r.sent_at else None}
                    for r in outbox],
        "events": [{"at": e.at.isoformat(), "kind": e.kind, **dict(e.detail or {})} for e in events],
        "follow_up": {
            "plan": order.plan or None, "next_milestone": order.next_milestone or None,
            "next_due": order.next_due.isoformat() if order.next_due else None,
            "dates_set": dict(order.anchors or {}), "lc": credit,
            "milestones": [{"key": m.key, "name": m.name, "owner": m.owner, "state": m.state,
                            "due": m.due.isoformat() if m.due else None, "due_why": m.due_why,
                            "done_at": m.done_at.isoformat() if m.done_at else None,
                            "how": m.how or None, "by": m.done_by or None,
                            "message_id": message_ids.get(m.message_row_id or 0) or None,
                            "waiting_for": list(m.waiting_for or []), "note": m.note or None,
                            "chases": m.chases} for m in milestones],
            "money": {"currency": order.currency or None, "total": order.total_due or None,
                      "outstanding": order.outstanding or None,
                      "instalments": list(order.instalments or []),
                      "due_now": stored_due_now(order.instalments or []),
                      "payments": [{"amount": p.amount, "currency": p.currency, "charges": p.charges or None,
                                    "value_date": p.value_date.isoformat() if p.value_date else None,
                                    "reference": p.reference, "by": p.recorded_by or "bank slip",
                                    "message_id": message_ids.get(p.message_row_id or 0) or None}
                                   for p in payments]},
        },
    }


@dataclass(frozen=True)
class Applied:
    status: str  # "filed" | "duplicate"
    message_row_id: int
    path: str
    order_number: str | None
    order_folder: str | None
    new_order: bool
    order_id: int | None = None
    order_changed: bool = False  # the order's data (or its P/I) changed: waiting replies are rewritten
    case: str = ""  # the complaint case it opened or joined


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value else None


class Store(OutboxStore, RecordStore, CorrectionStore, FollowStore, PlanStore, ChaseStore, SummaryStore):
    sessions: Sessions

    def __init__(self, database_url: str, archive: Path | Archive, claim_seconds: float = 30.0,
                 history_days: int = 90, follower: Follower | None = None) -> None:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = make_engine(database_url)
        except (ModuleNotFoundError, NoSuchModuleError) as exc:
            driver = url.get_driver_name() if url.drivername else "?"
            hint = " (pip install 'mailflow[postgres]')" if url.get_backend_name() == "postgresql" else ""
            raise StoreError(f"cannot use the database {url.render_as_string(hide_password=True)}: its driver "
                             f"{driver!r} is not installed{hint}: {exc}") from None
        try:
            migrations.ensure(self.engine)
        except OperationalError as exc:
            raise StoreError(f"cannot open the database {url.render_as_string(hide_password=True)}: "
                             f"{exc.orig}") from None
        forget_fences(self.engine)  # a fence is checked once per transaction, not per mail
        forget_when(self.engine, _SEEN_ALIASES, ("rollback", "rollback_savepoint"))  # committed ones stay true
        # another daemon's or desk's new orders are seen once this transaction ends
        forget_when(self.engine, _COUNTERPARTIES, ("commit", "rollback", "rollback_savepoint"))
        self.sessions = Sessions(self.engine)  # one transaction each, or a savepoint in a batch
        # a local folder (a path), or another archive (store/objects.py: an S3 bucket)
        self.archive: Archive = archive if isinstance(archive, Archive) else LocalArchive(archive)
        self.ledger = SyncLedger(self.sessions)
        self.owner = new_owner()  # this process, as the owner of folders and claims
        self.claim_seconds = claim_seconds
        self.history_days = history_days  # pre-order mail of this age joins an order it answers
        self.follower = follower  # the follow-up plans: orders are followed when they change
        self.database_path = Path(url.database) if url.get_backend_name() == "sqlite" and \
            url.database not in (None, "", ":memory:") else None

    def leases(self) -> Leases:
        return Leases(self.sessions, self.owner, self.claim_seconds)

    def exclusive(self) -> Any:
        """One daemon per SQLite database (a second is refused); nothing to hold on PostgreSQL,
        where folders are leased one by one."""
        return exclusive(self.database_path) if self.database_path is not None else nullcontext()

    def close(self) -> None:
        self.engine.dispose()

    def batch(self, lock: AbstractContextManager[Any] | None = None) -> AbstractContextManager[Batch]:
        """File what this thread files inside in one transaction, a SAVEPOINT per message
        (see store/batch.py); `lock` is held while the transaction is open."""
        return self.sessions.batch(lock)

    def _remove_after_commit(self, leftovers: Sequence[str]) -> None:
        """Old copies of files that moved: removed once the move is committed, never before."""
        def remove() -> None:
            # a later mail of the same batch may have filed the same bytes at the same place
            with self.sessions() as session:
                used = set(session.scalars(select(MessageRow.path).where(MessageRow.path.in_(leftovers))))
                used |= set(session.scalars(select(AttachmentRow.path).where(AttachmentRow.path.in_(leftovers))))
            for path in leftovers:
                if path not in used:
                    self.archive.remove(path)
        if leftovers:
            self.sessions.after_commit(remove)

    # --- lookups for correlation ---------------------------------------------------------

    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]:
        keys = sorted({k for k in keys if k})
        if not keys:
            return {}
        with self.sessions.connection() as conn:
            rows = _ALIASED.all(conn, {"keys": keys})
            _seen_aliases(conn).update((key, buyer) for key, _, _, buyer, _ in rows)
        found: dict[str, list[KnownOrder]] = {}
        for key, order_id, number, buyer, kind in rows:
            orders = found.setdefault(key, [])
            if all(o.id != order_id for o in orders):
                orders.append(KnownOrder(order_id, number, buyer, kind))
        return found

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None:
        if not message_ids:
            return None
        with self.sessions.connection() as conn:
            candidates = conn.execute(_THREAD_ORDERS, {"ids": list(message_ids)}).all()
            outbox = conn.execute(_REPLY_ORDERS, {"ids": list(message_ids)}).all()
        by_id = {r[0]: KnownOrder(r[1], r[2], r[3], r[4]) for r in [*candidates, *outbox]}
        for mid in message_ids:  # nearest ancestor first, as the caller ordered them
            if mid in by_id:
                return by_id[mid]
        return None

    def order_parties(self, order_id: int) -> set[str]:
        """Addresses already on an order: the senders of its mail and those our replies went to."""
        with self.sessions() as session:
            senders = session.scalars(select(MessageRow.from_addr).where(
                MessageRow.order_id == order_id, MessageRow.direction == "in").distinct()).all()
            replied = session.scalars(select(OutboxRow.to_addrs).where(
                OutboxRow.order_id == order_id, OutboxRow.state == "sent")).all()
        return {a.lower() for a in senders if a} | {a.lower() for to in replied for a in to}

    def known_sender(self, address: str) -> bool:
        """Whether mail from this address was filed before."""
        with self.sessions.connection() as conn:
            return _SENDER.first(conn, {"address": address.lower()}) is not None

    def has_message_id(self, message_id: str) -> bool:
        if not message_id:
            return False
        with self.sessions() as session:
            return session.scalar(select(MessageRow.id).where(MessageRow.message_id == message_id)
                                  .limit(1)) is not None

    def filed_sha256s(self, digests: Sequence[str]) -> list[str]:
        """Those of `digests` that are a filed message's sha256 (mail in or out)."""
        found: list[str] = []
        with self.sessions.connection() as conn:
            for start in range(0, len(digests), 500):
                found += conn.execute(_FILED_AMONG, {"digests": list(digests[start:start + 500])}).scalars()
        return found

    def has_message(self, sha256: str) -> bool:
        with self.sessions.connection() as conn:
            return _FILED.first(conn, {"sha256": sha256}) is not None

    # --- applying an outcome -------------------------------------------------------------

    def apply(self, outcome: Outcome, aliases: Sequence[str] = (), position: Position | None = None,
              source_actions: Sequence[dict[str, Any]] = ()) -> Applied:
        """File one message: files, rows, documents, the order's terms, the case, replies, the
        source position and the server actions to carry out after the commit, all or nothing.
        Mail that joins a new order from before it is moved there, its old files removed after
        the commit. In a batch, the position moves, and SQLite's full-text rows and bigrams are written, when the
        batch commits (`SyncLedger.advance_at_commit`, `search.index`)."""
        message = outcome.message
        leftovers: list[str] = []
        full_text = None
        batch = self.sessions.current
        with self.sessions() as session, session.begin():
            if position is not None and batch is None:
                advance_in(session, position, self.ledger.fences.get(position.source))
            conn = session.connection()
            existing_id = _FILED.scalar(conn, {"sha256": message.sha256})
            if existing_id is not None:
                existing = session.get_one(MessageRow, existing_id)
                order = existing.order
                applied = Applied("duplicate", existing.id, existing.path,
                                  order.number if order else None, order.folder if order else None, False)
            else:
                applied, leftovers, full_text = self._file(session, outcome, aliases, position, source_actions)
        if batch is not None:  # the mail's savepoint is released: what waits for the batch's commit
            if position is not None:
                self.ledger.advance_at_commit(batch, position)
            if full_text is not None:
                batch.before[("search", applied.message_row_id)] = full_text
        self._remove_after_commit(leftovers)  # the old copies of mail that joined the order
        return applied

    def _file(self, session: Session, outcome: Outcome, aliases: Sequence[str], position: Position | None,
              source_actions: Sequence[dict[str, Any]]) -> tuple[Applied, list[str], search.Later | None]:
        """`apply` of a mail not filed yet, inside its transaction: (what was done, the old
        copies of files that moved, to be removed after the commit, in a batch the search
        rows to write when it commits)."""
        message = outcome.message
        leftovers: list[str] = []
        conn = session.connection()
        order_row, new_order = self._filed_order(session, outcome, aliases)
        folder = (paths.order_folder(order_row.folder) if order_row
                  else paths.unfiled_folder(message.date))
        mail_rel = self.archive.mail_path(folder, message.date, outcome.direction, message.sha256)
        self._write(mail_rel, outcome.raw.data)
        values: dict[str, Any] = {
            "sha256": message.sha256, "message_id": message.message_id, "direction": outcome.direction,
            "subject": message.subject,
            "from_addr": message.sender.addr if message.sender else "",
            "from_name": message.sender.name if message.sender else "",
            "to_addrs": [a.addr for a in message.to], "cc_addrs": [a.addr for a in message.cc],
            "date": _utc(message.date), "in_reply_to": message.in_reply_to,
            "references": list(message.references), "category": outcome.decision.category,
            "rule": outcome.decision.rule, "decision": decision_json(outcome),
            "buyer": outcome.order.buyer if outcome.order else outcome.buyer,
            "order_id": order_row.id if order_row else None,
            "correlation": outcome.order.how if outcome.order else outcome.unfiled,
            "path": str(mail_rel), "size": message.size, "origin": outcome.raw.origin.describe(),
            "text": message.text, "warnings": list(message.warnings),
            "auth_results": dict(outcome.auth_results)}
        # one INSERT, not the ORM's unit of work; what the rest of filing reads of the row is
        # kept apart (a case it opens or joins is written below)
        row = FiledMessage(_MESSAGE.insert(conn, values),
                           values["message_id"], values["subject"], values["buyer"], values["date"],
                           values["correlation"])
        changed = self._record_documents(session, order_row, row, outcome)
        case = self._open_case(session, outcome, row, order_row)
        if row.case_id is not None:
            _MESSAGE_CASE.execute(conn, {"row_id": row.id, "case_id": row.case_id})
        for att in message.attachments:
            att_rel = self.archive.attachment_path(folder, att)
            self._write(att_rel, att.payload)
            session.add(AttachmentRow(message_row_id=row.id, filename=att.filename,
                                      content_type=att.content_type, size=att.size,
                                      sha256=att.sha256, path=str(att_rel)))
        numbers = order_row.numbers if order_row else []
        full_text = search.index(session, row.id, search.document(
            message.subject, message.text,
            [a.addr for a in (*message.from_, *message.to, *message.cc)],
            [a.name for a in (*message.from_, *message.to, *message.cc)] +
            [a.filename for a in message.attachments],
            [a.text for a in message.attachments if a.text] + list(outcome.document_texts),
            [*numbers, *([case] if case else [])], row.buyer, outcome.text_keys),
            later=self.sessions.current is not None)
        if position is not None:
            add_actions_in(session, position, row.id, source_actions, message.message_id)
        for reply in outcome.replies:
            reply_id = _REPLY.insert(conn, {  # one INSERT, as the message's
                "message_id": reply.message_id, "answers_id": row.id,
                "order_id": order_row.id if order_row else None, "template": reply.template,
                "language": reply.language, "to_addrs": [a.addr for a in reply.to],
                "subject": reply.subject, "raw": reply.raw, "state": reply.state, "reason": reply.reason,
                "revision_key": outcome.revision_key, "action": dict(reply.action),
                "order_version": order_row.version if order_row else 0,
                "approver": reply.approver})
            if reply.supersedes and order_row is not None:
                self._supersede(session, order_row.id, reply.template, reply_id)
        session.flush()  # the events written before it keep their order
        _EVENT.insert(conn, {"kind": "filed", "message_row_id": row.id,
                              "order_id": order_row.id if order_row else None,
                              "detail": {"category": outcome.decision.category,
                                         "rule": outcome.decision.rule, "path": str(mail_rel),
                                         "correlation": row.correlation, "direction": outcome.direction,
                                         "documents": [d.kind for d in outcome.documents],
                                         "party": outcome.party,
                                         **({"case": case} if case else {})}})
        for suppressed in outcome.suppressed:
            session.add(EventRow(kind="reply-suppressed", message_row_id=row.id,
                                 order_id=order_row.id if order_row else None,
                                 detail={"template": suppressed.template,
                                         "reason": suppressed.reason}))
        if new_order and order_row is not None and any(
                d.kind in (*documents.ORDER_KINDS, *documents.CONFIRMATION_KINDS) for d in outcome.documents):
            leftovers = self._adopt_history(session, order_row, row, outcome, self.history_days)
        return Applied("filed", row.id, str(mail_rel), order_row.number if order_row else None,
                       order_row.folder if order_row else None, new_order, order_row.id if order_row else None,
                       changed, case), leftovers, full_text

    def _order_for(self, session: Session, outcome: Outcome,
                   aliases: Sequence[str]) -> tuple[OrderRow | None, bool]:
        """`_filed_order`'s order loaded as an ORM object (a person's refiling changes it)."""
        order, new = self._filed_order(session, outcome, aliases)
        return (session.get_one(OrderRow, order.id) if order is not None else None), new

    def _filed_order(self, session: Session, outcome: Outcome,
                     aliases: Sequence[str]) -> tuple[FiledOrder | None, bool]:
        """The order the mail is filed under (None for none), and whether it opens now; its
        numbers not known yet become its aliases. Read, or inserted, by one Core statement on
        the session's connection: no ORM object (an order's is loaded only to be changed)."""
        ref = outcome.order
        if ref is None:
            return None, False
        conn = session.connection()
        if ref.existing_id is not None:
            rows = _ORDER_FILED.all(conn, {"order_id": ref.existing_id})
            assert rows, "correlation returned an order that is gone"
            first = rows[0]
            order = FiledOrder(first[0], first[1], first[2], first[3], first[4], first[5],
                               [r[6] for r in rows if r[6] is not None])
            new = False
        else:
            values: dict[str, Any] = {
                "number": ref.number, "buyer": ref.buyer, "kind": ref.kind, "for_order_id": ref.for_order_id,
                "folder": self._free_folder(session, ref.number, ref.buyer), "version": 1}
            order_id = _ORDER.insert(conn, values)
            order = FiledOrder(order_id, ref.number, values["folder"], ref.buyer, ref.kind, values["version"])
            new = True
        order.numbers += self._add_aliases(session, order, [ref.number, *aliases], new)
        return order, new

    def order_data(self, order_id: int) -> dict[str, Any]:
        """An order's record as filed (lines, terms, checks, history)."""
        with self.sessions.connection() as conn:
            data = conn.execute(_ORDER_DATA, {"order_id": order_id}).scalar()
        return dict(data or {})

    def buys_from_us(self, key: str) -> bool:
        """Whether sales orders on file are this correspondent's (`parties.counterparty_key`: a
        domain, or an address at a free-mail domain; an unconfigured buyer is known by its domain)."""
        return self._counterparty_of(key, "sale")

    def supplies_us(self, key: str) -> bool:
        """Whether our purchase orders on file are to this correspondent (a supplier's; a domain,
        or an address at a free-mail domain, as in `buys_from_us`)."""
        return self._counterparty_of(key, "purchase")

    def purchase_for(self, order_id: int, supplier: str) -> KnownOrder | None:
        """Our latest purchase order to this supplier for that sales order, if any."""
        with self.sessions() as session:
            row = session.execute(select(OrderRow.id, OrderRow.number, OrderRow.buyer, OrderRow.kind).where(
                OrderRow.for_order_id == order_id, OrderRow.kind == "purchase", OrderRow.buyer == supplier)
                .order_by(OrderRow.id.desc()).limit(1)).first()
        return KnownOrder(row[0], row[1], row[2], row[3]) if row is not None else None

    def _counterparty_of(self, key: str, kind: str) -> bool:
        key = key.lower()
        asked = {"domain": key.rpartition("@")[2], "kind": kind}
        with self.sessions.connection() as conn:
            if "@" not in key:  # asked of most mail: on SQLite (one writer, the transaction's snapshot
                # fixed) its answer is kept until an order opens on the connection or the transaction ends
                known = _kept(conn, _COUNTERPARTIES, {}) if self.sessions.sqlite else {}
                if (asked["domain"], kind) not in known:
                    known[asked["domain"], kind] = _COUNTERPARTY_ANY.first(conn, asked) is not None
                return known[asked["domain"], kind]
            # at a free-mail domain only mail from or to that very address counts
            if conn.execute(_FROM_COUNTERPARTY, {**asked, "address": key}).first() is not None:
                return True
            sent = conn.execute(_TO_COUNTERPARTY, asked).all()
        return any(key == a.lower() for to, cc in sent for a in (*(to or ()), *(cc or ())))

    def usual_currency(self, buyer: str) -> str:
        """The currency most of this buyer's last 50 orders were in; "" when none is known."""
        with self.sessions() as session:
            datas = session.scalars(select(OrderRow.data).where(OrderRow.buyer == buyer)
                                    .order_by(OrderRow.id.desc()).limit(50)).all()
        counts = Counter(d.get("currency") for d in datas if d and d.get("currency"))
        return counts.most_common(1)[0][0] if counts else ""

    def _free_folder(self, session: Session, number: str, buyer: str) -> str:
        """The order's folder: its number's, else with the buyer's name, else numbered on."""
        base = folder_name(number)
        taken = set(_FOLDERS.scalars(session.connection(), {"base": base, "like": f"{base}~%"}))
        second = folder_name(f"{number}~{buyer}")
        numbered = (f"{second}~{i}" for i in range(2, 1000))  # made only as far as needed
        return next(c for c in itertools.chain((base, second), numbered) if c not in taken)

    def _add_aliases(self, session: Session, order: OrderRow | FiledOrder, numbers: Sequence[str],
                     new: bool = True) -> list[str]:
        """The numbers this buyer's orders are not known by yet, as the order's aliases (those
        added are returned, as written): the buyer's known keys are asked for in one query, not
        one per number, and not at all when the connection has seen them all (`_SEEN_ALIASES`)
        or, for an order opened before (not `new`), when they are its own number's, given when
        it opened."""
        if new:  # whose orders are on file has changed (`_counterparty_of`)
            session.connection().info.pop(_COUNTERPARTIES, None)
        wanted: dict[str, str] = {}
        for number in numbers:
            if key := alias_key(number):
                wanted.setdefault(key, number)  # the first spelling wins
        if not wanted or (not new and wanted.keys() == {alias_key(order.number)}):
            return []
        conn = session.connection()
        seen = _seen_aliases(conn)
        if all((key, order.buyer) in seen for key in wanted):
            return []
        known = set(_KNOWN_KEYS.scalars(conn, {"keys": list(wanted), "buyer": order.buyer}))
        fresh = {key: number for key, number in wanted.items() if key not in known}
        if fresh:
            _ALIAS.insert_many(conn, [{"order_id": order.id, "key": key, "number": number, "buyer": order.buyer}
                                  for key, number in fresh.items()])
        seen.update((key, order.buyer) for key in wanted)
        return list(fresh.values())

    def write_order_json(self, *order_ids: int) -> None:
        """order.json beside the mail: what a person opening the folder wants to see first.

        A summary derived from the index, rewritten after each batch that touched the order
        (not per message: a busy order would make every message pay for all earlier ones).
        It writes what is stored: a caller that changed the order follows it first
        (`follow_orders`), so that the file shows its follow-up as it now stands.
        The summaries of the orders are read together (`order_summaries`), and their files
        are fsynced together, each folder once."""
        written: list[tuple[Any, bool]] = []
        try:
            for start in range(0, len(order_ids), _SUMMARY_PAGE):
                for summary in self.order_summaries(order_ids[start:start + _SUMMARY_PAGE]).values():
                    written.append(self.archive.put(paths.order_folder(summary["folder"]) / "order.json",
                                                    paths.json_bytes(summary), together=True))
        finally:
            self.archive.sync(written, together=True)

    def order_summary(self, order_id: int) -> dict[str, Any]:
        """The order as order.json, `order show --json` and the export give it (`order_summaries`)."""
        summary = self.order_summaries([order_id]).get(order_id)
        if summary is None:
            raise NotFound(f"no order with id {order_id}")
        return summary

    def order_summaries(self, order_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Each order by its id as order.json, `order show --json` and the export give it: its
        data (the buyer's terms), its documents, how our P/I differs from the PO, every message
        in and out with why it was filed here, the replies with who decided on them, the cases
        and the events (approvals, assignments, revisions). One query a table for all the
        orders, plain rows on a connection: an order missing is left out."""
        ids = {"ids": list(dict.fromkeys(order_ids))}
        with self.sessions.connection() as conn:
            orders = conn.execute(_SUMMARY_ORDERS, ids).all()
            if not orders:
                return {}
            served = {o.id: o for o in conn.execute(_SUMMARY_SERVED, {"ids": sorted(
                {o.for_order_id for o in orders if o.for_order_id is not None})})}
            tables = {name: _by_order(conn.execute(statement, ids))
                      for name, statement in _SUMMARY_TABLES.items()}
            attachments: dict[int, list[str]] = {}
            for message_row_id, path in conn.execute(_SUMMARY_ATTACHMENTS, ids):
                attachments.setdefault(message_row_id, []).append(path)
        summaries: dict[int, dict[str, Any]] = {}
        for order in orders:
            of = {name: rows.get(order.id, []) for name, rows in tables.items()}
            summaries[order.id] = summary_of(
                order, served.get(order.for_order_id or 0), of["aliases"], of["messages"], attachments,
                of["outbox"], of["documents"], of["cases"], of["events"], of["milestones"], of["payments"])
        return summaries

    # --- quarantine ----------------------------------------------------------------------

    def quarantine(self, item: Quarantined, position: Position | None = None) -> bool:
        """Keep the raw bytes, the reason and the origin; False when this mail was quarantined
        before (its reason is then brought up to date). In a batch, the position moves when the
        batch commits, as a filed mail's."""
        batch = self.sessions.current
        fresh = self._quarantine(item, position if batch is None else None)
        if position is not None and batch is not None:  # its savepoint is released
            self.ledger.advance_at_commit(batch, position)
        return fresh

    def _quarantine(self, item: Quarantined, position: Position | None) -> bool:
        with self.sessions() as session, session.begin():
            if position is not None:
                advance_in(session, position, self.ledger.fences.get(position.source))
            row = session.scalar(select(QuarantineRow).where(QuarantineRow.sha256 == item.sha256))
            if row is not None and row.resolved_at is None:
                row.reason = item.reason
                return False
            mail_rel, reason_rel = paths.quarantine_paths(item.sha256)
            self.archive.write(mail_rel, item.raw.data)
            self.archive.write_json(reason_rel, {"reason": item.reason, "sha256": item.sha256,
                                                 "origin": item.raw.origin.describe(),
                                                 "size": len(item.raw.data),
                                                 "at": utcnow().isoformat()})
            if row is None:
                session.add(QuarantineRow(sha256=item.sha256, path=str(mail_rel), reason=item.reason,
                                          origin=item.raw.origin.describe(),
                                          origin_data=dataclasses.asdict(item.raw.origin),
                                          size=len(item.raw.data)))
            else:
                row.reason, row.resolved_at, row.created_at = item.reason, None, utcnow()
            return True

    def quarantined(self, include_resolved: bool = False, limit: int | None = None) -> list[QuarantineRow]:
        with self.sessions() as session:
            query = select(QuarantineRow).order_by(QuarantineRow.id).limit(limit)
            if not include_resolved:
                query = query.where(QuarantineRow.resolved_at.is_(None))
            return list(session.scalars(query))

    def quarantined_row(self, row_id: int) -> QuarantineRow:
        """One quarantined mail by its row id (`NotFound` if there is none)."""
        with self.sessions() as session:
            row = session.get(QuarantineRow, row_id)
            if row is None:
                raise NotFound(f"no quarantined mail #{row_id}")
            return row

    def quarantined_since(self, seconds: float) -> int:
        """Mail quarantined (and not resolved) in the last `seconds`."""
        with self.sessions() as session:
            return int(session.scalar(select(func.count(QuarantineRow.id)).where(
                QuarantineRow.resolved_at.is_(None),
                QuarantineRow.created_at > utcnow() - dt.timedelta(seconds=seconds))) or 0)

    def resolve_quarantine(self, sha256: str) -> None:
        with self.sessions() as session, session.begin():
            row = session.scalar(select(QuarantineRow).where(QuarantineRow.sha256 == sha256))
            if row is not None:
                row.resolved_at = utcnow()

    # --- moving a message to an order by hand --------------------------------------------

    def assign(self, message_ref: str, number: str, person: policy.Person) -> Applied:
        """File a message (and its attachments) under an order (its number, or its folder when
    several orders have that number), creating it if needed for a buyer's mail.

        The store's rule holds here too: the files are copied to their new place first, the
        rows are committed, and only then are the old copies removed. A crash before the commit
        leaves the message where it was (plus spare copies the next attempt rewrites); one after
        it leaves spare old files, never a row pointing at nothing."""
        from mailflow.errors import NotFound

        with self.sessions() as session, session.begin():
            row = self._find_message(session, message_ref)
            if row is None:
                raise NotFound(f"no message {message_ref!r} (give its Message-ID or sha256 prefix)")
            policy.require(person, policy.Action.ASSIGN, policy.Thing(f"message <{row.message_id}>"))
            by = person.name
            key = alias_key(number)
            orders = session.scalars(select(OrderRow).where(OrderRow.id.in_(
                select(OrderAlias.order_id).where(OrderAlias.key == key))).order_by(OrderRow.id)).all()
            buyer = row.buyer or row.from_addr.rpartition("@")[2]
            by_folder = session.scalar(select(OrderRow).where(OrderRow.folder == number))
            ours_po = session.scalar(select(DocumentRow.id).where(
                DocumentRow.message_row_id == row.id, DocumentRow.kind == documents.PURCHASE_ORDER).limit(1))
            if ours_po is not None:  # our P/O goes only to a purchase order, or opens one
                order, new = self._purchase_assigned(session, row, number, [by_folder] if by_folder else orders, buyer)
            else:
                found = by_folder or _assigned_order(orders, buyer, (row.decision or {}).get("party") or "buyer",
                                                     number)
                new = found is None
                order = found or OrderRow(number=number, buyer=buyer, kind="sale",
                                          folder=self._free_folder(session, number, buyer))
                if new:
                    session.add(order)
                    session.flush()
                    self._add_aliases(session, order, [number])
            if (row.decision or {}).get("unfiled"):  # filed now: no longer "not filed"
                row.decision = {k: v for k, v in row.decision.items() if k != "unfiled"}
            before_path, before_order = row.path, row.order_id
            leftovers = self._move_into(session, row, order, paths.order_folder(order.folder))
            session.add(EventRow(kind="assigned", message_row_id=row.id, order_id=order.id,
                                 detail={"from": before_path, "to": row.path,
                                         "previous_order": before_order, "by": by}))
            row.correlation = "assigned by hand"
            applied = Applied("filed", row.id, row.path, order.number, order.folder, new)
            order_id = order.id
        self._remove_after_commit(leftovers)  # the old copies are no longer anyone's
        self.follow_orders(order_id)
        self.write_order_json(order_id)
        return applied

    def _purchase_assigned(self, session: Session, row: MessageRow, number: str, named: Sequence[OrderRow],
                           supplier: str) -> tuple[OrderRow, bool]:
        """The purchase order our P/O is filed under by hand: the one the number (or folder)
        names, else a new one numbered so, linked to the sales order the number names, or else
        to the one sales order the mail's thread or text cites."""
        from mailflow.errors import MailflowError

        purchase = [o for o in named if o.kind == "purchase" and (o.buyer == supplier or len(named) == 1)]
        if purchase:
            return purchase[0], False
        sales = [o for o in named if o.kind == "sale"]
        if len(sales) > 1:
            names = ", ".join(f"{o.folder} ({o.buyer})" for o in sales)
            raise MailflowError(f"number {number} names {len(sales)} orders: {names}; give the folder of the one "
                                "our P/O serves")
        served = sales[0] if sales else self._cited_sale(session, row)
        order = OrderRow(number=number, buyer=supplier, kind="purchase", for_order_id=served.id if served else None,
                         folder=self._free_folder(session, number, supplier))
        session.add(order)
        session.flush()
        self._add_aliases(session, order, [number])
        return order, True

    def _cited_sale(self, session: Session, row: MessageRow) -> OrderRow | None:
        """The one sales order a mail's thread is in, or its subject and text cite by number."""
        thread = [i for i in (row.in_reply_to, *reversed(row.references or [])) if i]
        if thread:
            in_thread = session.scalar(select(OrderRow).join(MessageRow, MessageRow.order_id == OrderRow.id).where(
                MessageRow.message_id.in_(thread), OrderRow.kind == "sale").limit(1))
            if in_thread is not None:
                return in_thread
        keys = candidate_keys(f"{row.subject}\n{row.text or ''}")
        cited = session.scalars(select(OrderRow).where(OrderRow.kind == "sale", OrderRow.id.in_(
            select(OrderAlias.order_id).where(OrderAlias.key.in_(keys[:500]))))).all() if keys else []
        return cited[0] if len(cited) == 1 else None

    def _find_message(self, session: Session, ref: str) -> MessageRow | None:
        from mailflow.errors import NotFound

        ref = ref.strip().strip("<>")
        if not ref:
            raise NotFound("give a Message-ID or a sha256 prefix (8 or more hex digits)")
        rows = session.scalars(select(MessageRow).where(MessageRow.message_id == ref).limit(2)).all()
        if not rows and len(ref) >= 8 and all(c in "0123456789abcdef" for c in ref.lower()):
            rows = session.scalars(select(MessageRow).where(MessageRow.sha256.like(f"{ref.lower()}%"))
                                   .limit(2)).all()
        if len(rows) > 1:
            raise NotFound(f"{ref!r} names more than one message: give the sha256 prefix instead "
                           "(see `mailflow order show`)")
        return rows[0] if rows else None

    # --- reads for the CLI ---------------------------------------------------------------

    def counts(self) -> dict[str, Any]:
        with self.sessions() as session:
            return {
                "messages": session.scalar(select(func.count(MessageRow.id))),
                "orders": session.scalar(select(func.count(OrderRow.id))),
                "outbox": dict(session.execute(select(OutboxRow.state, func.count(OutboxRow.id))
                                               .group_by(OutboxRow.state)).all()),
                "quarantined": session.scalar(select(func.count(QuarantineRow.id))
                                              .where(QuarantineRow.resolved_at.is_(None))),
            }

    def newest_messages(self, limit: int) -> list[MessageRow]:
        with self.sessions() as session:
            return list(session.scalars(select(MessageRow).order_by(MessageRow.id.desc()).limit(limit)))

    def messages(self) -> list[MessageRow]:
        with self.sessions() as session:
            return list(session.scalars(select(MessageRow).order_by(MessageRow.id)))

    def outbox(self, state: str | None = None) -> list[OutboxRow]:
        with self.sessions() as session:
            query = select(OutboxRow).order_by(OutboxRow.id)
            if state:
                query = query.where(OutboxRow.state == state)
            return list(session.scalars(query))

    def outbox_listed(self, states: tuple[str, ...] = (), limit: int | None = None) -> list[OutboxRow]:
        """Replies in `states` (all without), oldest first, without their raw MIME (a list
        shows none, and a desk's outbox holds every reply it sent); with `limit`, the newest
        `limit` of them."""
        with self.sessions() as session:
            query = select(OutboxRow).options(defer(OutboxRow.raw)).order_by(OutboxRow.id.desc()).limit(limit)
            if states:
                query = query.where(OutboxRow.state.in_(states))
            return list(reversed(session.scalars(query).all()))

    def orders(self) -> list[OrderRow]:
        with self.sessions() as session:
            return list(session.scalars(select(OrderRow).order_by(OrderRow.id)))

    def find_order(self, number: str) -> OrderRow | None:
        with self.sessions() as session:
            return order_by_number(session, number)

    def order_overview(self, counts: bool = True) -> list[dict[str, Any]]:
        """Every order with what a list of orders shows (`views.order_list`): its columns, its
        aliases, how many messages and replies it has (None unless `counts`: counting reads every
        message's row, 3.7 ms a list at 20,000 messages on PostgreSQL, and the browser's list does
        not show them), and its data (in a few queries, not one order_summary per order; plain
        rows, no ORM objects: a busy desk has thousands)."""
        messages: dict[int | None, int] | None = None
        replies: dict[int | None, int] | None = None
        with self.sessions() as session:
            conn = session.connection()
            if counts:
                messages = {order_id: n for order_id, n in conn.execute(select(MessageRow.order_id, func.count())
                            .where(MessageRow.order_id.is_not(None)).group_by(MessageRow.order_id))}
                replies = {order_id: n for order_id, n in conn.execute(select(OutboxRow.order_id, func.count())
                           .where(OutboxRow.order_id.is_not(None)).group_by(OutboxRow.order_id))}
            aliases: dict[int, list[str]] = {}
            for order_id, number in conn.execute(select(OrderAlias.order_id, OrderAlias.number)):
                aliases.setdefault(order_id, []).append(number)
            rows = conn.execute(select(OrderRow.id, OrderRow.number, OrderRow.folder, OrderRow.buyer,
                                       OrderRow.status, OrderRow.next_milestone, OrderRow.next_due,
                                       OrderRow.outstanding, OrderRow.data, OrderRow.kind, OrderRow.for_order_id)
                                .order_by(OrderRow.id)).all()
        by_id = {r.id: r for r in rows}
        return [{"order": r.number, "folder": r.folder,
                 **order_parties(r.kind, r.buyer, by_id.get(r.for_order_id)),
                 "status": r.status, "next_milestone": r.next_milestone or None,
                 "due": r.next_due.isoformat() if r.next_due else None,
                 "outstanding": r.outstanding or None, "aliases": sorted(aliases.get(r.id, [])),
                 "messages": None if messages is None else messages.get(r.id, 0),
                 "replies": None if replies is None else replies.get(r.id, 0), "data": dict(r.data or {})}
                for r in rows]

    def order_listing(self, *, buyer: str = "", status: str = "", text: str = "", offset: int = 0,
                      limit: int = 200) -> tuple[list[dict[str, Any]], int, list[str]]:
        """One page of the orders a list shows (`order_overview`'s rows, without counts), filtered
        and sorted in the database: the buyer's name holding `buyer`, in `status`, `text` in the
        number, folder, buyer or supplier (case aside); overdue first, then by due date (none
        last) and folder, which is `views.order_list`'s order. (the page, how many match, every
        status any order has). The browser's list: it reads `limit` orders, not thousands."""
        from sqlalchemy import case

        from mailflow.store.plan import PARTIES, SERVED, parties

        with self.sessions() as session:
            conn = session.connection()
            shown_buyer = case((OrderRow.kind == "purchase", func.coalesce(SERVED.buyer, "")), else_=OrderRow.buyer)
            wanted = []
            if buyer:
                wanted.append(func.lower(shown_buyer).contains(buyer.lower(), autoescape=True))
            if status:
                wanted.append(OrderRow.status == status)
            if text:
                words = text.lower()
                wanted.append(or_(*(func.lower(column).contains(words, autoescape=True) for column in (
                    OrderRow.number, OrderRow.folder, OrderRow.buyer, func.coalesce(SERVED.buyer, "")))))
            listed = select(OrderRow.id).outerjoin(SERVED, OrderRow.for_order_id == SERVED.id).where(*wanted)
            total = conn.execute(select(func.count()).select_from(listed.subquery())).scalar_one()
            ids = [row_id for row_id, in conn.execute(
                listed.order_by(OrderRow.next_due.is_(None), OrderRow.next_due, OrderRow.folder)
                .offset(offset).limit(limit))]
            statuses = sorted(status for status, in conn.execute(select(OrderRow.status).distinct()))
            aliases: dict[int, list[str]] = {}
            for order_id, number in conn.execute(select(OrderAlias.order_id, OrderAlias.number)
                                                 .where(OrderAlias.order_id.in_(ids))):
                aliases.setdefault(order_id, []).append(number)
            rows = {r.id: r for r in conn.execute(
                select(OrderRow.id, OrderRow.number, OrderRow.folder, OrderRow.status, OrderRow.next_milestone,
                       OrderRow.next_due, OrderRow.outstanding, OrderRow.data, *PARTIES)
                .outerjoin(SERVED, OrderRow.for_order_id == SERVED.id).where(OrderRow.id.in_(ids)))}
        page = []
        for row_id in ids:
            r = rows[row_id]
            who = parties(r)
            page.append({"order": r.number, "folder": r.folder, "kind": who.pop("order_kind"), **who,
                         "status": r.status, "next_milestone": r.next_milestone or None,
                         "due": r.next_due.isoformat() if r.next_due else None, "outstanding": r.outstanding or None,
                         "aliases": sorted(aliases.get(r.id, [])), "messages": None, "replies": None,
                         "data": dict(r.data or {})})
        return page, total, statuses

    def message_by_row(self, row_id: int) -> MessageRow:
        """A message by its row id (the web desk's links), or NotFound."""
        from mailflow.errors import NotFound

        with self.sessions() as session:
            row = session.get(MessageRow, row_id)
        if row is None:
            raise NotFound("no such message")
        return row

    def attachment_row(self, row_id: int) -> AttachmentRow:
        """An attachment by its row id, or NotFound."""
        from mailflow.errors import NotFound

        with self.sessions() as session:
            row = session.get(AttachmentRow, row_id)
        if row is None:
            raise NotFound("no such attachment")
        return row

    def attachments_of(self, message_row_id: int) -> list[AttachmentRow]:
        with self.sessions() as session:
            return list(session.scalars(select(AttachmentRow).where(AttachmentRow.message_row_id == message_row_id)
                                        .order_by(AttachmentRow.id)))

    def order_files(self, order_id: int) -> dict[str, tuple[int, list[tuple[int, str]]]]:
        """The order's messages by Message-ID: each one's row id and its attachments (row id,
        file name), which the order page links to."""
        with self.sessions() as session:
            found: dict[str, tuple[int, list[tuple[int, str]]]] = {m.message_id: (m.id, []) for m in session.execute(
                select(MessageRow.id, MessageRow.message_id).where(MessageRow.order_id == order_id))}
            files = session.execute(select(AttachmentRow.id, AttachmentRow.filename, AttachmentRow.message_row_id)
                                    .join(MessageRow, AttachmentRow.message_row_id == MessageRow.id)
                                    .where(MessageRow.order_id == order_id).order_by(AttachmentRow.id)).all()
        by_row: dict[int, list[tuple[int, str]]] = {row_id: names for row_id, names in found.values()}
        for f in files:
            by_row.setdefault(f.message_row_id, []).append((f.id, f.filename))
        return found


__all__ = ["Applied", "IntegrityError", "Store"]


def _assigned_order(orders: Sequence[OrderRow], buyer: str, party: str, number: str) -> OrderRow | None:
    """The order a person files a message under by its number: the sender's own (a buyer's
    sales order, a supplier's purchase order); for any other party's mail the one order with
    that number, or the one sales order among a sales and a purchase order of that number (a
    forwarder cites the customer's PO, as correlation reads it). A number several orders have
    otherwise is refused rather than guessed, and another party's mail opens no order."""
    from mailflow.errors import MailflowError

    if party in ("buyer", "us"):
        return next((o for o in orders if o.buyer == buyer), orders[0] if orders else None)
    own = [o for o in orders if o.buyer == buyer]
    sales = [o for o in orders if o.kind == "sale"]
    if own or (len(orders) > 1 and len(sales) == 1):
        return (own or sales)[0]
    if len(orders) > 1:
        names = ", ".join(f"{o.folder} ({o.buyer})" for o in orders)
        raise MailflowError(f"number {number} names {len(orders)} orders: {names}; give the folder of the one you mean")
    if not orders:
        raise MailflowError(f"no order is numbered {number}, and a {party}'s mail opens no order")
    return orders[0]
