"""The documents the desk writes (`mailflow document`): each kind for an English and a Chinese
order, its PDF rendered to PNG and its text checked with pdfplumber, and read back by `mailflow
extract` to the order's own lines and total; numbers from the configured sequences, kept per
order; each filed under the order as ours."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mailflow.writer.words import amount_zh
from tests.documents_desk import CONTAINERS, EN_MARKS, LC, VESSEL, VOYAGE, DocumentsDesk, build
from tests.smtpd import SmtpServer

pdfplumber = pytest.importorskip("pdfplumber")
# looked for, not imported: importing WeasyPrint at collection would let Pillow load truncated
# images in the whole test worker (the writer puts that back when it renders; see writer/render.py)
if importlib.util.find_spec("weasyprint") is None:
    pytest.skip("WeasyPrint is not installed", allow_module_level=True)
Image = pytest.importorskip("PIL.Image")
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> DocumentsDesk:
    root = tmp_path_factory.mktemp("documents")
    return build(root, f"sqlite:///{root / 'mailflow.db'}")


def write(desk: DocumentsDesk, order: str, kind: str, *args: str) -> tuple[str, str, Path]:
    """(what the command said, the PDF's text, the PDF); the PDF also rendered to a PNG beside it
    (pdftoppm), which must show something."""
    out = desk.config.parent / f"{order}-{kind}-{'-'.join(args) or 'default'}.pdf".replace("/", "_")
    said = desk.cli("document", order, kind, "-o", str(out), *args).output
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    png = subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(out), str(out.with_suffix(""))],
                         capture_output=True, check=True, timeout=60)
    assert png.returncode == 0
    with Image.open(out.with_suffix(".png")) as image:
        dark = sum(image.convert("L").histogram()[:128])
    assert dark > 500, f"{out.name} renders (nearly) blank"
    return said, text, out


def read_back(desk: DocumentsDesk, pdf: Path) -> dict[str, Any]:
    order: dict[str, Any] = json.loads(desk.cli("extract", "--json", str(pdf)).stdout)["order"]
    return order


def order_data(desk: DocumentsDesk, number: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(desk.cli("order", "show", number, "--json").stdout)
    return data


def lines_of(record: dict[str, Any], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(Decimal(str(li[k])) if k in ("quantity", "unit_price", "amount") else li[k] for k in keys)
            for li in record["lines"]]


KEYS = ("item_code", "quantity", "unit_price", "amount")


def buyer_codes(record: dict[str, Any]) -> list[str]:
    return [li.get("buyer_code", "") for li in record["lines"]]


@pytest.mark.parametrize("which,lang", [("en", "en"), ("zh", "zh"), ("en", "zh")])
def test_the_pi_states_the_po_and_reads_back_to_its_lines_and_total(desk: DocumentsDesk, which: str,
                                                                    lang: str) -> None:
    doc = desk.en if which == "en" else desk.zh
    said, text, pdf = write(desk, doc.number, "pi", "--lang", lang)
    number = re.search(r"pi (ANW-PI-2612-\d\d)", said)
    assert number, said
    data = order_data(desk, doc.number)
    total = Decimal(str(data["data"]["total"]))
    assert number.group(1) in text and f"{total:,.2f}" in text
    assert ("形式发票" if lang == "zh" else "PROFORMA INVOICE") in text
    assert ("艾克美无纺布有限公司" if lang == "zh" else "88 Xinhua Road") in text
    assert "4632 0101 8888" in text and "BKCHCNBJ95E" in text  # bank details
    assert "2027-01-19" in text  # valid for documents.validity_days (30) from 2026-12-20
    assert ("美元" if lang == "zh" else "SAY US DOLLARS") in text
    for line in doc.lines:
        assert line.item_code in text
    if which == "en":  # the PO's marks, and the line priced under the price list's floor
        assert all(mark in text for mark in EN_MARKS)
        assert f"warning: {doc.lines[0].item_code}: {doc.lines[0].unit_price} is under the floor" in said
    read = read_back(desk, pdf)
    assert lines_of(read, *KEYS) == lines_of(data["data"], *KEYS)
    assert buyer_codes(read) == buyer_codes(data["data"]) == ([f"NW-{77001 + i}" for i in range(8)]
                                                              if which == "en" else [""] * 6)
    assert Decimal(str(read["total"])) == total


def test_the_pi_keeps_its_number_and_another_order_takes_the_next(desk: DocumentsDesk) -> None:
    first = re.findall(r"ANW-PI-2612-\d\d", write(desk, desk.en.number, "pi")[0])
    again = re.findall(r"ANW-PI-2612-\d\d", write(desk, desk.en.number, "pi")[0])
    other = re.findall(r"ANW-PI-2612-\d\d", write(desk, desk.zh.number, "pi")[0])
    assert first == again and first != other and {first[0], other[0]} == {"ANW-PI-2612-01", "ANW-PI-2612-02"}
    # the order's timeline shows what was written, as ours, and the file is in its archive folder
    events = [e for e in order_data(desk, desk.en.number)["events"] if e["kind"] == "document-written"]
    assert [(e["document"], e["party"], e["number"]) for e in events][-2:] == [("pi", "us", first[0])] * 2
    filed = desk.config.parent / "var" / "archive" / "orders" / desk.en.number / "ours"
    assert (filed / f"pi_{first[0]}_en.pdf").is_file()


def test_the_commercial_invoice_carries_the_lc_the_sailing_and_the_total_in_words(desk: DocumentsDesk) -> None:
    said, text, pdf = write(desk, desk.en.number, "invoice")
    data = order_data(desk, desk.en.number)["data"]
    total = Decimal(str(data["total"]))
    assert re.search(r"ANW-CI-2612-\d\d", said)
    assert "COMMERCIAL INVOICE" in text and LC in text and "INDICATING L/C NO." in text
    assert f"{VESSEL} / {VOYAGE}" in text
    assert "Hafenstrasse 12" in text and "Hanse Logistics GmbH" in text  # consignee, notify from the PO
    flat = " ".join(text.split())
    assert "SAY US DOLLARS SIX MILLION SEVEN HUNDRED AND THIRTY THOUSAND SEVEN HUNDRED AND FIFTY-ONE AND CENTS " \
           "FIVE ONLY" in flat and total == Decimal("6730751.05")
    read = read_back(desk, pdf)
    assert lines_of(read, *KEYS) == lines_of(data, *KEYS) and Decimal(str(read["total"])) == total
    # in Chinese: the uppercase amount a bank checks
    said, text, pdf = write(desk, desk.zh.number, "invoice")
    zh_total = Decimal(str(order_data(desk, desk.zh.number)["data"]["total"]))
    assert "商业发票" in text and amount_zh(zh_total, "USD") in "".join(text.split())
    assert Decimal(str(read_back(desk, pdf)["total"])) == zh_total


def test_packing_lists_of_cartons_and_of_rolls_number_their_packages(desk: DocumentsDesk) -> None:
    invoice = re.findall(r"ANW-CI-2612-\d\d", write(desk, desk.en.number, "invoice")[0])[0]
    said, text, pdf = write(desk, desk.en.number, "packing-list")
    assert invoice in said and invoice in text  # the invoice it goes with
    assert all(mark in text for mark in EN_MARKS) and LC in text and f"{VESSEL} / {VOYAGE}" in text
    assert CONTAINERS in text
    with pdfplumber.open(pdf) as document:
        rows = [r for t in document.pages[0].extract_tables() for r in t if r and r[0] and r[0][:2].isalpha()
                and r[0] not in ("Item Code", "TOTAL")]
    ranges = [tuple(int(n) for n in row[6].split("-")) for row in rows]
    counts = [int(row[5]) for row in rows]
    assert ranges[0][0] == 1 and all(b[0] == a[1] + 1 for a, b in itertools.pairwise(ranges))
    assert [hi - lo + 1 for lo, hi in ranges] == counts and {row[4] for row in rows} == {"cartons"}
    assert rows[0][8] == "12" and rows[0][9] == "13.5" and rows[0][10] == "60×40×30"  # one carton's weights, size
    assert f"Total: {sum(counts)} cartons;" in text
    net = sum(Decimal(row[11].replace(",", "")) for row in rows)
    assert f"N.W. {net:,.2f} kg" in text
    read = read_back(desk, pdf)
    assert lines_of(read, "item_code", "quantity") == lines_of(order_data(desk, desk.en.number)["data"],
                                                               "item_code", "quantity")
    # rolls and bales, in Chinese, with the configured marks (this PO gives none)
    said, text, pdf = write(desk, desk.zh.number, "packing-list")
    packages = int(re.search(r"(\d+) 卷, (\d+) 包", said).group(1)) + int(re.search(r"(\d+) 包", said).group(1))
    assert "装箱单" in text and "HUALIAN TRADING" in text and f"C/NO. 1-{packages}" in text
    assert "箱" not in text.replace("装箱单", "")  # rolls are no cartons
    assert lines_of(read_back(desk, pdf), "item_code", "quantity") == lines_of(
        order_data(desk, desk.zh.number)["data"], "item_code", "quantity")


def test_the_production_order_says_it_is_not_signed_off_until_the_manager_signs(desk: DocumentsDesk) -> None:
    said, text, pdf = write(desk, desk.zh.number, "production-order")
    assert "NOT signed off" in said and "未经审批" in text and "生产单" in text
    assert "CORE-76" in text and "AQL 2.5" in text
    assert lines_of(read_back(desk, pdf), "item_code", "quantity") == lines_of(
        order_data(desk, desk.zh.number)["data"], "item_code", "quantity")
    desk.cli("order", "done", desk.zh.number, "pi_sent", "--as", "Lily Chen",
             "--note", "P/I handed over at the fair")  # the sign-off comes after the P/I
    desk.cli("order", "approve", desk.zh.number, "--as", "Wang Fang")
    said, text, pdf = write(desk, desk.zh.number, "production-order", "--lang", "en")
    assert "signed off by Wang Fang" in said and "Signed off by" in text and "Wang Fang" in text
    assert "NOT SIGNED OFF" not in text and "PRODUCTION ORDER" in text
    number = desk.zh.lines[0]
    assert number.item_code in text


def test_purchase_orders_to_suppliers_take_the_bom_or_given_lines(desk: DocumentsDesk) -> None:
    said, text, pdf = write(desk, desk.en.number, "purchase-order", "--supplier", "Wuxi Cartons")
    cartons = sum(line.quantity for line in desk.en.lines) * Decimal("0.04")
    needed = cartons.to_integral_value(rounding="ROUND_CEILING")
    assert "PURCHASE ORDER" in text and "Wuxi Cartons" in text and f"{int(needed):,}" in text
    first = re.findall(r"PO-2612-\d{3}", said)[0]
    read = read_back(desk, pdf)
    assert lines_of(read, "item_code", "quantity", "amount") == [("CTN-5PLY", needed, needed * Decimal("6.50"))]
    said, text, pdf = write(desk, desk.en.number, "purchase-order", "--supplier", "Jiangyin Cores",
                            "--line", "CORE-90:300:pc:2.10", "--lang", "zh")
    second = re.findall(r"PO-2612-\d{3}", said)[0]
    assert second != first and "采购单" in text and "CORE-90" in text and "630.00" in text
    assert set(re.findall(r"PO-2612-\d{3}", desk.cli("document", desk.en.number, "purchase-order",
                                                      "--supplier", "Wuxi Cartons").output)) == {first}


def test_bad_requests_say_what_is_wrong(desk: DocumentsDesk) -> None:
    assert "no order" in desk.cli("document", "NO-SUCH-ORDER", "pi", code=3).output
    assert "--supplier" in desk.cli("document", desk.en.number, "purchase-order", code=1).output
    assert "no material from supplier" in desk.cli("document", desk.en.number, "purchase-order",
                                                   "--supplier", "Nobody", code=1).output
    assert "CODE:QUANTITY" in desk.cli("document", desk.en.number, "purchase-order", "--supplier", "X",
                                       "--line", "nothing", code=1).output
    assert "no PO revision 3" in desk.cli("document", desk.en.number, "pi", "--revision", "3", code=1).output


def attached(desk: DocumentsDesk, order: str) -> tuple[dict[str, Any], list[str]]:
    """The newest reply about the order in the outbox, and the names of the files it carries."""
    import email
    import email.policy

    import sqlalchemy

    rows = [r for r in json.loads(desk.cli("outbox", "list", "--json").stdout) if order in r["subject"]]
    engine = sqlalchemy.create_engine(f"sqlite:///{desk.config.parent.parent / 'mailflow.db'}")
    try:
        with engine.connect() as connection:
            raw = connection.execute(sqlalchemy.text("select raw from outbox where id = :id"),
                                     {"id": rows[-1]["id"]}).scalar_one()
    finally:
        engine.dispose()
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    return rows[-1], [str(part.get_filename()) for part in mail.iter_attachments()]


def test_a_reply_attaches_our_documents_and_a_pi_under_the_floor_waits_for_the_manager(
        desk: DocumentsDesk, smtp_server: SmtpServer) -> None:
    said = desk.cli("outbox", "compose", desk.zh.number, "packing_list", "--attach", "pi",
                    "--attach", "packing-list").output
    assert "liming@hualian.example is queued" in said
    row, files = attached(desk, desk.zh.number)
    assert row["to"] == ["liming@hualian.example"] and len(files) == 2
    assert files[0].startswith("pi_ANW-PI-2612-") and files[1].startswith("packing-list_ANW-CI-2612-")
    # the English order's P/I prices a line under the floor: held for the manager; and it goes to
    # the buyer, though the forwarder wrote last
    said = desk.cli("outbox", "compose", desk.en.number, "order_confirmation", "--attach", "pi").output
    row, files = attached(desk, desk.en.number)
    assert row["state"] == "held" and row["approver"] == "manager" and "under the price list's floor" in row["reason"]
    assert row["to"] == ["bob@northwind.example"] and [f[:12] for f in files] == ["pi_ANW-PI-26"]
    # the manager releases it; sent, our P/I is a document of the order and "P/I sent" is done
    desk.cli("outbox", "approve", str(row["id"]), "--as", "Wang Fang")
    with desk.config.open("a", encoding="utf-8") as config:
        config.write(f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, tls: none}}\n")
    desk.cli("outbox", "send")
    assert sorted(m.rcpt_tos[0] for m in smtp_server.received) == ["bob@northwind.example", "liming@hualian.example"]
    shown = order_data(desk, desk.en.number)
    assert ("pi", "us") in [(d["kind"], d["party"]) for d in shown["documents"]]
    [pi_sent] = [m for m in shown["follow_up"]["milestones"] if m["key"] == "pi_sent"]
    assert pi_sent["state"] == "done"
    # the reply's page lists our P/I beside it, though no mail of ours carries it as an attachment row
    from mailflow.store import Store
    from mailflow.web.lookups import reply_context

    store = Store(f"sqlite:///{desk.config.parent.parent / 'mailflow.db'}", desk.config.parent / "var" / "archive")
    try:
        [sent] = [r for r in store.outbox() if r.id == row["id"]]
        listed = reply_context(store, sent).documents
    finally:
        store.close()
    assert ("pi", "us") in [(d["kind"], d["party"]) for d in listed]


def test_the_revised_pi_marks_what_the_po_revision_changed(desk: DocumentsDesk) -> None:
    said, text, pdf = write(desk, desk.zh.number, "pi", "--revision", "1")
    number = re.search(r"pi (ANW-PI-2612-\d\d-R1)", said)
    assert number and number.group(1) in text and "形式发票（修订版）" in text
    first = desk.zh.lines[0]
    assert f"1 * {first.item_code}" in text  # the changed line is marked
    assert f"修改前 {first.quantity / 2:,} 卷，修改后 {first.quantity:,} 卷" in text
    data = order_data(desk, desk.zh.number)["data"]
    read = read_back(desk, pdf)
    assert lines_of(read, *KEYS) == lines_of(data, *KEYS) and Decimal(str(read["total"])) == Decimal(str(data["total"]))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_numbers_and_filing_on_postgresql(tmp_path: Path, database_url: str) -> None:
    """The same desk on PostgreSQL: numbers from the sequences, kept per order, and the filing
    events; the packing list carries the invoice's number."""
    desk = build(tmp_path, database_url)
    said, text, _ = write(desk, desk.en.number, "packing-list")
    invoice = re.findall(r"ANW-CI-2612-01", said)
    assert invoice and "ANW-CI-2612-01" in text and all(mark in text for mark in EN_MARKS)
    assert "ANW-CI-2612-01" in write(desk, desk.en.number, "invoice")[0]
    assert "ANW-CI-2612-02" in write(desk, desk.zh.number, "invoice")[0]
    events = [e for e in order_data(desk, desk.en.number)["events"] if e["kind"] == "document-written"]
    assert [(e["document"], e["number"]) for e in events] == [("packing-list", "ANW-CI-2612-01"),
                                                              ("invoice", "ANW-CI-2612-01")]


def test_a_reply_carrying_our_documents_is_held_not_rewritten_when_its_order_changes(tmp_path: Path) -> None:
    """Our P/I was written from the order as it was: when the order changes before the reply
    goes, the reply is held with why (written again it would lose the P/I and its holds)."""
    from sqlalchemy import update

    from mailflow import clock
    from mailflow.config import load_config
    from mailflow.desk import load_desk
    from mailflow.pipeline import refresh_replies
    from mailflow.store import Store
    from mailflow.store.db import OrderRow
    from mailflow.store.objects import open_archive
    from tests.documents_desk import TODAY

    desk = build(tmp_path, f"sqlite:///{tmp_path / 'mailflow.db'}")
    desk.cli("outbox", "compose", desk.zh.number, "packing_list", "--attach", "pi")
    row, files = attached(desk, desk.zh.number)
    assert row["state"] == "queued" and files[-1].startswith("pi_")
    config = load_config(desk.config)
    store = Store(config.database_url, open_archive(config))
    try:
        order = store.find_order(desk.zh.number)
        assert order is not None
        with store.sessions() as session, session.begin():
            session.execute(update(OrderRow).where(OrderRow.id == order.id).values(version=OrderRow.version + 1))
        with clock.frozen(TODAY):
            assert refresh_replies(order.id, load_desk(config), store) == 2  # the held confirmation, and ours
    finally:
        store.close()
    row, files = attached(desk, desk.zh.number)
    assert row["state"] == "held" and "carries our pi" in row["reason"] and files[-1].startswith("pi_")


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_two_desks_writing_at_once_take_distinct_numbers_and_both_file(tmp_path: Path, database_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Two desks (each its own store on the one database, each on its thread) write at once:
    both have read the same next number before either files (each waits for the other before
    its first PDF). The P/Is of two orders get two numbers, each filed with its own; the
    invoice of one order, written by both, is one number, filed twice. Nothing is lost."""
    import io
    import threading
    from pathlib import PurePosixPath

    from sqlalchemy import func, select

    from mailflow import clock
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import DocumentNumber, EventRow
    from mailflow.store.objects import open_archive
    from mailflow.writer import desk as writer
    from mailflow.writer import render
    from tests.documents_desk import TODAY

    desk = build(tmp_path, database_url)
    config = load_config(desk.config)
    stores = [Store(config.database_url, open_archive(config)) for _ in range(2)]
    rendered, first = render.pdf, threading.local()

    def together(jobs: list[tuple[Store, str, str]], meet: threading.Barrier) -> list[writer.Written]:
        def pdf(markup: str) -> bytes:
            if not getattr(first, "met", False):
                first.met = True
                meet.wait(timeout=300)  # the other desk has read the same next number too
            return rendered(markup)

        monkeypatch.setattr(render, "pdf", pdf)
        results: list[Any] = [None] * len(jobs)

        def run(i: int, store: Store, order: str, kind: str) -> None:
            try:
                results[i] = writer.write(store, config, order, kind, who=f"desk {i}")
            except BaseException as exc:  # noqa: BLE001 - reported below, by the test's thread
                results[i] = exc

        threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        monkeypatch.setattr(render, "pdf", rendered)
        assert not [r for r in results if isinstance(r, BaseException)], results
        return results

    try:
        with clock.frozen(TODAY):
            pis = together([(stores[0], desk.en.number, "pi"), (stores[1], desk.zh.number, "pi")],
                           threading.Barrier(2))
            invoices = together([(stores[0], desk.en.number, "invoice"), (stores[1], desk.en.number, "invoice")],
                                threading.Barrier(2))
        assert sorted(w.number for w in pis) == ["ANW-PI-2612-01", "ANW-PI-2612-02"]
        assert [w.number for w in invoices] == ["ANW-CI-2612-01"] * 2
        for written in (*pis, *invoices):  # each filed with its own number (the invoice twice, on one path)
            with pdfplumber.open(io.BytesIO(stores[0].archive.read(PurePosixPath(written.path)))) as pdf:
                assert written.number in "\n".join(page.extract_text() or "" for page in pdf.pages)
        with stores[0].sessions() as session:
            taken = session.execute(select(DocumentNumber.sequence, DocumentNumber.number)
                                    .order_by(DocumentNumber.id)).all()
            filed = session.scalar(select(func.count()).select_from(EventRow).where(EventRow.kind == "document-written"))
        assert sorted(taken) == [("invoice", "ANW-CI-2612-01"), ("pi", "ANW-PI-2612-01"), ("pi", "ANW-PI-2612-02")]
        assert filed == 4
    finally:
        for store in stores:
            store.close()


def test_a_compose_that_fails_files_none_of_the_documents_it_wrote(tmp_path: Path) -> None:
    """`outbox compose --attach` writes our documents before the reply is made and files them
    with it: a compose whose reply cannot be made (no such template) or whose second document
    cannot be written (a packing list without the product file) leaves no number taken, no document filed
    and no reply; the compose that then succeeds takes the sequence's first number."""
    import sqlalchemy

    desk = build(tmp_path, f"sqlite:///{tmp_path / 'mailflow.db'}")
    failed = desk.cli("outbox", "compose", desk.zh.number, "no_such_template", "--attach", "pi", code=1).output
    assert "no_such_template" in failed
    kept = desk.config.read_text(encoding="utf-8")
    desk.config.write_text(re.sub(r"(?m)^packing: .*\n", "", kept), encoding="utf-8")
    failed = desk.cli("outbox", "compose", desk.zh.number, "packing_list", "--attach", "pi",
                      "--attach", "packing-list", code=1).output
    assert "no product file" in failed
    desk.config.write_text(kept, encoding="utf-8")
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'mailflow.db'}")

    def filed() -> tuple[list[str], int, list[str]]:
        with engine.connect() as connection:
            numbers = connection.execute(sqlalchemy.text("select number from document_numbers")).scalars().all()
            events = connection.execute(sqlalchemy.text(
                "select count(*) from events where kind in ('document-written', 'document-number')")).scalar_one()
        ours = desk.config.parent / "var" / "archive" / "orders" / desk.zh.number / "ours"
        return list(numbers), events, sorted(p.name for p in ours.glob("*")) if ours.is_dir() else []

    try:
        assert filed() == ([], 0, [])
        assert not [r for r in json.loads(desk.cli("outbox", "list", "--json").output)
                    if r["template"] in ("packing_list", "no_such_template")]
        desk.cli("outbox", "compose", desk.zh.number, "packing_list", "--attach", "pi")
        numbers, events, files = filed()
        assert numbers == ["ANW-PI-2612-01"] and events == 2 and files == ["pi_ANW-PI-2612-01_zh.pdf"]
        assert "pi_ANW-PI-2612-01.pdf" in attached(desk, desk.zh.number)[1]
    finally:
        engine.dispose()


def test_a_compose_whose_reply_cannot_be_stored_files_none_of_its_documents(tmp_path: Path) -> None:
    """The reply a compose makes was sent already (the same reply to the same mail): the compose
    fails, and the P/I it wrote for it is not filed again (no event, no number)."""
    import sqlalchemy

    desk = build(tmp_path, f"sqlite:///{tmp_path / 'mailflow.db'}")
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'mailflow.db'}")

    def written() -> int:
        with engine.connect() as connection:
            return int(connection.execute(sqlalchemy.text(
                "select count(*) from events where kind = 'document-written'")).scalar_one())

    try:
        desk.cli("outbox", "compose", desk.zh.number, "packing_list", "--attach", "pi")
        assert written() == 1
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("update outbox set state = 'sent' where template = 'packing_list'"))
        failed = desk.cli("outbox", "compose", desk.zh.number, "packing_list", "--attach", "pi", code=1).output
        assert "already sent" in failed
        assert written() == 1
    finally:
        engine.dispose()


