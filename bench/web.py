"""The web desk at the size of a desk's history: every page's time at N messages (default
100,000) on SQLite and PostgreSQL, while something heavy runs beside it.

    .venv/bin/python bench/web.py [--messages N] [--requests 30] [--postgres URL]

How the database is built (fast: about a minute per 100,000 messages, not 100,000 pipeline
runs): `bench/search.py`'s `build` writes the messages with their search rows straight into the
store's tables in batches of 2,000 (bulk INSERTs through SQLAlchemy Core), about N/50 orders of
50 messages each, 30% of the text Chinese; then this file adds, the same way, what a desk of that
age also has: a plan of six milestones on every order (a third overdue), one reply per ten
messages in the outbox (most sent, 2% held for a person, each with its raw MIME), 300
quarantined mails, the order EXPORT-200 of 200 messages with its files in the archive, and
the newest 500 messages' files (what the rules preview reads). PostgreSQL is then vacuumed, as
autovacuum keeps a desk's database (the rules page counts through an index-only scan).

The desk is served as it is deployed: `mailflow web` (uvicorn, one process) on a free port of
127.0.0.1, and each page is requested over HTTP by a client in this process (httpx, one
connection). Every page is measured twice: while a second client requests
`/rules?preview=1` (the rules run over the newest 500 mails) in a loop, and while a thread
exports EXPORT-200 (`order export`: its 200 mail files read and zipped) in a loop. Printed per
database, beside and page: p50, p95 and max in ms, and p95 as a multiple of the baseline
measured in the same run: `/healthz` and a static file through the same server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx
from sqlalchemy import insert, text

from bench.databases import DEFAULT_POSTGRES, databases
from bench.search import HANZI, TRADE, WORDS, build, export_bench
from mailflow.store import Store
from mailflow.store.db import MilestoneRow, OutboxRow, QuarantineRow
from mailflow.store.export import export_order
from mailflow.web import auth

warnings.filterwarnings("ignore", category=DeprecationWarning)
PASSWORD = "bench-password-1"
MILESTONES = ("pi_sent", "signoff", "deposit", "production", "shipped", "balance")
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def age(store: Store, messages: int) -> tuple[int, int]:
    """What a desk of `messages` mails has beside them (see the docstring): milestones, replies,
    quarantined mail, the newest files. (a held reply's id, a quarantined mail's id)."""
    with store.engine.connect() as conn:
        orders = [row[0] for row in conn.execute(text("SELECT id FROM orders ORDER BY id"))]
        newest = conn.execute(text("SELECT id, path, subject, text, order_id FROM messages "
                                   "ORDER BY id DESC LIMIT 500")).all()
        answered = [row[0] for row in conn.execute(text("SELECT id, order_id FROM messages ORDER BY id"))]
    with store.engine.begin() as conn:
        conn.execute(insert(MilestoneRow), [
            {"order_id": order, "key": key, "plan": "tt_deposit", "name": key.replace("_", " "),
             "owner": "accounts" if key in ("deposit", "balance") else "merchandiser", "position": place,
             "state": "overdue" if (order + place) % 3 == 0 else ("done" if place < 2 else "open"),
             "due": (NOW + dt.timedelta(days=(order % 90) - 30 + 7 * place)).date(), "due_why": "bench",
             "waiting_for": []} for order in orders for place, key in enumerate(MILESTONES)])
        conn.execute(text("UPDATE orders SET plan = 'tt_deposit', next_milestone = 'deposit', "
                          "next_due = :day"), {"day": NOW.date()})
        raw = (b"From: orders@acme.example\r\nTo: buyer@customer.example\r\nSubject: Re: PO\r\n\r\n"
               + b"Thank you for your order. " * 120)
        replies = [{"message_id": f"reply-{i}@acme.example", "answers_id": answered[i * 10],
                    "order_id": orders[(i * 10) // 50 % len(orders)], "template": "order_confirmation",
                    "language": "en", "to_addrs": ["buyer@customer.example"], "subject": f"Re: PO {i}", "raw": raw,
                    "state": "held" if i % 50 == 0 else "sent", "reason": "a manager confirms price first",
                    "created_at": NOW - dt.timedelta(minutes=i), "updated_at": NOW}
                   for i in range(messages // 10)]
        for first in range(0, len(replies), 2000):
            conn.execute(insert(OutboxRow), replies[first:first + 2000])
        conn.execute(insert(QuarantineRow), [
            {"sha256": hashlib.sha256(f"q{i}".encode()).hexdigest(), "path": f"quarantine/{i}.eml",
             "reason": "cannot be parsed", "origin": "bench", "origin_data": {}, "size": 100,
             "created_at": NOW, "resolved_at": None} for i in range(300)])
        held = conn.execute(text("SELECT min(id) FROM outbox WHERE state = 'held'")).scalar_one()
        quarantined = conn.execute(text("SELECT min(id) FROM quarantine")).scalar_one()
    for row in newest:  # what the rules preview reads: the newest mails' own files
        mail = (f"From: buyer{row.id % 97}@customer.example\r\nTo: orders@acme.example\r\n"
                f"Subject: {row.subject}\r\nMessage-ID: <file-{row.id}@x.example>\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\n" + row.text).encode()
        (store.archive.root / row.path).parent.mkdir(parents=True, exist_ok=True)
        (store.archive.root / row.path).write_bytes(mail)
    (store.archive.root / "quarantine").mkdir(parents=True, exist_ok=True)
    (store.archive.root / "quarantine" / "0.eml").write_bytes(b"From: <x@y.example>\r\n\r\n\xff\xfe")
    if store.engine.dialect.name == "postgresql":  # VACUUM as autovacuum would have by now (a desk's
        # server runs it; a test server may not): the rules page's count is an index-only scan,
        # which reads the table for every row of a page not yet marked all-visible
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return held, quarantined


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(config_file: Path) -> Iterator[str]:
    """`mailflow web` on a free port, until the block ends; its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config_file), "web",
                               "--port", str(port)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stderr=subprocess.DEVNULL)  # the preview logs what each mail would do
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to 30 s to start
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("mailflow web did not answer /healthz")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def logged_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=900)  # a preview of 500 mails takes minutes on a busy machine
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    done = client.post("/login", data={"username": "Bench", "password": PASSWORD, "csrf_token": csrf},
                       headers={"Origin": base})
    assert done.status_code in (200, 303), done.status_code
    return client


