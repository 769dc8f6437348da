"""The outbox's rows: every state change its own committed transaction (see reply/outbox.py)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import uuid
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.orm import Session

from mailflow import policy
from mailflow.errors import ClaimLost, MailflowError, NotFound
from mailflow.reply.outbox import (
    FAILED,
    HELD,
    QUEUED,
    REJECTED,
    SENDING,
    SENT,
    SUPERSEDED,
    UNCERTAIN,
    WITHDRAWN,
)
from mailflow.store import archive as paths
from mailflow.store import search
from mailflow.store.archive import Archive
from mailflow.store.batch import Sessions
from mailflow.store.chase import owed_no_more, withdraw_chaser
from mailflow.store.db import DocumentRow, EventRow, MessageRow, OrderAlias, OrderRow, OutboxRow, utcnow
from mailflow.store.leases import db_now, owner_gone


def _reply_text(raw: bytes) -> str:
    import email
    import email.policy

    body = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",))
    return str(body.get_content()) if body is not None else ""


def _attachment_names(raw: bytes) -> list[str]:
    import email
    import email.policy

    return [str(part.get_filename() or "") for part in
            email.message_from_bytes(raw, policy=email.policy.default).iter_attachments()][:MAX_ATTACHED]


# the document a sent reply of this template is (a packing list we send completes its milestone)
SENT_DOCUMENTS = {"packing_list": "packing_list", "chase_balance": "packing_list"}
# our documents a reply carries (`outbox compose … --attach pi`), by the start of their file name
# (writer/desk.attachments): a P/I we send completes "P/I sent"
ATTACHED_DOCUMENTS = (("pi_", "pi"), ("purchase-order_", "purchase_order"), ("invoice_", "commercial_invoice"), ("packing-list_", "packing_list"))
MAX_ATTACHED = 20
# our P/O to a supplier (writer/send.py): sent, it opens the purchase order its attachment numbers
PURCHASE_TEMPLATE, PURCHASE_PREFIX = "purchase_order", "purchase-order_"

_CAP_LOCK = 0x6D66_0001  # PostgreSQL advisory lock: one claim at a time counts against the cap


def claimer(claimed_by: str) -> str:
    """The owner (host:pid:random) behind a claim: `claimed_by` is the owner and one claim's own
    part, so that a write is fenced by this claim, not merely by this process."""
    return claimed_by.partition("/")[0]


def _revision(name: str) -> int:
    """pi_ANW-PI-2612-01-R2.pdf is revision 2 of our P/I."""
    found = re.search(r"-R(\d{1,3})\.pdf$", name)
    return int(found.group(1)) if found else 0


def _sent_documents(template: str, names: list[str]) -> list[tuple[str, str]]:
    """(file name, kind) of the documents a sent reply carries: ours by the start of their name
    (`--attach`), and the first, whatever its name, as the template's own (the packing list)."""
    found: dict[str, str] = {}
    for index, name in enumerate(names):
        kind = next((k for prefix, k in ATTACHED_DOCUMENTS if name.startswith(prefix)), None)
        kind = kind or (SENT_DOCUMENTS.get(template) if index == 0 else None)
        if kind and name:
            found.setdefault(name, kind)
    return list(found.items())