def test_documents_filed_together_leave_no_file_when_one_number_was_taken_meanwhile(tmp_path: Path) -> None:
    """A P/I and an invoice filed together, the invoice's number taken by another order between
    their writing and their filing: NumberTaken, and neither is filed, the P/I's PDF included."""
    from mailflow import clock
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.objects import open_archive
    from mailflow.writer import desk as writer
    from tests.documents_desk import TODAY

    desk = build(tmp_path, f"sqlite:///{tmp_path / 'mailflow.db'}")
    config = load_config(desk.config)
    store = Store(config.database_url, open_archive(config))
    ours = desk.config.parent / "var" / "archive" / "orders" / desk.zh.number / "ours"
    try:
        with clock.frozen(TODAY):
            drafts = [writer.draft(store, config, desk.zh.number, kind) for kind in ("pi", "invoice")]
            taken = writer.write(store, config, desk.en.number, "invoice", who="another desk")
            assert taken.number == drafts[1].written.number
            with pytest.raises(writer.NumberTaken):
                writer.file_documents(store, config, drafts, "a desk")
            assert sorted(p.name for p in ours.glob("*")) == []
            again = writer.write(store, config, desk.zh.number, "pi", who="a desk")
        assert again.number == drafts[0].written.number  # the P/I's number was not taken either
    finally:
        store.close()


