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


# the countries of the table's ports, as a place after a port's name writes them ("Santos Brazil",
# "Port Klang MY", "桑托斯巴西"): ISO 3166 code -> names, English and Chinese
_COUNTRIES = {
    "AE": "United Arab Emirates|UAE|阿联酋|阿聯酋", "AO": "Angola|安哥拉", "AR": "Argentina|阿根廷",
    "AU": "Australia|澳大利亚|澳大利亞|澳洲", "BD": "Bangladesh|孟加拉|孟加拉国|孟加拉國", "BE": "Belgium|比利时|比利時",
    "BG": "Bulgaria|保加利亚|保加利亞", "BJ": "Benin|贝宁|貝寧", "BR": "Brazil|Brasil|巴西", "CA": "Canada|加拿大",
    "CI": "Ivory Coast|Cote d'Ivoire|科特迪瓦", "CL": "Chile|智利", "CM": "Cameroon|喀麦隆|喀麥隆",
    "CN": "China|P.R. China|PRC|中国|中國", "CO": "Colombia|哥伦比亚|哥倫比亞", "CR": "Costa Rica|哥斯达黎加|哥斯大黎加",
    "CU": "Cuba|古巴", "CY": "Cyprus|塞浦路斯", "DE": "Germany|德国|德國", "DJ": "Djibouti|吉布提",
    "DK": "Denmark|丹麦|丹麥", "DO": "Dominican Republic|多米尼加", "DZ": "Algeria|阿尔及利亚|阿爾及利亞",
    "EC": "Ecuador|厄瓜多尔|厄瓜多爾", "EE": "Estonia|爱沙尼亚|愛沙尼亞", "EG": "Egypt|埃及", "ES": "Spain|西班牙",
    "FI": "Finland|芬兰|芬蘭", "FJ": "Fiji|斐济|斐濟", "FR": "France|法国|法國",
    "GB": "United Kingdom|UK|Great Britain|England|Scotland|Wales|英国|英國", "GH": "Ghana|加纳|加納",
    "GR": "Greece|希腊|希臘", "GT": "Guatemala|危地马拉|瓜地馬拉", "HK": "Hong Kong|香港", "HN": "Honduras|洪都拉斯",
    "HR": "Croatia|克罗地亚|克羅地亞", "ID": "Indonesia|印度尼西亚|印度尼西亞|印尼", "IE": "Ireland|爱尔兰|愛爾蘭",
    "IL": "Israel|以色列", "IN": "India|印度", "IQ": "Iraq|伊拉克", "IR": "Iran|伊朗", "IS": "Iceland|冰岛|冰島",
    "IT": "Italy|意大利", "JM": "Jamaica|牙买加|牙買加", "JO": "Jordan|约旦|約旦", "JP": "Japan|日本",
    "KE": "Kenya|肯尼亚|肯尼亞", "KH": "Cambodia|柬埔寨", "KR": "Korea|South Korea|Republic of Korea|韩国|韓國",
    "KW": "Kuwait|科威特", "LB": "Lebanon|黎巴嫩", "LK": "Sri Lanka|斯里兰卡|斯里蘭卡", "LT": "Lithuania|立陶宛",
    "LV": "Latvia|拉脱维亚|拉脫維亞", "LY": "Libya|利比亚|利比亞", "MA": "Morocco|摩洛哥",
    "MG": "Madagascar|马达加斯加|馬達加斯加", "MM": "Myanmar|Burma|缅甸|緬甸", "MT": "Malta|马耳他|馬耳他",
    "MU": "Mauritius|毛里求斯", "MX": "Mexico|墨西哥", "MY": "Malaysia|马来西亚|馬來西亞",
    "MZ": "Mozambique|莫桑比克", "NC": "New Caledonia|新喀里多尼亚|新喀里多尼亞", "NG": "Nigeria|尼日利亚|尼日利亞",
    "NL": "Netherlands|The Netherlands|Holland|荷兰|荷蘭", "NO": "Norway|挪威", "NZ": "New Zealand|新西兰|紐西蘭",
    "OM": "Oman|阿曼", "PA": "Panama|巴拿马|巴拿馬", "PE": "Peru|秘鲁|秘魯",
    "PG": "Papua New Guinea|巴布亚新几内亚|巴布亞新幾內亞", "PH": "Philippines|The Philippines|菲律宾|菲律賓",
    "PK": "Pakistan|巴基斯坦", "PL": "Poland|波兰|波蘭", "PR": "Puerto Rico|波多黎各", "PT": "Portugal|葡萄牙",
    "QA": "Qatar|卡塔尔|卡塔爾", "RO": "Romania|罗马尼亚|羅馬尼亞", "RU": "Russia|Russian Federation|俄罗斯|俄羅斯",
    "SA": "Saudi Arabia|KSA|沙特|沙特阿拉伯", "SD": "Sudan|苏丹|蘇丹", "SE": "Sweden|瑞典", "SG": "Singapore|新加坡",
    "SI": "Slovenia|斯洛文尼亚|斯洛文尼亞", "SN": "Senegal|塞内加尔|塞內加爾", "SV": "El Salvador|萨尔瓦多|薩爾瓦多",
    "TG": "Togo|多哥", "TH": "Thailand|泰国|泰國", "TN": "Tunisia|突尼斯", "TR": "Turkey|Turkiye|土耳其",
    "TT": "Trinidad and Tobago|Trinidad|特立尼达和多巴哥|千里達及托巴哥", "TW": "Taiwan|台湾|臺灣|台灣",
    "TZ": "Tanzania|坦桑尼亚|坦尚尼亞", "UA": "Ukraine|乌克兰|烏克蘭",
    "US": "United States|United States of America|USA|America|美国|美國", "UY": "Uruguay|乌拉圭|烏拉圭",
    "VE": "Venezuela|委内瑞拉|委內瑞拉", "VN": "Vietnam|Viet Nam|越南", "ZA": "South Africa|南非",
}
_COUNTRY_WORDS = 4  # the longest English name's words ("United States of America")


