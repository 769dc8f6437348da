"""How fast `mailflow run --once` files a mailbox, against a baseline measured in the same run.

    .venv/bin/python bench/run_once.py [--messages N]

The mailbox is the example inbox repeated with unique Message-IDs (so nothing is a duplicate).
Baseline: the least any filer must do per message: parse it with the standard library and write
its bytes to a file. The ratio says what classification, correlation, reply rendering, the
index and the atomic archive cost on top. A second pass over the same mailbox measures the
"already filed" path a restart takes.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import re
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from mailflow.config import load_config
from mailflow.daemon import run_once
from mailflow.desk import load_desk
from mailflow.logs import setup_logging
from mailflow.sources.local import EmlFolder
from mailflow.store import Store


def make_mailbox(folder: Path, count: int) -> int:
    originals = [p.read_bytes() for p in sorted((ROOT / "examples" / "inbox").glob("*.eml"))]
    folder.mkdir(parents=True)
    total = 0
    for i in range(count):
        data = originals[i % len(originals)]
        data = re.sub(rb"(?im)^(Message-ID:\s*<)", b"\\g<1>bench" + str(i).encode() + b".", data, count=1)
        if not data.lower().startswith(b"message-id") and b"bench" + str(i).encode() not in data:
            data = f"X-Bench: {i}\r\n".encode() + data
        (folder / f"{i:06d}.eml").write_bytes(data)
        total += len(data)
    return total


def baseline(folder: Path, out: Path) -> float:
    out.mkdir()
    start = time.perf_counter()
    for file in sorted(folder.glob("*.eml")):
        data = file.read_bytes()
        email.message_from_bytes(data, policy=email.policy.default)
        (out / (hashlib.sha256(data).hexdigest()[:16] + ".eml")).write_bytes(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    setup_logging()
    import logging
    logging.getLogger("mailflow").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        size = make_mailbox(base / "inbox", args.messages)
        (base / "mailflow.yaml").write_text(
            "identity: {company: Acme, address: orders@acme.example}\n"
            f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n", encoding="utf-8")
        config = load_config(base / "mailflow.yaml")
        desk = load_desk(config)
        base_seconds = baseline(base / "inbox", base / "baseline")
        store = Store(config.database_url, config.archive_root)
        source = [EmlFolder(base / "inbox")]
        start = time.perf_counter()
        summary = run_once(desk, store, source)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = run_once(desk, store, source)
        second = time.perf_counter() - start
        desk.close()
        store.close()
    n = args.messages
    print(f"mailbox: {n} messages, {size / 1e6:.1f} MB (example inbox repeated), SQLite, this machine")
    print(f"baseline (stdlib parse + write file): {n / base_seconds:9.0f} msg/s  {base_seconds * 1e3 / n:7.2f} ms/msg")
    print(f"mailflow run --once, first pass:       {n / first:9.0f} msg/s  {first * 1e3 / n:7.2f} ms/msg"
          f"  ratio {first / base_seconds:5.1f}x baseline")
    print(f"mailflow run --once, already filed:    {n / second:9.0f} msg/s  {second * 1e3 / n:7.2f} ms/msg"
          f"  ratio {second / base_seconds:5.1f}x baseline")
    print(f"first pass: {summary.read} read, {summary.quarantined} quarantined, "
          f"{summary.filed_under_order} under orders; second pass: {again.duplicates} skipped as already filed")


if __name__ == "__main__":
    main()
