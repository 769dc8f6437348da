"""Every shipped reply template composed by hand (`mailflow outbox compose ORDER TEMPLATE`) for a
filed order, in English and in Chinese, text and HTML: a template that needs a value the
compose path does not give (a chaser's milestone or money) fails here, not on a buyer's order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from mailflow.config import load_config
from mailflow.desk import load_desk
from mailflow.errors import MailflowError
from mailflow.follow import DIGEST_TEMPLATE, follower_from
from mailflow.pipeline import compose_for_order
from mailflow.reply.render import ReplyTemplates
from mailflow.store import Store
from mailflow.store.outbox import PURCHASE_TEMPLATE
from tests.conftest import ROOT, write_desk
from tests.mails import mail
from tests.replies import reply_message

pdfs = pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration

TEMPLATES = ReplyTemplates(ROOT / "templates" / "reply")
# the digest and our P/O to a supplier (`document ORDER purchase-order --send`) answer no buyer
NAMES = sorted(TEMPLATES.names() - {DIGEST_TEMPLATE, PURCHASE_TEMPLATE})
# the English order from a listed buyer, the Chinese one from a buyer who writes Chinese
ORDERS = (("en", "PO-2026-3101", "Bob Buyer <bob@northwind.example>",
           "Please find attached our purchase order. Payment: 30% T/T deposit, 70% against copy B/L."),
          ("zh", "HD-2026-3102", "刘洋 <liu@huadong.example>", "您好，附件是我司订单，请确认交期并回签形式发票。谢谢！"))


def cli(config: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["--config", str(config), *args])


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[str, str], str]]:
    """Both orders filed (the clock on their day), our P/I marked sent, the follow-up run weeks
    later, then every template composed for each:
    (language, template) -> the error ("" when it composed)."""
    tmp_path = tmp_path_factory.mktemp("compose")
    config = write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'mailflow.db'}")
    docs = {lang: pdfs.sample_order(3, lang=lang, seed=31, number=number) for lang, number, _, _ in ORDERS}
    products = tmp_path / "products.csv"
    products.write_text("item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm\n" + "".join(
        f"{line.item_code},20,10,11.5,60,40,30\n" for doc in docs.values() for line in doc.lines), encoding="utf-8")
    config.write_text(config.read_text() + f"packing: {{products: {products}}}\nfollowup: {{timezone: UTC}}\n",
                      encoding="utf-8")
    results: dict[tuple[str, str], str] = {}
    order_date = docs["en"].order_date
    with clock.frozen(dt.datetime.combine(order_date, dt.time(9), dt.UTC)) as frozen:
        for lang, number, sender, body in ORDERS:
            pdf = pdfs.write_order_pdf(docs[lang], tmp_path / f"{number}.pdf").read_bytes()
            (config.parent / "inbox" / f"{number}.eml").write_bytes(mail(
                f"PO {number}" if lang == "en" else f"订单 {number}", body, sender=sender,
                message_id=f"{number}@buyer.example", date=frozen.now(),
                attachments=[(f"{number}.pdf", pdf, "application/pdf")]))
        assert cli(config, "run", "--once").exit_code == 0
        for _, number, _, _ in ORDERS:  # our P/I went: the countersignature and the deposit are due from it
            assert cli(config, "order", "done", number, "pi_sent", "--note", "mailed by hand").exit_code == 0
        frozen.advance(days=40)  # weeks later: the chasers' milestones are overdue
        assert cli(config, "follow").exit_code == 0
        # the command a person types, for the chaser that failed with "'money' is undefined"
        said = cli(config, "outbox", "compose", ORDERS[0][1], "chase_balance")
        results[("en", "chase_balance")] = "" if said.exit_code == 0 else said.output
        results[("en", DIGEST_TEMPLATE)] = cli(config, "outbox", "compose", ORDERS[0][1], DIGEST_TEMPLATE).output
        results[("en", PURCHASE_TEMPLATE)] = cli(config, "outbox", "compose", ORDERS[0][1], PURCHASE_TEMPLATE).output
        # every other template through the same function the command calls, with one desk loaded
        loaded = load_config(config)
        desk, store = load_desk(loaded), Store(loaded.database_url, loaded.archive_root,
                                               follower=follower_from(loaded))
        try:
            for lang, number, _, _ in ORDERS:
                for name in NAMES:
                    if (lang, name) in results:
                        continue
                    try:
                        compose_for_order(number, name, desk, store)
                        results[(lang, name)] = ""
                    except MailflowError as exc:
                        results[(lang, name)] = str(exc)
        finally:
            desk.close()
            store.close()
    return config, results


def test_every_reply_template_composes_for_an_order_in_both_languages_text_and_html(
        composed: tuple[Path, dict[tuple[str, str], str]]) -> None:
    config, results = composed
    failed = {key: error for key, error in results.items() if key[1] not in (DIGEST_TEMPLATE, PURCHASE_TEMPLATE)
              and error}
    assert not failed, failed
    latest: dict[tuple[str, str], dict[str, Any]] = {}  # the newest reply of each template to each buyer
    for row in sorted(json.loads(cli(config, "outbox", "list", "--json").stdout), key=lambda r: r["id"]):
        lang = "zh" if row["to"] == ["liu@huadong.example"] else "en"
        latest[(lang, row["template"])] = row
    for lang, number, _, _ in ORDERS:
        for name in NAMES:
            row = latest[(lang, name)]
            assert row["language"] == lang, (lang, name)
            message = reply_message(config, row["id"])
            text = message.get_body(("plain",))
            assert text is not None and text.get_content().strip(), (lang, name)
            html = message.get_body(("html",))
            assert (html is not None) == (ROOT / "templates" / "reply" / f"{name}.{lang}.html.j2").exists(), (lang, name)
            if name.startswith("chase_") and name != "chase_sample":
                assert number in text.get_content(), (lang, name)  # the order it chases, by its number
    assert "follow --digest" in results[("en", DIGEST_TEMPLATE)]  # the digest answers no order: refused, saying why
    # our P/O goes to a supplier, never to the buyer: refused, saying how it is sent (tested in test_purchase_order_sent)
    assert "purchase-order --supplier NAME --send" in results[("en", PURCHASE_TEMPLATE)]


def test_a_chaser_composed_by_hand_says_the_due_day_of_its_milestone_or_none(
        composed: tuple[Path, dict[tuple[str, str], str]]) -> None:
    """The T/T order's balance chaser names its milestone's due day; the L/C chaser of that same
    order (no L/C milestone: it is paid by T/T) says nothing of a due day, not "expected by ."."""
    config, _ = composed
    rows = {(r["template"], r["to"][0]): r for r in json.loads(cli(config, "outbox", "list", "--json").stdout)}
    shown = json.loads(cli(config, "order", "show", ORDERS[0][1], "--json").stdout)
    steps = {m["key"]: m for m in shown["follow_up"]["milestones"]}
    text = reply_message(config, rows[("chase_payment", "bob@northwind.example")]["id"]).get_body(("plain",))
    assert text is not None and steps["deposit"]["due"] in text.get_content()
    lc = reply_message(config, rows[("chase_lc", "bob@northwind.example")]["id"]).get_body(("plain",))
    assert lc is not None and "expected by" not in lc.get_content() and "L/C" in lc.get_content()
