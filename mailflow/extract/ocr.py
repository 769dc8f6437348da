"""Reading scans: page images through OCR, in English and Chinese, inside a document's child.

The engine is RapidOCR on onnxruntime (PP-OCRv4 detection and recognition models, which come
inside its wheel: nothing is downloaded at run time). A page's skew is measured first (the
angle whose row profile of ink is sharpest); the page is read, its text boxes turned straight by
that angle and put back into lines laid out like `pdftotext -layout`, so the generic reader and
the invoice2data templates read a scan as they read a text PDF. Without the engine installed,
scans are not read and say so.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import os
import statistics
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

ENGINE = "RapidOCR (rapidocr-onnxruntime)"
MISSING = "a scan, not read: the OCR engine is not installed (rapidocr-onnxruntime)"
SWITCHED_OFF = "a scan, not read: OCR is switched off (extract.ocr in the config)"
DPI = 200  # scanned PDF pages are rendered at this resolution before reading
MAX_IMAGE_PIXELS = 40_000_000  # per page or image, unless the config says otherwise
MAX_SKEW = 5.0  # degrees either way; a page turned further is read as it is
EDGE_GUESS = 0.5  # a character at either end of a box read with less confidence is dropped
SPACE = 0.2  # a blank run in a line of text wider than this share of its height is a space
WIDE_SPACE = 0.25  # the same beside a Chinese character, whose glyph has gaps of its own
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
IMAGE_TYPES = ("image/jpeg", "image/pjpeg", "image/png", "image/tiff")
IMAGE_FORMATS = ("JPEG", "PNG", "TIFF")


class NotAnImage(Exception):
    """An image that cannot be read; `reason` is what the user sees."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def is_image(filename: str, content_type: str) -> bool:
    return filename.lower().endswith(IMAGE_SUFFIXES) or content_type.lower() in IMAGE_TYPES


def available() -> bool:
    """Whether the OCR engine can be imported here."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def engine() -> Any:
    """The engine, loaded once per process with one thread: a document's child has one core's
    share of the machine. A worker loads it before it forks its children (`preload`)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import cv2

    cv2.setNumThreads(1)
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def preload() -> None:
    if available():
        engine()


# --- images ------------------------------------------------------------------------------------


def open_pages(data: bytes, max_pixels: int, max_pages: int) -> list[Any]:
    """The pages of an image file (a TIFF may have several) as greyscale Pillow images; raises
    NotAnImage with the reason for a broken, huge or hostile file."""
    from PIL import Image, UnidentifiedImageError

    pages = []
    before, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, max_pixels  # Pillow refuses twice
    try:  # this before decoding anything
        with warnings.catch_warnings():  # between the limit and twice it: refused below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)  # no other decoder runs
        with image:
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages:
                raise NotAnImage(f"{frames} pages, more than the limit of {max_pages}")
            for index in range(frames):
                image.seek(index)
                width, height = image.size
                if width * height > max_pixels:
                    raise NotAnImage(f"{width} x {height} pixels, more than the limit of "
                                     f"{max_pixels:,} for an image")
                if min(width, height) < 8:
                    raise NotAnImage(f"{width} x {height} pixels: too small to hold text")
                pages.append(image.convert("L"))
    except Image.DecompressionBombError as exc:
        raise NotAnImage(f"more pixels than the limit of {max_pixels:,} for an image ({exc})"[:300]) from None
    except UnidentifiedImageError:
        raise NotAnImage("not an image that can be read (JPEG, PNG or TIFF)") from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
        raise NotAnImage(f"damaged image ({exc})"[:300]) from None
    finally:
        Image.MAX_IMAGE_PIXELS = before
    return pages


def pdf_pages(data: bytes, indexes: Sequence[int], max_pixels: int) -> Iterator[Any]:
    """Pages of a PDF rendered for OCR at DPI, greyscale, each within the pixel limit."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        for index in indexes:
            page = pdf[index]
            width, height = page.get_size()
            scale = DPI / 72.0
            if width * height * scale * scale > max_pixels:
                scale = math.sqrt(max_pixels / max(width * height, 1.0))
            bitmap = page.render(scale=scale, grayscale=True)
            image = bitmap.to_pil().convert("L")
            bitmap.close()
            page.close()
            yield image
    finally:
        pdf.close()


def with_images(data: bytes, indexes: Sequence[int]) -> list[int]:
    """Which of these pages of a PDF have an image placed on them (a scanned page has; a page
    left blank has not, and is not worth reading)."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument(data)
    try:
        found = []
        for index in indexes:
            page = pdf[index]
            if next(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3), None) is not None:
                found.append(index)
            page.close()
        return found
    finally:
        pdf.close()


