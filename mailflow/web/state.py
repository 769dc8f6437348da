"""What every page of the web desk shares: the configuration, the store, the key that hashes
session tokens and the session limits, kept on the application (`app.state.web`); the messages
waiting for a session's next page are in the database, on the session's row."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from mailflow.config import Config
from mailflow.store import Store
from mailflow.web import auth

SESSION_COOKIE = "mailflow_session"


class Flash:
    """What an action said (done, or what went wrong), kept for the session's next page and
    shown once: on the session's row in the database (`auth.leave_flash`), so that several
    web desks behind one load balancer show it on whichever serves that page."""

    def __init__(self, sessions: sessionmaker[Session], key: bytes) -> None:
        self.sessions, self.key = sessions, key

    def leave(self, token: str, said: str = "", error: str = "") -> None:
        auth.leave_flash(self.sessions, self.key, token, said, error)

    def take(self, token: str) -> tuple[str, str]:
        """The words left for this session (said, error), gone once taken."""
        return auth.take_flash(self.sessions, self.key, token)


@dataclass
class WebDesk:
    config: Config
    store: Store
    key: bytes
    limits: auth.Limits = field(default_factory=auth.Limits)

    @property
    def flash(self) -> Flash:
        return Flash(self.store.sessions, self.key)


def desk_of(request: Request) -> WebDesk:
    web: WebDesk = request.app.state.web
    return web
