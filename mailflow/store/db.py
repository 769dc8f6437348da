"""SQLAlchemy models of the index: messages, attachments, orders, outbox, events, positions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from mailflow import clock
from mailflow.store.driver import on_driver


def utcnow() -> dt.datetime:
    """When a row says something happened: the desk's clock (mailflow.clock), so a frozen
    test clock freezes it too. Leases and claims ask `leases.db_now` instead."""
    return clock.now()


_JSON = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that comes back zone-aware in UTC on every database: SQLite stores the UTC
    time but returns it without its zone, which would not compare with an aware one."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: _JSON, list[Any]: _JSON}


class OrderRow(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(200))  # the first number it was known by
    folder: Mapped[str] = mapped_column(String(255), unique=True)
    # the counterparty: the buyer of a sales order, the supplier of a purchase order
    buyer: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    # sale: a buyer's PO opened it; purchase: our P/O to a supplier, for the sales order it serves
    kind: Mapped[str] = mapped_column(String(10), default="sale", server_default="sale")
    for_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # grows with every change of the order's data: a held reply written from an older version
    # is written again (see pipeline.refresh_replies)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # following the order (store/follow.py): its plan, next milestone and money, derived from
    # the milestones; `status_by_hand` (on hold, cancelled) stands over the derived status
    plan: Mapped[str] = mapped_column(String(60), default="")
    plan_by_hand: Mapped[bool] = mapped_column(default=False)
    status_by_hand: Mapped[str] = mapped_column(String(20), default="")
    next_milestone: Mapped[str] = mapped_column(String(40), default="")
    next_due: Mapped[dt.date | None] = mapped_column(Date(), nullable=True, index=True)
    currency: Mapped[str] = mapped_column(String(10), default="")
    total_due: Mapped[str] = mapped_column(String(40), default="")  # what the buyer pays in all
    outstanding: Mapped[str] = mapped_column(String(40), default="")  # of it, not paid yet
    anchors: Mapped[dict[str, Any]] = mapped_column(default=dict)  # dates a person set: {"etd": "2026-04-02"}
    # deposit, balance or L/C drawing: amount, paid, short, settled, due (`money.Instalment.as_dict`)
    instalments: Mapped[list[Any]] = mapped_column(default=list)
    aliases: Mapped[list[OrderAlias]] = relationship(back_populates="order")
    messages: Mapped[list[MessageRow]] = relationship(back_populates="order")


class OrderAlias(Base):
    __tablename__ = "order_aliases"
    __table_args__ = (UniqueConstraint("key", "buyer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    key: Mapped[str] = mapped_column(String(200), index=True)  # correlate.alias_key
    number: Mapped[str] = mapped_column(String(200))  # as written
    buyer: Mapped[str] = mapped_column(String(255))
    order: Mapped[OrderRow] = relationship(back_populates="aliases")


class MessageRow(Base):
    __tablename__ = "messages"
    # addresses are compared in lower case ("has this address written before"): indexed so
    __table_args__ = (Index("ix_messages_from_addr_lower", func.lower(text("from_addr"))),
                      # each order's last mail in and out, one probe of the index each (the daily plan)
                      Index("ix_messages_order_last_mail", "order_id", "direction",
                            func.coalesce(text("date"), text("received_at"))))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    subject: Mapped[str] = mapped_column(Text)
    from_addr: Mapped[str] = mapped_column(String(320), index=True)
    from_name: Mapped[str] = mapped_column(Text)  # the sender's words: shown, never used as a path
    to_addrs: Mapped[list[Any]] = mapped_column(default=list)
    cc_addrs: Mapped[list[Any]] = mapped_column(default=list)
    date: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    in_reply_to: Mapped[str] = mapped_column(String(998), default="")
    references: Mapped[list[Any]] = mapped_column(default=list)
    category: Mapped[str] = mapped_column(String(50), index=True)
    rule: Mapped[str | None] = mapped_column(String(200), index=True)  # the rules page counts by it
    decision: Mapped[dict[str, Any]] = mapped_column(default=dict)
    buyer: Mapped[str] = mapped_column(String(255), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    correlation: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(1024))  # relative to the archive root
    size: Mapped[int] = mapped_column(BigInteger)
    origin: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    # SPF/DKIM/DMARC as our own mail server recorded them (Authentication-Results with our
    # authserv-id only: anyone can write such a header): {"spf": "pass", "dkim": "fail", …}
    auth_results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True, nullable=True)
    order: Mapped[OrderRow | None] = relationship(back_populates="messages")
    attachments: Mapped[list[AttachmentRow]] = relationship(back_populates="message")


class AttachmentRow(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)  # the sender's name, for display only
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    message: Mapped[MessageRow] = relationship(back_populates="attachments")


class OutboxRow(Base):
    __tablename__ = "outbox"
    # a state's replies in the order they were written: the outbox page's newest or oldest of a
    # state read as the first entries of the state's range (migration 0017)
    __table_args__ = (Index("ix_outbox_state_created", "state", "created_at", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)  # our reply's Message-ID
    # the mail it answers; none for a mail of our own such as the daily digest
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True, nullable=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    template: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10))
    to_addrs: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # sending: "connecting" until the message's last line goes out, then "data": a crash in
    # "connecting" is retried, one in "data" may have been delivered and becomes uncertain
    phase: Mapped[str] = mapped_column(String(20), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    server_reply: Mapped[str] = mapped_column(Text, default="")  # the SMTP server's last answer
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    filed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)  # as `_out_` mail
    sent_copy: Mapped[str] = mapped_column(String(20), default="")  # "" | done | failed: IMAP Sent
    claimed_by: Mapped[str] = mapped_column(String(300), default="")  # host:pid:id of the sender
    # a claim (sending, or copying to the Sent folder) holds until then; the sender's heartbeat
    # moves it on, and only an expired claim is recovered by another daemon
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # the server's answer to RCPT TO per recipient, from the last attempt; one refused for good
    # (5xx) is left out of the next attempt once a person approved sending to the others
    recipient_results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the document revision it answers ("4500871:po:1"): rate limits count per revision
    revision_key: Mapped[str] = mapped_column(String(300), default="")
    order_version: Mapped[int] = mapped_column(Integer, default=0)  # the order's version it was written from
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a newer reply replaces it
    decided_by: Mapped[str] = mapped_column(String(200), default="")  # who approved or rejected it
    action: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the rule's reply action: written again with it
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # who releases it when held: a role, "" for anyone who answers mail, NULL when whoever wrote
    # the row did not say (a manager's: fail closed); see policy.py
    approver: Mapped[str | None] = mapped_column(String(30), nullable=True, default=None)


class DocumentRow(Base):
    """One document of an order: a PO, our P/I, a B/L draft... with the party that sent it, its
    revision, why it was recognised, and the order data read from it (if any)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    party: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)  # the attachment's name, or "mail"
    revision: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)  # order data read from it
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CaseRow(Base):
    """A complaint as a case: its number (in the acknowledgement, found by search), its status,
    and the mail of its thread."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True, nullable=True)
    buyer: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    closed_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class CorrectionRow(Base):
    """A person's category for a filed mail (`mailflow reclassify`): the record of who changed
    what, and training data that weighs more than a rule's category."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    before: Mapped[str] = mapped_column(String(50))
    after: Mapped[str] = mapped_column(String(50))
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class MilestoneRow(Base):
    """One milestone of an order's plan: due when (and why that day), done by which mail or
    whom, overdue since when, chased how often."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("order_id", "key"), Index("ix_milestones_state_due", "state", "due"),
        # the daily plan walks the open milestones in due order and stops after a page
        Index("ix_milestones_open_due", "due", sqlite_where=text("state != 'done'"),
              postgresql_where=text("state != 'done'")),
        Index("ix_milestones_open_owner", "owner", "due", sqlite_where=text("state != 'done'"),
              postgresql_where=text("state != 'done'")))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    plan: Mapped[str] = mapped_column(String(60), default="")
    name: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(30), default="merchandiser")
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="open")  # open | overdue | done
    due: Mapped[dt.date | None] = mapped_column(Date(), nullable=True)
    due_why: Mapped[str] = mapped_column(Text, default="")
    waiting_for: Mapped[list[Any]] = mapped_column(default=list)
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    how: Mapped[str] = mapped_column(String(20), default="")  # evidence | payment | hand | signoff
    done_by: Mapped[str] = mapped_column(String(200), default="")
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    overdue_since: Mapped[dt.date | None] = mapped_column(Date(), nullable=True)
    last_chased_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    chases: Mapped[int] = mapped_column(Integer, default=0)


class PaymentRow(Base):
    """Money received for an order: read from a bank slip or remittance advice, or entered by
    a person. Amounts are decimal strings, as in the order record."""

    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), nullable=True, index=True)
    amount: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(10), default="")
    value_date: Mapped[dt.date | None] = mapped_column(Date(), nullable=True)
    reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[str] = mapped_column(String(200), default="")  # "": read from the slip
    charges: Mapped[str] = mapped_column(String(40), default="")  # what the banks took on the way, if said
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class UserRow(Base):
    """A person who logs in to the web desk (`mailflow user add`); only an argon2id hash of
    the password is kept."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(300))
    disabled: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebSession(Base):
    """A logged-in browser: the cookie's token is never stored, only its keyed hash."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # what the session's last action said, for its next page (on whichever web desk serves it)
    flash_said: Mapped[str] = mapped_column(Text, default="", server_default="")
    flash_error: Mapped[str] = mapped_column(Text, default="", server_default="")


class DeskShared(Base):
    """A value every machine of the desk shares, kept in the database rather than under one
    machine's working directory: the key that hashes web session tokens (made once by the
    first web desk, so a session made on one is known on all), the newest correction a
    classifier training has seen (so the daily training runs once, on one machine)."""

    __tablename__ = "desk_shared"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ClassifierModel(Base):
    """A classifier the desk trained and put in use, its file's bytes and its pointer (the
    models folder's classifier.json): the machine that trains publishes it here, every other
    machine writes it into its own models folder and loads it (mailflow/shared.py)."""

    __tablename__ = "classifier_models"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file: Mapped[str] = mapped_column(String(200))
    pointer: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LoginAttempt(Base):
    """A failed login, by user name and by address: too many in a window are refused."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)  # "user:NAME" or "addr:IP"
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(50))
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class DocumentNumber(Base):
    """A number a document of ours took from its sequence (writer/desk.py): the `n`th of the
    sequence's period, and the order's for its kind (and supplier, for a P/O). The two unique
    constraints are what keeps two desks writing at once from both taking the same number."""

    __tablename__ = "document_numbers"
    __table_args__ = (UniqueConstraint("sequence", "period", "n", name="uq_document_numbers_n"),
                      UniqueConstraint("order_id", "sequence", "party", name="uq_document_numbers_order"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    sequence: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(200))  # the sequence's pattern for the period, n=0
    n: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(200))
    party: Mapped[str] = mapped_column(String(255), default="")  # a P/O's supplier, casefolded
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SourcePosition(Base):
    """How far a source has been processed: for IMAP (account, folder, UIDVALIDITY) -> UID,
    committed in the same transaction as the message it belongs to."""

    __tablename__ = "source_positions"
    __table_args__ = (UniqueConstraint("source", "uidvalidity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024))
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FolderLease(Base):
    """Which daemon owns a watched folder until when (see store/leases.py); `generation` grows
    with every change of owner and fences the position writes of a former owner."""

    __tablename__ = "folder_leases"
    source: Mapped[str] = mapped_column(String(1024), primary_key=True)
    owner: Mapped[str] = mapped_column(String(300))
    generation: Mapped[int] = mapped_column(BigInteger, default=1)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class SourceHealth(Base):
    """What `mailflow status` shows per watched folder: last sync, lag, last error."""

    __tablename__ = "source_health"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    server_messages: Mapped[int] = mapped_column(Integer, default=0)
    lag: Mapped[int] = mapped_column(Integer, default=0)  # messages on the server not yet processed
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class PendingAction(Base):
    """Rule actions on the server (move, flag…), written with the message and carried out after
    the commit; a restart finds the ones a crash left undone."""

    __tablename__ = "pending_actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), index=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    actions: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str] = mapped_column(String(998), default="")  # to find a copy made before a crash
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class QuarantineRow(Base):
    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(1024))
    reason: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(Text)
    origin_data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # model.Origin's fields
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


Index("ix_messages_message_id_sha", MessageRow.message_id, MessageRow.sha256)


def _plain_savepoints(engine: Engine) -> Engine:
    """SAVEPOINT, RELEASE and ROLLBACK TO sent as their text. SQLAlchemy names each savepoint
    anew (sa_savepoint_1, _2, ...) and compiles it as a statement whose cache key holds the
    name: two compilations a mail, each pushing a statement that is used again out of the
    compiled cache. The events of a savepoint (`forget_fences` listens to its rollback) are the
    connection's and fire as before. On SQLite (two a mail) they go to the driver's cursor
    straight, as `store.driver.Direct` does."""
    dialect = engine.dialect
    quote = dialect.identifier_preparer.quote
    run: Callable[[Any, str], Any] = ((lambda conn, sql: on_driver(conn, "execute", sql)) if dialect.name == "sqlite"
                                      else (lambda conn, sql: conn.exec_driver_sql(sql)))
    for method, verb in (("do_savepoint", "SAVEPOINT"), ("do_release_savepoint", "RELEASE SAVEPOINT"),
                         ("do_rollback_to_savepoint", "ROLLBACK TO SAVEPOINT")):
        setattr(dialect, method, lambda conn, name, verb=verb: run(conn, f"{verb} {quote(name)}"))
    return engine


def make_engine(url: str) -> Engine:
    """An engine with SQLite in WAL mode and a busy timeout, so readers never block the daemon."""
    if url.startswith("sqlite"):
        engine = _plain_savepoints(create_engine(url, connect_args={"timeout": 30}))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk before the server is told to move the message
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA cache_size=-32768")  # 32 MB: a batch's pages stay in memory until it commits
            cursor.close()
        return engine
    return _plain_savepoints(create_engine(url, pool_pre_ping=True))



class SearchDoc(Base):
    """The text a message is found by (see store/search.py); SQLite's FTS5 table and
    PostgreSQL's trigram index are built on `body`."""

    __tablename__ = "search_docs"
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class SearchBigram(Base):
    """Each pair of consecutive CJK characters in a message: a one- or two-character Chinese
    query (发票) that a trigram index cannot answer."""

    __tablename__ = "search_bigrams"
    # the key is the pair and the message, and on SQLite the table is stored by it (no rowid):
    # a pair's messages, newest first, from the key alone, and one B-tree less a row (0018);
    # a character as the second half of a pair, from the other index
    __table_args__ = (Index("ix_search_bigrams_c2", "c2", "message_row_id"), {"sqlite_with_rowid": False})
    c1: Mapped[str] = mapped_column(String(1), primary_key=True)
    c2: Mapped[str] = mapped_column(String(1), primary_key=True)
    message_row_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
