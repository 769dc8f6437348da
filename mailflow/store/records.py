"""The order record in the store: its documents, its terms and their history, its version (a
reply written from an older one is written again), the replies that wait on it, the complaint
cases, and the pre-order mail that joins an order when it opens."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from mailflow import documents, policy
from mailflow.extract import record as order_record
from mailflow.extract import shipping, swift
from mailflow.follow import money
from mailflow.model import Outcome
from mailflow.reply.outbox import HELD, QUEUED, SENT, SUPERSEDED
from mailflow.store import archive as paths
from mailflow.store.archive import Archive
from mailflow.store.batch import Sessions
from mailflow.store.db import (
    CaseRow,
    DocumentRow,
    EventRow,
    MessageRow,
    OrderRow,
    OutboxRow,
    utcnow,
)

HISTORY_CATEGORIES = ("inquiry", "sample")  # mail before an order that joins it when it opens
MAX_HISTORY = 200  # pre-order mails that join one order at the most
MAX_HISTORY_QUERIES = 60  # lookups made to find them at the most
MAX_HISTORY_ROUNDS = 20  # steps along a thread, up or down
MAX_IDS = 500  # Message-IDs asked for in one lookup


# asked per mail, built once (see the statements of store.py)
_CONFIRMATION = select(DocumentRow.record).where(
    DocumentRow.order_id == bindparam("order_id"), DocumentRow.kind.in_(documents.CONFIRMATION_KINDS),
    DocumentRow.party.in_(documents.CONFIRMING_PARTIES), DocumentRow.record != {}
).order_by(DocumentRow.id.desc()).limit(1)
_OPEN_CASES = (select(MessageRow.message_id, CaseRow.id, CaseRow.number)
               .join(CaseRow, MessageRow.case_id == CaseRow.id)
               .where(MessageRow.message_id.in_(bindparam("ids", expanding=True)), CaseRow.status == "open"))


@dataclass
class FiledOrder:
    """The order a mail is filed under, as filing reads it: one Core statement's row (or the
    values just inserted), no ORM object. Its number, folder, buyer and kind never change; its
    version is kept up to date by `_record_documents`, which alone loads the order to change it."""

    id: int
    number: str
    folder: str
    buyer: str
    kind: str
    version: int
    numbers: list[str] = field(default_factory=list)  # its aliases' numbers, as written


@dataclass
class FiledMessage:
    """The mail being filed, as the rest of its filing reads it: its row is one Core INSERT, no
    ORM object (a complaint's case, set here, is written to the row by the caller)."""

    id: int
    message_id: str
    subject: str
    buyer: str
    date: dt.datetime | None
    correlation: str
    case_id: int | None = None


class _History:
    """The pre-order mail an opening order adopts, found in bounded batches: each lookup
    asks for many Message-IDs or numbers at once, returns no more than there is room for
    (`MAX_HISTORY` in all), and no more than `MAX_HISTORY_QUERIES` lookups are made."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[int, tuple[MessageRow, str]] = {}
        self.queries = 0

    def rows(self, query: Any, limit: int = MAX_HISTORY) -> list[MessageRow]:
        """What `query` finds (the newest first), within what room and lookups are left."""
        room = min(limit, MAX_HISTORY - len(self.found))
        if room <= 0 or self.queries >= MAX_HISTORY_QUERIES:
            return []
        self.queries += 1
        return list(self.session.scalars(query.order_by(MessageRow.date.desc(), MessageRow.id.desc())
                                         .limit(room)))

    def add(self, rows: Sequence[MessageRow], why: str) -> list[MessageRow]:
        """The rows that were not found yet, now found for `why`."""
        fresh = [r for r in rows if r.id not in self.found][:MAX_HISTORY - len(self.found)]
        for r in fresh:
            self.found[r.id] = (r, why)
        return fresh

    def climb(self, candidates: Any, pending: list[str], why: str) -> None:
        """The pre-order mail a thread goes back through (by the Message-IDs it answers)."""
        seen: set[str] = set()
        for _ in range(MAX_HISTORY_ROUNDS):
            pending = list(dict.fromkeys(i for i in pending if i not in seen))[:MAX_IDS]
            if not pending:
                return
            seen.update(pending)
            fresh = self.add(self.rows(candidates.where(MessageRow.message_id.in_(pending))), why)
            pending = [i for earlier in fresh for i in _answers(earlier)]

    def naming(self, same_buyer: Any, words: Sequence[str], why: str) -> None:
        """The same buyer's pre-order mail whose text names one of `words` (numbers, item
        codes), in one lookup; LIKE's wildcards in them are taken as the characters they are."""
        words = [w for w in dict.fromkeys(words) if w][:20]
        if not words:
            return
        matches = self.rows(same_buyer.where(or_(*(MessageRow.text.contains(w, autoescape=True) for w in words))))
        for earlier in matches:
            text = (earlier.text or "").lower()
            named = next((w for w in words if w.lower() in text), words[0])
            self.add([earlier], why.format(named))

    def rest_of_threads(self, same_buyer: Any) -> None:
        """The threads of the pre-order mail found: what each answers, and the same buyer's
        pre-order mail that answers it (our quotation's reply asking for samples)."""
        done: set[int] = set()
        for _ in range(MAX_HISTORY_ROUNDS):
            fresh = [f for i, f in self.found.items() if i not in done]
            if not fresh or len(self.found) >= MAX_HISTORY:
                return
            done |= {earlier.id for earlier, _ in fresh}
            answered = {i: earlier for earlier, _ in fresh for i in _answers(earlier)}
            ids = {earlier.message_id: earlier for earlier, _ in fresh if earlier.message_id}
            ups = self.rows(same_buyer.where(MessageRow.message_id.in_(list(answered)[:MAX_IDS]))) if answered else []
            for up in ups:
                via = answered.get(up.message_id, up)
                self.add([up], f"the same thread as {via.message_id}, which joined it")
            downs = self.rows(same_buyer.where(MessageRow.in_reply_to.in_(list(ids)[:MAX_IDS]))) if ids else []
            for down in downs:
                self.add([down], f"the same thread as {down.in_reply_to}, which joined it")


