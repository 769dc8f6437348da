"""A person's corrections of a filed mail's category, and the desk's own mail as training data
for the learned classifier.

`refile` carries out what the new category implies, in one transaction: the correction is
recorded, the mail is filed under its order when the new category files there, its documents
are typed again, a complaint opens its case, replies the old category planned and nobody has
sent yet are rejected with the reason, and the new category's replies are added (held or
queued by the same policies as any reply) unless one of the same template exists already.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailflow import policy
from mailflow.model import Outcome
from mailflow.reply.outbox import HELD, QUEUED, REJECTED, SUPERSEDED
from mailflow.store import archive as paths
from mailflow.store.archive import Archive
from mailflow.store.db import (
    AttachmentRow,
    CorrectionRow,
    DocumentRow,
    EventRow,
    MessageRow,
    OrderRow,
    OutboxRow,
    utcnow,
)
from mailflow.store.records import decision_json

MAX_TRAINING_MAIL = 20_000  # the newest filed mails a training reads


@dataclass(frozen=True)
class Refiled:
    before: str
    after: str
    order_folder: str | None
    new_order: bool
    case: str
    replies_added: tuple[str, ...]  # "template:state"
    replies_rejected: tuple[int, ...]
    order_id: int | None
    path: str


@dataclass(frozen=True)
class TrainingMail:
    subject: str
    text: str
    names: tuple[str, ...]
    category: str
    corrected: bool


class CorrectionStore:
    sessions: sessionmaker[Session]
    archive: Archive

    if TYPE_CHECKING:  # the store's other parts (store.py, records.py)
        def _order_for(self, session: Session, outcome: Outcome,
                       aliases: Sequence[str]) -> tuple[OrderRow | None, bool]: ...

        def _move_into(self, session: Session, row: MessageRow, order: OrderRow, folder: Any) -> list[str]: ...

        def _record_documents(self, session: Session, order: OrderRow | None, row: MessageRow,
                              outcome: Outcome) -> bool: ...

        def _open_case(self, session: Session, outcome: Outcome, row: MessageRow, order: OrderRow | None) -> str: ...

        def _find_message(self, session: Session, ref: str) -> MessageRow | None: ...

        def follow_orders(self, *order_ids: int) -> None: ...

        def write_order_json(self, order_id: int) -> None: ...

        def _remove_after_commit(self, leftovers: Sequence[str]) -> None: ...

    def refile(self, row_id: int, outcome: Outcome, aliases: Sequence[str], person: policy.Person) -> Refiled:
        """Carry out a person's category for a filed mail (see the module's docstring)."""
        decision = outcome.decision
        leftovers: list[str] = []
        with self.sessions() as session, session.begin():
            row = session.get(MessageRow, row_id)
            assert row is not None, "refile of a message that is not filed"
            policy.require(person, policy.Action.RECLASSIFY, policy.Thing(f"message <{row.message_id}>"))
            by = person.name
            before = row.category
            session.add(CorrectionRow(message_row_id=row.id, before=before, after=decision.category, by=by))
            row.category = decision.category
            row.rule = f"set by {by}"
            row.decision = {**decision_json(outcome), "corrected": {"by": by, "before": before,
                                                                   "at": utcnow().isoformat()}}
            files_to_order = any(a.params.get("to") == "order" for a in decision.wants("file"))
            order_row = session.get(OrderRow, row.order_id) if row.order_id else None
            new_order = False
            if order_row is None and files_to_order and outcome.order is not None:
                order_row, new_order = self._order_for(session, outcome, aliases)
                if order_row is not None:
                    leftovers = self._move_into(session, row, order_row, paths.order_folder(order_row.folder))
                    row.correlation = outcome.order.how
            session.execute(delete(DocumentRow).where(DocumentRow.message_row_id == row.id))
            session.flush()
            self._record_documents(session, order_row, row, outcome)
            case = ""
            if outcome.case is not None and row.case_id is None:
                case = self._open_case(session, outcome, row, order_row)
            templates = {r.template for r in outcome.replies}
            rejected: list[int] = []
            reason = f"the mail was reclassified from {before} to {decision.category} by {by}"
            now = utcnow()
            for waiting in session.scalars(select(OutboxRow).where(OutboxRow.answers_id == row.id,
                                                                   OutboxRow.state.in_((HELD, QUEUED)))).all():
                if waiting.template in templates:
                    continue
                # only while nobody has claimed it for sending: the outbox's claim is a statement too
                done = session.execute(update(OutboxRow).where(
                    OutboxRow.id == waiting.id, OutboxRow.state.in_((HELD, QUEUED))).values(
                    state=REJECTED, reason=reason, updated_at=now, decided_by=by, decided_at=now))
                if done.rowcount:  # type: ignore[attr-defined]
                    rejected.append(waiting.id)
                    session.add(EventRow(kind="reply-rejected", order_id=waiting.order_id, message_row_id=row.id,
                                         detail={"outbox_id": waiting.id, "reason": reason, "by": by}))
            existing = set(session.scalars(select(OutboxRow.template).where(
                OutboxRow.answers_id == row.id, OutboxRow.state.not_in((REJECTED, SUPERSEDED)))))
            added: list[str] = []
            for reply in outcome.replies:
                if reply.template in existing:
                    continue  # one acknowledgement per mail: one was sent or waits already
                session.add(OutboxRow(
                    message_id=reply.message_id, answers_id=row.id,
                    order_id=order_row.id if order_row else None, template=reply.template,
                    language=reply.language, to_addrs=[a.addr for a in reply.to], subject=reply.subject,
                    raw=reply.raw, state=reply.state, reason=reply.reason, revision_key=outcome.revision_key,
                    action=dict(reply.action), order_version=order_row.version if order_row else 0,
                    approver=reply.approver))
                added.append(f"{reply.template}:{reply.state}")
            session.add(EventRow(kind="reclassified", message_row_id=row.id,
                                 order_id=order_row.id if order_row else None,
                                 detail={"before": before, "after": decision.category, "by": by,
                                         "rule": decision.rule, "replies": added, "rejected": rejected,
                                         **({"case": case} if case else {})}))
            refiled = Refiled(before, decision.category, order_row.folder if order_row else None, new_order,
                              case, tuple(added), tuple(rejected), order_row.id if order_row else None, row.path)
        self._remove_after_commit(leftovers)  # the old copies are no longer anyone's
        if refiled.order_id is not None:
            self.follow_orders(refiled.order_id)
            self.write_order_json(refiled.order_id)
        return refiled

    # --- training data -------------------------------------------------------------------

    def training_mail(self, limit: int = MAX_TRAINING_MAIL) -> list[TrainingMail]:
        """The desk's incoming mail with a category a rule or a person gave it, newest first.
        Mail the classifier decided is left out (it would learn from itself), and so is mail no
        rule recognised (`other` by default is no one's judgement), unless a person corrected it."""
        with self.sessions() as session:
            corrected = set(session.scalars(select(CorrectionRow.message_row_id)))
            rows = session.execute(
                select(MessageRow.id, MessageRow.subject, MessageRow.text, MessageRow.category, MessageRow.rule,
                       MessageRow.decision)
                .where(MessageRow.direction == "in").order_by(MessageRow.id.desc()).limit(limit)).all()
            names: dict[int, list[str]] = {}
            ids = [r.id for r in rows]
            for start in range(0, len(ids), 500):
                for message_id, filename in session.execute(select(
                        AttachmentRow.message_row_id, AttachmentRow.filename).where(
                        AttachmentRow.message_row_id.in_(ids[start:start + 500]))):
                    names.setdefault(message_id, []).append(filename)
        mail = []
        for r in rows:
            person = r.id in corrected
            by_model = bool((r.decision or {}).get("classifier"))
            if not person and (by_model or not r.rule):
                continue
            mail.append(TrainingMail(r.subject or "", r.text or "", tuple(names.get(r.id, ())), r.category, person))
        return mail

    def last_correction(self) -> int:
        """The newest correction's id (0: none): a training newer than it has nothing new to learn."""
        with self.sessions() as session:
            return int(session.scalar(select(func.max(CorrectionRow.id))) or 0)

    def corrections(self) -> list[dict[str, Any]]:
        with self.sessions() as session:
            return [{"id": c.id, "message_id": m.message_id, "subject": m.subject, "before": c.before,
                     "after": c.after, "by": c.by, "at": c.at.isoformat()}
                    for c, m in session.execute(select(CorrectionRow, MessageRow).join(
                        MessageRow, MessageRow.id == CorrectionRow.message_row_id).order_by(CorrectionRow.id))]

    def message_by_ref(self, ref: str) -> MessageRow:
        """A filed message by its Message-ID or a sha256 prefix; NotFound otherwise."""
        from mailflow.errors import NotFound

        with self.sessions() as session:
            row = self._find_message(session, ref)
            if row is None:
                raise NotFound(f"no message {ref!r} (give its Message-ID or sha256 prefix)")
            return row
