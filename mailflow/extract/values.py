"""Numbers, money and dates as order documents write them.

Buyers write 12,500.00 (English), 12.500,00 (German and most of Europe), US$ / NT$ / € / ¥ in
front of amounts, and dates in every order: 2026-11-27, 14.11.2026, 21/11/2026, 11/26/2026,
15 Jan 2027, 2026年11月27日, and in Taiwan the Republic-of-China calendar (115年11月27日,
116/01/12). What a single value cannot tell (is 1.250 a thousand or one and a quarter? is
10/01/2027 January or October?) the rest of the document often can: `number_style` and
`date_order` read that evidence from the whole text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal, InvalidOperation

# --- numbers ---------------------------------------------------------------------------------

NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:[,.' \u00a0]\d{3})+|\d+)(?:[.,]\d+)?")
_ENGLISH = re.compile(r"\d,\d{3}\.\d")  # 1,234.5
_EUROPEAN = re.compile(r"\d\.\d{3},\d")  # 1.234,5


def number_style(text: str) -> str | None:
    """The decimal mark the document writes: "." (1,234.50), "," (1.234,50), or None when its
    numbers do not show it, or show both."""
    english, european = len(_ENGLISH.findall(text)), len(_EUROPEAN.findall(text))
    if english and not european:
        return "."
    if european and not english:
        return ","
    return None


def parse_number(text: str | None, *, price: bool = False, decimal: str | None = None) -> Decimal | None:
    """'12,500' '1.2350' '15,437.50' '1.234,56' '1 234,5' 'US$ 1,032.00' -> Decimal; None when
    it is no number.

    With the document's `decimal` mark known (see number_style) the other mark groups
    thousands. Without it: the last separator followed by other than exactly three digits is the
    decimal point; a single separator followed by exactly three digits is a thousands separator
    (12,500) unless it is a dot after a leading 0 (0.125), or a dot in a unit price (`price`:
    57.809 a yard)."""
    if text is None:
        return None
    cleaned = re.sub(r"[^\d,.'\-+ \u00a0]", "", str(text)).strip().replace("\u00a0", " ")
    cleaned = cleaned.replace("'", "").replace(" ", "")
    if not cleaned or not re.search(r"\d", cleaned):
        return None
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("+-")
    if decimal in (".", ","):
        cleaned = cleaned.replace("," if decimal == "." else ".", "")
        if cleaned.count(decimal) > 1:
            return None
        cleaned = cleaned.replace(decimal, ".")
    else:
        cleaned = _guess_separators(cleaned, price)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return -value if negative else value


def _guess_separators(cleaned: str, price: bool) -> str:
    separators = [i for i, c in enumerate(cleaned) if c in ",."]
    if not separators:
        return cleaned
    last = separators[-1]
    tail = cleaned[last + 1:]
    mark = cleaned[last]
    others = {cleaned[i] for i in separators[:-1]}
    if others and mark in others:  # 1,234,567 or 1.234.567: all thousands
        return cleaned.replace(mark, "")
    if others:  # 1.234,56 or 1,234.56: the other mark groups thousands
        return cleaned.replace(others.pop(), "").replace(mark, ".")
    if len(tail) == 3 and not (mark == "." and (price or cleaned[:last] in ("0", ""))):
        return cleaned.replace(mark, "")
    return cleaned.replace(mark, ".")


def last_number(text: str, decimal: str | None = None) -> Decimal | None:
    """The last number on a line: a total's amount after its label, currency and words."""
    numbers = [n for n in NUMBER.findall(text) if re.search(r"\d", n)]
    return parse_number(numbers[-1], decimal=decimal) if numbers else None


# --- currencies ------------------------------------------------------------------------------

CURRENCIES = ("USD", "EUR", "GBP", "CNY", "RMB", "JPY", "HKD", "TWD", "NTD", "AUD", "CAD", "CHF", "SGD",
              "INR", "KRW", "AED", "SAR", "TRY", "MXN", "BRL", "PLN", "SEK", "NOK", "DKK", "NZD", "ZAR",
              "MYR", "THB")
_ALIASES = {"RMB": "CNY", "NTD": "TWD"}
_CODE_RE = re.compile(r"\b(" + "|".join(CURRENCIES) + r")\b")
_DOLLARS = {"US": "USD", "NT": "TWD", "HK": "HKD", "S": "SGD", "A": "AUD", "C": "CAD", "R": "BRL", "": "USD"}
_DOLLAR_RE = re.compile(r"(?<![A-Za-z])(US|NT|HK|S|A|C|R)?\$")
_SIGNS = {"€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "人民币": "CNY", "人民幣": "CNY",
          "新台币": "TWD", "新台幣": "TWD", "新臺幣": "TWD", "美元": "USD", "美金": "USD", "欧元": "EUR",
          "歐元": "EUR", "港币": "HKD", "港幣": "HKD", "日元": "JPY", "日圓": "JPY", "英镑": "GBP"}
_SIGN_RE = re.compile("|".join(re.escape(s) for s in _SIGNS))


def currency_of(text: str) -> str:
    """The ISO code a value names: 'USD', 'US$ 1,234.50', '€ 45.678,90', '新台幣', 'RMB' ->
    USD, USD, EUR, TWD, CNY; '' when it names none."""
    code = _CODE_RE.search(text.upper())
    if code:
        return _ALIASES.get(code.group(1), code.group(1))
    dollar = _DOLLAR_RE.search(text)
    sign = _SIGN_RE.search(text)
    if dollar and (sign is None or dollar.start() < sign.start()):
        return _DOLLARS[(dollar.group(1) or "").upper()]
    return _SIGNS[sign.group(0)] if sign else ""


