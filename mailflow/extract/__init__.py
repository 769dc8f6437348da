"""Order data from a message's attachments and text.

The `extract` step of the pipeline calls `extract_order`. The PDF reader (pdfplumber in a
bounded worker), per-buyer templates and the generic reader plug in here; until they do,
every message yields an empty `OrderData` and the pipeline files by the numbers it finds.
"""

from __future__ import annotations

import dataclasses

from mailflow.model import Decision, Message, OrderData
from mailflow.parse import decode_bytes

TEXT_TYPES = ("text/plain", "text/csv", "text/tab-separated-values")
MAX_TEXT_BYTES = 5_000_000


def read_attachment_texts(message: Message) -> Message:
    """Fill `Attachment.text` where it can be read safely, so rules can test it.

    Plain-text attachments are decoded here; PDF and spreadsheet text comes with the
    extraction engine.
    """
    attachments = []
    for att in message.attachments:
        if att.text is None and att.content_type in TEXT_TYPES and att.size <= MAX_TEXT_BYTES:
            att = dataclasses.replace(att, text=decode_bytes(att.payload, None)[0])
        attachments.append(att)
    return dataclasses.replace(message, attachments=tuple(attachments))


def extract_order(message: Message, decision: Decision) -> OrderData:
    """The order data a rule's `extract` action asks for; empty when there is none."""
    if not decision.wants("extract"):
        return OrderData()
    return OrderData(source="none: no extraction engine installed")
