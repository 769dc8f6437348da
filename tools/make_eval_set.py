#!/usr/bin/env python3
"""Generate the labelled classifier evaluation set in ``tests/eval/``.

Dev-only tool.  The mails are hand-written desk mails of an export trade
company (Acme Nonwovens Co., Ltd., orders@acme.example): buyers in the USA,
Germany, the UK, Hong Kong, Taiwan, Japan, the Middle East and Latin America,
forwarders, banks, colleagues, robots.  They live as data in
``tools/eval_data/`` (one YAML file per category, plus the people and the
signatures they name); each one carries its label (category, split, language)
and a short note on the trap it sets.  Each mail's party kind (who sent it:
us, buyer, supplier, forwarder, inspection, bank, other) comes from its
sender (people.yaml's ``party``, parties.yaml) or its own ``party:``.

The mails of ``tools/eval_data/parties_mail.yaml`` (supplier, forwarder,
bank and inspection-agency mail and our own outgoing mail; each record names
its ``category``) were added after the first 342: they are numbered after
them, so that adding mail never renames or changes a mail already in the set;
those of ``tools/eval_data/more_mail.yaml`` (buyer mail setting issue 22's
traps, our own and third parties' mail; all ``train``) are numbered after those.
This script only turns them into RFC 5322 files:

    tests/eval/mails/NNN.eml   one message per file, numbered by Date
    tests/eval/labels.csv      file,category,split,language,party,note
    tests/eval/README.md       tools/eval_data/readme_head.md and the counts tables

Needs PyYAML (a mailflow dependency) and ``mimekit.py`` next to this file.
Output is deterministic: dates, Message-IDs and MIME boundaries are derived
from a hash of each mail's text, nothing random, no clock.  Bodies are encoded
with the charset the mail declares (gbk, gb2312, gb18030, big5, utf-8,
iso-8859-1, us-ascii) and a real transfer encoding (base64, quoted-printable,
8bit, 7bit); header words are RFC 2047 encoded in the same charset, as Chinese
clients do.

Usage::

    python tools/make_eval_set.py            # writes tests/eval/
    python tools/make_eval_set.py --out DIR  # somewhere else
    python tools/make_eval_set.py --check    # write, then re-parse and verify

The ``test`` split (one third, chosen per category x language) is a hold-out:
never look at it when writing rules or training models.

A mail in ``tools/eval_data/<category>.yaml`` is one record::

    - lang: en         en, zhs (Simplified, GBK family), zhsu (Simplified, UTF-8),
                       zht (Traditional, Big5), mix (English + Chinese, UTF-8)
      split: train     or test
      cs: big5-hkscs   optional: the body charset (otherwise chosen by lang and hash)
      kind: bounce     optional: plain (default), ooo, bounce, html
      status: 5.2.2    optional, bounces: the DSN status ...
      diag: 552 ...    ... and diagnostic code
      date: 2026-09-15 optional: the local day, when the text names a date
                       (otherwise the day comes from the hash)
      note: ...        the trap the mail sets (labels.csv)
      from: keller     a key of people.yaml, or "Name <addr>"
      to: ...          optional, default orders@acme.example
      party: supplier  optional: the sender's party kind, when people.yaml or parties.yaml
                       do not give it (or it differs: a colleague writing as the desk)
      subject: ...     "" = empty Subject; null = no Subject header
      body: |          the new text; a line "%sig KEY" inserts signatures.yaml's KEY
        ...
      quotes:          optional: quoted history, newest first
      - {style: outlook, from: lily, subject: ..., text: ...}
      original: {to: ..., subject: ..., text: ...}   the returned message (kind: bounce)
      attachments:     optional: small text attachments
      - {name: ..., text: ...}

Quote styles: gmail, gcn, gtw, apple (">" quoting); outlook, outlook2, fwd,
foxmail, cnoutlook, fwdcn, twoutlook (a header block above the old text).
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import hashlib
import io
import re
import sys
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from pathlib import Path
from typing import Any

import yaml
from mimekit import Q_ALNUM, encode_body, envelope, ew, leaf, multi, rfcdate, serialize
from mimekit import addr as mime_addr

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "eval_data"
DEFAULT_OUT = ROOT / "tests" / "eval"

CATEGORIES = ("inquiry", "sample", "order", "payment", "shipping", "complaint", "other")
LANGS = {"en": "en", "zhs": "zh-Hans", "zhsu": "zh-Hans", "zht": "zh-Hant", "mix": "mixed"}
LANG_ORDER = ("en", "zh-Hans", "zh-Hant", "mixed")
OUR_ADDR = "orders@acme.example"
PREAMBLE = "This is a multi-part message in MIME format."

# The obvious words of each category, used only to report how many mails of
# a category avoid them (README).  Not a classifier.
OBVIOUS = {
    "inquiry": r"inquir|enquir|quot|\bprice|pricing|\brfq\b|询|報價|报价|詢|价格|價格|價錢",
    "sample": r"sample|swatch|样|樣|打版",
    "order": r"\border|\bP\.?O\b|purchase|contract|\bP/?I\b|订单|訂單|下单|下單|合同|合約",
    "payment": r"pay|paid|remit|\bT/?T\b|\bL/?C\b|付款|汇款|匯款|款|水单|水單|信用证|信用狀",
    "shipping": r"ship|\bB/?L\b|booking|vessel|\bETD\b|\bETA\b|船|订舱|訂艙|出货|出貨|提单|提單",
    "complaint": (r"complain|claim|defect|quality (issue|problem)"
                  r"|投诉|投訴|索赔|索賠|质量问题|品質問題|質量問題"),
}

# ---------------------------------------------------------------------------
# The data: people, signatures, mails
# ---------------------------------------------------------------------------


def load_yaml(name: str) -> Any:
    with open(DATA_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


# key -> (display name, address, UTC offset in hours)
PEOPLE: dict[str, tuple[str, str, int]] = {
    key: (p["name"], p["address"], p["tz"]) for key, p in load_yaml("people.yaml").items()}
PARTY_OF: dict[str, str] = {p["address"].lower(): p["party"] for p in load_yaml("people.yaml").values()}
PARTY_OF.update({k.lower(): v for k, v in load_yaml("parties.yaml").items()})
PARTIES = ("us", "buyer", "supplier", "forwarder", "inspection", "bank", "other")
LATER = "parties_mail.yaml"  # mail added after the first 342, numbered after them
LATEST = "more_mail.yaml"  # mail added for issue 22's classification (all train), numbered after those
SIGS: dict[str, str] = {key: text.strip("\n") for key, text in load_yaml("signatures.yaml").items()}

OPTIONS = ("cs", "kind", "status", "diag", "date")  # in the order seed_text writes them
FIELDS = {"lang", "split", *OPTIONS, "note", "from", "to", "subject", "body", "quotes", "original",
          "attachments", "party", "category"}


class Mail:
    def __init__(self, category: str, rec: dict[str, Any], later: int = 0):
        where = "{} mail {!r}".format(category, rec.get("note"))
        if set(rec) - FIELDS:
            raise ValueError(f"unknown field(s) {sorted(set(rec) - FIELDS)} in {where}")
        self.category, self.lang, self.split = category, rec["lang"], rec["split"]
        # str(): an unquoted date is read as a datetime.date
        self.opts = {k: str(rec[k]) for k in OPTIONS if k in rec}
        self.note = rec["note"]
        self.later = later
        if self.category not in CATEGORIES:
            raise ValueError(f"bad category in {where}")
        if self.lang not in LANGS:
            raise ValueError(f"bad lang in {where}")
        if self.split not in ("train", "test"):
            raise ValueError(f"bad split in {where}")
        if not self.note:
            raise ValueError(f"no note in {where}")
        if "from" not in rec or "subject" not in rec:
            raise ValueError(f"from/subject missing in {where}")
        self.sender: str = rec["from"]
        self.party: str = rec.get("party") or PARTY_OF.get(person(self.sender)[1].lower(), "")
        if self.party not in PARTIES:
            raise ValueError(f"no party kind for {self.sender!r} in {where}")
        self.to: str = rec.get("to", OUR_ADDR)
        self.subject: str | None = rec["subject"]
        self.body = expand(rec["body"])
        # (style, who, subject, text)
        self.quotes = [(q["style"], q["from"], q["subject"], expand(q["text"]))
                       for q in rec.get("quotes", ())]
        self.original: tuple[str, str, str] | None = None
        if "original" in rec:
            o = rec["original"]
            self.original = (o["to"], o["subject"], expand(o["text"]))
        self.attachments = [(a["name"], expand(a["text"])) for a in rec.get("attachments", ())]
        self.seed = seed_text(category, rec)
        self.key = hashlib.sha256(self.seed.encode("utf-8")).hexdigest()

    @property
    def language(self) -> str:
        return LANGS[self.lang]

    def h(self, salt: str, mod: int) -> int:
        return int(hashlib.sha256((salt + self.key).encode()).hexdigest()[:12], 16) % mod


def seed_text(category: str, rec: dict[str, Any]) -> str:
    """A mail's record as one text, whose hash gives the mail's date, Message-ID and boundaries.

    It is the form the mails were written in when they lived inside this
    script; hashing that same text keeps every generated file as it was.
    """
    opts = "".join(" {}={}".format(k, str(rec[k]).replace(" ", "_")) for k in OPTIONS if k in rec)
    lines = ["#### {} {} {}{} | {}".format(category, rec["lang"], rec["split"], opts, rec["note"]),
             "from: " + rec["from"]]
    if "to" in rec:
        lines.append("to: " + rec["to"])
    subject = "<none>" if rec["subject"] is None else rec["subject"]
    lines += ["subject: " + subject if subject else "subject:", "--", rec["body"].rstrip("\n")]
    for q in rec.get("quotes", ()):
        lines += ["@@@ quote {} | {} | {}".format(q["style"], q["from"], q["subject"]), q["text"].rstrip("\n")]
    if "original" in rec:
        o = rec["original"]
        lines += ["@@@ original {} | {}".format(o["to"], o["subject"]), o["text"].rstrip("\n")]
    for a in rec.get("attachments", ()):
        lines += ["@@@ attach " + a["name"], a["text"].rstrip("\n")]
    return "\n".join(lines) + "\n"


def expand(text: str) -> str:
    out = []
    for line in text.strip("\n").splitlines():
        if line.startswith("%sig "):
            out.extend(SIGS[line[5:].strip()].splitlines())
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip("\n")


def load_mails() -> list[Mail]:
    first = [Mail(cat, rec) for cat in CATEGORIES for rec in load_yaml(cat + ".yaml")]
    return first + [Mail(rec["category"], {k: v for k, v in rec.items() if k != "category"}, later=batch)
                    for batch, name in ((1, LATER), (2, LATEST)) for rec in load_yaml(name)]


# ---------------------------------------------------------------------------
# Encoding helpers (the MIME building blocks are in mimekit.py)
# ---------------------------------------------------------------------------

def person(spec: str) -> tuple[str, str, int]:
    if spec in PEOPLE:
        return PEOPLE[spec]
    m = re.fullmatch(r"(.*?)\s*<([^>]+)>", spec)
    if m:
        return (m.group(1).strip().strip('"'), m.group(2), 8)
    return ("", spec, 8)


# This set's encoded words: at most 70 characters, Q-encoding keeps only letters and digits.
def header_text(text: str, charset: str, enc: str = "B") -> str:
    if text.isascii():
        return text
    return ew(text, charset, enc, maxlen=70, q_safe=Q_ALNUM)


def addr(name: str, email: str, charset: str, enc: str = "B") -> str:
    return mime_addr(name, email, charset, enc, maxlen=70, q_safe=Q_ALNUM)


# ---------------------------------------------------------------------------
# Per-mail choices
# ---------------------------------------------------------------------------

START = dt.date(2026, 9, 1)
DAYS = 88  # 2026-09-01 .. 2026-11-27 (local time)


def mail_date(m: Mail, tz: int) -> dt.datetime:
    if "date" in m.opts:
        y, mo, d = (int(x) for x in m.opts["date"].split("-"))
        day = dt.date(y, mo, d)
    else:
        day = START + dt.timedelta(days=m.h("day", DAYS))
    if m.opts.get("kind") in ("bounce", "ooo", "html"):
        minute = m.h("min", 24 * 60)
    else:
        minute = 7 * 60 + m.h("min", 12 * 60)
    second = m.h("sec", 60)
    zone = dt.timezone(dt.timedelta(hours=tz))
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, second,
                       tzinfo=zone)


def charset_for(m: Mail, body: str) -> str:
    if "cs" in m.opts:
        return m.opts["cs"]
    if m.lang == "zhs":
        cs = ("gbk", "gb2312", "gbk", "gb18030", "gb2312", "gbk")[m.h("cs", 6)]
        if cs == "gb2312":
            try:
                body.encode("gb2312")
            except UnicodeEncodeError:
                cs = "gbk"
        return cs
    if m.lang == "zht":
        return "big5"
    if m.lang in ("zhsu", "mix"):
        return "utf-8"
    if body.isascii():
        return ("us-ascii", "utf-8", "iso-8859-1", "us-ascii", "utf-8")[m.h("cs", 5)]
    try:
        body.encode("iso-8859-1")
        return ("utf-8", "iso-8859-1")[m.h("cs", 2)]
    except UnicodeEncodeError:
        return "utf-8"


def cte_for(m: Mail, data: bytes) -> str:
    if "cte" in m.opts:
        return m.opts["cte"]
    longest = max((len(line) for line in data.splitlines()), default=0)
    if data.isascii():
        return "7bit" if longest <= 76 else "quoted-printable"
    if m.lang in ("en",):
        return "quoted-printable"
    if m.lang == "mix":
        return ("base64", "quoted-printable", "8bit")[m.h("cte", 3)]
    return ("base64", "base64", "base64", "8bit", "quoted-printable")[m.h("cte", 5)]


WEEKDAYS_CN = "一二三四五六日"
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAME = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAME = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def fmt(d: dt.datetime, pattern: str) -> str:
    """Locale-independent date text: {a} {A} {b} {B} {d} {dd} {Y} {HM}."""
    return pattern.format(a=DAY_ABBR[d.weekday()], A=DAY_NAME[d.weekday()],
                          b=MONTH_NAME[d.month - 1][:3], B=MONTH_NAME[d.month - 1],
                          d=d.day, dd=f"{d.day:02d}", Y=d.year, HM=f"{d.hour:02d}:{d.minute:02d}")


def quote_block(style: str, who: str, subj: str, text: str, when: dt.datetime,
                to_name: str, to_addr: str) -> str:
    name, email, _ = person(who)
    lines = text.splitlines()
    hh = fmt(when, "{HM}")
    ampm_cn = ("上午" if when.hour < 12 else "下午")
    h12 = when.hour % 12 or 12
    clock = f"{h12}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"
    ymd_cn = f"{when.year}年{when.month}月{when.day}日"
    weekday_cn = WEEKDAYS_CN[when.weekday()]
    if style in ("gmail", "gcn", "gtw", "apple"):
        prefixed = "\n".join(("> " + ln) if ln else ">" for ln in lines)
        if style == "gmail":
            intro = f"On {fmt(when, '{a}, {b} {d}, {Y}')} at {clock}, {name} <{email}> wrote:"
        elif style == "apple":
            intro = f"On {fmt(when, '{d} {b} {Y}')}, at {hh}, {name} <{email}> wrote:"
        elif style == "gcn":
            intro = f"{name} <{email}> 于{ymd_cn}周{weekday_cn} {hh}写道："
        else:
            intro = f"{name} <{email}> 於 {ymd_cn} 週{weekday_cn} {hh} 寫道："
        return intro + "\n\n" + prefixed
    if style == "outlook":
        head = (f"-----Original Message-----\nFrom: {name} <{email}>\n"
                f"Sent: {fmt(when, '{A}, {B} {d}, {Y}')} {clock}\nTo: {to_addr}\nSubject: {subj}")
    elif style == "outlook2":
        head = (f"________________________________\nFrom: {name} <{email}>\n"
                f"Sent: {fmt(when, '{dd} {B} {Y} {HM}')}\nTo: {to_name or to_addr} <{to_addr}>\n"
                f"Subject: {subj}")
    elif style == "fwd":
        head = (f"---------- Forwarded message ---------\nFrom: {name} <{email}>\n"
                f"Date: {fmt(when, '{a}, {b} {d}, {Y}')} at {clock}\nSubject: {subj}\nTo: <{to_addr}>")
    elif style == "foxmail":
        head = (f"------------------ 原始邮件 ------------------\n发件人: \"{name}\"<{email}>;\n"
                f"发送时间: {ymd_cn}(星期{weekday_cn}) {ampm_cn}{h12}:{when.minute:02d}\n"
                f"收件人: \"{to_name or to_addr}\"<{to_addr}>;\n主题: {subj}")
    elif style == "cnoutlook":
        head = f"发件人: {name} <{email}>\n发送时间: {ymd_cn} {hh}\n收件人: {to_addr}\n主题: {subj}"
    elif style == "fwdcn":
        sent = f"{when.isoformat(sep=' ')[:16]}:{when.second:02d}"
        head = (f"-------- 转发邮件信息 --------\n发件人：\"{name}\" <{email}>\n发送日期：{sent}\n"
                f"收件人：{to_addr}\n主题：{subj}")
    elif style == "twoutlook":
        head = (f"寄件者: {name} <{email}>\n寄件日期: {ymd_cn} {ampm_cn} {h12:02d}:{when.minute:02d}\n"
                f"收件者: {to_addr}\n主旨: {subj}")
    else:
        raise ValueError(f"unknown quote style {style!r}")
    return head + "\n\n" + text


def build(m: Mail) -> tuple[bytes, dt.datetime]:
    fname, faddr, tz = person(m.sender)
    date = mail_date(m, tz)
    tname, taddr, _ = person(m.to)

    text = m.body
    when = date
    for i, (style, who, qsubj, qtext) in enumerate(m.quotes):
        when = when - dt.timedelta(hours=5 + m.h(f"q{i}", 90))
        _, qaddr, qtz = person(who)
        qwhen = when.astimezone(dt.timezone(dt.timedelta(hours=qtz)))
        if qaddr.endswith("@acme.example"):
            rn, ra = fname, faddr
        else:
            rn, ra = tname, taddr
        text += "\n\n" + quote_block(style, who, qsubj, qtext, qwhen, rn, ra)
    text += "\n"

    cs = charset_for(m, text)
    codec = {"us-ascii": "ascii"}.get(cs, cs)
    data = text.replace("\n", "\r\n").encode(codec)
    cte = cte_for(m, data)
    hcs = "utf-8" if cs in ("us-ascii",) else cs
    henc = "Q" if cs in ("iso-8859-1",) else "B"
    body_part = leaf([("Content-Type", f'text/plain; charset="{cs}"')], data, cte)
    kind = m.opts.get("kind", "plain")
    boundary = f"----=_Part_{m.key[:20]}"

    if kind == "html":
        paras = "".join("<p>{}</p>".format(p.replace("&", "&amp;").replace("<", "&lt;")
                        .replace(">", "&gt;").replace("\n", "<br>"))
                        for p in text.strip().split("\n\n"))
        html = (f"<html><head><meta charset=\"{cs}\"></head><body style=\"font-family:Arial\">"
                f"{paras}</body></html>\n")
        hpart = leaf([("Content-Type", f'text/html; charset="{cs}"')],
                     html.replace("\n", "\r\n").encode(codec),
                     "base64" if not html.isascii() else "quoted-printable")
        content = multi("alternative", boundary, [body_part, hpart], preamble=PREAMBLE)
    elif kind == "bounce":
        status = m.opts.get("status", "5.1.1")
        if m.original is None:
            raise ValueError(f"bounce without its original: {m.note}")
        rcpt, osubj, otext = m.original
        host = rcpt.split("@")[1]
        dsn = Message()
        dsn["Content-Type"] = "message/delivery-status"
        dsn["Content-Description"] = "Delivery report"
        sender_host = domain_of(faddr)
        mta = "mx.acme.example" if sender_host.endswith("acme.example") else sender_host
        remote = f"Remote-MTA: dns; mail.{host}\n" if mta == "mx.acme.example" else ""
        report = ("Reporting-MTA: dns; {}\n\n"
                  "Final-Recipient: rfc822; {}\nOriginal-Recipient: rfc822;{}\nAction: failed\n"
                  "Status: {}\n{}"
                  "Diagnostic-Code: smtp; {}\n".format(mta, rcpt, rcpt, status, remote,
                                                   m.opts.get("diag", f"550 {status} mailbox unavailable")))
        # message/delivery-status holds header blocks; use two sub-"messages"
        blocks: list[Message | str] = []
        for blk in report.strip().split("\n\n"):
            bm = Message()
            for line in blk.splitlines():
                k, _, v = line.partition(": ")
                bm[k] = v
            bm.set_payload("")
            blocks.append(bm)
        dsn.set_payload(blocks)
        orig = Message()
        ocs = "utf-8" if not otext.isascii() else "us-ascii"
        orig["From"] = addr("Lily Chen | Acme Nonwovens", OUR_ADDR, "utf-8")
        orig["To"] = rcpt
        orig["Subject"] = header_text(osubj, "utf-8")
        odate = date - dt.timedelta(minutes=2 + m.h("od", 30), seconds=m.h("os", 60))
        orig["Date"] = rfcdate(odate)
        orig["Message-ID"] = "<{}.{}@acme.example>".format(
            odate.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"), m.key[20:32])
        orig["MIME-Version"] = "1.0"
        odata = (otext + "\n").replace("\n", "\r\n").encode(ocs)
        orig["Content-Type"] = f'text/plain; charset="{ocs}"'
        octe = "7bit" if ocs == "us-ascii" else "base64"
        orig["Content-Transfer-Encoding"] = octe
        orig.set_payload(encode_body(odata, octe))
        wrap = Message()
        wrap["Content-Type"] = "message/rfc822"
        wrap["Content-Description"] = "Undelivered Message"
        wrap.set_payload([orig])
        body_part["Content-Description"] = "Notification"
        content = multi("report", boundary, [body_part, dsn, wrap], "; report-type=delivery-status",
                        preamble=PREAMBLE)
    else:
        content = body_part

    if m.attachments:
        parts = [content]
        for name, atext in m.attachments:
            adata = (atext + "\n").replace("\n", "\r\n").encode(codec)
            mime = "text/csv" if name.endswith(".csv") else "text/plain"
            parts.append(leaf([("Content-Type", f'{mime}; charset="{cs}"; name="{name}"'),
                               ("Content-Disposition", f'attachment; filename="{name}"')],
                              adata, "base64"))
        content = multi("mixed", boundary + "_mix", parts, preamble=PREAMBLE)

    top = Message()
    domain = domain_of(faddr)
    arrived = rfcdate(date.astimezone(dt.timezone(dt.timedelta(hours=8)))
                      + dt.timedelta(seconds=3 + m.h("lag", 40)))
    relay = domain if domain.startswith("mail.") else "mail." + domain
    if domain == "mx.acme.example":
        top["Received"] = f"by mx.acme.example (Postfix)\n\tid {m.key[32:44].upper()}; {arrived}"
    else:
        top["Received"] = (f"from {relay} ({relay} [198.51.100.{10 + m.h('ip', 200)}])\n"
                           f"\tby mx.acme.example (Postfix) with ESMTPS id {m.key[32:44].upper()}\n"
                           f"\tfor <{taddr}>; {arrived}")
    top["Date"] = rfcdate(date)
    top["From"] = addr(fname, faddr, hcs, henc)
    top["To"] = addr(tname, taddr, hcs, henc)
    if m.subject is not None:
        top["Subject"] = header_text(m.subject, hcs, henc)
    top["Message-ID"] = "<{}.{}@{}>".format(date.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"),
                                        m.key[:16], domain)
    if m.quotes and not m.quotes[0][0].startswith("fwd"):
        qdomain = person(m.quotes[0][1])[1].split("@")[-1]
        top["In-Reply-To"] = f"<{m.key[44:60]}@{qdomain}>"
        top["References"] = top["In-Reply-To"]
    if kind == "ooo":
        top["Auto-Submitted"] = "auto-replied"
        top["X-Auto-Response-Suppress"] = "All"
    if kind == "bounce":
        top["Auto-Submitted"] = "auto-replied"
    if kind == "html":
        top["Precedence"] = "bulk"
        top["List-Unsubscribe"] = f"<https://{domain}/unsubscribe?u={m.key[:10]}>"
    return serialize(envelope(top.items(), content)), date


def domain_of(address: str) -> str:
    m = re.search(r"@([\w.-]+)", address)
    if m is None:
        raise ValueError(f"no domain in {address!r}")
    return m.group(1)



# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

README_HEAD = (DATA_DIR / "readme_head.md").read_text(encoding="utf-8")


def counts_table(rows: list[dict[str, str]]) -> str:
    out = []
    c = collections.Counter((r["category"], r["language"], r["split"]) for r in rows)
    head = "| category | " + " | ".join(f"{lg} train/test" for lg in LANG_ORDER) + \
           " | train | test | total |"
    out.append(head)
    out.append("|" + "---|" * (len(LANG_ORDER) + 4))
    for cat in CATEGORIES + ("total",):
        cells, tr_sum, te_sum = [], 0, 0
        for lg in LANG_ORDER:
            if cat == "total":
                tr = sum(c[(k, lg, "train")] for k in CATEGORIES)
                te = sum(c[(k, lg, "test")] for k in CATEGORIES)
            else:
                tr, te = c[(cat, lg, "train")], c[(cat, lg, "test")]
            tr_sum += tr
            te_sum += te
            cells.append(f"{tr} / {te}")
        name = "**total**" if cat == "total" else cat
        out.append(f"| {name} | {' | '.join(cells)} | {tr_sum} | {te_sum} | {tr_sum + te_sum} |")
    return "\n".join(out) + "\n"


def party_table(rows: list[dict[str, str]]) -> str:
    c = collections.Counter((r["category"], r["party"], r["split"]) for r in rows)
    kinds = [p for p in PARTIES if any(r["party"] == p for r in rows)]
    out = ["| category | " + " | ".join(kinds) + " |", "|" + "---|" * (len(kinds) + 1)]
    for cat in CATEGORIES:
        out.append(f"| {cat} | " + " | ".join(f"{c[(cat, p, 'train')]} / {c[(cat, p, 'test')]}" for p in kinds) + " |")
    return "\n".join(out) + "\n"


def keyword_table(mails: list[Mail]) -> str:
    out = ["| category | mails | without the obvious words | share |", "|---|---|---|---|"]
    for cat in CATEGORIES:
        ms = [m for m in mails if m.category == cat]
        if cat == "other" or not ms:
            continue
        rx = re.compile(OBVIOUS[cat], re.IGNORECASE)
        free = sum(1 for m in ms if not rx.search((m.subject or "") + "\n" + m.body))
        out.append(f"| {cat} | {len(ms)} | {free} | {100.0 * free / len(ms):.0f}% |")
    return "\n".join(out) + "\n"


def charset_table(rows: list[dict[str, str]]) -> str:
    c = collections.Counter(r["charset"] for r in rows)
    out = ["| charset | mails |", "|---|---|"]
    for cs, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| {cs} | {n} |")
    return "\n".join(out) + "\n"


def generate(out: Path) -> list[dict[str, str]]:
    mails = load_mails()
    seen = set()
    for m in mails:
        if m.key in seen:
            raise SystemExit(f"duplicate mail: {m.seed[:80]}")
        seen.add(m.key)
    built = []
    for m in mails:
        data, date = build(m)
        built.append((m.later, date.astimezone(dt.UTC), m.key, m, data))
    built.sort(key=lambda t: (t[0], t[1], t[2]))
    maildir = out / "mails"
    maildir.mkdir(parents=True, exist_ok=True)
    rows, names = [], set()
    for i, (_, _, _, m, data) in enumerate(built, 1):
        name = f"{i:03d}.eml"
        names.add(name)
        (maildir / name).write_bytes(data)
        found = re.search(rb'charset="([^"]+)"', data)
        if found is None:
            raise ValueError(f"{name}: no charset")
        body_cs = found.group(1).decode()
        rows.append({"file": name, "category": m.category, "split": m.split,
                     "language": m.language, "party": m.party, "note": m.note, "charset": body_cs})
    for old in maildir.glob("*.eml"):
        if old.name not in names:
            old.unlink()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "category", "split", "language", "party", "note"])
    for r in rows:
        w.writerow([r["file"], r["category"], r["split"], r["language"], r["party"], r["note"]])
    (out / "labels.csv").write_text(buf.getvalue(), encoding="utf-8")
    readme = README_HEAD.format(n=len(rows), ntest=sum(r["split"] == "test" for r in rows))
    readme += "Category × language × split (train / test):\n\n" + counts_table(rows)
    readme += "\nCategory × party kind (who sent the mail; train / test):\n\n" + party_table(rows)
    readme += "\nDeclared body charsets:\n\n" + charset_table(rows)
    readme += ("\nMails whose subject and new text contain none of the category's obvious "
               "words (see `OBVIOUS` in the generator):\n\n" + keyword_table(mails))
    (out / "README.md").write_text(readme, encoding="utf-8")
    return rows


def text_parts(msg: MIMEPart) -> Iterator[MIMEPart]:
    """Leaf parts, not descending into message/delivery-status header blocks."""
    if msg.get_content_type() == "message/delivery-status":
        return
    if msg.is_multipart():
        for sub in msg.iter_parts():
            yield from text_parts(sub)
    else:
        yield msg


def check(out: Path, rows: list[dict[str, str]]) -> int:
    from email import message_from_bytes
    errors = []
    files = sorted(p.name for p in (out / "mails").glob("*.eml"))
    with open(out / "labels.csv", encoding="utf-8", newline="") as f:
        labels = list(csv.DictReader(f))
    listed = [r["file"] for r in labels]
    if sorted(listed) != files or len(set(listed)) != len(listed):
        errors.append("labels.csv does not list every file exactly once")
    for r in labels:
        if r["category"] not in CATEGORIES or r["split"] not in ("train", "test") or r["party"] not in PARTIES:
            errors.append(f"bad label row {r!r}")
    for name in files:
        raw = (out / "mails" / name).read_bytes()
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        if msg.defects:
            errors.append(f"{name}: defects {msg.defects!r}")
        for key in ("Date", "Message-ID", "From"):
            if msg[key] is None:
                errors.append(f"{name}: no {key}")
        str(msg["Subject"] or "")
        d = msg["Date"].datetime
        if not (dt.datetime(2026, 8, 31, 12, tzinfo=dt.UTC) <= d
                <= dt.datetime(2026, 11, 28, 23, 59, tzinfo=dt.UTC)):
            errors.append(f"{name}: date {d} out of range")
        texts = 0
        for part in text_parts(msg):
            if part.get_content_type() not in ("text/plain", "text/html"):
                continue
            if part.get_content_disposition() == "attachment":
                continue
            cs = part.get_content_charset() or "us-ascii"
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            try:
                strict = payload.decode({"us-ascii": "ascii"}.get(cs, cs))
            except (UnicodeDecodeError, LookupError) as exc:
                errors.append(f"{name}: body does not decode as {cs}: {exc}")
                continue
            if part.get_content() != strict:
                errors.append(f"{name}: get_content() differs from strict decode")
            if "\ufffd" in strict:
                errors.append(f"{name}: replacement character in text")
            texts += 1
        if not texts:
            errors.append(f"{name}: no text part")
    for e in errors:
        print("ERROR", e)
    c = collections.Counter(r["category"] for r in labels)
    print(counts_table(labels))
    per_category = ", ".join(f"{k} {c[k]}" for k in CATEGORIES)
    print(f"total {len(labels)} mails, {sum(r['split'] == 'test' for r in labels)} test; "
          f"per category {per_category}")
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="verify after writing")
    args = ap.parse_args(argv)
    rows = generate(args.out)
    print(f"wrote {len(rows)} mails to {args.out}")
    if args.check:
        return check(args.out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

