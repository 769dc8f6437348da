"""mailflow under systemd, with the test playing systemd's side of $NOTIFY_SOCKET: the daemon
says READY only once its IMAP folder (Dovecot) has synced, feeds the watchdog while its watcher
is alive, says STOPPING on SIGTERM; and `mailflow service unit` prints units for this install."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from tests.dovecot import Dovecot
from tests.integration.test_imap import filed_ids, orders_folder_cleanup, write_config  # noqa: F401
from tests.mails import mail

pytestmark = pytest.mark.integration


def receive(sock: socket.socket, wanted: str, deadline: float) -> list[str]:
    """Datagrams until one holds `wanted` (what systemd would read)."""
    seen: list[str] = []
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            seen.append(sock.recv(4096).decode())
        except TimeoutError:
            break
        if wanted in seen[-1]:
            return seen
    raise AssertionError(f"no {wanted} from the daemon; it said {seen}")


def test_ready_after_the_first_sync_then_the_watchdog_then_stopping(
        tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    for i in range(3):
        dovecot.append("desk", imap_folder, mail(f"Inquiry {i}", "Please quote.", message_id=f"sd-{i}@northwind.example"))
    config = write_config(tmp_path, dovecot, imap_folder)
    path = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(path)
        env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "3000000"}
        process = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            said = receive(systemd, "READY=1", time.monotonic() + 60)
            # READY came after the sync: every message of the folder is filed already
            assert sorted(filed_ids(config)) == [f"sd-{i}@northwind.example" for i in range(3)]
            assert not any("WATCHDOG=1" in s for s in said)  # not fed before it is ready
            receive(systemd, "WATCHDOG=1", time.monotonic() + 30)
            receive(systemd, "WATCHDOG=1", time.monotonic() + 30)  # and again, while the watcher lives
            process.send_signal(signal.SIGTERM)
            receive(systemd, "STOPPING=1", time.monotonic() + 30)
            _, err = process.communicate(timeout=30)
            assert process.returncode == 0, err
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)


def test_the_units_name_this_installation(tmp_path: Path) -> None:
    config = tmp_path / "mailflow.yaml"
    config.write_text("identity: {company: Acme, address: orders@acme.example}\n", encoding="utf-8")
    daemon = CliRunner().invoke(main, ["--config", str(config), "service", "unit"])
    assert daemon.exit_code == 0, daemon.output
    text = daemon.stdout
    assert f"ExecStart={sys.executable} -m mailflow --config {config.resolve()} run" in text
    for line in ("Type=notify", "WatchdogSec=", "Restart=on-failure", "TimeoutStopSec=", "NoNewPrivileges=yes",
                 "ProtectSystem=strict", "PrivateTmp=yes", "StateDirectory=mailflow", "User=mailflow"):
        assert line in text, line
    web = CliRunner().invoke(main, ["--config", str(config), "service", "unit", "--web", "--user", "desk"])
    assert "Type=simple" in web.stdout and web.stdout.rstrip().endswith("WantedBy=multi-user.target")
    assert f"--config {config.resolve()} web" in web.stdout and "User=desk" in web.stdout


def test_a_watcher_that_shows_no_sign_of_life_starves_the_watchdog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import dataclass

    from mailflow.service import Heart

    @dataclass
    class Watcher:
        name: str
        beat: float
        last_sync: float = 1.0
        waiting: bool = False
        started: float = 0.0

        def describe(self) -> str:
            return self.name

    path = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(path)
        monkeypatch.setenv("NOTIFY_SOCKET", path)
        monkeypatch.setenv("WATCHDOG_USEC", "2000000")
        alive, hung = Watcher("INBOX", time.monotonic()), Watcher("Orders", time.monotonic())
        heart = Heart([alive, hung])
        heart.tick()
        assert receive(systemd, "WATCHDOG=1", time.monotonic() + 5)[0].startswith("READY=1")
        hung.beat -= 60  # its thread has been stuck for a minute
        heart.tick()
        said = receive(systemd, "STATUS=", time.monotonic() + 5)
        assert said[-1] == "STATUS=no sign of life from Orders"
        systemd.settimeout(0.2)
        with pytest.raises(TimeoutError):
            systemd.recv(4096)  # and no WATCHDOG=1 with it


def test_json_logs_carry_the_mail_s_fields_and_no_secret(tmp_path: Path) -> None:
    import json

    from tests.conftest import write_desk

    config = write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'mailflow.db'}")
    config.write_text(config.read_text(encoding="utf-8") + "logging: {format: json}\n"
                      "smtp: {host: 127.0.0.1, port: 2525, password: hunter2-secret}\n", encoding="utf-8")
    (config.parent / "inbox" / "1.eml").write_bytes(mail("PO 4500871", "Please find our PO 4500871.",
                                                         message_id="hunter2-secret-1@northwind.example"))
    (config.parent / "inbox" / "2.eml").write_bytes(b"\x00" * 10)  # quarantined
    result = subprocess.run([sys.executable, "-m", "mailflow", "--config", str(config), "run", "--once"],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert lines and all({"at", "level", "logger", "message"} <= set(entry) for entry in lines)
    filed = next(e for e in lines if e.get("outcome") == "filed")
    assert filed["order"] == "4500871" and filed["message_id"] == "***-1@northwind.example"
    assert filed["origin"].endswith("1.eml") and filed["category"] == "order"
    assert any(e.get("outcome") == "quarantined" and e.get("reason") for e in lines)
    assert "hunter2-secret" not in result.stderr


@pytest.mark.usefixtures("orders_folder_cleanup")  # the shipped rules move order mail to Orders
def test_metrics_and_health_from_the_running_daemon(tmp_path: Path, dovecot: Dovecot, imap_folder: str) -> None:
    import json
    import urllib.error
    import urllib.request

    from tests.mails import wait_for
    from tests.webdesk import free_port

    dovecot.append("desk", imap_folder, mail("PO 4500871", "Please find our PO 4500871.", message_id="m-1@northwind.example"))
    dovecot.append("desk", imap_folder, mail("Inquiry", "Please quote 40gsm.", message_id="m-2@northwind.example"))
    dovecot.append("desk", imap_folder, mail("PO 4500872", "Please find attached our PO 4500872.",
                                             message_id="m-3@northwind.example",
                                             attachments=[("PO_4500872.pdf", b"%PDF-1.4\nnot a document",
                                                           "application/pdf")]))
    port = free_port()
    config = write_config(tmp_path, dovecot, imap_folder, extra=f"metrics: {{port: {port}}}\n")
    process = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            return 0, ""

    try:
        assert wait_for(lambda: len(filed_ids(config)) == 3, timeout=60)
        assert wait_for(lambda: 'mailflow_messages_total{category="order",outcome="filed"} 2.0' in get("/metrics")[1])
        status, text = get("/metrics")
        assert status == 200
        assert 'mailflow_messages_total{category="inquiry",outcome="filed"} 1.0' in text
        for stage in ("handle", "read", "decide", "apply"):
            assert f'mailflow_stage_seconds_count{{stage="{stage}"}} 3.0' in text, stage
        assert "mailflow_extract_seconds_count 1.0" in text  # the PO's PDF, read in a worker
        assert 'mailflow_extract_failures_total{reason="damaged"} 1.0' in text
        where = f'account="desk@127.0.0.1:{dovecot.port}",folder="{imap_folder}"'
        # the folder's health is written when its sync ends, a moment after the last mail is filed
        assert wait_for(lambda: f"mailflow_imap_lag_messages{{{where}}} 0.0" in get("/metrics")[1])
        text = get("/metrics")[1]
        assert f"mailflow_imap_idle_connected{{{where}}} 1.0" in text
        assert f"mailflow_imap_last_sync_timestamp_seconds{{{where}}}" in text
        assert 'mailflow_outbox{state="queued"}' in text and "mailflow_quarantine_total 0.0" in text
        assert "mailflow_overdue_milestones" in text
        assert get("/healthz") == (200, "ok") and get("/readyz") == (200, "ready")
        status, body = get("/health")
        assert status == 200 and json.loads(body) == {"healthy": True, "issues": []}
        dovecot.append("desk", imap_folder, b"\x00" * 20)  # a mail nobody can read
        assert wait_for(lambda: "mailflow_quarantine_total 1.0" in get("/metrics")[1], timeout=60)
        status, body = get("/health")
        report = json.loads(body)
        assert status == 503 and not report["healthy"]
        assert report["issues"] == ["1 mails quarantined in the last hour: see `mailflow quarantine list`"]
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def test_a_postgresql_url_without_its_driver_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "mailflow.yaml"
    config.write_text("identity: {company: Acme, address: orders@acme.example}\n"
                      "database: {url: 'postgresql+psycopg://desk@127.0.0.1/desk'}\n", encoding="utf-8")
    # psycopg hidden from this process, as on an installation without the postgres extra
    code = ("import sys; sys.modules['psycopg'] = None; from mailflow.cli import main; "
            f"main(['--config', {str(config)!r}, 'status'])")
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 4, result.stderr
    said = ("mailflow: cannot use the database postgresql+psycopg://desk@127.0.0.1/desk: its driver 'psycopg' is "
            "not installed (pip install 'mailflow[postgres]'): import of psycopg halted; None in sys.modules")
    assert result.stderr.strip().splitlines() == [said]


def test_the_wheel_carries_what_a_desk_needs_outside_the_source_tree(tmp_path: Path) -> None:
    """`pip install .` gives the shipped rules (and follow-up plans), reply templates, the
    evaluation set the starting classifier is trained on, the migrations and the web desk's
    templates and htmx as package data; `mailflow init` from the wheel writes a working desk."""
    import json
    import zipfile

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path), str(Path(__file__).resolve().parents[2])],
                           check=False, capture_output=True, text=True, timeout=300)
    if built.returncode != 0 and "hatchling" in built.stderr:
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                                str(Path(__file__).resolve().parents[2])],
                               check=False, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("mailflow-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in ("mailflow/_shipped/rules/40-order.yaml", "mailflow/_shipped/rules/followup/90-tt-order.yaml",
                   "mailflow/_shipped/templates/reply/order_confirmation.en.txt.j2",
                   "mailflow/_shipped/templates/reply/daily_digest.zh.txt.j2",
                   "mailflow/_shipped/eval/labels.csv", "mailflow/store/migrations/versions/0008_web_users.py",
                   "mailflow/store/migrations/env.py", "mailflow/web/templates/order.html",
                   "mailflow/web/static/htmx.min.js", "mailflow/web/static/style.css"):
        assert wanted in names, wanted
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (f"import sys; sys.path.insert(0, {str(unpacked)!r}); import mailflow; "
            f"assert mailflow.__file__.startswith({str(unpacked)!r}), mailflow.__file__; "
            "from mailflow.cli import main; main(sys.argv[1:])")
    desk = tmp_path / "desk"
    made = subprocess.run([sys.executable, "-c", code, "init", str(desk)], check=False, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (desk / "rules" / "followup" / "90-tt-order.yaml").is_file()
    (desk / "inbox" / "1.eml").write_bytes(mail("PO 4500871", "Please find our PO 4500871."))
    ran = subprocess.run([sys.executable, "-c", code, "--config", str(desk / "mailflow.yaml"), "run", "--once",
                          "--json"], check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert summary["read"] == 1 and summary["categories"] == {"order": 1}
