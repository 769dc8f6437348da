#!/usr/bin/env python3
"""Generate the labelled classifier evaluation set in ``tests/eval/``.

Dev-only tool.  The mails below are hand-written desk mails of an export
trade company (Acme Nonwovens Co., Ltd., orders@acme.example): buyers in the
USA, Germany, the UK, Hong Kong, Taiwan, Japan, the Middle East and Latin
America, forwarders, banks, colleagues, robots.  Each one carries its label
(category, split, language) and a short note on the trap it sets.  This
script only turns them into RFC 5322 files:

    tests/eval/mails/NNN.eml   one message per file, numbered by Date
    tests/eval/labels.csv      file,category,split,language,note
    tests/eval/README.md       definitions and the counts table

Standard library only.  Output is deterministic: dates, Message-IDs and MIME
boundaries are derived from a hash of each mail's text, nothing random, no
clock.  Bodies are encoded with the charset the mail declares (gbk, gb2312,
gb18030, big5, utf-8, iso-8859-1, us-ascii) and a real transfer encoding
(base64, quoted-printable, 8bit, 7bit); header words are RFC 2047 encoded in
the same charset, as Chinese clients do.

Usage::

    python tools/make_eval_set.py            # writes tests/eval/
    python tools/make_eval_set.py --out DIR  # somewhere else
    python tools/make_eval_set.py --check    # write, then re-parse and verify

The ``test`` split (one third, chosen per category x language) is a hold-out:
never look at it when writing rules or training models.

Data format (the DATA strings at the end of this file)::

    #### <category> <lang> <split> [key=value ...] | <note>
    from: <person key or "Name <addr>">
    to: ...            (optional, default orders@acme.example)
    cc: ...            (optional)
    subject: ...       (empty value = empty Subject; "<none>" = no Subject header)
    hdr: Name: value   (optional, repeatable)
    --
    body ... ("%sig KEY" inserts a signature)
    @@@ quote STYLE | <person> | <subject>     quoted history (repeatable)
    @@@ original <rcpt> | <subject>            bounced message (kind=bounce)
    @@@ attach <filename>                      small text attachment

lang: en, zhs (Simplified, GBK family), zhsu (Simplified, UTF-8), zht
(Traditional, Big5), mix (English + Chinese, UTF-8).  Options: cs= (charset),
cte= (transfer encoding), kind= (plain, ooo, bounce, html), tz= (UTC offset),
date= (YYYY-MM-DD, when the text names a date; otherwise the day comes from
the hash), status= and diag= (bounces; "_" stands for a space).
"""

from __future__ import annotations

import argparse
import base64
import collections
import csv
import datetime as dt
import hashlib
import io
import quopri
import re
import sys
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "eval"

CATEGORIES = ("inquiry", "sample", "order", "payment", "shipping", "complaint", "other")
LANGS = {"en": "en", "zhs": "zh-Hans", "zhsu": "zh-Hans", "zht": "zh-Hant", "mix": "mixed"}
LANG_ORDER = ("en", "zh-Hans", "zh-Hant", "mixed")
OUR_ADDR = "orders@acme.example"

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
# People: key -> (display name, address, UTC offset in hours)
# ---------------------------------------------------------------------------

PEOPLE_TEXT = r"""
lily        | Lily Chen | Acme Nonwovens                 | lily.chen@acme.example       | 8
orders      | Acme Nonwovens Orders                          | orders@acme.example          | 8
kevin       | Kevin Zhang                                    | kevin.zhang@acme.example     | 8
amy         | Amy Xu (Acme Docs)                             | amy.xu@acme.example          | 8
finance     | 赵敏                                           | finance@acme.example         | 8
qc          | 李刚 QC                                        | qc@acme.example              | 8
boss        | 刘建国                                         | liu.jianguo@acme.example     | 8
hr          | 行政部                                         | admin@acme.example           | 8
it          | IT Helpdesk                                    | it@acme.example              | 8
keller      | Brian Keller                                   | bkeller@hollistersupply.example | -5
ortiz       | Dana Ortiz                                     | dortiz@greenfield-hygiene.example | -6
feld        | Mark Feld                                      | mfeld@agricover-usa.example  | -5
hoffmann    | Jürgen Hoffmann                                | j.hoffmann@vlieshandel.example | 2
weber       | Katrin Weber                                   | k.weber@meditex-gmbh.example | 2
schulz      | Thomas Schulz                                  | einkauf@schulz-filter.example | 2
pritchard   | Sarah Pritchard                                | sarah.p@northwindpack.example | 1
ellis       | Tom Ellis                                      | tom.ellis@brightwipes.example | 1
lau         | Kenneth Lau                                    | kenneth@harbourtrading.example | 8
wong        | 黃嘉欣 Karen Wong                              | karen.wong@harbourtrading.example | 8
tanaka      | Hiroshi Tanaka                                 | h-tanaka@sanwa-shoji.example | 9
sato        | Yuki Sato                                      | y.sato@kirin-hygiene.example | 9
farsi       | Ahmed Al-Farsi                                 | ahmed@gulfmed.example        | 4
haddad      | Omar Haddad                                    | purchasing@levant-medical.example | 3
mendoza     | Carlos Mendoza                                 | cmendoza@andina-dist.example | -5
souza       | Ana Souza                                      | ana.souza@plastisul.example  | -3
ruiz        | Diego Ruiz                                     | druiz@textiles-norte.example | -6
chen_tw     | 陳志明                                         | cm.chen@hongda-tex.example   | 8
lin_tw      | 林美玲                                         | meiling@yufeng-trade.example | 8
tsai_tw     | 蔡宗翰                                         | th.tsai@taikang-med.example  | 8
ho_hk       | 何詠詩                                         | winnie.ho@kongwah.example    | 8
wang_sh     | 王磊                                           | wanglei@shhuatai.example     | 8
zhou_nb     | 周晓燕                                         | zhouxy@nbjintai.example      | 8
sun_gz      | 孙浩                                           | sunhao@gzmeiyuan.example     | 8
fwd_nb      | 宁波顺达国际货代 操作部                        | ops@sunda-log.example        | 8
fwd_sh      | Sunrise Logistics (Shanghai)                   | booking@sunrise-log.example  | 8
fwd_tw      | 長榮通運 文件組                                | doc@changrong-fwd.example    | 8
bank_cn     | 华夏商贸银行 国际结算部                        | ts@hxcb-bank.example         | 8
bank_hk     | Harbourside Bank Trade Services                | tradeservices@harbourside-bank.example | 8
bank_tw     | 永和商業銀行 外匯部                            | fx@yonghe-bank.example       | 8
"""


def _people() -> dict[str, tuple[str, str, int]]:
    out = {}
    for line in PEOPLE_TEXT.strip().splitlines():
        cells = [c.strip() for c in line.split("|")]
        key, addr, tz = cells[0], cells[-2], int(cells[-1])
        name = " | ".join(cells[1:-2])
        out[key] = (name, addr, tz)
    return out


PEOPLE = _people()

# ---------------------------------------------------------------------------
# Signatures (%sig KEY)
# ---------------------------------------------------------------------------

SIGS_TEXT = r"""
== lily
Best regards,
Lily Chen
Merchandiser | Acme Nonwovens Co., Ltd.
Tel: +86 574 8765 4321 ext. 806 | Mobile/WeChat: +86 138 0574 1122
orders@acme.example | www.acme.example
== lilycn
陈莉莉 Lily Chen
跟单部 | 宁波艾克米无纺布有限公司
电话：0574-8765 4321 转 806   手机/微信：138 0574 1122
== kevin
Kevin Zhang
Sales Manager, Acme Nonwovens Co., Ltd.
M: +86 139 5741 0088
== keller
Brian Keller
Purchasing Manager
Hollister Supply Inc.
1420 Industrial Pkwy, Dayton, OH 45414, USA
O: +1 937 555 0143 | M: +1 937 555 0178
== keller2
-- Brian
Sent from my iPhone
== ortiz
Dana Ortiz | Sourcing Lead | Greenfield Hygiene Products LLC
2210 Commerce Dr, Plano TX 75074 | +1 972 555 0190

CONFIDENTIALITY NOTICE: This e-mail and any attachments are for the exclusive and
confidential use of the intended recipient. If you are not the intended recipient,
please do not read, distribute or take action in reliance upon this message. If you
have received this in error, please notify the sender immediately by return e-mail
and promptly delete this message and its attachments from your computer system.
== feld
Mark Feld
AgriCover USA | Fresno, CA
(559) 555-0112
== hoffmann
Mit freundlichen Grüßen / Best regards

Jürgen Hoffmann
Einkauf / Purchasing
Vliesstoff Handel GmbH
Industriestraße 14, 47805 Krefeld, Germany
Tel. +49 2151 555 210 | Fax +49 2151 555 299

Geschäftsführer: Dr. Klaus Brenner | Amtsgericht Krefeld HRB 12345
Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige
Adressat sind, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.
== weber
Katrin Weber
Strategic Purchasing – Medical Nonwovens
MediTex GmbH · Am Hafen 3 · 28217 Bremen
T +49 421 555 7730
== schulz
Thomas Schulz
Schulz Filtertechnik GmbH & Co. KG
== pritchard
Kind regards,
Sarah Pritchard
Buyer – Northwind Packaging Ltd
Unit 7, Riverside Trading Estate, Leeds LS10 1AB, UK
Tel: +44 113 555 0182
Registered in England & Wales No. 04561234
== ellis
Cheers,
Tom Ellis | Bright Wipes Ltd | +44 161 555 0124
== lau
Kenneth Lau
Harbour Trading Co., Ltd.
Rm 1203, 12/F, Kwun Tong Plaza, Kwun Tong, Kowloon, Hong Kong
Tel: +852 2555 1837  Fax: +852 2555 1838
== tanaka
Best regards,

Hiroshi Tanaka
Overseas Procurement Section
Sanwa Shoji Co., Ltd.
3-5-12 Nihonbashi, Chuo-ku, Tokyo 103-0027 JAPAN
TEL: +81-3-5555-1234  FAX: +81-3-5555-1235
== sato
Yuki Sato / Kirin Hygiene Co., Ltd. / Osaka
== farsi
Regards,
Ahmed Al-Farsi
Procurement Manager
Gulf Medical Supplies LLC
P.O. Box 55321, Dubai, U.A.E.
Tel: +971 4 555 8120  Mob: +971 50 555 3311
== haddad
Omar Haddad
Purchasing Dept. | Levant Medical Co. | Amman, Jordan
== mendoza
Saludos cordiales / Best regards,
Carlos Mendoza
Gerente de Compras
Distribuidora Andina S.A.C. - Lima, Perú
Tel: +51 1 555 4410
== souza
Att.,
Ana Souza
Compras Internacionais | Plastisul Embalagens Ltda.
São Paulo - SP - Brasil | +55 11 5555 2040
== ruiz
Diego Ruiz
Textiles del Norte S.A. de C.V. | Monterrey, N.L., México
== chen_tw
陳志明 Jimmy Chen
宏達織品股份有限公司 採購部
台北市內湖區瑞光路 123 號 8 樓
TEL: (02) 2555-6789 分機 215
== lin_tw
林美玲
裕豐貿易有限公司
電話：04-2555-3344　傳真：04-2555-3345
== tsai_tw
蔡宗翰
泰康醫材股份有限公司　資材課
== ho_hk
何詠詩 Winnie Ho
港華貿易有限公司 Kong Wah Trading Ltd.
電話: (852) 2555 6677
== wang_sh
王磊
上海华泰进出口有限公司 业务三部
电话：021-5555 8866  手机：139 1666 2288
== zhou_nb
周晓燕
宁波金泰贸易有限公司
== sun_gz
孙浩 | 广州美源卫生用品有限公司 采购部
== fwd_nb
宁波顺达国际货运代理有限公司
操作部 小陈
电话：0574-8555 2200  QQ：3555 1200
== fwd_sh
Sunrise Logistics (Shanghai) Co., Ltd.
Export Ocean Freight | booking@sunrise-log.example | +86 21 5555 7300
== amy
Amy Xu
Documentation, Acme Nonwovens Co., Ltd.
"""


def _sigs() -> dict[str, str]:
    out, key, buf = {}, None, []
    for line in SIGS_TEXT.strip("\n").splitlines():
        if line.startswith("== "):
            if key:
                out[key] = "\n".join(buf).strip("\n")
            key, buf = line[3:].strip(), []
        else:
            buf.append(line)
    out[key] = "\n".join(buf).strip("\n")
    return out


SIGS = _sigs()

# ---------------------------------------------------------------------------
# Parsing the mail data
# ---------------------------------------------------------------------------


class Mail:
    def __init__(self, raw: str):
        self.raw = raw
        self.key = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        head, _, rest = raw.partition("\n")
        spec, _, note = head[4:].partition("|")
        tokens = spec.split()
        self.category, self.lang, self.split = tokens[:3]
        self.opts = dict(t.split("=", 1) for t in tokens[3:])
        self.note = note.strip()
        if self.category not in CATEGORIES:
            raise ValueError("bad category in %r" % head)
        if self.lang not in LANGS:
            raise ValueError("bad lang in %r" % head)
        if self.split not in ("train", "test"):
            raise ValueError("bad split in %r" % head)
        if not self.note:
            raise ValueError("no note in %r" % head)
        fields, _, text = rest.partition("\n--\n")
        self.fields: dict[str, str] = {}
        self.hdrs: list[tuple[str, str]] = []
        for line in fields.splitlines():
            if not line.strip():
                continue
            k, _, v = line.partition(":")
            k, v = k.strip().lower(), v.strip()
            if k == "hdr":
                hk, _, hv = v.partition(":")
                self.hdrs.append((hk.strip(), hv.strip()))
            elif k in ("from", "to", "cc", "subject"):
                self.fields[k] = v
            else:
                raise ValueError("unknown field %r in %r" % (k, head))
        if "from" not in self.fields or "subject" not in self.fields:
            raise ValueError("from/subject missing in %r" % head)
        sections = re.split(r"^@@@ ", text, flags=re.MULTILINE)
        self.body = expand(sections[0])
        self.quotes: list[tuple[str, str, str, str]] = []
        self.original: tuple[str, str, str] | None = None
        self.attachments: list[tuple[str, str]] = []
        for sec in sections[1:]:
            first, _, stext = sec.partition("\n")
            kind, _, arg = first.partition(" ")
            stext = expand(stext)
            if kind == "quote":
                style, who, subj = [a.strip() for a in arg.split("|", 2)]
                self.quotes.append((style, who, subj, stext))
            elif kind == "original":
                rcpt, subj = [a.strip() for a in arg.split("|", 1)]
                self.original = (rcpt, subj, stext)
            elif kind == "attach":
                self.attachments.append((arg.strip(), stext))
            else:
                raise ValueError("unknown section %r in %r" % (kind, head))

    @property
    def language(self) -> str:
        return LANGS[self.lang]

    def h(self, salt: str, mod: int) -> int:
        return int(hashlib.sha256((salt + self.key).encode()).hexdigest()[:12], 16) % mod


def expand(text: str) -> str:
    out = []
    for line in text.strip("\n").splitlines():
        if line.startswith("%sig "):
            out.extend(SIGS[line[5:].strip()].splitlines())
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip("\n")


def parse_data(blobs: list[str]) -> list[Mail]:
    mails = []
    for blob in blobs:
        for chunk in re.split(r"^(?=#### )", blob, flags=re.MULTILINE):
            if chunk.strip():
                mails.append(Mail(chunk.strip("\n") + "\n"))
    return mails


# ---------------------------------------------------------------------------
# Encoding helpers
# ---------------------------------------------------------------------------

def person(spec: str) -> tuple[str, str, int]:
    if spec in PEOPLE:
        return PEOPLE[spec]
    m = re.fullmatch(r"(.*?)\s*<([^>]+)>", spec)
    if m:
        return (m.group(1).strip().strip('"'), m.group(2), 8)
    return ("", spec, 8)


def ew(text: str, charset: str, enc: str = "B", maxlen: int = 70) -> str:
    """RFC 2047 encoded words, each at most *maxlen* characters."""
    def word(s: str) -> str:
        raw = s.encode(charset)
        if enc == "B":
            return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())
        q = "".join("_" if b == 0x20 else chr(b) if (chr(b).isalnum() and b < 128)
                    else "=%02X" % b for b in raw)
        return "=?%s?Q?%s?=" % (charset, q)

    words, cur = [], ""
    for ch in text:
        if cur and len(word(cur + ch)) > maxlen:
            words.append(word(cur))
            cur = ch
        else:
            cur += ch
    words.append(word(cur))
    return "\n ".join(words)


def header_text(text: str, charset: str, enc: str = "B") -> str:
    if text.isascii():
        return text
    return ew(text, charset, enc)


def addr(name: str, email: str, charset: str, enc: str = "B") -> str:
    if not name:
        return email
    if name.isascii():
        if any(c in name for c in '()<>[]:;@\\,."|'):
            name = '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"')
        return "%s <%s>" % (name, email)
    return "%s <%s>" % (ew(name, charset, enc), email)


def encode_body(data: bytes, cte: str) -> str:
    if cte == "base64":
        return base64.encodebytes(data).decode("ascii")
    if cte == "quoted-printable":
        return quopri.encodestring(data).decode("ascii")
    if cte == "7bit":
        return data.decode("ascii")
    if cte == "8bit":
        return data.decode("ascii", "surrogateescape")
    raise ValueError(cte)


def leaf(ctype: str, data: bytes, cte: str, extra=()) -> Message:
    m = Message()
    m["Content-Type"] = ctype
    for k, v in extra:
        m[k] = v
    m["Content-Transfer-Encoding"] = cte
    m.set_payload(encode_body(data, cte))
    return m


def multi(subtype: str, boundary: str, parts: list[Message], params: str = "") -> Message:
    m = Message()
    m["Content-Type"] = 'multipart/%s;%s\n\tboundary="%s"' % (subtype, params, boundary)
    m.set_payload(list(parts))
    m.preamble = "This is a multi-part message in MIME format."
    return m


def serialize(msg: Message) -> bytes:
    buf = io.BytesIO()
    pol = policy.compat32.clone(linesep="\r\n", max_line_length=78)
    BytesGenerator(buf, mangle_from_=False, policy=pol).flatten(msg)
    return buf.getvalue()


def rfcdate(d: dt.datetime) -> str:
    s = format_datetime(d)
    return s[:5] + s[5:7].lstrip("0") + s[7:]


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
                          d=d.day, dd="%02d" % d.day, Y=d.year, HM="%02d:%02d" % (d.hour, d.minute))


def quote_block(style: str, who: str, subj: str, text: str, when: dt.datetime,
                to_name: str, to_addr: str) -> str:
    name, email, _ = person(who)
    lines = text.splitlines()
    hh = fmt(when, "{HM}")
    ampm_cn = ("上午" if when.hour < 12 else "下午")
    h12 = when.hour % 12 or 12
    if style in ("gmail", "gcn", "gtw", "apple"):
        prefixed = "\n".join(("> " + ln) if ln else ">" for ln in lines)
        if style == "gmail":
            clock = "%d:%02d %s" % (h12, when.minute, "AM" if when.hour < 12 else "PM")
            intro = "On %s at %s, %s <%s> wrote:" % (fmt(when, "{a}, {b} {d}, {Y}"), clock, name, email)
        elif style == "apple":
            intro = "On %s, at %s, %s <%s> wrote:" % (fmt(when, "{d} {b} {Y}"), hh, name, email)
        elif style == "gcn":
            intro = "%s <%s> 于%d年%d月%d日周%s %s写道：" % (
                name, email, when.year, when.month, when.day, WEEKDAYS_CN[when.weekday()], hh)
        else:
            intro = "%s <%s> 於 %d年%d月%d日 週%s %s 寫道：" % (
                name, email, when.year, when.month, when.day, WEEKDAYS_CN[when.weekday()], hh)
        return intro + "\n\n" + prefixed
    if style == "outlook":
        head = ("-----Original Message-----\nFrom: %s <%s>\nSent: %s\nTo: %s\nSubject: %s"
                % (name, email, fmt(when, "{A}, {B} {d}, {Y} ") + "%d:%02d %s" % (
                    h12, when.minute, "AM" if when.hour < 12 else "PM"), to_addr, subj))
    elif style == "outlook2":
        head = ("________________________________\nFrom: %s <%s>\nSent: %s\nTo: %s <%s>\nSubject: %s"
                % (name, email, fmt(when, "{dd} {B} {Y} {HM}"), to_name or to_addr, to_addr, subj))
    elif style == "fwd":
        head = ("---------- Forwarded message ---------\nFrom: %s <%s>\nDate: %s\nSubject: %s\nTo: <%s>"
                % (name, email, fmt(when, "{a}, {b} {d}, {Y} at ") + "%d:%02d %s" % (
                    h12, when.minute, "AM" if when.hour < 12 else "PM"), subj, to_addr))
    elif style == "foxmail":
        head = ("------------------ 原始邮件 ------------------\n发件人: \"%s\"<%s>;\n"
                "发送时间: %d年%d月%d日(星期%s) %s%d:%02d\n收件人: \"%s\"<%s>;\n主题: %s"
                % (name, email, when.year, when.month, when.day, WEEKDAYS_CN[when.weekday()],
                   ampm_cn, h12, when.minute, to_name or to_addr, to_addr, subj))
    elif style == "cnoutlook":
        head = ("发件人: %s <%s>\n发送时间: %d年%d月%d日 %s\n收件人: %s\n主题: %s"
                % (name, email, when.year, when.month, when.day, hh, to_addr, subj))
    elif style == "fwdcn":
        head = ("-------- 转发邮件信息 --------\n发件人：\"%s\" <%s>\n发送日期：%s\n收件人：%s\n主题：%s"
                % (name, email, "%s:%02d" % (when.isoformat(sep=" ")[:16], when.second), to_addr, subj))
    elif style == "twoutlook":
        head = ("寄件者: %s <%s>\n寄件日期: %d年%d月%d日 %s %02d:%02d\n收件者: %s\n主旨: %s"
                % (name, email, when.year, when.month, when.day, ampm_cn, h12, when.minute,
                   to_addr, subj))
    else:
        raise ValueError("unknown quote style %r" % style)
    return head + "\n\n" + text


