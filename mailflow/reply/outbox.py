"""Outbox states. A reply moves one state at a time, so a restart never sends twice:

queued -> held (waiting for approval) -> sending -> sent | failed | uncertain
"""

from __future__ import annotations

QUEUED = "queued"
HELD = "held"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNCERTAIN = "uncertain"
REJECTED = "rejected"

STATES = (QUEUED, HELD, SENDING, SENT, FAILED, UNCERTAIN, REJECTED)
