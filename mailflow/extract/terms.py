"""Payment terms as what they mean, in English and Chinese: the deposit's share, the method (T/T,
L/C, D/P, D/A) and when the balance falls due (before shipment, against the copy of the B/L, at
sight, so many days after the B/L date).

`30%定金，70%见提单副本付款` and `30% T/T deposit, 70% balance against copy of B/L` read as the
same `PaymentTerms`; 30/70 and 50/50 do not. `split` gives the shares the account follow-up counts
money by. Pure functions; every pattern is linear and the text is cut to `MAX_TEXT` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAX_TEXT = 500

_PERCENT = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)\s{0,2}[%％]")
_DEPOSIT_WORDS = re.compile(r"deposit|advance|down\s?payment|prepay|in\s?advance|before\s?production|"
                            r"定金|订金|訂金|预付|預付|首付", re.IGNORECASE)
_LC = re.compile(r"\bL/?C\b|letter\s?of\s?credit|信用证|信用證", re.IGNORECASE)


@dataclass(frozen=True)
class Split:
    """What the payment terms make due, as shares of the total."""

    deposit: Decimal  # 0.30 for 30 %
    balance: Decimal
    by_lc: bool
    why: str


def split(terms: str) -> Split:
    """'30% T/T deposit, 70% balance against copy of B/L' -> 30 % / 70 %; '100% L/C at sight'
    -> all by L/C; '100% T/T in advance' -> all as deposit; no percentage -> all on balance.

    A percentage is the deposit only when a deposit word stands in its own clause (the text
    between , ; ， ；), nearer to it than to any other percentage of that clause, and is not
    negated ('no deposit', 'without advance payment', '无定金', '不收定金')."""
    text = " ".join((terms or "").split())[:MAX_TEXT]
    by_lc = bool(_LC.search(text))
    match = _deposit_share(text)
    if match is not None:
        share = Decimal(match.group(1)) / 100
        return Split(share, 1 - share, by_lc, f"{match.group(0)} {'deposit' if share < 1 else 'in advance'}"
                                             f" in {text!r}")
    if by_lc:
        return Split(Decimal(0), Decimal(1), True, f"paid by L/C ({text!r})")
    return Split(Decimal(0), Decimal(1), False,
                 f"no deposit in the payment terms {text!r}" if text else "no payment terms known")


_CLAUSE_END = re.compile(r"[;；，。]|,(?!\d)|(?<!\d),|\.\s")
_NEGATED_EN = re.compile(r"\b(?:no|not|without|nil)\W{1,3}(?:[a-z/]{1,12}\W{1,3}){0,2}\Z", re.IGNORECASE)
_NEGATED_ZH = re.compile(r"(?:无|無|不|免|没有|沒有)\w{0,3}\Z")


def _clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of `text` with where each starts."""
    found, start = [], 0
    for end in _CLAUSE_END.finditer(text):
        found.append((start, text[start:end.start()]))
        start = end.end()
    found.append((start, text[start:]))
    return found


def _negated(before: str) -> bool:
    """True when the words just before a deposit word deny it ('no', 'without', '无', '不')."""
    tail = before[-24:]
    return bool(_NEGATED_EN.search(tail) or _NEGATED_ZH.search(tail))


def _deposit_share(text: str) -> re.Match[str] | None:
    """The first percentage in `text` its own clause calls the deposit, or None."""
    for _, clause in _clauses(text):
        shares = [m for m in _PERCENT.finditer(clause) if 0 < Decimal(m.group(1)) <= 100]
        if not shares:
            continue
        deposits = set()
        for word in _DEPOSIT_WORDS.finditer(clause):
            if _negated(clause[:word.start()]):
                continue
            nearest = min(shares, key=lambda m: min(abs(m.start() - word.end()), abs(word.start() - m.end())))
            deposits.add(nearest.start())
        for share in shares:
            if share.start() in deposits:
                return share
    return None


# --- what the terms mean -----------------------------------------------------------------------

_METHODS = (  # (method, pattern); O/A is paid by wire once its days have run
    ("D/P", re.compile(r"\bD\s?/\s?P\b|documents?\s?against\s?payment|付款交单|付款交單", re.IGNORECASE)),
    ("D/A", re.compile(r"\bD\s?/\s?A\b|documents?\s?against\s?acceptance|承兑交单|承兌交單", re.IGNORECASE)),
    ("T/T", re.compile(r"\bT\s?/\s?T\b|\bTT\b|telegraphic|wire|bank\s?transfer|\bO\s?/\s?A\b|open\s?account|"
                       r"电汇|電匯|汇款|匯款", re.IGNORECASE)),
)
_SIGHT = re.compile(r"at\s?sight|by\s?sight|sight\s?(?:L/?C|draft|payment)|即期|见票即付|見票即付", re.IGNORECASE)
_BEFORE_SHIPMENT = re.compile(
    r"before\s?(?:the\s?)?(?:shipment|shipping|loading|delivery|dispatch)|prior\s?to\s?(?:shipment|shipping|"
    r"loading|delivery|dispatch)|发货前|發貨前|出货前|出貨前|装运前|裝運前|装船前|裝船前|交货前|交貨前|出运前|出運前",
    re.IGNORECASE)