def build(m: Mail) -> tuple[bytes, dt.datetime]:
    fname, faddr, ftz = person(m.fields["from"])
    tz = int(m.opts.get("tz", ftz))
    date = mail_date(m, tz)
    to_spec = m.fields.get("to", OUR_ADDR)
    tname, taddr, _ = person(to_spec)

    text = m.body
    when = date
    for i, (style, who, qsubj, qtext) in enumerate(m.quotes):
        when = when - dt.timedelta(hours=5 + m.h("q%d" % i, 90))
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
    body_part = leaf('text/plain; charset="%s"' % cs, data, cte)
    kind = m.opts.get("kind", "plain")
    boundary = "----=_Part_%s" % m.key[:20]

    if kind == "html":
        paras = "".join("<p>%s</p>" % p.replace("&", "&amp;").replace("<", "&lt;")
                        .replace(">", "&gt;").replace("\n", "<br>")
                        for p in text.strip().split("\n\n"))
        html = ("<html><head><meta charset=\"%s\"></head><body style=\"font-family:Arial\">"
                "%s</body></html>\n" % (cs, paras))
        hpart = leaf('text/html; charset="%s"' % cs, html.replace("\n", "\r\n").encode(codec),
                     "base64" if not html.isascii() else "quoted-printable")
        content = multi("alternative", boundary, [body_part, hpart])
    elif kind == "bounce":
        status = m.opts.get("status", "5.1.1")
        rcpt, osubj, otext = m.original
        host = rcpt.split("@")[1]
        dsn = Message()
        dsn["Content-Type"] = "message/delivery-status"
        dsn["Content-Description"] = "Delivery report"
        sender_host = re.search(r"@([\w.-]+)", faddr).group(1)
        mta = "mx.acme.example" if sender_host.endswith("acme.example") else sender_host
        remote = "Remote-MTA: dns; mail.%s\n" % host if mta == "mx.acme.example" else ""
        report = ("Reporting-MTA: dns; %s\n\n"
                  "Final-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\nAction: failed\n"
                  "Status: %s\n%s"
                  "Diagnostic-Code: smtp; %s\n" % (mta, rcpt, rcpt, status, remote,
                                                   m.opts.get("diag", "550 %s mailbox unavailable" % status)
                                                   .replace("_", " ")))
        # message/delivery-status holds header blocks; use two sub-"messages"
        blocks = []
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
        orig["Message-ID"] = "<%s.%s@acme.example>" % (
            odate.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"), m.key[20:32])
        orig["MIME-Version"] = "1.0"
        odata = (otext + "\n").replace("\n", "\r\n").encode(ocs)
        orig["Content-Type"] = 'text/plain; charset="%s"' % ocs
        octe = "7bit" if ocs == "us-ascii" else "base64"
        orig["Content-Transfer-Encoding"] = octe
        orig.set_payload(encode_body(odata, octe))
        wrap = Message()
        wrap["Content-Type"] = "message/rfc822"
        wrap["Content-Description"] = "Undelivered Message"
        wrap.set_payload([orig])
        body_part["Content-Description"] = "Notification"
        content = multi("report", boundary, [body_part, dsn, wrap], " report-type=delivery-status;")
    else:
        content = body_part

    if m.attachments:
        parts = [content]
        for name, atext in m.attachments:
            adata = (atext + "\n").replace("\n", "\r\n").encode(codec)
            mime = "text/csv" if name.endswith(".csv") else "text/plain"
            parts.append(leaf('%s; charset="%s"; name="%s"' % (mime, cs, name), adata, "base64",
                              [("Content-Disposition", 'attachment; filename="%s"' % name)]))
        content = multi("mixed", boundary + "_mix", parts)

    top = Message()
    domain = re.search(r"@([\w.-]+)", faddr).group(1)
    arrived = rfcdate(date.astimezone(dt.timezone(dt.timedelta(hours=8)))
                      + dt.timedelta(seconds=3 + m.h("lag", 40)))
    relay = domain if domain.startswith("mail.") else "mail." + domain
    if domain == "mx.acme.example":
        top["Received"] = "by mx.acme.example (Postfix)\n\tid %s; %s" % (m.key[32:44].upper(), arrived)
    else:
        top["Received"] = ("from %s (%s [198.51.100.%d])\n\tby mx.acme.example (Postfix) "
                           "with ESMTPS id %s\n\tfor <%s>; %s"
                           % (relay, relay, 10 + m.h("ip", 200), m.key[32:44].upper(), taddr,
                              arrived))
    top["Date"] = rfcdate(date)
    top["From"] = addr(fname, faddr, hcs, henc)
    top["To"] = addr(tname, taddr, hcs, henc)
    if "cc" in m.fields:
        cn, ca, _ = person(m.fields["cc"])
        top["Cc"] = addr(cn, ca, hcs, henc)
    subj = m.fields["subject"]
    if subj != "<none>":
        top["Subject"] = header_text(subj, hcs, henc)
    top["Message-ID"] = "<%s.%s@%s>" % (date.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S"),
                                        m.key[:16], domain)
    if m.quotes and not m.quotes[0][0].startswith("fwd"):
        qdomain = person(m.quotes[0][1])[1].split("@")[-1]
        top["In-Reply-To"] = "<%s@%s>" % (m.key[44:60], qdomain)
        top["References"] = top["In-Reply-To"]
    if kind == "ooo":
        top["Auto-Submitted"] = "auto-replied"
        top["X-Auto-Response-Suppress"] = "All"
    if kind == "bounce":
        top["Auto-Submitted"] = "auto-replied"
    if kind == "html":
        top["Precedence"] = "bulk"
        top["List-Unsubscribe"] = "<https://%s/unsubscribe?u=%s>" % (domain, m.key[:10])
    for k, v in m.hdrs:
        top[k] = v
    top["MIME-Version"] = "1.0"
    for k, v in content.items():
        top[k] = v
    top._payload = content._payload  # raw: get_payload() would decode 8bit text
    top.preamble = content.preamble
    return serialize(top), date


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

README_HEAD = """\
# Classifier evaluation set

{n} hand-written desk mails of Acme Nonwovens Co., Ltd. (orders@acme.example), an export
trade company for nonwovens and textiles, each labelled with the category a merchandiser
(跟单员) of the export desk would file it under.  It measures the mail classifier
(`rules/*.yaml` and anything that replaces or assists them); it is not a unit-test fixture.

* `mails/NNN.eml` — one RFC 5322 message per file, numbered in the order of their `Date`
  headers (2026-09-01 … 2026-11-28).
* `labels.csv` — `file,category,split,language,note`; `note` names the trap the mail sets
  (e.g. "complaint without keyword", "reply: quoted quotation", "bounce quoting PO").

## The hold-out: `test` is never used for tuning

About one third of the mails ({ntest} of {n}), chosen evenly per category × language, are
marked `split=test`.  **The `test` split is kept out of any tuning of rules or models**: do
not read those mails while writing or adjusting rules, keywords, thresholds, prompts or
training data, and do not train on them.  Tune on `train`; report on `test` (and say so when
reporting on `train`).  If the test mails ever leak into tuning, the numbers measured on
them stop meaning anything — then write new test mails rather than keep using these.

## More training mail: `more-training.jsonl`

406 further labelled mails (subject, body, category; one JSON object a line), written while the
shipped rules were tuned on the `train` split, as fresh mail to check each change on before
it was made.  They are training material only: the starting classifier
(`mailflow/learn.py`) learns from `train` and from them, and they are never scored as a
result.  None was taken from or written after reading the `test` split.  They are plain
text (no MIME, no charsets): what they add is wording.

## How it was made

All mails were written by hand for this set (none is a real mail or a template fill-in) and
live as data inside `tools/make_eval_set.py`, which writes the files:

```sh
python tools/make_eval_set.py            # regenerates mails/, labels.csv and this README
python tools/make_eval_set.py --check    # regenerates, then re-parses and verifies everything
```

The output is byte-for-byte deterministic (dates, Message-IDs and MIME boundaries come from
a hash of each mail's text).  Edit the data in the generator, never the `.eml` files.

Encodings are those real senders use: Simplified Chinese bodies in GBK, declared as `gbk`,
`gb2312` or `gb18030` (only text that fits GB2312 is declared `gb2312`); Traditional Chinese
in Big5 (`big5`); mixed English/Chinese and a few Chinese mails in UTF-8; English in
`us-ascii`, `iso-8859-1` or `utf-8`.  Transfer encodings are base64, quoted-printable, 8bit
and 7bit; subjects and display names are RFC 2047 words in the body's charset.  Bounces are
`multipart/report` with the returned message (order numbers and all) attached;
out-of-office replies carry `Auto-Submitted: auto-replied` (except a few that, like some
real auto-responders, do not); newsletters are `multipart/alternative`.

## Categories

The label is what the **new** text of a mail is about — not its quoted history, its subject
line alone, or a word mentioned in passing.

| category | meaning |
|---|---|
| inquiry | a buyer asks for prices, a quotation, MOQ, lead time, catalogue, capacity (询盘/询价/报价). |
| sample | a request for samples, swatches, lab dips, pre-production samples; sample courier accounts; sample feedback requests (样品/打样/寄样/样办). |
| order | a purchase order; a confirmation of an order (also inside a reply to our quotation: "OK, please go ahead with 20,000 m at 0.42"); a signed or countersigned P/I or contract; an order change/amendment/revision of quantity, price, date or marking. |
| payment | T/T copies, remittance advice, bank slips, deposit/balance paid, L/C opened/amended/advised, the buyer's messages about paying (付款/汇款/水单/定金/尾款/信用证). |
| shipping | bookings, B/L drafts, shipping advice, packing-list or C/O requests, vessel/ETD/ETA, forwarder mail, customs documents (订舱/提单/船期/装箱单/产地证). |
| complaint | quality problems, damage, lateness, wrong goods, demands for compensation or a credit note, threats to change supplier, disappointment — including the many that never say complaint/claim/投诉/索赔 — and follow-ups in a complaint thread. |
| other | out-of-office replies, bounces (even when they quote an order number), newsletters, trade-fair invitations, spam/phishing, internal chit-chat, holiday notices, thank-you notes with no business action, bank marketing. |

## What the set contains

* Languages: English (buyers in the USA, Germany, the UK, Hong Kong, Japan, the Middle East,
  Latin America; forwarders; banks), Simplified Chinese (domestic traders, forwarders, banks,
  colleagues), Traditional Chinese (Taiwan and Hong Kong buyers, a Taiwanese forwarder and
  bank), mixed English/Chinese.
* In every category at least a third of the mails avoid the category's obvious words
  (paraphrases: "the rolls we opened are full of holes", "please go ahead with 20,000 m").
* Replies and forwards whose quoted history ("On … wrote:", "-----Original Message-----",
  "发件人:", "寄件者:", "> …") is about a different category than the new text.
* Out-of-office replies and bounces that quote an order number or PO text (label `other`).
* Mails that mention another category in passing ("no complaint about the last lot, now
  please quote …" is an inquiry; "before we pay the balance, please send the B/L draft" is
  shipping).
* Empty and generic subjects ("Re: hello", "FW:", "急!!", "Question"), long signatures with
  disclaimers, a few small text attachments.

Language is `zh-Hans` for Simplified Chinese whatever the charset; the charset column below
counts the declared body charsets.

## Judgement calls

Where a mail could go two ways, the label follows what the desk has to *do* with it:

* A buyer's reply that confirms quantity and price ("we close the deal", "put us down for two
  containers", "let's do it: book 3x40HQ") is `order`, even though "book" sounds like shipping.
* Chasing samples that have not arrived, or asking for a softer re-make of trial rolls, is
  `sample`, not `complaint`; complaints are about goods delivered (or late) under an order.
* A forwarder answering our question with this week's freight rates is `shipping` (forwarder
  mail), not `inquiry`; a marketplace alert listing buyers' RFQs is `other`.
* An internal forward of a buyer's RFQ ("follow this one up and quote") is `inquiry`; an
  internal note that an order was won and needs a P/I is `order`; finance telling the desk
  that a deposit arrived is `payment`; holiday, fire-drill and IT notices are `other`.
* Read receipts, bank login alerts and courier or invoice phishing are `other`, whatever
  order numbers or amounts they mention.
* A mail that asks for documents "before we pay the balance" is `shipping`; a remittance that
  deducts an agreed amount for damaged rolls is `payment`; "payment was made last week, now
  the cartons arrived crushed" is `complaint`.

## Caveats

* Every mail was written by one author for this set, train and test alike, so the test split
  is a hold-out from tuning, not an independent sample of real traffic.  Real mail will add
  HTML-only bodies, PDFs, images and broken encodings that this set mostly leaves out.
* Dates are consistent inside a mail (quoted history is older than the reply) and for mails
  whose text names a date; threads spread over several files are not kept in strict order.

## Counts

"""


def counts_table(rows: list[dict]) -> str:
    out = []
    c = collections.Counter((r["category"], r["language"], r["split"]) for r in rows)
    head = "| category | " + " | ".join("%s train/test" % lg for lg in LANG_ORDER) + \
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
            cells.append("%d / %d" % (tr, te))
        name = "**total**" if cat == "total" else cat
        out.append("| %s | %s | %d | %d | %d |" % (name, " | ".join(cells), tr_sum, te_sum,
                                                  tr_sum + te_sum))
    return "\n".join(out) + "\n"


def keyword_table(mails: list[Mail]) -> str:
    out = ["| category | mails | without the obvious words | share |", "|---|---|---|---|"]
    for cat in CATEGORIES:
        ms = [m for m in mails if m.category == cat]
        if cat == "other" or not ms:
            continue
        rx = re.compile(OBVIOUS[cat], re.IGNORECASE)
        free = sum(1 for m in ms if not rx.search(m.fields["subject"] + "\n" + m.body))
        out.append("| %s | %d | %d | %.0f%% |" % (cat, len(ms), free, 100.0 * free / len(ms)))
    return "\n".join(out) + "\n"


def charset_table(rows: list[dict]) -> str:
    c = collections.Counter(r["charset"] for r in rows)
    out = ["| charset | mails |", "|---|---|"]
    for cs, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append("| %s | %d |" % (cs, n))
    return "\n".join(out) + "\n"


def generate(out: Path) -> list[dict]:
    mails = parse_data(DATA)
    seen = set()
    for m in mails:
        if m.key in seen:
            raise SystemExit("duplicate mail: %s" % m.raw[:80])
        seen.add(m.key)
    built = []
    for m in mails:
        data, date = build(m)
        built.append((date.astimezone(dt.UTC), m.key, m, data))
    built.sort(key=lambda t: (t[0], t[1]))
    maildir = out / "mails"
    maildir.mkdir(parents=True, exist_ok=True)
    rows, names = [], set()
    for i, (_, _, m, data) in enumerate(built, 1):
        name = "%03d.eml" % i
        names.add(name)
        (maildir / name).write_bytes(data)
        body_cs = re.search(rb'charset="([^"]+)"', data).group(1).decode()
        rows.append({"file": name, "category": m.category, "split": m.split,
                     "language": m.language, "note": m.note, "charset": body_cs})
    for old in maildir.glob("*.eml"):
        if old.name not in names:
            old.unlink()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "category", "split", "language", "note"])
    for r in rows:
        w.writerow([r["file"], r["category"], r["split"], r["language"], r["note"]])
    (out / "labels.csv").write_text(buf.getvalue(), encoding="utf-8")
    readme = README_HEAD.format(n=len(rows), ntest=sum(r["split"] == "test" for r in rows))
    readme += "Category × language × split (train / test):\n\n" + counts_table(rows)
    readme += "\nDeclared body charsets:\n\n" + charset_table(rows)
    readme += ("\nMails whose subject and new text contain none of the category's obvious "
               "words (see `OBVIOUS` in the generator):\n\n" + keyword_table(mails))
    (out / "README.md").write_text(readme, encoding="utf-8")
    return rows


def text_parts(msg):
    """Leaf parts, not descending into message/delivery-status header blocks."""
    if msg.get_content_type() == "message/delivery-status":
        return
    if msg.is_multipart():
        for sub in msg.get_payload():
            yield from text_parts(sub)
    else:
        yield msg


def check(out: Path, rows: list[dict]) -> int:
    from email import message_from_bytes
    errors = []
    files = sorted(p.name for p in (out / "mails").glob("*.eml"))
    with open(out / "labels.csv", encoding="utf-8", newline="") as f:
        labels = list(csv.DictReader(f))
    listed = [r["file"] for r in labels]
    if sorted(listed) != files or len(set(listed)) != len(listed):
        errors.append("labels.csv does not list every file exactly once")
    for r in labels:
        if r["category"] not in CATEGORIES or r["split"] not in ("train", "test"):
            errors.append("bad label row %r" % r)
    for name in files:
        raw = (out / "mails" / name).read_bytes()
        msg = message_from_bytes(raw, policy=policy.default)
        if msg.defects:
            errors.append("%s: defects %r" % (name, msg.defects))
        for key in ("Date", "Message-ID", "From"):
            if msg[key] is None:
                errors.append("%s: no %s" % (name, key))
        str(msg["Subject"] or "")
        d = msg["Date"].datetime
        if not (dt.datetime(2026, 8, 31, 12, tzinfo=dt.UTC) <= d
                <= dt.datetime(2026, 11, 28, 23, 59, tzinfo=dt.UTC)):
            errors.append("%s: date %s out of range" % (name, d))
        texts = 0
        for part in text_parts(msg):
            if part.get_content_type() not in ("text/plain", "text/html"):
                continue
            if part.get_content_disposition() == "attachment":
                continue
            cs = part.get_content_charset()
            payload = part.get_payload(decode=True)
            try:
                strict = payload.decode({"us-ascii": "ascii"}.get(cs, cs))
            except (UnicodeDecodeError, LookupError) as e:
                errors.append("%s: body does not decode as %s: %s" % (name, cs, e))
                continue
            if part.get_content() != strict:
                errors.append("%s: get_content() differs from strict decode" % name)
            if "\ufffd" in strict:
                errors.append("%s: replacement character in text" % name)
            texts += 1
        if not texts:
            errors.append("%s: no text part" % name)
    for e in errors:
        print("ERROR", e)
    c = collections.Counter(r["category"] for r in labels)
    print(counts_table(labels))
    print("total %d mails, %d test; per category %s" % (
        len(labels), sum(r["split"] == "test" for r in labels),
        ", ".join("%s %d" % (k, c[k]) for k in CATEGORIES)))
    print("OK" if not errors else "%d errors" % len(errors))
    return 1 if errors else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="verify after writing")
    args = ap.parse_args(argv)
    rows = generate(args.out)
    print("wrote %d mails to %s" % (len(rows), args.out))
    if args.check:
        return check(args.out, rows)
    return 0


# ---------------------------------------------------------------------------
# The mails
# ---------------------------------------------------------------------------

DATA: list[str] = []