class OutboxStore:
    sessions: Sessions
    archive: Archive
    owner: str  # this process as a claimer (see store/leases.py)
    claim_seconds: float = 30.0  # a claim lasts this long unless the sender's heartbeat renews it

    # --- the sender ----------------------------------------------------------------------

    def due_replies(self, limit: int = 100) -> list[OutboxRow]:
        now = utcnow()
        with self.sessions() as session:
            return list(session.scalars(select(OutboxRow).where(
                OutboxRow.state == QUEUED,
                or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now))
                .order_by(OutboxRow.id).limit(limit)))

    def recover_sending(self) -> int:
        """Rows a stopped sender left in `sending`: before the data, queued again; after it,
        uncertain. A row is left over when its claim expired (its sender's heartbeat stopped,
        by the database's clock) or when the process that claimed it on this host is gone."""
        with self.sessions() as session, session.begin():
            now = db_now(session)
            rows = [r for r in session.scalars(select(OutboxRow).where(OutboxRow.state == SENDING)
                                               .with_for_update())
                    if claimer(r.claimed_by) != self.owner and (
                        owner_gone(r.claimed_by) or r.lease_until is None or r.lease_until < now)]
            for row in rows:
                if row.phase == "data":
                    row.state = UNCERTAIN
                    row.reason = ("the sender stopped while the server was receiving this reply: "
                                  "it may have been delivered; check, then `outbox approve` to send "
                                  "it again")
                else:
                    row.state = QUEUED
                row.phase, row.updated_at, row.lease_until = "", utcnow(), None
            return len(rows)

    def sent_since(self, period: dt.timedelta) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count(OutboxRow.id)).where(
                OutboxRow.sent_at >= utcnow() - period)) or 0)

    def _new_claim(self) -> str:
        return f"{self.owner}/{uuid.uuid4().hex[:12]}"

    def claim_reply(self, max_per_hour: int) -> tuple[OutboxRow | None, bool]:
        """(the next due reply, moved to `sending` and committed so nobody else takes it; whether
        the hourly cap stopped it). The cap counts replies sent in the last hour and those being
        sent now, and is checked in the same statement as the claim, under a lock on
        PostgreSQL: several senders together never go over it. The row's `claimed_by` is this
        claim: every later write of the sender is fenced by it (`_set`).

        A reply written from an older version of its order than the order's own is never
        claimed, whether or not `refresh_replies` could write it again or hold it: it is held
        here, with the reason, in the statement that would have claimed it (fail closed).
        A chaser whose milestone is done or gone from the plan is withdrawn here, with the
        reason (`_withdraw_if_owed_no_more`), whatever brought it back to queued (a retry after
        a temporary refusal, a stopped sender's row queued again)."""
        for row in self.due_replies(limit=5):
            with self.sessions() as session, session.begin():
                if session.get_bind().dialect.name == "postgresql":
                    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CAP_LOCK})
                now = db_now(session)
                if self._hold_if_stale(session, row.id) or self._withdraw_if_owed_no_more(session, row.id):
                    continue
                # the window is business time, as `sent_at` is (the claim's lease is the database's)
                counted = select(func.count(OutboxRow.id)).where(or_(
                    OutboxRow.sent_at >= utcnow() - dt.timedelta(hours=1), OutboxRow.state == SENDING))
                busy = counted.scalar_subquery()
                claimed = session.execute(
                    update(OutboxRow).where(OutboxRow.id == row.id, OutboxRow.state == QUEUED,
                                            busy < max_per_hour, ~_stale())
                    .values(state=SENDING, phase="connecting", attempts=OutboxRow.attempts + 1,
                            claimed_by=self._new_claim(), updated_at=now,
                            lease_until=now + dt.timedelta(seconds=self.claim_seconds)))
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    fresh = session.get(OutboxRow, row.id)
                    assert fresh is not None
                    session.expunge(fresh)
                    return fresh, False
                if (session.scalar(counted) or 0) >= max_per_hour:
                    return None, True
        return None, False

    def _hold_if_stale(self, session: Session, reply_id: int) -> bool:
        """Hold a queued reply whose order moved on since it was written (its text may state
        what the order no longer says); a person who approves it approves the text as it is."""
        found = session.execute(select(OutboxRow.order_version, OrderRow.version)
                                .join(OrderRow, OrderRow.id == OutboxRow.order_id)
                                .where(OutboxRow.id == reply_id, OutboxRow.state == QUEUED,
                                       OutboxRow.order_version < OrderRow.version)
                                .with_for_update(of=OutboxRow)).first()
        if found is None:
            return False
        written, version = found
        reason = (f"written for version {written} of its order, which is now at version {version}, "
                  "and not written again: check it, then approve it or write it anew")
        session.execute(update(OutboxRow).where(OutboxRow.id == reply_id, OutboxRow.state == QUEUED)
                        .values(state=HELD, reason=reason, order_version=version, updated_at=utcnow()))
        row = session.get(OutboxRow, reply_id)
        assert row is not None
        session.add(EventRow(kind="reply-held", order_id=row.order_id, message_row_id=row.answers_id,
                             detail={"outbox_id": row.id, "reason": reason}))
        return True

    @staticmethod
    def _withdraw_if_owed_no_more(session: Session, reply_id: int) -> bool:
        """Withdraw a queued chaser whose milestone is done or no longer in the plan (the
        money came, the document arrived): what it asks for is owed no more. Read under a lock
        on the row, in the transaction that would claim it."""
        found = session.execute(select(OutboxRow.order_id, OutboxRow.revision_key, OutboxRow.answers_id)
                                .where(OutboxRow.id == reply_id, OutboxRow.state == QUEUED)
                                .with_for_update()).first()
        if found is None:
            return False
        order_id, revision_key, answers_id = found
        why = owed_no_more(session, order_id, revision_key)
        if why is None:
            return False
        reason = f"withdrawn: {why}"
        if withdraw_chaser(session, reply_id, QUEUED, reason, utcnow()):
            session.add(EventRow(kind="chaser-withdrawn", order_id=order_id, message_row_id=answers_id,
                                 detail={"outbox_id": reply_id, "milestone": revision_key.rpartition(":")[2],
                                         "was": QUEUED, "reason": reason, "by": "sender"}))
        return True

    def renew_claims(self) -> None:
        """The sender's heartbeat: its claims (sending, copying to Sent) stay its own."""
        with self.sessions() as session, session.begin():
            now = db_now(session)
            session.execute(update(OutboxRow).where(
                OutboxRow.claimed_by.startswith(self.owner + "/", autoescape=True),
                or_(OutboxRow.state == SENDING, OutboxRow.sent_copy == "copying"))
                .values(lease_until=now + dt.timedelta(seconds=self.claim_seconds)))

    def _set(self, reply_id: int, claim: str, *fence: Any, live: bool = False, **values: Any) -> None:
        """One committed state change of one reply, fenced by the claim it is made under: it
        is made only while the row is still this claim's (`fence`: in the state the claim
        holds; `live`: and the claim has not lapsed, by the database's clock). A write that
        finds no such row is not made, and raises ClaimLost: the sender stops there."""
        with self.sessions() as session, session.begin():
            now = db_now(session)
            held = [OutboxRow.id == reply_id, OutboxRow.claimed_by == claim, *fence]
            if live:
                held.append(OutboxRow.lease_until >= now)
                values["lease_until"] = now + dt.timedelta(seconds=self.claim_seconds)
            done = session.execute(update(OutboxRow).where(*held).values(**values, updated_at=utcnow()))
            if done.rowcount != 1:  # type: ignore[attr-defined]
                row = session.get(OutboxRow, reply_id)
                now_held = f"{row.state}, claimed by {row.claimed_by or 'nobody'}" if row else "gone"
                raise ClaimLost(f"reply #{reply_id} is no longer this sender's claim {claim} "
                                f"(now {now_held}); nothing was written")

    def reply_phase(self, reply_id: int, phase: str, claim: str) -> None:
        """The last check before the data: the claim is still this sender's and has not lapsed
        (its heartbeat may not have reached the database), renewed in the same statement. A
        sender whose claim is lost never starts the data."""
        self._set(reply_id, claim, OutboxRow.state == SENDING, live=True, phase=phase)

    def reply_retry(self, reply_id: int, server_reply: str, when: dt.datetime, claim: str) -> None:
        self._set(reply_id, claim, OutboxRow.state == SENDING, state=QUEUED, phase="",
                  next_attempt_at=when, server_reply=server_reply, reason=f"retrying: {server_reply}")

    def reply_release(self, reply_id: int, reason: str, when: dt.datetime, claim: str) -> None:
        """Back to queued without counting the attempt (the fault was not this reply's)."""
        self._set(reply_id, claim, OutboxRow.state == SENDING, state=QUEUED, phase="",
                  attempts=OutboxRow.attempts - 1, next_attempt_at=when, reason=reason)

    def reply_done(self, reply_id: int, state: str, reason: str, claim: str,
                   recipients: dict[str, str] | None = None) -> None:
        extra: dict[str, Any] = {"recipient_results": recipients} if recipients is not None else {}
        self._set(reply_id, claim, OutboxRow.state == SENDING, state=state, phase="",
                  server_reply=reason, reason=reason, **extra)

    def reply_sent(self, reply_id: int, server_reply: str, claim: str,
                   recipients: dict[str, str] | None = None) -> None:
        """The server took it: recorded at once, in one short commit (until then a crash leaves
        the reply `uncertain`), then filed as evidence. A reply another daemon found `uncertain`
        after this sender's claim lapsed during the data, and that nobody claimed since, is
        recorded as what it is: sent, even when that uncertain chaser was withdrawn since (its
        milestone was done meanwhile): it went."""
        now = utcnow()
        values: dict[str, Any] = {"state": SENT, "phase": "", "sent_at": now, "server_reply": server_reply,
                                  "reason": "", "lease_until": None}
        if recipients:
            values["recipient_results"] = recipients
        self._set(reply_id, claim, OutboxRow.state.in_((SENDING, UNCERTAIN, WITHDRAWN)), **values)
        self.file_sent_reply(reply_id)

    def file_sent_reply(self, reply_id: int) -> None:
        """A sent reply joins its order's mail as `_out_` (the evidence holds both sides);
        done once, and again by the next tick for a reply a crash left unfiled."""
        with self.sessions() as session, session.begin():
            row = session.get(OutboxRow, reply_id)
            assert row is not None
            if row.state != SENT or row.filed_at is not None:
                return
            now = row.sent_at or utcnow()
            order = session.get(OrderRow, row.order_id) if row.order_id else None
            if row.template == PURCHASE_TEMPLATE and order is not None and order.kind == "sale":
                order = self._purchase_opened(session, row, order)  # our P/O: its mail is the purchase order's
            folder = paths.order_folder(order.folder) if order else paths.unfiled_folder(now)
            sha256 = hashlib.sha256(row.raw).hexdigest()
            rel = self.archive.mail_path(folder, now, "out", sha256)
            self.archive.write(rel, row.raw)
            answered = session.get(MessageRow, row.answers_id) if row.answers_id is not None else None
            if session.scalar(select(MessageRow.id).where(MessageRow.sha256 == sha256)) is None:
                out = MessageRow(
                    sha256=sha256, message_id=row.message_id, direction="out", subject=row.subject,
                    from_addr="", from_name="", to_addrs=list(row.to_addrs), cc_addrs=[], date=now,
                    in_reply_to=answered.message_id if answered else "", references=[],
                    category="reply", rule=row.template, decision={}, buyer=order.buyer if order else "",
                    order_id=order.id if order else None, correlation="our reply", path=str(rel), size=len(row.raw),
                    origin=f"outbox #{row.id}", text=_reply_text(row.raw), warnings=[])
                session.add(out)
                session.flush()
                if order is not None:  # what we sent is a document of the order too
                    for name, kind in _sent_documents(row.template, _attachment_names(row.raw)):
                        session.add(DocumentRow(message_row_id=out.id, order_id=order.id, kind=kind, party="us",
                                                name=name, revision=_revision(name),
                                                reason=f"our {row.template} reply, sent", record={}))
                search.index(session, out.id, search.document(
                    row.subject, out.text, list(row.to_addrs), [], [],
                    [order.number] if order else [], order.buyer if order else ""))
            row.filed_at = utcnow()
            session.add(EventRow(kind="reply-sent", order_id=row.order_id,
                                 message_row_id=row.answers_id,
                                 detail={"outbox_id": row.id, "template": row.template,
                                         "to": list(row.to_addrs), "server": row.server_reply}))
            # the reply's order, and the purchase order our sent P/O opened
            followed = [i for i in dict.fromkeys((row.order_id, order.id if order else None)) if i is not None]
        if getattr(self, "follower", None) is not None:
            for order_id in followed:
                self.follow_order(order_id)  # type: ignore[attr-defined]  # a sent packing list completes its milestone

    def _purchase_opened(self, session: Session, row: OutboxRow, sale: OrderRow) -> OrderRow:
        """Our P/O sent to a supplier (writer/send.py) opens the purchase order it numbers,
        linked to the sales order it serves, as `correlate_purchase` would for our P/O mail:
        the supplier is the recipient's counterparty key, the number is the attached P/O's
        (`purchase-order_NUMBER.pdf`, the number printed in it). Sent again, it joins it."""
        from mailflow.correlate import alias_key
        from mailflow.parties import counterparty_key

        names = [n for n in _attachment_names(row.raw) if n.startswith(PURCHASE_PREFIX)]
        if not names or not row.to_addrs:
            return sale
        number = names[0].removeprefix(PURCHASE_PREFIX).removesuffix(".pdf")
        supplier = counterparty_key(str(row.to_addrs[0]))
        known = session.scalar(select(OrderRow).join(OrderAlias, OrderAlias.order_id == OrderRow.id).where(
            OrderAlias.key == alias_key(number), OrderRow.kind == "purchase", OrderRow.buyer == supplier).limit(1))
        if known is not None:
            return known
        opened = OrderRow(number=number, buyer=supplier, kind="purchase", for_order_id=sale.id,
                          folder=self._free_folder(session, number, supplier))  # type: ignore[attr-defined]
        session.add(opened)
        session.flush()
        self._add_aliases(session, opened, [number])  # type: ignore[attr-defined]
        session.add(EventRow(kind="purchase-opened", order_id=opened.id,
                             detail={"number": number, "supplier": supplier, "for_order": sale.number,
                                     "outbox_id": row.id}))
        return opened

    def unfiled_sent_replies(self) -> list[int]:
        with self.sessions() as session:
            return list(session.scalars(select(OutboxRow.id).where(
                OutboxRow.state == SENT, OutboxRow.filed_at.is_(None)).order_by(OutboxRow.id).limit(100)))

    def claim_sent_copy(self) -> OutboxRow | None:
        """The next sent reply still to be copied to the IMAP Sent folder, claimed (a copy in
        hand elsewhere is left alone until its claim expires)."""
        with self.sessions() as session:
            candidates = list(session.scalars(select(OutboxRow.id).where(
                OutboxRow.state == SENT, OutboxRow.sent_copy != "done").order_by(OutboxRow.id).limit(20)))
        for reply_id in candidates:
            with self.sessions() as session, session.begin():
                now = db_now(session)
                claimed = session.execute(update(OutboxRow).where(
                    OutboxRow.id == reply_id, OutboxRow.state == SENT,
                    or_(OutboxRow.sent_copy.in_(("", "failed")),
                        (OutboxRow.sent_copy == "copying") & or_(OutboxRow.lease_until.is_(None),
                                                                  OutboxRow.lease_until < now)))
                    .values(sent_copy="copying", claimed_by=self._new_claim(),
                            lease_until=now + dt.timedelta(seconds=self.claim_seconds)))
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    row = session.get(OutboxRow, reply_id)
                    assert row is not None
                    session.expunge(row)
                    return row
        return None

    def reply_sent_copy(self, reply_id: int, status: str, claim: str) -> None:
        self._set(reply_id, claim, OutboxRow.sent_copy == "copying", sent_copy=status, lease_until=None)

    def recent_reply(self, template: str, address: str, since: dt.datetime,
                     order_id: int | None = None, revision_key: str = "") -> bool:
        """Whether this template went to this address about this order (None: about no order)
        and this document revision since then, or is still to go (queued for a mail filed a
        moment before, in the same batch perhaps, or being sent). A held, rejected or superseded
        one went nowhere and does not count."""
        with self.sessions.connection() as conn:
            return conn.execute(_recent_reply(conn.dialect.name, order_id is not None), {
                "template": template, "since": since, "order_id": order_id, "address": address,
                "revision_key": revision_key}).first() is not None

    # --- people ----------------------------------------------------------------------------

    def latest_incoming(self, order_id: int, ours: list[str], party: str = "") -> MessageRow | None:
        """The order's newest mail in, not sent by us (and from `party`, the buyer say, when
        given): what a reply by hand answers."""
        with self.sessions() as session:
            rows = session.scalars(select(MessageRow).where(
                MessageRow.order_id == order_id, MessageRow.direction == "in")
                .order_by(MessageRow.date.desc(), MessageRow.id.desc())).all()
        lowered = {a.lower() for a in ours}
        return next((r for r in rows if r.from_addr.lower() not in lowered
                     and (not party or (r.decision or {}).get("party") == party)), None)

    def add_reply(self, answers_id: int | None, order_id: int | None, reply: Any, order_version: int = 0) -> int:
        with self.sessions() as session, session.begin():
            existing = session.scalar(select(OutboxRow).where(OutboxRow.message_id == reply.message_id))
            if existing is not None:
                if existing.state in (HELD, QUEUED):  # composed again: the newer text wins
                    existing.raw, existing.subject, existing.state = reply.raw, reply.subject, reply.state
                    existing.reason, existing.updated_at = reply.reason, utcnow()
                    existing.order_version, existing.approver = order_version, reply.approver
                    return existing.id
                raise MailflowError(f"this reply was already {existing.state} (#{existing.id})")
            row = OutboxRow(message_id=reply.message_id, answers_id=answers_id, order_id=order_id,
                            template=reply.template, language=reply.language,
                            to_addrs=[a.addr for a in reply.to], subject=reply.subject, raw=reply.raw,
                            state=reply.state, reason=reply.reason, order_version=order_version,
                            action=dict(reply.action), approver=reply.approver)
            session.add(row)
            session.flush()
            session.add(EventRow(kind="reply-composed", order_id=order_id, message_row_id=answers_id,
                                 detail={"outbox_id": row.id, "template": reply.template}))
            return row.id

    def _reply(self, session: Session, reply_id: int) -> OutboxRow:
        row = session.get(OutboxRow, reply_id)
        if row is None:
            raise NotFound(f"no reply #{reply_id}")
        return row

    def reply(self, reply_id: int) -> OutboxRow:
        with self.sessions() as session:
            return self._reply(session, reply_id)

    def retry_now(self, reply_id: int) -> OutboxRow:
        """A queued reply waiting out a retry pause becomes due at once (a person fixed the cause)."""
        with self.sessions() as session, session.begin():
            row = self._reply(session, reply_id)
            if row.state != QUEUED:
                raise MailflowError(f"reply #{reply_id} is {row.state}; only a queued reply can be "
                                    "retried now (approve a held, failed or uncertain one)")
            _refuse_if_owed_no_more(session, row)
            row.next_attempt_at, row.updated_at = None, utcnow()
            return row

    def approve(self, reply_id: int, person: policy.Person) -> OutboxRow:
        """held (or uncertain, after a person checked it was not delivered) -> queued; who
        approved it, and when, is kept with the reply and on the order's timeline. Refused
        (`policy.Refused`) unless the hold's approver may release it, and refused for a chaser
        whose milestone is done or gone from the plan (what it asks for is owed no more)."""
        with self.sessions() as session, session.begin():
            row = self._reply(session, reply_id)
            policy.require(person, policy.Action.APPROVE_REPLY, _subject(row))
            by = person.name
            if row.state == SUPERSEDED:
                raise MailflowError(f"reply #{reply_id} was superseded by #{row.superseded_by} "
                                    f"({row.reason or 'written for a newer version of the order'}): approve that one")
            if row.state == WITHDRAWN:
                raise MailflowError(f"reply #{reply_id} was {row.reason or 'withdrawn'}; it is never sent")
            if row.state not in (HELD, UNCERTAIN, FAILED):
                raise MailflowError(f"reply #{reply_id} is {row.state}; only held, uncertain or "
                                    "failed replies can be approved")
            _refuse_if_owed_no_more(session, row)
            before, now = row.state, utcnow()
            row.state, row.reason, row.next_attempt_at, row.updated_at = QUEUED, "", None, now
            row.attempts, row.decided_by, row.decided_at = 0, by, now
            session.add(EventRow(kind="reply-approved", order_id=row.order_id,
                                 message_row_id=row.answers_id,
                                 detail={"outbox_id": row.id, "was": before, "by": by}))
            return row

    def reject(self, reply_id: int, reason: str, person: policy.Person) -> OutboxRow:
        """Never sent, with why (a rejection without a reason is refused)."""
        reason = reason.strip()
        with self.sessions() as session, session.begin():
            row = self._reply(session, reply_id)
            policy.require(person, policy.Action.REJECT_REPLY, _subject(row), note=reason)
            by = person.name
            if row.state in (SENT, SENDING):
                raise MailflowError(f"reply #{reply_id} is {row.state}; it cannot be rejected")
            now = utcnow()
            row.state, row.reason, row.updated_at, row.decided_by, row.decided_at = REJECTED, reason, now, by, now
            session.add(EventRow(kind="reply-rejected", order_id=row.order_id,
                                 message_row_id=row.answers_id,
                                 detail={"outbox_id": row.id, "reason": reason, "by": by}))
            return row

    def replace_reply(self, reply_id: int, raw: bytes, subject: str, person: policy.Person) -> None:
        """A person edited the text: same Message-ID and threading, new body."""
        with self.sessions() as session, session.begin():
            row = self._reply(session, reply_id)
            policy.require(person, policy.Action.EDIT_REPLY, _subject(row))
            by = person.name
            if row.state not in (HELD, QUEUED):
                raise MailflowError(f"reply #{reply_id} is {row.state}; only held or queued "
                                    "replies can be edited")
            row.raw, row.subject, row.updated_at = raw, subject, utcnow()
            session.add(EventRow(kind="reply-edited", order_id=row.order_id,
                                 message_row_id=row.answers_id, detail={"outbox_id": row.id, "by": by}))


