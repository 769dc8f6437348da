"""What every page of the web desk shares: the configuration, the store, the key that hashes
session tokens and the session limits, kept on the application (`app.state.web`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from mailflow.config import Config
from mailflow.store import Store
from mailflow.web import auth


@dataclass
class WebDesk:
    config: Config
    store: Store
    key: bytes
    limits: auth.Limits = field(default_factory=auth.Limits)


def desk_of(request: Request) -> WebDesk:
    web: WebDesk = request.app.state.web
    return web
