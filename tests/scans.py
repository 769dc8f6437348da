"""Scans of test PDFs, as a desk receives them: a text PDF printed, scanned or photographed.

    pages = scan_pages(write_order_pdf(doc, tmp_path / "po.pdf"), seed=1)
    write_image_pdf(pages, tmp_path / "scan.pdf")   # page images only: pdftotext prints nothing
    pages[0].save(tmp_path / "photo.jpg", quality=80)

Each page is rendered with `pdftoppm -r 200` (poppler-utils), turned by 1-2 degrees, blurred
slightly and given sensor noise; the seed makes the same scan every time.
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

DPI = 200


def render(pdf_path: Path, dpi: int = DPI) -> list[Image.Image]:
    """The PDF's pages as greyscale images, as poppler renders them."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf_path), f"{folder}/page"],
                       check=True, capture_output=True)
        pages = []
        for path in sorted(Path(folder).glob("page*.png")):
            with Image.open(path) as image:
                pages.append(image.copy())
        return pages


def scanner_look(page: Image.Image, rng: np.random.Generator, angle: float) -> Image.Image:
    """Turned by `angle` degrees, blurred a little, with grey noise: a flatbed scan."""
    turned = page.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, expand=False,
                                      fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(blurred, dtype=np.float32)
    noisy = pixels + rng.normal(0.0, 10.0, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), mode="L")


def scan_pages(pdf_path: Path, seed: int, dpi: int = DPI) -> list[Image.Image]:
    """Every page scanned; pages alternate between turning left and right by 1-2 degrees."""
    rng = np.random.default_rng(seed)
    pages = []
    for index, page in enumerate(render(pdf_path, dpi)):
        angle = float(rng.uniform(1.0, 2.0)) * (1 if index % 2 == 0 else -1)
        if seed % 2:
            angle = -angle
        pages.append(scanner_look(page, rng, angle))
    return pages


def write_image_pdf(pages: list[Image.Image], path: Path, dpi: int = DPI) -> Path:
    """A PDF of the page images only (JPEG-compressed), with no text layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = [p.convert("L") for p in pages]
    first.save(path, "PDF", resolution=float(dpi), save_all=True, append_images=rest, quality=85)
    return path


# Simplified -> Traditional for every character of tests/pdfs.py's Chinese sample data that differs
_TRADITIONAL = str.maketrans(
    "无尘纸纺喷针毡热风蓝绿宽卷华联贸广恒达实业苏洁卫宁进医疗器见单发货证预后电汇汉堡矶锡",
    "無塵紙紡噴針氈熱風藍綠寬捲華聯貿廣恆達實業蘇潔衛寧進醫療器見單發貨證預後電匯漢堡磯錫")


def traditional(doc: Any) -> Any:
    """A Chinese sample order with its data (buyer, goods, units, terms) in Traditional
    characters; the labels stay as tests/pdfs.py prints them."""
    lines = tuple(dataclasses.replace(line, description=line.description.translate(_TRADITIONAL),
                                      unit=line.unit.translate(_TRADITIONAL)) for line in doc.lines)
    return dataclasses.replace(doc, buyer=doc.buyer.translate(_TRADITIONAL), lines=lines,
                               incoterm=doc.incoterm.translate(_TRADITIONAL),
                               payment_terms=doc.payment_terms.translate(_TRADITIONAL))