def _answers(row: MessageRow) -> list[str]:
    """The Message-IDs a filed mail answers (its In-Reply-To and References)."""
    return [i for i in (row.in_reply_to, *(row.references or [])) if i]


def _cited(outcome: Outcome, number: str, ours: Sequence[str] = ()) -> list[str]:
    """The numbers an order's first document cites besides its own: the order data's, and the
    references its sender wrote (our quotation's number in "as per your quotation HX-Q-2609-11A",
    or a number of ours the subjects `ours` of our earlier mail to the buyer gave)."""
    from mailflow import quoting
    from mailflow.correlate import alias_key, references_in

    message = outcome.message
    said = references_in(f"{message.subject}\n{quoting.own_text(message.text or '')}", ours)
    own = alias_key(number)
    return list(dict.fromkeys(n for n in (*outcome.order_data.numbers, *said) if alias_key(n) != own))[:10]


def _text_of(doc: Any, outcome: Outcome) -> str:
    """A document's own text first (its attachment's), then the documents read and the mail's."""
    message = outcome.message
    own = [a.text for a in message.attachments if a.filename == doc.name and a.text]
    return "\n".join([*own, *outcome.document_texts, message.subject, message.text])[:money.MAX_TEXT]


def shipping_facts(doc: Any, outcome: Outcome) -> dict[str, Any]:
    """What a booking confirmation or a shipping advice says of the sailing (ETD, ETA, vessel,
    cut-offs): kept on the document; the plan counts from its ETD when the order is followed."""
    if doc.kind not in shipping.KINDS:
        return {}
    sent = outcome.message.date.date() if outcome.message.date else None
    sailing = shipping.read_shipping(_text_of(doc, outcome), sent)
    return {"shipping": sailing} if sailing else {}


