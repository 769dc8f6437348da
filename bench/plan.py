"""The daily plan and the hourly overdue job at the size of a busy desk: N orders (default
10,000) with a T/T plan's twelve milestones each, payments, and mail in and out, on SQLite and
PostgreSQL, measured in the same run.

    .venv/bin/python bench/plan.py [--orders N] [--runs 20] [--postgres URL]

Prints, per database: p50/p95 of `mailflow plan` (everyone's, and one merchandiser's), of
marking overdue (the hourly job's statement, with the milestones set back to open before each
run, untimed), of `mailflow summary` of one day (everyone's), and of a baseline measured in the same run: reading every open milestone row
once (`SELECT` with no filter), to which the plan is compared. Rows are written straight into
the tables; the plan and the overdue job are mailflow's own.
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

from sqlalchemy import insert, select, text, update

from bench.databases import DEFAULT_POSTGRES, databases
from mailflow.config import load_config
from mailflow.follow import Follower
from mailflow.follow.desk import daily_plan
from mailflow.follow.plans import load_plans
from mailflow.follow.summary import day_summary
from mailflow.store import Store
from mailflow.store.db import MessageRow, MilestoneRow, OrderRow, PaymentRow

TODAY = dt.date(2026, 6, 15)
SUMMED_UP = TODAY - dt.timedelta(days=10)  # a day with mail filed and milestones done
BATCH = 2000
STATUSES = ("confirmed", "in production", "ready", "shipped", "paid", "closed")


def instalments(outstanding: str, opened: dt.date) -> list[dict[str, object]]:
    """The deposit and balance as following keeps them on the order, for what is outstanding."""
    deposit_paid = outstanding != "20000.00"
    balance_paid = outstanding == "0.00"
    return [{"key": "deposit", "name": "deposit", "amount": "6000.00", "paid": "6000.00" if deposit_paid else "0",
             "charges": "", "short": "0" if deposit_paid else "6000.00", "settled": deposit_paid, "written_off": "0.00",
             "settled_on": None, "due": (opened + dt.timedelta(days=9)).isoformat()},
            {"key": "balance", "name": "balance", "amount": "14000.00", "paid": "14000.00" if balance_paid else "0",
             "charges": "", "short": "0" if balance_paid else "14000.00", "settled": balance_paid,
             "written_off": "0.00", "settled_on": None, "due": (opened + dt.timedelta(days=60)).isoformat()}]

def build(url: str, archive: Path, n: int, seed: int = 11) -> Store:
    plans = load_plans(ROOT / "rules" / "followup")
    tt = next(p for p in plans if p.name == "tt-order")
    store = Store(url, archive, follower=Follower(plans))
    rng = random.Random(seed)
    for first in range(0, n, BATCH):
        orders, milestones, payments, messages = [], [], [], []
        for i in range(first, min(n, first + BATCH)):
            number = f"KS-{i:06d}"
            opened = TODAY - dt.timedelta(days=rng.randint(0, 120))
            status = rng.choice(STATUSES)
            outstanding = rng.choice(("14000.00", "0.00", "20000.00"))
            orders.append({"id": i + 1, "number": number, "folder": number, "buyer": f"Buyer {i % 211}",
                           "status": status, "data": {"payment_terms": "30% T/T deposit, 70% against B/L copy"},
                           "plan": "tt-order", "currency": "USD", "total_due": "20000.00",
                           "outstanding": outstanding, "instalments": instalments(outstanding, opened),
                           "next_milestone": "deposit", "next_due": opened + dt.timedelta(days=9)})
            done_until = rng.randint(0, len(tt.milestones))
            for position, m in enumerate(tt.milestones):
                due = opened + dt.timedelta(days=2 + 6 * position)
                done = position < done_until
                milestones.append({"order_id": i + 1, "key": m.key, "plan": "tt-order", "name": m.name(),
                                   "owner": m.owner, "position": position,
                                   "state": "done" if done else "open", "due": due, "due_why": "bench",
                                   "waiting_for": [], "done_at": dt.datetime.combine(due, dt.time(9), dt.UTC)
                                   if done else None, "how": "evidence" if done else "", "done_by": "",
                                   "note": "", "chases": 0})
            for k in range(rng.randint(0, 2)):
                payments.append({"order_id": i + 1, "amount": "3000.00", "currency": "USD",
                                 "value_date": opened + dt.timedelta(days=5 + k), "reference": f"FT{i}{k}",
                                 "recorded_by": "", "note": ""})
            for k, direction in enumerate(("in", "out", rng.choice(("in", "out")))):
                j = i * 3 + k
                messages.append({
                    "sha256": hashlib.sha256(f"{j}".encode()).hexdigest(), "message_id": f"plan-{j}@x.example",
                    "direction": direction, "subject": f"PO {number}", "from_addr": f"bob{i % 211}@buyer.example",
                    "from_name": "", "to_addrs": [], "cc_addrs": [],
                    "date": dt.datetime.combine(opened + dt.timedelta(days=k * 3), dt.time(9), dt.UTC),
                    "received_at": dt.datetime.combine(opened + dt.timedelta(days=k * 3), dt.time(9), dt.UTC),
                    "in_reply_to": "", "references": [], "category": "order", "rule": "bench", "decision": {},
                    "buyer": f"Buyer {i % 211}", "order_id": i + 1, "correlation": "", "path": f"b/{j}.eml",
                    "size": 1000, "origin": "bench", "text": "", "warnings": [], "auth_results": {}})
        with store.engine.begin() as conn:
            conn.execute(insert(OrderRow), orders)
            conn.execute(insert(MilestoneRow), milestones)
            if payments:
                conn.execute(insert(PaymentRow), payments)
            conn.execute(insert(MessageRow), messages)
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return store


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times) * 1e3, times[max(0, int(len(times) * 0.95) - 1)] * 1e3


def measure(store: Store, config: object, runs: int) -> tuple[dict[str, tuple[float, float]], int]:
    marked = 0
    figures: dict[str, list[float]] = {"baseline": [], "plan": [], "plan (one merchandiser)": [], "overdue": [],
                                       "summary (one day)": []}
    for _ in range(runs):
        start = time.perf_counter()
        with store.sessions() as session:
            rows = session.execute(select(MilestoneRow.id, MilestoneRow.due, MilestoneRow.state)
                                   .where(MilestoneRow.state != "done")).all()
        figures["baseline"].append(time.perf_counter() - start)
        assert rows
        start = time.perf_counter()
        plan = daily_plan(store, config, TODAY)  # type: ignore[arg-type]
        figures["plan"].append(time.perf_counter() - start)
        assert plan["overdue"] and plan["due_soon"]
        start = time.perf_counter()
        daily_plan(store, config, TODAY, "Lily Chen")  # type: ignore[arg-type]
        figures["plan (one merchandiser)"].append(time.perf_counter() - start)
        with store.engine.begin() as conn:  # untimed: the job finds work on every run
            conn.execute(update(MilestoneRow).where(MilestoneRow.state == "overdue")
                         .values(state="open", overdue_since=None))
        start = time.perf_counter()
        marked = store.mark_overdue(TODAY)
        figures["overdue"].append(time.perf_counter() - start)
        assert marked > 0
        start = time.perf_counter()
        summary = day_summary(store, config, SUMMED_UP, dt.UTC)  # type: ignore[arg-type]
        figures["summary (one day)"].append(time.perf_counter() - start)
        assert summary["received"]["count"] and summary["completed"]
    return {k: percentiles(v) for k, v in figures.items()}, marked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp), args.postgres) as found:
        base = Path(tmp)
        config_file = base / "mailflow.yaml"
        config_file.write_text(
            "identity: {company: Acme, address: orders@acme.example}\n"
            "users: [{name: Lily Chen, role: merchandiser}, {name: Wang Fang, role: manager}]\n"
            "buyers: [{name: Buyer 7, domains: [buyer.example], merchandiser: Lily Chen}]\n", encoding="utf-8")
        config = load_config(config_file)
        print(f"{args.orders:,} orders, 12 milestones each, {args.runs} runs; today {TODAY}")
        print(f"{'database':11} {'what':26} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}")
        for label, url in found:
            start = time.perf_counter()
            store = build(url, base / label / "archive", args.orders)
            print(f"{label:11} {'(built in)':26} {(time.perf_counter() - start) * 1e3:8.0f}")
            figures, marked = measure(store, config, args.runs)
            base_p50 = figures["baseline"][0]
            for what, (p50, p95) in figures.items():
                print(f"{label:11} {what:26} {p50:8.1f} {p95:8.1f} {p50 / base_p50:15.1f}"
                      + (f"  ({marked:,} milestones at once)" if what == "overdue" else ""))
            store.close()


if __name__ == "__main__":
    main()
