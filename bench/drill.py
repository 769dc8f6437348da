"""The several-daemons drill at size: three daemons on one PostgreSQL and one Dovecot, 1,000
messages over four folders, one daemon killed with SIGKILL ten times at random moments and
started again.

    .venv/bin/python bench/drill.py [--messages 1000] [--kills 10] [--daemons 3] [--lease 6]

Prints what was filed, quarantined, sent, received by the SMTP server (aiosmtpd on 127.0.0.1)
and how long each folder of a killed daemon took to be taken over, against the lease time.
PostgreSQL from MAILFLOW_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--daemons", type=int, default=3)
    parser.add_argument("--lease", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from aiosmtpd.controller import Controller
    from sqlalchemy import create_engine

    from tests.dovecot import Dovecot
    from tests.drill import config_text, drill, load
    from tests.smtpd import Handler, _free_port

    admin_url = os.environ.get("MAILFLOW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"mailflow_drill_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    server_root = Path(tempfile.mkdtemp(prefix="mailflow-drill-dovecot-"))
    server_root.chmod(0o711)
    dovecot = Dovecot(server_root, {"desk": "desk-pass"})
    dovecot.start()
    handler = Handler()
    port = _free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        with tempfile.TemporaryDirectory(prefix="mailflow-drill-") as work:
            workdir = Path(work)
            folders = [f"Drill{i}" for i in range(4)]
            with dovecot.client("desk") as client:
                for folder in folders:
                    client.create_folder(folder)
            load(dovecot, folders, args.messages)
            config = workdir / "mailflow.yaml"
            config.write_text(config_text(dovecot.port, folders, url, port, workdir / "archive",
                                          ROOT / "rules", ROOT / "templates", args.lease), encoding="utf-8")
            report = drill(workdir, config, url, lambda: [r.data for r in handler.received],
                           folders=folders, messages=args.messages, daemons=args.daemons,
                           kills=args.kills, lease_seconds=args.lease, seed=args.seed, deadline=1800)
    finally:
        smtp.stop()
        dovecot.stop()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    takeovers = report.takeover_seconds
    print(f"{args.daemons} daemons, {args.messages} messages in 4 folders, {report.kills} SIGKILLs, "
          f"{report.seconds:.1f} s in all ({args.messages / report.seconds:.0f} msg/s with the kills)")
    print(f"filed {report.filed} ({report.distinct} distinct Message-IDs), quarantined {report.quarantined}")
    print(f"replies {dict(report.replies)}; the SMTP server took {report.received}, "
          f"{report.received_twice} of them twice")
    if takeovers:
        print(f"folders taken over after a kill: {len(takeovers)}; p50 {statistics.median(takeovers):.2f} s, "
              f"max {max(takeovers):.2f} s; lease time {args.lease:.1f} s "
              f"(max/lease {max(takeovers) / args.lease:.2f})")
    print("problems: " + ("; ".join(report.problems) if report.problems else "none"))
    return 1 if report.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