@functools.cache
def _country_names() -> dict[str, str]:
    """Every country name and code, reduced like a port's name -> its ISO code."""
    named = {code: code for code in _COUNTRIES}
    for code, names in _COUNTRIES.items():
        named.update((_key(name), code) for name in names.split("|"))
    return named


def _without_country(key: str) -> tuple[str, str]:
    """(place, ISO code) when `key` ends in a country's name or code after something else
    ('SANTOS BRAZIL' -> ('SANTOS', 'BR'), '桑托斯巴西' -> ('桑托斯', 'BR')); ('', '') otherwise."""
    named = _country_names()
    words = key.split()
    for count in range(min(_COUNTRY_WORDS, len(words) - 1), 0, -1):
        code = named.get(" ".join(words[-count:]))
        if code:
            return " ".join(words[:-count]), code
    last = words[-1] if words else ""
    for name, code in named.items():  # Chinese writes the country without a space: 桑托斯巴西
        if re.match(rf"[{CJK}]", name) and last.endswith(name) and len(last) > len(name):
            return " ".join([*words[:-1], last[:-len(name)]]), code
    return "", ""


def _candidates(key: str) -> tuple[str, ...]:
    return key, " ".join(_FILLER.sub(" ", key).split()), _CHINESE_FILLER.sub("", key)


def port(place: str) -> Port | None:
    """The port a place names ('PORT KLANG', '巴生港', 'Shanghai, China', 'CNSHA'); None when the
    table does not know it, or when the name is two ports' (Manzanillo). A country after the
    name ('Santos Brazil', 'Port Klang MY', 'Manzanillo Mexico') picks the port of that country."""
    table = ports()
    first = re.split(r"[,，;(（]", place[:MAX_TEXT], maxsplit=1)[0]
    key = _key(first)
    for candidate in _candidates(key):
        found = table.get(candidate)
        if found:
            return found[0] if len(found) == 1 else _in_country(found, _without_country(key)[1])
    bare, country = _without_country(key)
    if country:
        for candidate in _candidates(bare):
            found = table.get(candidate)
            if found:
                return _in_country(found, country)
    return None


def _in_country(found: tuple[Port, ...], country: str) -> Port | None:
    """The one port of `found` in `country`, or None."""
    there = [p for p in found if p.locode[:2] == country]
    return there[0] if len(there) == 1 else None


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
