"""Sender authentication as the company's own mail server recorded it (RFC 8601).

A mail server that checks SPF, DKIM and DMARC adds an `Authentication-Results:` header naming
itself (the authserv-id). Anyone can write such a header into a mail before sending it, so only
headers carrying one of our configured authserv-ids count, and of those the topmost (the last one
added, by our own server). The result is evidence of who really sent a message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

METHODS = ("spf", "dkim", "dmarc", "arc")
_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z0-9_-]+)(.*)$", re.IGNORECASE | re.DOTALL)


def parse(header: str) -> tuple[str, dict[str, str]]:
    """(authserv-id, {method: result, "method.property": value}) of one header value."""
    text = " ".join(header.split())
    for _ in range(5):  # comments may nest; a few passes remove them all in practice
        text = _COMMENT.sub(" ", text)
    parts = [p.strip() for p in text.split(";")]
    authserv = parts[0].split()[0].lower() if parts and parts[0].split() else ""
    results: dict[str, str] = {}
    for part in parts[1:]:
        found = _RESULT.match(part)
        if not found:
            continue
        method, result, rest = found.group(1).lower(), found.group(2).lower(), found.group(3)
        if method in METHODS and method not in results:  # the first of a method counts
            results[method] = result
            for prop in re.findall(r"\b([a-z]+\.[a-z-]+)=(\S+)", rest, re.IGNORECASE):
                results.setdefault(f"{method}.{prop[0].lower()}", prop[1].strip('"'))
    return authserv, results


def ours(headers: Sequence[str], authserv_ids: Sequence[str]) -> dict[str, str]:
    """The results from the topmost header our own server wrote; {} when there is none."""
    wanted = {a.lower() for a in authserv_ids}
    if not wanted:
        return {}
    for header in headers:  # top first: the last hop, our own server, adds its header on top
        authserv, results = parse(header)
        if authserv in wanted:
            return {"authserv_id": authserv, **results}
    return {}


def summary(results: dict[str, str]) -> str:
    """`spf=pass dkim=pass dmarc=fail`, or "" when nothing was recorded."""
    return " ".join(f"{m}={results[m]}" for m in METHODS if m in results)
