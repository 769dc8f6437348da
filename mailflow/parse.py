"""Raw bytes -> `Message`.

mail-parser parses the MIME structure and gives the Message-ID and the defects it found. Three
things it gets wrong for this desk's mail are taken from the standard library's `email` objects
instead, with our own charset handling: bodies (it leaves ISO-2022-JP undecoded), subjects and
display names (it drops CJK characters of GBK text labelled gb2312, and returns a subject with a
real CR/LF from an encoded word), and attachment file names (same charset problem).
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.errors
import email.header
import email.message
import email.utils
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import mailparser
from charset_normalizer import from_bytes as detect_charset

from mailflow.errors import QuarantinedMail
from mailflow.model import Address, Attachment, Message

# Labels seen on real mail mapped to the codecs that decode what senders really meant:
# gb2312/gbk are routinely GBK or GB18030 text, big5 is often HKSCS, latin-1 is often cp1252.
_CHARSET_ALIASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "csgb2312",
                     "chinese", "gb18030", "x-euc-cn"), ("gb18030",)),
    **dict.fromkeys(("big5", "x-big5", "cn-big5", "big5-hkscs", "csbig5", "cp950"), ("big5hkscs",)),
    **dict.fromkeys(("iso-2022-jp", "csiso2022jp", "iso-2022-jp-2", "iso-2022-jp-ext"),
                    ("iso2022_jp_2", "iso2022_jp_ext")),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j"),
                    ("cp932",)),
    **dict.fromkeys(("ks_c_5601-1987", "euc-kr", "ks_c_5601", "korean"), ("cp949",)),
    **dict.fromkeys(("us-ascii", "ascii", "ansi_x3.4-1968"), ("utf-8", "cp1252")),
    **dict.fromkeys(("iso-8859-1", "latin1", "latin-1", "l1", "iso8859-1"), ("cp1252", "latin-1")),
    **dict.fromkeys(("utf8", "utf-8", "unicode-1-1-utf-8"), ("utf-8",)),
}

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]+")
# bidirectional controls: a right-to-left override makes "invoice_fdp.exe" read "invoice_exe.pdf";
# removed from what is shown (subjects, names, file names), kept in the raw bytes
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# How much of a message is read: every loop over mail content has an end.
MAX_PARTS = 1000  # MIME parts; a mail with more is quarantined
MAX_HEADERS = 1000  # header fields kept (the raw bytes keep them all)
MAX_HEADER_CHARS = 10_000  # of one decoded header value
MAX_SUBJECT = 2000
MAX_REFERENCES = 100  # the newest Message-IDs of References
MAX_FILENAME = 500
_PARAM_NAME = re.compile(r'\b(?:file)?name\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)
_MSGID = re.compile(r"<([^<>\s]+)>")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)(\..*)?$", re.IGNORECASE)
_SAFE_CHARS = re.compile(r"[^\w.\- ()\[\]+,=@&#]+", re.UNICODE)


def codecs_for(label: str | None) -> tuple[str, ...]:
    """The codecs to try, in order, for a declared charset label."""
    if not label:
        return ()
    label = label.strip().strip('"').lower()
    if label in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[label]
    try:
        "".encode(label)
    except (LookupError, ValueError):
        return ()
    return (label,)


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# never guessed: without a byte-order mark, UTF-16 and UTF-32 "decode" almost any bytes
_NEVER_DETECTED = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7"]


def decode_bytes(data: bytes, label: str | None) -> tuple[str, str | None]:
    """Decode text; returns (text, warning). Never drops characters silently: whatever had to
    be guessed, replaced or removed is said in the warning."""
    if not data:
        return "", None
    text, warning = _decode(data, label)
    if "\x00" in text:  # UTF-16 without a byte-order mark or charset, or binary junk
        text = text.replace("\x00", "")
        warning = "; ".join(w for w in (warning, "NUL characters removed") if w)
    return text, warning


def _decode(data: bytes, label: str | None) -> tuple[str, str | None]:
    candidates = codecs_for(label)
    for codec in candidates:
        try:
            return data.decode(codec), None
        except UnicodeDecodeError:
            continue
    if candidates and candidates[0].startswith("iso2022_jp"):
        text = _iso2022_jp_microsoft(data)
        if text is not None:  # NEC and IBM characters (①, ㈱) as Windows mailers send them
            return text, None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), (f"charset {label} does not fit; " if label else "") + \
                    f"decoded as {codec.upper()} by its byte-order mark"
            except UnicodeDecodeError:
                break
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not candidates or data.isascii():
            return text, None
        return text, f"bytes invalid in charset {label}; decoded as UTF-8"
    if candidates:  # the sender named a real charset: trust it, and say where it broke
        return data.decode(candidates[0], errors="replace"), (
            f"bytes invalid in charset {label}; undecodable bytes shown as \ufffd")
    best = detect_charset(data, cp_exclusion=_NEVER_DETECTED).best()
    why = f"charset {label!r} is unknown" if label else "no charset declared"
    if best is not None:
        return str(best), f"{why}; decoded as {best.encoding} (detected)"
    return data.decode("utf-8", errors="replace"), f"{why}; undecodable bytes shown as \ufffd"


def _iso2022_jp_microsoft(data: bytes) -> str | None:
    """ISO-2022-JP as Microsoft's mailers write it (CP50220): JIS X 0208 sequences may hold the
    NEC and IBM extension rows, which only Shift_JIS (cp932) can name; each two-byte character
    is moved to its Shift_JIS code and decoded as cp932. None when the data is something else."""
    out: list[str] = []
    mode = "ascii"
    i = 0
    while i < len(data):
        if data[i] == 0x1B:
            escape = data[i:i + 3]
            mode = {b"\x1b(B": "ascii", b"\x1b(J": "ascii", b"\x1b$@": "jis", b"\x1b$B": "jis",
                    b"\x1b(I": "kana"}.get(escape, "")
            if not mode:
                return None
            i += 3
            continue
        byte = data[i]
        if mode == "jis" and byte not in (0x0A, 0x0D):
            if i + 1 >= len(data):
                return None
            first, second = byte, data[i + 1]
            lead = ((first - 0x21) >> 1) + 0x81
            lead += 0x40 if lead > 0x9F else 0
            trail = second + (0x1F if first & 1 else 0x7E)
            trail += 1 if first & 1 and trail >= 0x7F else 0
            try:
                out.append(bytes((lead, trail)).decode("cp932"))
            except UnicodeDecodeError:
                return None
            i += 2
            continue
        if byte > 0x7F:
            return None
        out.append(chr(byte + 0xFF40 - 0x21) if mode == "kana" and 0x21 <= byte <= 0x5F else chr(byte))
        i += 1
    return "".join(out)


def _header_bytes(value: str) -> bytes:
    """Header text as the parser kept it: 8-bit bytes survive as surrogate escapes."""
    return value.encode("ascii", errors="surrogateescape")


def decode_header_value(value: str | email.header.Header | None, hints: Sequence[str] = (),
                        warnings: list[str] | None = None) -> str:
    """Decode RFC 2047 words and raw 8-bit text; fold to one line with no control characters.

    Raw 8-bit bytes in a header carry no charset: the charsets the message declares for its
    text parts (`hints`) are tried first, then detection; what had to be guessed is reported in
    `warnings`.
    """
    if value is None:
        return ""
    out: list[str] = []
    try:
        pieces = email.header.decode_header(value)
    except (ValueError, LookupError, AssertionError, email.errors.HeaderParseError):
        pieces = [(str(value), None)]
    for chunk, charset in pieces:
        if charset == "unknown-8bit":  # raw 8-bit bytes in a header: guess, never drop
            charset = None
        if isinstance(chunk, str):
            try:
                chunk = _header_bytes(chunk)
            except UnicodeEncodeError:  # already text (an RFC 2231 value the library decoded)
                out.append(chunk)
                continue
        if charset or chunk.isascii():
            text, warning = decode_bytes(chunk, charset) if charset else (chunk.decode("ascii"), None)
        else:
            text, warning = _decode_8bit_header(chunk, hints)
        if warning and warnings is not None:
            warnings.append(f"header: {warning}")
        out.append(text)
    text = _BIDI.sub("", "".join(out)[:MAX_HEADER_CHARS * 2])
    return re.sub(r"\s{2,}", " ", _CONTROL.sub(" ", text)).strip()[:MAX_HEADER_CHARS]


def _decode_8bit_header(data: bytes, hints: Sequence[str]) -> tuple[str, str | None]:
    for label in (*hints, "utf-8"):
        for codec in codecs_for(label):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError:
                continue
    guessed = _guess_cjk(data)
    if guessed is not None:
        return guessed[0], f"raw 8-bit text with no charset; read as {guessed[1]} (guessed)"
    return decode_bytes(data, None)


def _common_share(text: str, encoding: str, leads: range) -> float:
    """The share of a text's non-ASCII characters that are common ones of a script: in the
    first level of GB 2312, of Big5, or of Shift_JIS (kana and level-1 kanji)."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    common = 0
    for char in wide:
        try:
            encoded = char.encode(encoding)
        except UnicodeEncodeError:
            continue
        common += len(encoded) == 2 and encoded[0] in leads
    return common / len(wide)


