"""The daemon's own window for an operator: Prometheus metrics and health, on `metrics.host:port`
(loopback by default; off unless a port is set).

- `/metrics`: `mailflow_messages_total{category,outcome}`, `mailflow_stage_seconds{stage}`,
  per watched folder its last sync, lag and whether it is in IDLE, the outbox by state, the
  quarantine, the overdue milestones, the failures of the daemon's periodic jobs.
- `/healthz` (the process answers), `/readyz` (the database answers and is at the current schema),
  `/health`: `{"healthy": …, "issues": [...]}` naming each problem in words.

Counters are kept as mail is handled; the rest is read when scraped, so a scrape always shows the
database as it is.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger("mailflow.metrics")

STAGES = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self, store: Any, stall_minutes: int, watchers: Sequence[Any] = (),
                 jobs: Sequence[Any] = ()) -> None:
        self.store, self.stall_minutes = store, stall_minutes
        self.watchers, self.jobs = list(watchers), list(jobs)
        self.registry = CollectorRegistry()
        self.messages = Counter("mailflow_messages", "Mail handled, by category and outcome",
                                ["category", "outcome"], registry=self.registry)
        self.stages = Histogram("mailflow_stage_seconds", "Time spent per stage of one mail", ["stage"],
                                buckets=STAGES, registry=self.registry)
        self.extract = Histogram("mailflow_extract_seconds", "Reading one mail's order documents (PDF, sheets)",
                                 buckets=STAGES, registry=self.registry)
        self.extract_failures = Counter("mailflow_extract_failures", "Order documents that could not be read",
                                        ["reason"], registry=self.registry)
        self.registry.register(_Scraped(self))

    def handled(self, handled: Any, seconds: float) -> None:
        outcome = handled.outcome
        category = outcome.decision.category if outcome is not None else ""
        self.messages.labels(category, handled.status).inc()
        self.stages.labels("handle").observe(seconds)
        for stage, spent in (handled.seconds or {}).items():
            if stage == "extract":
                self.extract.observe(spent)
            else:
                self.stages.labels(stage).observe(spent)
        for error in outcome.order_data.errors if outcome is not None else ():
            self.extract_failures.labels(failure_reason(error)).inc()

    # --- health ----------------------------------------------------------------------------

    def ready(self) -> tuple[bool, str]:
        from mailflow.store import migrations

        try:
            current = migrations.current(self.store.engine)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the database is "not ready"
            return False, f"database not reachable: {type(exc).__name__}: {exc}"
        if current != migrations.head():
            return False, f"database at schema {current}, mailflow needs {migrations.head()}"
        return True, "ready"

    def health(self) -> dict[str, Any]:
        """Every problem an operator should look at, in words."""
        issues: list[str] = []
        ready, why = self.ready()
        if not ready:
            return {"healthy": False, "issues": [why]}
        now = time.monotonic()
        for watcher in self.watchers:
            since = watcher.last_sync or watcher.started
            if not watcher.waiting and since and now - since > self.stall_minutes * 60:
                issues.append(f"{watcher.describe()} has not synced for {(now - since) / 60:.0f} minutes")
        for health in self.store.ledger.health():
            if health.last_error and (health.last_sync_at is None or (
                    health.last_error_at is not None and health.last_error_at > health.last_sync_at)):
                issues.append(f"{health.source}: {health.last_error}")
        counts = self.store.counts()
        for state in ("uncertain", "failed"):
            if counts["outbox"].get(state):
                issues.append(f"{counts['outbox'][state]} replies {state}: see `mailflow outbox list --state {state}`")
        recent = self.store.quarantined_since(3600)
        if recent:
            issues.append(f"{recent} mails quarantined in the last hour: see `mailflow quarantine list`")
        for job in self.jobs:
            if job.failures >= 3:
                issues.append(f"{job.name} failed {job.failures} times in a row")
        return {"healthy": not issues, "issues": issues}


_REASONS = (("budget", ("cpu", "time", "budget", "took longer")), ("too large", ("too large", "pages", "size")),
            ("encrypted", ("encrypt", "password")), ("damaged", ("damaged", "not a pdf", "broken", "invalid")),
            ("reader", ("reader failed",)))


def failure_reason(error: str) -> str:
    """A document's error (`name: what went wrong`) as a few words a dashboard can group by."""
    text = error.partition(": ")[2].lower() or error.lower()
    return next((reason for reason, words in _REASONS if any(w in text for w in words)), "other")


class _Scraped(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        metrics = self.metrics
        synced = GaugeMetricFamily("mailflow_imap_last_sync_timestamp_seconds", "Last successful sync",
                                   labels=["account", "folder"])
        lag = GaugeMetricFamily("mailflow_imap_lag_messages", "Messages on the server not yet processed",
                                labels=["account", "folder"])
        idle = GaugeMetricFamily("mailflow_imap_idle_connected", "1 while the folder waits in IDLE",
                                 labels=["account", "folder"])
        for health in metrics.store.ledger.health():
            account, _, folder = health.source.removeprefix("imap://").rpartition("/")
            if health.last_sync_at is not None:
                synced.add_metric([account, folder], health.last_sync_at.timestamp())
            lag.add_metric([account, folder], float(health.lag))
        for watcher in metrics.watchers:
            idle.add_metric([watcher.account.label, watcher.folder], 1.0 if watcher.using_idle else 0.0)
        yield synced
        yield lag
        yield idle
        counts = metrics.store.counts()
        outbox = GaugeMetricFamily("mailflow_outbox", "Replies in the outbox by state", labels=["state"])
        for state, number in sorted(counts["outbox"].items()):
            outbox.add_metric([state], float(number))
        yield outbox
        yield GaugeMetricFamily("mailflow_quarantine_total", "Mail in quarantine, not resolved",
                                value=float(counts["quarantined"]))
        yield GaugeMetricFamily("mailflow_overdue_milestones", "Milestones past their day",
                                value=float(metrics.store.overdue_count()))
        failures = GaugeMetricFamily("mailflow_job_failures", "Failures of the daemon's periodic jobs",
                                     labels=["job"])
        for job in metrics.jobs:
            failures.add_metric([job.name], float(job.total_failures))
        yield failures


def serve(metrics: Metrics, host: str, port: int) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """The metrics and health endpoints in a thread of their own."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            routes: dict[str, Callable[[], tuple[int, str, bytes]]] = {
                "/metrics": lambda: (200, "text/plain; version=0.0.4", generate_latest(metrics.registry)),
                "/healthz": lambda: (200, "text/plain", b"ok"),
                "/readyz": _ready,
                "/health": _health,
            }
            route = routes.get(self.path.split("?", 1)[0])
            try:
                status, kind, body = route() if route else (404, "text/plain", b"not found")
            except Exception as exc:  # noqa: BLE001 - a scrape that fails says so, and the daemon goes on
                log.warning("metrics: %s failed: %s", self.path, exc)
                status, kind, body = 503, "text/plain", f"{type(exc).__name__}: {exc}".encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    def _ready() -> tuple[int, str, bytes]:
        ok, why = metrics.ready()
        return (200 if ok else 503), "text/plain", why.encode()

    def _health() -> tuple[int, str, bytes]:
        report = metrics.health()
        return (200 if report["healthy"] else 503), "application/json", json.dumps(report).encode()

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="metrics", daemon=True)
    thread.start()
    return server, thread
