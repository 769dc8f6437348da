"""Search and export at size: a synthetic archive of N messages (default 100,000) on SQLite and
PostgreSQL, measured in the same run.

    .venv/bin/python bench/search.py [--messages N] [--queries 50] [--postgres URL]

Prints, per database: the time to build the index, p50/p95 of four query kinds (a two-word
query, an order number, a two-character Chinese word, which takes the bigram path, and two
words typed in part, which take the second, word-beginnings pass) and the size on disk (SQLite:
the whole file; PostgreSQL: the search tables with their indexes); then the time to export an order of 200 messages (`mailflow order export`) and to
verify the bundle; last, how long filing one mail through the pipeline takes in the full
database against the same database empty (the lookups a mail makes must not grow with it). Messages are written straight into the tables (the pipeline's own speed is
bench/run_once.py's and bench/imap_ingest.py's subject); the search is mailflow's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text

from bench.databases import DEFAULT_POSTGRES, databases
from mailflow.store import Store, search
from mailflow.store.db import MessageRow, OrderAlias, OrderRow, SearchBigram, SearchDoc
from mailflow.store.export import export_order, verify

TRADE = [
    "spunlace", "nonwoven", "wipes", "price", "delivery", "carton", "roll", "gsm", "quality",
    "shipment", "sample", "width", "viscose", "polyester", "meter", "weight", "invoice", "payment",
    "deposit", "balance", "container", "booking", "vessel", "marking", "label", "pallet", "inspection",
    "complaint", "claim", "airlaid", "meltblown", "embossed", "plain",
]
# a vocabulary as mail has one: a few words in every message, most in few (Zipf's law)
WORDS = TRADE + [f"{a}{b}{c}" for a in ("ka", "mo", "ri", "te", "su", "no", "la", "pe", "do", "vi")
                 for b in ("ren", "tal", "bos", "quin", "dor", "fex", "gam", "lup", "mir", "sot")
                 for c in ("a", "e", "i", "o", "u", "an", "en", "is", "or", "us")]
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
HANZI = "水刺无纺布价格交货纸箱卷克重质量出货样品宽度粘胶涤纶米重量发票付款定金余款集装箱订舱船唛头标签托盘验货投诉索赔"
BATCH = 2000


def body(rng: random.Random, chinese: bool) -> str:
    words = " ".join(rng.choices(WORDS, WEIGHTS, k=120))
    if not chinese:
        return words
    return words + "\n" + "".join(rng.choice(HANZI) for _ in range(80))


def build(url: str, archive: Path, n: int, seed: int = 7) -> tuple[Store, float, list[str]]:
    store = Store(url, archive)
    rng = random.Random(seed)
    start = time.perf_counter()
    with store.engine.begin() as conn:
        orders = [f"45{i:05d}" for i in range(n // 50 + 1)]
        conn.execute(insert(OrderRow), [{"number": o, "folder": o, "buyer": f"Buyer {i % 97}",
                                         "status": "open", "data": {}} for i, o in enumerate(orders)])
        ids = dict(conn.execute(text("SELECT number, id FROM orders")).all())
        conn.execute(insert(OrderAlias), [{"order_id": ids[o], "key": o, "number": o,
                                           "buyer": f"Buyer {i % 97}"} for i, o in enumerate(orders)])
    sqlite = store.engine.dialect.name == "sqlite"
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with store.engine.connect() as conn:  # after the mail filed before the build (`filing`)
        offset = conn.execute(text("SELECT coalesce(max(id), 0) FROM messages")).scalar_one()
    for first in range(0, n, BATCH):
        messages, docs, pairs = [], [], []
        for i in range(first, min(n, first + BATCH)):
            order = orders[i // 50]
            subject = f"PO {order} " + " ".join(rng.choice(WORDS) for _ in range(4))
            text_ = body(rng, chinese=i % 10 < 3)
            messages.append({
                "id": offset + i + 1, "sha256": hashlib.sha256(f"{i}".encode()).hexdigest(),
                "message_id": f"bench-{i}@x.example", "direction": "in" if i % 5 else "out",
                "subject": subject, "from_addr": f"buyer{i % 97}@customer{i % 13}.example",
                "from_name": "", "to_addrs": ["orders@acme.example"], "cc_addrs": [],
                "date": when + dt.timedelta(minutes=i), "in_reply_to": "", "references": [],
                "category": "order", "rule": "bench", "decision": {}, "buyer": f"Buyer {(i // 50) % 97}",
                "order_id": ids[order], "correlation": "", "path": f"bench/{i}.eml", "size": 4000,
                "origin": "bench", "text": text_, "warnings": [], "auth_results": {}})
            doc = search.document(subject, text_, [messages[-1]["from_addr"]], [], [], [order],
                                  messages[-1]["buyer"])
            docs.append({"message_row_id": offset + i + 1, "body": doc})
            pairs += [{"message_row_id": offset + i + 1, "c1": a, "c2": b} for a, b in search.bigrams(doc)]
        with store.engine.begin() as conn:
            conn.execute(insert(MessageRow), messages)
            conn.execute(insert(SearchDoc), docs)
            if sqlite:
                for table in search.FTS_TABLES:  # mailflow's own tables; the values are bound
                    conn.execute(text(f"INSERT INTO {table} (rowid, body) VALUES (:message_row_id, :body)"),  # noqa: S608
                                 docs)
            if pairs:
                conn.execute(insert(SearchBigram), pairs)
    if not sqlite:
        with store.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            # ids were given: the sequence goes on after them, for rows added later
            conn.execute(text("SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT max(id) FROM messages))"))
            conn.execute(text("ANALYZE"))
    return store, time.perf_counter() - start, orders


def filing(url: str, base: Path, first: int, count: int) -> float:
    """p50 ms to file one mail (bench/imap_ingest.py's plain mail: an inquiry, a quality
    question, Chinese, …) through the pipeline into the database at `url`, as it stands."""
    from bench.imap_ingest import make_message
    from mailflow.config import load_config
    from mailflow.desk import load_desk
    from mailflow.model import Origin, RawMail
    from mailflow.pipeline import handle

    base.mkdir(parents=True, exist_ok=True)
    (base / "mailflow.yaml").write_text(
        "identity: {company: Acme, address: orders@acme.example}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\nextract: {{enabled: false}}\n"
        f'database: {{url: "{url}"}}\narchive: {{path: {base / "archive"}}}\n', encoding="utf-8")
    config = load_config(base / "mailflow.yaml")
    desk, store = load_desk(config), Store(config.database_url, config.archive_root)
    times = []
    try:
        for i in range(first, first + count):
            raw = RawMail(make_message(i, None), Origin("file", path=f"{i}.eml"))
            start = time.perf_counter()
            assert handle(raw, desk, store).status == "filed"
            times.append(time.perf_counter() - start)
    finally:
        desk.close()
        store.close()
    return statistics.median(times) * 1e3


def timed(store: Store, queries: list[str]) -> tuple[float, float, int]:
    times, found = [], 0
    with store.sessions() as session:
        for q in queries:
            start = time.perf_counter()
            found += len(search.search(session, q))
            times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1e3, times[int(len(times) * 0.95) - 1] * 1e3, found


def size_mb(store: Store, url: str) -> float:
    if store.engine.dialect.name == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    with store.engine.connect() as conn:
        return float(conn.execute(text(
            "SELECT pg_total_relation_size('search_docs') + pg_total_relation_size('search_bigrams')"
        )).scalar_one()) / 1e6


def export_bench(store: Store, out: Path) -> tuple[float, float]:
    """An order of 200 messages with their files in the archive."""
    with store.engine.begin() as conn:
        conn.execute(insert(OrderRow).values(number="EXPORT-200", folder="EXPORT-200", buyer="Bench",
                                             status="open", data={}))
        order_id = conn.execute(text("SELECT id FROM orders WHERE number = 'EXPORT-200'")).scalar_one()
        rows = []
        for i in range(200):
            data = (f"From: a@x.example\r\nSubject: message {i}\r\nMessage-ID: <e{i}@x.example>\r\n\r\n"
                    + "spunlace " * 500).encode()
            rel = f"orders/EXPORT-200/mail/{i:03d}_in.eml"
            (store.archive.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (store.archive.root / rel).write_bytes(data)
            rows.append({"sha256": hashlib.sha256(data).hexdigest(), "message_id": f"e{i}@x.example",
                         "direction": "in", "subject": f"message {i}", "from_addr": "a@x.example",
                         "from_name": "", "to_addrs": [], "cc_addrs": [], "references": [],
                         "date": dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i),
                         "in_reply_to": "", "category": "order", "rule": "bench", "decision": {},
                         "buyer": "Bench", "order_id": order_id, "correlation": "", "path": rel,
                         "size": len(data), "origin": "bench", "text": "", "warnings": [],
                         "auth_results": {}})
        conn.execute(insert(MessageRow), rows)
    start = time.perf_counter()
    export_order(store, order_id, out)
    exported = time.perf_counter() - start
    start = time.perf_counter()
    assert verify(out).ok
    return exported, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--filed", type=int, default=100, help="mails filed before and after the build")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp), args.postgres) as found:
        base = Path(tmp)
        print(f"{args.messages:,} messages (30% with Chinese text), {args.queries} queries of each kind")
        print(f"{'database':11} {'build s':>8} {'two words p50/p95 ms':>21} {'order no. p50/p95':>18} "
              f"{'2-char zh p50/p95':>18} {'beginnings p50/p95':>19} {'index MB':>9}")
        filed: dict[str, tuple[float, float]] = {}
        for label, url in found:
            empty = filing(url, base / label / "empty", 9_000_000, args.filed)
            store, seconds, orders = build(url, base / label / "archive", args.messages)
            # two words a merchandiser would type: one common trade word, one rarer word
            two_words = [f"{rng.choice(TRADE)} {rng.choice(WORDS[100:400])}" for _ in range(args.queries)]
            numbers = [rng.choice(orders) for _ in range(args.queries)]
            hanzi = ["".join(rng.sample(HANZI, 2)) for _ in range(args.queries)]
            # the same kind of two words, typed in part: "spun kabo" for "spunlace kaboa"
            beginnings = [" ".join(w[:4] for w in q.split()) for q in two_words]
            figures = [timed(store, qs) for qs in (two_words, numbers, hanzi, beginnings)]
            print(f"{label:11} {seconds:8.1f} " + " ".join(
                f"{p50:9.1f}/{p95:<8.1f}" for p50, p95, _ in figures) + f" {size_mb(store, url):9.0f}")
            if label == "SQLite":
                exported, verified = export_bench(store, base / "bundle.zip")
                print(f"export of an order with 200 messages: {exported:.2f} s; verify {verified:.2f} s")
            store.close()
            filed[label] = empty, filing(url, base / label / "full", 9_100_000, args.filed)
        for label, (empty, full) in filed.items():
            print(f"{label}: filing a mail (p50 of {args.filed}) into the empty database {empty:.1f} ms, "
                  f"into {args.messages:,} messages {full:.1f} ms ({full / empty:.2f}x)")


if __name__ == "__main__":
    main()
