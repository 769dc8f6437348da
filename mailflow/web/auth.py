"""The web desk's people: users with argon2id password hashes, server-side sessions (the cookie
carries a random token; the database keeps only its keyed hash), a CSRF token per session, and
failed logins counted per user name and per address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailflow.config import User
from mailflow.errors import MailflowError, NotFound
from mailflow.store import shared
from mailflow.store.db import LoginAttempt, UserRow, WebSession, utcnow

ROLES = ("merchandiser", "manager", "general_manager", "accounts")
MANAGERS = ("manager", "general_manager")
_HASHER = PasswordHasher()  # argon2id with the library's current parameters
# a hash to verify against when the user does not exist, so a wrong name takes as long as a
# wrong password
_DUMMY = _HASHER.hash(secrets.token_hex(16))
MIN_PASSWORD = 10


class LoginRefused(MailflowError):
    """A login refused; `code` names the reason for the desk's words (`i18n`)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Limits:
    idle: dt.timedelta = dt.timedelta(hours=8)  # a session unused this long ends
    absolute: dt.timedelta = dt.timedelta(days=7)  # and any session this old
    window: dt.timedelta = dt.timedelta(minutes=15)  # failed logins counted over this window
    per_user: int = 5
    per_address: int = 20


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    language: str
    timezone: str

    @property
    def manager(self) -> bool:
        return self.role in MANAGERS


def as_user(person: Person) -> User:
    """The logged-in person as the follow-up's functions know people (the role as stored: one
    this version does not know is refused by the policy, not here)."""
    return User.model_construct(name=person.name, role=person.role)


def _person(row: UserRow) -> Person:
    return Person(row.id, row.name, row.role, row.language or "en", row.timezone or "")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise MailflowError(f"a password has at least {MIN_PASSWORD} characters")


def add_user(sessions: sessionmaker[Session], name: str, role: str, password: str, language: str = "en") -> Person:
    name = name.strip()
    if role not in ROLES:
        raise MailflowError(f"a role is one of {', '.join(ROLES)}")
    if not name or len(name) > 200:
        raise MailflowError("a user needs a name (at most 200 characters)")
    _check_password(password)
    with sessions() as session, session.begin():
        if session.scalar(select(UserRow.id).where(func.lower(UserRow.name) == name.lower())) is not None:
            raise MailflowError(f"user {name!r} exists already")
        row = UserRow(name=name, role=role, password_hash=_HASHER.hash(password), disabled=False,
                      language=language, timezone="")
        session.add(row)
        session.flush()
        return _person(row)


def users(sessions: sessionmaker[Session]) -> list[UserRow]:
    with sessions() as session:
        return list(session.scalars(select(UserRow).order_by(UserRow.name)))


def _user(session: Session, name: str) -> UserRow:
    row = session.scalar(select(UserRow).where(func.lower(UserRow.name) == name.strip().lower()))
    if row is None:
        raise NotFound(f"no user {name!r}")
    return row


def set_password(sessions: sessionmaker[Session], name: str, password: str) -> None:
    """A new password; every session of the user ends."""
    _check_password(password)
    with sessions() as session, session.begin():
        row = _user(session, name)
        row.password_hash = _HASHER.hash(password)
        session.execute(delete(WebSession).where(WebSession.user_id == row.id))


def disable(sessions: sessionmaker[Session], name: str) -> None:
    with sessions() as session, session.begin():
        row = _user(session, name)
        row.disabled = True
        session.execute(delete(WebSession).where(WebSession.user_id == row.id))


def set_preferences(sessions: sessionmaker[Session], user_id: int, language: str | None = None,
                    timezone: str | None = None) -> None:
    with sessions() as session, session.begin():
        row = session.get(UserRow, user_id)
        if row is None:
            return
        if language in ("en", "zh"):
            row.language = language
        if timezone is not None:
            row.timezone = timezone


SESSION_KEY = "web-session-key"
FLASH_LIMIT = 1000  # characters of what an action said kept for the next page


def session_key(sessions: sessionmaker[Session], earlier: Path | None = None) -> bytes:
    """The key that hashes session tokens, one for every web desk on the database: made by
    the first desk that starts (from `earlier`, the key file a desk kept before, when there
    is one, so that its sessions stay valid), read by all the others."""
    kept = earlier.read_text(encoding="utf-8").strip() if earlier is not None and earlier.exists() else ""
    key = shared.first_value(sessions, SESSION_KEY, kept or secrets.token_hex(32))
    if not key:
        raise MailflowError("the web session key in the database is empty")
    return key.encode()


