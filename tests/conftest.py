from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

CONFIG = """\
identity: {{company: "Acme Nonwovens Co., Ltd.", name: "Acme Order Desk", address: orders@acme.example}}
sources:
  - path: inbox/
database: {{url: "{database_url}"}}
archive: {archive}
rules: {rules}
templates: {templates}
buyers:
  - {{name: Northwind Trading, domains: [northwind.example], language: en}}
  - {{name: Mueller Haushaltswaren, domains: [mueller-hw.example], language: en}}
operator: Wang Fang
users:
  - {{name: Wang Fang, role: manager}}
  - {{name: Lily Chen, role: merchandiser}}
  - {{name: Zhao Min, role: general_manager}}
  - {{name: Ada Xu, role: accounts}}
"""

POSTGRES_ADMIN_URL = os.environ.get("MAILFLOW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_database() -> Iterator[str]:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"mailflow_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.orig}")
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each store test runs on both databases; PostgreSQL gets a fresh database per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mailflow.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database on each of the two that a module's tests share: for a fixture that fills it
    once and tests that only read it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module-db') / 'mailflow.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'mailflow.db'}"


LOCAL_ARCHIVE = "{path: var/archive}"


def write_desk(directory: Path, database_url: str, inbox: Path | None = None, archive: str = LOCAL_ARCHIVE) -> Path:
    """A desk folder: mailflow.yaml using the shipped rules and templates, an inbox; the
    archive in var/archive, or where `archive` (the `archive:` setting, YAML) says."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "inbox").mkdir(exist_ok=True)
    if inbox is not None:
        for file in sorted(inbox.glob("*.eml")):
            shutil.copy(file, directory / "inbox" / file.name)
    config = directory / "mailflow.yaml"
    config.write_text(CONFIG.format(database_url=database_url, rules=ROOT / "rules",
                                    templates=ROOT / "templates", archive=archive), encoding="utf-8")
    return config


from tests.dovecot import dovecot, imap_folder  # noqa: F401  (fixtures for the IMAP tests)
from tests.seaweed import s3_bucket, seaweed  # noqa: F401  (the S3 test server fixtures)
from tests.smtpd import smtp_server  # noqa: F401  (the SMTP test server fixture)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Debian's Chromium, never a downloaded browser (see the Makefile's system-packages)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make system-packages)")
    return {**browser_type_launch_args, "executable_path": chromium,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}