def sailing(docs: Sequence[Any], message_ids: dict[int, str]) -> dict[str, Any]:
    """The order's sailing as its booking confirmations and shipping advices give it, the latest
    filed saying last: each fact with the mail and the document it came from."""
    found: dict[str, Any] = {}
    for doc in docs:
        for key, value in ((doc.record or {}).get("shipping") or {}).items():
            found[key] = {"value": value, "document": doc.name, "kind": doc.kind,
                          "message_id": message_ids.get(doc.message_row_id, "")}
    return found


def money_facts(doc: Any, outcome: Outcome) -> dict[str, Any]:
    """What a bank slip says was paid (the remitted amount, its charges and the amount credited
    apart), or what an L/C advice or amendment says (`swift.Credit`, and its expiry and latest
    shipment as the plan's anchors), read from its own text first, then the mail's: kept on the
    document, counted and checked when the order is followed."""
    if doc.kind not in documents.BANK_KINDS:
        return {}
    text = _text_of(doc, outcome)
    if doc.kind == "bank_slip":
        paid = money.read_payment(text)
        if paid is None:
            return {}
        payment: dict[str, Any] = {"amount": str(paid.amount), "currency": paid.currency,
                                   "value_date": paid.value_date.isoformat() if paid.value_date else None,
                                   "reference": paid.reference, "read_from": paid.read_from}
        if paid.charges is not None:
            payment |= {"charges": str(paid.charges), "charges_currency": paid.charges_currency}
            payment["read_from"] += f"; bank charges {paid.charges_currency} {paid.charges} kept apart"
        if paid.net is not None:
            payment["net"] = str(paid.net)
            payment["read_from"] += f"; {paid.net} credited"
        return {"payment": payment}
    credit = swift.read_credit(text, amendment=doc.kind == "lc_amendment")
    if credit.empty():
        return {}
    return {"lc": {**money.lc_facts(credit), "credit": credit.as_record()}}


def order_by_number(session: Session, number: str) -> OrderRow | None:
    """An order by its folder name, else by any number it is known by (its aliases)."""
    from mailflow.correlate import alias_key
    from mailflow.store.db import OrderAlias

    order = session.scalar(select(OrderRow).where(OrderRow.folder == number))
    if order is None:
        order = session.scalar(select(OrderRow).join(OrderAlias).where(OrderAlias.key == alias_key(number))
                               .limit(1))
    return order