_BL_COPY = re.compile(r"cop(?:y|ies)\s?of\s?(?:the\s?)?(?:B\s?/\s?L|bills?\s?of\s?lading)|B\s?/\s?L\s?cop(?:y|ies)|"
                      r"提单副本|提單副本|提单复印件|提單複印件|提单影本|提單影本|提单扫描件|提單掃描件",
                      re.IGNORECASE)
_ENGLISH_DAYS = re.compile(r"(\d{1,3})\s?days?\s?(?:after|from)\s?(?:the\s?)?(B\s?/\s?L|bills?\s?of\s?lading|sight|"
                           r"invoice|shipment|arrival)", re.IGNORECASE)
_CHINESE_DAYS = re.compile(r"(提单日|提單日|提单|提單|见票|見票|发票日|發票日|出货|出貨|装运|裝運|到港)(?:期)?\s?"
                           r"(?:后|後)\s?(\d{1,3})\s?天")
_FROM = {"b/l": "B/L", "billoflading": "B/L", "billsoflading": "B/L", "shipment": "B/L", "sight": "sight",
         "invoice": "invoice", "arrival": "arrival", "提单日": "B/L", "提單日": "B/L", "提单": "B/L", "提單": "B/L",
         "出货": "B/L", "出貨": "B/L", "装运": "B/L", "裝運": "B/L", "见票": "sight", "見票": "sight",
         "发票日": "invoice", "發票日": "invoice", "到港": "arrival"}
_DUE_ZH = {"before shipment": "发货前", "against B/L copy": "见提单副本", "at sight": "即期"}
_FROM_ZH = {"B/L": "提单日", "sight": "见票", "invoice": "发票日", "arrival": "到港"}


@dataclass(frozen=True)
class PaymentTerms:
    """What payment terms say. `due` is when the balance (or the L/C) is paid: "before shipment",
    "against B/L copy", "at sight", "60 days after B/L", or "" when the text does not say;
    `understood` is False when nothing in the text was recognised (then only the words compare)."""

    deposit: Decimal
    method: str  # "T/T", "L/C", "D/P", "D/A" or "T/T + L/C"
    due: str
    understood: bool
    text: str

    def differs(self, other: PaymentTerms) -> bool:
        """True when the two terms mean different things; a due moment only one side states is
        no difference, nor is a method neither side names beyond the default wire transfer."""
        if not (self.understood and other.understood):
            return _plain(self.text) != _plain(other.text)
        if self.deposit != other.deposit or self.method != other.method:
            return True
        return bool(self.due and other.due and self.due != other.due)


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def _after(days: str, start: str) -> str:
    return f"{int(days)} days after {_FROM.get(re.sub(r'[ ]', '', start.lower()), start)}"


def _due(text: str) -> str:
    english = _ENGLISH_DAYS.search(text)
    if english:
        return _after(english.group(1), english.group(2))
    chinese = _CHINESE_DAYS.search(text)
    if chinese:
        return _after(chinese.group(2), chinese.group(1))
    if _BL_COPY.search(text):
        return "against B/L copy"
    if _BEFORE_SHIPMENT.search(text):
        return "before shipment"
    if _SIGHT.search(text):
        return "at sight"
    return ""


def payment_terms(terms: str) -> PaymentTerms:
    """'30%定金，70%见提单副本付款' -> 30 % deposit by T/T, balance against B/L copy;
    '即期信用证' -> L/C at sight; 'T/T 100% in advance' -> all as deposit."""
    text = " ".join((terms or "").split())[:MAX_TEXT]
    shares = split(text)
    wire = next((name for name, pattern in _METHODS if pattern.search(text)), "")
    if shares.by_lc:
        method = "T/T + L/C" if wire == "T/T" and shares.deposit else "L/C"
    else:
        method = wire or "T/T"
    due = "" if shares.deposit == 1 else _due(text)
    understood = bool(shares.deposit or shares.by_lc or wire or due)
    return PaymentTerms(shares.deposit, method, due, understood, text)


def describe(terms: PaymentTerms, lang: str = "en") -> str:
    """The terms in a few words: '30 % deposit, T/T, balance against B/L copy' / '定金 30 %，T/T，余款见提单副本'."""
    if not terms.understood:
        return terms.text
    deposit = f"{terms.deposit * 100:.0f} %"
    if lang != "zh":
        due = f"balance {terms.due}" if terms.deposit and terms.due else terms.due
        return ", ".join(p for p in (f"{deposit} deposit" if terms.deposit else "", terms.method, due) if p)
    days = re.fullmatch(r"(\d{1,3}) days after (\S{1,10})", terms.due)
    due = f"{_FROM_ZH.get(days.group(2), days.group(2))}后{days.group(1)}天" if days else _DUE_ZH.get(terms.due, "")
    due = f"余款{due}" if terms.deposit and due else due
    return "，".join(p for p in (f"定金 {deposit}" if terms.deposit else "", terms.method, due) if p)
