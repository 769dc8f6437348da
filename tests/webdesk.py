"""A desk for the web tests: an order with the buyer's PO in and our packing list out, a held
order confirmation, a Chinese sample request, a mail carrying script payloads in its subject,
body, HTML and file name (and, on asking, one with an unknown charset and a Chinese file name);
two users; the web app served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mailflow.cli import main
from tests.conftest import ROOT
from tests.mails import mail, wait_for

PASSWORDS = {"Wang Fang": "manager-password-1", "Lily Chen": "merchandiser-pw-1"}
BOB = "Bob Tan <bob@kestrel.example>"
US = "Acme Order Desk <orders@acme.example>"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@dataclass
class WebDeskFixture:
    config: Path
    po_message_id: str = "po@kestrel.example"
    hostile_message_id: str = "xss@kestrel.example"


def cli(config: Path, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def hostile_mail() -> bytes:
    message = EmailMessage()
    message["From"] = BOB
    message["To"] = "orders@acme.example"
    message["Subject"] = f"PO KS-7001 question {XSS}"
    message["Date"] = format_datetime(dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC))
    message["Message-ID"] = "<xss@kestrel.example>"
    message.set_content(f"About PO KS-7001: {XSS}")
    message.add_alternative(f'<p>About PO KS-7001</p>{XSS}<img src="https://tracker.example/p.gif">'
                            '<iframe src="javascript:alert(2)"></iframe>', subtype="html")
    message.add_attachment(b"plain", maintype="text", subtype="plain", filename=f'notes{XSS}.txt')
    return bytes(message)


def build(tmp_path: Path, database_url: str, smtp_port: int | None = None) -> WebDeskFixture:
    from tests import pdfs

    products = tmp_path / "products.csv"
    products.write_text("item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm\n"
                        "NW-SL45-P200,50,50,52.5,62,42,38\n", encoding="utf-8")
    folder = tmp_path / "desk"
    (folder / "inbox").mkdir(parents=True)
    config = folder / "mailflow.yaml"
    config.write_text(
        'identity: {company: "Acme Nonwovens Co., Ltd.", name: "Acme Order Desk", address: orders@acme.example}\n'
        "sources: [{path: inbox/}]\n"
        f"database: {{url: '{database_url}'}}\narchive: {{path: var/archive}}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n"
        "buyers: [{name: Kestrel Supplies, domains: [kestrel.example], language: en, currency: USD}]\n"
        f"packing: {{products: {products}}}\nfollowup: {{timezone: UTC}}\n"
        + (f"smtp: {{host: 127.0.0.1, port: {smtp_port}, tls: none, sent_folder: null}}\n" if smtp_port else ""),
        encoding="utf-8")
    doc = pdfs.OrderDoc(kind="po", lang="en", number="KS-7001", buyer="Kestrel Supplies Ltd.",
                        order_date=dt.date(2026, 3, 2), delivery_date=dt.date(2026, 4, 30), currency="USD",
                        incoterm="FOB Ningbo", payment_terms="30% T/T deposit, 70% against B/L copy",
                        lines=(pdfs.Line("NW-SL45-P200", "Spunlace 45gsm", Decimal(8000), "ROLL", Decimal("2.00")),))
    po = pdfs.write_order_pdf(doc, tmp_path / "po.pdf").read_bytes()
    inbox = folder / "inbox"
    inbox.joinpath("01.eml").write_bytes(mail(
        "PO KS-7001", "Please find attached our PO KS-7001.", sender=BOB, message_id="po@kestrel.example",
        date=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        attachments=[("PO_KS-7001.pdf", po, "application/pdf")]))
    inbox.joinpath("02.eml").write_bytes(mail(
        "寄样 NW-SL45-P200", "请寄两卷 NW-SL45-P200 样品，谢谢。", sender="Lily <lily@kestrel.example>",
        message_id="sample@kestrel.example", date=dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)))
    inbox.joinpath("03.eml").write_bytes(mail(
        "Packing list PO KS-7001", "Please find our packing list.", sender=US, to=BOB,
        message_id="pl@acme.example", date=dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC),
        attachments=[("Packing_list_KS-7001.pdf", b"%PDF-1.4 not read", "application/pdf")]))
    inbox.joinpath("04.eml").write_bytes(hostile_mail())
    cli(config, "run", "--once")
    cli(config, "user", "add", "Wang Fang", "--role", "manager", "--password-stdin",
        stdin=PASSWORDS["Wang Fang"] + "\n")
    cli(config, "user", "add", "Lily Chen", "--role", "merchandiser", "--language", "zh", "--password-stdin",
        stdin=PASSWORDS["Lily Chen"] + "\n")
    return WebDeskFixture(config)


def odd_mail() -> bytes:
    """A mail whose HTML names a charset no codec knows, whose text holds brackets of its own, with
    an attachment named in Chinese."""
    message = EmailMessage()
    message["From"] = "Bob Tan <bob@kestrel.example>"
    message["To"] = "orders@acme.example"
    message["Subject"] = "Carton marks KS-7001"
    message["Date"] = format_datetime(dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC))
    message["Message-ID"] = "<odd@kestrel.example>"
    message.set_content("Reminder [urgent] about the carton marks for KS-7001.")
    message.add_alternative("<p>Carton marks: café</p>", subtype="html")
    html = next(part for part in message.walk() if part.get_content_type() == "text/html")
    html.set_param("charset", "x-no-such-charset")
    message.add_attachment(b"%PDF-1.4 not read", maintype="application", subtype="pdf", filename="装箱单.pdf")
    return bytes(message)


def with_odd_mail(tmp_path: Path, database_url: str) -> WebDeskFixture:
    desk = build(tmp_path, database_url)
    (desk.config.parent / "inbox" / "05.eml").write_bytes(odd_mail())
    cli(desk.config, "run", "--once")
    return desk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(config_path: Path) -> Iterator[tuple[str, Any]]:
    """The web app on 127.0.0.1 in a thread; waits for /healthz by polling."""
    import urllib.request

    import uvicorn

    from mailflow.config import load_config
    from mailflow.follow import follower_from
    from mailflow.store import Store
    from mailflow.web.app import create_app

    config = load_config(config_path)
    store = Store(config.database_url, config.archive_root, follower=follower_from(config))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config, store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off",
                                           proxy_headers=False))  # as `mailflow web`: only web.trusted_proxies
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False
    assert wait_for(up, timeout=30), "the web desk did not start"
    try:
        yield base, store
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
