"""Amounts in words, as banks and buyers read them on an invoice: "SAY US DOLLARS ONE THOUSAND
TWO HUNDRED AND THIRTY-FOUR AND CENTS FIFTY-SIX ONLY", and the Chinese uppercase amount
(大写金额) "美元壹仟贰佰叁拾肆元伍角陆分" that a bank checks character by character."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MOST = Decimal(10) ** 15  # a thousand trillion: more is no invoice's total

_ONES = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN", "ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN"]
_TENS = ["_", "_", "TWENTY", "THIRTY", "FORTY", "FIFTY", "SIXTY", "SEVENTY", "EIGHTY", "NINETY"]
_SCALES = ("", "THOUSAND", "MILLION", "BILLION", "TRILLION")
_CURRENCY_EN = {"USD": ("US DOLLARS", "CENTS"), "EUR": ("EUROS", "CENTS"), "GBP": ("POUNDS STERLING", "PENCE"),
                "CNY": ("CHINESE YUAN", "FEN"), "RMB": ("CHINESE YUAN", "FEN"), "JPY": ("JAPANESE YEN", "SEN"),
                "HKD": ("HONG KONG DOLLARS", "CENTS"), "AUD": ("AUSTRALIAN DOLLARS", "CENTS"),
                "CAD": ("CANADIAN DOLLARS", "CENTS")}

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))
_SECTIONS = ("", "万", "亿", "万亿")
_CURRENCY_ZH = {"USD": "美元", "EUR": "欧元", "GBP": "英镑", "CNY": "人民币", "RMB": "人民币", "JPY": "日元",
                "HKD": "港币", "AUD": "澳元", "CAD": "加元"}


def _cents(amount: Decimal) -> tuple[int, int]:
    if amount < 0 or amount >= MOST:
        raise ValueError(f"{amount} cannot be written in words (0 up to {MOST:,})")
    whole = amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return int(whole), int((whole - int(whole)) * 100)


def _hundreds_en(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "HUNDRED"]
        n %= 100
        if n:
            words.append("AND")
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(_ONES[n])
    return words


def integer_en(n: int) -> str:
    """1234 -> ONE THOUSAND TWO HUNDRED AND THIRTY-FOUR."""
    if n == 0:
        return "ZERO"
    groups: list[str] = []
    scale = 0
    while n:
        n, group = divmod(n, 1000)
        if group:
            groups.insert(0, " ".join(_hundreds_en(group) + ([_SCALES[scale]] if _SCALES[scale] else [])))
        scale += 1
    return " ".join(groups)


def _section_zh(n: int) -> str:
    out, zero = "", False
    for place, name in _PLACES:
        digit = n // place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + name
    return out


def integer_zh(n: int) -> str:
    """10005 -> 壹万零伍: financial characters, a zero said once where places are skipped."""
    if n == 0:
        return "零"
    sections: list[int] = []
    while n:
        n, section = divmod(n, 10000)
        sections.append(section)
    out, gap = "", False
    for index in reversed(range(len(sections))):
        section = sections[index]
        if section == 0:
            gap = bool(out)
            continue
        if out and (gap or section < 1000):
            out += "零"
        out += _section_zh(section) + _SECTIONS[index]
        gap = False
    return out


def amount_en(amount: Decimal, currency: str) -> str:
    whole, cents = _cents(amount)
    major, minor = _CURRENCY_EN.get(currency.upper(), (currency.upper(), "CENTS"))
    said = f"SAY {major} {integer_en(whole)}"
    if cents:
        said += f" AND {minor} {integer_en(cents)}"
    return said + " ONLY"


def amount_zh(amount: Decimal, currency: str) -> str:
    whole, cents = _cents(amount)
    jiao, fen = divmod(cents, 10)
    said = _CURRENCY_ZH.get(currency.upper(), currency.upper()) + (integer_zh(whole) + "元" if whole or not cents else "")
    if not cents:
        return said + "整"
    if jiao:
        said += _DIGITS[jiao] + "角"
    elif whole:
        said += "零"
    return said + (_DIGITS[fen] + "分" if fen else "整")


def amount_in_words(amount: Decimal, currency: str, lang: str) -> str:
    return amount_zh(amount, currency) if lang == "zh" else amount_en(amount, currency)
