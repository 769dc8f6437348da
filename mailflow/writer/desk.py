"""A document written for an order: its facts gathered from the store, its number taken from
the kind's sequence, its PDF rendered and filed under the order as ours.

Numbers and filings are events of the order (`document-number`, `document-written`): the number
of a kind stays the order's once given (the P/I of order KS-1 is ANW-PI-2612-03 however often
it is printed; a revision adds -R1), and the order's timeline shows what was written, when, by
whom. Each number taken is also a row of `document_numbers`, the nth place of its sequence's
period: its unique constraints let one desk only take a place, or an order's number of a kind. The PDF goes to the order's
archive folder beside the mail, under `ours/`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mailflow import clock
from mailflow.config import Config
from mailflow.errors import MailflowError, NotFound
from mailflow.shipped import shipped
from mailflow.store.archive import order_folder
from mailflow.store.db import DocumentNumber, EventRow, MessageRow, MilestoneRow, OrderRow, SearchDoc
from mailflow.store.records import order_by_number
from mailflow.writer import paper, render

MAX_PO_TEXT = 50_000  # characters of the buyer's PO text searched for marks, consignee, notify
T = TypeVar("T")
ATTEMPTS = 5  # a document whose number another desk took meanwhile is written again with the next, this often


class NumberTaken(MailflowError):
    """The number a document was written with was taken by another document before it was filed."""


@dataclass(frozen=True)
class Written:
    kind: str
    number: str
    pdf: bytes
    page: dict[str, Any]
    warnings: tuple[str, ...]
    path: str = ""  # in the archive, once filed
    data: Mapping[str, Any] = field(default_factory=dict)  # the order record it was written from


def templates_folder(config: Config) -> Path:
    """The desk's templates/documents (documents.folder), else the shipped ones."""
    if config.documents.folder:
        return config.resolve(config.documents.folder)
    own = config.templates_dir / "documents"
    return own if own.is_dir() else shipped("templates") / "documents"


def language(config: Config, buyer: str) -> str:
    known = next((b for b in config.buyers if b.name.casefold() == buyer.casefold()), None)
    return (known.language if known and known.language else None) or config.identity.language


def _period_key(pattern: str, day: dt.date) -> tuple[str, dict[str, Any]]:
    values = {"yyyy": f"{day.year:04d}", "yy": f"{day.year % 100:02d}", "mm": f"{day.month:02d}",
              "yymm": f"{day.year % 100:02d}{day.month:02d}"}
    return pattern.format(**values, n=0), values


def number_for(session: Any, config: Config, order: OrderRow, kind: str, day: dt.date, take: bool = False,
               party: str = "") -> str:
    """The order's number of this kind: the one given before, else the next of its sequence
    (given to the order with `take`, when the document is filed: a document that could not be
    written leaves no gap in the sequence). A P/O's number is the order's for one supplier (`party`).
    Two index probes: the order's number, the period's last place. Taken, the number is a row of
    `document_numbers`, whose unique constraints refuse it (IntegrityError at the flush) when
    another desk took it meanwhile."""
    sequence, party = paper.SEQUENCE_OF[kind], party.casefold()
    given = session.scalar(select(DocumentNumber.number).where(
        DocumentNumber.order_id == order.id, DocumentNumber.sequence == sequence, DocumentNumber.party == party))
    if given is not None:
        return str(given)
    pattern = config.documents.sequence(sequence)
    period, values = _period_key(pattern, day)
    last = session.scalar(select(func.max(DocumentNumber.n)).where(DocumentNumber.sequence == sequence,
                                                                   DocumentNumber.period == period)) or 0
    number = pattern.format(**values, n=last + 1)
    if take:
        session.add(DocumentNumber(order_id=order.id, sequence=sequence, period=period, n=last + 1, number=number,
                                   party=party))
        session.add(EventRow(kind="document-number", order_id=order.id,
                             detail={"sequence": sequence, "period": period, "number": number, "party": party}))
        session.flush()
    return number


def _po_text(session: Any, order: OrderRow) -> str:
    """The text of the mail that set the order's terms (the buyer's PO), its documents' text
    included, as the pipeline read it and the search index keeps it: nothing is read again."""
    wanted = str((order.data or {}).get("document", {}).get("message_id") or
                 (order.data or {}).get("terms", {}).get("message_id") or "")
    message = session.scalar(select(MessageRow).where(MessageRow.order_id == order.id,
                                                      MessageRow.message_id == wanted)) if wanted else None
    if message is None:
        return ""
    indexed = session.scalar(select(SearchDoc.body).where(SearchDoc.message_row_id == message.id))
    return str(indexed or message.text or "")[:MAX_PO_TEXT]


