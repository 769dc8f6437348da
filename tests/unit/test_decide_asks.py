"""What a decision asks the store: each alias key once per mail, and a sender's orders only when
nothing before them names its party."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from mailflow.config import load_config
from mailflow.correlate import KnownOrder
from mailflow.decide import Remembered
from mailflow.parse import parse
from mailflow.parties import party_of
from tests.mails import mail

ORDERS = {"4500871": [KnownOrder(1, "4500871", "northwind.example", "sale")],
          "HL2603": [KnownOrder(2, "HL-2603", "hengli-pack.example", "purchase"),
                     KnownOrder(3, "HL2603", "kestrel.example", "sale")]}


class Counting:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def orders_with_aliases(self, keys: Sequence[str]) -> dict[str, list[KnownOrder]]:
        self.asked.append(list(keys))
        return {k: ORDERS[k] for k in keys if k in ORDERS}

    def order_of_messages(self, message_ids: Sequence[str]) -> KnownOrder | None:
        return None


def test_each_alias_key_is_asked_once_and_answered_as_the_store_answers() -> None:
    lookup = Counting()
    remembered = Remembered(lookup)
    assert remembered.orders_with_aliases(["4500871", "NOSUCH", ""]) == {"4500871": ORDERS["4500871"]}
    assert remembered.orders_with_aliases(["HL2603", "4500871", "HL2603"]) == {
        "HL2603": ORDERS["HL2603"], "4500871": ORDERS["4500871"]}
    assert remembered.orders_with_aliases(["NOSUCH"]) == {}
    assert remembered.orders_with_aliases([]) == {}
    assert lookup.asked == [["4500871", "NOSUCH"], ["HL2603"]]


def test_the_senders_orders_are_asked_only_when_nothing_before_names_its_party(tmp_path: Path) -> None:
    path = tmp_path / "mailflow.yaml"
    path.write_text("identity: {company: Acme, address: orders@acme.example}\n"
                    "banks: [{name: Harbour, domains: [harbour.example]}]\n", encoding="utf-8")
    config = load_config(path)
    asked: list[str] = []

    def ask(question: str, answer: bool) -> Callable[[], bool]:
        def asking() -> bool:
            asked.append(question)
            return answer
        return asking

    bank = parse(mail("Payment received", sender="advice@harbour.example"))
    assert party_of(bank, config, buys=ask("buys", True), supplies=ask("supplies", True)).party == "bank"
    assert asked == []  # the configuration names it
    buyer = parse(mail("Shipping marks", sender="tom@northwind.example"))
    assert party_of(buyer, config, buys=ask("buys", True), supplies=ask("supplies", True)).party == "buyer"
    assert asked == ["buys"]
    asked.clear()
    supplier = party_of(buyer, config, buys=ask("buys", False), supplies=ask("supplies", True))
    assert supplier.party == "supplier" and asked == ["buys", "supplies"]
    asked.clear()
    joined = party_of(buyer, config, order_buyer=frozenset({"northwind.example"}), buys=ask("buys", False),
                      supplies=ask("supplies", False))
    assert joined.party == "buyer" and asked == []  # the order it joins says
