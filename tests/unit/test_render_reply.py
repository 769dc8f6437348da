"""Every mail mailflow writes is rendered by one function, `reply.plan.render_reply`: an
acknowledgement, a chaser (an occasion with its own Message-ID and context) and the digest
(an occasion that answers no mail)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from mailflow.config import Config, load_config
from mailflow.model import Action, Address, OrderRef
from mailflow.parse import parse
from mailflow.reply.plan import Occasion, Planner, ReplyFacts, SenderFacts, render_reply
from mailflow.reply.render import ReplyTemplates
from tests.conftest import ROOT
from tests.mails import mail

TEMPLATES = ReplyTemplates(ROOT / "templates" / "reply")
RECORD = {"numbers": ["4500871"], "buyer": "Northwind", "currency": "USD", "total": "20000.00",
          "payment_terms": "30% T/T deposit, 70% against B/L copy"}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mailflow.yaml"
    path.write_text("identity: {company: Acme, address: orders@acme.example}\n"
                    "reply: {hold_all: true}\n")
    return load_config(path)


def test_a_chaser_is_an_acknowledgement_with_its_own_message_id_and_context(config: Config) -> None:
    message = parse(mail("Re: PO 4500871", "Thanks, noted."))
    facts = ReplyFacts(order=OrderRef("4500871", "Northwind", 1, "on file", "token"), record=RECORD,
                       sender=SenderFacts(first_contact=False))
    action = Action("reply", {"template": "chase_payment", "hold": True}, "followup:tt-order")
    occasion = Occasion(message_id="mailflow.chase-1@acme.example",
                        context={"milestone": {"key": "deposit", "name": "Deposit", "due": "2026-03-10",
                                               "days_overdue": 2, "chases": 0},
                                 "money": {"currency": "USD", "total": "20000.00", "outstanding": "20000.00",
                                           "deposit": "6000.00", "balance": "14000.00", "deposit_percent": "30",
                                           "terms": RECORD["payment_terms"]}})
    reply = render_reply(message, action, facts, Planner(config, TEMPLATES), occasion)
    assert reply.message_id == "mailflow.chase-1@acme.example" and reply.in_reply_to == "msg-1@northwind.example"
    assert "2026-03-10" in reply.text and "6000.00" in reply.text
    assert reply.state == "held" and "rule followup:tt-order asks for approval" in reply.reason
    assert reply.action == {"template": "chase_payment", "hold": True, "rule": "followup:tt-order",
                            "reason_zh": "规则 followup:tt-order 需要审批；所有回复都需要审批（reply.hold_all）"}
    sent = email.message_from_bytes(reply.raw, policy=email.policy.default)
    assert sent["In-Reply-To"] == "<msg-1@northwind.example>" and sent["Auto-Submitted"] == "auto-replied"


def test_the_digest_answers_no_mail_and_is_never_held(config: Config) -> None:
    from mailflow.follow.digest import SAMPLE_SUMMARY, summary_context

    context = {"company": "Acme", "date": "2026-03-12", "owner": "", "plan": {}, "sections": [], "counts": {},
               **summary_context(SAMPLE_SUMMARY, "zh")}
    occasion = Occasion(message_id="mailflow.digest.1@acme.example", context=context, language="zh",
                        to=(Address("", "boss@acme.example"),),
                        subjects={"en": "Acme: the plan for 2026-03-12", "zh": "Acme: 今日跟单计划 2026-03-12"})
    reply = render_reply(None, Action("reply", {"template": "daily_digest"}, "digest"), ReplyFacts(),
                         Planner(config, TEMPLATES), occasion)
    assert reply.language == "zh" and reply.subject == "Acme: 今日跟单计划 2026-03-12"
    assert "每日工作总结（2026-01-15）" in reply.text and "今日收款：1" in reply.text  # the day's summary, in Chinese
    assert reply.state == "queued" and reply.reason == ""  # reply.hold_all is about replies to others
    assert reply.in_reply_to == "" and [a.addr for a in reply.to] == ["boss@acme.example"]
    sent = email.message_from_bytes(reply.raw, policy=email.policy.default)
    assert sent["Auto-Submitted"] == "auto-generated" and sent["In-Reply-To"] is None
    assert sent["Message-ID"] == "<mailflow.digest.1@acme.example>"


@pytest.mark.parametrize("template, language, said", [
    ("chase_payment", "en", ["received USD 2500.00 of the deposit of USD 6000.00",
                             "USD 3500.00 remains, which was due on 2026-03-10"]),
    ("chase_payment", "zh", ["定金 USD 6000.00 中", "我们已收到 USD 2500.00，尚欠 USD 3500.00，应于 2026-03-10 前到账"]),
    ("chase_balance", "en", ["received USD 10000.00 of the balance of USD 14000.00",
                             "USD 4000.00 remains, which was due on 2026-04-19"]),
    ("chase_balance", "zh", ["尾款 USD 14000.00 中，我们已收到 USD 10000.00", "尚欠 USD 4000.00，应于 2026-04-19 前支付"]),
])
def test_a_payment_chaser_says_what_was_received_and_what_remains(config: Config, template: str, language: str,
                                                                  said: list[str]) -> None:
    deposit = template == "chase_payment"
    due_now = {"key": "deposit" if deposit else "balance", "name": "deposit" if deposit else "balance",
               "name_zh": "定金" if deposit else "尾款", "amount": "6000.00" if deposit else "14000.00",
               "received": "2500.00" if deposit else "10000.00", "remaining": "3500.00" if deposit else "4000.00",
               "due": "2026-03-10" if deposit else "2026-04-19", "part_paid": True}
    message = parse(mail("回复: 订单 4500871", "好的，收到，谢谢。") if language == "zh" else
                    mail("Re: PO 4500871", "Thanks, noted."))
    facts = ReplyFacts(order=OrderRef("4500871", "Northwind", 1, "on file", "token"), record=RECORD,
                       sender=SenderFacts(first_contact=False))
    occasion = Occasion(message_id="mailflow.chase-2@acme.example",
                        context={"milestone": {"key": due_now["key"], "name": "x", "due": "2026-01-01",
                                               "days_overdue": 2, "chases": 1},
                                 "money": {"currency": "USD", "total": "20000.00", "outstanding": "17500.00",
                                           "deposit": "6000.00", "balance": "14000.00", "deposit_percent": "30",
                                           "terms": RECORD["payment_terms"], "due_now": due_now}})
    reply = render_reply(message, Action("reply", {"template": template, "hold": True}, "followup:tt-order"), facts,
                         Planner(config, TEMPLATES), occasion)
    text = " ".join(reply.text.split())
    for words in said:
        assert words in text, text
    assert "2026-01-01" not in text  # the instalment's own due date, not the milestone's
    assert "not received" not in text and "尚未收到" not in text
