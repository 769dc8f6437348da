"""What two documents of one order mean, so that they are compared by meaning, not by spelling:
units (ROLL, ROLLS and 卷 are one unit), numbers (1,000.00 is 1000), and the Incoterm with its
named place (`CFR 巴生港` is `CFR PORT KLANG`; `FOB Shanghai`, `FOB 上海` and `FOB SHANGHAI PORT`
are one), through the table of ports in `ports.csv` (UN/LOCODE, English and Chinese names).

Pure functions; every pattern is linear and a value is cut to `MAX_TEXT` characters.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from mailflow.extract.labels import CJK
from mailflow.extract.values import parse_number

MAX_TEXT = 200

# --- units ---------------------------------------------------------------------------------------

_UNITS: dict[str, tuple[str, ...]] = {  # the unit, and how documents write it (upper case)
    "ROLL": ("ROLL", "ROLLS", "RL", "RLS", "R/L", "卷", "捲", "筒"),
    "PCS": ("PCS", "PC", "PCE", "PIECE", "PIECES", "EA", "EACH", "NOS", "NO", "UNIT", "UNITS",
            "件", "个", "個", "只", "片", "张", "張", "支", "条", "條", "块", "塊"),
    "KG": ("KG", "KGS", "KILO", "KILOS", "KILOGRAM", "KILOGRAMS", "公斤", "千克"),
    "T": ("T", "MT", "TON", "TONS", "TONNE", "TONNES", "M/T", "吨", "噸", "公吨", "公噸"),
    "G": ("G", "GR", "GRAM", "GRAMS", "克"),
    "LB": ("LB", "LBS", "POUND", "POUNDS", "磅"),
    "CTN": ("CTN", "CTNS", "CARTON", "CARTONS", "CS", "CASE", "CASES", "箱"),
    "BOX": ("BOX", "BOXES", "BX", "盒"),
    "BAG": ("BAG", "BAGS", "袋", "包"),
    "M": ("M", "MTR", "MTRS", "METER", "METERS", "METRE", "METRES", "LM", "米", "公尺"),
    "M2": ("M2", "SQM", "SQ.M", "SQ M", "SQUARE METER", "SQUARE METERS", "㎡", "平方米", "平米"),
    "YD": ("YD", "YDS", "YARD", "YARDS", "码", "碼"),
    "SET": ("SET", "SETS", "套"),
    "PR": ("PR", "PRS", "PAIR", "PAIRS", "双", "雙", "对", "對"),
    "DOZ": ("DOZ", "DZ", "DOZEN", "DOZENS", "打"),
    "PKG": ("PKG", "PKGS", "PACK", "PACKS", "PACKAGE", "PACKAGES", "PK"),
    "PALLET": ("PALLET", "PALLETS", "PLT", "PLTS", "托", "托盘", "托盤"),
    "L": ("L", "LTR", "LITRE", "LITER", "LITRES", "LITERS", "升", "公升"),
}
_UNIT_OF = {spelling: unit for unit, spellings in _UNITS.items() for spelling in spellings}
_UNIT_ZH = {"ROLL": "卷", "PCS": "件", "KG": "公斤", "T": "吨", "G": "克", "LB": "磅", "CTN": "箱", "BOX": "盒",
            "BAG": "袋", "M": "米", "M2": "平方米", "YD": "码", "SET": "套", "PR": "双", "DOZ": "打", "PKG": "包",
            "PALLET": "托", "L": "升"}


def unit(text: str | None) -> str:
    """The unit a document's word for it means ('Rolls' -> 'ROLL', '公斤' -> 'KG'); a word the
    table does not know, in upper case without its full stop."""
    word = " ".join(str(text or "").split())[:MAX_TEXT].upper().rstrip(".")
    return _UNIT_OF.get(word, word)


def unit_words(text: str | None, lang: str = "en") -> str:
    """The unit as a reader of `lang` writes it: 'ROLL' / '卷'; a unit the table does not know as written."""
    known = unit(text)
    if known not in _UNITS:
        return str(text or "")
    return _UNIT_ZH[known] if lang == "zh" else known


MAX_NUMBER = 40  # characters: no amount of an order is written longer


def number(value: Any) -> Decimal | None:
    """An amount as stored ('5000', '100.000': plain decimals) or as written ('5,000.00') as a
    Decimal; None when it is none (or longer than any amount)."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > MAX_NUMBER:
        return None
    try:
        found = Decimal(text)
    except ArithmeticError:
        return parse_number(text)
    return found if found.is_finite() else None


def same_number(a: Any, b: Any) -> bool:
    """Equal as numbers; a value that is no number is compared as written."""
    first, second = number(a), number(b)
    if first is None or second is None:
        return " ".join(str(a).split()).lower() == " ".join(str(b).split()).lower()
    return first == second


# --- ports ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Port:
    locode: str  # UN/LOCODE: CNSHA
    name: str  # Shanghai
    chinese: str  # 上海


