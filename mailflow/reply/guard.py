"""Loop prevention (RFC 3834): never answer auto-replies, bounces, lists, bulk mail or ourselves.

Such mail is still filed; only the automatic reply is suppressed, with the reason recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mailflow.model import Message

_NO_REPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_]daemon|"
                       r"postmaster|bounces?|notifications?|auto[-_]?(reply|responder)?)([+-].*)?$",
                       re.IGNORECASE)
_AUTO_SUBJECT = re.compile(r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|"
                           r"自动回复|自動回覆|自動回复|delivery status notification|"
                           r"undeliverable|undelivered mail|mail delivery failed)", re.IGNORECASE)


def reasons_not_to_reply(message: Message, own_addresses: Iterable[str],
                         own_domains: Iterable[str]) -> list[str]:
    """Every reason this message must not get an automatic reply; empty when one is fine."""
    reasons: list[str] = []
    if message.auto_submitted and message.auto_submitted != "no":
        reasons.append(f"Auto-Submitted: {message.auto_submitted}")
    if message.precedence in ("bulk", "junk", "list", "auto_reply"):
        reasons.append(f"Precedence: {message.precedence}")
    if message.list_id or message.header_values("List-Unsubscribe") or message.header_values("List-Post"):
        reasons.append("mailing list (List-Id/List-Unsubscribe)")
    if message.return_path == "":
        reasons.append("null Return-Path <> (a bounce or notification)")
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        values = [v.lower() for v in message.header_values(header)]
        if values and (header != "X-Auto-Response-Suppress" or any(
                v in ("all", "oof", "autoreply") or "all" in v for v in values)):
            reasons.append(f"{header}: {values[0]}")
    content_type = " ".join(message.header_values("Content-Type")).lower()
    if "multipart/report" in content_type:
        reasons.append("a delivery or read report (multipart/report)")
    sender = message.reply_to[0] if message.reply_to else message.sender
    if sender is None:
        reasons.append("no sender address to reply to")
    else:
        local = sender.addr.rpartition("@")[0]
        if _NO_REPLY.match(local):
            reasons.append(f"sender {sender.addr} does not take replies")
        own = {a.lower() for a in own_addresses}
        if sender.addr.lower() in own or sender.domain in {d.lower() for d in own_domains}:
            reasons.append(f"sender {sender.addr} is one of our own addresses")
    if _AUTO_SUBJECT.match(message.subject):
        reasons.append(f"subject looks automatic: {message.subject[:40]!r}")
    return reasons
