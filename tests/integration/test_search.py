"""Search on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm), English and Chinese, filters,
ranking, and hostile input that must be searched as text or refused in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from tests.conftest import EXAMPLES, write_desk
from tests.mails import mail
from tests.smtpd import SmtpServer

pytestmark = pytest.mark.integration

HOSTILE = [
    '"', '""', "'", "*", "**", "a*", "NEAR(a b)", "NEAR", "spunlace NEAR/3 wipes", "(", ")", "((x",
    "x)", "AND", "OR", "NOT", "spunlace AND", "OR OR", "-", "+", "^", ":", "body:spunlace",
    "{a b}", "PO-1234", "don't", "@acme", "'; DROP TABLE messages; --", "1' OR '1'='1",
    "%", "_", "\\", "\\%", "x" * 499, "x" * 501, "\x00\x01\x1f", "a\tb\nc", "😀", "😀😀😀", "发票*",
    "订单 OR 1=1", "SELECT * FROM messages", "NULL", "$1", "?", ":name", "<script>alert(1)</script>",
    "\u202e", "ｓｐｕｎｌａｃｅ", " ".join(["w"] * 21),
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, module_database_url: str) -> Path:
    """The example inbox filed once a database: the tests that take it only search it."""
    config = write_desk(tmp_path_factory.mktemp("search") / "desk", module_database_url, EXAMPLES / "inbox")
    assert CliRunner().invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    return config


def search(config: Path, *args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["--config", str(config), "search", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def subjects(hits: list[dict[str, Any]]) -> list[str]:
    return [h["subject"] for h in hits]


def test_english_words_order_numbers_and_snippets(desk: Path) -> None:
    hits = search(desk, "spunlace baby wipes")
    assert hits and all({"message_id", "date", "direction", "from", "subject", "order", "snippet"} <= set(h)
                        for h in hits)
    assert "RFQ - Spunlace nonwoven fabric for baby wipes (private label)" in subjects(hits)
    assert "[" in hits[0]["snippet"]
    numbered = search(desk, "4500871")
    assert numbered and all("4500871" in h["snippet"] for h in numbered)
    assert "4500871" in {h["order"] for h in numbered}


@pytest.mark.parametrize(("query", "subject_part"), [
    ("发票", "请提供装箱单和产地证资料"),  # two characters: below the trigram index
    ("质", "质量投诉"),  # one character
    ("装箱单", "请提供装箱单和产地证资料"),  # three: the trigram index
    ("水刺无纺布", "询价"),
])
def test_chinese_without_spaces_at_any_length(desk: Path, query: str, subject_part: str) -> None:
    hits = search(desk, query)
    assert any(subject_part in h["subject"] for h in hits), subjects(hits)
    assert all(query in h["snippet"] for h in hits)


def test_filters(desk: Path) -> None:
    assert all(h["order"] == "4500871" for h in search(desk, "spunlace", "--order", "4500871"))
    assert all(h["from"].endswith("northwind.example") for h in search(desk, "spunlace", "--from",
                                                                      "northwind.example"))
    complaints = search(desk, "quality", "--category", "complaint")
    assert complaints and all("omplain" in h["subject"] or "投诉" in h["subject"] or h["subject"]
                              for h in complaints)
    assert search(desk, "spunlace", "--until", "2000-01-01") == []
    assert search(desk, "spunlace", "--direction", "out") == []
    one_day = search(desk, "acme", "--since", "2026-11-10", "--until", "2026-11-10")
    assert one_day and all(h["date"].startswith("2026-11-10") for h in one_day)


def test_equal_matches_come_newest_first(tmp_path: Path, database_url: str) -> None:
    import datetime as dt

    config = write_desk(tmp_path / "desk", database_url)
    inbox = config.parent / "inbox"
    for day in (3, 9, 5):  # the same text on three days: a tie
        (inbox / f"{day}.eml").write_bytes(mail(
            "Meltblown filter media", "Do you make meltblown filter media?", message_id=f"m{day}@x.example",
            sender="buyer@x.example", date=dt.datetime(2026, 11, day, 9, tzinfo=dt.UTC)))
    (inbox / "many.eml").write_bytes(mail(
        "Meltblown meltblown meltblown", "meltblown " * 30, message_id="many@x.example",
        sender="buyer@x.example", date=dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)))
    assert CliRunner().invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    hits = search(config, "meltblown filter")
    assert [h["message_id"] for h in hits] == ["m9@x.example", "m5@x.example", "m3@x.example"]


def test_replies_sent_are_found_as_outgoing_mail(tmp_path: Path, database_url: str,
                                                 smtp_server: SmtpServer) -> None:
    config = write_desk(tmp_path / "desk", database_url)
    config.write_text(config.read_text() + f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, "
                      "tls: none}\n", encoding="utf-8")
    (config.parent / "inbox" / "q.eml").write_bytes(mail(
        "Inquiry for airlaid napkins", "Please quote airlaid napkins, 20 tons.",
        sender="ann@northwind.example", message_id="q@northwind.example"))
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    assert runner.invoke(main, ["--config", str(config), "outbox", "send"]).exit_code == 0
    out = search(config, "airlaid", "--direction", "out")
    assert [h["direction"] for h in out] == ["out"] and out[0]["subject"].startswith("Re:")


def test_hostile_queries_are_text_or_a_one_line_refusal(desk: Path) -> None:
    assert len(HOSTILE) >= 30
    runner = CliRunner()
    before = len(search(desk, "acme", "--limit", "1000"))
    for query in HOSTILE:
        result = runner.invoke(main, ["--config", str(desk), "search", query, "--json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (query, result.output)
        if result.exit_code == 0:
            json.loads(result.stdout)
        else:
            assert result.exit_code == 2 and result.output.startswith("mailflow: "), (query, result.output)
            assert len(result.output.strip().splitlines()) == 1
    assert len(search(desk, "acme", "--limit", "1000")) == before  # nothing was dropped
    assert search(desk, "'; DROP TABLE messages; --") == []
    assert any("don" in h["snippet"].lower() for h in search(desk, "don't")) or search(desk, "don't") == []


def test_matches_are_read_a_few_at_a_time_newest_first_whole_words_before_beginnings(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The paging that keeps a million-message search fast, with pages of two: every match is
    still found, newest first, and the filters still see the oldest."""
    import datetime as dt

    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store import search as index

    config = write_desk(tmp_path / "desk", database_url)
    inbox = config.parent / "inbox"
    for day in range(1, 13):  # filed in date order: ids and dates agree
        sender = "old@harbor.example" if day <= 2 else "buyer@x.example"
        (inbox / f"{day:02d}.eml").write_bytes(mail(
            f"Meltblown media, lot {day}", "Please confirm the meltblown lot.", sender=sender,
            message_id=f"m{day}@x.example", date=dt.datetime(2026, 11, day, 9, tzinfo=dt.UTC)))
    (inbox / "13.eml").write_bytes(mail(  # the newest, but "meltblowns" only begins with the word
        "Meltblowns for filters", "Meltblowns, several.", sender="buyer@x.example",
        message_id="m13@x.example", date=dt.datetime(2026, 11, 13, 9, tzinfo=dt.UTC)))
    assert CliRunner().invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    monkeypatch.setattr(index, "CANDIDATES", 2)
    monkeypatch.setattr(index, "FIRST_RANGE", 2)
    monkeypatch.setattr(index, "BOUND", 3)
    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        with store.sessions() as session:
            hits = index.search(session, "meltblown", index.Filters(limit=50))
            assert [h.message_id for h in hits] == [f"m{day}@x.example" for day in range(12, 0, -1)] + [
                "m13@x.example"]
            oldest = index.search(session, "meltblown", index.Filters(sender="harbor.example"))
            assert [h.message_id for h in oldest] == ["m2@x.example", "m1@x.example"]
            assert [h.message_id for h in index.search(session, "lot 7")] == ["m7@x.example"]
    finally:
        store.close()


def test_letters_beyond_ascii_are_found_in_any_case(tmp_path: Path, database_url: str) -> None:
    config = write_desk(tmp_path / "desk", database_url)
    (config.parent / "inbox" / "m.eml").write_bytes(mail(
        "Anfrage MÜLLER GMBH", "ÖKO-TEX zertifizierte Ware, bitte.", sender="einkauf@mueller.example",
        message_id="m@mueller.example"))
    assert CliRunner().invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    assert [h["message_id"] for h in search(config, "müller gmbh")] == ["m@mueller.example"]
    assert [h["message_id"] for h in search(config, "öko-tex")] == ["m@mueller.example"]
