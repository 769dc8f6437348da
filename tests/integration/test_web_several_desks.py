"""Web desks on several machines behind one load balancer share only the database: a session
made on one is known on the others (one session key, in the database), and what an action
said on one is shown once on whichever serves the next page (on the session's row)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from mailflow.web import auth
from tests.conftest import write_desk
from tests.integration.test_web_http import ORIGIN, client_for, log_in

pytest.importorskip("starlette")
pytestmark = pytest.mark.integration
PASSWORD = "a long desk password 7"


def test_a_session_and_its_words_follow_the_browser_from_one_web_desk_to_another(
        tmp_path: Path, database_url: str) -> None:
    first, second = write_desk(tmp_path / "a", database_url), write_desk(tmp_path / "b", database_url)
    added = CliRunner().invoke(main, ["--config", str(first), "user", "add", "Wang Fang", "--role", "manager",
                                      "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    (one, store_one), (two, store_two) = client_for(first), client_for(second)
    try:
        csrf = log_in(one, "Wang Fang", PASSWORD)
        two.cookies.set("mailflow_session", one.cookies["mailflow_session"])
        assert 'name="csrf_token"' in two.get("/").text  # the other desk knows the session
        bad = one.post("/preferences", headers=ORIGIN, follow_redirects=False,
                       data={"csrf_token": csrf, "timezone": "Mars/Olympus"})
        assert bad.status_code == 303
        assert "unknown time zone &#39;Mars/Olympus&#39;" in two.get("/").text  # shown on the other desk
        assert "Mars/Olympus" not in two.get("/").text  # once
        assert "Mars/Olympus" not in one.get("/").text
        for desk in (first, second):
            assert not (desk.parent / "var" / "web-secret.key").exists()  # nothing local to share
        one.post("/logout", headers=ORIGIN, data={"csrf_token": csrf})
        assert 'name="csrf_token" value' not in two.get("/", follow_redirects=False).text
    finally:
        store_one.close()
        store_two.close()


def test_the_session_key_is_made_once_and_a_key_kept_before_is_brought_along(
        tmp_path: Path, database_url: str) -> None:
    from mailflow.store import Store

    earlier = tmp_path / "web-secret.key"
    earlier.write_text("kept-by-an-earlier-desk\n", encoding="utf-8")
    store = Store(database_url, tmp_path / "archive")
    try:
        assert auth.session_key(store.sessions, earlier) == b"kept-by-an-earlier-desk"
        earlier.unlink()
        assert auth.session_key(store.sessions, earlier) == b"kept-by-an-earlier-desk"  # from the database
        # words left for a session that is not there go nowhere; an empty token finds nothing
        auth.leave_flash(store.sessions, b"k", "no-such-session", said="done")
        assert auth.take_flash(store.sessions, b"k", "no-such-session") == ("", "")
        assert auth.take_flash(store.sessions, b"k", "") == ("", "")
    finally:
        store.close()
