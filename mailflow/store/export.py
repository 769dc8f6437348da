"""An order's evidence bundle: a zip of the original mail (byte for byte), the attachments,
order.json, a timeline readable offline, and manifest.json with every file's sha256 and size,
so that anyone can check later that nothing was changed, removed or added (`mailflow verify`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment

from mailflow import __version__, clock
from mailflow.authresults import summary as auth_summary
from mailflow.store import signing

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"  # base64 Ed25519 signature of manifest.json's exact bytes

_TIMELINE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Order {{ order.order }}: timeline</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}
.out{background:#eef6ff}</style></head>
<body>
<h1>{{ "Purchase order" if order.kind == "purchase" else "Sales order" }} {{ order.order }}</h1>
<p>{% if order.kind == "purchase" %}Supplier: {{ order.supplier }}.{% if order.for_order %} For sales order
{{ order.for_order }}{% if order.buyer %} of {{ order.buyer }}{% endif %}.{% endif %}{% else %}Buyer: {{ order.buyer }}.{% endif %}
Aliases: {{ order.aliases | join(", ") }}. Exported {{ exported }} by
mailflow {{ version }}. Every file named here is in this bundle; manifest.json lists their SHA-256.</p>
{% if data.lines %}<h2>Order data</h2>
<p>{% for key in ["order_date", "delivery_date", "currency", "incoterm", "payment_terms", "total"] %}
{% if data[key] %}{{ key | replace("_", " ") }}: {{ data[key] }}. {% endif %}{% endfor %}</p>
<table><tr><th>Item</th><th>Description</th><th>Qty</th><th>Unit</th><th>Unit price</th><th>Amount</th></tr>
{% for line in data.lines %}<tr><td>{{ line.item_code }}</td><td>{{ line.description }}</td>
<td>{{ line.quantity }}</td><td>{{ line.unit }}</td><td>{{ line.unit_price }}</td><td>{{ line.amount }}</td></tr>
{% endfor %}</table>
{% for check in data.checks or [] %}<p>Check {{ check.name }}: {{ "ok" if check.ok else "FAILED" }}: {{ check.detail }}</p>
{% endfor %}{% endif %}
{% if order.confirmation_differences %}<h2>Our P/I against the buyer's PO</h2>
<ul>{% for d in order.confirmation_differences %}<li>{{ d }}</li>{% endfor %}</ul>{% endif %}
{% if order.documents %}<h2>Documents</h2>
<table><tr><th>Document</th><th>Revision</th><th>From</th><th>File</th><th>Recognised by</th></tr>
{% for d in order.documents %}<tr><td>{{ d.name }}</td><td>{{ d.revision or "" }}</td><td>{{ d.party }}</td>
<td>{{ d.file }}</td><td>{{ d.reason }}</td></tr>{% endfor %}</table>{% endif %}
{% set follow = order.follow_up or {} %}{% if follow.milestones %}<h2>Follow-up: {{ order.status }}
(plan {{ follow.plan }})</h2>
<table><tr><th>Milestone</th><th>Owner</th><th>State</th><th>Due</th><th>Done</th></tr>
{% for m in follow.milestones %}<tr><td>{{ m.name }}</td><td>{{ m.owner }}</td><td>{{ m.state }}</td>
<td>{{ m.due or "" }} <small>{{ m.due_why }}</small></td>
<td>{{ m.done_at or "" }} {{ m.how or "" }} {{ m.by or "" }} {{ m.message_id or "" }}</td></tr>{% endfor %}</table>
{% if follow.money.total %}<p>Money: total {{ follow.money.currency }} {{ follow.money.total }}, outstanding
{{ follow.money.outstanding }}.{% for p in follow.money.payments %} Paid {{ p.amount }} {{ p.currency }} on
{{ p.value_date }} (ref. {{ p.reference or "-" }}, {{ p.by }}).{% endfor %}</p>{% endif %}{% endif %}
<h2>Messages</h2>
<table><tr><th>Date (UTC)</th><th>Direction</th><th>Category</th><th>From</th><th>Party</th><th>Subject</th>
<th>Why filed here</th><th>Sender checks</th><th>Files</th></tr>
{% for m in messages %}<tr class="{{ m.direction }}"><td>{{ m.date }}</td><td>{{ m.direction }}</td>
<td>{{ m.category }}</td><td>{{ m.from }}</td><td>{{ m.party }}<br><small>{{ m.party_why }}</small></td><td>{{ m.subject }}<br><small>{{ m.file }}</small></td>
<td>{{ m.why_here }}</td><td>{{ m.auth }}</td><td>{% for a in m.attachments %}{{ a }}<br>{% endfor %}</td></tr>
{% endfor %}</table>
<h2>Replies</h2>
<table><tr><th>#</th><th>Template</th><th>State</th><th>Decided by</th><th>To</th><th>Subject</th></tr>
{% for r in order.replies %}<tr><td>{{ r.id }}</td><td>{{ r.template }}</td><td>{{ r.state }}</td>
<td>{{ r.decided_by or "" }} {{ r.decided_at or "" }}</td>
<td>{{ r.to | join(", ") }}</td><td>{{ r.subject }}</td></tr>{% endfor %}</table>
{% if order.events %}<h2>What people and mailflow did</h2>
<table><tr><th>When (UTC)</th><th>What</th><th>Who</th><th>Detail</th></tr>
{% for e in order.events %}<tr><td>{{ e.at }}</td><td>{{ e.kind }}</td><td>{{ e.by or "" }}</td>
<td>{{ e.name or "" }}{{ ": " if e.name and (e.reason or e.note) }}{{ e.reason or e.note or (e.changed | join("; ") if e.changed else "") or (e.lines | join("; ") if e.lines else "") }}</td></tr>{% endfor %}</table>{% endif %}
</body></html>
""")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def export_order(store: Any, order_id: int, target: Path, private_key: bytes | None = None,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write the bundle; returns its manifest. With `private_key` (PEM, Ed25519) the manifest is
    signed: a manifest rewritten to match changed files then fails `verify --key`. `progress`
    is told (mails read, mails in all) as the mail is read."""
    summary = store.order_summary(order_id)
    exported = clock.now().replace(microsecond=0).isoformat()
    files: dict[str, bytes] = {}
    messages = []
    for done, m in enumerate(summary["messages"], start=1):
        if progress is not None:
            progress(done, len(summary["messages"]))
        name = f"mail/{PurePosixPath(m['path']).name}"
        files[name] = store.archive.read(m["path"])
        attachments = []
        for path in m["attachments"]:
            attachment = f"files/{PurePosixPath(path).name}"
            files[attachment] = store.archive.read(path)
            attachments.append(attachment)
        messages.append({**m, "file": name, "attachments": attachments,
                         "auth": auth_summary(m.get("authentication") or {})})
    files["order.json"] = (json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n").encode()
    files["timeline.html"] = _TIMELINE.render(order=summary, data=summary.get("data") or {},
                                              messages=messages, exported=exported,
                                              version=__version__).encode()
    manifest = {
        "order": summary["order"], "exported_at": exported, "mailflow_version": __version__,
        "files": [{"path": name, "sha256": _sha256(data), "size": len(data)}
                  for name, data in sorted(files.items())],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    signature = signing.sign(private_key, manifest_bytes) if private_key is not None else None
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in sorted(files.items()):
            bundle.writestr(name, data)
        bundle.writestr(MANIFEST, manifest_bytes)
        if signature is not None:
            bundle.writestr(SIGNATURE, signature + b"\n")
    return manifest


@dataclass
class Verdict:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # damaged, duplicated or unreadable entries
    digests: dict[str, str] = field(default_factory=dict)  # path -> sha256 of what was checked
    signature: str = ""  # "valid", "not signed", or what is wrong with it
    problem: str = ""  # the bundle cannot be checked at all

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.findings or self.problem
                    or self.signature not in ("", "valid"))


MAX_MANIFEST_BYTES = 20_000_000
_CHUNK = 1 << 20
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _manifest_files(data: bytes) -> tuple[dict[str, dict[str, Any]], str]:
    """(path -> entry, problem) of a manifest, every field checked for its type."""
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        return {}, f"manifest.json is not JSON: {exc}"
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        return {}, "manifest.json is not a mailflow manifest: it has no list of files"
    listed: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(files):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            return {}, f"manifest.json: files[{i}] has no path"
        if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
            return {}, f"manifest.json: files[{i}] ({entry['path']}) has no valid sha256"
        size = entry.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            return {}, f"manifest.json: files[{i}] ({entry['path']}) has no valid size"
        if entry["path"] in listed:
            return {}, f"manifest.json lists {entry['path']} twice"
        listed[entry["path"]] = entry
    return listed, ""


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[str, int] | str:
    """(sha256, size) of one entry read in chunks, never more than `limit` bytes; or what is
    wrong with it. A zip bomb stops at the size the manifest promised."""
    if info.flag_bits & 0x1:
        return "encrypted: not readable"
    if info.compress_type not in _METHODS:
        return f"unknown compression method {info.compress_type}"
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(min(_CHUNK, limit + 1 - size)):
                size += len(chunk)
                digest.update(chunk)
                if size > limit:
                    return digest.hexdigest(), size  # larger than promised: changed
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        return f"damaged: {exc}"
    return digest.hexdigest(), size


def verify(bundle: Path, public_key: bytes | None = None) -> Verdict:
    """Every file in the manifest present with its sha256 and size, nothing else, no entry twice;
    with `public_key` (PEM), the manifest's Ed25519 signature too."""
    verdict = Verdict()
    try:
        archive = zipfile.ZipFile(bundle)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        verdict.problem = f"not a readable zip file: {exc}"
        return verdict
    with archive:
        infos = archive.infolist()
        counts = Counter(info.filename for info in infos)
        verdict.findings += [f"{name}: the bundle holds {n} entries of this name" for name, n
                             in sorted(counts.items()) if n > 1]
        by_name = {info.filename: info for info in infos}
        manifest_info = by_name.get(MANIFEST)
        if manifest_info is None:
            verdict.problem = "manifest.json is missing"
            return verdict
        read = _read_small(archive, manifest_info, MAX_MANIFEST_BYTES)
        if isinstance(read, str):
            verdict.problem = f"manifest.json: {read}"
            return verdict
        listed, problem = _manifest_files(read)
        if problem:
            verdict.problem = problem
            return verdict
        verdict.signature = _check_signature(archive, by_name, read, public_key)
        for path, entry in sorted(listed.items()):
            info = by_name.get(path)
            if info is None:
                verdict.missing.append(path)
                continue
            result = _digest(archive, info, entry["size"])
            if isinstance(result, str):
                verdict.findings.append(f"{path}: {result}")
                continue
            verdict.checked += 1
            verdict.digests[path] = result[0]
            if result != (entry["sha256"], entry["size"]):
                verdict.changed.append(path)
        verdict.added = sorted(set(by_name) - set(listed) - {MANIFEST, SIGNATURE})
    return verdict


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | str:
    if info.file_size > limit:
        return f"larger than {limit} bytes"
    result = _digest(archive, info, limit)
    if isinstance(result, str):
        return result
    return archive.read(info)


def _check_signature(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], manifest: bytes,
                     public_key: bytes | None) -> str:
    info = by_name.get(SIGNATURE)
    if public_key is None:
        return ""
    if info is None:
        return "not signed: the bundle has no manifest.sig"
    raw = _read_small(archive, info, 4096)
    if isinstance(raw, str):
        return f"manifest.sig: {raw}"
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = signing.load_public(public_key)
    try:
        assert isinstance(key, Ed25519PublicKey)
        key.verify(base64.b64decode(raw.strip(), validate=True), manifest)
    except (InvalidSignature, ValueError, binascii.Error):
        return "the signature does not match: manifest.json was changed, or signed with another key"
    return "valid"


def unknown_to_store(verdict: Verdict, filed: Any) -> list[str]:
    """The bundle's mail files whose sha256 this desk's database has never filed: `filed` maps a
    list of sha256 to those it knows. Ties a bundle to the desk it claims to come from."""
    mail = {path: sha for path, sha in verdict.digests.items() if path.startswith("mail/")}
    known = set(filed(sorted(set(mail.values()))))
    return [f"{path}: no message with this sha256 was filed in this desk's database"
            for path, sha in sorted(mail.items()) if sha not in known]