@contextmanager
def beside(work: Callable[[], None]) -> Iterator[list[int]]:
    """`work` run in a loop in a thread until the block ends; [times it finished, times it
    failed] (a failure is counted and the loop goes on: the load must last the measurement)."""
    stop, done = threading.Event(), [0, 0]

    def loop() -> None:
        while not stop.is_set():
            try:
                work()
                done[0] += 1
            except (httpx.HTTPError, OSError):
                done[1] += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield done
    finally:
        stop.set()
        thread.join()


def timed(client: httpx.Client, paths: list[str]) -> tuple[float, float, float]:
    times = []
    for path in paths:
        start = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, (path, answer.status_code)
    times.sort()
    return statistics.median(times) * 1e3, times[max(0, int(len(times) * 0.95) - 1)] * 1e3, times[-1] * 1e3


def measure(label: str, url: str, base: Path, messages: int, n: int) -> None:
    """Build the database at `url`, serve it, and print each page's figures beside each load."""
    rng = random.Random(3)
    start = time.perf_counter()
    store, _, orders = build(url, base / label / "archive", messages)
    export_bench(store, base / f"{label}.zip")  # adds EXPORT-200, an order of 200 messages
    held, quarantined = age(store, messages)
    print(f"{label}: database built in {time.perf_counter() - start:.0f} s")
    config_file = base / f"{label}.yaml"
    config_file.write_text(
        f"identity: {{company: Acme, address: orders@acme.example}}\nrules: {ROOT / 'rules'}\n"
        f"templates: {ROOT / 'templates'}\nextract: {{enabled: false}}\n"
        f"database: {{url: '{url}'}}\narchive: {{path: {base / label / 'archive'}}}\n"
        f"web: {{secret_key_file: {base / 'web.key'}}}\n", encoding="utf-8")
    auth.add_user(store.sessions, "Bench", "manager", PASSWORD)
    with store.engine.connect() as conn:
        export_id = conn.execute(text("SELECT id FROM orders WHERE number = 'EXPORT-200'")).scalar_one()
        message = conn.execute(text("SELECT max(id) FROM messages WHERE path LIKE 'bench/%'")).scalar_one()
    pages = {
        "/healthz (baseline)": ["/healthz"] * n,
        "/static/style.css (base)": ["/static/style.css"] * n,
        "/ (the plan)": ["/"] * n,
        "/orders": ["/orders"] * n,
        "/orders?page=5": ["/orders?page=5"] * n,
        "/orders?q=buyer 5": ["/orders?q=buyer+5"] * n,
        "/orders/EXPORT-200": ["/orders/EXPORT-200"] * n,
        "/orders/N (50 messages)": [f"/orders/{rng.choice(orders)}" for _ in range(n)],
        "/messages/N": [f"/messages/{message - rng.randrange(250)}" for _ in range(n)],
        "/search (English)": [f"/search?q={rng.choice(TRADE)}+{rng.choice(WORDS[100:400])}" for _ in range(n)],
        "/search (Chinese)": ["/search?q=" + "".join(rng.sample(HANZI, 2)) for _ in range(n)],
        "/search (order number)": [f"/search?q={rng.choice(orders)}" for _ in range(n)],
        "/outbox": ["/outbox"] * n,
        "/outbox?state=sent": ["/outbox?state=sent"] * n,
        "/outbox/N": [f"/outbox/{held}"] * n,
        "/quarantine": ["/quarantine"] * n,
        "/quarantine/N": [f"/quarantine/{quarantined}"] * n,
        "/rules": ["/rules"] * n,
    }
    with served(config_file) as server:
        client, other = logged_in(server), logged_in(server)
        for paths in pages.values():  # warm: the first request compiles each template
            client.get(paths[0])

        def preview() -> None:
            other.get("/rules?preview=1").raise_for_status()

        def export() -> None:
            export_order(store, export_id, base / f"{label}-beside.zip")

        for name, work in (("preview", preview), ("export", export)):
            with beside(work) as done:
                figures = {page: timed(client, paths) for page, paths in pages.items()}
            baseline = figures["/healthz (baseline)"][1]
            for page, (p50, p95, most) in figures.items():
                print(f"{label:11} {name:8} {page:26} {p50:8.1f} {p95:8.1f} {most:8.1f} {p95 / baseline:9.1f}")
            print(f"{label:11} {name:8} ({done[0]} {name}s finished beside, {done[1]} failed; one more was "
                  "under way at the end)", flush=True)
        client.close()
        other.close()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp), args.postgres) as found:
        print(f"{args.messages:,} messages, {args.requests} requests per page; p95/base: the page's p95 over "
              "/healthz's p95 in the same run")
        print(f"{'database':11} {'beside':8} {'page':26} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/base':>9}")
        for label, url in found:
            measure(label, url, Path(tmp), args.messages, args.requests)


if __name__ == "__main__":
    main()
