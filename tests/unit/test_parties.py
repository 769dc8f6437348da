"""Who a mail is from: us, a buyer, a supplier, a forwarder, an inspection agency, a bank or
someone else, with the reason; what the configuration lists counts first, then the mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.config import Config, load_config
from mailflow.errors import ConfigError
from mailflow.parse import parse
from mailflow.parties import party_of, sender_party
from mailflow.reply.plan import answers_party
from tests.mails import mail

CONFIG = """\
identity: {company: Acme, address: orders@acme.example}
buyers: [{name: Kestrel, domains: [kestrel.example]}]
forwarders: [{name: Seaways, domains: [seaways.example]}]
agencies: [{name: Checkpoint, addresses: [qc@checkpoint.example]}]
banks: [{name: Harbour, domains: [harbour.example]}]
suppliers:
  - {name: Boxes, domains: [boxes.example]}
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mailflow.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)


def call(config: Config, sender: str, subject: str = "x", **kwargs: object) -> tuple[str, str]:
    decided = party_of(parse(mail(subject, sender=sender)), config, **kwargs)  # type: ignore[arg-type]
    return decided.party, decided.why


@pytest.mark.parametrize("sender, party", [
    ("bob@kestrel.example", "buyer"), ("ops@seaways.example", "forwarder"),
    ("qc@checkpoint.example", "agency"), ("advice@harbour.example", "bank"),
    ("sales@boxes.example", "supplier"),
])
def test_the_configuration_names_the_party(config: Config, sender: str, party: str) -> None:
    found, why = call(config, sender)
    assert found == party and "listed under" in why


def test_our_own_mail_is_ours(config: Config) -> None:
    assert call(config, "lily@acme.example", outgoing=True)[0] == "us"


@pytest.mark.parametrize("sender, party, word", [
    ("Ops <ops@bluewave-logistics.example>", "forwarder", "logistic"),
    ("Trade Services <ts@cathay-bank.example>", "bank", "bank"),
    ("Report <report@sgs.example>", "agency", "sgs"),
    ("QIMA Reports <noreply@reports.example>", "agency", "QIMA"),
    ("Ningbo Freight <booking@nbf.example>", "forwarder", "Freight"),
])
def test_the_senders_name_or_domain_says(config: Config, sender: str, party: str, word: str) -> None:
    found, why = call(config, sender)
    assert found == party and word in why


@pytest.mark.parametrize("kinds, party", [
    (["inspection_report"], "agency"), (["booking_confirmation"], "forwarder"), (["bl_draft"], "forwarder"),
    (["lc_advice"], "bank"), (["pi"], "supplier"),
    (["po", "inspection_report"], "buyer"),  # the buyer's PO comes first
])
def test_the_documents_it_carries_say(config: Config, kinds: list[str], party: str) -> None:
    assert call(config, "info@unknown.example", kinds=kinds)[0] == party


@pytest.mark.parametrize("subject, party", [
    ("Credit advice: USD 12,000 credited", "bank"), ("MT103 ref 88812", "bank"),
    ("Inspection report PO 4500871", "agency"), ("Booking confirmation / vessel/voy MSC ANNA", "forwarder"),
    ("验货报告 4500871", "agency"),
])
def test_what_it_says_as_a_writer(config: Config, subject: str, party: str) -> None:
    assert call(config, "info@unknown.example", subject=subject)[0] == party


def test_a_stranger_is_a_buyer_unless_it_writes_about_another_buyers_order(config: Config) -> None:
    party, why = call(config, "buyer@newcomer.example", subject="RFQ spunlace")
    assert party == "buyer" and "prospective" in why
    kestrel = frozenset({"kestrel.example"})
    assert call(config, "jane@kestrel-uk.example", order_buyer=kestrel)[0] == "other"
    assert call(config, "ops@someone.example", order_buyer=kestrel, category="shipping")[0] == "forwarder"
    assert call(config, "bob@newcomer.example", order_buyer=frozenset({"newcomer.example"}))[0] == "buyer"


def test_sender_party_for_mail_on_file() -> None:
    assert sender_party("seaways-forwarding.example", "") == "forwarder"
    assert sender_party("intertek.example", "") == "agency"
    assert sender_party("kestrel.example", "Bob") == "buyer"


def test_replies_go_to_buyers_and_prospective_buyers_only() -> None:
    assert answers_party("buyer", "order")
    assert answers_party("other", "inquiry") and not answers_party("other", "complaint")
    for party in ("forwarder", "agency", "bank", "supplier", "us"):
        assert not answers_party(party, "inquiry")


def test_one_domain_names_one_party(tmp_path: Path) -> None:
    path = tmp_path / "mailflow.yaml"
    path.write_text(CONFIG + "  - {name: Again, domains: [kestrel.example]}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 8 and caught.value.field == "suppliers[1].domains[0]"
    assert "listed already under buyers[0]" in str(caught.value)
    path.write_text(CONFIG.replace("[seaways.example]", "[not a domain]"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 3 and "not a domain" in str(caught.value)


def test_a_buyer_with_orders_on_file_stays_a_buyer_whatever_its_name(config: Config) -> None:
    assert call(config, "ops@pacific-shipping-supplies.example")[0] == "forwarder"
    party, why = call(config, "ops@pacific-shipping-supplies.example", buys=True)
    assert party == "buyer" and "orders on file" in why



def test_an_inspection_booking_is_the_agencys(config: Config) -> None:
    party, why = call(config, "Reports <reports@meridian-qa.example>", "Inspection booking confirmed: PO BH-7731")
    assert party == "agency" and "inspection booking" in why.lower()
