"""PDF extraction cost per page, against baselines measured in the same run.

    .venv/bin/python bench/extract.py [--repeat 5]

On a generated 1-page and 10-page purchase order (tests/pdfs.py), prints ms per page for:
  baselines:  pypdfium2 text; `pdftotext -layout` (poppler, one process per file)
  pdfplumber: plain extract_text(); mailflow's layout text; extract_tables(); layout text + tables
  mailflow:   the full extract in this process (pypdfium2 pre-read, template match, layout text,
              tables, generic reader) and the same through the worker pool (adds the hand-over)
and the ratio full extract / (layout text + tables), the target being at most 1.3.
Best of --repeat runs each, so that a busy machine's noise does not count against a method.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber
import pypdfium2

from mailflow.extract import Extractor, Settings
from mailflow.extract.pdf import layout_text, read_order
from tests import pdfs


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def plumber(data: bytes, what: Callable[[object], object]) -> Callable[[], None]:
    def run() -> None:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                what(page)
    return run


def pdfium_text(data: bytes) -> None:
    pdf = pypdfium2.PdfDocument(data)
    for page in pdf:
        page.get_textpage().get_text_range()
    pdf.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    templates = str(ROOT / "templates" / "extract")
    with tempfile.TemporaryDirectory() as tmp:
        documents = {}
        for label, lines in (("1-page PO", 20), ("10-page PO", 420)):
            path = pdfs.write_order_pdf(pdfs.sample_order(lines, seed=5), Path(tmp) / f"{lines}.pdf")
            documents[label] = path
        extractor = Extractor(Settings(template_dirs=(templates,), workers=1))
        print(f"ms per page (best of {args.repeat}); machine: 2 cores, shared")
        header = (f"{'document':12} {'pages':>5} {'pdfium':>7} {'pdftotext':>9} {'plain':>7} {'layout':>7} "
                  f"{'tables':>7} {'lay+tab':>7} {'full':>7} {'pool':>7} {'full/(lay+tab)':>15}")
        print(header)
        for label, path in documents.items():
            data = path.read_bytes()
            pages = len(pypdfium2.PdfDocument(data))
            extractor.read_pdf(data, path.name)  # start the worker before timing it
            row = {
                "pdfium": best(partial(pdfium_text, data), args.repeat),
                "pdftotext": best(partial(subprocess.run, ["pdftotext", "-layout", str(path), "-"],
                                          capture_output=True, check=True), args.repeat)
                if shutil.which("pdftotext") else float("nan"),
                "plain": best(plumber(data, lambda p: p.extract_text()), args.repeat),  # type: ignore[attr-defined]
                "layout": best(plumber(data, layout_text), args.repeat),
                "tables": best(plumber(data, lambda p: p.extract_tables()), args.repeat),  # type: ignore[attr-defined]
                "lay+tab": best(plumber(data, lambda p: (layout_text(p), p.extract_tables())), args.repeat),  # type: ignore[attr-defined]
                "full": best(partial(read_order, data, path.name, (templates,), 50), args.repeat),
                "pool": best(partial(extractor.read_pdf, data, path.name), args.repeat),
            }
            ms = {k: v * 1000 / pages for k, v in row.items()}
            print(f"{label:12} {pages:>5} {ms['pdfium']:7.1f} {ms['pdftotext']:9.1f} {ms['plain']:7.1f} "
                  f"{ms['layout']:7.1f} {ms['tables']:7.1f} {ms['lay+tab']:7.1f} {ms['full']:7.1f} "
                  f"{ms['pool']:7.1f} {row['full'] / row['lay+tab']:15.2f}")
        extractor.close()


if __name__ == "__main__":
    main()
