"""Purchase orders as pure parts, without a database: which plan an order follows by its kind,
whom a chaser goes to, where our P/O and the supplier's mail are placed, what their documents
are, and who the supplier is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from mailflow import linear
from mailflow.config import DEFAULT_ORDER_PATTERNS, Config, load_config
from mailflow.correlate import (
    KnownOrder,
    correlate,
    correlate_purchase,
    find_numbers,
    token_pattern,
    why_unfiled,
)
from mailflow.documents import detect
from mailflow.errors import RuleError
from mailflow.follow import Follower
from mailflow.follow import order as fo
from mailflow.follow.money import Tolerance
from mailflow.follow.plans import Chaser, OnFile, chase_route, load_plan, load_plans
from mailflow.model import Action, Decision, OrderData
from mailflow.parse import parse
from mailflow.parties import party_of
from tests.conftest import ROOT
from tests.mails import mail

UTC = dt.UTC
PLANS = load_plans(ROOT / "rules" / "followup")
FOLLOWER = Follower(PLANS, Tolerance(None, Decimal(50)))
PATTERNS = [linear.compile(p) for p in DEFAULT_ORDER_PATTERNS]
FILE_ORDER = Decision("order", "po", (), (Action("file", {"to": "order"}, "po"),))
SALE = KnownOrder(1, "KS-6001", "Kestrel Supplies", "sale")
PURCHASE = KnownOrder(2, "HL-2603", "hengli-pack.example", "purchase")
TWIN = KnownOrder(3, "KS-6001", "hengli-pack.example", "purchase")  # our P/O numbered after the customer's PO
LC_TERMS = {"numbers": ["HL-2603"], "total": "1360.00", "currency": "CNY", "payment_terms": "L/C at sight"}


class Lookup:
    def __init__(self, *orders: KnownOrder, threads: dict[str, KnownOrder] | None = None) -> None:
        self.aliases: dict[str, list[KnownOrder]] = {}
        for order in orders:
            self.aliases.setdefault(order.number.replace("-", ""), []).append(order)
        self.threads = threads or {}

    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]:
        return {k: self.aliases[k] for k in keys if k in self.aliases}

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None:
        return next((self.threads[m] for m in message_ids if m in self.threads), None)


# --- which plan -------------------------------------------------------------------------------

def follow(kind: str, *documents: fo.Doc, plan: str = "", data: dict[str, object] | None = None) -> fo.Result:
    facts = fo.OrderFacts(id=1, number="HL-2603", data=data or dict(LC_TERMS), kind=kind, plan=plan,
                          plan_by_hand=bool(plan), first_mail=dt.datetime(2026, 3, 3, tzinfo=UTC))
    now = dt.datetime(2026, 3, 12, 9, tzinfo=UTC)
    return fo.follow(fo.Inputs(facts, documents, (), (), now, now.date()), FOLLOWER)


def doc(kind: str, party: str, day: int, message: int) -> fo.Doc:
    at = dt.datetime(2026, 3, day, 9, tzinfo=UTC)
    return fo.Doc(kind, party, f"{kind}.pdf", {}, message, at, at)


def test_a_purchase_order_follows_the_purchase_plan_and_a_sales_order_never_does() -> None:
    # the L/C terms would choose the L/C plan for a sales order; a purchase order's kind decides
    assert follow("purchase", doc("purchase_order", "us", 3, 1)).followed.plan == "purchase-order"
    assert follow("sale", doc("po", "buyer", 3, 1)).followed.plan == "lc-order"
    assert follow("sale", doc("po", "buyer", 3, 1), data={"numbers": ["KS-1"]}).followed.plan == "tt-order"
    # a plan a person set for the other kind does not stand
    assert follow("purchase", plan="tt-order").followed.plan == "purchase-order"
    assert follow("sale", doc("po", "buyer", 3, 1), plan="purchase-order").followed.plan == "lc-order"


def test_plans_see_the_order_kind_and_only_plans_of_that_kind_are_asked(tmp_path: Path) -> None:
    only_sales = tuple(p for p in PLANS if p.kind == "sale")
    chosen, _ = fo.choose_plan(only_sales, fo.plan_facts(LC_TERMS, ["purchase_order"], "purchase"))
    assert chosen is None  # no sales plan takes a purchase order, not even one without `when`
    file = tmp_path / "p.yaml"
    file.write_text("name: by-kind\nkind: purchase\nwhen: \"order.kind == 'purchase'\"\n"
                    "milestones:\n  - key: a\n", encoding="utf-8")
    plan = load_plan(file)
    assert fo.choose_plan([plan], fo.plan_facts({}, [], "purchase"))[0] is plan
    file.write_text("name: odd\nkind: barter\nmilestones:\n  - key: a\n", encoding="utf-8")
    with pytest.raises(RuleError, match="kind is one of sale, purchase"):
        load_plan(file)


def test_the_suppliers_milestones_are_done_by_the_suppliers_documents_only() -> None:
    ours = follow("purchase", doc("purchase_order", "us", 3, 1), doc("pi", "us", 4, 2))
    marks = {m.key: m for m in ours.milestones}
    assert marks["po_sent"].state == fo.DONE and marks["supplier_confirmed"].state != fo.DONE
    for kind in ("supplier_confirmation", "pi"):
        confirmed = follow("purchase", doc("purchase_order", "us", 3, 1), doc(kind, "supplier", 5, 3))
        mark = next(m for m in confirmed.milestones if m.key == "supplier_confirmed")
        assert mark.state == fo.DONE and mark.message_row_id == 3
    # what we owe the supplier is no money owed to us
    assert ours.order.total_due == "" and ours.order.outstanding == ""


def test_from_names_a_party_a_list_or_a_party_per_kind(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    file.write_text("name: p\nmilestones:\n  - key: a\n    done_by: {documents: [bl_release, bl_original],"
                    " from: {bl_original: forwarder}}\n  - key: b\n    done_by: {documents: [inspection_report],"
                    " from: [us, agency]}\n", encoding="utf-8")
    plan = load_plan(file)
    a, b = plan.milestones
    assert a.accepts("bl_release", "us") and a.accepts("bl_original", "forwarder")
    assert not a.accepts("bl_original", "us") and not a.accepts("bl_copy", "forwarder")
    assert b.accepts("inspection_report", "agency") and not b.accepts("inspection_report", "supplier")
    assert a.done_by_words() == "B/L telex release / surrender or original B/L from forwarder"
    file.write_text("name: p\nmilestones:\n  - key: a\n    done_by: {documents: [bl_release], "
                    "from: {bl_original: forwarder}}\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not one of this milestone's documents"):
        load_plan(file)


# --- whom a chaser goes to ----------------------------------------------------------------------

def test_a_chaser_goes_to_the_party_that_owes_and_to_no_one_else() -> None:
    supplier = Chaser("chase_supplier_confirmation", "supplier")
    buyer_mail = [OnFile("bob", "buyer"), OnFile("amy", "forwarder")]
    mails, why = chase_route(supplier, buyer_mail)
    assert mails == [] and "no mail from the supplier on this order" in why and "never sent to another" in why
    mails, why = chase_route(supplier, [OnFile("bob", "buyer"), OnFile("li-2", "supplier", in_case=True),
                                        OnFile("li-1", "supplier")])
    assert [m.ref for m in mails] == ["li-1", "li-2"] and why == ""  # a complaint's thread last
    assert [m.ref for m in chase_route(Chaser("chase_lc", "buyer"), buyer_mail)[0]] == ["bob"]


def test_a_chaser_may_go_to_a_supplier_or_an_agency_but_not_to_anyone(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    for to in ("supplier", "agency", "forwarder", "bank", "buyer"):
        file.write_text(f"name: p\nmilestones:\n  - key: a\n    chaser: {{template: t, to: {to}}}\n", encoding="utf-8")
        chaser = load_plan(file).milestones[0].chaser
        assert chaser is not None and chaser.to == to
    file.write_text("name: p\nmilestones:\n  - key: a\n    chaser: {template: t, to: carrier}\n", encoding="utf-8")
    with pytest.raises(RuleError, match="chaser.to is one of"):
        load_plan(file)


# --- where our P/O and the supplier's mail go ----------------------------------------------------

def our_po(subject: str, **headers: str) -> bytes:
    return mail(subject, "Please find attached our purchase order.", sender="orders@acme.example",
                to="sales@hengli-pack.example", headers=headers)


def test_our_po_opens_a_purchase_order_for_the_sales_order_it_cites() -> None:
    ref, why = correlate_purchase(parse(our_po("Purchase Order HL-2603 cartons for order KS-6001")),
                                  OrderData(numbers=("HL-2603",)), "hengli-pack.example", Lookup(SALE), PATTERNS)
    assert ref is not None and why == ""
    assert (ref.number, ref.buyer, ref.existing_id, ref.kind, ref.for_order, ref.for_order_id) == (
        "HL-2603", "hengli-pack.example", None, "purchase", "KS-6001", 1)


def test_our_po_in_the_sales_orders_thread_serves_it_and_a_revised_po_joins_its_purchase_order() -> None:
    in_thread = parse(our_po("Purchase Order HL-2603", **{"In-Reply-To": "<po@kestrel.example>"}))
    ref, _ = correlate_purchase(in_thread, OrderData(), "hengli-pack.example",
                                Lookup(SALE, threads={"po@kestrel.example": SALE}), PATTERNS)
    assert ref is not None and ref.kind == "purchase" and ref.for_order == "KS-6001" and ref.existing_id is None
    again, _ = correlate_purchase(parse(our_po("Purchase Order HL-2603 Rev.1 for order KS-6001")), OrderData(),
                                  "hengli-pack.example", Lookup(SALE, PURCHASE), PATTERNS)
    assert again is not None and again.existing_id == PURCHASE.id and again.kind == "purchase"


def test_our_po_that_gives_no_number_of_its_own_stays_unfiled_with_the_reason() -> None:
    ref, why = correlate_purchase(parse(our_po("Cartons for order KS-6001")), OrderData(), "hengli-pack.example",
                                  Lookup(SALE), PATTERNS)
    assert ref is None and "gives no number of its own (it cites order KS-6001)" in why


def test_our_po_numbered_as_the_customers_po_opens_its_own_purchase_order() -> None:
    ref, _ = correlate_purchase(parse(our_po("Purchase Order KS-6001")), OrderData(numbers=("KS-6001",)),
                                "hengli-pack.example", Lookup(SALE), PATTERNS)
    assert ref is not None and (ref.number, ref.kind, ref.for_order_id, ref.existing_id) == ("KS-6001", "purchase", 1, None)


def test_one_number_on_a_sales_and_a_purchase_order_is_the_sales_orders_for_third_parties() -> None:
    token = token_pattern("[Order {order}]")
    lookup = Lookup(SALE, TWIN)
    booking = parse(mail("Booking confirmed PO KS-6001", "See the booking.", sender="amy@swiftline-log.example"))
    to = correlate(booking, Decision("shipping", "s", (), ()), OrderData(), "swiftline-log.example", lookup,
                   PATTERNS, token, opens=False)
    assert to is not None and to.existing_id == SALE.id and to.kind == "sale"
    confirms = parse(mail("PO KS-6001 confirmed", "We confirm.", sender="sales@hengli-pack.example"))
    to = correlate(confirms, FILE_ORDER, OrderData(), "hengli-pack.example", lookup, PATTERNS, token, opens=False)
    assert to is not None and to.existing_id == TWIN.id and to.kind == "purchase"
    # the supplier citing the customer's PO before our P/O's number writes about our P/O
    both = parse(mail("Order KS-6001 / PO HL-2603 confirmed", "ok", sender="sales@hengli-pack.example"))
    to = correlate(both, FILE_ORDER, OrderData(), "hengli-pack.example", Lookup(SALE, PURCHASE), PATTERNS, token,
                   opens=False)
    assert to is not None and to.existing_id == PURCHASE.id
    assert "names 2 orders" not in why_unfiled(find_numbers(booking, OrderData(), PATTERNS), lookup, "a forwarder")


# --- documents and parties -----------------------------------------------------------------------

def test_a_po_is_typed_by_who_sends_it_to_whom() -> None:
    po = parse(mail("Purchase Order HL-2603", "attached", sender="orders@acme.example",
                    attachments=[("PO_HL-2603.pdf", b"%PDF-1.4", "application/pdf")]))
    assert [d.kind for d in detect(po, "order", "us", to_supplier=True)] == ["purchase_order"]
    assert [d.kind for d in detect(po, "order", "us")] == ["po"]  # to a buyer: not our P/O
    assert [d.kind for d in detect(po, "order", "supplier")] == ["supplier_confirmation"]
    assert [d.kind for d in detect(po, "order", "buyer")] == ["po"]
    holding = parse(mail("Re: PO HL-2603", "Received, we will revert with the delivery date.",
                         sender="sales@hengli-pack.example"))
    assert detect(holding, "order", "supplier") == []  # a reply that confirms nothing is no confirmation
    confirmed = parse(mail("Re: PO HL-2603", "We confirm your order, delivery on 25 March.",
                           sender="sales@hengli-pack.example"))
    assert [d.kind for d in detect(confirmed, "order", "supplier")] == ["supplier_confirmation"]
    delivered = parse(mail("Delivery HL-2603", "attached", sender="sales@hengli-pack.example",
                           attachments=[("Delivery Note HL-2603.pdf", b"%PDF-1.4", "application/pdf")]))
    assert [d.kind for d in detect(delivered, "shipping", "supplier")] == ["delivery_note"]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mailflow.yaml"
    path.write_text("identity: {company: Acme, address: orders@acme.example}\n"
                    "buyers: [{name: Kestrel, domains: [kestrel.example]}]\n", encoding="utf-8")
    return load_config(path)


def test_the_counterparty_of_a_purchase_order_is_its_supplier(config: Config) -> None:
    message = parse(mail("Re: PO HL-2603", "ok", sender="sales@hengli-pack.example"))
    joined = party_of(message, config, order_buyer=frozenset({"hengli-pack.example"}), order_kind="purchase")
    assert joined.party == "supplier" and "supplier of the purchase order" in joined.why
    assert party_of(message, config, supplies=True).party == "supplier"
    assert party_of(message, config, buys=True).party == "buyer"


# --- the review of issue 22's purchase orders ----------------------------------------------------

def test_only_a_document_that_names_itself_a_purchase_order_is_our_po() -> None:
    """A cited "PO KS-6001" in our subject, or our order confirmation, is no P/O of ours."""
    def kinds(subject: str, attachments: list[tuple[str, bytes, str]] | None = None) -> list[str]:
        message = parse(mail(subject, "Dear Sir, see below.", sender="orders@acme.example",
                             attachments=attachments or []))
        texts = {name: data.decode() for name, data, _ in attachments or []}
        return [d.kind for d in detect(message, "order", "us", texts, to_supplier=True)]

    assert "purchase_order" not in kinds("PO KS-6001 - shipping marks for the cartons")
    assert "purchase_order" not in kinds("Order Confirmation for your PO NB-5501", [
        ("OC-2611-07.txt", b"ORDER CONFIRMATION\nNo. OC-2611-07\n", "text/plain")])
    assert "purchase_order" not in kinds("Your order", [("Order_Sheet.txt", b"ORDER SHEET\nNo. 7\n", "text/plain")])
    assert kinds("Cartons for order KS-6001", [("P.txt", b"PURCHASE ORDER\nCartons\n", "text/plain")]) == [
        "purchase_order"]
    assert kinds("P/O HL-2603") == ["purchase_order"]
    assert kinds("Purchase Order HL-2603") == ["purchase_order"]
    assert kinds("采购单 HL-2603") == ["purchase_order"]
    assert kinds("Cartons", [("x.txt", "采购合同\n编号 HL-2603\n".encode(), "text/plain")]) == ["purchase_order"]


def test_a_supplier_confirms_only_in_words_that_confirm_the_order() -> None:
    def confirms(text: str) -> bool:
        message = parse(mail("Re: Purchase Order HL-2603", text, sender="sales@hengli-pack.example"))
        return [d.kind for d in detect(message, "order", "supplier")] == ["supplier_confirmation"]

    for text in ("We confirm your order HL-2603, delivery on 25 March.", "Your P/O HL-2603 is accepted.",
                 "The order is confirmed.", "已确认订单，交期3月25日。"):
        assert confirms(text), text
    for text in ("Your P/O is not confirmed yet, we revert tomorrow.", "The delivery date cannot be confirmed yet.",
                 "We confirm receipt of your P/O HL-2603.", "Received, we will revert with the delivery date.",
                 "Confirmed.", "P/O HL-2603 has not been confirmed by our boss."):
        assert not confirms(text), text


def test_a_new_po_in_an_old_pos_thread_opens_its_own_purchase_order() -> None:
    thread = {"poHL-2603@acme.example": PURCHASE}
    new = parse(our_po("Re: Purchase Order HL-2603", **{"In-Reply-To": "<poHL-2603@acme.example>"}))
    ref, _ = correlate_purchase(new, OrderData(numbers=("HL-2650",)), "hengli-pack.example",
                                Lookup(SALE, PURCHASE, threads=thread), PATTERNS)
    assert ref is not None and ref.existing_id is None and ref.number == "HL-2650" and ref.kind == "purchase"
    for data in (OrderData(), OrderData(numbers=("HL-2603",))):  # no number of its own, or the same: the thread's
        same = parse(our_po("Re: Purchase Order", **{"In-Reply-To": "<poHL-2603@acme.example>"}))
        ref, _ = correlate_purchase(same, data, "hengli-pack.example", Lookup(SALE, PURCHASE, threads=thread), PATTERNS)
        assert ref is not None and ref.existing_id == PURCHASE.id


def test_the_customers_po_passed_on_is_no_po_of_ours_unless_to_a_known_supplier() -> None:
    passed = parse(our_po("PO KS-6001 for your inspection"))
    ref, why = correlate_purchase(passed, OrderData(numbers=("KS-6001",)), "meridian-qa.example", Lookup(SALE),
                                  PATTERNS, known_supplier=False)
    assert (ref, why) == (None, "")  # our mail about the sales order: `correlate` places it
    ref, _ = correlate_purchase(passed, OrderData(numbers=("KS-6001",)), "hengli-pack.example", Lookup(SALE),
                                PATTERNS, known_supplier=True)
    assert ref is not None and ref.kind == "purchase" and ref.for_order_id == SALE.id  # numbered after it


def test_our_po_number_never_opens_a_sales_order(config: Config) -> None:
    """The supplier's factory writes from its own domain citing our P/O: it joins the purchase order."""
    extract = Decision("order", "po", (), (Action("extract", {"from": "pdf"}, "po"), Action("file", {"to": "order"}, "po")))
    factory = parse(mail("Order confirmation for your purchase order HL-2603", "Please find our order confirmation.",
                         sender="wu@hengli-factory.example"))
    ref = correlate(factory, extract, OrderData(numbers=("HL-2603",)), "hengli-factory.example", Lookup(SALE, PURCHASE),
                    PATTERNS, token_pattern("[Order {order}]"))
    assert ref is not None and ref.existing_id == PURCHASE.id and ref.kind == "purchase"
    side = party_of(factory, config, order_buyer=frozenset({"hengli-pack.example"}), order_kind="purchase")
    assert side.party == "supplier" and "writes about our purchase order" in side.why


def test_a_chaser_to_a_silent_party_answers_our_own_mail_to_it() -> None:
    supplier = Chaser("chase_supplier_confirmation", "supplier")
    ours = [OnFile("note", "us"), OnFile("po", "us", to=("sales@hengli-pack.example",))]
    mails, why = chase_route(supplier, [OnFile("bob", "buyer")], ours)
    assert [m.ref for m in mails] == ["po"] and mails[0].to == ("sales@hengli-pack.example",) and why == ""
    mails, _ = chase_route(supplier, [OnFile("li", "supplier")], ours)
    assert [m.ref for m in mails] == ["li"]  # the party's own mail first
    mails, why = chase_route(supplier, [OnFile("bob", "buyer")], [OnFile("note", "us")])
    assert mails == [] and "nor ours to it" in why and "never sent to another party" in why


def test_a_correspondent_at_a_free_mail_domain_is_known_by_address() -> None:
    from mailflow.parties import counterparty_key

    assert counterparty_key("Li.Wei@QQ.com") == "li.wei@qq.com"
    assert counterparty_key("wang@163.com") == "wang@163.com"
    assert counterparty_key("sales@hengli-pack.example") == "hengli-pack.example"