def _refuse_if_owed_no_more(session: Session, row: OutboxRow) -> None:
    why = owed_no_more(session, row.order_id, row.revision_key)
    if why is not None:
        raise MailflowError(f"reply #{row.id} chases what is owed no more ({why}); it is not sent: "
                            "reject it, or write to the buyer by hand")


def _stale() -> Any:
    """The reply was written from an older version of its order than the order's own."""
    current = (select(OrderRow.version).where(OrderRow.id == OutboxRow.order_id)
               .correlate(OutboxRow).scalar_subquery())
    return and_(OutboxRow.order_id.is_not(None), OutboxRow.order_version < current)


def _subject(row: OutboxRow) -> policy.Reply:
    return policy.Reply(row.id, row.template, row.approver)


def _addressed_to(dialect: str) -> Any:
    """The reply's recipients include the bound `address` (in any case), asked of the JSON list
    in the database, so that a check reads one row, not every reply of the day."""
    # both sides through the database's own lower() (SQLite's folds ASCII letters only)
    if dialect == "postgresql":
        found = "SELECT 1 FROM jsonb_array_elements_text(outbox.to_addrs) AS a(value) WHERE lower(a.value) = lower(:address)"
    else:
        found = "SELECT 1 FROM json_each(outbox.to_addrs) AS a WHERE lower(a.value) = lower(:address)"
    return text(f"EXISTS ({found})")


@functools.cache
def _recent_reply(dialect: str, about_order: bool) -> Any:
    """`recent_reply`'s statement, built once per database and kind (asked for most mail)."""
    same_order = OutboxRow.order_id == bindparam("order_id") if about_order else OutboxRow.order_id.is_(None)
    # sent within the window, or still to go (queued, or being sent), whenever written
    went = or_(and_(OutboxRow.state == SENT, OutboxRow.sent_at >= bindparam("since")),
               OutboxRow.state.in_((QUEUED, SENDING)))
    return select(OutboxRow.id).where(OutboxRow.template == bindparam("template"), went, same_order,
                                      _addressed_to(dialect), OutboxRow.revision_key == bindparam("revision_key")
                                      ).limit(1)