_CJK_GUESSES = (("gb18030", "gb2312", range(0xB0, 0xD8)),   # GB 2312 level 1: 3,755 common hanzi
                ("big5hkscs", "big5", range(0xA4, 0xC7)),   # Big5 frequently used characters
                ("cp932", "cp932", range(0x81, 0x99)))      # kana and JIS level-1 kanji


def _guess_cjk(data: bytes) -> tuple[str, str] | None:
    """Short raw 8-bit text (a file name) in GBK, Big5 or Shift_JIS: each decoding that works is
    scored by how much of it is common characters of its script; GB18030 wins ties, the desk's
    most likely charset. Statistical detectors read such short text as Korean or UTF-16."""
    best: tuple[float, str, str] | None = None
    for codec, table, leads in _CJK_GUESSES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _common_share(text, table, leads)
        if best is None or score > best[0]:
            best = (score, text, codec.upper())
    return (best[1], best[2]) if best is not None else None


def safe_filename(name: str, fallback: str = "attachment") -> str:
    """A name safe to write on any file system; the sender's name is never used as a path."""
    name = _BIDI.sub("", unicodedata.normalize("NFC", name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).replace("\t", " ")
    name = _SAFE_CHARS.sub("_", name).strip(" .")
    name = re.sub(r"_{2,}", "_", name)
    if not name or set(name) <= {"_", "."}:
        name = fallback
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if len(ext) > 10:
        stem, ext = name, ""
    limit = 80
    encoded = stem.encode("utf-8")
    if len(encoded) > limit:
        stem = encoded[:limit].decode("utf-8", errors="ignore").rstrip(" .") or fallback
    return f"{stem}.{ext}" if ext else stem


Decoder = Callable[[Any], str]


def _addresses(msg: email.message.Message, name: str, hdr: Decoder) -> tuple[Address, ...]:
    raw = [hdr(v) if isinstance(v, email.header.Header) else str(v) for v in msg.get_all(name, [])]
    result = []
    for display, addr in email.utils.getaddresses(raw):
        addr = _CONTROL.sub("", hdr(addr)).strip()
        if "@" not in addr:
            continue
        local, _, domain = addr.rpartition("@")
        result.append(Address(hdr(display)[:200], f"{local[:64]}@{domain.lower()[:253]}"))
    return tuple(result)


def _message_ids(value: str) -> tuple[str, ...]:
    return tuple(_MSGID.findall(_CONTROL.sub(" ", value)))


def _date(msg: email.message.Message) -> tuple[dt.datetime | None, str | None]:
    value = msg.get("Date")
    if not value:
        return None, None
    try:
        parsed = email.utils.parsedate_to_datetime(decode_header_value(str(value)))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        parsed.astimezone(dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, f"unreadable Date header {str(value)[:60]!r}"
    if not 1980 <= parsed.year <= 2200:
        return None, f"implausible Date header {str(value)[:60]!r}: ignored"
    return parsed, None


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup  # imported on the first HTML mail: some 60 ms a process without

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    text = soup.get_text("\n")
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _is_attachment(part: email.message.Message) -> bool:
    if part.get_content_maintype() == "message":  # a forwarded mail or a delivery report
        return True
    if part.is_multipart():
        return False
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename() or part.get_param("name"):
        return True
    return part.get_content_type() not in ("text/plain", "text/html")


def _part_filename(part: email.message.Message, index: int, hdr: Decoder) -> str:
    raw = part.get_filename() or part.get_param("name")
    if isinstance(raw, tuple):  # RFC 2231 value that the library could not decode
        raw = email.utils.collapse_rfc2231_value(raw)
    if raw and "\ufffd" in str(raw):  # raw 8-bit bytes in the parameter: read them ourselves
        for header in ("Content-Disposition", "Content-Type"):
            found = _PARAM_NAME.search(hdr(part.get(header)))
            if found:
                name = found.group(1) if found.group(1) is not None else found.group(2)
                return _BIDI.sub("", _CONTROL.sub("", name))[:MAX_FILENAME]
    if raw:
        return hdr(str(raw))[:MAX_FILENAME]
    ctype = part.get_content_type()
    ext = {"message/rfc822": "eml", "message/delivery-status": "txt", "text/plain": "txt",
           "text/html": "html", "application/pdf": "pdf"}.get(ctype, "bin")
    return f"part-{index}.{ext}"


def _part_payload(part: email.message.Message) -> bytes:
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        if isinstance(inner, list):
            return b"".join(p.as_bytes() if isinstance(p, email.message.Message) else b""
                            for p in inner)
        return str(inner).encode("utf-8", errors="surrogateescape")
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _walk(msg: email.message.Message) -> Iterable[email.message.Message]:
    """Leaf parts in order; a message/* part is one leaf (kept whole as an attachment)."""
    for count, part in enumerate(_leaves(msg), start=1):
        if count > MAX_PARTS:
            raise QuarantinedMail(f"more than {MAX_PARTS} MIME parts: not read (kept as it came)")
        yield part


def _leaves(msg: email.message.Message) -> Iterable[email.message.Message]:
    if msg.get_content_maintype() == "message":
        yield msg
        return
    if msg.is_multipart():
        for sub in msg.get_payload():
            if isinstance(sub, email.message.Message):
                yield from _leaves(sub)
        return
    yield msg


def parse(data: bytes) -> Message:
    """Parse one mail; raises QuarantinedMail with a readable reason when it cannot be used."""
    if not data.strip():
        raise QuarantinedMail("empty file (0 bytes of mail)" if not data else "only white space")
    try:
        parsed = mailparser.parse_from_bytes(data)
        msg: email.message.Message = parsed.message
        message_id_header = parsed.message_id or ""
    except Exception:  # noqa: BLE001 - mail-parser trips on some broken headers; the stdlib reads them
        try:
            msg = email.message_from_bytes(data)
        except Exception as exc:
            raise QuarantinedMail(f"MIME parser failed: {type(exc).__name__}: {exc}") from exc
        message_id_header = ""
    if msg is None or not msg.keys():
        raise QuarantinedMail("no header fields: this is not an email message")
    known = {"from", "date", "message-id", "subject", "to", "received", "return-path"}
    if not known & {k.lower() for k in msg}:
        raise QuarantinedMail("none of From, To, Date, Subject, Message-ID or Received: "
                              "this is not an email message")
    try:
        return _build(data, msg, str(message_id_header))
    except QuarantinedMail:
        raise
    except Exception as exc:
        raise QuarantinedMail(f"cannot read message structure: {type(exc).__name__}: {exc}") from exc


def _build(data: bytes, msg: email.message.Message, message_id_header: str) -> Message:
    warnings: list[str] = []
    hints = [c for c in msg.get_charsets() if c and c not in ("us-ascii", "ascii")]

    def hdr(value: Any) -> str:
        return decode_header_value(value, hints, warnings)

    for defect in getattr(msg, "defects", []):
        warnings.append(f"MIME defect: {type(defect).__name__}")
    date, date_warning = _date(msg)
    if date_warning:
        warnings.append(date_warning)

    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[Attachment] = []
    for index, part in enumerate(_walk(msg), start=1):
        if _is_attachment(part):
            payload = _part_payload(part)
            filename = _part_filename(part, index, hdr)
            attachments.append(Attachment(
                filename=filename,
                safe_name=safe_filename(filename, fallback=f"part-{index}"),
                content_type=part.get_content_type()[:100],
                size=len(payload),
                sha256=hashlib.sha256(payload).hexdigest(),
                payload=payload,
            ))
            continue
        payload = _part_payload(part)
        text, warning = decode_bytes(payload, part.get_content_charset())
        if warning:
            warnings.append(f"{part.get_content_type()} part: {warning}")
        (htmls if part.get_content_subtype() == "html" else texts).append(text)

    html = "\n".join(htmls)
    text = "\n".join(t.replace("\r\n", "\n") for t in texts)
    if not text.strip() and html:
        text = html_to_text(html)

    headers = tuple((k, hdr(v)) for k, v in msg.items()[:MAX_HEADERS])
    if len(msg) > MAX_HEADERS:
        warnings.append(f"{len(msg)} header fields: the first {MAX_HEADERS} are read")
    return_path_values = msg.get_all("Return-Path")
    return_path: str | None = None
    if return_path_values:
        return_path = email.utils.parseaddr(hdr(str(return_path_values[0])))[1]

    ids = _message_ids(hdr(message_id_header) or hdr(msg.get("Message-ID")))
    subject = hdr(msg.get("Subject"))
    if len(subject) > MAX_SUBJECT:
        warnings.append(f"subject of {len(subject)} characters cut to {MAX_SUBJECT}")
        subject = subject[:MAX_SUBJECT]
    in_reply_to = _message_ids(hdr(msg.get("In-Reply-To")))
    return Message(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        message_id=ids[0][:900] if ids else "",
        subject=subject,
        date=date,
        from_=_addresses(msg, "From", hdr),
        to=_addresses(msg, "To", hdr),
        cc=_addresses(msg, "Cc", hdr),
        reply_to=_addresses(msg, "Reply-To", hdr),
        return_path=return_path,
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_message_ids(str(msg.get("References") or ""))[-MAX_REFERENCES:],
        auto_submitted=hdr(msg.get("Auto-Submitted")).lower(),
        precedence=hdr(msg.get("Precedence")).lower(),
        list_id=hdr(msg.get("List-Id")),
        headers=headers,
        text=text,
        html=html,
        attachments=tuple(attachments),
        warnings=tuple(dict.fromkeys(warnings)),
    )