DATA.append(r"""
#### inquiry en train | plain RFQ with keyword
from: keller
subject: RFQ - PP spunbond 25gsm white, 2x40HQ
--
Hi Lily,

We have a new program starting in January and I'd like to get your quote on:

- PP spunbond, 25 gsm, white, untreated
- width 1.60 m, roll length 1,000 m, 3" paper core
- 2 x 40HQ per month, 6 months to start
- FOB Ningbo, please also show CIF Savannah

If you can get it back to me by Thursday I can include you in the review.

Thanks,

%sig keller

#### inquiry en train | inquiry from German buyer, formal
from: hoffmann
subject: Anfrage / Inquiry needle-punched felt 200 g/m2
--
Dear Ms Chen,

for one of our automotive customers we are looking for a needle-punched
polyester felt, 200 g/m², anthracite, width 2.00 m, thickness approx. 2.5 mm,
flame retardant according to FMVSS 302.

Yearly volume approx. 90,000 m², split in quarterly call-offs.

Please send your offer with price per m² (FCA Ningbo and CIF Hamburg), lead
time for the first lot and the technical data sheet. A test report for
FMVSS 302 would be helpful.

%sig hoffmann

#### inquiry en test | no keyword: "best offer", Japanese buyer
from: tanaka
subject: Request for your best offer (SMS 35g)
--
Dear Ms. Lily Chen,

Thank you very much for your kind support always.

We are now studying a new supplier for SMS 35g/m2, light blue, for disposable
surgical gown. Could you kindly let us know your best offer for the following
three sizes?

  1) 1,000mm x 2,000m
  2) 1,200mm x 2,000m
  3) 1,500mm x 2,000m

Our estimated annual volume is around 120 tons. Term: FOB Shanghai.
We would appreciate your reply by the end of next week.

%sig tanaka

#### inquiry en train | complaint mentioned in passing, asks quote
from: pritchard
subject: Q1 requirement - spunlace
--
Hi Lily,

No complaints at all about the last lot, it ran fine on our lines and the
wet wipes customer is happy.

Now please quote 20 tons of 60gsm spunlace, 50/50 viscose/polyester, plain,
width 2.10 m, for delivery in the first half of February. CIF Felixstowe.

%sig pritchard

#### inquiry en train | no keyword: MOQ and lead time only
from: farsi
subject: SMMS 45gsm medical
--
Dear Lily,

Good day. What is your MOQ and lead time for SMMS 45 gsm, blue, medical grade,
rolls of 2,000 m on 3 inch core? We need EN 13795 compliance and a recent
test report for bacterial barrier.

Please also confirm if you can pack each roll in PE film and put our label.

%sig farsi

#### inquiry en test | RFQ from Latin American distributor
from: mendoza
subject: Consulta de precios - agricultural cover
--
Hello,

We are distributor of agricultural supplies in Peru (Lima and Arequipa). We
want to know your prices CIF Callao for the following:

Agro cover non woven 17 gsm with UV 2%, white, 3.20 m x 250 m rolls
Agro cover 30 gsm, same
Quantity: 1 x 40HQ mixed

Also please tell us if you can put the rolls in a printed bag with our
brand "AndinaCover".

%sig mendoza

#### inquiry en train | no keyword: capacity and lead time
from: ortiz
subject: Capacity check - hydrophilic SS 15gsm
--
Hi Lily,

Quick one before our S&OP meeting on Monday. Could you handle 60 metric tons
a month of hydrophilic SS 15 gsm (diaper topsheet), white, slit to 170 mm and
190 mm? And what lead time should I plan after you get our approval on the
trial run?

Not looking for a final number yet, just need to know if this is realistic for
your lines.

Dana

%sig ortiz

#### inquiry en train date=2026-10-23 | reply: quoted shipping advice, asks price list
from: ellis
subject: Re: Shipping advice - BW-2207 / MSC ARIANE
--
Lily, goods arrived Tuesday, all good.

While I have you: can you send me your current catalogue and price list for
wipes base fabric (spunlace 40-70gsm, plain and apertured)? We are reviewing
suppliers for 2027.

%sig ellis
@@@ quote outlook | lily | Shipping advice - BW-2207 / MSC ARIANE
Dear Tom,

Please be advised that your order BW-2207 has been shipped as below:
Vessel/voyage: MSC ARIANE / 638W
B/L no.: SNLO26090877
ETD Ningbo: 12 Sep, ETA Felixstowe: 21 Oct
Packing list and invoice attached.

Best regards,
Lily

#### inquiry en test | no keyword: "how much would it cost", generic subject
from: feld
subject: Question
--
Hi there,

How much would it cost us for three containers of black landscape fabric,
50 gsm, UV stabilized, rolls 1.5 m x 100 m? Delivered to Oakland if you can,
otherwise FOB is fine.

We go through a lot of this stuff every spring.

Mark

%sig feld

#### inquiry en train date=2026-09-24 | formal RFQ with reference number and deadline
from: weber
subject: RFQ-MT-2026-044 Request for Quotation SMMS / SMS medical
--
Dear Sir or Madam,

MediTex GmbH hereby invites you to submit a quotation for the items listed
below. Please quote in EUR, Incoterms 2020 CIF Bremerhaven, validity 90 days.

Item 1: SMMS 35 g/m², blue, EN 13795-1, 1,600 mm, 45 t/year
Item 2: SMS 25 g/m², white, 1,400 mm, 30 t/year

Deadline for submission: 9 October 2026, 12:00 CET.
Incomplete quotations cannot be considered.

Kind regards
Katrin Weber

%sig weber

#### inquiry en train | HK buyer, no keyword: "advise ur best"
from: lau
subject: 70g bag fabric
--
Lily,

pls advise ur best for 70gsm n/w bag fabric, red + navy, 50/50, 1x40HQ,
FOB Shanghai. Customer comparing with Vietnam so need sharp.

Thx
Kenneth

#### inquiry en test | reply: quoted sample dispatch, asks unit cost
from: sato
subject: Re: Samples sent by DHL 1234567890
--
Dear Lily-san,

Thank you for the samples. Our QA section has approved the 15g hydrophilic
material. Before we decide, could you please let us know the unit cost for
three volumes: 5 t, 10 t and 20 t per shipment, CIF Osaka?

Best regards,
%sig sato
@@@ quote outlook2 | lily | Samples sent by DHL 1234567890
Dear Yuki,

The samples (SS 15g hydrophilic, 2 rolls of 20 m each) were sent today by
DHL, AWB 1234567890. Please let us have your feedback after testing.

Best regards,
Lily

#### inquiry en train | first contact after trade fair, keyword
from: haddad
subject: Inquiry from Canton Fair
--
Dear Sir,

We met your colleague at the Canton Fair (booth 16.2 E 31). We are a medical
distributor in Jordan supplying hospitals in Jordan and Iraq.

Please send us your catalogue and quotation for isolation gown fabric SMS
30 gsm, yellow and blue, and for PP 25 gsm white for shoe covers.

Waiting your reply.

%sig haddad

#### inquiry en train | no keyword: "budget", Brazilian buyer
from: souza
subject: Cotação - TNT 40g verde
--
Hello Lily,

Could you give us a budget for 2 containers of PP spunbond 40 g/m², green
(Pantone 348 C), width 1.40 m, for shopping bags? We are in São Paulo, port
of Santos. What payment terms do you usually work with for new customers?

Obrigada!

%sig souza

#### inquiry en test | forward: buyer's customer spec, no keyword
from: ruiz
subject: FW: especificación tela sin tejer / nonwoven spec
--
Lily, see below from my customer in Guadalajara. Can you work out a number
for this? I need to answer them by Friday.

Regards, Diego
@@@ quote fwd | Ing. Patricia Leal <pleal@hogar-lg.example> | especificación tela sin tejer / nonwoven spec
Diego,

Necesitamos / we need:
- Nonwoven PP 80 gsm, color beige, ancho 1.60 m
- Para tapicería (dust cover under sofas)
- 12,000 m por mes

Saludos,
Patricia Leal

#### inquiry en train date=2026-09-15 | reply: quoted shipping thread, new price question
from: keller
subject: Re: PO 4500871 - shipped?
--
Thanks for the tracking, Lily.

Separate topic: what would you charge for the same spunbond in 30 gsm, 3.2 m
wide? Same packing. Our converting guy wants to try wider rolls.

%sig keller2
@@@ quote gmail | lily | Re: PO 4500871 - shipped?
Dear Brian,

Yes, PO 4500871 left Ningbo on 3 Sep on COSCO PRIDE 067E. ETA Savannah
8 Oct. The B/L copy is attached, original will follow after balance.

Best regards,
Lily

#### inquiry en train | no keyword: cost per sqm DDP
from: hoffmann
subject: grey felt 150 g
--
Hello Lily,

can you check if you can produce needle felt 150 g/m², grey melange, 2 m
wide, and at what cost per m² DDP Krefeld? About 30,000 m² as a first lot.

Thank you and best regards
Jürgen

#### inquiry en test | small craft buyer, no keyword: "what's the minimum"
from: Jane Morris <jane@cotswold-crafts.example>
subject: Felt in small quantities?
--
Hello,

I run a small craft shop in Cirencester. Do you sell small quantities? I need
about 500 metres of felt in ten colours (craft weight, about 1 mm). What's
the minimum you would accept, and could you ship to the UK?

Many thanks,
Jane Morris
Cotswold Crafts

#### inquiry en train date=2026-09-12 | reply: quoted order confirmation, asks for new offer
from: farsi
subject: Re: Order GMS/PO/2026/118 confirmed
--
Dear Lily,

Thank you. For the next lot (January) we also need SMS 25 gsm white, about
8 tons. Please add it to your offer with validity until end of December, so
we can place both together.

%sig farsi
@@@ quote outlook | lily | Order GMS/PO/2026/118 confirmed
Dear Ahmed,

We confirm your order GMS/PO/2026/118: SMMS 45gsm blue, 16 tons, USD 2.18/kg
FOB Ningbo, delivery 25 Oct. Our P/I ACN26-1031 is attached for your
countersignature.

Best regards,
Lily

#### inquiry en train | Turkish buyer asks price list, keyword
from: Mert Yildiz <mert@anatolia-tekstil.example>
subject: spunlace price list
--
Dear supplier,

Please share your price list for spunlace 40, 50, 60 and 80 gsm (plain,
cross-lapped). We buy around 200 tons per year for wet wipes and cosmetic
pads. Delivery to Mersin port.

Best regards
Mert Yildiz
Anatolia Tekstil A.S. | Purchasing

#### inquiry en test | no keyword: reserve capacity, indicate a level
from: tanaka
subject: Planning for 2027 season
--
Dear Ms. Chen,

We are now preparing the 2027 program for agricultural cover. We expect eight
containers of 20g/m2 UV cover, monthly from January to August.

Could you kindly reserve the capacity and indicate a level per kilogram for
this volume? If your level is reasonable we will discuss the detail in
November.

%sig tanaka

#### inquiry zhs train | 询价 with keyword
from: wang_sh
subject: 询价：PP纺粘无纺布 40克 白色
--
莉莉你好：

我们有个客户要PP纺粘无纺布，规格如下，麻烦报个价：
克重：40g/m2
颜色：白色
门幅：1.6米，每卷500米
数量：2个40尺高柜
价格条款：FOB宁波，美金报价

客户比较急，最好今天下班前能给我。谢谢！

%sig wang_sh

#### inquiry zhs train | 报价 request, short
from: zhou_nb
subject: 报价
--
莉莉：

麻烦报一下SMS 25克蓝色的价格，1.2米门幅，5吨，含税到厂价。
客户说下周要定。

晓燕

#### inquiry zhs test | hydrophilic SS latest price
from: sun_gz
subject: 亲水纺粘15克最新价格
--
陈经理您好，

原料最近涨得厉害，麻烦把亲水纺粘15克（白色，170mm分切）的最新价格发我一下，
我们这边要做下季度的预算。月用量大概30吨。

%sig sun_gz

#### inquiry zhs train | no keyword: 多少钱一吨 / 能不能做
from: 李明 <liming@hzxinda.example>
subject: SMS 35克 蓝色
--
陈小姐你好，

我们有个中东客户要SMS 35克蓝色，医用的，月用量三个柜左右。
你们能做吗？多少钱一吨？交期多久？

杭州信达贸易 李明
手机：135 8866 1234

#### inquiry zhs train | complaint mentioned in passing, new 报价
from: wang_sh
subject: 水刺布60克
--
莉莉，

上次那批货的问题已经处理好了，谢谢你们配合。
现在客户又来要货了：水刺布60克，涤粘五五，门幅2.1米，20吨，请报FOB宁波。
这次客户还是看价格，尽量紧一点。

王磊

#### inquiry zhs test | urgent, no keyword: 单价
from: zhou_nb
subject: 急!!
--
莉莉，客户今天下午就要答复：
针刺棉 80克，2米宽，灰色，5000米，
请给个单价，含税出厂，谢谢！！

#### inquiry zhsu train | MOQ question in UTF-8, no keyword
from: 赵飞 <zhaofei@jsyikang.example>
subject: 熔喷布 25克
--
您好，

请问贵公司熔喷布的最小起订量是多少？25克，过滤效率BFE99，门幅175mm，能不能做？
我们是做口罩的，下个月开始要货，每月大概10吨。

江苏益康医疗 采购 赵飞

#### inquiry zhs train | reply: quoted sample dispatch, no keyword (核算成本)
from: wang_sh
subject: 回复：样品已寄出
--
莉莉，

样品客户看过了，觉得手感可以，颜色也对。
麻烦按一万米和三万米两个数量分别核算一下成本，客户要对比一下。

王磊
@@@ quote foxmail | lily | 样品已寄出
王经理您好，

您要的60克水刺布样品今天已经寄出，顺丰单号 SF1234567890123，
明天应该能到，请查收。

陈莉莉

#### inquiry zhs test | no keyword: catalogue request, new supplier
from: sun_gz
subject: 产品目录
--
您好，

我们在找卫生材料的新供应商，麻烦发一份贵司的产品目录和规格表给我。
主要关注亲水无纺布、打孔热风布和SMS。

谢谢！

%sig sun_gz

#### inquiry zhs train | internal forward of buyer inquiry from boss
from: boss
to: lily
subject: 转发: Inquiry - SMS for gowns
--
莉莉，下面这个客户是上次在迪拜展会上认识的，你跟一下，尽快报价给他。
价格可以比平常放低一点，先把客户做进来。

刘
@@@ quote fwdcn | Samir Nasser <samir@emirates-medsupply.example> | Inquiry - SMS for gowns
Dear Mr. Liu,

Nice meeting you at Arab Health. As discussed, please quote SMS 35gsm
blue, 1.6 m width, 2 x 40HQ, CIF Jebel Ali.

Regards,
Samir

#### inquiry zhs train | no keyword: capacity for next year's project
from: 郑华 <zhenghua@cdhengyuan.example>
subject: 供货能力咨询
--
陈经理：

你好！我们明年有个政府招标的项目，需要医用SMS大约800吨，分12个月交。
想先了解一下贵司一个月能稳定出多少吨SMS，有没有相关的资质证书（ISO13485等）。

成都恒远医疗用品 郑华

#### inquiry zhs test | reply: quoted shipping notice, asks 参考价
from: zhou_nb
subject: Re: JT-2609 已出货
--
收到了，谢谢！

另外问一下，黑色地布100克现在行情怎么样？麻烦给个参考价，
客户想明年开春前备一点货。

晓燕
@@@ quote cnoutlook | lily | JT-2609 已出货
周小姐您好，

JT-2609 这票货今天已经装柜发走了，车牌号浙B·5K321，预计明天上午到你们仓库。
送货单随车。

陈莉莉

#### inquiry zhs train | no keyword: bag cost estimate
from: wang_sh
subject: 环保袋
--
莉莉，

有个老客户问环保袋，75克无纺布，四种颜色（红、蓝、绿、米白），
双面印刷两色，尺寸40x35x10cm，数量两万个。
做成袋子的话一个大概多少？你们能做成品还是只能出布？

王磊

#### inquiry zhsu train | no keyword: stock and dispatch days, UTF-8
from: 刘倩 <liuqian@sz-kangning.example>
subject: 医用SMMS现货
--
您好，

请问贵司有没有医用级SMMS的现货？规格：40克，浅蓝色，1.6米门幅。
要5吨左右，如果有的话最快多少天能发？
需要随货提供检测报告。

深圳康宁医疗 刘倩
电话：0755-2555 8899

#### inquiry zhs test cs=gb18030 | EUR quotation asked, gb18030 with euro sign
from: 陈波 <chenbo@wxlianhe.example>
subject: 欧元报价
--
莉莉你好，

德国客户要求用欧元报价，单位€/kg，CIF汉堡。
规格还是上次的针刺毡200克，数量9万平米一年，分四次走。
另外客户问能否做FMVSS 302阻燃，请一并回复。

无锡联合贸易 陈波

#### inquiry zht train | 詢價 with keyword, Taiwan
from: chen_tw
subject: 詢價：PP不織布 30g 白色
--
Lily 您好，

我們需要以下產品報價：
品名：PP不織布（紡粘）
克重：30 g/m2
顏色：白色
幅寬：160 cm，每捲 1000 m
數量：一個 40 呎貨櫃
條件：CIF 基隆

麻煩本週內回覆，謝謝。

%sig chen_tw

#### inquiry zht train | no keyword: MOQ and lead time
from: lin_tw
subject: 水針布 45g
--
Lily 你好：

請問貴公司水針布 45g（平紋，粘膠/聚酯 50/50）的最低訂購量是多少？
交期大概要多久？我們客戶做濕紙巾，一個月大約用 8 噸。

%sig lin_tw

#### inquiry zht test cs=big5-hkscs | HK buyer Cantonese, keyword
from: ho_hk
subject: 環保袋布 80g
--
Lily 你好，

我哋客人想要啲環保袋布，80g，紅色同埋深藍色，各 3 噸。
唔該報個價，FOB 寧波，同埋話我知幾時可以出貨。

Winnie

%sig ho_hk

#### inquiry zht train | reply: quoted sample shipment, asks 報價
from: tsai_tw
subject: 回覆: 樣品寄出通知
--
陳小姐您好：

樣品已收到，品質 OK。請提供正式報價，數量分 5 噸與 10 噸兩種，
條件 CIF 台中，付款方式 T/T。

%sig tsai_tw
@@@ quote twoutlook | lily | 樣品寄出通知
蔡先生您好，

您要的 SMS 35g 樣品今天已用 DHL 寄出，單號 9876543210。
請收到後提供意見，謝謝。

Lily

#### inquiry zht train | no keyword: next year capacity
from: chen_tw
subject: 明年規劃
--
Lily，

明年我們要開一條新的口罩產線，想先了解貴司熔噴布和 SS 的產能，
每月大概各需要 15 噸，不知道貴司是否能穩定供應？
另外交期和包裝方式也請一併說明。

志明

#### inquiry zht test | complaint in passing, asks cost, no keyword
from: lin_tw
subject: Re: 您好
--
Lily：

上次的貨沒什麼問題，客戶很滿意。
這次要再加一個品項：灰色針軋棉 120g，幅寬 2 米，5000 米，
麻煩算一下成本給我們，謝謝。

美玲
@@@ quote gtw | lily | 您好
林小姐您好，貨已經在昨天送到貴司倉庫，請查收。

#### inquiry zht test | HK catalogue request, no keyword
from: wong
subject: 產品目錄
--
Lily 你好，

Kenneth 叫我跟進你們的產品，請問有沒有最新的目錄可以寄給我們？
電子版就可以，主要看醫療用和衛生用的不織布。

謝謝！
Karen Wong
Harbour Trading Co., Ltd.

#### inquiry mix train | HK mixed, keyword price
from: lau
subject: SMS 35g blue
--
Lily，

客人問 SMS 35g blue 嘅 price，1x40HQ，FOB Ningbo，
麻煩今日回覆，thanks!

Kenneth

#### inquiry mix train | forwarded German RFQ with target price
from: wang_sh
subject: FW: RFQ spunlace 50gsm
--
Hi Lily，

德国客户的 RFQ 转给你，spec 见下面，target price USD 1.95/kg，
请看能不能做，今天能回最好。

Thanks
王磊
@@@ quote fwd | Stefan Krüger <s.krueger@hygieia-vertrieb.example> | RFQ spunlace 50gsm
Dear Mr. Wang,

Please offer spunlace 50 gsm, 30/70 viscose/PET, mesh pattern, width
1.80 m, 25 tons. Delivery CIF Hamburg, December.

Best regards
Stefan Krüger

#### inquiry mix train | Taiwan mixed, no keyword: MOQ / lead time
from: chen_tw
subject: spunlace 50gsm
--
Hi Lily,

我們 customer 要 spunlace 50gsm plain, 幅寬 2.1m,
想知道 MOQ 跟 lead time, 還有能不能做 private label 的包裝?

Thanks!
Jimmy

#### inquiry mix train | Singapore buyer, no keyword: how much per kg
from: Tan Wei Ming <weiming@lionbridge-trading.example>
subject: meltblown stock?
--
Hi Lily，

请问你们 meltblown 25gsm BFE99 有没有 stock？大概要 3 tons。
How much per kg, delivered to Singapore? 付款可以 T/T in advance.

Regards,
Tan Wei Ming
Lionbridge Trading Pte Ltd

#### inquiry mix test | reply: quoted order, asks indicative price
from: zhou_nb
subject: Re: PO JT-2611 confirmed
--
Lily 你好，

PO 那边没问题了，谢谢。另外 customer 想 check 一下 30gsm 的
price trend，方便给个 indicative price 吗？不急，这周内就行。

晓燕
@@@ quote gcn | lily | PO JT-2611 confirmed
Dear Xiaoyan,

PO JT-2611 is confirmed: PP SB 30gsm white, 12 tons, delivery 20 Nov.
PI attached.

Lily
""")

