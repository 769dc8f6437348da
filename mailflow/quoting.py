"""What the sender wrote, apart from what they quoted and their signature.

A reply carries the history below it ("On … wrote:", "-----Original Message-----", "发件人:",
lines starting with ">"), and a signature with a company's whole address, disclaimers
included. Neither is what this mail is about: a payment advice quoted under a sample request
does not make it a payment. Rules' `body` conditions and the classifier read the own text.
"""

from __future__ import annotations

import re

MAX_CHARS = 200_000

# a line that starts the quoted history
_QUOTE_START = re.compile(
    r"^(?:-{2,}\s{0,3}(?:original message|forwarded message|原始邮件|原始郵件|转发的邮件|轉寄郵件)\s{0,3}-{2,}"
    r"|_{10,}"
    r"|on\s.{4,200}\swrote:"
    r"|am\s.{4,200}\sschrieb\s.{0,100}:"
    r"|el\s.{4,200}\sescribi[oó]:"
    r"|在\s?.{4,100}(?:写道|寫道)[:：]"
    r"|.{1,200}(?:于|於)\s?.{4,100}(?:写道|寫道)[:：]"
    r"|(?:from|von|de|发件人|寄件者|寄件人|差出人)\s{0,3}[:：]\s?.{1,200}"
    r"|begin forwarded message:)$", re.IGNORECASE)
# a line on its own that closes a mail: what follows is the signature
_CLOSING = re.compile(
    r"^(?:--|__|(?:best|kind|warm(?:est)?|many thanks (?:and|&)|thanks (?:and|&)|with best)?\s?regards|"
    r"br|b\.?\s?rgds|rgds|best wishes|best|cheers|sincerely|yours (?:sincerely|faithfully|truly)|"
    r"saludos(?: cordiales)?|mit freundlichen gr(?:ü|ue)(?:ß|ss)en|"
    r"此致|敬礼|敬禮|祝好|顺祝(?:商祺|商琪)?|順祝(?:商祺)?|商祺|谢谢|謝謝|多谢|多謝|感谢|感謝|"
    r"sent from my (?:iphone|ipad|android|mobile)|发自我的iphone|從我的 iphone 傳送)"
    r"[\s,.!！。，/a-z\u4e00-\u9fff-]{0,40}$", re.IGNORECASE)


def split(text: str) -> tuple[str, str]:
    """(what the sender wrote, what they quoted): quoted lines start with '>' or follow a
    quote header; the history begins at the first header and runs to the end."""
    own: list[str] = []
    quoted: list[str] = []
    in_quote = False
    for line in text[:MAX_CHARS].splitlines():
        stripped = line.strip()
        if not in_quote and _QUOTE_START.match(stripped):
            in_quote = True
        (quoted if in_quote or stripped.startswith(">") else own).append(line)
    return "\n".join(own), "\n".join(quoted)


def without_signature(text: str) -> str:
    """The text up to its closing line ("Best regards,", "此致", "-- "), when one follows some
    content; the name, title, address and disclaimer below it are left out."""
    lines = text.splitlines()
    seen_content = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if seen_content and stripped and len(stripped) <= 60 and _CLOSING.match(stripped):
            return "\n".join(lines[:index])
        seen_content = seen_content or len(stripped) > 0
    return text


def own_text(text: str) -> str:
    """What the sender wrote in this mail: no quoted history, no signature."""
    return without_signature(split(text)[0]).strip()
