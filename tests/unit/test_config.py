"""mailflow.yaml: validated, with errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflow.config import load_config
from mailflow.errors import ConfigError

GOOD = """\
identity: {company: Acme, address: orders@acme.example}
sources:
  - path: inbox/
  - imap: {host: imap.acme.example, username: orders@acme.example, password: "${MF_TEST_PASSWORD}"}
archive: {path: var/archive}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mailflow.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_resolves_paths_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MF_TEST_PASSWORD", "s3cret")
    config = load_config(write(tmp_path, GOOD))
    assert config.sources[1].imap is not None and config.sources[1].imap.password == "s3cret"
    assert config.archive_root == (tmp_path / "var" / "archive").resolve()
    assert config.database_url == f"sqlite:///{(tmp_path / 'var' / 'mailflow.db').resolve()}"
    assert config.rules_dir == (tmp_path / "rules").resolve()


@pytest.mark.parametrize("text, line, field, fragment", [
    (GOOD.replace("address: orders@acme.example}", "address: not-an-address}"), 1, "identity.address",
     "not an email address"),
    (GOOD + "poll_interval: 0\n", 6, "poll_interval", "greater than or equal to 1"),
    (GOOD + "colour: blue\n", 6, "colour", "unknown setting"),
    (GOOD.replace("  - path: inbox/\n", "  - path: inbox/\n    imap: {host: x, username: y, password: p}\n"), 3, "sources[0]",
     "exactly one"),
    (GOOD.replace("imap.acme.example,", "imap.acme.example, tls: none,"), 4, "sources[1].imap",
     "loopback"),
    ("identity: {company: Acme}\n", 1, "identity.address", "Field required"),
    ("identity: [\n", 2, None, "invalid YAML"),
    ("- just\n- a list\n", 1, None, "must be a mapping"),
])
def test_config_errors_name_file_line_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                                line: int, field: str | None, fragment: str) -> None:
    monkeypatch.setenv("MF_TEST_PASSWORD", "x")
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.file == str(path)
    assert error.line == line, str(error)
    assert error.field == field
    assert fragment in str(error)
    assert error.exit_code == 2


def test_missing_environment_variable_names_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MF_TEST_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, GOOD))
    assert caught.value.line == 4
    assert "MF_TEST_PASSWORD is not set" in str(caught.value)
    assert caught.value.field == "sources[1].imap.password"


def test_bad_correlation_pattern_is_refused(tmp_path: Path) -> None:
    text = "identity: {company: A, address: a@b.example}\ncorrelation:\n  patterns: ['PO(\\d+']\n"
    with pytest.raises(ConfigError, match="invalid regex"):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize("setting, fragment", [
    ("reply: {subject_token: '{order'}", "placeholder"),
    ("reply: {subject_token: '[Order]'}", "exactly one {order}"),
    ("reply: {subject_token: '{x}'}", "placeholder"),
    ("database: {url: 'bogus://x'}", "not supported"),
    ("database: {url: 'not a url'}", "not a database URL"),
    ("classifier: {overrule: 0.4}", "greater than 0.5"),
    ("classifier: {retrain_at: '3:30'}", "should match pattern"),
])
def test_values_that_would_fail_later_are_refused_now(tmp_path: Path, setting: str, fragment: str) -> None:
    path = write(tmp_path, "identity: {company: A, address: a@b.example}\n" + setting + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 2 and fragment in str(caught.value)