DATA.append(r"""
#### sample en train | swatches on courier account, keyword
from: keller
subject: Swatches please - 25/30/40gsm
--
Lily,

Please send two A4 swatches of each: 25, 30 and 40 gsm white spunbond.
Use our DHL account 958 441 203, to my attention at the Dayton address.
Our converting team wants to compare them side by side on Tuesday.

%sig keller

#### sample en train | no keyword: metres for lab testing
from: weber
subject: RFQ-MT-2026-044 - material for laboratory testing
--
Dear Ms Chen,

thank you for your quotation. Before we can list you as an approved
supplier, our laboratory needs 5 running metres of each of the two items
(full width) for testing according to EN 13795.

Please send to:
MediTex GmbH, QA Laboratory, attn. Dr. Sabine Roth
Am Hafen 3, 28217 Bremen, Germany

Please add the lot number and production date on each piece.

%sig weber

#### sample en test | pre-production sample for a PO
from: tanaka
subject: Pre-production sample for SS-26-0931
--
Dear Ms. Lily Chen,

Thank you for accepting our order SS-26-0931.

Before mass production, could you kindly send us the pre-production sample
(2 rolls x 20 m, 1,200 mm width) taken from the first production lot? Our
customer needs to check the softness and the basis weight distribution.

We would appreciate if you could send it by EMS or OCS.

%sig tanaka

#### sample en train | no keyword: a couple of metres to run on line
from: ellis
subject: apertured 55
--
Lily,

Could you pop a couple of metres of the apertured 55gsm in the post? I want
to run it through the converting line next week and see how it behaves at
speed. Usual address.

Ta,
Tom

#### sample en train | reply: quoted quotation, asks samples
from: pritchard
subject: Re: Quotation NWP spunlace 60gsm / 80gsm
--
Hi Lily,

Prices look OK. Before I commit I need samples of both qualities, 3 m each,
sent to Leeds please. If they pass the absorbency test we can talk volume.

%sig pritchard
@@@ quote outlook | lily | Quotation NWP spunlace 60gsm / 80gsm
Dear Sarah,

Thank you for your inquiry. Please find our quotation below:

1. Spunlace 60gsm, 50/50 VIS/PET, plain, 2.10 m: USD 2.35/kg CIF Felixstowe
2. Spunlace 80gsm, 50/50 VIS/PET, plain, 2.10 m: USD 2.28/kg CIF Felixstowe
MOQ 5 tons per item, lead time 25 days after deposit.
Validity: 30 days.

Best regards,
Lily

#### sample en test | courier account for samples, keyword
from: farsi
subject: DHL account for samples
--
Dear Lily,

Please use our DHL import account 958 123 456 for the samples of SMMS 45 gsm
(blue and green). Please mark the invoice "samples of no commercial value"
so there is no duty in Dubai.

%sig farsi

#### sample en train | no keyword: lab dips for colour approval
from: hoffmann
subject: lab dips RAL 7016
--
Dear Lily,

before we release the felt in anthracite, please make three lab dips for
RAL 7016 on the 150 g/m² quality (light, target, dark) and send them to me
by courier. We need the colour approval from our customer before bulk.

Best regards
Jürgen Hoffmann

#### sample en train date=2026-10-02 | no keyword: trial rolls for machine trial
from: ortiz
subject: trial rolls - hydrophilic 15
--
Hi Lily,

Can you ship two trial rolls (full width, about 300 m each) of the 15 gsm
hydrophilic so we can run a machine trial in Plano? Our line is free the
week of October 19th. Air freight is fine, send me the cost and we'll cover it.

%sig ortiz

#### sample en test | counter sample against buyer's reference
from: sato
subject: Reference material for counter sample
--
Dear Lily-san,

We are sending you our reference material today by FedEx (tracking
7788 1234 5678). Could you please make a counter sample which matches the
hand feel and the basis weight (22g) as closely as possible?

Please also write down the fibre composition you used.

Best regards,
%sig sato

#### sample en train | no keyword: "muestras" in Spanish
from: mendoza
subject: Muestras agro cover
--
Dear Lily,

Could you send us some muestras of the agro cover 17g and 30g? One metre of
each is enough, our agronomist wants to check light transmission. Please
send to our office in Lima, address in signature.

%sig mendoza

#### sample en train | no keyword: cuttings for customer meeting
from: lau
subject: red & navy 70g
--
Lily,

pls courier some cuttings of the red and navy 70g to my office, customer
meeting on Tue. 1 yard each ok.

Kenneth

#### sample en test | follow-up: samples not yet received
from: haddad
subject: Samples ??
--
Dear Lily,

Did you send the samples of SMS 30 gsm? We are still waiting and the hospital
is asking us every day. Please send the tracking number.

%sig haddad

#### sample en train | no keyword: roll end to show the team
from: feld
subject: black 50gsm
--
Hey Lily,

can you send me a roll end or two of the 50gsm black? I want to show my guys
before we commit to the spring program. Ship to:

AgriCover USA, attn Mark Feld
4410 E Jensen Ave, Fresno, CA 93725

Mark

#### sample en train | swatches after receiving quotation
from: souza
subject: Re: Cotação - TNT 40g verde
--
Hello Lily,

We received your quotation, thank you. Please send A4 size swatches of the
three greens you have, so our designer can choose the closest to Pantone
348 C. Courier by FedEx, our account 5532-1190-4.

%sig souza

#### sample en test date=2026-10-20 | additional pre-production pieces for biocompatibility
from: weber
subject: PP samples lot 2610 - additional material
--
Dear Ms Chen,

the pre-production samples from lot 2610 arrived in good condition. Our
customer now needs an additional 10 m of the SMMS for the biocompatibility
test (ISO 10993). Could you cut it from the same lot and send it this week?

%sig weber

#### sample en train date=2026-09-18 | reply: quoted payment receipt, asks PP samples
from: keller
subject: Re: Deposit received - PO 4500903
--
Lily,

Glad the money arrived. Please make the PP samples from the bulk and DHL
them to Dayton before you run the rest of the order. 5 m each color.

%sig keller2
@@@ quote outlook | lily | Deposit received - PO 4500903
Dear Brian,

We confirm receipt of the 30% deposit USD 14,820.00 for PO 4500903 today.
Production is scheduled to start on 21 Sep.

Best regards,
Lily

#### sample en train | no keyword: courier account for cuttings
from: ellis
subject: FedEx not DHL
--
Lily, use our FedEx account 6123-4567-8 for the cuttings from now on, not
DHL. Finance want everything on one account. Thanks!

Tom

#### sample en test date=2026-10-05 | no keyword: hand-feel pieces for presentation
from: tanaka
subject: Pieces for customer presentation
--
Dear Ms. Chen,

Regarding the three sizes we discussed, could you kindly prepare hand-feel
pieces in A4 size, 10 pieces of each, for our customer presentation on
20 October? It would be helpful if they arrive in Tokyo by 16 October.

%sig tanaka

#### sample en train | samples per kg, Turkish buyer pays courier
from: Mert Yildiz <mert@anatolia-tekstil.example>
subject: Samples spunlace
--
Dear Lily,

Thank you for the price list. Please send samples of 40, 50 and 60 gsm
spunlace, 1 kg each, to our factory in Mersin. We will pay the courier,
please use TNT account 40218833.

Mert

#### sample en train | no keyword: test roll for greenhouse trial
from: Pieter de Vries <pieter@hollandhorti.example>
subject: frost fleece trial
--
Good morning,

We like to test your frost fleece (30 g/m², UV) in our greenhouse this
winter. Could you send us one roll of 2 x 50 m? We pay the freight of
course, please let me know the cost first.

Met vriendelijke groet,
Pieter de Vries
Holland Horti B.V., Westland

#### sample en test | no keyword: colour card and yardage
from: ortiz
subject: Color card
--
Hi Lily,

Please send us your colour card for the 40gsm range, plus 2 yards of anything
close to Pantone 2945 C if you have it in stock. Our designer is picking
the colours for the 2027 line.

%sig ortiz

#### sample zhs train | 寄样 with keyword, freight collect
from: wang_sh
subject: 寄样
--
莉莉：

麻烦寄几个样品给我：40克白色和蓝色各2米，顺丰到付就行。
地址：上海市闵行区莘松路 888 号 华泰进出口 王磊 收
电话 139 1666 2288

谢谢！

#### sample zhs train | no keyword: A4 pieces to feel the hand
from: zhou_nb
subject: 剪几块布
--
莉莉，

客户要看一下布的手感，能不能剪几块A4大小的布寄过来？
白色和米白各五块，明天到最好。

晓燕

#### sample zhs test | 打样 for new product
from: sun_gz
subject: 打孔热风布打样
--
陈经理，

我们新项目要一款打孔的亲水热风布，25克，孔径1.5mm左右。
麻烦先打样两卷，每卷100米，打好后发我们试机。费用可以先报给我。

%sig sun_gz

#### sample zhs train | reply: quoted quotation, asks 产前样
from: wang_sh
subject: 回复：报价单 - 无纺布40克
--
莉莉，

价格客户可以接受。麻烦先寄产前样确认，没问题我们就下单。
产前样要从大货原料里做，不要用库存布。

王磊
@@@ quote foxmail | lily | 报价单 - 无纺布40克
王经理您好，

40克白色PP纺粘，1.6米门幅，FOB宁波 USD 1.48/KG，起订量5吨，
交期收定金后20天。报价有效期15天。

陈莉莉

#### sample zhs train | internal: sample ready, arrange courier
from: qc
to: lily
subject: 样办做好了
--
莉莉：

台湾客户要的SMS 35克样办已经做好了，克重和透气都测过，数据在袋子里。
放在前台了，你安排寄出吧。

李刚

#### sample zhs test | no keyword: one roll for machine trial
from: 李明 <liming@hzxinda.example>
subject: 蓝色SMS
--
陈小姐，

上次说的那个蓝色SMS，客户想先要一卷试机，大概50米就够，运费我们出。
能这周发出吗？

李明

#### sample zhsu train | no keyword: 色卡 / 布板
from: 刘倩 <liuqian@sz-kangning.example>
subject: 色卡
--
您好，

麻烦寄一份SMMS的色卡和布板给我们，浅蓝、深蓝、绿色三种。
地址：深圳市宝安区福永街道 康宁医疗 刘倩 收，电话 0755-2555 8899。

谢谢！

#### sample zhs train | no keyword: material for 送检
from: 郑华 <zhenghua@cdhengyuan.example>
subject: 送检材料
--
陈经理：

招标要求我们下周把材料送第三方检测，需要每种规格各10米：
SMS 35克、SMS 45克、SMMS 40克。
请寄到成都恒远医疗，郑华收，越快越好。

#### sample zhs test | follow-up: courier number, samples not received
from: zhou_nb
subject: 快递单号?
--
莉莉，快递单号发我一下，样品到现在还没收到，客户在等。

晓燕

#### sample zhs train | reply: quoted delivery notice, asks trial meters, no keyword
from: sun_gz
subject: Re: 到货通知
--
陈经理：

货已经收到了，谢谢。
另外新品打孔热风布，能不能先做几米出来给我们试一下？

孙浩
@@@ quote cnoutlook | lily | 到货通知
孙经理您好，

贵司订的亲水纺粘15克，今天已送到广州仓库，共38卷，请查收。

陈莉莉

#### sample zhs train | colour lab dips, keyword 色样
from: 陈波 <chenbo@wxlianhe.example>
subject: 色样
--
莉莉，

德国客户要色样确认，RAL7016，针刺毡150克。
先打三个色样（偏浅、标准、偏深），做好了直接寄无锡。

陈波

#### sample zhs test | counter sample to match original
from: 陈波 <chenbo@wxlianhe.example>
subject: 对样
--
莉莉你好，

原样昨天已经寄给你们了，麻烦按照原样做一个对样，
克重和手感要一致，颜色可以有一点偏差。
做好先拍照片给我看。

#### sample zhs train | courier account for samples
from: wang_sh
subject: 客户DHL账号
--
莉莉，

客户的DHL账号是 960123456，以后给他们寄样都走这个账号，
运费不要再算到我们头上了。

王磊

#### sample zhsu train | asks for 小样册 (sample book)
from: 马丽 <mali@xmhaiyun-trade.example>
subject: 小样册
--
您好，

我们是厦门的贸易公司，想给海外客户展示你们的全系列产品。
请问有没有现成的小样册？可以寄两本给我们吗？

厦门海韵贸易 马丽

#### sample zhs test | no keyword: another trial roll
from: sun_gz
subject: 再发一卷
--
陈经理：

上次寄的那两卷试机效果不错。还能再发一卷吗？
这次要170mm分切的，机器上直接用。

孙浩

#### sample zht train | 樣品 request, Taiwan
from: chen_tw
subject: 請寄樣品
--
Lily 您好：

請寄以下樣品：
PP 不織布 30g 白色，A4 大小各 5 張
PP 不織布 40g 白色，A4 大小各 5 張
寄到台北辦公室，謝謝。

%sig chen_tw

#### sample zht train | no keyword: cut a few yards
from: lin_tw
subject: 布
--
Lily：

客戶想先看布，能否剪幾碼寄給我們？
地址：台中市西屯區工業區一路 100 號 裕豐貿易 林美玲 收

謝謝

#### sample zht test | 產前樣 for order
from: tsai_tw
subject: 產前樣
--
陳小姐您好：

貴司的 SMS 35g 訂單開始生產前，請先寄產前樣兩份（每份 2 米）給我們確認，
確認後再大量生產。謝謝。

%sig tsai_tw

#### sample zht train cs=big5-hkscs | HK courier account, no keyword (寄板)
from: ho_hk
subject: DHL account
--
Lily，

我哋嘅 DHL account 係 955 882 014，以後寄板用呢個就得，
唔使再預付運費。

Winnie

#### sample zht train | reply: quoted payment receipt, asks 色樣
from: chen_tw
subject: 回覆: 款項已收到
--
Lily：

收到就好。下一批有兩個新顏色（淺灰、粉紅），請先打色樣給我們確認。

志明
@@@ quote twoutlook | lily | 款項已收到
陳先生您好，

貴司匯來的尾款 USD 18,600 今天已經收到，謝謝。
提單正本會在今天寄出。

Lily

#### sample zht test | no keyword: trial rolls feedback, redo softer
from: lin_tw
subject: 試做的兩捲
--
Lily：

試做的那兩捲，客戶覺得手感太硬了。
能不能再做一次軟一點的？做好了再寄兩捲過來給客戶試。

美玲

#### sample zht train | no keyword: HK "布辦"
from: wong
subject: 布辦
--
Lily 你好，

可否寄一些布辦給我們？醫療用的 SMS 和 SMMS，每款一張 A4 就夠。
客人下星期來看。

Karen

#### sample mix train | HK mixed, swatches for customer visit
from: lau
subject: swatches
--
Lily，明天客人來 office，
可否 courier 一啲 swatches 過嚟？red, navy, black 70g 各兩張。
Thanks!

#### sample mix test | mixed feedback and request for heavier sample
from: chen_tw
subject: samples feedback
--
Hi Lily,

上次 samples 的 feedback：手感 OK，但 customer 要再 check 一個
heavier 的，請寄 35g 兩米，越快越好。

Thanks
Jimmy

#### sample mix train | pre-production sample to Hamburg, urgent
from: wang_sh
subject: PP sample Hamburg
--
Lily，

客户要 pre-production sample，3 rolls x 20m，下周三前要到 Hamburg，
能赶吗？用客户的 DHL account 发。

王磊

#### sample mix train | no keyword: 1 metre for own BFE test
from: Tan Wei Ming <weiming@lionbridge-trading.example>
subject: meltblown 1m
--
Hi Lily，

Can send me 1 meter of the meltblown 25gsm? 我们自己测一下 BFE。
Courier account FedEx 7788 1234.

Thanks
Wei Ming

#### sample mix test | reply: quoted shipping notice, asks cuttings, no keyword
from: zhou_nb
subject: Re: 装柜通知 JT-2611
--
收到 thanks！
另外 new item 的 cuttings 什么时候可以寄？客户在催了。

晓燕
@@@ quote gcn | lily | 装柜通知 JT-2611
晓燕你好，

JT-2611 明天上午装柜，柜号 TGHU 8812345，预计周五开船。

Lily
""")