def _signoff(session: Any, order: OrderRow) -> dict[str, Any] | None:
    done = session.scalar(select(MilestoneRow).where(MilestoneRow.order_id == order.id, MilestoneRow.how == "signoff",
                                                     MilestoneRow.state == "done").limit(1))
    if done is None or done.done_at is None:
        return None
    return {"who": done.done_by, "when": done.done_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "note": done.note}


def signoff_of(store: Any, order_id: int) -> dict[str, Any] | None:
    """The manager's sign-off of the order (who, when, note), or None: not signed off."""
    with store.sessions() as session:
        order = session.get(OrderRow, order_id)
        return _signoff(session, order) if order is not None else None


def _credit_and_sailing(store: Any, order: OrderRow) -> tuple[dict[str, Any], dict[str, Any]]:
    from mailflow.follow import lc
    from mailflow.store.records import sailing

    docs = store.documents(order.id)
    credits = lc.credits(docs)
    credit = credits[-1][1].as_record() if credits else {}
    sail = {key: fact["value"] for key, fact in sailing(docs, {}).items()}
    return credit, sail


def gather(store: Any, config: Config, number: str, kind: str, lang: str | None, revision: int,
           supplier: str = "") -> tuple[paper.Facts, OrderRow]:
    """The order's facts for a document of `kind`, with the number it will have."""
    day = clock.today(clock.zone(config.followup.timezone))
    with store.sessions() as session:
        order = order_by_number(session, number)
        if order is None:
            raise NotFound(f"no order {number!r}")
        if order.kind != "sale":
            raise MailflowError(f"order {order.number} is a purchase order: documents are written for sales orders")
        own = number_for(session, config, order, kind, day, party=supplier)
        if revision:
            own = f"{own}-R{revision}"
        invoice = number_for(session, config, order, "invoice", day) if kind == "packing-list" else ""
        po_text = _po_text(session, order)
        signed = _signoff(session, order)
        data = dict(order.data or {})
    credit, sail = _credit_and_sailing(store, order)
    facts = paper.Facts(order=order.number, buyer=order.buyer, lang=lang or language(config, order.buyer),
                        data=data, number=own, date=day, revision=revision, po_text=po_text, lc=credit,
                        sailing=sail, signoff=signed, invoice_number=invoice)
    return facts, order


def page_of(kind: str, facts: paper.Facts, config: Config, *, desk: Any = None, supplier: str = "",
            lines: Sequence[Mapping[str, Any]] = (), currency: str = "CNY") -> tuple[dict[str, Any], list[str]]:
    """What the document shows, and its warnings. `desk`: products, price floors, BOM loaded."""
    if kind == "pi":
        return paper.proforma(facts, config, desk.floors if desk else {})
    if kind == "invoice":
        return paper.invoice(facts, config), []
    if kind == "packing-list":
        if not desk or desk.products is None:
            raise MailflowError("no product file: set packing.products in mailflow.yaml")
        return paper.packing_page(facts, config, desk.products), []
    bom = desk.bom if desk else []
    if kind == "production-order":
        page = paper.production(facts, config, bom)
        warnings = [f"no BOM for {', '.join(page['no_bom'])}"] if page["no_bom"] else []
        if page["signoff"] is None:
            warnings.append("the production is not signed off: the order says so in its header")
        return page, warnings
    if not supplier:
        raise MailflowError("a purchase order names its supplier: --supplier NAME")
    chosen = list(lines) or paper.supplier_lines(facts, bom, supplier)
    return paper.purchase(facts, config, supplier, chosen, currency), []


@dataclass(frozen=True)
class Sources:
    """What documents are written from besides the order: loaded once per command."""

    products: Any
    floors: Mapping[str, Any]
    bom: list[paper.Material]


def sources(config: Config) -> Sources:
    from mailflow.extract.checks import load_price_list
    from mailflow.reply.packing import load_products

    products = load_products(config.resolve(config.packing.products)) if config.packing.products else None
    floors = load_price_list(config.resolve(config.extract.price_list)) if config.extract.price_list else {}
    bom = paper.load_bom(config.resolve(config.documents.bom)) if config.documents.bom else []
    return Sources(products, floors, bom)