def leave_flash(sessions: sessionmaker[Session], key: bytes, token: str, said: str = "", error: str = "") -> None:
    """What an action said (done, or what went wrong), kept on the session's row for its next
    page, on whichever web desk serves it; it goes with the session."""
    if not token or len(token) > 200 or not (said or error):
        return
    with sessions() as session, session.begin():
        session.execute(update(WebSession).where(WebSession.token_hash == _keyed(key, token))
                        .values(flash_said=said[:FLASH_LIMIT], flash_error=error[:FLASH_LIMIT]))


def take_flash(sessions: sessionmaker[Session], key: bytes, token: str) -> tuple[str, str]:
    """The words left for this session (said, error), shown once: they are cleared by a
    statement that matches them, so of two desks serving the session at once one shows them."""
    if not token or len(token) > 200:
        return "", ""
    hashed = _keyed(key, token)
    with sessions() as session, session.begin():
        row = session.execute(select(WebSession.flash_said, WebSession.flash_error)
                              .where(WebSession.token_hash == hashed)).first()
        if row is None or not (row.flash_said or row.flash_error):
            return "", ""
        cleared = session.execute(update(WebSession).where(
            WebSession.token_hash == hashed, WebSession.flash_said == row.flash_said,
            WebSession.flash_error == row.flash_error).values(flash_said="", flash_error=""))
        return (row.flash_said, row.flash_error) if cleared.rowcount == 1 else ("", "")  # type: ignore[attr-defined]


def _keyed(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def log_in(sessions: sessionmaker[Session], key: bytes, name: str, password: str, address: str,
           limits: Limits = Limits()) -> tuple[Person, str, str]:
    """(person, session token, CSRF token), or LoginRefused with a reason that does not tell
    which of name and password was wrong."""
    now = utcnow()
    keys = (f"user:{name.strip().lower()}"[:300], f"addr:{address}"[:300])
    with sessions() as session, session.begin():
        since = now - limits.window
        counts = dict(session.execute(select(LoginAttempt.key, func.count(LoginAttempt.id))
                                      .where(LoginAttempt.key.in_(keys), LoginAttempt.at > since)
                                      .group_by(LoginAttempt.key)).all())
        if counts.get(keys[0], 0) >= limits.per_user or counts.get(keys[1], 0) >= limits.per_address:
            raise LoginRefused("too many failed logins: wait a few minutes and try again", "login_too_many")
        row = session.scalar(select(UserRow).where(func.lower(UserRow.name) == name.strip().lower()))
        try:
            _HASHER.verify(row.password_hash if row is not None else _DUMMY, password)
            ok = row is not None and not row.disabled
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:
            failed = True
        else:
            failed = False
    if failed:  # counted in its own transaction: the refusal must not roll it back
        with sessions() as session, session.begin():
            session.add_all([LoginAttempt(key=k, at=now) for k in keys])
        raise LoginRefused("wrong name or password", "login_wrong")
    with sessions() as session, session.begin():
        row = session.scalar(select(UserRow).where(func.lower(UserRow.name) == name.strip().lower()))
        assert row is not None
        if _HASHER.check_needs_rehash(row.password_hash):
            row.password_hash = _HASHER.hash(password)
        session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys[0]))
        session.execute(delete(WebSession).where(WebSession.last_seen < now - limits.idle))
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session.add(WebSession(token_hash=_keyed(key, token), user_id=row.id, csrf_token=csrf,
                               created_at=now, last_seen=now))
        return _person(row), token, csrf


def session_of(sessions: sessionmaker[Session], key: bytes, token: str,
               limits: Limits = Limits()) -> tuple[Person, str] | None:
    """The person and CSRF token of a live session; None for an unknown, idle or old one (or
    a disabled user)."""
    if not token or len(token) > 200:
        return None
    now = utcnow()
    with sessions() as session, session.begin():
        row = session.scalar(select(WebSession).where(WebSession.token_hash == _keyed(key, token)))
        if row is None:
            return None
        if row.last_seen < now - limits.idle or row.created_at < now - limits.absolute:
            session.delete(row)
            return None
        user = session.get(UserRow, row.user_id)
        if user is None or user.disabled:
            session.delete(row)
            return None
        if now - row.last_seen > dt.timedelta(minutes=1):
            row.last_seen = now
        return _person(user), row.csrf_token


def log_out(sessions: sessionmaker[Session], key: bytes, token: str) -> None:
    with sessions() as session, session.begin():
        session.execute(delete(WebSession).where(WebSession.token_hash == _keyed(key, token)))