DATA.append(r"""
#### order en train date=2026-09-11 | new PO with keyword
from: keller
subject: New PO 4500912 - PP spunbond 25gsm
--
Hi Lily,

Please find our purchase order 4500912 below, formal PDF follows from SAP.

Item 10: PP spunbond 25 gsm white, 1.60 m x 1,000 m, 2 x 40HQ
Price: USD 1.52/kg FOB Ningbo (as per your quote of Sep 8)
Delivery: ETD Ningbo no later than Oct 30
Payment: 30% deposit, 70% against copy B/L

Please confirm by return and send your P/I.

%sig keller

#### order en train | reply: quoted quotation, "go ahead" without keyword
from: pritchard
subject: Re: Quotation - 45gsm apertured spunlace
--
Hi Lily,

OK, please go ahead with 20,000 m at 0.42. Same labels as last time, and
we'd like it in Leeds before Christmas if at all possible.

%sig pritchard
@@@ quote outlook | lily | Quotation - 45gsm apertured spunlace
Dear Sarah,

Thank you for your interest. Our offer for spunlace 45gsm, apertured,
width 1.80 m:

USD 0.42 per running metre, CIF Felixstowe, minimum 15,000 m.
Lead time: 20 days after receipt of deposit.
Validity: 14 days.

Best regards,
Lily Chen

#### order en test date=2026-10-02 | German Bestellung with keyword
from: hoffmann
subject: Bestellung 26-1187 / purchase order needle felt
--
Dear Lily,

please find attached our purchase order no. 26-1187:

Needle felt 150 g/m², grey melange, 2.00 m, 30,000 m²
EUR 0.61/m² DDP Krefeld, delivery CW 47
Payment 60 days net after receipt of goods

Please send your order confirmation within 3 working days.

%sig hoffmann

#### order en train | reply: quoted offer, "we will proceed", no keyword
from: tanaka
subject: Re: Our offer for SMS 35g
--
Dear Ms. Lily Chen,

Thank you for your offer and your patience.

We are pleased to inform you that we will proceed with size 2)
1,200mm x 2,000m, 40 rolls, at the level you offered. Delivery as early as
possible in November. Our formal document will be sent by our administration
section tomorrow.

%sig tanaka
@@@ quote outlook2 | lily | Our offer for SMS 35g
Dear Mr. Tanaka,

Please find our offer for SMS 35g light blue:
1) 1,000mm x 2,000m  USD 2.06/kg
2) 1,200mm x 2,000m  USD 2.04/kg
3) 1,500mm x 2,000m  USD 2.04/kg
FOB Shanghai, lead time 25 days.

Best regards,
Lily

#### order en train date=2026-09-14 | countersigned P/I
from: farsi
subject: Countersigned PI ACN26-1031
--
Dear Lily,

Please find attached the countersigned P/I ACN26-1031, signed and stamped
by our GM. Kindly start production and advise the expected ETD.

%sig farsi

#### order en test date=2026-10-12 | amendment of delivery date, no keyword
from: weber
subject: 4711-2026 – new delivery date item 2
--
Dear Ms Chen,

due to a change in our customer's schedule, please deliver item 2 (SMS
25 g/m², white) on 15 November instead of 30 October. Quantity and all other
terms remain unchanged.

Please confirm the new date in writing.

%sig weber

#### order en train | PO revision: quantity increased
from: ortiz
subject: GH-PO-26-0412 rev.1 - quantity increase
--
Lily,

Attached is revision 1 of our PO GH-PO-26-0412. The only change is the
quantity: 40 MT -> 55 MT of the 15 gsm hydrophilic (170 mm slit). Price and
delivery schedule unchanged, the extra 15 MT ship with the last container.

Please acknowledge the revised PO.

Dana

%sig ortiz

#### order en train date=2026-09-22 | no keyword: "confirmamos", asks for proforma
from: mendoza
subject: Confirmamos agro cover
--
Dear Lily,

Confirmamos: 1 x 40HQ of agro cover as per your offer of 14 September
(17 g/m² 60%, 30 g/m² 40%), printed bags with our brand. Please send the
proforma so we can open the credit at BCP.

%sig mendoza

#### order en test | HK "ok go ahead", asks PI
from: lau
subject: Re: 70g bag fabric
--
ok go ahead 1x40HQ red/navy 50/50 @ 1.62 FOB Shanghai.
pls send PI today, customer wants ETD mid Nov.

K
@@@ quote gmail | lily | Re: 70g bag fabric
Dear Kenneth,

For 70gsm bag fabric, red and navy, 1x40HQ: USD 1.62/kg FOB Shanghai.
Lead time 18 days.

Lily

#### order en train date=2026-09-08 | marking change for order, no keyword
from: ellis
subject: new carton marks BW-2214 onwards
--
Lily,

Marking change please: from BW-2214 onwards print "BRIGHT WIPES LTD -
MADE IN CHINA" on the carton side instead of our old logo, and add the
lot number under it. Artwork attached. Everything else as before.

Cheers,
Tom
@@@ attach carton_marks_BW.txt
SIDE MARK (both long sides)
BRIGHT WIPES LTD - MADE IN CHINA
LOT NO.: ________
ROLL NO.: ___ / ___
NET WEIGHT: ___ KG

#### order en train | new PO from Jordan
from: haddad
subject: PO LM-PO-2026-077
--
Dear Lily,

Please find our purchase order LM-PO-2026-077:

SMS 30 gsm yellow, 1.6 m x 1,000 m - 6 tons - USD 2.02/kg
SMS 30 gsm blue,   1.6 m x 1,000 m - 6 tons - USD 2.02/kg
CFR Aqaba, shipment in November

Please confirm and send proforma invoice.

%sig haddad

#### order en test | reply: quoted quotation, "we close the deal", no keyword
from: souza
subject: Re: Quotation PP SB 40g green
--
Hello Lily,

We close the deal: 2 containers green 40 g/m², USD 1.55/kg CFR Santos as
in your message below. Please send the proforma invoice for signature, our
director signs on Thursday.

%sig souza
@@@ quote outlook | lily | Quotation PP SB 40g green
Dear Ana,

PP spunbond 40 g/m², green (close to Pantone 348 C), 1.40 m:
USD 1.55/kg CFR Santos, 2 x 40HQ.
Payment: 30% T/T in advance, 70% against copy of B/L.

Best regards,
Lily

#### order en train date=2026-10-06 | Japanese order sheet
from: sato
subject: Order sheet KH-1026
--
Dear Lily-san,

Please find our order sheet KH-1026 for SS 15g hydrophilic, 10 t,
slit 190 mm, delivery to Osaka in mid-November. The price is as per your
quotation dated 28 September.

Kindly confirm receipt of this order.

Best regards,
%sig sato

#### order en train date=2026-10-20 | reply: quoted capacity answer, "let's do it / book", no keyword
from: keller
subject: Re: 30gsm 3.2m
--
Lily,

Let's do it: book 3x40HQ of the 30 gsm, 3.2 m wide, for November
production, same price basis as 4500871 plus the width surcharge you quoted.
Formal paper follows tomorrow from our planner.

%sig keller2
@@@ quote gmail | lily | Re: 30gsm 3.2m
Dear Brian,

Yes, 3.2 m is no problem on line 3. We can produce 3x40HQ in November.
Width surcharge is USD 0.03/kg over the 1.6 m price.

Lily

#### order en test | signed framework agreement, no keyword
from: weber
subject: Framework agreement 2027 - signed
--
Dear Ms Chen,

attached please find the framework agreement for 2027, signed by our
managing director Mr. Albrecht. Please countersign page 6 and return a scan;
two originals follow by post.

%sig weber

#### order en train | reply: quoted quotation, "put us down for two containers"
from: feld
subject: Re: Question
--
Lily,

Your numbers work. Put us down for two containers, first one end of January,
second end of February. Same rolls as quoted.

Mark
@@@ quote gmail | lily | Re: Question
Hi Mark,

Black landscape fabric 50gsm UV, 1.5 x 100 m: USD 1.38/kg FOB Ningbo,
about 14.5 tons per 40HQ.

Lily

#### order en train | price revision, asks reissue PI
from: ruiz
subject: OC-2026-0457 price revision
--
Lily,

As agreed by phone this morning, the unit price for OC-2026-0457 is revised
to USD 1.71/kg (was 1.76). Please reissue the PI with the new amount and
the same delivery date.

Diego

%sig ruiz

#### order en test date=2026-10-26 | quantity reduction on a PO line
from: pritchard
subject: NWP-PO-88213 - reduce line 2
--
Hi Lily,

Please reduce NWP-PO-88213 line 2 from 8 to 5 tons. Our customer cut their
forecast this week. Line 1 stays as it is. Sorry for the late change, I hope
you have not cut the material yet.

%sig pritchard

#### order en train | additional quantity, no keyword
from: tanaka
subject: Additional quantity SS-26-0931
--
Dear Ms. Chen,

Our customer has requested an additional 10 rolls for each size. Could you
kindly add them to SS-26-0931 and produce together? The delivery date may
be one week later if necessary.

%sig tanaka

#### order en train date=2026-10-22 | reply: quoted booking details, repeat for December
from: farsi
subject: Re: Booking confirmation ACN26-1031
--
Dear Lily,

Received the booking details, thank you. Please repeat the same for
December: 16 tons SMMS 45 gsm blue, same price and packing.

%sig farsi
@@@ quote outlook | amy | Booking confirmation ACN26-1031
Dear Ahmed,

Booking for ACN26-1031 is confirmed:
Carrier: ONE, vessel ONE HARMONY 045W, ETD Ningbo 24 Oct, ETA Jebel Ali 9 Nov.
Container 1 x 40HQ. Cut-off 21 Oct.

Best regards,
Amy Xu

#### order en test date=2026-10-26 | roll label change on an order, keyword order
from: hoffmann
subject: label change - order 26-1187
--
Dear Lily,

please change the roll label for order 26-1187: it must show our article
number VH-220-ANT and the batch number as a barcode (Code 128). Layout
attached. If you have printed labels already, please hold them.

Best regards
Jürgen

#### order zhs train date=2026-10-09 | 订单 with keyword
from: wang_sh
subject: 订单：40克白色 2个柜
--
莉莉：

客户确认了，下单如下：
PP纺粘 40克 白色 1.6米 x 500米/卷，2个40尺高柜
单价 USD 1.48/KG FOB宁波
交期：11月10日前出运
麻烦做一下PI发我，谢谢。

王磊

#### order zhs train | reply: quoted quotation, deposit in passing, no keyword
from: zhou_nb
subject: 回复：SMS 25克报价
--
莉莉，

就按这个价格做吧，数量两万米，下周一打定金。
颜色还是上次那个蓝。

晓燕
@@@ quote foxmail | lily | SMS 25克报价
周小姐您好，

SMS 25克 蓝色 1.2米：含税到厂 13.6元/公斤，5吨起，交期15天。

陈莉莉

#### order zhs test | 采购订单 attached
from: sun_gz
subject: 采购订单 MY-PO-261015
--
陈经理：

附件是我司采购订单 MY-PO-261015，请查收并回签。
亲水纺粘15克 白色 170mm 分切，30吨，分三批交货，每批10吨。

%sig sun_gz

#### order zhs train | contract stamped and returned
from: 李明 <liming@hzxinda.example>
subject: 合同已盖章
--
陈小姐：

合同已经盖章回传，请查收。原件今天快递给你们。
请尽快安排生产。

李明

#### order zhs train | no Subject header: quantity added, no keyword
from: 陈波 <chenbo@wxlianhe.example>
subject: <none>
--
莉莉，

客户追加5000平米，同样规格，跟这一批一起做，交期不变。
能做吧？

陈波

#### order zhs test | marking change, no keyword
from: wang_sh
subject: 唛头修改
--
莉莉：

外箱唛头请按附件改一下，客户名称不要出现在箱子上，
只打品名、规格、卷号和毛净重。这票和以后的都按这个。

王磊
@@@ attach 唛头.txt
正唛：
ITEM: PP SPUNBOND 40GSM WHITE
SIZE: 1.6M X 500M
ROLL NO.:
N.W. / G.W.:
MADE IN CHINA

#### order zhsu train | confirm and start production, no keyword
from: 刘倩 <liuqian@sz-kangning.example>
subject: 确认
--
陈小姐，

确认一下：浅蓝SMMS 40克 5吨，按你们报的价格，安排生产吧。
每卷用PE膜包好，贴我们的标签。

刘倩

#### order zhs train | won tender, contract next week
from: 郑华 <zhenghua@cdhengyuan.example>
subject: 中标了
--
陈经理：

好消息，我们中标了！第一批300吨SMS，合同下周签。
请先按附件的规格准备原料，交期12月底开始，每月25吨左右。

郑华

#### order zhs test date=2026-11-03 | delivery date change, no keyword
from: zhou_nb
subject: JT-2612 交期调整
--
莉莉，

JT-2612 交期改到12月5号，客户仓库满了，早到了没地方放。
其他都不变。

晓燕

#### order zhs train | reply: quoted payment receipt, repeat quantity, no keyword
from: sun_gz
subject: Re: 货款已收到
--
陈经理：

好的。下个月继续要30吨，规格不变，价格还按这次的。
到时候还是分三批送。

孙浩
@@@ quote cnoutlook | finance | 货款已收到
孙经理您好，

贵司10月份货款人民币 386,400.00 元已收到，谢谢。

财务部 赵敏

#### order zhs train | internal: new order won, make PI
from: kevin
to: lily
subject: 宏达新单
--
莉莉：

台湾宏达的单子我谈下来了，PO号 HD-2610，3个40尺柜，PP 30克白色。
价格按 USD 1.50 CIF基隆。PO文件志明会直接发给你，你跟一下，做PI给他签。

Kevin

#### order zhs test | price adjustment agreed, keyword 订单
from: 陈波 <chenbo@wxlianhe.example>
subject: 价格调整
--
莉莉，

德国客户同意涨价了，每平米加0.05欧，从下一批开始执行，
订单号不变，你们改一下PI重新发我。

陈波

#### order zhs train cs=gb2312 | colour change, no keyword
from: wang_sh
subject: 颜色改绿色
--
莉莉，

客户把颜色从蓝色改成绿色了，数量不变，还来得及吗？
如果蓝色已经做了，告诉我做了多少。

王磊

#### order zhsu train | 确认下单 from sample book
from: 马丽 <mali@xmhaiyun-trade.example>
subject: 确认下单
--
您好，

我们确认下单：小样册里的第12款和第15款各3吨，
价格按上周的报价，交期希望在12月10号前。

马丽

#### order zhs test | signed proforma returned, no keyword
from: 李明 <liming@hzxinda.example>
subject: 回签
--
陈小姐，

签字盖章的形式发票已经扫描附上，请查收。
客户要求11月底前出运，麻烦排一下。

李明

#### order zht train | 訂單 PO attached, Taiwan
from: chen_tw
subject: 訂單 HD-2610
--
Lily 您好：

附件為本公司訂單 HD-2610，請查收並回簽。
PP 不織布 30g 白色，三個 40 呎貨櫃，單價 USD 1.50 CIF 基隆。

%sig chen_tw

#### order zht train | reply: quoted quotation, go ahead, no keyword
from: lin_tw
subject: 回覆: 水針布 45g 報價
--
Lily：

價格 OK，就照這個做，5000 米，請安排。
包裝跟上次一樣。

美玲
@@@ quote gtw | lily | 水針布 45g 報價
林小姐您好，水針布 45g（粘膠/聚酯 50/50）：USD 2.45/kg FOB 寧波，最少 3 噸。

#### order zht test | 合約 signed and returned
from: tsai_tw
subject: 合約已簽回
--
陳小姐您好：

合約已簽名蓋章，掃描檔如附件，正本另行郵寄。
請依合約交期安排生產。

%sig tsai_tw

#### order zht train cs=big5-hkscs | HK quantity change, no keyword
from: ho_hk
subject: 改數量
--
Lily，

唔該將數量改做 4 噸，顏色唔變，出貨日期照舊。
改完發返份新嘅 PI 俾我。

Winnie

#### order zht train | delivery of second container postponed, no keyword
from: chen_tw
subject: HD-2610 第二櫃延後
--
Lily：

請將 HD-2610 的第二櫃延到 12 月中再出，客戶倉庫還沒空出來。
第一櫃照原計劃。

志明

#### order zht test | additional quantity, no keyword
from: tsai_tw
subject: 追加 2 噸
--
陳小姐：

同規格再追加 2 噸，跟這批一起出，單價照舊。
請回覆是否可以。

宗翰

#### order zht test cs=big5-hkscs | HK colleague confirms option 2 of our offer
from: wong
subject: 確認第二個方案
--
Lily 你好，

Kenneth 已經確認了，請按報價單上嘅第二個方案生產（SMS 35g 淺藍，
每捲 2000 米），數量 6 噸。

Karen

#### order mix train | HK mixed, PO attached
from: lau
subject: PO HT2609-15
--
Lily，

PO HT2609-15 attached，請 confirm delivery date，
customer 要 15/11 前到香港。

Kenneth

#### order mix test | mixed "go ahead" without keyword
from: wang_sh
subject: Re: 45gsm apertured
--
OK，go ahead，20,000 m at 0.42，唛头照旧。
交期尽量12月初。

王磊

#### order mix train | revised PO, quantity change
from: chen_tw
subject: revised PO HD-2610
--
Hi Lily,

revised PO 附上，quantity 改為 3x40HQ（原本 2x40HQ），price 不變。
請 update PI，謝謝。

Jimmy

#### order mix train | confirm and send PI, payment terms in passing
from: Tan Wei Ming <weiming@lionbridge-trading.example>
subject: confirm meltblown 3 tons
--
Hi Lily，

Confirm 3 tons meltblown 25gsm @ USD 3.10/kg. 我们这边 T/T 100% in
advance，pls send PI.

Wei Ming

#### order mix train | signed scan, original by courier, no keyword
from: zhou_nb
subject: signed
--
Lily，

客户 signed 了，scan 附件，原件今天快递给你。
麻烦安排排产，有问题随时 call 我。

晓燕
""")

DATA.append(r"""
#### payment en train date=2026-10-12 | T/T copy for deposit, keyword
from: keller
subject: Payment - PO 4500912 deposit
--
Hi Lily,

Deposit for PO 4500912 (30% = USD 16,416.00) was paid today. T/T copy
attached. Please confirm receipt when it shows up on your side.

%sig keller
@@@ attach TT_copy_4500912.txt
OUTGOING WIRE TRANSFER CONFIRMATION
Ordering customer: HOLLISTER SUPPLY INC.
Beneficiary: ACME NONWOVENS CO., LTD.
Amount: USD 16,416.00
Value date: see bank
Details: PO 4500912 DEPOSIT

#### payment en train date=2026-10-08 | no keyword: wire went out for deposit
from: ortiz
subject: GH-PO-26-0412 deposit
--
Lily,

The wire went out this morning for the 30% deposit on GH-PO-26-0412,
USD 41,250.00. Confirmation from Chase is attached. Let me know once it's
in so production can start.

Dana

%sig ortiz

#### payment en test date=2026-10-14 | remittance advice from German buyer's accounting
from: Vliesstoff Handel Buchhaltung <buchhaltung@vlieshandel.example>
subject: Zahlungsavis / Remittance advice 2026-10-14
--
Sehr geehrte Damen und Herren,
Dear Sir or Madam,

we have remitted the following amount to your account today:

Invoice no.     Date         Amount EUR
ACN26-0871      2026-08-20   18,300.00
ACN26-0902      2026-08-29    9,150.00
----------------------------------------
Total                        27,450.00

Value date: 2026-10-15

Mit freundlichen Grüßen
Buchhaltung / Accounts
Vliesstoff Handel GmbH

#### payment en train | reply: quoted invoice & B/L copy, balance released, no keyword
from: pritchard
subject: Re: NWP-PO-88213 - invoice and B/L copy
--
Hi Lily,

The balance for NWP-PO-88213 was released today, GBP 21,684.50. You should
see it by Wednesday. Please courier the originals to our bank as usual.

%sig pritchard
@@@ quote outlook | lily | NWP-PO-88213 - invoice and B/L copy
Dear Sarah,

Please find attached the commercial invoice ACN26-1044 and the copy of the
B/L for NWP-PO-88213. The vessel is expected in Felixstowe on 14 Nov.
The balance of GBP 21,684.50 is now due.

Best regards,
Lily

#### payment en train date=2026-10-19 | L/C advice from bank
from: bank_hk
subject: Advice of Documentary Credit - Our ref ADV2026/88421
--
ADVICE OF DOCUMENTARY CREDIT

Our reference: ADV2026/88421
Beneficiary: ACME NONWOVENS CO., LTD.
Issuing bank: BANCO DE CREDITO DEL PERU, LIMA
L/C number: 1902LC2600457
Amount: USD 29,860.00
Expiry: 15 DEC 2026, in China
Latest shipment: 30 NOV 2026

We have today advised you of the above L/C without adding our confirmation.
The full text is available in your online trade portal.

Harbourside Bank Trade Services
This is a system-generated advice. Please do not reply to this address.

#### payment en test date=2026-10-30 | no keyword: transferred balance, bank slip attached
from: farsi
subject: ACN26-1031 balance
--
Dear Lily,

We have transferred USD 34,880.00, the balance of ACN26-1031. The bank slip
is attached. Please release the original documents to our bank as soon as
the funds reach you.

%sig farsi

#### payment en train date=2026-10-15 | no keyword: credit opened (Spanish subject)
from: mendoza
subject: Carta de crédito abierta
--
Dear Lily,

The credit was opened today at BCP for the agro cover, number
1902LC2600457, USD 29,860.00. Please check the draft attached and tell us
if you need any change before they send it to your bank.

%sig mendoza

#### payment en train date=2026-10-16 | no keyword: will settle by telegraphic transfer
from: tanaka
subject: Invoice ACN26-0988
--
Dear Ms. Chen,

Please be informed that we will settle your invoice ACN26-0988
(USD 45,220.00) on 25 October by telegraphic transfer through MUFG Bank.
Bank charges on our side will be borne by us.

%sig tanaka

#### payment en test | no keyword: bank details rejected by buyer's bank
from: haddad
subject: your bank details
--
Dear Lily,

Our bank returned the transfer for LM-PO-2026-077. They say the SWIFT code
on your proforma invoice does not match the bank name. Please send us your
correct bank details signed and stamped, so we can send the money again.

%sig haddad

#### payment en train date=2026-10-09 | incoming remittance advice from our bank
from: bank_cn
subject: Inward Remittance Credit Advice - USD 41,250.00
--
Dear Customer,

An inward remittance has been credited to your account ****8801.

Remitter: GREENFIELD HYGIENE PRODUCTS LLC
Remitting bank: JPMORGAN CHASE BANK, N.A., NEW YORK
Amount: USD 41,250.00
Charges: OUR
Value date: 2026-10-09
Remittance information: GH-PO-26-0412 DEPOSIT

Huaxia Commerce Bank, International Settlement Department
This message is generated automatically.

#### payment en train | subject "FW:": forwarded SWIFT copy of deposit, no keyword
from: souza
subject: FW:
--
Hello Lily,

See below the SWIFT copy of the 30% for PC 7781, sent by Banco Itaú today.
Please start production and send us the expected date.

%sig souza
@@@ quote fwd | Banco Itaú Comércio Exterior <comex@itau-bank.example> | Confirmação de transferência internacional
MT103 - SINGLE CUSTOMER CREDIT TRANSFER
:20: ITAU2610PC7781
:32A: 261016USD13640,00
:50K: PLASTISUL EMBALAGENS LTDA
:59: ACME NONWOVENS CO., LTD.
:70: PC 7781 DEPOSIT 30 PCT
:71A: SHA

#### payment en test date=2026-10-08 | accounts payable schedule
from: Hollister Accounts Payable <ap@hollistersupply.example>
subject: Payment scheduled - invoice ACN26-0915
--
Vendor: ACME NONWOVENS CO., LTD. (V-20418)

This is to inform you that the following invoice has been approved and is
scheduled for payment in our run of October 15, 2026:

Invoice ACN26-0915   USD 38,304.00   PO 4500871

Funds are usually received 2-3 business days after the run date.

Hollister Supply Inc. - Accounts Payable
ap@hollistersupply.example

#### payment en train | L/C amendment instructed by buyer
from: weber
subject: L/C 0451-26 amendment
--
Dear Ms Chen,

as requested we have instructed our bank to amend the L/C 0451-26:

- latest shipment date extended to 30 November 2026
- validity extended to 15 December 2026
- partial shipments allowed

The amendment should reach your advising bank within two days.

%sig weber

#### payment en train | no keyword: money's gone, release docs
from: ellis
subject: BW-2214
--
Lily, money's gone for BW-2214, should land Thursday. Can you release the
docs when it lands? Our broker needs them by Friday.

Tom

#### payment en test | HK TT copy for balance
from: lau
subject: TT copy HT2609-15
--
Lily,

TT copy for HT2609-15 balance (USD 22,760) attached. Pls check and release
B/L.

Thx
K

#### payment en train | no keyword: transfer delayed by bank
from: ruiz
subject: OC-2026-0457 transfer
--
Lily,

We had a problem with our bank's compliance department, the transfer for
OC-2026-0457 will be delayed about three days. Funds will go out on Monday,
I will send you the confirmation. Sorry for this.

Diego

#### payment en train date=2026-10-13 | reply: quoted P/I, "sent the 30%", no keyword
from: feld
subject: Re: PI ACN26-1102 landscape fabric
--
Lily,

Sent the 30% today, confirmation below from Wells.

Ref 2026101300452, USD 12,006.00, beneficiary Acme Nonwovens Co Ltd.

Mark
@@@ quote gmail | lily | PI ACN26-1102 landscape fabric
Hi Mark,

Please find our P/I ACN26-1102 for 2 x 40HQ black landscape fabric 50gsm,
total USD 40,020.00. Terms: 30% deposit, balance against copy B/L.
Please sign and return.

Lily

#### payment en test date=2026-11-10 | paid less bank charges
from: sato
subject: Payment for KH-1026
--
Dear Lily-san,

We have paid the amount for KH-1026 today. Please note our bank deducted
USD 35 for charges, so you will receive USD 28,565.00. We apologize for
the inconvenience.

Best regards,
%sig sato

#### payment en train date=2026-11-20 | L/C discrepancy notice from bank
from: bank_hk
subject: Notice of discrepancy - L/C 1902LC2600457
--
Dear Sirs,

Re: our ref ADV2026/88421, documents presented under L/C 1902LC2600457

The issuing bank has advised the following discrepancies:
1. B/L shows "freight collect", L/C requires "freight prepaid".
2. Insurance certificate dated after the on-board date.

Please advise whether we should request the applicant's waiver.

Harbourside Bank Trade Services

#### payment en train | remittance with deduction for damaged rolls
from: hoffmann
subject: invoice 26-388 - remittance
--
Dear Lily,

as agreed on the phone, we deducted EUR 450.00 for the four damaged rolls
from invoice 26-388. The remittance of EUR 12,750.00 was made yesterday, the
advice is attached. With this the matter is closed on our side.

%sig hoffmann

#### payment en test date=2026-10-20 | no keyword: invoice approved, settled within terms
from: MediTex Kreditorenbuchhaltung <ap@meditex-gmbh.example>
subject: Invoice ACN26-1058 approved
--
Dear supplier,

your invoice ACN26-1058 dated 2026-10-02 (EUR 31,200.00) has been approved
and will be settled within our standard terms of 60 days net, i.e. on
2026-12-01.

Please do not send reminders before this date.

MediTex GmbH - Accounts Department

#### payment zhs train | 定金已付 水单
from: wang_sh
subject: 定金已付
--
莉莉：

40克白色那单的定金已付，USD 16,428，水单见附件。
麻烦确认一下，尽快安排生产。

王磊

#### payment zhs train | 尾款 transferred, receipt attached
from: zhou_nb
subject: 尾款
--
莉莉，

JT-2611的尾款今天下午打过去了，回单附件，麻烦查一下到了没有。
到了就可以放货了。

晓燕

#### payment zhs test date=2026-10-12 | bank notice: inward remittance
from: bank_cn
subject: 汇入汇款到账通知
--
尊敬的客户：

贵司账户（尾号8801）于2026年10月12日收到一笔汇入汇款：
汇款人：HOLLISTER SUPPLY INC.
金额：USD 16,416.00
附言：PO 4500912 DEPOSIT

请登录企业网银办理国际收支申报。

华夏商贸银行 国际结算部
（本邮件由系统自动发送，请勿回复）

#### payment zhs train | no keyword: money transferred, bank receipt
from: 李明 <liming@hzxinda.example>
subject: 转了
--
陈小姐，

钱已经转了，银行回单在附件，麻烦确认一下到账没有。
确认后请安排发货。

李明

#### payment zhs train | internal finance: funds arrived, no keyword
from: finance
to: lily
subject: Hollister 到账
--
莉莉：

Hollister那笔 USD 14,820.00 今天到账了（PO 4500903 定金）。
你可以通知车间开工了。

赵敏

#### payment zhs test | 货款 schedule, invoice first
from: sun_gz
subject: 10月货款
--
陈经理：

10月份的货款这周五安排，金额按对账单 386,400 元。
增值税发票请先寄过来，我们财务收到发票才能走流程。

孙浩

#### payment zhs train | L/C advised by bank
from: bank_cn
subject: 信用证通知书 - LC/AMM/26/0771
--
尊敬的客户：

我行已收到以下信用证，现通知贵司：
信用证号：LC/AMM/26/0771
开证行：ARAB BANK PLC, AMMAN
申请人：LEVANT MEDICAL CO.
金额：USD 24,240.00
有效期：2026年12月20日
最迟装运日：2026年11月30日

请于三个工作日内到我行领取正本或登录网银查看。

华夏商贸银行 国际结算部

#### payment zhs train | 信用证修改 by buyer's side
from: 陈波 <chenbo@wxlianhe.example>
subject: 信用证修改
--
莉莉，

德国客户说信用证修改已经发出了：最迟装运期改到11月30日，有效期到12月15日。
你们通知行收到了跟我说一声。

陈波

#### payment zhs test | no keyword: 预付30% transferred
from: 郑华 <zhenghua@cdhengyuan.example>
subject: 预付30%
--
陈经理：

第一批的预付30%已经转了，人民币 1,386,000 元，从建行走的，
应该明天能到。请注意查收。

郑华

#### payment zhs train | reply: quoted claim settlement, pays remainder
from: zhou_nb
subject: 回复：JT-2609 质量问题处理
--
莉莉，

扣款的方案我们接受了。剩下的 48,600 元今天转给你们，回单附上。

晓燕
@@@ quote foxmail | lily | JT-2609 质量问题处理
周小姐您好，

关于JT-2609那8卷有破洞的布，我们同意按每卷1200元扣减，合计9,600元，
请在余款中直接扣除。给您添麻烦了，非常抱歉。

陈莉莉

#### payment zhs train | no keyword: money arranged, will arrive Wednesday
from: wang_sh
subject: 客户那边
--
莉莉，

客户说钱已经安排了，估计周三到。到了跟我说一声，我这边好放单给他。

王磊

#### payment zhsu test | no keyword: 100% advance transferred, UTF-8
from: 刘倩 <liuqian@sz-kangning.example>
subject: 已转账
--
陈小姐，

SMMS 40克那单预付100%已转账，人民币 74,500 元，请查收。
到账后麻烦尽快发货。

刘倩

#### payment zhs train | reply: quoted PI, deposit tomorrow, no keyword
from: sun_gz
subject: Re: PI MY-PO-261015
--
陈经理：

定金今天下午转，明天上午应该能到，到了请回个邮件。

孙浩
@@@ quote cnoutlook | lily | PI MY-PO-261015
孙经理您好，

附件是MY-PO-261015的形式发票，请签字盖章回传。30%定金到账后安排生产。

陈莉莉

#### payment zhsu train | buyer asks to confirm payment, 水单
from: 马丽 <mali@xmhaiyun-trade.example>
subject: 请确认付款
--
您好，

我们昨天已经付款，水单附件，请确认收到没有。
金额人民币 212,000 元。

马丽

#### payment zhs test cs=gb18030 date=2026-11-11 | bank MT103 notification
from: bank_cn
subject: 来账提示 MT103
--
尊敬的客户：

您有一笔来账（MT103）待入账，请在网银中确认收汇用途：
汇款行：MUFG BANK, LTD., TOKYO
汇款人：KIRIN HYGIENE CO., LTD.
金额：USD 28,565.00
附言：KH-1026

华夏商贸银行 国际结算部

#### payment zht train | 匯款通知 for deposit, Taiwan
from: chen_tw
subject: 匯款通知 HD-2610 訂金
--
Lily 您好：

HD-2610 的 30% 訂金 USD 13,500 已於今日匯出，匯款水單如附件，
請查收並安排生產。

%sig chen_tw

#### payment zht train | L/C advice from Taiwan bank
from: bank_tw
subject: 信用狀通知
--
敬啟者：

本行已收到以下信用狀，特此通知：
信用狀號碼：TW-LC-26-00871
申請人：泰康醫材股份有限公司
金額：USD 38,200.00
有效日期：2026 年 12 月 20 日

如有疑問，請洽本行外匯部。

永和商業銀行 外匯部

#### payment zht test | no keyword: money sent, bank document attached
from: lin_tw
subject: 錢已經匯出
--
Lily：

錢已經匯出了，銀行的單據附上，大概兩三天會到。
到了請跟我說一聲。

美玲

#### payment zht train | reply: quoted B/L copy, balance sent, no keyword
from: tsai_tw
subject: 回覆: 提單影本
--
陳小姐您好：

提單影本收到，餘額 USD 26,740 今天已經匯出，請查收後寄正本提單。

%sig tsai_tw
@@@ quote twoutlook | amy | 提單影本
蔡先生您好，

附件是 TK-2609 的提單影本，請核對。收到餘額後我們會寄出正本提單。

Amy

#### payment zht train cs=big5-hkscs | HK TT done, bank copy
from: ho_hk
subject: TT
--
Lily，

TT 已經做咗，附上銀行 copy，USD 9,860。
收到之後同我講聲。

Winnie

#### payment zht test | L/C amendment notice from bank
from: bank_tw
subject: 信用狀修改通知書
--
敬啟者：

信用狀 TW-LC-26-00871 已修改如下：
一、最後裝船日延至 2026 年 12 月 10 日
二、有效日期延至 2026 年 12 月 31 日
其餘條款不變。

永和商業銀行 外匯部

#### payment zht train | no keyword: balance arranged next Monday
from: wong
subject: 上一張發票
--
Lily 你好，

Kenneth 叫我跟你說，上一張發票的餘額我們下星期一安排，
匯率的問題他會再跟你討論。

Karen

#### payment mix train | HK mixed balance TT, bank slip
from: lau
subject: balance
--
Lily，balance 已 TT，bank slip 見附件。
請 check 一下，收到就 release B/L。

K

#### payment mix test | mixed deposit transferred, no keyword
from: wang_sh
subject: deposit
--
Lily，

Deposit 30% 今天 transfer 了，USD 12,430，麻烦 check 一下。
到了请回我。

王磊

#### payment mix train | mixed L/C opened, check terms
from: chen_tw
subject: L/C opened
--
Hi Lily,

L/C 已經開出，L/C no. TW-LC-26-01022，amount USD 41,500，
please check 條款有沒有問題，有問題這週內告訴我。

Jimmy

#### payment mix train | reply: quoted PI, TT done with MT103
from: Tan Wei Ming <weiming@lionbridge-trading.example>
subject: Re: PI ACN26-1120
--
PI received. 100% TT done this morning, attached MT103.
请安排尽快发货，thanks。

Wei Ming
@@@ quote gmail | lily | PI ACN26-1120
Dear Wei Ming,

Please find attached PI ACN26-1120 for 3 tons meltblown 25gsm, total
USD 9,300.00, 100% T/T in advance.

Lily

#### payment mix test | mixed: money sent, bank takes 3 days, no keyword
from: zhou_nb
subject: money
--
Lily，

客户说 money 已经出了，但是 bank 那边要 3 working days，
请耐心等一下，不好意思。

晓燕
""")

