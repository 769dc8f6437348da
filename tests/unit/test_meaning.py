"""Documents compared by what they mean: units, numbers, the Incoterm and its port (through the
table of ports), payment terms in English and Chinese; equal where the meaning is one, and
different where it is not (CFR against CIF, Shanghai against Ningbo, 30/70 against 50/50)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from importlib import resources

import pytest

from mailflow.extract import meaning, terms
from mailflow.extract.record import compare, differences, pair_lines

# --- units and numbers -----------------------------------------------------------------------------

UNIT_FAMILIES = {
    "ROLL": ["ROLL", "Rolls", "rls", "卷"], "PCS": ["PCS", "pc", "Pieces", "件", "个", "EA"],
    "KG": ["KG", "kgs", "Kilograms", "公斤", "千克"], "CTN": ["CTN", "ctns", "Carton", "CARTONS", "箱"],
    "M": ["M", "MTR", "metres", "米"], "SET": ["SET", "sets", "套"], "PR": ["PR", "pairs", "双"],
    "T": ["MT", "tons", "吨"], "YD": ["YD", "Yards", "码"],
}


@pytest.mark.parametrize("family", sorted(UNIT_FAMILIES))
def test_every_spelling_of_a_unit_is_the_unit(family: str) -> None:
    assert {meaning.unit(w) for w in UNIT_FAMILIES[family]} == {family}


def test_different_units_stay_different_and_an_unknown_one_is_kept_as_written() -> None:
    canonical = [meaning.unit(words[0]) for words in UNIT_FAMILIES.values()]
    assert len(set(canonical)) == len(canonical)
    assert meaning.unit("bales") == "BALES" and meaning.unit_words("bales") == "bales"
    assert meaning.unit_words("Rolls", "zh") == "卷" and meaning.unit_words("公斤") == "KG"


@pytest.mark.parametrize(("a", "b", "same"), [("1,000.00", "1000", True), ("5000", "5,000", True),
                                              ("100.000", "100", True), ("2.40", "2.4", True),
                                              ("1,000", "1,001", False), ("4800", "5000", False)])
def test_numbers_compare_as_numbers(a: str, b: str, same: bool) -> None:
    assert meaning.same_number(a, b) is same


# --- ports and Incoterms -----------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("CFR 巴生港", "CFR PORT KLANG"), ("FOB Shanghai", "FOB 上海"), ("FOB Shanghai", "FOB SHANGHAI PORT"),
    ("FOB 上海", "FOB SHANGHAI PORT"), ("FOB Shanghai, China", "FOB Port of Shanghai"), ("C&F Port Kelang", "CFR Klang"),
    ("CNF Los Angeles", "CFR 洛杉矶"), ("FOB Ningbo", "FOB 宁波港"), ("CIF Hamburg Incoterms 2020", "CIF 汉堡"),
    ("上海离岸价", "FOB Shanghai"), ("FOB CNSHA", "FOB Shanghai"), ("FOB Tsingtao", "FOB 青岛"), ("FOB", "FOB Xiamen"),
])
def test_one_delivery_written_differently_is_no_difference(a: str, b: str) -> None:
    assert not meaning.incoterms_differ(a, b) and not meaning.incoterms_differ(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("CFR PORT KLANG", "CIF PORT KLANG"), ("FOB Shanghai", "FOB Ningbo"), ("FOB 上海", "FOB 宁波"),
    ("CFR 巴生港", "CFR Penang"), ("DAP Rotterdam", "DDP Rotterdam"), ("FOB Manzanillo", "FOB 曼萨尼约"),
    ("EXW Wuxi", "EXW Suzhou"),
])
def test_another_term_or_another_port_is_a_difference(a: str, b: str) -> None:
    assert meaning.incoterms_differ(a, b) and meaning.incoterms_differ(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("CIF Santos", "CIF Santos Brazil"), ("CIF Santos", "CIF Santos BR"), ("CFR Port Klang", "CFR PORT KLANG MALAYSIA"),
    ("CIF Hamburg", "CIF Hamburg Germany"), ("CIF 桑托斯", "CIF Santos Brazil"), ("CIF 桑托斯巴西", "CIF Santos"),
    ("CIF Los Angeles", "CIF Los Angeles United States of America"), ("FOB Manzanillo Mexico", "FOB MXZLO"),
])
def test_a_country_after_a_known_port_is_no_difference(a: str, b: str) -> None:
    assert not meaning.incoterms_differ(a, b) and not meaning.incoterms_differ(b, a)


def test_every_country_of_the_port_table_is_named() -> None:
    assert {p.locode[:2] for found in meaning.ports().values() for p in found} <= set(meaning._COUNTRIES)


@pytest.mark.parametrize(("a", "b"), [
    ("CIF Santos", "CIF Santos Argentina"), ("FOB Manzanillo Mexico", "FOB Manzanillo Panama"),
    ("CIF Santos Brazil", "CIF Rio Grande Brazil"),
])
def test_a_country_the_port_is_not_in_or_another_port_of_the_country_is_a_difference(a: str, b: str) -> None:
    assert meaning.incoterms_differ(a, b) and meaning.incoterms_differ(b, a)


def test_a_name_two_ports_share_names_neither() -> None:
    assert meaning.port("Manzanillo") is None and meaning.port("Cartagena") is None
    assert meaning.port("巴生港") == meaning.port("Port Klang") == meaning.port("MYPKG")
    found = meaning.port("Shanghai Port, P.R. China")
    assert found is not None and (found.locode, found.chinese) == ("CNSHA", "上海")


def test_the_port_table_is_well_formed_data() -> None:
    text = resources.files("mailflow.extract").joinpath("ports.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert len(rows) >= 250
    codes = [r["locode"] for r in rows]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", c) for c in codes)
    assert all(r["name"] and r["chinese_names"] for r in rows)


# --- payment terms -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("30%定金，70%见提单副本付款", "30% T/T deposit, 70% balance against copy of B/L"),
    ("30%定金，70%发货前付清", "T/T 30% deposit, 70% before shipment"),
    ("即期信用证", "L/C at sight"), ("100%预付", "T/T 100% in advance"),
    ("提单日后60天电汇", "O/A 60 days after B/L date"), ("100% irrevocable L/C at sight", "100% L/C at sight"),
    ("30% deposit", "30% T/T deposit, 70% against B/L copy"),
])
def test_one_payment_term_in_two_languages_is_no_difference(a: str, b: str) -> None:
    assert not terms.payment_terms(a).differs(terms.payment_terms(b))


@pytest.mark.parametrize(("a", "b"), [
    ("30% T/T deposit, 70% against B/L copy", "50% T/T deposit, 50% against B/L copy"),
    ("30%定金，70%见提单副本付款", "30%定金，70%发货前付清"),
    ("L/C at sight", "L/C 60 days after B/L"), ("L/C at sight", "T/T 100% in advance"),
    ("即期信用证", "30% T/T deposit, 70% before shipment"), ("D/P at sight", "L/C at sight"),
    ("Net 30", "Net 60"),
])
def test_other_shares_methods_or_due_moments_are_a_difference(a: str, b: str) -> None:
    assert terms.payment_terms(a).differs(terms.payment_terms(b))


@pytest.mark.parametrize(("text", "deposit"), [
    ("No deposit, 100% balance against copy of B/L", Decimal(0)),
    ("100% T/T against B/L copy (no advance payment)", Decimal(0)),
    ("Without deposit; 100% against B/L copy", Decimal(0)),
    ("无定金，100%见提单副本付款", Decimal(0)),
    ("70% balance before shipment, 30% deposit", Decimal("0.3")),
    ("Deposit 30% and balance 70% before shipment", Decimal("0.3")),
    ("30% deposit and 70% balance before shipment", Decimal("0.3")),
])
def test_the_deposit_is_the_share_its_own_clause_calls_so_and_not_a_denied_one(text: str, deposit: Decimal) -> None:
    assert terms.split(text).deposit == deposit
    assert terms.payment_terms(text).deposit == deposit


def test_payment_terms_read_into_their_parts() -> None:
    read = terms.payment_terms("30%定金，70%见提单副本付款")
    assert (read.deposit, read.method, read.due) == (Decimal("0.3"), "T/T", "against B/L copy")
    usance = terms.payment_terms("L/C 90 days after sight")
    assert (usance.deposit, usance.method, usance.due) == (0, "L/C", "90 days after sight")
    assert terms.describe(read) == "30 % deposit, T/T, balance against B/L copy"
    assert terms.describe(read, "zh") == "定金 30 %，T/T，余款见提单副本"
    assert not terms.payment_terms("as agreed").understood


# --- our P/I against the buyer's PO --------------------------------------------------------------------

PO = {"currency": "USD", "incoterm": "CFR PORT KLANG", "payment_terms": "30% T/T deposit, 70% balance against copy of B/L",
      "total": "16980.00",
      "lines": [{"item_code": "AC-1001", "buyer_code": "BW-3010", "description": "Spunlace 45gsm", "quantity": "2000",
                 "unit": "ROLL", "unit_price": "2.40", "amount": "4800.00"},
                {"item_code": "AC-1002", "buyer_code": "BW-3020", "description": "Meltblown 40gsm", "quantity": "5000",
                 "unit": "ROLLS", "unit_price": "2.4360", "amount": "12180.00"}]}


def test_the_same_order_in_chinese_wording_has_no_difference() -> None:
    pi = {"currency": "US$", "incoterm": "CFR 巴生港", "payment_terms": "30%定金，70%见提单副本付款", "total": "16,980.00",
          "lines": [{"item_code": "BW-3020", "description": "熔喷布", "quantity": "5,000.00", "unit": "卷",
                     "unit_price": "2.436", "amount": "12,180"},
                    {"item_code": "AC-1001", "description": "水刺布", "quantity": "2000", "unit": "卷",
                     "unit_price": "2.4", "amount": "4800"}]}
    assert pair_lines(PO["lines"], pi["lines"]) == [(0, 1), (1, 0)]  # type: ignore[arg-type]  # by either code
    assert compare(PO, pi) == []


def test_a_real_difference_is_worded_in_both_languages() -> None:
    pi = {**PO, "incoterm": "CIF Port Klang",
          "lines": [PO["lines"][0], {**PO["lines"][1], "quantity": "4800", "amount": "11692.80"}]}  # type: ignore[index]
    assert differences(pi=pi, po=PO) == [
        "incoterm CFR PORT KLANG on the PO, CIF Port Klang on our P/I",
        "line 2 (AC-1002): quantity 5,000 ROLL on the PO, 4,800 ROLL on our P/I",
        "line 2 (AC-1002): amount 12,180.00 on the PO, 11,692.80 on our P/I"]
    assert differences(PO, pi, "zh")[1] == "第2行（AC-1002）：数量 客户订单 5,000 卷，我方形式发票 4,800 卷"


def test_lines_without_codes_pair_by_position_when_alike_and_other_lines_are_only_on_one_side() -> None:
    po = [{"description": "Spunlace", "quantity": "10", "unit_price": "2", "amount": "20"},
          {"item_code": "X-1", "quantity": "1", "unit_price": "5", "amount": "5"}]
    pi = [{"description": "水刺布", "quantity": "12", "unit_price": "2", "amount": "24"},
          {"item_code": "Y-2", "quantity": "1", "unit_price": "6", "amount": "6"}]
    assert pair_lines(po, pi) == [(0, 0), (1, None), (None, 1)]
    same_goods = [{**pi[0]}, {**pi[1], "unit_price": "5", "amount": "5"}]  # another code, the same goods and price
    assert pair_lines(po, same_goods) == [(0, 0), (1, 1)]
    theirs = [{"buyer_code": "KS-1", "quantity": "10", "unit": "ROLL", "unit_price": "2", "amount": "20"}]
    ours = [{"item_code": "AC-1", "quantity": "12", "unit": "卷", "unit_price": "2", "amount": "24"}]
    assert pair_lines(theirs, ours) == [(0, 0)]  # codes of different kinds: the price tells
    assert differences({"lines": po}, {"lines": pi})[-2:] == ["line 2 (X-1): only on the PO",
                                                              "line 2 (Y-2): only on our P/I"]


def test_a_code_on_several_lines_pairs_them_in_order() -> None:
    po = [{"item_code": "A-1", "quantity": "10"}, {"item_code": "A-1", "quantity": "20"}]
    pi = [{"item_code": "a-1", "quantity": "10"}, {"item_code": "A-1", "quantity": "25"}]
    assert pair_lines(po, pi) == [(0, 0), (1, 1)]
    assert differences({"lines": po}, {"lines": pi}) == ["line 2 (A-1): quantity 20 on the PO, 25 on our P/I"]


def test_hostile_sizes_are_cut_and_what_is_not_compared_is_said() -> None:
    many = [{"item_code": f"C-{i}", "quantity": "1"} for i in range(5000)]
    found = differences({"lines": many, "incoterm": "FOB " + "x" * 100_000, "payment_terms": "30% " * 50_000},
                        {"lines": many, "incoterm": "FOB " + "x" * 100_000, "payment_terms": "30% " * 50_000})
    assert found == ["only the first 500 lines of each side were compared"]
    assert meaning.unit("卷" * 100_000) == "卷" * 200 and meaning.port("上海" * 100_000) is None
    assert meaning.number("9" * 100_000) is None and meaning.number("NaN") is None
    assert not meaning.same_number("9" * 100_000, "9" * 99_999)  # no number: compared as written
    [said] = differences({"total": "9" * 100_000}, {"total": "8" * 100_000})
    assert len(said) < 300 and said.startswith("total 999")
