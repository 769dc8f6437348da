"""Correlation: by our subject token, by the thread, by an order number; otherwise unfiled."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from mailflow import linear
from mailflow.config import DEFAULT_ORDER_PATTERNS
from mailflow.correlate import (
    KnownOrder,
    alias_key,
    correlate,
    correlate_purchase,
    find_numbers,
    token_pattern,
)
from mailflow.model import Action, Decision, OrderData
from mailflow.parse import parse
from tests.mails import mail

PATTERNS = [linear.compile(p) for p in DEFAULT_ORDER_PATTERNS]
TOKEN = token_pattern("[Order {order}]")
FILE_ORDER = Decision("order", "po", (), (Action("file", {"to": "order"}, "po"),))
NO_FILE = Decision("inquiry", "inq", (), ())


class Lookup:
    def __init__(self, aliases: dict[str, list[KnownOrder]] | None = None,
                 threads: dict[str, KnownOrder] | None = None) -> None:
        self.aliases = aliases or {}
        self.threads = threads or {}

    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]:
        return {k: self.aliases[k] for k in keys if k in self.aliases}

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None:
        return next((self.threads[m] for m in message_ids if m in self.threads), None)


PO = KnownOrder(1, "4500871", "Northwind Trading")


def run(data: bytes, lookup: Lookup, decision: Decision = FILE_ORDER, buyer: str = "Northwind Trading"):
    return correlate(parse(data), decision, OrderData(), buyer, lookup, PATTERNS, TOKEN)


@pytest.mark.parametrize("text, numbers", [
    ("Please find attached our PO 4500871.", ["4500871"]),
    ("P.O. No.: 4500871 and PO#4500872", ["4500871", "4500872"]),
    ("Purchase Order No. MH-2026-118", ["MH-2026-118"]),
    ("Signed PI AN-PI-26-0311 / order MH-2026-118", ["AN-PI-26-0311", "MH-2026-118"]),
    ("订单号：4500871，请安排", ["4500871"]),
    ("訂單編號 TW-8812 的樣品", ["TW-8812"]),
    ("we can order 500 pcs per month from our PO box 12", []),
    # a company's prefix and the document's own letters: the whole number, not the "PO" inside it
    ("Delivery note for your P/O HX-PO-2609-05", ["HX-PO-2609-05"]),
    ("Proforma Invoice HX-PI-26-0918 for your PO BH-7731", ["HX-PI-26-0918", "BH-7731"]),
])
def test_numbers_found_in_text(text: str, numbers: list[str]) -> None:
    found = find_numbers(parse(mail("x", text)), OrderData(), PATTERNS)
    assert [f.number for f in found] == numbers


def test_alias_key_ignores_labels_and_punctuation() -> None:
    assert alias_key("mh-2026-118") == alias_key("MH 2026/118") == "MH2026118"


def test_number_in_subject_joins_the_known_order() -> None:
    ref = run(mail("Shipment for PO 4500871"), Lookup({"4500871": [PO]}))
    assert ref is not None and ref.existing_id == 1 and "subject" in ref.how


def test_reply_in_thread_without_number_joins_by_in_reply_to() -> None:
    data = mail("Re: New order - spring", "Please change the marking.",
                headers={"In-Reply-To": "<po@northwind.example>", "References": "<po@northwind.example>"})
    ref = run(data, Lookup(threads={"po@northwind.example": PO}))
    assert ref is not None and ref.existing_id == 1 and "thread" in ref.how


def test_our_subject_token_wins_over_other_numbers() -> None:
    other = KnownOrder(2, "4500655", "Northwind Trading")
    data = mail("Re: delay [Order 4500871]", "Unlike PO 4500655, this one is late.")
    ref = run(data, Lookup({"4500871": [PO], "4500655": [other]}))
    assert ref is not None and ref.existing_id == 1 and "subject token" in ref.how


def test_unknown_number_with_file_order_proposes_a_new_order() -> None:
    ref = run(mail("PO 4500999", "new order"), Lookup())
    assert ref is not None and ref.existing_id is None and ref.number == "4500999"


def test_without_file_order_an_unknown_number_stays_unfiled() -> None:
    assert run(mail("About PO 4500999"), Lookup(), decision=NO_FILE) is None


def test_no_number_no_thread_is_unfiled() -> None:
    assert run(mail("Price for spunlace?", "Please quote."), Lookup()) is None


def test_numbers_only_in_quoted_text_do_not_create_orders() -> None:
    body = "Thanks.\n\nOn Mon, 9 Nov 2026 Lily wrote:\n> about PO 4501111 ..."
    assert run(mail("Re: hello", body), Lookup()) is None


def test_same_number_from_another_buyer_is_a_different_order() -> None:
    theirs = KnownOrder(7, "4500871", "Someone Else")
    ref = run(mail("PO 4500871"), Lookup({"4500871": [theirs, PO]}))
    assert ref is not None and ref.existing_id == 1
    ref = run(mail("PO 4500871"), Lookup({"4500871": [theirs, PO]}), buyer="Third Party")
    assert ref is not None and ref.existing_id is None  # ambiguous: do not guess


def test_bank_mail_joins_the_only_order_with_that_number() -> None:
    ref = run(mail("L/C advice for PO 4500871", sender="trade@bank.example"), Lookup({"4500871": [PO]}),
              decision=NO_FILE, buyer="bank.example")
    assert ref is not None and ref.existing_id == 1


def test_the_subject_number_wins_over_a_known_number_in_the_body() -> None:
    data = mail("Quality claim - PO 4500655", "Deduct it from the balance of PO 4500871.")
    ref = run(data, Lookup({"4500871": [PO]}))
    assert ref is not None and ref.existing_id is None and ref.number == "4500655"


def test_a_known_number_without_a_label_joins_its_order() -> None:
    mh = KnownOrder(3, "AN-PI-26-0311", "Mueller Haushaltswaren")
    data = mail("回复：订舱 MH-2026-118 上海-汉堡", "请提供装箱单", sender="booking@forwarder.example")
    ref = run(data, Lookup({"MH2026118": [mh]}), decision=NO_FILE, buyer="forwarder.example")
    assert ref is not None and ref.existing_id == 3 and "known order number MH-2026-118" in ref.how


def test_an_order_document_never_joins_another_buyers_order() -> None:
    extract = Decision("order", "po", (), (Action("extract", {"from": "pdf"}, "po"),
                                           Action("file", {"to": "order"}, "po")))
    ref = run(mail("PO 4500871"), Lookup({"4500871": [PO]}), decision=extract, buyer="other.example")
    assert ref is not None and ref.existing_id is None


def test_a_new_po_in_an_old_orders_thread_starts_its_own_order() -> None:
    extract = Decision("order", "po", (), (Action("extract", {"from": "pdf"}, "po"),
                                           Action("file", {"to": "order"}, "po")))
    data = mail("Re: New order - spring [Order 4500871]", "Here is our new purchase order PO 4500999.",
                headers={"In-Reply-To": "<po@northwind.example>"})
    ref = run(data, Lookup(threads={"po@northwind.example": PO}), decision=extract)
    assert ref is not None and ref.number == "4500999" and ref.existing_id is None and ref.by == "new"
    # while the same thread's order change stays with its order
    change = mail("Re: New order - spring", "Please change the marking on PO 4500871.",
                  headers={"In-Reply-To": "<po@northwind.example>"})
    ref = run(change, Lookup({"4500871": [PO]}, threads={"po@northwind.example": PO}), decision=extract)
    assert ref is not None and ref.existing_id == 1


def test_our_own_mail_about_a_buyers_order_joins_it_and_never_opens_another_under_its_number() -> None:
    """Our "Re: BL draft PO 4500871" to the forwarder, which an order rule files and extracts:
    the number names the buyer's order, so it joins that one, never a second 4500871 of the
    forwarder's; a number nobody has still opens one (our P/O to a supplier)."""
    extract = Decision("order", "change", (), (Action("extract", {"from": "pdf"}, "change"),
                                               Action("file", {"to": "order"}, "change")))
    data = parse(mail("Re: BL draft PO 4500871 - please confirm", "The draft is fine, please issue.",
                      sender="Lily <lily@acme.example>", to="ops@bluewave.example"))
    ours = correlate(data, extract, OrderData(), "bluewave.example", Lookup({"4500871": [PO]}), PATTERNS, TOKEN,
                     ours=True)
    assert ours is not None and ours.existing_id == 1
    theirs = correlate(data, extract, OrderData(), "bluewave.example", Lookup({"4500871": [PO]}), PATTERNS, TOKEN)
    assert theirs is not None and theirs.existing_id is None  # a buyer's PO of the same number: its own order
    ambiguous = Lookup({"4500871": [PO, KnownOrder(7, "4500871", "Someone Else")]})
    assert correlate(data, extract, OrderData(), "bluewave.example", ambiguous, PATTERNS, TOKEN, ours=True) is None
    # our P/O to a supplier never comes here: `correlate_purchase` places it (a purchase order)
    purchase = parse(mail("Purchase Order HX-PO-2609-05 for sales order 4500871", "Our P/O attached.",
                          sender="Lily <lily@acme.example>", to="sales@cartons.example"))
    ref, why = correlate_purchase(purchase, OrderData(numbers=("HX-PO-2609-05",)), "cartons.example",
                                  Lookup({"4500871": [PO]}), PATTERNS)
    assert ref is not None and why == "" and ref.existing_id is None and ref.number == "HX-PO-2609-05"
    assert ref.kind == "purchase"