DATA.append(r"""
#### shipping en train date=2026-10-12 | forwarder booking confirmation
from: fwd_sh
subject: Booking Confirmation - SO SHA2610488 / ACME NONWOVENS
--
Dear Shipper,

Your booking is confirmed as below:

S/O no.: SHA2610488
Vessel/Voy: CMA CGM JULES VERNE / 0FEM7W1MA
POL: NINGBO   POD: HAMBURG
ETD: 2026-10-21   ETA: 2026-11-26
Equipment: 2 x 40HQ
CY cut-off: 2026-10-18 12:00   SI cut-off: 2026-10-17 17:00
Empty pick-up: Ningbo Beilun Yard 3

Please send your SI before the SI cut-off. Late SI will be charged USD 50.

%sig fwd_sh

#### shipping en train | "before we pay the balance, send the B/L draft"
from: keller
subject: PO 4500871 - draft B/L
--
Lily,

Before we pay the balance on 4500871 please send the B/L draft. Our customs
broker wants to check the description and the HS code before anything is
final.

%sig keller2

#### shipping en test date=2026-10-28 | no keyword: packing list and origin statement for customs
from: hoffmann
subject: documents for customs clearance 26-1187
--
Dear Lily,

for the customs clearance of order 26-1187 we need in advance:
- packing list with net/gross weight per roll
- commercial invoice with the customs tariff number
- statement on origin (REX) on the invoice

Please send scans by e-mail, originals with the goods.

Best regards
Jürgen

#### shipping en train | no keyword: legalised certificate of origin
from: farsi
subject: Certificate of origin - legalization
--
Dear Lily,

For customs clearance in Jebel Ali we need the certificate of origin
legalized by CCPIT and the UAE consulate, together with the commercial
invoice (also legalized). Please start this now, it takes about ten days.

%sig farsi

#### shipping en train | reply: quoted balance reminder, asks container and seal no.
from: pritchard
subject: Re: NWP-PO-88213 - balance due
--
Hi Lily,

I'll sort the balance with our accounts team today.

More urgently: our haulier says the container isn't showing on the
Felixstowe port system yet. Can you send me the container number and the
seal number so they can chase it?

%sig pritchard
@@@ quote outlook | lily | NWP-PO-88213 - balance due
Dear Sarah,

Kind reminder that the balance of GBP 21,684.50 for NWP-PO-88213 is due.
Please arrange it at your earliest convenience so we can release the
original documents.

Best regards,
Lily

#### shipping en test date=2026-10-13 | no keyword: cut-off change, SI deadline
from: fwd_sh
subject: URGENT - cut-off changed SHA2610488
--
Dear Shipper,

Please note the carrier has brought the CY cut-off forward to Thursday
12:00 and the SI deadline to Wednesday 17:00. Please make sure the
containers are gated in on time and send us your SI today.

Rolled cargo will be charged at carrier tariff.

%sig fwd_sh

#### shipping en train | asks shipping schedule, keyword
from: tanaka
subject: Shipping schedule SS-26-0931
--
Dear Ms. Chen,

Could you kindly inform us the shipping schedule for SS-26-0931? Our
warehouse in Yokohama needs to reserve space for the delivery.

%sig tanaka

#### shipping en train | US customs broker asks ISF data, no keyword
from: Pacific Customs Brokers <imports@pacificbroker.example>
subject: ISF filing - Hollister Supply / PO 4500912
--
Hello,

We are the customs broker for Hollister Supply Inc. Please provide the ISF
(10+2) data at least 72 hours before loading at origin:

1. Seller and manufacturer name and address
2. Container stuffing location
3. Consolidator (stuffer) name and address
4. HTS number (6 digits)

Late ISF filings can result in USD 5,000 penalties, so please treat as
urgent.

Pacific Customs Brokers, Savannah GA

#### shipping en test | B/L draft amendment, consignee
from: sato
subject: Amendment of B/L draft
--
Dear Lily-san,

Could you kindly amend the B/L draft as follows?

Consignee: TO ORDER OF MUFG BANK, LTD.
Notify party: KIRIN HYGIENE CO., LTD., 2-3-1 Umeda, Kita-ku, Osaka

All other items are OK.

Best regards,
%sig sato

#### shipping en train | no keyword: customs clearance documents list
from: weber
subject: Documents - customs clearance Bremerhaven
--
Dear Ms Chen,

for customs clearance in Bremerhaven please provide:
- commercial invoice showing HS code 5603.12 and the net weight
- packing list per roll
- copy of the REX registration

Please do not send a Form A, it is no longer accepted.

%sig weber

#### shipping en train date=2026-11-02 | asks ETA of first container
from: ortiz
subject: ETA first container?
--
Lily,

What's the ETA on the first container of GH-PO-26-0412? Our Plano
warehouse needs to schedule receiving and a forklift crew.

Dana

#### shipping en test | no keyword: FTA certificate of origin for Peru
from: mendoza
subject: certificado de origen
--
Dear Lily,

Our customs agent in Callao needs the certificate of origin in the
China-Peru FTA format, signed and stamped, before the container arrives.
Without it we pay 9% duty. Please send a scan first and the original by
courier.

%sig mendoza

#### shipping en train | subject "Re: hello": quoted greeting, asks departure port, no keyword
from: feld
subject: Re: hello
--
Hey Lily,

all good here, thanks. Which port is my stuff leaving from and when? My
trucker in Oakland needs to plan his week.

Mark
@@@ quote gmail | lily | hello
Hi Mark,

Hope all is well in Fresno. Just a quick hello from Ningbo, the weather
is finally cooler here. Let me know if you need anything.

Lily

#### shipping en train date=2026-11-06 | no keyword: loading date and buyer's forwarder
from: lau
subject: loading HT2609-15
--
Lily,

pls arrange loading on 20/11. Our forwarder is Pacific Bridge, contact
Ms Fung 2555 3388, they will send you the SO.

K

#### shipping en test date=2026-11-12 | HK forwarder shipping order, deliver to CFS
from: Pacific Bridge Freight <ops@pacificbridge.example>
subject: Shipping Order - HT2609-15 / CFS Ningbo
--
Dear Shipper,

Please find the shipping order for Harbour Trading HT2609-15 below.

Cargo: nonwoven fabric, 48 rolls, approx. 12 CBM
Please deliver the cargo to our CFS warehouse:
Ningbo Bonded Logistics CFS, Gate 2, Beilun
Latest delivery: 18 Nov 15:00
Please bring the packing list and the customs declaration documents.

Pacific Bridge Freight Ltd. - Ningbo branch

#### shipping en train | B/L must show NCM code and CNPJ
from: souza
subject: B/L instructions PC 7781
--
Hello Lily,

Please insert in the B/L the NCM code 5603.13.30 and our CNPJ
12.345.678/0001-90 in the consignee field, otherwise Santos customs will
hold the cargo. Also the wood pallets must have the ISPM 15 stamp.

%sig souza

#### shipping en train date=2026-09-24 | reply: quoted order confirmation, "on the water"
from: ellis
subject: Re: Order confirmation BW-2214
--
Thanks for confirming. Any chance to get it on the water before the 8th?
Our customer wants it in the shops for their Christmas promotion.

Tom
@@@ quote outlook | lily | Order confirmation BW-2214
Dear Tom,

We confirm your order BW-2214: spunlace 50gsm apertured, 18,000 m,
GBP 0.39/m CIF Felixstowe, with the new carton marks.
Goods ready 2 Oct.

Best regards,
Lily

#### shipping en test | no keyword: telex release request, letter needed
from: fwd_sh
subject: Telex release request - HBL SRL2610331
--
Dear Lily,

The consignee in Hamburg asks for telex release of HBL SRL2610331. Please
send us your signed and stamped letter of instruction and return the
original set if already collected. We will then release to our agent.

%sig fwd_sh

#### shipping en train | asks shipping advice and insurance certificate
from: haddad
subject: shipping advice please
--
Dear Lily,

Please send the shipping advice and the insurance certificate for
LM-PO-2026-077 as soon as the container is loaded. Our bank needs them.

%sig haddad

#### shipping en train | no keyword: loading photos and seal
from: keller
subject: loading photos
--
Lily,

Can you send photos of the container when you load it (empty, half, full,
doors closed, seal number visible)? Our auditors want them on file for
every container from now on.

%sig keller2

#### shipping en test date=2026-11-18 | no keyword: container held at Hamburg, origin declaration
from: hoffmann
subject: urgent - container held in Hamburg
--
Dear Lily,

your container for 26-1187 is at the terminal in Hamburg, but customs are
holding it because the origin statement on the invoice is missing. Please
send a corrected invoice with the REX statement today.

Jürgen

#### shipping zhs train date=2026-10-19 | 订舱确认 from forwarder
from: fwd_nb
subject: 订舱确认 NGB2610215
--
艾克米 陈小姐：

订舱已确认，信息如下：
订舱号：NGB2610215
船名航次：EVER GIVEN 1026W
起运港：宁波  目的港：汉堡
开船日：10月28日
截关：10月25日 12:00  截单：10月24日 17:00
柜型：2x40HQ

请于截单前提供补料。

%sig fwd_nb

#### shipping zhs train | no keyword: 装箱单 and 产地证
from: wang_sh
subject: 装箱单和产地证
--
莉莉：

客户要装箱单和产地证，麻烦这两天发给我。
装箱单上每卷的毛重净重都要写清楚。

王磊

#### shipping zhs test | 提单确认件 from forwarder
from: fwd_nb
subject: 提单确认 NGB2610215
--
陈小姐：

附件是提单确认件，请核对收发货人、品名、件数、重量，
今天下午5点前回复，过时按此出单。

小陈
@@@ attach 提单确认件_NGB2610215.txt
SHIPPER: ACME NONWOVENS CO., LTD.
CONSIGNEE: TO ORDER
NOTIFY: VLIESSTOFF HANDEL GMBH, KREFELD
VESSEL/VOY: EVER GIVEN 1026W
POL: NINGBO  POD: HAMBURG
2 X 40HQ  96 ROLLS  NONWOVEN FABRIC  HS 5603.12
G.W. 21,480 KGS  MEAS. 136 CBM

#### shipping zhs train | no keyword: where are the goods (domestic delivery)
from: zhou_nb
subject: 货到哪了
--
莉莉，

货到哪了？什么时候能到我们仓库？
仓库下午四点以后不收货，麻烦跟司机说一下。

晓燕

#### shipping zhs train | internal: customs docs sent to forwarder, no keyword
from: amy
to: lily
subject: 报关资料
--
莉莉：

宏达那票的报关资料（发票、装箱单、报关委托书）已经发给货代了，
你核对一下数量，第二柜的卷数我是按生产单填的。

Amy

#### shipping zhs test | no keyword: container arrives at factory tomorrow
from: fwd_nb
subject: 明天装柜
--
陈小姐：

柜子明天早上8点到厂装货，司机电话 137 5555 8821，车牌浙B·3X826。
柜号和封条号装完后司机会拍照发给你。

小陈

#### shipping zhs train | reply: quoted PI, delivery documents, no keyword
from: sun_gz
subject: Re: PI MY-PO-261015
--
陈经理：

送货的时候请带上出厂检验报告和送货单，我们仓库没有这些不收货。
另外请提前一天告诉我到货时间。

孙浩
@@@ quote cnoutlook | lily | PI MY-PO-261015
孙经理您好，

附件是MY-PO-261015的形式发票，请签字盖章回传。

陈莉莉

#### shipping zhs train | no keyword: certificate of origin type
from: 陈波 <chenbo@wxlianhe.example>
subject: 产地证
--
莉莉，

德国客户要的是普通原产地证（CO），不要FORM A，
另外需要贸促会认证。发票上的HS编码用5603.14。

陈波

#### shipping zhs test date=2026-10-26 | 船期延误 notice from forwarder
from: fwd_nb
subject: 船期延误通知
--
各位客户：

受台风影响，EVER GIVEN 1026W 原定10月28日开船，现延误至10月31日，
截关时间相应顺延。给您带来不便，敬请谅解。

宁波顺达国际货运代理有限公司

#### shipping zhs train | payment in passing: B/L draft before balance
from: wang_sh
subject: 提单草稿
--
莉莉：

客户说在付尾款之前，要先看提单草稿，确认没问题再付。
麻烦今天发一份给我。

王磊

#### shipping zhs train | no keyword: container and seal number for ISF
from: 李明 <liming@hzxinda.example>
subject: 柜号封条号
--
陈小姐，

麻烦告诉我一下柜号和封条号，美国客户要报ISF，今天必须给他们。

李明

#### shipping zhs test cs=gb2312 | forwarder freight rate sheet (not an inquiry)
from: fwd_nb
subject: 本周海运费报价
--
陈小姐您好：

您问的下个月几个柜子，本周海运费如下（USD，不含目的港费用）：
宁波-汉堡 40HQ 2,350
宁波-费利克斯托 40HQ 2,280
宁波-萨凡纳 40HQ 3,900
宁波-杰贝阿里 40HQ 1,650
有效期至本月底，汉堡那两个柜子如果确定了请提前一周告诉我。

小陈
宁波顺达国际货运代理有限公司 操作部

#### shipping zhsu train | no keyword: fumigation certificate for pallets
from: 刘倩 <liuqian@sz-kangning.example>
subject: 熏蒸证书
--
陈小姐，

这批货用的木托盘，出口到澳洲需要熏蒸证书，报关的时候要用。
麻烦安排一下，费用我们承担。

刘倩

#### shipping zhsu train | no keyword: buyer's forwarder will arrange pickup
from: 马丽 <mali@xmhaiyun-trade.example>
subject: 提货
--
您好，

我们的货代是厦门联运，他们会联系你们约提货时间，请配合。
联系人：黄先生 0592-555 3322。

马丽

#### shipping zhs test | no keyword: reissue delivery note
from: sun_gz
subject: 送货单
--
陈经理：

昨天那车货的送货单上写的还是旧的订货号，仓库对不上。
数量没问题，麻烦重新开一份送货单发过来。

孙浩

#### shipping zht train | B/L draft from Taiwan forwarder
from: fwd_tw
subject: 提單草稿確認 TK-2609
--
您好：

附件為 TK-2609 提單草稿，請確認以下資料：
收貨人、通知人、品名、件數、毛重、材積。
如需修改請於明天中午前回覆。

長榮通運 文件組

#### shipping zht train | asks 船期 for order
from: chen_tw
subject: HD-2610 船期
--
Lily：

請告知 HD-2610 的船期，第一櫃預計哪天開？
我們要先跟報關行約時間。

志明

#### shipping zht test | no keyword: import customs documents
from: tsai_tw
subject: 進口報關文件
--
陳小姐您好：

進口報關需要以下文件，請一併寄來：
一、商業發票
二、裝箱單
三、原產地證明書
請先 email 掃描檔，正本隨貨。

%sig tsai_tw

#### shipping zht train | reply: quoted payment receipt, asks container arrival, no keyword
from: lin_tw
subject: 回覆: 款項收到
--
Lily：

好的，謝謝。貨櫃什麼時候會到台中港？我們要安排拖車。

美玲
@@@ quote gtw | lily | 款項收到
林小姐您好，貴司的餘額已經收到，謝謝！

#### shipping zht train cs=big5-hkscs | HK: our forwarder will contact you, no keyword
from: ho_hk
subject: 裝櫃
--
Lily，

我哋 forwarder 會聯絡你哋約時間裝櫃，聯絡人係 Ms Fung。
裝完櫃記得send 張相俾我。

Winnie

#### shipping zht test date=2026-11-05 | arrival notice Keelung, no keyword
from: fwd_tw
subject: 到貨通知
--
您好：

貴司貨櫃 TGHU 8812345 已於 11 月 5 日抵達基隆港，
請備妥進口報關文件，並於五日內完成提領，逾期將產生倉租。

長榮通運 文件組

#### shipping zht test cs=big5-hkscs | HK: packing list with roll weights, no keyword
from: wong
subject: 裝箱單
--
Lily 你好，

唔該整一份裝箱單俾我，每捲重量都要寫，報關要用。

Karen

#### shipping mix train date=2026-11-11 | forwarder mixed: booking confirmed, SO attached
from: fwd_sh
subject: booking confirmed SHA2611022
--
Lily 你好，

booking 已确认，SO 见附件，cut-off 11/18 12:00。
柜子 11/15 可以提，请安排拖车。

Sunrise Logistics

#### shipping mix train | HK mixed: SI not received, no keyword
from: lau
subject: SI
--
Lily，forwarder 話 SI 未收到，請今日 send，否則趕唔切。

K

#### shipping mix train | mixed: B/L draft to check, consignee change
from: chen_tw
subject: B/L draft
--
Hi Lily,

Please 把 B/L draft 先 email 給我 check，consignee 要改成我們客戶的名字。

Thanks
Jimmy

#### shipping mix train | internal mixed: ISF info missing, no keyword
from: amy
to: lily
subject: Hollister ISF
--
Lily，

Hollister 那票的 ISF info 客户还没给，US 那边要 loading 前 72 hours file，
你催一下 Brian，不然我们要被罚钱。

Amy

#### shipping mix test | reply: quoted complaint receipt, new text about loading list
from: zhou_nb
subject: Re: 关于JT-2609破洞问题
--
Lily，

那个事情先放一放，等客户的检测报告。
今天要问的是：货代说 container 明天到厂，loading list 准备好了吗？

晓燕
@@@ quote gcn | lily | 关于JT-2609破洞问题
晓燕你好，

你们反映的破洞问题我们已经收到，QC正在查生产记录，周五前给你书面答复。

Lily
""")

