"""What a check found, in words, in English and Chinese: the catalogue of check details.

A check (`extract/checks.py` on an order document, `follow/lc.py` on an L/C) keeps the values
it compared (`Check.params`: plain strings, as read or as computed) and the English sentence
made of them (`Check.detail`, which the CLI, order.json and the export show). A page in
another language words the same values with this catalogue, keyed by the check's name and
whether it passed; a check kept before the catalogue (no params) shows its English detail.

A few values are words of ours, not the document's ("our P/I", "delivery date"): `TERMS`
translates those; every other value is data and is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from mailflow.model import Check

# (check name, passed) -> language -> sentence; {name} is a value of the check's params, and
# " {name}" is left out where the value is empty (a line without an item code)
DETAILS: dict[tuple[str, bool], dict[str, str]] = {
    ("line_amount", True): {"en": "line {index} {item}: {quantity} x {unit_price} = {expected}",
                            "zh": "第 {index} 行 {item}：{quantity} × {unit_price} = {expected}"},
    ("line_amount", False): {"en": "line {index} {item}: {quantity} x {unit_price} = {expected}, "
                                   "but the document says {amount}",
                             "zh": "第 {index} 行 {item}：{quantity} × {unit_price} = {expected}，但单据写的是 {amount}"},
    ("total", True): {"en": "sum of {count} line(s) = {sum}, total {total}",
                      "zh": "{count} 行合计 {sum}，总额 {total}"},
    ("total", False): {"en": "sum of {count} line(s) = {sum}, but the document's total is {total}",
                       "zh": "{count} 行合计 {sum}，但单据的总额是 {total}"},
    ("date_order", True): {"en": "{field} {written} {reason}", "zh": "{field} {written} 读作 {chosen}"},
    ("date_ambiguous", False): {
        "en": "{field} {written} may be {day_first_words} or {month_first_words}: nothing on the page or in "
              "the mail tells which, so it is not used (set it with `mailflow order date`)",
        "zh": "{field} {written} 可能是 {day_first} 或 {month_first}：单据和邮件都无法判断，因此未采用（请在订单上设定这个日期）"},
    ("delivery_past", True): {"en": "delivery date {date}", "zh": "交货日期 {date}"},
    ("delivery_past", False): {"en": "delivery date {date} is before {today}", "zh": "交货日期 {date} 早于 {today}"},
    ("currency", True): {"en": "currency {currency}", "zh": "币种 {currency}"},
    ("currency", False): {"en": "currency {currency}, the buyer usually pays in {usual}",
                          "zh": "币种 {currency}，客户通常以 {usual} 付款"},
    ("price_floor", True): {"en": "line {index} {item}: unit price {price} >= floor {floor}",
                            "zh": "第 {index} 行 {item}：单价 {price} ≥ 底价 {floor}"},
    ("price_floor", False): {"en": "line {index} {item}: unit price {price} is under the floor price {floor}",
                             "zh": "第 {index} 行 {item}：单价 {price} 低于底价 {floor}"},
    ("lc_currency", True): {"en": "L/C currency {code}", "zh": "信用证币种 {code}"},
    ("lc_currency", False): {"en": "L/C currency {code}, {source} is in {want}",
                             "zh": "信用证币种 {code}，{source}的币种是 {want}"},
    ("lc_amount", True): {"en": "L/C amount {code} {amount} (tolerance +{plus}%/-{minus}%: {low} to {high}), "
                                "{source} total {total}",
                          "zh": "信用证金额 {code} {amount}（溢短装 +{plus}%/-{minus}%：{low} 至 {high}），{source}总额 {total}"},
    ("lc_amount", False): {"en": "L/C amount {code} {amount} (tolerance +{plus}%/-{minus}%: {low} to {high}), "
                                 "{source} total {total}: outside the tolerance",
                           "zh": "信用证金额 {code} {amount}（溢短装 +{plus}%/-{minus}%：{low} 至 {high}），"
                                 "{source}总额 {total}：超出溢短装范围"},
    ("lc_shipment", True): {"en": "L/C latest shipment {latest}", "zh": "信用证最迟装运日 {latest}"},
    ("lc_shipment", False): {"en": "L/C latest shipment {latest} is before the {agreed_what} {agreed}",
                             "zh": "信用证最迟装运日 {latest} 早于{agreed_what} {agreed}"},
    ("lc_expiry", True): {"en": "L/C expiry {expiry} leaves the {days} days to present after the latest shipment "
                                "{latest}",
                          "zh": "信用证有效期 {expiry}，最迟装运日 {latest} 之后留有 {days} 天交单期"},
    ("lc_expiry", False): {"en": "L/C expiry {expiry} is before the latest shipment {latest} + {days} days to "
                                 "present ({need})",
                           "zh": "信用证有效期 {expiry} 早于最迟装运日 {latest} 加 {days} 天交单期（{need}）"},
}

# values that are our words, not the document's: translated, not shown as data
TERMS: dict[str, str] = {
    "our P/I": "我方形式发票", "the buyer's PO": "客户订单", "order date": "订单日期", "delivery date": "交货日期",
    "ETD set on the order": "订单上设定的预计开船日", "delivery date set on the order": "订单上设定的交货日期",
    "P/I's delivery date": "形式发票的交货日期", "order's delivery date": "订单的交货日期",
}
TERM_PARAMS = ("field", "source", "agreed_what")


def made(name: str, ok: bool, **params: Any) -> Check:
    """A check whose detail is the catalogue's English sentence of `params` (kept with it)."""
    values = {key: str(value) for key, value in params.items()}
    return Check(name, ok, _filled(DETAILS[(name, ok)]["en"], values), values)


def _filled(sentence: str, values: Mapping[str, str]) -> str:
    for key, value in values.items():
        if not value:
            sentence = sentence.replace(" {" + key + "}", "")
    return sentence.format_map(values)


def detail_in(check: Mapping[str, Any], language: str) -> str:
    """A kept check's detail (a dict as the order's record keeps it) in `language`: the
    catalogue's sentence of its params; its English detail when it has none or the catalogue
    has no such sentence (a check kept before the catalogue, a language it lacks)."""
    return shown(check, language, lambda value: value)


def detail_markup(check: Mapping[str, Any], language: str) -> Markup:
    """As `detail_in`, for a page: the sentence escaped, each value of the document marked as
    data (`<span class="data">`), our own words translated."""
    return Markup(shown(check, language, lambda value: Markup('<span class="data">{}</span>').format(value),
                        escaped=True))


def shown(check: Mapping[str, Any], language: str, mark: Any, escaped: bool = False) -> str:
    """The check's sentence in `language`, each value of the document passed through `mark`
    (escaped first when `escaped`: the sentence is for a page)."""
    params = check.get("params")
    sentence = DETAILS.get((str(check.get("name")), bool(check.get("ok"))), {}).get(language)
    if not isinstance(params, Mapping) or not params or sentence is None:
        detail = str(check.get("detail") or "")
        return str(mark(escape(detail) if escaped else detail))
    values = {}
    for key, value in params.items():
        text = str(value)
        if key in TERM_PARAMS and language == "zh":
            values[key] = escape(TERMS.get(text, text)) if escaped else TERMS.get(text, text)
        else:
            values[key] = mark(escape(text) if escaped else text) if text else ""
    if escaped:
        sentence = str(escape(sentence))
    try:
        return _filled(sentence, values)
    except (KeyError, IndexError, ValueError):  # params of another version of the check
        detail = str(check.get("detail") or "")
        return str(mark(escape(detail) if escaped else detail))
