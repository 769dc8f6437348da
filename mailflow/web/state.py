"""What every page of the web desk shares: the configuration, the store, the key that hashes
session tokens, the session limits and the messages waiting for a session's next page, kept on
the application (`app.state.web`)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.requests import Request

from mailflow.config import Config
from mailflow.store import Store
from mailflow.web import auth

SESSION_COOKIE = "mailflow_session"


class Flash:
    """What an action said (done, or what went wrong), kept on the server for the session's next
    page and shown once. Keyed by a hash of the session token; the oldest go first beyond
    `limit`, so a desk left running keeps a bounded number. A restart forgets them: they are
    only the words after an action, whose result is in the database."""

    def __init__(self, limit: int = 1_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._notes: OrderedDict[str, tuple[str, str]] = OrderedDict()

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def leave(self, token: str, said: str = "", error: str = "") -> None:
        if not token or not (said or error):
            return
        with self._lock:
            self._notes[self._key(token)] = (said[:1000], error[:1000])
            self._notes.move_to_end(self._key(token))
            while len(self._notes) > self.limit:
                self._notes.popitem(last=False)

    def take(self, token: str) -> tuple[str, str]:
        """The words left for this session (said, error), gone once taken."""
        if not token:
            return "", ""
        with self._lock:
            return self._notes.pop(self._key(token), ("", ""))


@dataclass
class WebDesk:
    config: Config
    store: Store
    key: bytes
    limits: auth.Limits = field(default_factory=auth.Limits)
    flash: Flash = field(default_factory=Flash)


def desk_of(request: Request) -> WebDesk:
    web: WebDesk = request.app.state.web
    return web