DATA.append(r"""
#### complaint en train date=2026-10-12 | complaint without keyword: rolls full of holes
from: keller
subject: 4500871
--
Lily,

The rolls we opened this morning are full of holes. Pinholes every few
metres on at least 6 of the 10 rolls we checked, some as big as a dime.
Our converting line had to stop twice. Photos attached.

I need to know what you're going to do about this today.

%sig keller

#### complaint en train date=2026-11-18 | formal complaint with keyword, CAPA
from: ortiz
subject: Formal complaint - GH-PO-26-0412 - basis weight out of spec
--
Lily,

This is a formal complaint regarding GH-PO-26-0412, container 1.
Incoming inspection measured basis weight of 13.1-13.8 gsm against the
specification of 15 +/- 1 gsm (24 samples, report attached).

We request:
1. root cause analysis and corrective action (CAPA) within 10 days
2. your proposal for the non-conforming material (approx. 14 MT)

Dana

%sig ortiz

#### complaint en test | complaint without keyword: third time late, customer furious
from: pritchard
subject: Again?!
--
Lily,

This is the third time this year the shipment is late. Our customer is
furious and I am running out of excuses. They have now asked us to
present a second source by the end of the month.

I need a realistic date, not another "next week".

%sig pritchard

#### complaint en train date=2026-11-23 | claim for wet rolls, credit note requested
from: hoffmann
subject: Reklamation / Claim - order 26-1187 - wet rolls
--
Dear Lily,

on unloading order 26-1187 we found four rolls wet and mouldy at the core.
The container floor was dry, so we assume they were packed wet.

Photos and the delivery note with the remark of our warehouse are attached.
We request a credit note of EUR 450.00 for the four rolls.

%sig hoffmann

#### complaint en train | complaint without keyword: polite Japanese, black spots
from: tanaka
subject: Regarding SS-26-0931
--
Dear Ms. Lily Chen,

We regret to inform you that our customer found black spots on several
rolls of SS-26-0931 (lot no. 2609-14 and 2609-15). Photos are attached.

We would like to ask your investigation and your report of the cause and
countermeasure by the end of next week. Please treat this matter with
priority.

%sig tanaka

#### complaint en test date=2026-11-12 | payment in passing, cartons crushed, no keyword
from: farsi
subject: ACN26-1031 arrival
--
Dear Lily,

Payment was made last week as you know. Now the cartons arrived crushed,
at least 30 of them, and some rolls are deformed so they do not sit on our
cutting machine. This is not acceptable for a medical product.

Please see the photos from the container opening and tell us how you will
compensate.

%sig farsi

#### complaint en train date=2026-11-03 | no keyword: non-conformance report
from: weber
subject: NCR-2026-118 - SMMS lot 2610
--
Dear Ms Chen,

please find attached our non-conformance report NCR-2026-118.
SMMS 35 g/m² lot 2610 failed the hydrostatic head test (measured
28-31 cm H2O, requirement ≥ 40 cm H2O). The lot is blocked in our
warehouse.

We expect your 8D report within 14 days.

%sig weber

#### complaint en train date=2026-11-16 | reply: quoted shipping advice, wrong marks after told twice
from: ellis
subject: Re: Shipping advice BW-2214
--
Lily,

The container arrived but half the cartons still have the OLD logo, after
we told you twice. We can't send these to our customer. Someone has to
re-label 400 cartons in our warehouse and I'm not paying for that.

Tom
@@@ quote outlook | lily | Shipping advice BW-2214
Dear Tom,

BW-2214 has been shipped on MAERSK KOLKATA 643W, ETD 8 Oct, ETA
Felixstowe 12 Nov. Container MSKU 7712345. Documents attached.

Best regards,
Lily

#### complaint en test | colour different from approved swatch, goods returned
from: lau
subject: 20 rolls returned
--
Lily,

customer returned 20 rolls of the navy 70g. Colour totally different from
the approved swatch, much lighter. They won't take it. Pls advise how to
handle, I have the rolls in my warehouse in Kwai Chung.

K

#### complaint en train | no keyword: short rolls, paying for 5% not received
from: feld
subject: roll length
--
Lily,

this is getting old. We measured ten rolls: 95 m, not 100 m. That is 5% I
am paying for and not getting, on every roll. It was the same on the last
load and I let it go.

I want this fixed on the next container and a credit for this one.

Mark

#### complaint en train | no keyword: UV degraded early, Spanish "reclamo"
from: mendoza
subject: Reclamo agro cover 17g
--
Dear Lily,

Our farmers in Ica report the 17 g covers are breaking after three months
in the field. You told us the UV is for one year. Now the customers want
their money back and my salesmen cannot visit them.

We need a solution urgently.

%sig mendoza

#### complaint en test | wrong colour shipped, line stopped, no keyword
from: souza
subject: Wrong colour!! PC 7781
--
Lily,

We ordered green Pantone 348 C, we received dark green, more like 357 C.
Our bag line is stopped because the printer refuses to print on this.
Please call me today.

%sig souza

#### complaint en train | no keyword: threat to change supplier over delays
from: haddad
subject: delays
--
Dear Lily,

We are now considering other suppliers. Your delays are causing us to
lose hospital tenders, two this month. If LM-PO-2026-077 is not loaded
this week we will cancel and buy locally, even at a higher price.

%sig haddad

#### complaint en train date=2026-10-16 | complaint thread follow-up: hold remaining deliveries
from: keller
subject: Re: 4500871 - holes
--
Lily,

Thanks, but "checking with the factory" is not enough. Please put the
remaining deliveries on hold until this is sorted and I have your root
cause in writing.

%sig keller2
@@@ quote outlook | lily | 4500871 - holes
Dear Brian,

We are very sorry for the trouble. We are checking with the production
department and the QC records of these lots, and will come back to you
with our findings by Friday.

Best regards,
Lily

#### complaint en test date=2026-11-24 | customer claim with keyword, width tolerance
from: sato
subject: Customer claim on KH-1026
--
Dear Lily-san,

We received a claim from our customer on KH-1026. The slit width varies
from 185 to 196 mm, while the tolerance is 190 ± 2 mm. About 40% of the
rolls cannot be used on their machine.

Please confirm how you will handle this claim.

Best regards,
%sig sato

#### complaint en train date=2026-11-25 | no keyword: credit note for scrapped material
from: ortiz
subject: scrap 2.3 MT
--
Lily,

We had to scrap 2.3 MT of the 15 gsm from container 2 after the line
trial, it kept breaking at the slitter. We will need a credit note for the
material plus the line downtime, details attached.

Dana

#### complaint en train date=2026-11-19 | no keyword: escalation, no 8D received
from: weber
subject: 2nd reminder - NCR-2026-118
--
Dear Ms Chen,

we still have not received the 8D report for NCR-2026-118. If we do not
receive it by Friday, we will escalate the case to our supplier
development department and put further orders on hold.

%sig weber

#### complaint en test | empty subject: not happy, linting, pallets sent back, no keyword
from: ellis
subject:
--
Lily, not happy. The wipes base from BW-2207 is linting like mad and our
customer is sending pallets back. Call me when you're in.

Tom

#### complaint en train | defective goods with keyword
from: Mert Yildiz <mert@anatolia-tekstil.example>
subject: Defective goods - spunlace 50gsm
--
Dear Lily,

12 rolls of the spunlace 50 gsm are defective: deep wrinkles and creases
across the full width, the rolls were wound too loose. Our cutting machine
cannot process them. Please see the video link from our QC.

We request replacement of these rolls with the next shipment.

Mert

#### complaint en train | quality issue with keyword, absorbency
from: pritchard
subject: Quality issue NWP-PO-88213 - absorbency
--
Hi Lily,

We have a quality issue with NWP-PO-88213: absorbency capacity measured
at 6.2 g/g against 8.0 g/g on your spec sheet. Lab report attached. The
wipes customer has put the lot in quarantine.

%sig pritchard

#### complaint en test | no keyword: very indirect Japanese disappointment over delay
from: tanaka
subject: Regarding the delay
--
Dear Ms. Chen,

Thank you for your e-mail.

We are very sorry to say, but this delay puts us in a difficult position
with our customer, as we had already promised the delivery date to them.
We understand the situation of your factory, however we sincerely hope
such a situation will not be repeated in the future.

%sig tanaka

#### complaint zhs train | no keyword: holes, customer returns goods
from: zhou_nb
subject: JT-2609 破洞
--
莉莉，

JT-2609 这批货客户开了十卷，有8卷布有破洞，大的有指甲盖大小。
客户说要退货，照片附上，你们看怎么处理。

晓燕

#### complaint zhs train | no keyword: 很失望 colour difference
from: wang_sh
subject: 颜色
--
莉莉：

我们很失望，这批货颜色差太多了，跟确认的色样根本不是一个颜色。
客户已经拒收，现在货压在码头。你们必须给个解决方案。

王磊

#### complaint zhs test | 质量问题 with keyword, hydrophilic
from: sun_gz
subject: 质量问题：亲水纺粘渗透时间超标
--
陈经理：

这批亲水纺粘15克有质量问题，我们测了渗透时间，大部分超过3秒，
标准是2秒以内。已经影响生产了。
检测数据附上，请尽快回复处理意见。

%sig sun_gz

#### complaint zhs train | no keyword: threat to change supplier
from: 李明 <liming@hzxinda.example>
subject: 交期
--
陈小姐，

这已经是第三次推迟了。再这样下去我们只能考虑换供应商了。
客户那边我已经没法交代。

李明

#### complaint zhs train | formal 投诉 with keyword
from: 郑华 <zhenghua@cdhengyuan.example>
subject: 正式投诉
--
陈经理：

现就贵司第一批SMS提出正式投诉：
1. 克重偏轻，实测31-33克，合同要求35克±5%；
2. 部分卷有明显的油斑；
3. 包装膜破损严重。
请于三个工作日内给出书面答复。

成都恒远医疗 郑华

#### complaint zhs test | 索赔 with keyword, basis weight short
from: 陈波 <chenbo@wxlianhe.example>
subject: 德国客户索赔
--
莉莉，

德国客户发来索赔：针刺毡克重不够，实测135克，合同150克，
要求赔偿差价和检测费，一共2,860欧元。他们的检测报告我转给你。

陈波

#### complaint zhsu train | no keyword: packaging broken, fabric dirty
from: 刘倩 <liuqian@sz-kangning.example>
subject: 货到了，但是…
--
陈小姐，

货到了，外包装破了好几卷，布都脏了，医用的东西这样没法用。
照片发你微信了，怎么处理？

刘倩

#### complaint zhs train | reply: quoted delivery notice, rolls missing, no keyword
from: sun_gz
subject: Re: 到货通知
--
陈经理：

你们这车货少了3卷。送货单写的38卷，我们实收35卷，司机也签字确认了。
请查一下。

孙浩
@@@ quote cnoutlook | lily | 到货通知
孙经理您好，

贵司订的亲水纺粘15克，今天已送到广州仓库，共38卷，请查收。

陈莉莉

#### complaint zhs test | no keyword: delays, customer imposes penalty
from: wang_sh
subject: 又延期
--
莉莉：

交期一拖再拖，客户已经说要罚款了，每天千分之五。
你们到底哪天能出？请给我一个准确的日期。

王磊

#### complaint zhs train | complaint thread follow-up: hold remaining lots
from: zhou_nb
subject: Re: 关于JT-2609破洞问题
--
莉莉，

剩下的两批先别发了，等这个问题解决了再说。

晓燕
@@@ quote foxmail | lily | 关于JT-2609破洞问题
周小姐您好，

你们反映的破洞问题我们已经收到，QC正在查生产记录，周五前给你书面答复。

陈莉莉

#### complaint zhsu train | no keyword: wrong slit width delivered
from: 马丽 <mali@xmhaiyun-trade.example>
subject: 分切宽度不对
--
您好，

我们要的是170mm分切的，到货的全部是190mm，客户机器上不了。
请尽快安排换货，运费你们承担。

马丽

#### complaint zhs test cs=gb18030 | no keyword: bad smell, customer wants explanation
from: 陈波 <chenbo@wxlianhe.example>
subject: 异味
--
莉莉，

这批毡子有很重的异味，客户开箱就闻到了。德国那边对气味要求很严格（VDA 270），
要求我们给个说法，还要做检测。你们是不是换了原料？

陈波

#### complaint zhs train | no keyword: promised compensation not yet done
from: 李明 <liming@hzxinda.example>
subject: 补偿的事
--
陈小姐，

上次说好的补偿到现在还没落实，已经一个多月了。
如果下一单还不扣，我们就不好合作了。

李明

#### complaint zhs train | no keyword: test report fails tender requirement
from: 郑华 <zhenghua@cdhengyuan.example>
subject: 检测报告
--
陈经理：

第三方检测报告出来了，细菌过滤效率只有92%，标书要求95%以上。
这个结果我们没法交给医院。请给出解释和整改措施。

郑华

#### complaint zhs test | payment in passing, goods still not out, no keyword
from: wang_sh
subject: 怎么还没出？
--
莉莉，

钱我们上周就付了，可是货到现在还没出，这已经是第二次了。
客户天天打电话骂我。今天必须给我答复。

王磊

#### complaint zht train | 品質問題 with keyword, oil stains
from: chen_tw
subject: 品質問題：布面油污
--
Lily：

HD-2610 第一櫃的布有品質問題，約有 15 捲布面有油污，
照片附上。客戶要求退換，請盡快回覆處理方式。

%sig chen_tw

#### complaint zht train | no keyword: wrinkles, cannot run on machine
from: lin_tw
subject: 皺摺
--
Lily：

客戶開箱發現整捲都是皺摺，根本無法上機。
這批一共 40 捲，已經開了 6 捲都一樣。請給我們一個交代。

美玲

#### complaint zht test | no keyword: second late delivery, very disappointed
from: tsai_tw
subject: 交期
--
陳小姐：

這是第二次延遲交貨了，我們非常失望。
醫院的標案有時間限制，再延誤我們會被罰款，請務必重視。

宗翰

#### complaint zht train cs=big5-hkscs | HK: goods differ from approved piece, customer refuses
from: ho_hk
subject: 啲貨唔對
--
Lily，

啲貨同之前批咗嗰塊布差好遠，手感硬好多，客人唔收。
你哋點樣處理？唔該今日覆我。

Winnie

#### complaint zht train date=2026-11-04 | reply: quoted shipping advice, one pallet missing
from: chen_tw
subject: 回覆: HD-2610 出貨通知
--
Lily：

貨到了，但是少了一個棧板（12 捲），裝箱單上有，實際沒有。
請儘快查明。

志明
@@@ quote twoutlook | lily | HD-2610 出貨通知
陳先生您好，

HD-2610 第一櫃已於 10/28 出貨，船名 WAN HAI 316，預計 11/2 到基隆。
裝箱單與發票如附件。

Lily

#### complaint zht test | compensation demanded for delay penalty, no keyword
from: tsai_tw
subject: 要求賠償
--
陳小姐您好：

因貴司延誤交貨，本公司已被客戶罰款新台幣 150,000 元。
依合約第八條，我們要求貴司負擔此筆損失，請於本週內回覆。

%sig tsai_tw

#### complaint zht train cs=big5-hkscs | HK Cantonese: boss angry, how to handle
from: wong
subject: 上批貨
--
Lily 你好，

Kenneth 好嬲，話上批貨有好多捲封膜爛咗，入面啲布污糟晒。
唔該盡快回覆點樣處理。

Karen

#### complaint mix train | HK mixed: holes, credit note requested, keyword 投訴
from: lau
subject: holes
--
Lily，

客人投訴 roll 入面有 holes，photos attached，佢哋要 credit note。
請今日回覆。

K

#### complaint mix test | mixed: colour too far off, customer refuses, no keyword
from: wang_sh
subject: color
--
Lily，

这批 color 差太远了，customer 不肯收，how to solve？
请今天给我一个方案。

王磊

#### complaint mix train | Taiwan mixed: two weeks late, customer cancelled part, no keyword
from: chen_tw
subject: delay
--
Hi Lily,

delay 了兩個禮拜，我們的 customer 已經 cancel 一部分了，很頭痛。
剩下的到底什麼時候可以出？

Jimmy

#### complaint mix train | mixed: BFE below spec, wants to return goods, no keyword
from: Tan Wei Ming <weiming@lionbridge-trading.example>
subject: BFE result
--
Hi Lily,

BFE test result only 94%, not 99 like your spec sheet. 我们要退货，
or you give us a solution. Report attached.

Wei Ming

#### complaint mix test | complaint thread: compensation demanded, no keyword
from: zhou_nb
subject: Re: 关于JT-2609破洞问题
--
Lily，

test report 出来了，确实是 production 的问题，
我们要求赔偿 RMB 9,600，直接从尾款里扣。请确认。

晓燕
@@@ quote gcn | lily | 关于JT-2609破洞问题
晓燕你好，

你们反映的破洞问题我们已经收到，QC正在查生产记录，周五前给你书面答复。

Lily
""")

