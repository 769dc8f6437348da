"""MIME building blocks shared by the tools that write test mail.

``make_example_inbox.py`` (the example mailbox) and ``make_eval_set.py`` (the
classifier evaluation set) both build compat32 ``Message`` objects by hand,
with headers written exactly as given, the way mail clients write them, and
serialize them with CRLF line ends.  Standard library only.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import quopri
from collections.abc import Iterable
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from email.utils import format_datetime

Header = tuple[str, str]

# Bytes a Q-encoded word keeps as they are (RFC 2047 5(3) allows these in any header).
Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
# Stricter: letters and digits only, as some clients do.
Q_ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def q_encode(data: bytes, safe: frozenset[int] = Q_SAFE) -> str:
    """The "Q" encoding of RFC 2047: space as ``_``, *safe* bytes as they are, others ``=XX``."""
    return "".join("_" if b == 0x20 else chr(b) if b in safe else f"={b:02X}" for b in data)


def ew(text: str, charset: str, enc: str = "B", codec: str | None = None, maxlen: int = 66,
       fold: str = "\n ", q_safe: frozenset[int] = Q_SAFE) -> str:
    """RFC 2047 encoded words for *text*, split so each word <= maxlen chars.

    *codec* is the Python codec used to produce the bytes; it defaults to
    *charset*, but may differ on purpose (GBK bytes labelled gb2312).
    Every chunk is encoded separately, so stateful charsets (ISO-2022-JP)
    return to ASCII at the end of each word, as RFC 2047 requires.
    """
    use = codec or charset

    def word(s: str) -> str:
        raw = s.encode(use)
        if enc == "B":
            return f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
        return f"=?{charset}?Q?{q_encode(raw, q_safe)}?="

    words, cur = [], ""
    for ch in text:
        if cur and len(word(cur + ch)) > maxlen:
            words.append(word(cur))
            cur = ch
        else:
            cur += ch
    words.append(word(cur))
    return fold.join(words)


def addr(name: str | None, email: str, charset: str = "utf-8", enc: str = "B",
         codec: str | None = None, maxlen: int = 66, q_safe: frozenset[int] = Q_SAFE) -> str:
    """``Name <email>``: an ASCII name quoted where RFC 5322 needs it, any other encoded."""
    if not name:
        return email
    if name.isascii():
        if any(c in name for c in '()<>[]:;@\\,."|'):
            name = '"{}"'.format(name.replace("\\", "\\\\").replace('"', '\\"'))
        return f"{name} <{email}>"
    return f"{ew(name, charset, enc, codec, maxlen, q_safe=q_safe)} <{email}>"


def rfcdate(d: dt.datetime) -> str:
    """RFC 5322 date as most clients write it: day of month not zero-padded."""
    s = format_datetime(d)
    return s[:5] + s[5:7].lstrip("0") + s[7:]


def encode_body(data: bytes, cte: str) -> str:
    if cte == "base64":
        return base64.encodebytes(data).decode("ascii")
    if cte == "quoted-printable":
        return quopri.encodestring(data).decode("ascii")
    if cte == "7bit":
        return data.decode("ascii")
    if cte == "8bit":
        # surrogateescape: BytesGenerator writes these back as the raw bytes
        return data.decode("ascii", "surrogateescape")
    raise ValueError(cte)


def leaf(headers: Iterable[Header], data: bytes, cte: str | None) -> Message:
    """A single part: *headers* in order, then Content-Transfer-Encoding (unless *cte* is None)."""
    m = Message()
    for k, v in headers:
        m[k] = v
    if cte:
        m["Content-Transfer-Encoding"] = cte
        m.set_payload(encode_body(data, cte))
    else:
        m.set_payload(data.decode("ascii", "surrogateescape"))
    return m


def text(body: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "base64",
         codec: str | None = None, ct: str | None = None, extra: Iterable[Header] = ()) -> Message:
    data = body.encode(codec or charset)
    ctype = ct or f'text/{subtype}; charset="{charset}"'
    return leaf([("Content-Type", ctype), *extra], data, cte)


def multi(subtype: str, boundary: str, parts: list[Message], params: str = "",
          quote_boundary: bool = True, fold: bool = True, preamble: str | None = None,
          extra: Iterable[Header] = ()) -> Message:
    """``multipart/<subtype><params>; boundary=...`` (folded onto a tab-indented line by default)."""
    m = Message()
    b = f'"{boundary}"' if quote_boundary else boundary
    sep = ";\n\t" if fold else "; "
    m["Content-Type"] = f"multipart/{subtype}{params}{sep}boundary={b}"
    for k, v in extra:
        m[k] = v
    m.set_payload(list(parts))
    m.preamble = preamble
    return m


def attachment(data: bytes, ctype: str, cdisp: str, extra: Iterable[Header] = ()) -> Message:
    return leaf([("Content-Type", ctype), *extra, ("Content-Disposition", cdisp)], data, "base64")


def envelope(headers: Iterable[Header], body: Message, mime_version: str | None = "MIME-Version",
             after_mime: Iterable[Header] = ()) -> Message:
    """Top-level message: *headers* in the given order, then MIME-Version
    (unless the client writes it elsewhere: pass None), *after_mime*, then
    the body's own Content-* headers and its payload as it stands."""
    top = Message()
    for k, v in headers:
        top[k] = v
    if mime_version:
        top[mime_version] = "1.0"
    for k, v in after_mime:
        top[k] = v
    for k, v in body.items():
        top[k] = v
    # The payload itself: get_payload() would decode the surrogate-escaped bytes of an 8bit part.
    top._payload = body._payload  # type: ignore[attr-defined]
    top.preamble = body.preamble
    top.epilogue = body.epilogue
    return top


def serialize(msg: Message, linesep: str = "\r\n") -> bytes:
    buf = io.BytesIO()
    pol = policy.compat32.clone(linesep=linesep, max_line_length=78)
    BytesGenerator(buf, mangle_from_=False, policy=pol).flatten(msg)
    return buf.getvalue()
