"""What a booking confirmation or a shipping advice says about the sailing: ETD and ETA, vessel
and voyage, the containers, and the CY, SI and VGM cut-offs.

Forwarders write these as labelled values, in a mail body or a PDF, in English or Chinese:

    Vessel/Voy.: MSC ANNA V.2641W        船名/航次：COSCO PORT KLANG / 118S
    ETD: 15-APR-2026   ETA: 2026/05/20   开航日：4月15日   预计到港：5月20日
    CY cut-off: APR.13  SI cut-off: 12 Apr   截柜：4月13日   截补料：4月12日
    1x40HQ, 2 x 20GP

and in sentences ("Space confirmed: 1x40HQ, MSC ANNA V.2641W, ETD 7 October, CY cut-off 5
October"). A date without its year takes the first year that puts it no more than 90 days
before the mail's date (a December mail's "ETD 3 Jan" sails next January); a time after a date
("13 Apr 12:00") is no year. A value is taken only right after its label ("ETD: TBA (cargo ready 5 Apr)"
has no ETD); nothing is guessed from a date alone. Every pattern is bounded, and the text read is too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mailflow.extract.values import date_order, month_number, parse_date

KINDS = ("booking_confirmation", "shipping_advice")  # the documents read for their sailing
MAX_TEXT = 20_000  # characters of a document looked at
MAX_VALUE = 60  # characters after a label that can hold its value
MAX_LINE = 400  # characters of a line searched for a vessel named in a sentence
MAX_DATE = 22  # characters a date takes ("September 15th, 2026")
MAX_YEARS_OFF = 366  # days a date with a two-digit year may be from the mail's date
BACK_DAYS = 90  # a date without its year is at most this long before the mail's date
DATES = ("etd", "eta", "cy_cutoff", "si_cutoff", "vgm_cutoff")
NAMES = {"etd": "ETD", "eta": "ETA", "vessel": "vessel", "voyage": "voyage", "containers": "containers",
         "cy_cutoff": "CY cut-off", "si_cutoff": "SI cut-off", "vgm_cutoff": "VGM cut-off"}

_CUT = r"[ \t]?(?:cut[- ]?off|closing)(?:[ \t]?(?:date|time))?"
_LABELS = {  # the order matters where one label holds another: "VGM cut-off" before a bare "cut-off"
    "vgm_cutoff": rf"VGM{_CUT}|截VGM(?:时间|日期)?",
    "si_cutoff": rf"S/?I{_CUT}|doc(?:ument)?s?{_CUT}|截补料(?:时间|日期)?|截補料(?:時間|日期)?|截单(?:时间|日期)?|截單(?:時間|日期)?",
    "cy_cutoff": rf"CY{_CUT}|截柜(?:时间|日期)?|截櫃(?:時間|日期)?|截重(?:时间|日期)?|截港(?:时间|日期)?",
    "vessel_voyage": r"vessel[ \t]?(?:name)?[ \t]?/[ \t]?voy(?:age)?\.?|船名[ \t]?/[ \t]?航次",
    "vessel": r"(?:ocean[ \t]|feeder[ \t]|mother[ \t])?vessel(?:[ \t]name)?|VSL|船名",
    "voyage": r"voy(?:age)?(?:[ \t]?no\.?)?|航次",
    "etd": (r"E\.?T\.?D\.?|estimated[ \t]time[ \t]of[ \t]departure|sailing[ \t]date|开航日(?:期)?|開航日(?:期)?|"
            r"预计开船(?:日期|时间)?|預計開船(?:日期|時間)?|开船日(?:期)?|開船日(?:期)?"),
    "eta": (r"E\.?T\.?A\.?|estimated[ \t]time[ \t]of[ \t]arrival|预计到港(?:日期|时间)?|預計到港(?:日期|時間)?|"
            r"到港日(?:期)?"),
}
_LABEL = re.compile("|".join(f"(?P<{name}>(?<![A-Za-z])(?:{rx})(?![A-Za-z]))" for name, rx in _LABELS.items()),
                    re.IGNORECASE)
_AFTER_LABEL = re.compile(r"[ \t]{0,3}(?:[:：=]|is|on)?[ \t]{0,3}", re.IGNORECASE)
_SEPARATED = re.compile(r"[ \t]{0,3}[:：=]|\t|[ ]{2}")  # a name's label is followed by a colon or a column gap
_CONTAINERS = re.compile(r"(?<![\w.])(\d{1,3})[ \t]?[xX×*][ \t]?(20|40|45)[ \t]?'?[ \t]?(GP|HQ|HC|DC|RF|RH|OT|FR|NOR)?"
                         r"(?![A-Za-z0-9])")
# "MSC ANNA V.2641W", "COSCO PORT KLANG V.118S", "EVER GIVEN 0123-045W": a name in capital words of
# letters (so "PO BH-7731 - MSC ANNA" names MSC ANNA), then its voyage
_SHIP = re.compile(r"(?<![A-Za-z0-9\-])(?P<vessel>[A-Z][A-Z.&'\-]{0,30}(?: [A-Z][A-Z.&'\-]{0,30}){0,5}?)[ ]"
                   r"(?:V\.|VOY\.?[ ]?)[ ]?"
                   r"(?P<voyage>[0-9][0-9A-Z\-]{1,9})"
                   r"(?![A-Za-z0-9])")
_VOYAGE_IN = re.compile(r"^(?P<vessel>.{2,40}?)[ \t]*(?:/|[ \t]V\.|[ \t]VOY\.?)[ \t]*(?P<voyage>[0-9A-Z][0-9A-Z\-]{1,9})\b")
_TIME = r"\d{1,2}[:.hH]\d"  # 12:00, 9.30, 17h00: a time of day, never a day or a year
_YEARLESS = (  # (pattern, groups: day, month name or number); a time after the date is no year
    (re.compile(rf"(?<![\dA-Za-z])(\d{{1,2}})[-\s./]{{1,3}}([A-Za-z]{{3,9}})\.?(?![A-Za-z])"
                rf"(?![-\s./]{{0,3}}(?!{_TIME})\d)"), "d_mon"),
    (re.compile(r"(?<![A-Za-z])([A-Za-z]{3,9})[.\s-]{1,3}(\d{1,2})(?:st|nd|rd|th)?(?![\d])(?![:.hH]\d)"
                r"(?![,\s]{1,3}\d{4})"), "mon_d"),
    (re.compile(r"(?<!\d)(\d{1,2})[ \t]{0,2}月[ \t]{0,2}(\d{1,2})[ \t]{0,2}[日号號]?"), "m_d"),
)
_TWO_DIGIT_YEAR = re.compile(r"(?<![\dA-Za-z])(\d{1,2})[-\s./]{1,3}([A-Za-z]{3,9})\.?[-\s./]{1,3}(\d{2})(?!\d)(?![:.hH]\d)")
# what a label's value says when there is none yet: "ETD: TBA", "Vessel: TBN", "ETD not yet fixed", "开航日：待定"
_NO_VALUE = re.compile(r"TB[ACDN]\b|to[ \t]be[ \t](?:advised|confirmed|announced|nominated)|not[ \t]yet|pending|"
                       r"待定|未定|待确认|待確認|另行通知", re.IGNORECASE)
_DATE_START = re.compile(r"\d|[A-Za-z]{3,9}\.?[ \t.\-]{0,3}\d")  # "15 Apr", "2026/04/15", "APR.13", "4月15日"
_DATE_END = re.compile(r",(?![ \t]?\d)|[;(（)）]")  # where the words after a date begin
# between a date's label and the date: "ETA Port Klang 16 October", "ETD: about 15 Apr", "ETD: Wed, 15 Apr"
_PLACE_WORD = re.compile(r"(?P<word>[^\s,]{1,25})[ \t,]{1,3}")
_FILLERS = {"on", "about", "abt", "abt.", "around", "approx", "approx.", "approximately", "ca.", "est.", "is"}
_PLACE_WORDS = 4


def read_shipping(text: str, sent: dt.date | None) -> dict[str, Any]:
    """The sailing facts the text gives after their labels: dates as ISO strings, vessel,
    voyage and containers as written; {} when it gives none. `sent`: the mail's date, which
    gives a date written without its year its year."""
    found: dict[str, Any] = {}
    text = (text or "")[:MAX_TEXT]
    day_first = date_order(text)
    for line in text.splitlines():
        labels = list(_LABEL.finditer(line))
        for index, label in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(line)
            rest = line[label.end():end]
            field = str(label.lastgroup)
            if field not in DATES and not _SEPARATED.match(rest):
                continue  # "the vessel was delayed": no label
            value = rest[_AFTER_LABEL.match(rest).end():][:MAX_VALUE]  # type: ignore[union-attr]
            _take(found, field, value if field in DATES else value.strip(" \t,;"), sent, day_first)
        if "containers" not in found:
            boxes = _containers(line)
            if boxes:
                found["containers"] = boxes
        if "vessel" not in found:
            ship = _SHIP.search(line[:MAX_LINE])
            if ship:
                found["vessel"], found["voyage"] = ship.group("vessel").strip(" .-"), ship.group("voyage")
    return found


def _take(found: dict[str, Any], field: str, value: str, sent: dt.date | None, day_first: bool | None) -> None:
    """One labelled value into `found`, the first of each field kept; "TBA", "TBN", "not yet"
    and "待定" are no value."""
    if not value or _NO_VALUE.match(value.strip(" \t,;")):
        return
    if field in DATES:
        day = _labelled_date(value, sent, day_first)
        if day is not None and field not in found:
            found[field] = day.isoformat()
        return
    if field == "vessel_voyage":
        split = _VOYAGE_IN.match(value)
        if split and "vessel" not in found:
            found["vessel"], found["voyage"] = split.group("vessel").strip(" .-/"), split.group("voyage")
        elif "vessel" not in found:
            found["vessel"] = value
        return
    if field == "vessel" and "vessel" not in found:
        split = _VOYAGE_IN.match(value)
        found["vessel"] = split.group("vessel").strip(" .-/") if split else value
        if split and "voyage" not in found:
            found["voyage"] = split.group("voyage")
    elif field == "voyage" and "voyage" not in found:
        voyage = re.match(r"[0-9A-Z][0-9A-Z\-]{1,9}", value.upper().removeprefix("V.").strip())
        if voyage:
            found["voyage"] = voyage.group(0)


def _labelled_date(value: str, sent: dt.date | None, day_first: bool | None) -> dt.date | None:
    """The date that starts a date label's value, after at most a few capitalised words of a
    place or a weekday ("ETA Port Klang 16 October") or an "about"; None when the value starts
    with anything else ("ETD: TBA (cargo ready 5 Apr)", "Please advise the ETD, our PO of 12 Mar")."""
    at = 0
    for _ in range(_PLACE_WORDS + 1):
        rest = value[at:]
        if _DATE_START.match(rest):
            date_text = rest[:MAX_DATE]
            end = _DATE_END.search(date_text)
            return shipping_date(date_text[:end.start()] if end else date_text, sent, day_first)
        word = _PLACE_WORD.match(value, at)
        if word is None or not _place_word(word.group("word")):
            return None
        at = word.end()
    return None


def _place_word(word: str) -> bool:
    """A word that may stand between a date's label and the date: a capitalised name that is no
    month ('Port', 'Klang', 'Wed'), or 'about', 'on'; not 'TBA' nor a lower-case word."""
    if word.lower() in _FILLERS:
        return True
    return (bool(re.fullmatch(r"[A-Z][A-Za-z'.\-]{0,24}", word)) and month_number(word.rstrip(".")) is None
            and not _NO_VALUE.match(word))


def _containers(line: str) -> str:
    """'1x40HQ, 2 x 20GP' as '1x40HQ, 2x20GP'; '' when the line names none."""
    boxes = [f"{m.group(1)}x{m.group(2)}{(m.group(3) or '').upper()}" for m in _CONTAINERS.finditer(line)]
    return ", ".join(boxes[:10])


def shipping_date(text: str, sent: dt.date | None, day_first: bool | None = None) -> dt.date | None:
    """The first date in a value as forwarders write it: 15-APR-2026, 2026/04/15, 15 Apr, APR.15,
    4月15日, 7 October; a date without its year needs `sent`, the mail's date. A numeric date
    that reads both ways (03/04/2026) needs `day_first`, how the text's other dates are written;
    without it, it is no date."""
    text = text[:MAX_VALUE]
    short = _TWO_DIGIT_YEAR.search(text)  # 15-Apr-26
    month = month_number(short.group(2)) if short else None
    if short and month:
        try:
            written = dt.date(2000 + int(short.group(3)), month, int(short.group(1)))
        except ValueError:
            pass
        else:
            if sent is None or abs((written - sent).days) <= MAX_YEARS_OFF:
                return written
            return _with_year(written.day, month, sent)  # '13 Apr 12' in 2026: the 12 is no year
    day, sure, _ = parse_date(text, day_first)
    if day is not None:
        return day if sure >= 0.5 else None
    if sent is None:
        return None
    for pattern, kind in _YEARLESS:
        for match in pattern.finditer(text):
            a, b = match.groups()
            number, month = (a, month_number(b)) if kind == "d_mon" else \
                (b, month_number(a)) if kind == "mon_d" else (b, int(a))
            if month:
                dated = _with_year(int(number), month, sent)
                if dated is not None:
                    return dated
    return None


def _with_year(day: int, month: int, sent: dt.date) -> dt.date | None:
    """The first date with that day and month from `BACK_DAYS` before the mail's date on:
    sailings are planned ahead, and an advice tells of one a few days past at most."""
    for year in (sent.year - 1, sent.year, sent.year + 1):
        try:
            day_in_year = dt.date(year, month, day)
        except ValueError:
            continue
        if day_in_year >= sent - dt.timedelta(days=BACK_DAYS):
            return day_in_year
    return None
