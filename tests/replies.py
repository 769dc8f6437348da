"""Reading the replies a desk wrote, as the tests that live a desk through its CLI need them: a
reply's message from its outbox row, and its plain text."""

from __future__ import annotations

import email
import email.message
import email.policy
from pathlib import Path


def reply_message(config: Path, reply_id: int) -> email.message.EmailMessage:
    """The outbox's reply `reply_id` of the desk `config`, as the mail it is."""
    from mailflow.config import load_config
    from mailflow.store import Store

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        raw = store.reply(reply_id).raw
    finally:
        store.close()
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def reply_text(config: Path, reply_id: int) -> str:
    """Its plain text ("" where it has none)."""
    body = reply_message(config, reply_id).get_body(("plain",))
    return str(body.get_content()) if body is not None else ""