# words around a port's name that do not tell ports apart: SHANGHAI PORT, PORT OF SHANGHAI, P.R. CHINA
_FILLER = re.compile(r"\b(?:PORT|OF|SEAPORT|HARBOUR|HARBOR|TERMINAL|CITY|P R|PR|PRC|CHINA|PEOPLES REPUBLIC)\b")
_CHINESE_FILLER = re.compile(r"^(?:中国|中國)|(?:港口|港)$")


def _key(name: str) -> str:
    """A name reduced to what tells ports apart: no accents, no punctuation, upper case."""
    plain = unicodedata.normalize("NFKD", name[:MAX_TEXT])
    plain = "".join(c for c in plain if not unicodedata.combining(c)).upper()
    return " ".join(re.sub(rf"[^A-Z0-9{CJK}]", " ", plain).split())


@functools.cache
def ports() -> dict[str, tuple[Port, ...]]:
    """Every name and code of the table's ports -> the ports it names (two ports may share one)."""
    text = resources.files("mailflow.extract").joinpath("ports.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    named: dict[str, dict[str, Port]] = {}
    for row in rows:
        chinese = [n for n in (row["chinese_names"] or "").split("|") if n]
        port = Port(row["locode"], row["name"], chinese[0] if chinese else "")
        for name in (row["locode"], row["name"], *(row["other_names"] or "").split("|"), *chinese):
            if name:
                named.setdefault(_key(name), {})[port.locode] = port
    return {key: tuple(found.values()) for key, found in named.items()}


def port(place: str) -> Port | None:
    """The port a place names ('PORT KLANG', '巴生港', 'Shanghai, China', 'CNSHA'); None when the
    table does not know it, or when the name is two ports' (Manzanillo)."""
    table = ports()
    first = re.split(r"[,，;(（]", place[:MAX_TEXT], maxsplit=1)[0]
    key = _key(first)
    for candidate in (key, " ".join(_FILLER.sub(" ", key).split()), _CHINESE_FILLER.sub("", key)):
        found = table.get(candidate)
        if found:
            return found[0] if len(found) == 1 else None
    return None


# --- Incoterms -----------------------------------------------------------------------------------

_INCOTERM = re.compile(r"(?i)(?<![A-Z])(EXW|FCA|FAS|FOB|CFR|CNF|C\s?&\s?F|C\s?and\s?F|CIF|CPT|CIP|DAP|DPU|DAT|DDP|"
                       r"DDU)(?![A-Z])")
_CHINESE_TERMS = (("CIF", re.compile("到岸价|到岸價|成本加保险费加运费|成本加保險費加運費")),
                  ("CFR", re.compile("成本加运费|成本加運費")),
                  ("FOB", re.compile("离岸价|離岸價|船上交货|船上交貨")),
                  ("EXW", re.compile("工厂交货|工廠交貨|出厂价|出廠價")))
_TERM_OF = {"CNF": "CFR", "C&F": "CFR", "CANDF": "CFR"}
_EDITION = re.compile(r"(?i)\bincoterms?\b(?:[ ]?20\d\d)?|\b20[12]0\b")


@dataclass(frozen=True)
class Delivery:
    """An Incoterm and its named place, with the port the place names when the table knows it."""

    term: str  # FOB, CFR, … (C&F and CNF are CFR)
    place: str  # as written, without the term and the Incoterms edition
    port: Port | None

    def differs(self, other: Delivery) -> bool:
        """Another term, or another place; a place only one side names is no difference."""
        if self.term != other.term:
            return True
        if not (self.place and other.place):
            return False
        if self.port and other.port:
            return self.port.locode != other.port.locode
        return _place_key(self.place) != _place_key(other.place)


def _place_key(place: str) -> str:
    key = _key(re.split(r"[,，;(（]", place, maxsplit=1)[0])
    return _CHINESE_FILLER.sub("", " ".join(_FILLER.sub(" ", key).split()))


def delivery(text: str) -> Delivery | None:
    """'CFR 巴生港' -> CFR at Port Klang (MYPKG); '上海离岸价' -> FOB at Shanghai; None when the
    text names no Incoterm."""
    text = " ".join((text or "").split())[:MAX_TEXT]
    found = _INCOTERM.search(text)
    if found:
        term = re.sub(r"\s", "", found.group(1).upper())
        rest = text[:found.start()] + " " + text[found.end():]
    else:
        chinese = next(((name, m) for name, pattern in _CHINESE_TERMS if (m := pattern.search(text))), None)
        if chinese is None:
            return None
        term, rest = chinese[0], text[:chinese[1].start()] + " " + text[chinese[1].end():]
    place = " ".join(_EDITION.sub(" ", rest).split()).strip(" -:：,，")
    return Delivery(_TERM_OF.get(term, term), place, port(place) if place else None)


def incoterms_differ(a: str, b: str) -> bool:
    """True when two Incoterm texts mean different deliveries; texts that name no Incoterm are
    compared as words."""
    first, second = delivery(a), delivery(b)
    if first is None or second is None:
        return " ".join(a.split()).lower() != " ".join(b.split()).lower()
    return first.differs(second)
