"""Our P/O sent to its supplier from the desk (`mailflow document ORDER purchase-order
--supplier NAME --send`): the P/O is written and filed as by `document`, and a letter with it
attached goes to the supplier's configured addresses only (never to the buyer, never quoting
the buyer's mail), in the supplier's language, through the outbox like any reply.

The company rule is that the manager signs the order off before production: a P/O for an order
not signed off is held for the manager, with the reason in English and Chinese. When the outbox
has sent it, the filed copy opens the purchase order (numbered as the P/O, linked to the sales
order): see `OutboxStore.file_sent_reply`. A sent reply is filed directly, not read back through
the pipeline, so `correlate_purchase` never sees it; the P/O number is taken from the attached
file's name (`purchase-order_NUMBER.pdf`), which is the number printed in the PDF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mailflow.config import Config, KnownParty
from mailflow.errors import MailflowError
from mailflow.model import Address, Reply
from mailflow.reply.compose import compose_letter
from mailflow.reply.plan import our_address
from mailflow.reply.render import ReplyTemplates
from mailflow.store.outbox import PURCHASE_TEMPLATE
from mailflow.writer import desk

TEMPLATE = PURCHASE_TEMPLATE
SUBJECTS = {"en": "Purchase Order {number} - {company}", "zh": "采购单 {number} - {company}"}
NOT_SIGNED = ("order {order} is not signed off by the manager: a P/O starts production",
              "订单 {order} 尚未经经理签批：采购单即开始生产")


def supplier_of(config: Config, name: str) -> KnownParty:
    """The configured supplier called `name` (case aside), with an address to write to."""
    if not name:
        raise MailflowError("a purchase order names its supplier: --supplier NAME")
    known = next((s for s in config.suppliers if s.name.casefold() == name.casefold()), None)
    if known is None:
        raise MailflowError(f"no supplier {name!r} in mailflow.yaml (suppliers:): its address is not known, "
                            "nothing was sent")
    if not known.addresses:
        raise MailflowError(f"supplier {known.name!r} has no address in mailflow.yaml (suppliers: addresses): "
                            "nothing was sent")
    return known


def message_id(config: Config, number: str) -> str:
    """One Message-ID per P/O number: sending it again replaces a letter still waiting."""
    safe = "".join(c if c.isalnum() or c in "-." else "-" for c in number)
    return f"mailflow.po.{safe}@{config.identity.domain}"


def send_purchase_order(store: Any, config: Config, number: str, supplier: str, *, lang: str | None = None,
                        lines: Sequence[Mapping[str, Any]] = (), currency: str = "CNY",
                        who: str = "") -> tuple[int, Reply, desk.Written]:
    """Write ORDER's P/O to `supplier`, file it, and put the letter carrying it in the outbox
    (queued, or held for the manager when the order is not signed off). Returns the outbox id,
    the reply and the document. The language: `lang`, else the desk's own."""
    known = supplier_of(config, supplier)
    lang = lang or config.identity.language or "en"
    written = desk.write(store, config, number, "purchase-order", lang=lang, supplier=supplier, lines=lines,
                         currency=currency, who=who)
    row = store.find_order(number)
    page = written.page
    context = {"po": {"supplier": known.name, "number": written.number, "lines": len(page["lines"]),
                      "currency": page["currency"], "total": page["total"]},
               "company": config.identity.company, "signature": config.identity.name or config.identity.company}
    text, _, lang = ReplyTemplates(config.templates_dir / "reply").render(TEMPLATE, lang, context)
    to = tuple(Address("", a) for a in known.addresses)
    subject = SUBJECTS.get(lang, SUBJECTS["en"]).format(number=written.number, company=config.identity.company)
    ident = message_id(config, written.number)
    raw = compose_letter(sender=our_address(config), to=to, subject=subject, text=text, message_id=ident,
                         attachments=[(desk.attachment_name(written.kind, written.number), "application/pdf",
                                       written.pdf)])
    signed = desk.signoff_of(store, row.id)
    why, why_zh = (NOT_SIGNED[0].format(order=row.number), NOT_SIGNED[1].format(order=row.number)) \
        if signed is None else ("", "")
    reply = Reply(template=TEMPLATE, language=lang, to=to, subject=subject, text=text, html="", message_id=ident,
                  in_reply_to="", references=(), state="held" if why else "queued", reason=why, raw=raw,
                  action={"template": TEMPLATE, "rule": "by hand", "to": "supplier",
                          **({"reason_zh": why_zh} if why else {})},
                  approver="manager" if why else "")
    reply_id = store.add_reply(None, row.id, reply, order_version=row.version)
    return reply_id, reply, written
