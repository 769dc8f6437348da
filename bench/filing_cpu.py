"""The daemon's own cost of filing a plain desk mail, in CPU time: what a shared machine's wall
clock cannot measure.

    .venv/bin/python bench/filing_cpu.py [--messages 600] [--rounds 3] [--against /work/main]

Prepares `--messages` mails of bench/imap_ingest.py's plain-text mix in process (no workers:
their cost is not the daemon's), then files them as the daemon does (`pipeline.handle` with
the mail read ahead, a batch committed every 50) into a fresh SQLite store with a local archive,
and prints the CPU time per mail, the SQL statements per mail and the wall time of the batches'
commits per mail (their syncs); then the CPU time per mail of what the daemon does after the run,
`write_order_json` of every order the mails touched. With `--against CHECKOUT`, the same for that checkout's code,
the two taking turns for `--rounds` rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(messages: int) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from imap_ingest import make_plain_message
    from sqlalchemy import event, select

    from mailflow.config import load_config
    from mailflow.desk import load_desk
    from mailflow.intake import Prepared, prepare
    from mailflow.model import Origin, RawMail
    from mailflow.pipeline import handle
    from mailflow.store import Store
    from mailflow.store.db import OrderRow
    from tests.conftest import write_desk

    base = Path(tempfile.mkdtemp(prefix="mailflow-filing-"))
    config = load_config(write_desk(base / "desk", f"sqlite:///{base / 'mailflow.db'}"))
    desk = load_desk(config)
    store = Store(config.database_url, config.archive_root)
    statements = [0]
    event.listen(store.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    raws = [RawMail(make_plain_message(i), Origin("imap", account="bench", folder="Plain", uidvalidity=1,
                                                  uid=i + 1)) for i in range(messages)]
    prepared = [prepare(raw.data, desk.intake.spec) for raw in raws]
    committing = 0.0
    started = time.process_time()
    with store.batch() as batch:
        for i, (raw, ready) in enumerate(zip(raws, prepared, strict=True)):
            ahead: Future[Prepared] = Future()
            ahead.set_result(ready)
            handle(raw, desk, store, ahead=ahead)
            if i % 50 == 49:
                wall = time.perf_counter()
                batch.commit()
                committing += time.perf_counter() - wall
    cpu = time.process_time() - started
    filing_statements = statements[0]
    with store.sessions() as session:
        touched = list(session.scalars(select(OrderRow.id).order_by(OrderRow.id)))
    started = time.process_time()
    store.write_order_json(*touched)
    summaries = time.process_time() - started
    desk.close()
    store.close()
    return {"cpu_ms": cpu / messages * 1e3, "statements": filing_statements / messages,
            "commit_ms": committing / messages * 1e3, "order_json_ms": summaries / messages * 1e3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", metavar="CHECKOUT", help="another checkout's code, taking turns with this one's")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.messages)))
        return
    codes = [str(ROOT)] + ([str(Path(args.against).resolve())] if args.against else [])
    runs: dict[str, list[dict[str, float]]] = {code: [] for code in codes}
    for _ in range(args.rounds):
        for code in codes:
            output = subprocess.run([sys.executable, __file__, "--child", "--messages", str(args.messages)],
                                    check=True, capture_output=True, text=True,
                                    env={**os.environ, "PYTHONPATH": code}).stdout
            runs[code].append(json.loads(output.strip().splitlines()[-1]))
    for code, found in runs.items():
        def mean(key: str, found: list[dict[str, float]] = found) -> float:
            return sum(run[key] for run in found) / len(found)
        print(f"{code}: {mean('cpu_ms'):.1f} ms of CPU a mail, {mean('statements'):.1f} statements, commits "
              f"{mean('commit_ms'):.2f} ms a mail (wall); per round: "
              + ", ".join(f"{run['cpu_ms']:.1f}" for run in found)
              + f"; then order.json {mean('order_json_ms'):.2f} ms of CPU a mail, per round: "
              + ", ".join(f"{run['order_json_ms']:.2f}" for run in found))


if __name__ == "__main__":
    main()
