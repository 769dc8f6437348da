"""What a worker loads before it forks a child per document, and when templates load again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mailflow.extract.templates import load_templates

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = "issuer: {issuer}\nkeywords: [{issuer}]\nfields:\n  invoice_number: 'PO (\\d+)'\n"


def test_templates_load_again_only_when_a_file_changes(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(TEMPLATE.format(issuer="Northwind"), encoding="utf-8")
    first = load_templates((str(tmp_path),))
    assert load_templates((str(tmp_path),)) is first  # nothing changed: the same, not read again
    (tmp_path / "a.yml").write_text(TEMPLATE.format(issuer="Southwind Trading"), encoding="utf-8")
    os.utime(tmp_path / "a.yml", ns=(1, 1))  # a different time too, however fast the edit
    edited = load_templates((str(tmp_path),))
    assert [t["issuer"] for t in first] == ["Northwind"]
    assert [t["issuer"] for t in edited] == ["Southwind Trading"]
    (tmp_path / "b.yml").write_text(TEMPLATE.format(issuer="Eastwind"), encoding="utf-8")
    assert sorted(t["issuer"] for t in load_templates((str(tmp_path),))) == ["Eastwind", "Southwind Trading"]


PROBE = """
import sys
from mailflow.extract import Extractor, Settings, labels, templates
from mailflow.worker import ForkRunner
Extractor(Settings(template_dirs=({dirs!r},), enabled={enabled}), runner=ForkRunner()).preload()
print("pdfplumber" in sys.modules, templates._load_templates.cache_info().currsize,
      labels._patterns.cache_info().currsize)
"""


def probe(enabled: bool) -> str:
    """A fresh process (as a worker is) after the extractor's preload: readers, templates and label
    patterns loaded?"""
    code = PROBE.format(dirs=str(ROOT / "templates" / "extract"), enabled=enabled)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_worker_loads_the_readers_and_templates_before_forking_for_documents() -> None:
    assert probe(enabled=True) == "True 1 1"
    assert probe(enabled=False) == "False 0 0"  # extraction off: nothing of it is loaded
