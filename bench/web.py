"""The web desk at the size of a desk's history: N messages (default 100,000) in about N/50
orders, on SQLite and PostgreSQL, with an order of 200 messages; each page requested by a client
in the same process (Starlette's test client: the server's own time plus a small constant).

    .venv/bin/python bench/web.py [--messages N] [--requests 30] [--postgres URL]

Prints p50/p95 per page: /orders, the order page of the order with 200 messages, /search in
English and in Chinese, and /healthz as the baseline measured in the same run (the cost of a
request that touches no data), with each page's p50 as a multiple of it.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.databases import DEFAULT_POSTGRES, databases
from bench.search import HANZI, TRADE, WORDS, build, export_bench
from mailflow.config import load_config
from mailflow.web import auth
from mailflow.web.app import create_app

warnings.filterwarnings("ignore", category=DeprecationWarning)


def timed(client: object, paths: list[str]) -> tuple[float, float]:
    times = []
    for path in paths:
        start = time.perf_counter()
        answer = client.get(path)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, (path, answer.status_code)
    times.sort()
    return statistics.median(times) * 1e3, times[max(0, int(len(times) * 0.95) - 1)] * 1e3


def main() -> None:
    from starlette.testclient import TestClient

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp), args.postgres) as found:
        base = Path(tmp)
        print(f"{args.messages:,} messages, {args.requests} requests per page")
        print(f"{'database':11} {'page':28} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}")
        for label, url in found:
            store, _, orders = build(url, base / label / "archive", args.messages)
            export_bench(store, base / f"{label}.zip")  # adds EXPORT-200, an order of 200 messages
            config_file = base / f"{label}.yaml"
            config_file.write_text(f"identity: {{company: Acme, address: orders@acme.example}}\n"
                                   f"database: {{url: '{url}'}}\narchive: {{path: {base / label / 'archive'}}}\n"
                                   f"web: {{secret_key_file: {base / 'web.key'}}}\n", encoding="utf-8")
            config = load_config(config_file)
            auth.add_user(store.sessions, "Bench", "manager", "bench-password-1")
            client = TestClient(create_app(config, store))
            form = client.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            client.post("/login", data={"username": "Bench", "password": "bench-password-1", "csrf_token": csrf},
                        headers={"Origin": "http://testserver"})
            pages = {
                "/healthz (baseline)": ["/healthz"] * args.requests,
                "/orders": ["/orders"] * args.requests,
                "/orders/EXPORT-200": ["/orders/EXPORT-200"] * args.requests,
                "/search (English)": [f"/search?q={rng.choice(TRADE)}+{rng.choice(WORDS[100:400])}"
                                      for _ in range(args.requests)],
                "/search (Chinese)": ["/search?q=" + "".join(rng.sample(HANZI, 2)) for _ in range(args.requests)],
                "/search (order number)": [f"/search?q={rng.choice(orders)}" for _ in range(args.requests)],
            }
            for path in ("/orders", "/orders/EXPORT-200"):  # warm: the first request compiles templates
                client.get(path)
            figures = {name: timed(client, paths) for name, paths in pages.items()}
            baseline = figures["/healthz (baseline)"][0]
            for name, (p50, p95) in figures.items():
                print(f"{label:11} {name:28} {p50:8.1f} {p95:8.1f} {p50 / baseline:15.1f}")
            store.close()


if __name__ == "__main__":
    main()