def test_references_a_person_wrote_have_letters_and_digits() -> None:
    from mailflow.correlate import references_in

    text = "as per your revised quotation HX-Q-2609-11A of 2026-09-10, 40 tons; PO BH-7731"
    assert references_in(text) == ["HX-Q-2609-11A", "BH-7731"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Our ref.: QT-88120; your offer no. OF-2231 and contract No: SC26-001", ["QT-88120", "OF-2231", "SC26-001"]),
    ("附件是我们的订单 LH-2609-018，请按报价单 HX-Q-2609-14 的价格做形式发票。", ["LH-2609-018", "HX-Q-2609-14"]),
    ("合同号：HXC-2609-3 / P/I HX-PI-26-0918", ["HXC-2609-3", "HX-PI-26-0918"]),
    # specifications, not references: no label before them, and "quote" as a verb is none
    ("Please quote SSS 25gsm white 1600mm, ISO9001 certified, 5ply cartons", []),
    ("Could you quote SSS-25-WH and offer 40HQ rates?", []),
])
def test_only_a_labelled_token_is_a_cited_reference(text: str, expected: list[str]) -> None:
    from mailflow.correlate import references_in

    assert references_in(text) == expected


def test_a_number_our_own_mail_gave_is_a_reference_without_a_label() -> None:
    from mailflow.correlate import references_in

    ours = ["HX-Q-2609-77 spunbond SSS 25gsm / ISO9001"]  # our earlier mail's subject
    text = "As agreed in HX-Q-2609-77 we order 40 tons of 25gsm, ISO9001."
    assert references_in(text, ours) == ["HX-Q-2609-77"]
    assert references_in(text) == []


def test_a_number_that_names_another_order_is_no_alias_of_this_one() -> None:
    from mailflow.decide import _own_aliases
    from mailflow.model import OrderRef

    lookup = Lookup({alias_key("BH-7731"): [KnownOrder(1, "BH-7731", "Bellmont")]})
    new = OrderRef("HX-PO-2609-05", "cartons.example", None, "new order", by="new")
    assert _own_aliases(["HX-PO-2609-05", "BH-7731"], new, lookup) == ["HX-PO-2609-05"]
    same = OrderRef("BH-7731", "Bellmont", 1, "order number", by="number")
    assert _own_aliases(["BH-7731", "HX-PI-26-0918"], same, lookup) == ["BH-7731", "HX-PI-26-0918"]