@dataclass(frozen=True)
class Unfiled:
    """A document written and not filed yet: what filing it needs besides its PDF."""

    written: Written
    facts: paper.Facts
    order: OrderRow
    supplier: str = ""


def draft(store: Any, config: Config, number: str, kind: str, *, lang: str | None = None, revision: int = 0,
          supplier: str = "", lines: Sequence[Mapping[str, Any]] = (), currency: str = "CNY",
          desk: Sources | None = None) -> Unfiled:
    """The document written with the number it will have, nothing taken or filed yet."""
    if kind not in paper.KINDS:
        raise MailflowError(f"no document kind {kind!r}: {', '.join(paper.KINDS)}")
    if revision and kind != "pi":
        raise MailflowError("--revision is for the P/I (the revised P/I after a PO revision)")
    if lang not in (None, "en", "zh"):
        raise MailflowError(f"no language {lang!r}: en or zh")
    facts, order = gather(store, config, number, kind, lang, revision, supplier)
    page, warnings = page_of(kind, facts, config, desk=desk or sources(config), supplier=supplier, lines=lines,
                             currency=currency)
    pdf = render.pdf(render.html(templates_folder(config), kind, page))
    return Unfiled(Written(kind, facts.number, pdf, page, tuple(warnings), data=facts.data), facts, order, supplier)


def write(store: Any, config: Config, number: str, kind: str, *, lang: str | None = None, revision: int = 0,
          supplier: str = "", lines: Sequence[Mapping[str, Any]] = (), currency: str = "CNY",
          who: str = "", file: bool = True) -> Written:
    """Write the document and (with `file`) file it under the order as ours."""
    desk = sources(config)

    def once() -> Written:
        unfiled = draft(store, config, number, kind, lang=lang, revision=revision, supplier=supplier, lines=lines,
                        currency=currency, desk=desk)
        return file_documents(store, config, [unfiled], who)[0] if file else unfiled.written

    return numbered(once)


def numbered(step: Callable[[], T]) -> T:
    """`step` (documents written, then filed) done again while another desk takes one of their
    numbers first (NumberTaken): each time with the next numbers, at most ATTEMPTS times."""
    for _ in range(ATTEMPTS - 1):
        try:
            return step()
        except NumberTaken:
            continue
    return step()


def file_documents(store: Any, config: Config, documents: Sequence[Unfiled], who: str) -> list[Written]:
    """Each PDF in its order's archive folder (`ours/`), and a `document-written` event: party
    us, kind, revision, number, language, file. All in one transaction, every number taken
    before any file is written: a number another desk took meanwhile (NumberTaken) leaves
    nothing filed, and a transaction that fails removes the files it wrote. On SQLite the
    transaction takes the write lock before it reads, so two desks take numbers one after the other."""
    written: list[tuple[Any, bool]] = []
    try:
        with store.sessions.begin() as session:
            if session.get_bind().dialect.name == "sqlite" and store.sessions.current is None:
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            # in the sequences' order: two desks filing several documents at once never each
            # wait for a number the other holds (on PostgreSQL, a deadlock and not the next number)
            takes = sorted((take for document in documents for take in _takes(document)),
                           key=lambda take: (paper.SEQUENCE_OF[take[0]], take[2]))
            for kind, wanted, party, of in takes:
                if number_for(session, config, of.order, kind, of.facts.date, take=True, party=party) != wanted:
                    raise NumberTaken(f"number {wanted} was given to another document meanwhile: write it again")
            filed = [_file(session, store, document, who, written) for document in documents]
            store.archive.sync(written)
    except IntegrityError:
        store.archive.discard(written)
        numbers = ", ".join(d.written.number for d in documents)
        raise NumberTaken(f"number {numbers} was given to another document meanwhile: write it again") from None
    except BaseException:
        store.archive.discard(written)
        raise
    return filed


def _takes(document: Unfiled) -> list[tuple[str, str, str, Unfiled]]:
    """The numbers the document was written with, to take for its order: (kind, number, party)."""
    written, facts = document.written, document.facts
    own = written.number.removesuffix(f"-R{facts.revision}") if facts.revision else written.number
    return [(kind, wanted, party, document)
            for kind, wanted, party in ((written.kind, own, document.supplier), ("invoice", facts.invoice_number, ""))
            if wanted]


