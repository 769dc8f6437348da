"""The words an action leaves for a session's next page: shown once, to that session only, and
no more kept than the limit."""

from __future__ import annotations

from mailflow.web.state import Flash


def test_words_are_taken_once_by_their_own_session_and_bounded() -> None:
    flash = Flash(limit=3)
    flash.leave("token-a", said="Approved.")
    flash.leave("token-b", error="unknown time zone 'Mars/Olympus'")
    assert flash.take("token-c") == ("", "")  # another session sees nothing
    assert flash.take("token-a") == ("Approved.", "")
    assert flash.take("token-a") == ("", "")  # shown once
    flash.leave("", said="no session, nowhere to keep it")
    assert flash.take("") == ("", "")
    for n in range(5):
        flash.leave(f"token-{n}", said=f"done {n}")
    assert flash.take("token-b") == ("", "")  # the oldest went first beyond the limit
    assert [flash.take(f"token-{n}") for n in range(5)] == [("", ""), ("", ""), ("done 2", ""), ("done 3", ""),
                                                             ("done 4", "")]
    flash.leave("token-long", said="x" * 5000)
    assert flash.take("token-long") == ("x" * 1000, "")
