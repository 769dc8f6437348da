"""An order's evidence bundle: a zip of the original mail (byte for byte), the attachments,
order.json, a timeline readable offline, and manifest.json with every file's sha256 and size,
so that anyone can check later that nothing was changed, removed or added (`mailflow verify`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment

from mailflow import __version__
from mailflow.authresults import summary as auth_summary

MANIFEST = "manifest.json"

_TIMELINE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Order {{ order.order }}: timeline</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}
.out{background:#eef6ff}</style></head>
<body>
<h1>Order {{ order.order }}</h1>
<p>Buyer: {{ order.buyer }}. Aliases: {{ order.aliases | join(", ") }}. Exported {{ exported }} by
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
<h2>Messages</h2>
<table><tr><th>Date (UTC)</th><th>Direction</th><th>Category</th><th>From</th><th>Subject</th>
<th>Sender checks</th><th>Files</th></tr>
{% for m in messages %}<tr class="{{ m.direction }}"><td>{{ m.date }}</td><td>{{ m.direction }}</td>
<td>{{ m.category }}</td><td>{{ m.from }}</td><td>{{ m.subject }}<br><small>{{ m.file }}</small></td>
<td>{{ m.auth }}</td><td>{% for a in m.attachments %}{{ a }}<br>{% endfor %}</td></tr>
{% endfor %}</table>
<h2>Replies</h2>
<table><tr><th>#</th><th>Template</th><th>State</th><th>To</th><th>Subject</th></tr>
{% for r in order.replies %}<tr><td>{{ r.id }}</td><td>{{ r.template }}</td><td>{{ r.state }}</td>
<td>{{ r.to | join(", ") }}</td><td>{{ r.subject }}</td></tr>{% endfor %}</table>
</body></html>
""")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def export_order(store: Any, order_id: int, target: Path) -> dict[str, Any]:
    """Write the bundle; returns its manifest."""
    summary = store.order_summary(order_id)
    exported = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    files: dict[str, bytes] = {}
    messages = []
    for m in summary["messages"]:
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
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in sorted(files.items()):
            bundle.writestr(name, data)
        bundle.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


@dataclass
class Verdict:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added or self.problem)


def verify(bundle: Path) -> Verdict:
    """Every file in the manifest present with its sha256 and size, and nothing else."""
    verdict = Verdict()
    try:
        archive = zipfile.ZipFile(bundle)
    except (OSError, zipfile.BadZipFile) as exc:
        verdict.problem = f"not a readable zip file: {exc}"
        return verdict
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            verdict.problem = "manifest.json is missing"
            return verdict
        try:
            manifest = json.loads(archive.read(MANIFEST))
            listed = {f["path"]: f for f in manifest["files"]}
        except (ValueError, KeyError, TypeError) as exc:
            verdict.problem = f"manifest.json is not a mailflow manifest: {exc}"
            return verdict
        for path, entry in sorted(listed.items()):
            if path not in names:
                verdict.missing.append(path)
                continue
            data = archive.read(path)
            verdict.checked += 1
            if _sha256(data) != entry.get("sha256") or len(data) != entry.get("size"):
                verdict.changed.append(path)
        verdict.added = sorted(names - set(listed) - {MANIFEST})
    return verdict
