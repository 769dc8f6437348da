"""Previews of a document in the browser: a PDF's first pages rendered to PNG on the server,
an image shown as itself when it is one of the plain raster formats.

Why rendered pages and not the PDF in a sandboxed frame: Chromium's PDF viewer does not run in
a frame sandboxed without `allow-plugins` (which would hand the sender's file to a full PDF
engine inside our origin), and other browsers differ again. A PNG is inert in every browser,
the page stays under the desk's own Content-Security-Policy, and the work of reading the
sender's PDF happens in `pdftoppm`, a child process with a time limit, a memory and CPU limit
(`prlimit`) and a cap on pages and size. Rendered pages are kept per sha256 of the file (`web.preview_cache`), so a
document is rendered once however many pages show it; two renders at most run at a time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

MAX_PAGES = 4  # the first pages: enough to know the document, bounded work per file
MAX_BYTES = 20 * 1024 * 1024  # a larger PDF is a download, not a preview
WIDTH = 900  # pixels of a rendered page's longer side
SECONDS = 20
MEMORY = 512 * 1024 * 1024
IMAGES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif",
          b"GIF89a": "image/gif"}
_SHA = re.compile(r"[0-9a-f]{64}")
_RENDERS = threading.BoundedSemaphore(2)


@dataclass(frozen=True)
class Preview:
    """What a file can be previewed as: `pages` rendered pages of a PDF (numbered from 1), or an
    image of `image` type; `problem` says why neither (too large, not readable)."""

    sha256: str
    pages: int = 0
    image: str = ""
    problem: str = ""


def image_type(data: bytes) -> str:
    """The file's type when its first bytes are those of PNG, JPEG or GIF (never SVG, which can
    carry script), else ""."""
    return next((kind for magic, kind in IMAGES.items() if data.startswith(magic)), "")


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def previewable(name: str, content_type: str) -> bool:
    """Whether a file named so is worth offering a preview for (its bytes decide in the end)."""
    lowered = name.lower()
    return (content_type in ("application/pdf", *IMAGES.values())
            or lowered.endswith((".pdf", ".png", ".jpg", ".jpeg", ".gif")))


def page_path(cache: Path, sha256: str, page: int) -> Path | None:
    """A rendered page in the cache, or None: the sha256 is 64 hex digits and the page a small
    number, so no path is made from anything else."""
    if not _SHA.fullmatch(sha256) or not 1 <= page <= MAX_PAGES:
        return None
    found = cache / sha256[:2] / f"{sha256}-{page}.png"
    return found if found.is_file() else None


def preview(data: bytes, sha256: str, cache: Path) -> Preview:
    """The preview of a file (blocks: call it off the event loop): an image as it is, a PDF's
    first pages rendered (once; later calls read the cache)."""
    if not _SHA.fullmatch(sha256):
        return Preview(sha256, problem="not_previewable")
    kind = image_type(data)
    if kind:
        return Preview(sha256, image=kind)
    if not is_pdf(data):
        return Preview(sha256, problem="not_previewable")
    if len(data) > MAX_BYTES:
        return Preview(sha256, problem="too_large")
    folder = cache / sha256[:2]
    done = folder / f"{sha256}.pages"
    if not done.is_file():
        with _RENDERS:
            if not done.is_file():
                _render(data, sha256, folder)
    try:
        pages = int(done.read_text(encoding="ascii").strip() or "0")
    except (OSError, ValueError):
        pages = 0
    return Preview(sha256, pages=pages, problem="" if pages else "not_readable")


def _limited(command: list[str]) -> list[str]:
    """`command` under util-linux's prlimit (memory and CPU seconds), where it is installed: the
    limits are set in the child by a program of its own, not by Python code run between fork and
    exec in a process with threads (which may deadlock). Without prlimit, the time limit alone."""
    wrapper = shutil.which("prlimit")
    return [wrapper, f"--as={MEMORY}", f"--cpu={SECONDS}", "--", *command] if wrapper else command


def _render(data: bytes, sha256: str, folder: Path) -> None:
    """pdftoppm on the file's first pages, into the cache; how many pages came out is written
    last (0 when none could be rendered), so a half-done render is never read as done."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    tool = shutil.which("pdftoppm")
    if not tool:  # nothing is kept: the desk may get poppler later
        return
    with tempfile.TemporaryDirectory(dir=folder) as work:
        source = Path(work) / "in.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(_limited([tool, "-png", "-f", "1", "-l", str(MAX_PAGES), "-scale-to", str(WIDTH),
                                     str(source), str(Path(work) / "page")]),
                           check=False, capture_output=True, timeout=SECONDS)
        except subprocess.TimeoutExpired:
            pass
        # pdftoppm numbers pages page-1.png or page-01.png, by the document's page count
        made = sorted(Path(work).glob("page-*.png"), key=lambda p: int(p.stem.rpartition("-")[2]))
        for number, png in enumerate(made[:MAX_PAGES], start=1):
            png.replace(folder / f"{sha256}-{number}.png")
            pages = number
        marker = Path(work) / "pages"
        marker.write_text(str(pages), encoding="ascii")
        marker.replace(folder / f"{sha256}.pages")