MAX_EMBEDDED = 10  # images read in a PDF whose text a template nearly matches
MIN_EMBEDDED = (100, 16)  # pixels: smaller images (rules, bullets, dots) hold no words


def pdf_images(data: bytes, pages: int, max_pixels: int) -> dict[int, list[Any]]:
    """The images placed on a text PDF's pages, greyscale on white, top of the page first,
    by page index; at most MAX_EMBEDDED, each within the pixel limit."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c
    from PIL import Image

    found: dict[int, list[tuple[float, Any]]] = {}
    count = 0
    pdf = pypdfium2.PdfDocument(data)
    try:
        for index in range(min(pages, len(pdf))):
            page = pdf[index]
            for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
                width, height = obj.get_px_size()
                if width < MIN_EMBEDDED[0] or height < MIN_EMBEDDED[1] or width * height > max_pixels:
                    continue
                image = obj.get_bitmap(render=True).to_pil().convert("RGBA")
                white = Image.new("RGBA", image.size, (255, 255, 255, 255))
                top = -obj.get_bounds()[3]  # PDF y grows upwards
                found.setdefault(index, []).append((top, Image.alpha_composite(white, image).convert("L")))
                count += 1
                if count >= MAX_EMBEDDED:
                    break
            page.close()
            if count >= MAX_EMBEDDED:
                break
    finally:
        pdf.close()
    return {index: [image for _, image in sorted(items, key=lambda item: item[0])]
            for index, items in found.items()}


# --- deskew ------------------------------------------------------------------------------------


def skew_angle(image: Any) -> float:
    """The page's skew in degrees (counter-clockwise positive, as Pillow rotates): the angle
    at which the rows of ink are sharpest, tried in 0.2 degree steps, then 0.05 around the best."""
    import numpy as np

    small = image.convert("L")
    small.thumbnail((1000, 1000))
    pixels = np.asarray(small, dtype=np.uint8)
    ys, xs = np.nonzero(pixels < 128)
    if len(xs) < 50:
        return 0.0
    if len(xs) > 200_000:  # enough ink to measure by
        pick = np.random.default_rng(0).choice(len(xs), 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs - pixels.shape[1] / 2.0
    ys = ys.astype(np.float64)

    def sharpness(angle: float) -> float:
        radians = math.radians(angle)
        rows = ys * math.cos(radians) + xs * math.sin(radians)
        counts, _ = np.histogram(rows, bins=int(pixels.shape[0] * 1.2))
        return float(np.sum(counts.astype(np.float64) ** 2))

    coarse = max((a / 5.0 for a in range(int(-MAX_SKEW * 5), int(MAX_SKEW * 5) + 1)), key=sharpness)
    fine = max((coarse + a / 20.0 for a in range(-4, 5)), key=sharpness)
    return fine


def deskew(image: Any) -> tuple[Any, float]:
    """The page turned straight, and the angle it was turned by."""
    from PIL import Image

    angle = skew_angle(image)
    if abs(angle) < 0.05:
        return image, 0.0
    return image.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=255), angle


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One line of text as OCR found it: its rectangle in pixels, text and confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    text: str
    confidences: tuple[float, ...]
    angle: float


def read_page(image: Any) -> Page:
    """One page image through OCR, laid out as lines. The recogniser reads the page as it came
    (it straightens each text box itself, and reads a turned-back page's resampled glyphs less
    well); the boxes are then turned by the page's skew, so that a table row is one line, and
    word gaps are measured on the straightened page."""
    import numpy as np

    straight, angle = deskew(image.convert("L"))
    raw = np.asarray(image.convert("L"), dtype=np.uint8)
    result, _elapsed = engine()(np.stack([raw] * 3, axis=-1), return_word_box=True)
    pixels = np.asarray(straight, dtype=np.uint8)
    turn = _turner(angle, raw.shape[1] / 2.0, raw.shape[0] / 2.0)
    boxes = []
    for item in result or ():
        quad = [turn(p) for p in item[0]]
        text, confidence = str(item[1]), float(item[2])
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        char_boxes: list[list[tuple[float, float]]] = []
        chars: list[str] = []
        scores: list[float] = []
        if len(item) >= 6 and len(item[3]) == len(item[4]) == len(item[5]):
            char_boxes = [[turn(p) for p in b] for b in item[3]]
            chars, scores = [str(c) for c in item[4]], [float(c) for c in item[5]]
            while chars and scores[0] < EDGE_GUESS:  # a neighbour's stroke read at a box's edge
                del char_boxes[0], chars[0], scores[0]
            while chars and scores[-1] < EDGE_GUESS:
                del char_boxes[-1], chars[-1], scores[-1]
            text = "".join(chars)
        box = Box(min(xs), min(ys), max(xs), max(ys), text.strip(), confidence)
        if box.text:
            boxes.append(_with_spaces(box, pixels, char_boxes, chars))
    heights = sorted(b.height for b in boxes)
    rules = vertical_rules(pixels, 2 * heights[len(heights) // 2]) if boxes else []
    return Page(layout(boxes, rules), tuple(b.confidence for b in boxes), angle)


def vertical_rules(pixels: Any, least: float) -> list[float]:
    """The x of each vertical line ruled on the page (a table's column borders): a column of
    pixels inked without a break for at least `least` pixels, several such columns side by
    side counted once."""
    import numpy as np

    ink = pixels < 128
    counts = np.cumsum(ink, axis=0, dtype=np.int32)
    last_blank = np.maximum.accumulate(np.where(ink, 0, counts), axis=0)
    longest = (counts - last_blank).max(axis=0)
    columns = np.nonzero(longest >= max(least, 20))[0]
    rules: list[list[int]] = []
    for column in columns.tolist():
        if rules and column - rules[-1][-1] <= 2:
            rules[-1].append(column)
        else:
            rules.append([column])
    return [sum(group) / len(group) for group in rules]


def _turner(angle: float, cx: float, cy: float) -> Any:
    """Where a point of the page lands once the page is turned back by `angle` (as deskew does)."""
    radians = math.radians(angle)
    cos, sin = math.cos(radians), math.sin(radians)

    def turn(point: Sequence[float]) -> tuple[float, float]:
        x, y = float(point[0]) - cx, float(point[1]) - cy
        return cx + x * cos - y * sin, cy + x * sin + y * cos

    return turn


def _with_spaces(box: Box, pixels: Any, char_boxes: Sequence[Any], chars: Sequence[str]) -> Box:
    """The box's text with the word spaces the recogniser dropped put back: a gap in the ink
    wider than a share of the line's height (SPACE, WIDE_SPACE beside Chinese) and than twice
    the usual gap between its letters is a space, placed at the nearest boundary between the
    characters the recogniser placed."""
    import numpy as np

    if not char_boxes or len(char_boxes) != len(chars) or len(chars) < 2:
        return box
    top, bottom = max(int(box.y0), 0), min(math.ceil(box.y1), pixels.shape[0])
    left, right = max(int(box.x0), 0), min(math.ceil(box.x1), pixels.shape[1])
    if bottom - top < 4 or right - left < 4:
        return box
    ink = (pixels[top:bottom, left:right] < 128).sum(axis=0) >= 1
    columns = np.nonzero(ink)[0]
    if len(columns) < 2:
        return box
    height = bottom - top
    runs = [(left + (a + b) / 2.0, int(b - a - 1)) for a, b in itertools.pairwise(columns.tolist())
            if b - a > 1]  # (centre in page x, width) of each blank run between inked columns
    if not runs:
        return box
    usual = statistics.median(width for _, width in runs)  # between letters
    starts = [min(p[0] for p in b) for b in char_boxes]
    ends = [max(p[0] for p in b) for b in char_boxes]
    spaces: set[int] = set()
    for centre, width in runs:
        if width < max(3.0, SPACE * height, 1.8 * usual):
            continue
        nearest = min(range(1, len(chars)), key=lambda i: abs((ends[i - 1] + starts[i]) / 2.0 - centre))
        before, left_char, right_char = (chars[nearest - 2] if nearest > 1 else " "), chars[nearest - 1], chars[nearest]
        if " " in (left_char, right_char):
            continue
        if any(_wide(c) for c in (left_char, right_char)) and width < WIDE_SPACE * height:
            continue
        if left_char.isdigit() and right_char.isdigit() and width < max(WIDE_SPACE * height, 2.5 * usual):
            continue  # digits part only at a wide gap: 020 7604101, not 1,2 50
        if not _joined(before, left_char, right_char):
            spaces.add(nearest)
    text = "".join((" " if i in spaces else "") + c for i, c in enumerate(chars)).strip()
    return Box(box.x0, box.y0, box.x1, box.y1, _latin_punctuation(text), box.confidence)


def _joined(before: str, left: str, right: str) -> bool:
    """Characters never parted by a space: within a number (1,250.50), beside a hyphen or a
    slash, and before closing punctuation."""
    return ((left in ".," and before.isdigit() and right.isdigit()) or right in ".,:;%)"
            or "-" in (left, right) or "/" in (left, right)
            or left in FULL_WIDTH or right in FULL_WIDTH)


def _columns(text: str) -> int:
    """The width of text in columns, as a terminal shows it: a Chinese character takes two."""
    return sum(2 if _wide(c) else 1 for c in text)


def _wide(char: str) -> bool:
    """A CJK character or full-width sign: its glyph has blank columns of its own."""
    return ord(char) >= 0x2E80


FULL_WIDTH = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"}


def _latin_punctuation(text: str) -> str:
    """A full-width comma or colon the recogniser read between Latin letters or digits is the
    ASCII one (in Chinese text it stays as printed)."""
    if not any(c in FULL_WIDTH for c in text):
        return text
    out = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in FULL_WIDTH and before.isascii() and after.isascii():
            char = FULL_WIDTH[char]
        out.append(char)
    return "".join(out)


def layout(boxes: Sequence[Box], rules: Sequence[float] = ()) -> str:
    """Boxes put back into lines, as `layout_text` lays out a text PDF: boxes that overlap
    vertically by half the smaller height are one line, read left to right; a line starts at
    its column and the gap between boxes becomes spaces in proportion to the characters' width,
    at least two where a ruled line (`rules`, x of a table's column borders) parts them; a
    blank line marks a vertical gap of more than a line."""
    if not boxes:
        return ""
    widths = [(b.x1 - b.x0) / _columns(b.text) for b in boxes if b.text]
    char_width = max(statistics.median(widths), 1.0)
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        line = lines[-1] if lines else None
        if line is not None:
            top, bottom = min(b.y0 for b in line), max(b.y1 for b in line)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= 0.5 * min(box.height, bottom - top):
                line.append(box)
                continue
        lines.append([box])
    left = min(b.x0 for b in boxes)
    heights = sorted(b.height for b in boxes)
    line_height = max(heights[len(heights) // 2], 1.0)
    out: list[str] = []
    previous_bottom: float | None = None
    for line in lines:
        line.sort(key=lambda b: b.x0)
        top = min(b.y0 for b in line)
        if previous_bottom is not None:
            out.append("\n" * min(3, max(1, int((top - previous_bottom) / line_height) + 1)))
        text = ""
        end: float | None = None
        for box in line:
            gap = box.x0 - end if end is not None else 0.0
            hyphen = text.endswith("-") or box.text.startswith("-")
            margin = 0.5 * char_width  # a box reaches a little beyond its text
            ruled = end is not None and any(end - margin < x < box.x0 + margin for x in rules)
            if end is not None and not ruled and gap < (1.0 if hyphen else 0.3) * char_width:
                # a word cut in two
                text += box.text[1:] if text.endswith("-") and box.text.startswith("-") else box.text
            else:
                column = round((box.x0 - left) / char_width)
                least = 0 if not text else 2 if ruled or gap >= 1.5 * char_width else 1  # 2: a new column
                text += " " * max(column - _columns(text), least) + box.text
            end = box.x1
        out.append(text)
        previous_bottom = max(b.y1 for b in line)
    return "".join(out)


def read_images(pages: Sequence[Any]) -> tuple[list[str], float]:
    """(each page's text, the mean confidence of all lines read)."""
    texts: list[str] = []
    confidences: list[float] = []
    for image in pages:
        page = read_page(image)
        texts.append(page.text)
        confidences.extend(page.confidences)
    return texts, round(statistics.fmean(confidences), 3) if confidences else 0.0