def test_a_filing_that_fails_removes_the_file_it_made_and_keeps_the_one_filed_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The archive's sync fails (a full disk): a document filed for the first time leaves no
    file; a P/I printed again, on its path of before, leaves the file its first filing points at."""
    import datetime as dt
    from pathlib import PurePosixPath

    from mailflow import clock
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.objects import open_archive
    from mailflow.writer import desk as writer
    from tests.documents_desk import TODAY

    desk = build(tmp_path, f"sqlite:///{tmp_path / 'mailflow.db'}")
    config = load_config(desk.config)
    store = Store(config.database_url, open_archive(config))
    ours = desk.config.parent / "var" / "archive" / "orders" / desk.zh.number / "ours"

    def full_disk(written: Any, *, together: bool = False) -> None:
        raise OSError(28, "No space left on device")

    try:
        with clock.frozen(TODAY):
            first = writer.write(store, config, desk.zh.number, "pi", who="a desk")
            invoice = writer.draft(store, config, desk.zh.number, "invoice")
        kept = store.archive.read(PurePosixPath(first.path))
        with clock.frozen(TODAY + dt.timedelta(days=1)):
            again = writer.draft(store, config, desk.zh.number, "pi")
        assert again.written.number == first.number and again.written.pdf != kept
        monkeypatch.setattr(store.archive, "sync", full_disk)
        with clock.frozen(TODAY + dt.timedelta(days=1)), pytest.raises(OSError):
            writer.file_documents(store, config, [again, invoice], "a desk")
        assert sorted(p.name for p in ours.glob("*")) == [PurePosixPath(first.path).name]
        assert store.archive.read(PurePosixPath(first.path)) == again.written.pdf  # its number's, printed again
    finally:
        store.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_desks_filing_documents_in_opposite_orders_do_not_deadlock(tmp_path: Path, database_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Two desks file a P/I and an invoice each (of two orders), one listing the P/I first, the
    other the invoice, both written with the same next numbers. Each has taken its first number
    before the other goes on (or the other waits for it): the second desk is told its number was
    taken (written again with the next, by `write`), never stopped by the database's deadlock."""
    import threading
    import time

    import sqlalchemy

    from mailflow import clock
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.objects import open_archive
    from mailflow.writer import desk as writer
    from tests.documents_desk import TODAY

    desk = build(tmp_path, database_url)
    config = load_config(desk.config)
    stores = [Store(config.database_url, open_archive(config)) for _ in range(2)]
    watcher = sqlalchemy.create_engine(config.database_url)
    took = [threading.Event(), threading.Event()]
    mine = threading.local()
    taking = writer.number_for

    def waiting() -> bool:
        with watcher.connect() as connection:
            return bool(connection.execute(sqlalchemy.text(
                "select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid "
                "where not l.granted and a.datname = current_database()")).scalar_one())

    def number_for(*args: Any, **kw: Any) -> str:
        number = taking(*args, **kw)
        if kw.get("take") and not getattr(mine, "went_on", False):
            mine.went_on = True
            took[mine.i].set()
            while not took[1 - mine.i].is_set() and not waiting():  # the other took one too, or waits for ours
                time.sleep(0.02)
        return number

    results: list[Any] = [None, None]

    def run(i: int, drafts: list[writer.Unfiled]) -> None:
        mine.i = i
        try:
            results[i] = writer.file_documents(stores[i], config, drafts, f"desk {i}")
        except BaseException as exc:  # noqa: BLE001 - looked at below, by the test's thread
            results[i] = exc

    try:
        with clock.frozen(TODAY):
            drafts = [[writer.draft(stores[0], config, desk.en.number, kind) for kind in ("pi", "invoice")],
                      [writer.draft(stores[1], config, desk.zh.number, kind) for kind in ("invoice", "pi")]]
            assert {d.written.number for d in drafts[0]} == {d.written.number for d in drafts[1]}
            monkeypatch.setattr(writer, "number_for", number_for)
            threads = [threading.Thread(target=run, args=(i, drafts[i])) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        failed = [r for r in results if isinstance(r, BaseException)]
        assert len(failed) == 1 and isinstance(failed[0], writer.NumberTaken), results
    finally:
        watcher.dispose()
        for store in stores:
            store.close()
