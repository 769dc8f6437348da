"""Scans read through OCR: an English and a Chinese PO printed to PDF, scanned (rendered at
200 dpi, turned 1-2 degrees, blurred, noisy) into an image-only PDF and a JPEG photo, read by
`mailflow extract --json` as their text PDFs are. Few pages in all: OCR is CPU-heavy."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops

from mailflow.cli import main
from mailflow.extract import ocr
from mailflow.extract.pdf import Scans, read_image

pdfs = pytest.importorskip("tests.pdfs")
scans = pytest.importorskip("tests.scans")
needs_engine = pytest.mark.skipif(not ocr.available(), reason="the OCR engine is not installed")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("scans")
    files: dict[str, Any] = {}
    for lang, seed in (("en", 5), ("zh", 6)):
        doc = pdfs.sample_order(5, lang=lang, seed=seed)
        text_pdf = pdfs.write_order_pdf(doc, folder / f"po-{lang}.pdf")
        pages = scans.scan_pages(text_pdf, seed)
        files[lang] = {"doc": doc, "text": text_pdf,
                       "scan": scans.write_image_pdf(pages, folder / f"scan-{lang}.pdf")}
        if lang == "en":
            pages[0].save(folder / "photo-en.jpg", quality=80)
            files[lang]["photo"] = folder / "photo-en.jpg"
    return files


def extract_json(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["--config", str(path.parent / "none.yaml"), "extract", "--json",
                                       str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def lines_of(order: dict[str, Any], spaced: bool = True) -> list[dict[str, Any]]:
    """The order's lines; Chinese descriptions compared without their spaces (OCR does not
    always see the space a PDF puts between two Chinese words)."""
    return [{**line, "description": line["description"] if spaced else "".join(line["description"].split())}
            for line in order["lines"]]


def test_the_scans_have_no_text_layer(made: dict[str, Any]) -> None:
    for lang in ("en", "zh"):
        found = subprocess.run(["pdftotext", str(made[lang]["scan"]), "-"], capture_output=True,
                               text=True, check=True).stdout
        assert found.strip() == ""
        assert pdfs.number_text(made[lang]["doc"].total) in subprocess.run(
            ["pdftotext", str(made[lang]["text"]), "-"], capture_output=True, text=True, check=True).stdout


@needs_engine
def test_a_scanned_english_po_and_its_photo_read_as_the_text_pdf(made: dict[str, Any]) -> None:
    files = made["en"]
    text = extract_json(files["text"])["order"]
    assert text["total"] == str(files["doc"].total) and len(text["lines"]) == len(files["doc"].lines)
    assert extract_json(files["text"])["ocr"] is None
    for kind in ("scan", "photo"):
        read = extract_json(files[kind])
        order = read["order"]
        assert 0.9 < read["ocr"]["confidence"] <= 1.0
        assert lines_of(order) == lines_of(text), kind
        assert order["total"] == text["total"] and order["numbers"] == text["numbers"]
        assert order["source"].startswith("generic reader (OCR, confidence 0.9"), order["source"]


@needs_engine
def test_a_scanned_chinese_po_reads_as_the_text_pdf(made: dict[str, Any]) -> None:
    files = made["zh"]
    text = extract_json(files["text"])["order"]
    assert text["total"] == str(files["doc"].total) and len(text["lines"]) == len(files["doc"].lines)
    order = extract_json(files["scan"])["order"]
    assert lines_of(order, spaced=False) == lines_of(text, spaced=False)
    assert order["total"] == text["total"]
    assert "OCR, confidence" in order["source"]


def test_a_page_turned_by_a_degree_or_two_is_measured_and_turned_back(made: dict[str, Any]) -> None:
    page = scans.render(made["en"]["text"])[0]
    for angle in (1.6, -1.3):
        turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        assert abs(ocr.skew_angle(turned) - angle) <= 0.1
        straight, measured = ocr.deskew(turned)
        assert abs(ocr.skew_angle(straight)) <= 0.1 and measured == ocr.skew_angle(turned)


def test_boxes_become_lines_with_columns() -> None:
    boxes = [ocr.Box(100, 10, 200, 30, "Qty", 0.9), ocr.Box(10, 12, 60, 31, "No.", 0.95),
             ocr.Box(10, 50, 40, 70, "1", 0.9), ocr.Box(100, 48, 190, 69, "16,400", 0.9),
             ocr.Box(10, 200, 40, 220, "Total", 0.9)]
    lines = ocr.layout(boxes).split("\n")
    assert lines[0].split() == ["No.", "Qty"] and lines[1].split() == ["1", "16,400"]
    assert lines[0].index("Qty") == lines[1].index("16,400")  # the same column
    assert lines[-1] == "Total" and "" in lines[2:-1]  # a blank line for the gap above it


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size, 1).save(out, "PNG")
    return out.getvalue()


def _jpeg_cut() -> bytes:
    """A photo whose transfer broke off: a real JPEG's header and half of its data. The picture
    is made of fixed gradients (not noise, which differs each run), so every run cuts the same bytes."""
    out = io.BytesIO()
    picture = ImageChops.multiply(Image.linear_gradient("L"), Image.radial_gradient("L").rotate(30))
    picture.resize((200, 200)).save(out, "JPEG", quality=90)
    return out.getvalue()[: len(out.getvalue()) // 2]


def _tiff(frames: int) -> bytes:
    out = io.BytesIO()
    pages = [Image.new("L", (64, 64), 255) for _ in range(frames)]
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    return out.getvalue()


@pytest.mark.parametrize(("data", "reason"), [
    (_png((12_000, 12_000)), "more pixels than the limit"),  # 144 Mpx in a few kB: a bomb
    (_png((2_500, 2_000)), "2500 x 2000 pixels, more than the limit of 4,000,000"),
    (_jpeg_cut(), "damaged image"),
    (b"GIF89a-not-really", "not an image that can be read"),
    (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "not an image that can be read"),  # no Ghostscript
    (_png((4, 4)), "too small to hold text"),
    (_tiff(12), "12 pages, more than the limit of 10"),
])
def test_a_hostile_or_broken_image_gives_a_reason(data: bytes, reason: str) -> None:
    if not ocr.available():
        pytest.skip("the OCR engine is not installed: every image is refused for that reason")
    limit = Image.MAX_IMAGE_PIXELS
    document = read_image(data, "slip.png", (), 10, Scans(max_pixels=4_000_000))
    assert reason in document.error and not document.order
    assert Image.MAX_IMAGE_PIXELS == limit  # the process's own limit is left as it was


def test_without_ocr_a_scan_says_why(made: dict[str, Any]) -> None:
    from mailflow.extract.pdf import NO_TEXT, read_order

    off = Scans(ocr=False)
    assert read_order(made["en"]["scan"].read_bytes(), "scan.pdf", (), 10, off).error == NO_TEXT
    assert read_image(b"\x89PNG", "slip.png", (), 10, off).error == ocr.SWITCHED_OFF.replace("a scan", "an image")


def test_status_says_scans_are_not_read_when_the_engine_is_missing(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    assert CliRunner().invoke(main, ["init", str(desk)]).exit_code == 0
    hide = "import sys; sys.modules['rapidocr_onnxruntime'] = None; from mailflow.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for code, expected in ((hide, "not read (the OCR engine is not installed"),
                           ("from mailflow.cli import main; main()",
                            "read through OCR" if ocr.available() else "not read")):
        result = subprocess.run([sys.executable, "-c", code, "--config", str(desk / "mailflow.yaml"),
                                 "status", "--json"], capture_output=True, text=True, env=env, check=False)
        assert result.returncode == 0, result.stderr
        scans_status = json.loads(result.stdout)["scans"]
        words = ("read through OCR" if scans_status["read"] else f"not read ({scans_status['reason']}")
        assert words.startswith(expected), scans_status
    shown = subprocess.run([sys.executable, "-c", hide, "--config", str(desk / "mailflow.yaml"), "status"],
                           capture_output=True, text=True, env=env, check=True).stdout
    assert "scans (PDF pages without text, JPEG/PNG/TIFF): not read: the OCR engine is not installed" in shown


@needs_engine
def test_in_a_text_pdf_only_a_scanned_page_is_read_through_ocr(made: dict[str, Any], tmp_path: Path) -> None:
    """A text page, a blank page and a scanned page: the text page keeps its text layer, the
    scanned one is read through OCR, the blank one stays blank."""
    import pypdfium2

    from mailflow.extract.pdf import read_order

    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(made["zh"]["text"]), [0])
    mixed.new_page(595, 842)
    mixed.import_pages(pypdfium2.PdfDocument(made["en"]["scan"]), [0])
    mixed.save(tmp_path / "mixed.pdf")
    document = read_order((tmp_path / "mixed.pdf").read_bytes(), "mixed.pdf", (), 10)
    zh_page, blank, en_page = document.text.split("\f")[:3]
    assert pdfs.number_text(made["zh"]["doc"].total) in zh_page and blank.strip() == ""
    assert f"Total: USD {pdfs.number_text(made['en']['doc'].total)}" in en_page
    assert document.ocr_confidence is not None and document.ocr_confidence > 0.9

    text_only = read_order(made["en"]["text"].read_bytes(), "po.pdf", (), 10)
    assert text_only.ocr_confidence is None and not text_only.error


@needs_engine
def test_a_photo_named_as_a_po_is_read_with_the_pdfs_and_a_logo_is_not(made: dict[str, Any]) -> None:
    """A rule that reads PDFs also reads an image whose file name says it is a document (read
    once, for its text and its order); an unnamed picture (a signature's logo) is not read."""
    from mailflow.documents import unnamed
    from mailflow.extract import Extractor, Settings, order_data
    from mailflow.parse import parse
    from tests.mails import mail

    logo = io.BytesIO()
    Image.new("L", (200, 60), 128).save(logo, "PNG")
    message = parse(mail("PO attached", "Please see our PO.", attachments=[
        ("PO_5890.jpg", made["en"]["photo"].read_bytes(), "image/jpeg"),
        ("image001.png", logo.getvalue(), "image/png")]))
    extractor = Extractor(Settings(workers=1))
    try:
        message = extractor.attachment_texts(message, pdf_text=False, unnamed=unnamed)
        photo, picture = message.attachments
        assert f"Total: USD {pdfs.number_text(made['en']['doc'].total)}" in (photo.text or "")
        assert picture.text is None
        documents = extractor.documents(message, {"pdf"})
    finally:
        extractor.close()
    assert [d.name for d in documents] == ["PO_5890.jpg"]
    data = order_data(documents)
    assert data.total == made["en"]["doc"].total and len(data.lines) == len(made["en"]["doc"].lines)