def currencies_named(text: str) -> Counter[str]:
    """How often each currency is named in the text, by code or by sign ('US$ 0.0240' counts)."""
    named: Counter[str] = Counter(_ALIASES.get(c, c) for c in _CODE_RE.findall(text.upper()))
    named.update(_DOLLARS[(d or "").upper()] for d in _DOLLAR_RE.findall(text))
    named.update(_SIGNS[s] for s in _SIGN_RE.findall(text))
    return named


# --- dates -----------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_WORDS = {**_MONTHS, "sept": 9, **{name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}}


def month_number(name: str) -> int | None:
    """1 to 12 for a month's English name or its abbreviation ('Apr', 'APR', 'Sept', 'October');
    None for any other word ('Decided', 'Rotterdam')."""
    return _MONTH_WORDS.get(name.lower())


ROC_OFFSET = 1911  # Republic-of-China year 115 is 2026
_DATE_PATTERNS = [
    (re.compile(r"(?<!\d)(\d{4})[ \t]{0,2}年[ \t]{0,2}(\d{1,2})[ \t]{0,2}月[ \t]{0,2}(\d{1,2})"), "ymd"),
    (re.compile(r"(?<!\d)(\d{2,3})[ \t]{0,2}年[ \t]{0,2}(\d{1,2})[ \t]{0,2}月[ \t]{0,2}(\d{1,2})"), "roc"),
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), "ymd"),
    (re.compile(r"(?<![\d/.-])(1\d\d)/(\d{1,2})/(\d{1,2})(?![\d/.-])"), "roc"),
    (re.compile(r"\b(\d{1,2})[-\s./]{0,3}([A-Za-z]{3,9})\.?[-\s.,/]{0,3}(\d{4})\b"), "d_mon_y"),
    (re.compile(r"\b([A-Za-z]{3,9})\.?[ \t]{1,3}(\d{1,2})(?:st|nd|rd|th)?,?[ \t]{1,3}(\d{4})\b"), "mon_d_y"),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), "dmy"),
    (re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b"), "dmy_or_mdy"),
]
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?![\d/-])")


def date_order(text: str) -> bool | None:
    """Whether the document writes numeric dates day first (True: 21/11/2026 on the page),
    month first (False: 11/26/2026), or cannot tell (None: none over 12, or both kinds)."""
    return date_order_evidence(text)[0]


def date_order_evidence(text: str) -> tuple[bool | None, str]:
    """`date_order`, with the first date that shows it ('21/11/2026'; '' when none does)."""
    day_first = month_first = ""
    for match in _NUMERIC_DATE.finditer(text):
        a, b = int(match.group(1)), int(match.group(2))
        if a > 12 >= b:
            day_first = day_first or match.group(0)
        if b > 12 >= a:
            month_first = month_first or match.group(0)
    if bool(day_first) == bool(month_first):
        return None, ""
    return bool(day_first), day_first or month_first


def both_readings(text: str) -> tuple[dt.date, dt.date, str] | None:
    """The day-first and month-first readings of the first date in `text`, and the date as
    written, when it is a numeric date that reads both ways (03/04/2026); None otherwise."""
    first, second = parse_date(text, True)[0], parse_date(text, False)[0]
    if first is None or second is None or first == second:
        return None
    written = _NUMERIC_DATE.search(text)
    return first, second, written.group(0) if written else text.strip()


def parse_date(text: str, day_first: bool | None = None) -> tuple[dt.date | None, float, str]:
    """The first date in `text`: (date, confidence, note). Day/month order that cannot be told
    apart (03/04/2026) gives the day-first reading with low confidence and a note, unless
    `day_first` says how the document's other dates are written. Dotted dates (14.11.2026) are
    day first: nobody writes month.day.year."""
    for pattern, kind in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return _date(kind, match, day_first)
            except ValueError:
                continue
    return None, 0.0, ""


def _date(kind: str, match: re.Match[str], day_first: bool | None) -> tuple[dt.date, float, str]:
    if kind in ("ymd", "roc"):
        y, m, d = (int(g) for g in match.groups())
        return dt.date(y + (ROC_OFFSET if kind == "roc" else 0), m, d), 0.9, ""
    if kind in ("d_mon_y", "mon_d_y"):
        a, b, c = match.groups()
        day, month_name = (a, b) if kind == "d_mon_y" else (b, a)
        month = _MONTHS.get(month_name[:3].lower())
        if month is None:
            raise ValueError(month_name)
        return dt.date(int(c), month, int(day)), 0.9, ""
    a, b, year = (int(g) for g in match.groups())
    if kind == "dmy" or a > 12 >= b or a == b:  # 06/06/2026 reads the same both ways
        return dt.date(year, b, a), 0.9, ""
    if b > 12 >= a:
        return dt.date(year, a, b), 0.9, ""
    if day_first is not None:
        day, month = (a, b) if day_first else (b, a)
        return dt.date(year, month, day), 0.9, "day/month order as the document's other dates"
    return dt.date(year, b, a), 0.4, f"{match.group(0)} may be day/month or month/day"
