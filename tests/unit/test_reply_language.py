"""Which language a reply is written in."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.config import Buyer, load_config
from mailflow.model import Action
from mailflow.parse import parse
from mailflow.reply.plan import language_of
from tests.mails import mail


@pytest.fixture
def config(tmp_path: Path):
    path = tmp_path / "mailflow.yaml"
    path.write_text("identity: {company: A, address: orders@acme.example}\n"
                    "reply: {languages: {kong-fung.example: zh, lily@northwind.example: zh}}\n")
    return load_config(path)


REPLY = Action("reply", {"template": "inquiry_ack"}, "r")


@pytest.mark.parametrize("subject, body, expected", [
    ("Inquiry", "Please quote 40gsm spunlace.", "en"),
    ("询价", "您好，请报价水刺无纺布，谢谢。", "zh"),
    ("樣品", "您好，請寄樣品，謝謝。", "zh"),
    ("見積依頼", "お見積りをお願いします。", "ja"),
])
def test_language_follows_the_mail(config, subject: str, body: str, expected: str) -> None:
    assert language_of(parse(mail(subject, body)), REPLY, None, config) == expected


def test_the_most_specific_setting_wins(config) -> None:
    """The rule's language, then the address's, then the domain's, then the buyer's, then the
    language of the mail: a contact set to Chinese gets Chinese though the buyer writes English."""
    chinese = parse(mail("询价", "请报价水刺无纺布", sender="a@kong-fung.example"))
    english = parse(mail("Inquiry", "Please quote", sender="a@kong-fung.example"))
    assert language_of(english, REPLY, None, config) == "zh"
    assert language_of(english, REPLY, Buyer(name="K", language="en"), config) == "zh"  # domain over buyer
    lily = parse(mail("Inquiry", "Please quote", sender="lily@northwind.example"))
    bob = parse(mail("Inquiry", "Please quote", sender="bob@northwind.example"))
    northwind = Buyer(name="Northwind", domains=["northwind.example"], language="en")
    assert language_of(lily, REPLY, northwind, config) == "zh"  # address over buyer
    assert language_of(bob, REPLY, northwind, config) == "en"
    assert language_of(chinese, REPLY, Buyer(name="K", language="en"), config) == "zh"
    ruled = Action("reply", {"template": "inquiry_ack", "language": "en"}, "r")
    assert language_of(chinese, ruled, Buyer(name="K", language="zh"), config) == "en"