def _file(session: Any, store: Any, document: Unfiled, who: str, files: list[tuple[Any, bool]]) -> Written:
    """The PDF put in the archive (not yet synced: its handle added to `files`, to be removed
    on a failure only when no file was there before: a document printed again keeps its path,
    which a filing before points at), its event added."""
    written, facts, order, supplier = document.written, document.facts, document.order, document.supplier
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in written.number)
    rel = order_folder(order.folder) / "ours" / f"{written.kind}_{safe}_{facts.lang}.pdf"
    existed = store.archive.exists(rel)
    handle, wrote = store.archive.put(rel, written.pdf)
    files.append((handle, wrote and not existed))
    session.add(EventRow(kind="document-written", order_id=order.id,
                         detail={"document": written.kind, "party": "us", "revision": facts.revision, "to": supplier,
                                 "number": written.number, "lang": facts.lang, "path": str(rel), "by": who,
                                 "warnings": list(written.warnings)}))
    return replace(written, path=str(PurePosixPath(rel)))


def attachment_name(kind: str, number: str) -> str:
    """pi_ANW-PI-2612-01.pdf: the kind, an underscore, the number (the packing_list reply's own
    PDF is packing-list-ORDER.pdf, so ours are told apart when a sent reply is filed)."""
    return f"{kind}_{number}.pdf".replace("/", "-")


def attachments(store: Any, config: Config, number: str, kinds: Sequence[str]
                ) -> tuple[list[tuple[str, str, bytes]], list[tuple[str, str]], list[Unfiled]]:
    """Our documents for a reply (`outbox compose ORDER TEMPLATE --attach pi`): each written
    now, as (file name, type, PDF); the holds they bring (reason, approver): a P/I priced under
    the price list's floor, or whose margin the margin rule sends to the general manager, waits
    for the manager; and the documents to file (`file_documents`) once the reply is made, so a
    reply that cannot be made files none."""
    from mailflow.follow.signoff import who_must_sign

    files: list[tuple[str, str, bytes]] = []
    holds: list[tuple[str, str]] = []
    unfiled: list[Unfiled] = []
    desk = sources(config)
    for kind in dict.fromkeys(kinds):
        document = draft(store, config, number, kind, desk=desk)
        written = document.written
        unfiled.append(document)
        files.append((attachment_name(written.kind, written.number), "application/pdf", written.pdf))
        if kind != "pi":
            continue
        floors = [w for w in written.warnings if "under the floor" in w]
        if floors:
            holds.append((f"our P/I {written.number} prices under the price list's floor: " + "; ".join(floors),
                          "manager"))
        role, why, _ = who_must_sign(config, dict(written.data))
        if role == "general_manager" and config.approval.costs:
            holds.append((f"our P/I {written.number}: {why}", "manager"))
    return files, holds, unfiled


def check_templates(config: Config) -> list[str]:
    """Render every kind's template with a sample order in both languages (`rules check`), so
    that a desk's edit that breaks one is found before a document is wanted; raises
    ReplyTemplateError naming the file. Returns the templates checked."""
    from decimal import Decimal

    from mailflow.reply.packing import Product

    data = {"lines": [{"item_code": "SL-4512-W", "description": "Spunlace 45gsm white", "quantity": "1200",
                       "unit": "KG", "unit_price": "2.35", "amount": "2820.00"}],
            "total": "2820.00", "currency": "USD", "incoterm": "FOB Shanghai", "payment_terms": "T/T 30% deposit",
            "delivery_date": "2026-05-01"}
    product = Product("SL-4512-W", Decimal(100), Decimal(100), Decimal(102), Decimal(60), Decimal(40), Decimal(30))
    bom = [paper.Material("SL-4512-W", "CORE-76", "Paper core", Decimal("0.01"), "pc", "Cores", Decimal("1.8"))]
    sample = Sources({"SL-4512-W": product}, {}, bom)
    folder = templates_folder(config)
    for lang in ("en", "zh"):
        facts = paper.Facts(order="PO-SAMPLE", buyer="Sample Buyer", lang=lang, data=data, number="PI-SAMPLE-01",
                            date=dt.date(2026, 4, 1), po_text="Shipping marks:\nSAMPLE\n", invoice_number="CI-SAMPLE-01",
                            signoff={"who": "Sample Manager", "when": "2026-04-01 09:00 UTC", "note": ""})
        for kind in paper.KINDS:
            page, _ = page_of(kind, facts, config, desk=sample, supplier="Cores")
            render.html(folder, kind, page)
    return [render.TEMPLATE_NAMES[kind] for kind in paper.KINDS]