class RecordStore:
    sessions: Sessions
    archive: Archive

    def _write(self, rel: PurePosixPath, data: bytes) -> None:
        """A file of the mail being filed: in a batch, fsynced with the batch's other files just
        before it commits; alone, now."""
        batch = self.sessions.current
        if batch is None:
            self.archive.write(rel, data)
        else:
            batch.keep(self.archive, self.archive.put(rel, data, together=True))

    # --- while applying a message (inside its transaction) --------------------------------

    def _record_documents(self, session: Session, order: OrderRow | FiledOrder | None, row: MessageRow | FiledMessage,
                          outcome: Outcome) -> bool:
        """The mail's documents, and the order's terms when a document sets them. True when the
        order's data changed (its version then grows: replies that wait are written again)."""
        data = outcome.order_data
        record = order_record.order_record(data) if not data.empty else {}
        read = next((d for d in outcome.documents if d.name == data.document), None)
        for doc in outcome.documents:
            sailing = shipping_facts(doc, outcome)
            if order is not None and sailing:
                self._sailing_moved(session, order, row, doc.name, sailing["shipping"])
            session.add(DocumentRow(message_row_id=row.id, order_id=order.id if order else None,
                                    kind=doc.kind, party=doc.party, name=doc.name, revision=doc.revision,
                                    reason=doc.reason,
                                    record={**(record if doc is read else {}), **money_facts(doc, outcome),
                                            **sailing}))
        if order is None or (data.empty and not data.errors):
            return False
        loaded = order if isinstance(order, OrderRow) else session.get_one(OrderRow, order.id)  # to change it
        changed = self._merge_terms(session, loaded, row, outcome, record, read)
        if order is not loaded:
            order.version = loaded.version  # the replies filed with the mail are written from it
        return changed

    def _merge_terms(self, session: Session, order: OrderRow, row: MessageRow | FiledMessage, outcome: Outcome,
                     record: dict[str, Any], read: Any) -> bool:
        """`_record_documents`' part that changes the order: its terms merged, or our P/I kept."""
        data = outcome.order_data
        party = outcome.party
        stored = dict(order.data or {})
        if not documents.sets_terms(party, outcome.documents, stored, data):
            # our P/I (or a document after the PO): kept as a document and compared, never merged
            changed = read is not None and read.kind in documents.CONFIRMATION_KINDS and bool(record) \
                and party in documents.CONFIRMING_PARTIES
            if changed:
                order.version += 1
                session.add(EventRow(kind="confirmation-filed", order_id=order.id, message_row_id=row.id,
                                     detail={"document": read.name if read else "", "version": order.version,
                                             "differences": order_record.differences(stored, record)}))
            return changed
        terms = {"kind": read.kind if read else "", "party": party, "revision": read.revision if read else 0,
                 "message_id": outcome.message.message_id}
        had = bool(stored.get("history"))
        merged, changes = order_record.merge(stored, data, message_id=outcome.message.message_id,
                                             sha256=outcome.message.sha256, at=utcnow().isoformat(),
                                             terms=terms)
        if had and changes:
            order.version += 1
            merged["history"][-1]["version"] = order.version
            session.add(EventRow(kind="order-updated", order_id=order.id, message_row_id=row.id,
                                 detail={"message_id": outcome.message.message_id, "document": data.document,
                                         "changes": changes, "version": order.version,
                                         "lines": merged["history"][-1].get("lines", [])}))
        order.data = merged
        return had and bool(changes)

    def _sailing_moved(self, session: Session, order: OrderRow | FiledOrder, row: MessageRow | FiledMessage, name: str,
                       sailing: dict[str, Any]) -> None:
        """An event when this mail gives the order's ETD or ETA for the first time, or changes
        it (a shipping advice after the booking): the plan's dates move with it."""
        before: dict[str, Any] = {}
        for record in session.scalars(select(DocumentRow.record).where(
                DocumentRow.order_id == order.id, DocumentRow.kind.in_(shipping.KINDS),
                DocumentRow.message_row_id != row.id).order_by(DocumentRow.id)):
            before.update({k: v for k, v in ((record or {}).get("shipping") or {}).items() if k in ("etd", "eta")})
        for key in ("etd", "eta"):
            if sailing.get(key) and sailing[key] != before.get(key):
                session.add(EventRow(kind=f"{key}-moved" if before.get(key) else f"{key}-given", order_id=order.id,
                                     message_row_id=row.id,
                                     detail={key: sailing[key], "before": before.get(key), "document": name,
                                             "message_id": row.message_id}))

    def _supersede(self, session: Session, order_id: int, template: str, replacement: int) -> None:
        """Earlier replies of this template about the order that were not sent can never be
        sent now: a newer one (for a revised PO) replaces them."""
        for old in session.scalars(select(OutboxRow).where(
                OutboxRow.order_id == order_id, OutboxRow.template == template,
                OutboxRow.state.in_((HELD, QUEUED)), OutboxRow.id != replacement)):
            old.state, old.superseded_by, old.updated_at = SUPERSEDED, replacement, utcnow()
            old.reason = f"superseded by reply #{replacement}, written for a newer version of the order"
            session.add(EventRow(kind="reply-superseded", order_id=order_id, message_row_id=old.answers_id,
                                 detail={"outbox_id": old.id, "by": replacement}))

    def _open_case(self, session: Session, outcome: Outcome, row: MessageRow | FiledMessage,
                   order: OrderRow | FiledOrder | None) -> str:
        """A complaint opens its case, a follow-up joins it; returns the case number."""
        ref = outcome.case
        if ref is None:
            return ""
        if ref.existing_id is not None:
            case = session.get(CaseRow, ref.existing_id)
        else:
            number = ref.number
            while session.scalar(select(CaseRow.id).where(CaseRow.number == number)) is not None:
                number = f"{ref.number}-{outcome.message.sha256[4:6].upper()}" if number == ref.number \
                    else number + "X"
            case = CaseRow(number=number, order_id=order.id if order else None, buyer=row.buyer,
                           subject=row.subject[:500])
            session.add(case)
            session.flush()
            session.add(EventRow(kind="case-opened", order_id=case.order_id, message_row_id=row.id,
                                 detail={"case": case.number}))
        if case is None:
            return ""
        row.case_id = case.id
        if case.order_id is None and order is not None:
            case.order_id = order.id
        return case.number

    def _adopt_history(self, session: Session, order: OrderRow | FiledOrder, row: MessageRow | FiledMessage, outcome: Outcome,
                       days: int) -> list[str]:
        """When a PO or P/I opens an order, the pre-order mail it answers joins it: the buyer's
        inquiries and sample requests, our quotations and the samples we sent. Found by the
        same thread, a number it cites (the PO's own numbers, or a reference in its text: our
        quotation's number), or an item code of its lines; then the rest of each found mail's
        thread. All of it within `days` before the order's first document, the thread too: a
        PO that answers a thread older than the history window brings none of it (a buyer
        replying to last year's quotation to order again). Bounded: `MAX_HISTORY` mails and
        `MAX_HISTORY_QUERIES` lookups at the most (`_History`). Their files are copied into the
        order's folder here; the old copies are returned, to be removed after the commit."""
        message = outcome.message
        since = (row.date or utcnow()) - dt.timedelta(days=days)  # pre-order mail of this age only
        candidates = select(MessageRow).where(
            MessageRow.order_id.is_(None), MessageRow.id != row.id, MessageRow.category.in_(HISTORY_CATEGORIES),
            func.coalesce(MessageRow.date, MessageRow.received_at) >= since)
        history = _History(session)
        history.climb(candidates, [i for i in (message.in_reply_to, *message.references) if i],
                      "the same thread as the order's first document")
        same_buyer = candidates.where(or_(MessageRow.buyer == order.buyer, func.lower(MessageRow.from_addr)
                                          .endswith(f"@{order.buyer.lower()}", autoescape=True)))
        ours = history.rows(same_buyer.where(MessageRow.direction == "out"), 50)
        history.naming(same_buyer, _cited(outcome, order.number, [o.subject for o in ours]),
                       "it names {}, which the order cites")
        codes = [code for li in outcome.order_data.lines for code in dict.fromkeys((li.item_code, li.buyer_code))
                 if code and len(code) >= 4][:20]
        history.naming(same_buyer, codes, f"the same buyer asked about item {{}} within {days} days")
        history.rest_of_threads(same_buyer)
        leftovers: list[str] = []
        folder = paths.order_folder(order.folder)
        for earlier, why in sorted(history.found.values(), key=lambda f: (f[0].date or utcnow(), f[0].id)):
            leftovers += self._move_into(session, earlier, order, folder)
            earlier.correlation = f"before the order: {why}"
            session.add(EventRow(kind="joined-order", order_id=order.id, message_row_id=earlier.id,
                                 detail={"reason": why, "opened_by": message.message_id}))
        return leftovers

    def _move_into(self, session: Session, row: MessageRow, order: OrderRow | FiledOrder,
                   folder: PurePosixPath) -> list[str]:
        """A filed message, its attachments and its documents moved under an order (files copied,
        rows pointed there); the old paths returned, for `Store._remove_after_commit`, which
        keeps a file another message still uses."""
        new_mail = self.archive.mail_path(folder, row.date, row.direction, row.sha256)  # type: ignore[arg-type]
        leftovers: list[str] = []
        if row.path != str(new_mail):  # in a bucket, mail is named by its content: it stays
            self._write(new_mail, self.archive.read(row.path))
            leftovers.append(row.path)
        for att in row.attachments:
            target = self.archive.moved_attachment(folder, att.path, att.sha256)
            if att.path != str(target):
                self._write(target, self.archive.read(att.path))
                leftovers.append(att.path)
                att.path = str(target)
        row.path, row.order_id = str(new_mail), order.id
        row.buyer = row.buyer or order.buyer
        for reply in session.scalars(select(OutboxRow).where(OutboxRow.answers_id == row.id)):
            reply.order_id = order.id
        session.execute(update(DocumentRow).where(DocumentRow.message_row_id == row.id)
                        .values(order_id=order.id))
        return leftovers

    # --- reads ---------------------------------------------------------------------------

    def order(self, order_id: int) -> OrderRow | None:
        with self.sessions() as session:
            return session.get(OrderRow, order_id)

    def message_row(self, row_id: int) -> MessageRow:
        with self.sessions() as session:
            row = session.get(MessageRow, row_id)
            assert row is not None
            return row

    def latest_confirmation(self, order_id: int) -> dict[str, Any] | None:
        """The data of the latest P/I (ours or countersigned) filed with the order."""
        with self.sessions.connection() as conn:
            record = conn.execute(_CONFIRMATION, {"order_id": order_id}).scalar()
        return dict(record) if record else None

    def documents(self, order_id: int) -> list[DocumentRow]:
        with self.sessions() as session:
            return list(session.scalars(select(DocumentRow).where(DocumentRow.order_id == order_id)
                                        .order_by(DocumentRow.id)))

    def stale_replies(self, order_id: int, version: int) -> list[OutboxRow]:
        with self.sessions() as session:
            return list(session.scalars(select(OutboxRow).where(
                OutboxRow.order_id == order_id, OutboxRow.state.in_((HELD, QUEUED)),
                OutboxRow.order_version < version).order_by(OutboxRow.id)))

    def changes_since(self, order_id: int, version: int) -> list[str]:
        """What changed in the order's data after `version`, in words."""
        order = self.order(order_id)
        out: list[str] = []
        for entry in ((order.data or {}).get("history") or []) if order else []:
            if int(entry.get("version") or 0) > version:
                out += [f"{k} {v[0]!r} -> {v[1]!r}" for k, v in (entry.get("changes") or {}).items() if k != "lines"]
                out += list(entry.get("lines") or [])
        return out

    def known_sender_before(self, address: str, row_id: int) -> bool:
        """Whether mail from this address was filed before the message `row_id`."""
        with self.sessions() as session:
            return session.scalar(select(MessageRow.id).where(
                func.lower(MessageRow.from_addr) == address.lower(), MessageRow.id < row_id).limit(1)) is not None

    def rewrite_reply(self, reply_id: int, raw: bytes, subject: str, version: int, state: str, reason: str,
                      changed: Sequence[str], approver: str = "") -> None:
        """A waiting reply written again from the order as it stands (same Message-ID). A reply
        that waited keeps the approver it had, with the new one's added (see policy.py)."""
        from mailflow.policy import APPROVERS, combine_approvers

        with self.sessions() as session, session.begin():
            row = session.get(OutboxRow, reply_id)
            if row is None or row.state not in (HELD, QUEUED):
                return
            before = row.approver if row.approver in APPROVERS and row.state == HELD else \
                ("manager" if row.state == HELD else "")
            row.raw, row.subject, row.order_version, row.state, row.updated_at = raw, subject, version, state, utcnow()
            row.reason, row.approver = reason, combine_approvers([before or "", approver])
            session.add(EventRow(kind="reply-rewritten", order_id=row.order_id, message_row_id=row.answers_id,
                                 detail={"outbox_id": row.id, "version": version, "changed": list(changed)}))

    def hold_stale_reply(self, reply_id: int, version: int, reason: str) -> None:
        with self.sessions() as session, session.begin():
            row = session.get(OutboxRow, reply_id)
            if row is None or row.state not in (HELD, QUEUED):
                return
            row.state, row.reason, row.order_version, row.updated_at = HELD, reason, version, utcnow()
            session.add(EventRow(kind="reply-held", order_id=row.order_id, message_row_id=row.answers_id,
                                 detail={"outbox_id": row.id, "reason": reason}))

    # --- complaint cases -------------------------------------------------------------------

    def case_of_messages(self, message_ids: Sequence[str]) -> tuple[int, str] | None:
        """The open case of the nearest message in a thread."""
        if not message_ids:
            return None
        with self.sessions.connection() as conn:
            rows = conn.execute(_OPEN_CASES, {"ids": list(message_ids)}).all()
        by_id = {r[0]: (r[1], r[2]) for r in rows}
        return next((by_id[m] for m in message_ids if m in by_id), None)

    def case_of_message(self, message_row_id: int) -> str:
        """The number of the complaint case a filed mail belongs to ("" for none)."""
        with self.sessions() as session:
            return session.scalar(select(CaseRow.number).join(MessageRow, MessageRow.case_id == CaseRow.id)
                                  .where(MessageRow.id == message_row_id)) or ""

    def case_by_number(self, number: str) -> tuple[int, str] | None:
        with self.sessions() as session:
            row = session.execute(select(CaseRow.id, CaseRow.number).where(
                func.upper(CaseRow.number) == number.upper(), CaseRow.status == "open")).first()
            return (row[0], row[1]) if row else None

    def cases(self, only_open: bool = False) -> list[CaseRow]:
        with self.sessions() as session:
            query = select(CaseRow).order_by(CaseRow.opened_at.desc())
            if only_open:
                query = query.where(CaseRow.status == "open")
            return list(session.scalars(query))

    def case_messages(self, case_id: int) -> list[MessageRow]:
        with self.sessions() as session:
            return list(session.scalars(select(MessageRow).where(MessageRow.case_id == case_id)
                                        .order_by(MessageRow.date, MessageRow.id)))

    def close_case(self, number: str, person: policy.Person, note: str) -> CaseRow:
        from mailflow.errors import MailflowError, NotFound

        with self.sessions() as session, session.begin():
            case = session.scalar(select(CaseRow).where(func.upper(CaseRow.number) == number.upper()))
            if case is None:
                raise NotFound(f"no case {number!r}")
            policy.require(person, policy.Action.CLOSE_CASE, policy.Thing(f"case {case.number}"))
            by = person.name
            if case.status == "closed":
                raise MailflowError(f"case {case.number} was closed by {case.closed_by} on "
                                    f"{case.closed_at:%Y-%m-%d}" if case.closed_at else f"case {case.number} is closed")
            case.status, case.closed_at, case.closed_by, case.note = "closed", utcnow(), by, note
            session.add(EventRow(kind="case-closed", order_id=case.order_id,
                                 detail={"case": case.number, "by": by, "note": note}))
            return case


__all__ = ["SENT", "RecordStore"]


def decision_json(outcome: Outcome) -> dict[str, Any]:
    """A mail's decision as its row keeps it (plain JSON): when filed, and again when a person
    corrects it."""
    decision = outcome.decision
    result: dict[str, Any] = json.loads(json.dumps({
        "category": decision.category, "rule": decision.rule,
        "conditions": list(decision.conditions), "tags": list(decision.tags),
        "matched_rules": list(decision.matched_rules), "classifier": decision.classifier,
        "actions": [{"kind": a.kind, "rule": a.rule, **a.params} for a in decision.actions],
        "order_data": {"source": outcome.order_data.source, "errors": list(outcome.order_data.errors),
                       "document": outcome.order_data.document,
                       "checks_failed": [c.name for c in outcome.order_data.checks_failed]},
        "party": outcome.party, "party_why": outcome.party_why,
        **({"unfiled": outcome.unfiled} if outcome.unfiled else {}),
    }, default=str))
    return result
