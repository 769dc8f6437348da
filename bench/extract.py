"""PDF extraction cost per page, against baselines measured in the same run.

    .venv/bin/python bench/extract.py [--repeat 5]

On a generated 1-page and 10-page purchase order (tests/pdfs.py), prints ms per page for:
  baselines:  pypdfium2 text; `pdftotext -layout` (poppler, one process per file)
  pdfplumber: plain extract_text(); mailflow's layout text; extract_tables(); layout text + tables
  mailflow:   the full extract in this process (pypdfium2 pre-read, template match, layout text,
              tables, generic reader) and the same through the worker pool (adds the hand-over)
and the ratio full extract / (layout text + tables), the target being at most 1.3.
Best of --repeat runs each, so that a busy machine's noise does not count against a method.

Then OCR, on scans of an English, a Chinese and a Traditional Chinese PO (tests/scans.py: 200
dpi, turned 1-2 degrees, blurred, noisy): seconds of CPU per page for mailflow's OCR (deskew,
RapidOCR on one thread, lines rebuilt) against `tesseract` alone on the same page image (one
thread, eng / chi_sim+eng / chi_tra+eng), their ratio, and each one's character error rate
against the text PDF's own text (`pdftotext -layout`, spaces left out). Without tesseract the
baseline is skipped and says so. --ocr-repeat (default 1) runs each, best taken.
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

from mailflow.extract import Extractor, Settings, ocr
from mailflow.extract.pdf import layout_text, read_order
from tests import pdfs, scans


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
    parser.add_argument("--ocr-repeat", type=int, default=1)
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
        ocr_bench(Path(tmp), args.ocr_repeat)


def cpu_best(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    """(least CPU seconds of `repeat` runs, counting child processes, the last result)."""
    import resource

    def used() -> float:
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    times, result = [], None
    for _ in range(repeat):
        start = used()
        result = func()
        times.append(used() - start)
    return min(times), result


def error_rate(truth: str, read: str) -> float:
    """Edit distance over the characters (whitespace left out) / the true text's length."""
    a, b = "".join(truth.split()), "".join(read.split())
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (char != other))
    return row[len(b)] / max(len(a), 1)


def tesseract(image_path: Path, languages: str) -> str:
    return subprocess.run(["tesseract", str(image_path), "-", "-l", languages],  # its own page layout
                          capture_output=True, text=True, check=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout


def ocr_bench(tmp: Path, repeat: int) -> None:
    if not ocr.available():
        print("\nOCR: the engine (rapidocr-onnxruntime) is not installed; skipped")
        return
    have_tesseract = shutil.which("tesseract") is not None
    zh = pdfs.sample_order(8, lang="zh", seed=6)
    documents = (("English PO", pdfs.sample_order(8, seed=5), "eng"),
                 ("Chinese PO", zh, "chi_sim+eng"),
                 ("Trad. Chinese", scans.traditional(zh), "chi_tra+eng"))
    ocr.engine()  # the model is loaded once per process, as in a worker: not timed
    print(f"\nOCR, CPU seconds per page (best of {repeat}), character error rate (CER)")
    print(f"{'document':14} {'mailflow s':>10} {'tesseract s':>11} {'ratio':>6} {'CER mailflow':>12} "
          f"{'CER tesseract':>13}")
    for seed, (label, doc, languages) in enumerate(documents):
        text_pdf = pdfs.write_order_pdf(doc, tmp / f"ocr-{seed}.pdf")
        truth = subprocess.run(["pdftotext", "-layout", str(text_pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
        page = scans.scan_pages(text_pdf, seed)[0]
        image_path = tmp / f"ocr-{seed}.png"
        page.save(image_path)
        ours, read = cpu_best(lambda page=page: ocr.read_page(page), repeat)
        ours_cer = error_rate(truth, read.text)  # type: ignore[attr-defined]
        if have_tesseract:
            theirs, their_text = cpu_best(partial(tesseract, image_path, languages), repeat)
            print(f"{label:14} {ours:10.2f} {theirs:11.2f} {ours / theirs:6.2f} {ours_cer:12.1%} "
                  f"{error_rate(truth, str(their_text)):13.1%}")
        else:
            print(f"{label:14} {ours:10.2f} {'-':>11} {'-':>6} {ours_cer:12.1%} {'-':>13}")
    if not have_tesseract:
        print("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim "
              "tesseract-ocr-chi-tra): its baseline is skipped")


if __name__ == "__main__":
    main()
