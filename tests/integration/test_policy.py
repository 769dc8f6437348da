"""Who may do what, asked of both surfaces: every action by every role (and a role nobody knows)
runs once through the command line (`--as NAME`, in process) and once through the browser (a
real login, the session's CSRF token, over HTTP), each on its own copy of the same SQLite desk.
Both must end alike: done, refused or failed, with the same reason, and the same rows after."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow import clock
from mailflow.cli import main
from tests.conftest import ROOT
from tests.mails import mail

pytest.importorskip("starlette")
pytestmark = pytest.mark.integration
ORIGIN = {"Origin": "http://testserver"}
BOB = "Bob Tan <bob@kestrel.example>"
US = "Acme Order Desk <orders@acme.example>"
PEOPLE = {"Lily Chen": "merchandiser", "Wang Fang": "manager", "Zhao Min": "general_manager",
          "Ada Xu": "accounts", "Tom Intern": "intern"}  # the last: a role this version does not know
PASSWORD = "a-long-password-1"
NOW = dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC)
TERMS = "30% T/T deposit, 70% against B/L copy"


@dataclass(frozen=True)
class Base:
    folder: Path
    ids: dict[str, Any]


def _pdf(tmp: Path, kind: str) -> bytes:
    from tests import pdfs

    doc = pdfs.OrderDoc(kind=kind, lang="en", number="KS-7001" if kind == "po" else "AN-PI-7001",
                        buyer="Kestrel Supplies Ltd.", order_date=dt.date(2026, 3, 2),
                        delivery_date=dt.date(2026, 4, 30), currency="USD", incoterm="FOB Ningbo",
                        payment_terms=TERMS,
                        lines=(pdfs.Line("NW-SL45-P200", "Spunlace 45gsm", Decimal(8000), "ROLL", Decimal("2.00")),))
    return pdfs.write_order_pdf(doc, tmp / f"{kind}.pdf").read_bytes()


def _run(config: Path, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Base]:
    """A desk with an order (its confirmation held for a manager, our P/I sent), a complaint (its
    acknowledgement held for a manager, a case open), a sample request from a buyer whose replies
    all wait (held, no approver named), a quarantined mail, and the desk's people in users: and
    as web users (plus one whose role this version does not know, in the database only)."""
    pytest.importorskip("tests.pdfs")
    from mailflow.config import load_config
    from mailflow.model import Origin, Quarantined, RawMail
    from mailflow.store import Store
    from mailflow.store.db import UserRow
    from mailflow.web import auth

    tmp = tmp_path_factory.mktemp("policy")
    folder = tmp / "desk"
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    config = folder / "mailflow.yaml"
    config.write_text(
        'identity: {company: "Acme Nonwovens Co., Ltd.", name: "Acme Order Desk", address: orders@acme.example}\n'
        "sources: [{path: inbox/}]\ndatabase: {url: 'sqlite:///var/mailflow.db'}\narchive: {path: var/archive}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n"
        "buyers:\n  - {name: Kestrel Supplies, domains: [kestrel.example], language: en, currency: USD}\n"
        "  - {name: Quiet Trading, domains: [quiet.example], language: en, hold_replies: true}\n"
        "followup: {timezone: UTC}\nusers:\n"
        + "".join(f"  - {{name: {n}, role: {r}}}\n" for n, r in PEOPLE.items() if r != "intern"),
        encoding="utf-8")
    with clock.frozen(NOW - dt.timedelta(days=2)):
        inbox.joinpath("01.eml").write_bytes(mail(
            "PO KS-7001", "Please find attached our PO KS-7001.", sender=BOB, message_id="po@kestrel.example",
            date=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), attachments=[("PO_KS-7001.pdf", _pdf(tmp, "po"),
                                                                          "application/pdf")]))
        inbox.joinpath("02.eml").write_bytes(mail(
            "P/I AN-PI-7001 for your PO KS-7001", "Please find our P/I.", sender=US, to=BOB,
            message_id="pi@acme.example", date=dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC),
            attachments=[("PI_AN-PI-7001.pdf", _pdf(tmp, "pi"), "application/pdf")]))
        inbox.joinpath("03.eml").write_bytes(mail(
            "Complaint: PO KS-7001 rolls damaged", "We have to complain about the quality: 20 rolls of PO "
            "KS-7001 arrived damaged and wet. We hold you responsible.", sender=BOB,
            message_id="complaint@kestrel.example", date=dt.datetime(2026, 3, 9, 9, tzinfo=dt.UTC)))
        inbox.joinpath("04.eml").write_bytes(mail(
            "Sample request NW-SL45-P200", "Please send us two rolls of NW-SL45-P200 as samples.",
            sender="Mia <mia@quiet.example>", message_id="sample@quiet.example",
            date=dt.datetime(2026, 3, 9, 10, tzinfo=dt.UTC)))
        _run(config, "run", "--once")
        for name, role in PEOPLE.items():
            if role != "intern":
                _run(config, "user", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
        loaded = load_config(config)
        store = Store(loaded.database_url, loaded.archive_root)
        try:
            with store.sessions() as session, session.begin():
                session.add(UserRow(name="Tom Intern", role="intern", password_hash=auth._HASHER.hash(PASSWORD),
                                    disabled=False, language="en", timezone=""))
            odd = b"From: x@odd.example\r\nSubject: odd\r\nMessage-ID: <odd@odd.example>\r\n\r\nodd\r\n"
            sha = hashlib.sha256(odd).hexdigest()
            store.quarantine(Quarantined(RawMail(odd, Origin("file", path="odd.eml")), sha, "a worker died"))
            replies = {r.template: r for r in store.outbox()}
            assert replies["order_confirmation"].state == "held" and replies["order_confirmation"].approver == "manager"
            assert replies["complaint_ack"].state == "held" and replies["complaint_ack"].approver == "manager"
            assert replies["sample_ack"].state == "held" and replies["sample_ack"].approver == ""
            cases = store.cases(only_open=True)
            assert len(cases) == 1
            ids = {"confirmation": replies["order_confirmation"].id, "ack": replies["complaint_ack"].id,
                   "sample_ack": replies["sample_ack"].id, "case": cases[0].number,
                   "sample": store.message_by_ref("sample@quiet.example").id}
        finally:
            store.close()
    shutil.rmtree(inbox)
    inbox.mkdir()
    yield Base(folder, ids)


EDITOR = "#!/bin/sh\necho 'Edited by hand.' >> \"$1\"\n"

# the browser marks a milestone done in two steps: the second carries the ticked confirmation
CONFIRMED = {"step": "confirm", "confirm": "yes"}

# (what, CLI arguments, browser path, browser form); {confirmation}, {ack}, ... are the desk's ids
ACTIONS: list[tuple[str, list[str], str, dict[str, str]]] = [
    ("approve the order confirmation", ["outbox", "approve", "{confirmation}"], "/outbox/{confirmation}/approve", {}),
    ("approve the complaint acknowledgement", ["outbox", "approve", "{ack}"], "/outbox/{ack}/approve", {}),
    ("approve a reply held with no approver named", ["outbox", "approve", "{sample_ack}"],
     "/outbox/{sample_ack}/approve", {}),
    ("reject the order confirmation", ["outbox", "reject", "{confirmation}", "--reason", "price to be agreed"],
     "/outbox/{confirmation}/reject", {"reason": "price to be agreed"}),
    ("reject with a blank reason", ["outbox", "reject", "{sample_ack}", "--reason", "  "],
     "/outbox/{sample_ack}/reject", {"reason": "  "}),
    ("edit the order confirmation", ["outbox", "edit", "{confirmation}"], "/outbox/{confirmation}/edit",
     {"text": "EDITED"}),
    ("sign off the order", ["order", "approve", "KS-7001"], "/orders/KS-7001/approve", {}),
    ("mark a document's milestone done with a note",
     ["order", "done", "KS-7001", "pi_countersigned", "--note", "countersigned copy came by courier"],
     "/orders/KS-7001/milestones/pi_countersigned/done",
     {"note": "countersigned copy came by courier", **CONFIRMED}),
    ("mark a document's milestone done without a note", ["order", "done", "KS-7001", "pi_countersigned"],
     "/orders/KS-7001/milestones/pi_countersigned/done", CONFIRMED),
    ("mark the deposit done", ["order", "done", "KS-7001", "deposit", "--note", "the bank called"],
     "/orders/KS-7001/milestones/deposit/done", {"note": "the bank called", **CONFIRMED}),
    ("mark the sign-off done by hand", ["order", "done", "KS-7001", "signoff", "--note", "ok"],
     "/orders/KS-7001/milestones/signoff/done", {"note": "ok", **CONFIRMED}),
    ("open a milestone again", ["order", "undo", "KS-7001", "pi_sent"], "/orders/KS-7001/milestones/pi_sent/undo", {}),
    ("record a payment", ["order", "payment", "KS-7001", "100", "--ref", "T1"], "/orders/KS-7001/payments",
     {"amount": "100", "reference": "T1"}),
    ("put the order on hold", ["order", "status", "KS-7001", "on-hold"], "/orders/KS-7001/status",
     {"status": "on-hold"}),
    ("reclassify a mail", ["reclassify", "sample@quiet.example", "inquiry"], "/messages/{sample}/reclassify",
     {"category": "inquiry"}),
    ("file a mail under an order", ["order", "assign", "sample@quiet.example", "KS-7001"],
     "/messages/{sample}/refile", {"order": "KS-7001"}),
    ("close the complaint case", ["case", "close", "{case}", "--note", "credit note agreed"], "/cases/{case}/close",
     {"note": "credit note agreed"}),
    ("retry the quarantine", ["quarantine", "retry"], "/quarantine/retry", {}),
]

# who may: the policy's table as the issue states it (asserted on both surfaces alike)
MANAGERS = {"manager", "general_manager"}
EXPECTED = {
    "approve the order confirmation": MANAGERS,
    "approve the complaint acknowledgement": MANAGERS,
    "approve a reply held with no approver named": {"merchandiser", *MANAGERS},
    "reject the order confirmation": MANAGERS,
    "reject with a blank reason": set(),
    "edit the order confirmation": MANAGERS,
    "sign off the order": MANAGERS,
    "mark a document's milestone done with a note": {"merchandiser", *MANAGERS},
    "mark a document's milestone done without a note": set(),
    "mark the deposit done": set(),
    "mark the sign-off done by hand": set(),
    "open a milestone again": {"merchandiser", *MANAGERS},
    "record a payment": {"accounts", *MANAGERS},
    "put the order on hold": MANAGERS,
    "reclassify a mail": {"merchandiser", "accounts", *MANAGERS},
    "file a mail under an order": {"merchandiser", "accounts", *MANAGERS},
    "close the complaint case": MANAGERS,
    "retry the quarantine": {"merchandiser", "accounts", *MANAGERS},
}


def _copy(base: Base, where: Path) -> Path:
    shutil.copytree(base.folder, where)
    return where / "mailflow.yaml"


def _state(config: Path) -> dict[str, Any]:
    """What an action may have changed, as rows read back."""
    from sqlalchemy import select

    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.db import (
        CaseRow,
        MessageRow,
        MilestoneRow,
        OrderRow,
        OutboxRow,
        PaymentRow,
        QuarantineRow,
    )

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            return {
                "outbox": sorted((r.template, r.state, r.decided_by, b"Edited by hand" in r.raw or b"EDITED" in r.raw)
                                 for r in session.scalars(select(OutboxRow))),
                "milestones": sorted((r.key, r.state, r.how, r.done_by) for r in session.scalars(select(MilestoneRow))),
                "payments": sorted((p.amount, p.reference, p.recorded_by) for p in session.scalars(select(PaymentRow))),
                "orders": sorted((o.number, o.status) for o in session.scalars(select(OrderRow))),
                "cases": sorted((c.number, c.status, c.closed_by) for c in session.scalars(select(CaseRow))),
                "mail": sorted((m.message_id, m.category, m.order_id) for m in session.scalars(select(MessageRow))),
                "quarantine": sorted((q.sha256, q.resolved_at is not None) for q in session.scalars(select(QuarantineRow))),
            }
    finally:
        store.close()


def _cli(config: Path, name: str, args: list[str], editor: Path) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args, "--as", name],
                                env={"EDITOR": str(editor), "VISUAL": str(editor)})
    if result.exit_code == 0:
        return "done", ""
    line = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.output
    return ("refused" if result.exit_code == 6 else f"failed ({result.exit_code})"), line.removeprefix("mailflow: ")


def _web(config: Path, name: str, path: str, form: dict[str, str]) -> tuple[str, str]:
    from starlette.testclient import TestClient

    from mailflow.config import load_config
    from mailflow.follow import follower_from
    from mailflow.store import Store
    from mailflow.web.app import create_app

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root, follower=follower_from(loaded))
    try:
        client = TestClient(create_app(loaded, store))
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        answer = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)},
                             headers=ORIGIN, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
        assert found is not None
        data = dict(form)
        if data.get("text") == "EDITED":  # the reply's text as shown, with a line added, as the CLI's editor does
            from mailflow.cli.outbox import email_text

            reply_id = int(path.split("/")[2])
            data["text"] = email_text(store.reply(reply_id).raw) + "Edited by hand.\n"
        response = client.post(path, data={**data, "csrf_token": found.group(1)}, headers=ORIGIN,
                               follow_redirects=False)
        if response.status_code == 403:
            problem = re.search(r'<p class="problem" id="problem" data-code="[^"]*">(.*?)</p>', response.text, re.DOTALL)
            assert problem is not None, response.text
            return "refused", html.unescape(problem.group(1))
        if response.status_code == 303:  # what went wrong is said on the next page
            error = re.search(r'<p class="problem" id="error">(.*?)</p>', client.get(response.headers["location"]).text,
                              re.DOTALL)
            return ("failed (1)", html.unescape(error.group(1))) if error else ("done", "")
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return "done", ""
    finally:
        store.close()


@pytest.mark.parametrize("person", list(PEOPLE), ids=lambda name: PEOPLE[name])
@pytest.mark.parametrize("action", [a[0] for a in ACTIONS], ids=lambda what: re.sub(r"\W+", "_", what))
def test_every_action_by_every_role_ends_alike_on_the_command_line_and_in_the_browser(
        base: Base, tmp_path: Path, action: str, person: str) -> None:
    what, args, path, form = next(a for a in ACTIONS if a[0] == action)
    args = [a.format(**base.ids) for a in args]
    path = path.format(**base.ids)
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR, encoding="utf-8")
    editor.chmod(0o755)
    with clock.frozen(NOW):
        on_cli = _copy(base, tmp_path / "cli")
        by_cli = _cli(on_cli, person, args, editor)
        in_browser = _copy(base, tmp_path / "web")
        by_web = _web(in_browser, person, path, form)
        assert by_cli == by_web, f"{what} as {person}: command line {by_cli}, browser {by_web}"
        after = _state(on_cli)
        assert after == _state(in_browser), f"{what} as {person}: the desks differ after"
    role = PEOPLE[person]
    if role in EXPECTED[what]:
        assert by_cli == ("done", ""), f"{what} as {person} ({role}): {by_cli}"
        assert after != _state(base.folder / "mailflow.yaml"), f"{what} as {person} changed nothing"
    else:
        assert by_cli[0] == "refused", f"{what} as {person} ({role}): {by_cli}"
        assert after == _state(base.folder / "mailflow.yaml"), f"{what} as {person}: refused, yet changed"


def test_the_reasons_people_read(base: Base, tmp_path: Path) -> None:
    """The regressions of issue 21, and a stranger: each refusal says why."""
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR, encoding="utf-8")
    editor.chmod(0o755)
    with clock.frozen(NOW):
        config = _copy(base, tmp_path / "desk")
        ack = base.ids["ack"]
        assert _web(config, "Lily Chen", f"/outbox/{ack}/approve", {}) == (
            "refused", (f"Lily Chen is a merchandiser: reply #{ack} (complaint_ack) is for a manager or the general "
                       "manager to approve — its hold names a manager as the approver"))
        confirmation = base.ids["confirmation"]
        outcome, reason = _cli(config, "Lily Chen", ["outbox", "approve", str(confirmation)], editor)
        assert outcome == "refused" and "order_confirmation" in reason and "a manager" in reason
        outcome, reason = _cli(config, "Wang Fang", ["order", "done", "KS-7001", "deposit", "--note", "x"], editor)
        assert outcome == "refused" and "done by recording the payment, never by a click" in reason
        assert _web(config, "Wang Fang", "/orders/KS-7001/milestones/deposit/done", {"note": "x"})[1] == reason
        blank = ("refused", "a rejection says why: give the reason (kept with the reply)")
        assert _cli(config, "Wang Fang", ["outbox", "reject", str(confirmation), "--reason", " "], editor) == blank
        assert _web(config, "Wang Fang", f"/outbox/{confirmation}/reject", {"reason": ""}) == blank
        outcome, reason = _cli(config, "Tom Intern", ["outbox", "approve", str(confirmation)], editor)
        assert outcome == "refused" and "'intern', which is not one of" in reason
        for args in (["outbox", "approve", str(confirmation)], ["order", "payment", "KS-7001", "5"],
                     ["case", "close", base.ids["case"]], ["quarantine", "retry"]):
            outcome, reason = _cli(config, "Nobody", args, editor)  # a name nobody has: refused before anything
            assert outcome == "refused" and reason.startswith("'Nobody' is not one of users: in "), (args, reason)
        assert _state(config) == _state(base.folder / "mailflow.yaml")


def test_a_desk_without_users_refuses_what_a_role_decides(tmp_path: Path, sqlite_url: str) -> None:
    from tests.conftest import write_desk

    config = write_desk(tmp_path / "desk", sqlite_url)
    text = config.read_text(encoding="utf-8")
    config.write_text(text[:text.index("operator:")], encoding="utf-8")
    _run(config, "run", "--once")
    result = CliRunner().invoke(main, ["--config", str(config), "quarantine", "retry", "--as", "Lily"])
    assert result.exit_code == 6
    assert "knows nobody to act as 'Lily': add users: to" in result.stderr
