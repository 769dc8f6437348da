"""The rules page over HTTP: each rule's count of the mails it decided, read through the index
on `messages.rule` (migration 0016) on SQLite and PostgreSQL, and the rules' preview worked out
in a child process: the same answer as the preview in this process, one at a time, and a rule
file that cannot be loaded said on the page."""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import ROOT
from tests.integration.test_web_http import client_for, log_in
from tests.webdesk import build

pytest.importorskip("starlette")
pytest.importorskip("tests.pdfs")
pytestmark = pytest.mark.integration
COUNT_QUERY = "SELECT rule, count(*) FROM messages GROUP BY rule"


def shown_counts(page: str) -> dict[str, int]:
    """Each rule's count as the rules page shows it, by the rule's name."""
    rows = re.findall(r'<tr id="rule-([^"]+)">.*?<td class="count">(\d+)</td></tr>', page, re.DOTALL)
    return {html.unescape(name): int(count) for name, count in rows}


def plan_of(store: Any) -> str:
    """How the database means to answer the rules page's count (EXPLAIN), on PostgreSQL as it
    would with the table large enough that reading it whole is the dearer way."""
    with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            return " ".join(str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {COUNT_QUERY}")))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        return " ".join(str(row[0]) for row in connection.execute(text(f"EXPLAIN {COUNT_QUERY}")))


def test_each_rule_counts_the_mails_it_decided_through_its_index(tmp_path: Path, database_url: str) -> None:
    desk = build(tmp_path, database_url)
    client, store = client_for(desk.config)
    try:
        log_in(client, "Lily Chen")
        decided = Counter(m.rule for m in store.messages() if m.rule)
        assert decided, "the desk has filed mail by its rules"
        shown = shown_counts(client.get("/rules").text)
        assert {name: n for name, n in shown.items() if n} == dict(decided)
        assert set(shown) >= {"purchase-order"} and all(shown[name] == 0 for name in set(shown) - set(decided))
        assert "ix_messages_rule" in plan_of(store)
        if store.engine.dialect.name == "sqlite":
            assert "COVERING INDEX ix_messages_rule" in plan_of(store)  # no row of the table read

        # a person's correction moves the mail from its rule's count to "set by …"
        sample = store.message_by_ref("sample@kestrel.example")
        csrf = log_in(client, "Wang Fang")
        before = shown_counts(client.get("/rules").text)
        client.post(f"/messages/{sample.id}/reclassify", headers={"Origin": "http://testserver"},
                    data={"csrf_token": csrf, "category": "complaint"})
        assert store.message_by_ref("sample@kestrel.example").rule == "set by Wang Fang"
        after = shown_counts(client.get("/rules").text)
        assert after[sample.rule] == before[sample.rule] - 1
    finally:
        store.close()


def preview_numbers(page: str) -> tuple[list[int], int]:
    """The preview's count per category (in the page's order) and how many mails would change."""
    counts = page.split("<h2>", 2)[1]
    changed = re.search(r"\((\d+)\)</h2>", page)
    assert changed is not None, page
    return [int(n) for n in re.findall(r"<td>(\d+)</td></tr>", counts)], int(changed.group(1))


def test_the_preview_is_worked_out_in_a_child_and_answers_as_the_desk_would(tmp_path: Path, sqlite_url: str) -> None:
    from mailflow.config import load_config
    from mailflow.desk import load_desk
    from mailflow.evaluate import preview_archive
    from mailflow.web import rulepreview

    desk = build(tmp_path, sqlite_url)
    client, store = client_for(desk.config)
    loaded = load_desk(load_config(desk.config))
    try:
        here = preview_archive(loaded, store, limit=rulepreview.LIMIT)
        log_in(client, "Lily Chen")
        answer = client.get("/rules?preview=1")
        assert answer.status_code == 200 and 'id="preview-problem"' not in answer.text
        assert preview_numbers(answer.text) == ([n for _, n in here.counts], len(here.changes))
        assert sum(n for _, n in here.counts) == len(store.messages())  # every mail of this small desk

        # one preview at a time: another asked meanwhile is refused, saying so, and not queued
        assert rulepreview._RUNNING.acquire(blocking=False)
        try:
            busy = client.get("/rules?preview=1")
        finally:
            rulepreview._RUNNING.release()
        assert busy.status_code == 503 and "另一个规则预览正在进行" in busy.text  # in the reader's language
        assert 'id="rule-list"' in busy.text  # the rules themselves are still listed
        assert client.get("/rules?preview=1").status_code == 200
    finally:
        loaded.close()
        store.close()


def test_a_rule_file_that_cannot_be_loaded_is_said_on_the_preview(tmp_path: Path, sqlite_url: str) -> None:
    desk = build(tmp_path, sqlite_url)
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    desk.config.write_text(desk.config.read_text(encoding="utf-8").replace(f"rules: {ROOT / 'rules'}\n",
                                                                           f"rules: {rules}\n"), encoding="utf-8")
    client, store = client_for(desk.config)
    try:
        log_in(client, "Wang Fang")
        (rules / "45-broken.yaml").write_text("- name: broken\n  when: {subject: [unclosed\n", encoding="utf-8")
        answer = client.get("/rules?preview=1")
        assert answer.status_code == 200
        problem = re.search(r'<p class="problem" id="preview-problem">(.*?)</p>', answer.text, re.DOTALL)
        assert problem is not None and "The preview of the rules could not be made" in problem.group(1)
        assert "45-broken.yaml" in problem.group(1)  # the loader's own words: which file, where
        assert "<h2>Categories" not in answer.text
    finally:
        store.close()
