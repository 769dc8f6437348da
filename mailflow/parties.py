"""Who is who: our own addresses, the buyer a mail is from (or, for mail we sent, to), a buyer's
domains, and whether a sender is one of an order's parties.

Pure functions of the configuration and the mail; `is_party` also asks the store through the
lookup it is given. Below `decide`, `pipeline` and the follow-up desk, which all ask it.
"""

from __future__ import annotations

from mailflow.config import Buyer, Config
from mailflow.correlate import KnownOrder, OrderLookup
from mailflow.model import Message


def ours(address: str, config: Config) -> bool:
    """Whether an address is one of our own (the desk, a colleague, our domain)."""
    address = address.lower()
    return (address == config.identity.address.lower()
            or address in (a.lower() for a in config.identity.other_addresses)
            or address.rpartition("@")[2] == config.identity.domain)


def buyer_of(message: Message, config: Config) -> tuple[str, Buyer | None]:
    """The configured buyer a mail is from (or, for mail we sent, to), else that side's domain."""
    outgoing = message.sender is not None and ours(message.sender.addr, config)
    others = [a for a in (*message.to, *message.cc) if not ours(a.addr, config)] if outgoing else \
        [a for a in message.from_[:1]]
    if not others:
        return "", None
    party = others[0]
    for buyer in config.buyers:
        if party.addr in (a.lower() for a in buyer.addresses) or party.domain in (
                d.lower().lstrip("@") for d in buyer.domains):
            return buyer.name, buyer
    return party.domain, None


def configured_buyer(config: Config, name: str) -> Buyer | None:
    """The buyer of that name in the configuration, if any."""
    return next((b for b in config.buyers if b.name == name), None)


def buyer_domains(buyer_name: str, buyer: Buyer | None) -> frozenset[str]:
    """The domains a buyer writes from: its configured domains and addresses' domains, or, for a
    buyer not configured, the domain it is known by."""
    if buyer is not None:
        return frozenset(d.lower().lstrip("@") for d in buyer.domains) | frozenset(
            a.rpartition("@")[2].lower() for a in buyer.addresses)
    return frozenset([buyer_name.lower()]) if buyer_name else frozenset()


def is_party(config: Config, lookup: OrderLookup, order: KnownOrder, message: Message) -> bool:
    """Whether the sender is one of the order's parties: us, the buyer (its configured addresses
    and domains), or an address whose mail is already filed with the order."""
    sender = message.sender
    if sender is None:
        return False
    if ours(sender.addr, config):
        return True
    for buyer in config.buyers:
        if buyer.name == order.buyer and (
                sender.addr in (a.lower() for a in buyer.addresses)
                or sender.domain in (d.lower().lstrip("@") for d in buyer.domains)):
            return True
    if sender.domain == order.buyer.lower():  # an unconfigured buyer is known by its domain
        return True
    parties = getattr(lookup, "order_parties", None)  # the store knows; a test lookup may not
    return bool(parties is not None and sender.addr in parties(order.id))