DATA.append(r"""
#### other en train kind=ooo date=2026-09-14 | OOO quoting PO in subject
from: keller
subject: Automatic reply: New PO 4500912 - PP spunbond 25gsm
--
Thank you for your message. I am out of the office until Monday, September
21, with limited access to e-mail.

For urgent matters regarding purchase orders please contact Linda Morrow
(lmorrow@hollistersupply.example, +1 937 555 0150).

Brian Keller

#### other en train kind=bounce | bounce quoting order confirmation
from: MAILER-DAEMON@mx.acme.example (Mail Delivery System)
subject: Undelivered Mail Returned to Sender
--
This is the mail system at host mx.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

                   The mail system

<h.tanaka@sanwa-shoji.example>: host mail.sanwa-shoji.example[203.0.113.21]
    said: 550 5.1.1 <h.tanaka@sanwa-shoji.example>: Recipient address
    rejected: User unknown in virtual mailbox table
@@@ original h.tanaka@sanwa-shoji.example | Order confirmation SS-26-0931
Dear Mr. Tanaka,

Thank you for your order SS-26-0931. We confirm:
SMS 35g light blue, 1,200mm x 2,000m, 40 rolls, USD 2.04/kg FOB Shanghai.
Delivery: end of November.

Please find our P/I ACN26-1077 attached for your signature.

Best regards,
Lily Chen

#### other en test kind=html | trade fair invitation newsletter
from: INDEX Exhibitions <invite@index-expo.example>
subject: You're invited: INDEX 2027 Geneva – register now and save 30%
--
Dear Industry Professional,

INDEX 2027, the world's leading nonwovens exhibition, returns to Palexpo
Geneva from 11 to 14 May 2027.

Meet over 650 exhibitors from 45 countries, discover the latest in
spunmelt, spunlace and airlaid technology, and join 12,000 buyers.

Register before 31 December and save 30% on your visitor pass.

Register now: https://index-expo.example/register

You receive this e-mail because you visited INDEX 2024.
Unsubscribe | Privacy policy

#### other en train | phishing posing as courier, customs fee
from: DHL Express <noreply@dhl-parcel-notice.example>
subject: Your shipment is on hold - action required
--
Dear Customer,

Your shipment 7734 9921 04 could not be delivered because of unpaid
customs duties (USD 2.99).

To release your parcel, please confirm your payment details within 24
hours:

https://dhl-parcel-notice.example/release?id=77349921

If you do not confirm, the parcel will be returned to the sender.

DHL Express Customer Service

#### other en train | bank marketing mentioning L/C and trade finance
from: bank_hk
subject: Special offer: trade finance for exporters – L/C fees from 0.08%
--
Dear Valued Client,

Grow your export business with Harbourside Bank's trade finance solutions.

For a limited time, enjoy:
- L/C advising and confirmation fees from 0.08%
- Pre-shipment financing at preferential rates
- Free online trade portal for the first 12 months

Contact your Relationship Manager or visit
www.harbourside-bank.example/trade to learn more.

This is a marketing communication. To unsubscribe, reply STOP.

#### other en test kind=ooo date=2026-10-07 | German/English OOO mentioning Bestellungen
from: hoffmann
subject: Abwesenheitsnotiz: Bestellung 26-1187 / purchase order needle felt
--
Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 16.10.2026
nicht im Büro. In dringenden Fällen (Bestellungen, Lieferungen) wenden Sie
sich bitte an Frau Petra Lange, p.lange@vlieshandel.example.

Thank you for your message. I am out of the office until 16 October 2026.
For urgent matters (orders, deliveries) please contact Ms Petra Lange,
p.lange@vlieshandel.example.

Jürgen Hoffmann

#### other en train date=2026-09-22 | thank-you note, mooncakes, no action
from: ellis
subject: Mooncakes!
--
Lily,

The box of mooncakes arrived today, the office demolished it in about ten
minutes. Very kind of you, please say thanks to the team.

Tom

#### other en train kind=bounce status=5.2.2 diag=552_5.2.2_Mailbox_full date=2026-10-25 | bounce quoting shipping advice
from: MAILER-DAEMON@mx.acme.example (Mail Delivery System)
subject: Undelivered Mail Returned to Sender
--
This is the mail system at host mx.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<ahmed@gulfmed.example>: host mx1.gulfmed.example[192.0.2.77] said:
    552 5.2.2 <ahmed@gulfmed.example>: Mailbox full (in reply to RCPT TO
    command)
@@@ original ahmed@gulfmed.example | Shipping advice ACN26-1031 / ONE HARMONY 045W
Dear Ahmed,

Please be advised that ACN26-1031 has been shipped:
Vessel: ONE HARMONY 045W, ETD Ningbo 24 Oct, ETA Jebel Ali 9 Nov.
Container: ONEU 1234567, seal 887766.
B/L no.: ONEYNGBG12345600

Best regards,
Amy Xu

#### other en test | spam: SEO and marketplace ranking
from: Kevin Marketing <growth@rank-boost.example>
subject: Get 300% more buyers for Acme Nonwovens
--
Hi there,

I checked your website acme.example and noticed you are not ranking on the
first page of Google for "nonwoven fabric supplier".

Our team can get you to the top in 90 days, guaranteed, and boost your
Alibaba ranking too. Can I send you a free audit?

Best,
Kevin
Growth Specialist | Rank Boost Agency

Reply "NO" if you don't want to hear from me again.

#### other en train date=2026-09-01 | trade fair invitation from another company
from: Sophia Li <sophia@jiahe-machinery.example>
subject: Visit us at Cinte Techtextil China – Hall N3 Booth 3B21
--
Dear Sir/Madam,

Jiahe Machinery will show our new 3.2 m SMS line at Cinte Techtextil
China, Shanghai, 2-4 September.

We sincerely invite you to visit our booth Hall N3, 3B21 and meet our
engineers. Free coffee and a small gift for every visitor!

Sophia Li
Jiahe Nonwoven Machinery Co., Ltd.

#### other en train date=2026-10-27 | OOO without Auto-Submitted header, quoting PO subject
from: pritchard
subject: Out of Office: NWP-PO-88213 - reduce line 2
--
I'm on annual leave until Monday 2 November and won't be checking e-mail.

For anything urgent on purchase orders please contact
purchasing@northwindpack.example, otherwise I'll reply when I'm back.

Sarah

#### other en test date=2026-11-16 | holiday notice from buyer
from: sato
subject: Office closure notice
--
Dear Business Partners,

Please be informed that our office will be closed on 23 November (Labour
Thanksgiving Day) and on 24 November for inventory.

We will resume normal business on 25 November.

Kirin Hygiene Co., Ltd.
General Affairs Department

#### other en train | phishing: mailbox storage full, verify
from: acme.example Mail Admin <admin@acme-mailsupport.example>
subject: orders@acme.example: Your mailbox storage is 98% full
--
Dear orders@acme.example,

Your mailbox has exceeded its storage limit. You may not be able to send
or receive new messages (including purchase orders and payment advices).

Click below to increase your storage for free:

https://acme-mailsupport.example/upgrade?user=orders

Failure to verify within 24 hours will result in suspension.

IT Service Desk

#### other en train kind=html date=2026-10-29 | industry newsletter mentioning prices
from: Nonwovens Weekly <news@nonwovens-weekly.example>
subject: Nonwovens Weekly #44: PP resin prices slip, spunlace capacity in Asia
--
NONWOVENS WEEKLY - Issue 44/2026

* PP resin prices in Asia slipped another 2% this week as naphtha eased.
  Homopolymer raffia grades traded at USD 980-1,010/t CFR China.

* Three new spunlace lines in Vietnam and Indonesia will add 60,000 t of
  capacity in 2027, analysts say.

* Interview: "Buyers want shorter lead times, not lower prices."

Read the full issue online: https://nonwovens-weekly.example/44

You are subscribed as orders@acme.example. Unsubscribe.

#### other en test | thank-you for hospitality, no action
from: tanaka
subject: Thank you for your hospitality
--
Dear Ms. Chen, dear Mr. Liu,

We have returned safely to Tokyo. Thank you very much for your kind
hospitality during our visit to Ningbo, and for showing us your factory.
The dinner by the lake was wonderful.

We look forward to our continued good relationship.

%sig tanaka

#### other en train | phishing: fake overdue invoice
from: Accounts Department <accounts@northwlnd-pack.example>
subject: Invoice #INV-88231 payment overdue
--
Hello,

Please find attached invoice INV-88231 which is now 14 days overdue.
To avoid a late fee please view and settle the invoice through our secure
portal:

https://northwlnd-pack.example/secure/INV-88231.html

Note: our bank details have changed, see the portal for the new account.

Regards,
Accounts Department

#### other en train | social network notification
from: BizConnect <notifications@bizconnect.example>
subject: You appeared in 12 searches this week
--
Hi Lily,

You appeared in 12 searches this week.
People who searched for you work at: Hollister Supply, MediTex GmbH and 3
others.

See who's looking: https://bizconnect.example/me/search-appearances

Unsubscribe from these notifications.

#### other en test kind=ooo date=2026-11-02 | Japanese OOO quoting order sheet number
from: sato
subject: Auto Reply: Order sheet KH-1026
--
Thank you for your e-mail.

I am out of the office from 30 October to 4 November and will reply after
my return. For urgent matters, please contact Mr. Kenji Mori
(k.mori@kirin-hygiene.example).

Yuki Sato

#### other en train kind=bounce status=5.3.4 diag=552_5.3.4_Message_size_exceeds_fixed_limit | bounce (too large) quoting PI
from: MAILER-DAEMON@mx.acme.example (Mail Delivery System)
subject: Undelivered Mail Returned to Sender
--
This is the mail system at host mx.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<dortiz@greenfield-hygiene.example>: host
    mail.greenfield-hygiene.example[198.51.100.9] said: 552 5.3.4 Message
    size exceeds fixed limit (in reply to end of DATA command)
@@@ original dortiz@greenfield-hygiene.example | PI ACN26-1088 / GH-PO-26-0412 rev.1
Dear Dana,

Please find attached the revised P/I ACN26-1088 for GH-PO-26-0412 rev.1
(55 MT hydrophilic SS 15 gsm), plus the test reports and photos of the
trial run.

Best regards,
Lily

#### other en train date=2026-09-22 | survey request from certification body
from: Certi-Q Audit Services <survey@certiq.example>
subject: How did we do? Your ISO 9001 surveillance audit
--
Dear Customer,

Thank you for choosing Certi-Q for your ISO 9001 surveillance audit on
15 September. We would be grateful if you could take two minutes to rate
your experience:

https://certiq.example/survey/ACME-2026

Your feedback helps us improve.

Certi-Q Audit Services

#### other en test date=2026-11-05 | bank webinar invitation
from: bank_hk
subject: Webinar: managing RMB/USD exposure in 2027
--
Dear Client,

Join our economists on 19 November, 15:00 HKT, for a 45-minute webinar on
FX hedging for exporters: forwards, options and natural hedging.

Register: https://harbourside-bank.example/webinar/fx2027

Harbourside Bank - Global Markets

#### other en train date=2026-11-24 | greeting, no business action
from: keller
subject: Happy Thanksgiving
--
Lily,

Just wanted to say Happy Thanksgiving to you and the team. We're off
Thursday and Friday, back Monday. Thanks for a good year.

%sig keller2

#### other en train | unsubscribe confirmation
from: Textile Buyers Digest <no-reply@tbdigest.example>
subject: You have been unsubscribed
--
You have been unsubscribed from Textile Buyers Digest and will no longer
receive our weekly sourcing news.

Changed your mind? Resubscribe: https://tbdigest.example/subscribe

#### other en test date=2026-10-13 | read receipt quoting PO subject
from: keller
subject: Read: PO 4500912 confirmation
--
Your message

  To: Brian Keller
  Subject: PO 4500912 confirmation
  Sent: Tuesday, October 13, 2026 10:02:11 AM (UTC+08:00) Beijing

was read on Tuesday, October 13, 2026 9:47:30 AM (UTC-05:00) Eastern Time.

#### other zhs train kind=ooo | Chinese OOO quoting order subject
from: wang_sh
subject: 自动回复：订单：40克白色 2个柜
--
您好，我这几天在外地出差，邮件回复会不及时。
急事请打我手机 139 1666 2288，或联系同事小李 021-5555 8867。

王磊

#### other zhs train date=2026-09-15 | internal holiday notice
from: hr
to: Acme 全体员工 <all@acme.example>
subject: 2026年中秋、国庆放假安排
--
各位同事：

根据国家规定，结合公司实际情况，2026年中秋、国庆放假安排如下：
中秋节：9月25日（周五）放假一天。
国庆节：10月1日（周四）至10月7日（周三）放假调休，共7天；
9月27日（周日）、10月10日（周六）正常上班。

放假前请各部门做好安全检查，关闭电源门窗。
祝大家节日快乐！

行政部

#### other zhs test kind=bounce | Chinese bounce quoting order confirmation
from: 系统退信 <postmaster@mail.hzxinda.example>
subject: 系统退信
--
很抱歉，您发送的邮件被退回。

收件人：liming@hzxinda.example
退信原因：收件人邮箱已停用或不存在。

请核实收件人地址后重新发送。
@@@ original liming@hzxinda.example | 订单确认 - SMS 35克 蓝色
李经理您好，

贵司订单确认如下：SMS 35克 蓝色 3个柜，单价按报价单，交期11月20日。
合同附件，请盖章回传。

陈莉莉

#### other zhs train | Chinese spam: invoice issuing
from: 张经理 <zhang88@dai-kai.example>
subject: 贵公司负责人（财务）
--
您好！

本公司有部分进项发票可代开，增值税专用发票、普通发票均可，
点数优惠，可先验票后付款。

联系人：张经理 138 0000 5555（微信同号）

如有打扰，敬请谅解。

#### other zhs train | internal chit-chat, milk tea
from: kevin
to: orders
subject: 奶茶
--
今天业绩不错，下午我请大家喝奶茶，要喝的在群里接龙。
莉莉你上次说的那家太甜了，这次换一家。

#### other zhs test kind=html | trade fair invitation (Chinese)
from: 展会组委会 <expo@since-nonwoven.example>
subject: 邀请函｜2026中国国际非织造材料展览会
--
尊敬的客户：

2026中国国际非织造材料展览会将于12月8日-10日在上海新国际博览中心举办。
展会汇集600余家展商，涵盖纺粘、熔喷、水刺、针刺等全产业链。

现诚邀贵司莅临参观，提前在线登记可免费领取参观证及会刊。
登记地址：https://since-nonwoven.example/register

展会组委会

#### other zhs train | bank marketing: collection service promotion
from: bank_cn
subject: 跨境收款服务 限时优惠
--
尊敬的客户：

华夏商贸银行为外贸企业推出“跨境收款快线”服务：
● 美元、欧元来账当天入账
● 结汇点差优惠至5个基点
● 开通即送三个月免费网银证书

活动期间：2026年10月1日至12月31日。详情请咨询您的客户经理。

退订请回复TD

#### other zhs train date=2026-10-15 | internal notice: fire drill
from: hr
to: Acme 全体员工 <all@acme.example>
subject: 关于十月份消防演练的通知
--
各位同事：

公司定于10月22日（周四）下午3点在厂区进行消防演练，
届时请听到警报后按疏散路线到南门空地集合，各部门负责人清点人数。

行政部

#### other zhs test date=2026-09-24 | thank-you for mooncakes, no action
from: zhou_nb
subject: 谢谢！
--
莉莉，

你们寄的月饼收到了，大家都说好吃，谢谢你和刘总！
祝中秋快乐，国庆愉快！

晓燕

#### other zhs train date=2026-11-10 | internal IT maintenance notice
from: it
to: Acme 全体员工 <all@acme.example>
subject: 邮件系统维护通知
--
各位同事：

邮件服务器将于本周六（11月14日）晚上22:00至次日凌晨2:00进行升级维护，
期间无法收发邮件，手机客户端可能需要重新登录。
如有问题请联系IT部，分机 801。

IT部

#### other zhs train | Chinese phishing: mailbox to be disabled
from: 邮箱管理中心 <service@mail-verify-center.example>
subject: 【重要通知】您的邮箱即将停用
--
尊敬的用户：

系统检测到您的邮箱 orders@acme.example 存在异常登录，为保障账户安全，
请于24小时内点击下方链接完成身份验证，否则邮箱将被停用：

http://mail-verify-center.example/verify?u=orders

邮箱管理中心

#### other zhs test kind=html date=2026-10-30 | industry weekly mentioning prices
from: 无纺布资讯 <news@nw-info.example>
subject: 无纺布周报 | 本周PP原料价格小幅下跌
--
【无纺布周报 第44期】

一、原料：本周PP纺丝料价格小幅下跌，华东市场主流报价7,450-7,600元/吨。
二、行业：某龙头企业新增两条水刺生产线，预计明年二季度投产。
三、出口：1-9月我国非织造布出口量同比增长6.3%。

查看全文：https://nw-info.example/weekly/44
如不想再收到本周报，请点击退订。

#### other zhs train date=2026-11-05 | OOO without header: maternity leave
from: zhou_nb
subject: 回复：JT-2612 交期调整
--
您好，我已于11月起休产假，期间邮件不再处理。
订单相关事宜请联系我的同事钱芳 qianfang@nbjintai.example，电话 0574-8555 6612。
谢谢！

#### other zhs train date=2026-11-09 | internal HR: annual health check
from: hr
to: Acme 全体员工 <all@acme.example>
subject: 年度体检通知
--
各位同事：

今年的员工体检安排在11月17日、18日两天，地点：宁波市第二医院体检中心。
请各部门按附件时间表分批前往，体检前一天晚上10点后请勿进食。

行政部

#### other zhs test date=2026-11-09 | bank login notice, not a payment
from: bank_cn
subject: 企业网银登录提醒
--
尊敬的客户：

贵司企业网银操作员（陈**）于2026-11-09 09:12:33登录成功，
登录IP：116.**.**.23。如非本人操作，请立即致电客服热线。

华夏商贸银行

#### other zhsu train date=2026-11-12 | association annual meeting notice (UTF-8)
from: 宁波市纺织行业协会 <office@nbtextile-assoc.example>
subject: 关于召开2026年会员大会的通知
--
各会员单位：

宁波市纺织行业协会定于11月26日（周四）上午9:00在宁波国际会议中心召开
2026年会员大会，请各单位派一名负责人参加，并于11月20日前回执报名。

宁波市纺织行业协会

#### other zht train kind=ooo date=2026-10-13 | Taiwan OOO quoting PO
from: chen_tw
subject: 自動回覆：訂單 HD-2610
--
您好，本人 10/12 至 10/16 出差，期間無法即時回覆郵件。
如有急事，請洽採購部 王小姐，分機 216。

陳志明

#### other zht test date=2026-09-21 | holiday notice from Taiwan buyer
from: lin_tw
subject: 中秋節放假通知
--
各位客戶您好：

本公司 9/25（星期五）中秋節放假一天，9/28（星期一）起恢復正常上班。
祝 中秋佳節愉快！

裕豐貿易有限公司

#### other zht train kind=bounce | Traditional Chinese bounce quoting P/I
from: 郵件系統 <postmaster@hongda-tex.example>
subject: 郵件無法送達
--
您好，這是郵件系統的自動通知。

您寄給以下收件者的郵件無法送達：
jimmy.chen@hongda-tex.example
原因：收件者信箱不存在。
@@@ original jimmy.chen@hongda-tex.example | PI ACN26-1097 for HD-2610
Dear Jimmy,

Please find attached PI ACN26-1097 for PO HD-2610 (3 x 40HQ PP 30gsm
white, USD 1.50/kg CIF Keelung). Please sign and return.

Best regards,
Lily

#### other zht train kind=html date=2026-10-05 | Taipei textile fair invitation
from: 台北紡織展 <info@tita-expo.example>
subject: 誠摯邀請：2026 台北國際紡織展
--
敬邀參觀 2026 台北國際紡織展

日期：2026 年 10 月 21 日至 23 日
地點：台北南港展覽館一館
展出內容：機能性紡織品、不織布、產業用紡織品、永續材料

線上預先登記即可免費入場：https://tita-expo.example/register

台北國際紡織展 主辦單位

#### other zht test date=2026-09-23 | thank-you for Mid-Autumn gift
from: tsai_tw
subject: 感謝
--
陳小姐您好：

中秋禮盒已收到，謝謝貴司的心意。
祝 中秋節快樂，闔家平安。

%sig tsai_tw

#### other zht train | Taiwan bank marketing
from: bank_tw
subject: 外匯優惠活動開跑
--
親愛的企業客戶您好：

即日起至 12 月 31 日，透過企業網銀辦理外匯匯出，手續費一律 5 折，
美元定存享 4.2% 優惠利率（限新資金）。

詳情請洽各分行外匯窗口。

永和商業銀行

#### other zht train | Traditional Chinese investment spam
from: 財富小組 <vip@wealth-club.example>
subject: 穩賺不賠！每月獲利 30%
--
您好：

我們的投資團隊專做美股與加密貨幣，跟單操作，每月獲利 30% 以上。
名額有限，立即加入 LINE 群組：https://wealth-club.example/line

財富小組

#### other zht test cs=big5-hkscs | HK colleague: boss on leave next week, no action
from: wong
subject: 下星期
--
Lily 你好，

Kenneth 下星期放假去日本，有咩事直接搵我就得。
祝好！

Karen

#### other mix train | internal mixed chit-chat: team building time
from: amy
to: lily
subject: team building
--
Lily，下午 team building 改到 4 点了，
记得带 badge，车在南门等。

Amy

#### other mix train kind=ooo date=2026-10-28 | HK bilingual OOO
from: lau
subject: Auto reply: PO HT2609-15
--
I am on leave until 2 Nov. 我目前休假中，11月2日回來。
For urgent matters please contact Karen Wong (karen.wong@harbourtrading.example).
如有急事請聯絡 Karen Wong。

Kenneth Lau

#### other mix test kind=html | marketplace notification mentioning RFQ
from: TradeHub 采购直通车 <rfq-alert@tradehub.example>
subject: 【RFQ提醒】3 new buying requests match "nonwoven fabric"
--
Hi Acme Nonwovens，

您关注的关键词 "nonwoven fabric" 有 3 条新的采购需求：

1. Spunbond PP 30gsm, 2x40HQ - Buyer from Egypt
2. SMS medical fabric 25 tons - Buyer from India
3. 无纺布购物袋 50,000 pcs - Buyer from Chile

升级 Gold Supplier 即可查看买家联系方式并报价：
https://tradehub.example/upgrade

TradeHub 采购直通车

#### other mix train | thank-you for dinner, no action
from: Tan Wei Ming <weiming@lionbridge-trading.example>
subject: thanks!
--
Hi Lily，

Thanks for the dinner last night，海鲜很好吃。
下次来新加坡我请客！Safe trip back.

Wei Ming

#### other mix train | mixed phishing posing as DHL
from: DHL中国 <service@dhl-cn-notice.example>
subject: 【DHL】Your shipment 您的包裹因地址不详被扣留
--
尊敬的客户 Dear Customer，

您的包裹（运单号 5521 8890 31）因地址不详被扣留在海关。
Please update your address and pay the re-delivery fee RMB 12.00:

http://dhl-cn-notice.example/update

逾期未处理将退回寄件人。

#### other mix test kind=bounce | Exchange-style bilingual bounce quoting PO
from: Microsoft Outlook <postmaster@harbourtrading.example>
subject: 无法投递: PO HT2609-15 confirmation / Undeliverable
--
您的邮件无法送达以下收件人或群组：
Your message couldn't be delivered to these recipients or groups:

kenneth.lau@harbourtrading.example
收件人地址不存在。The email address you entered couldn't be found.

诊断信息 Diagnostic information for administrators:
Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'
@@@ original kenneth.lau@harbourtrading.example | PO HT2609-15 confirmation
Dear Kenneth,

We confirm PO HT2609-15: 70gsm bag fabric, red/navy 50/50, 1x40HQ,
USD 1.62/kg FOB Shanghai. Loading 20 Nov.

Lily
""")


if __name__ == "__main__":
    sys.exit(main())
