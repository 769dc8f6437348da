#!/usr/bin/env python3
"""Generate the example order mailbox in ``examples/inbox/``.

Dev-only tool.  It writes one RFC 5322 ``.eml`` file per message, the way an
order mailbox of a Chinese nonwovens exporter (Acme Nonwovens Co., Ltd.,
orders@acme.example) would hold them after delivery: real MIME structure,
real transfer encodings (base64, quoted-printable, 7bit, 8bit), real
RFC 2047 / RFC 2231 header encodings and real legacy charsets (GBK mislabelled
as gb2312, Big5, ISO-2022-JP).

Output is deterministic: fixed dates, Message-IDs, MIME boundaries and PDF
timestamps; no randomness.  Files are numbered in chronological order of
their Date headers; the one deliberately broken file (no Date) comes last.

Requirements: Python 3.11 stdlib ``email`` package, ``mimekit.py`` next to
this file (the MIME building blocks it shares with ``make_eval_set.py``), plus
``reportlab`` for the PDF attachments (a mailflow dependency).  JPEG/PNG
attachments are produced by tiny stdlib encoders below.

Usage::

    python tools/make_example_inbox.py            # writes examples/inbox/*.eml
    python tools/make_example_inbox.py --out DIR  # somewhere else
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import html
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from email.message import Message
from pathlib import Path

from mimekit import addr, attachment, encode_body, envelope, ew, leaf, multi, rfcdate, serialize, text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "examples" / "inbox"

# a pixel's colour (r, g, b) at (x, y)
Pixel = Callable[[int, int], tuple[int, int, int]]

TZ = {h: dt.timezone(dt.timedelta(hours=h)) for h in (-5, 0, 1, 8, 9)}
CST = TZ[8]  # our MX (mx.acme.example) stamps Received: headers in +0800


def when(y: int, mo: int, d: int, h: int, mi: int, s: int, tz: int) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=TZ[tz])


# ---------------------------------------------------------------------------
# Header helpers (the MIME building blocks are in mimekit.py, shared with make_eval_set.py)
# ---------------------------------------------------------------------------


def pfdate(d: dt.datetime) -> str:
    """Postfix-style date: day of month padded with a space, zone name."""
    d = d.astimezone(CST)
    return d.strftime("%a, ") + f"{d.day:2d}" + d.strftime(" %b %Y %H:%M:%S +0800 (CST)")


def qid(seed: str, n: int = 15) -> str:
    alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"
    h = hashlib.sha256(seed.encode()).digest()
    return "4" + "".join(alphabet[b % len(alphabet)] for b in h[: n - 1])


def thread_index(seed: str, replies: int = 0) -> str:
    h = hashlib.sha256(seed.encode()).digest()
    raw = b"\x01" + h[:21] + h[21:21 + 5 * replies]
    return base64.b64encode(raw).decode()


def received_ours(helo: str, host: str, ip: str, arrived: dt.datetime, seed: str,
                  rcpt: str = "orders@acme.example", proto: str = "ESMTPS") -> str:
    tls = ""
    if proto == "ESMTPS":
        tls = "\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n\t(No client certificate requested)"
    return (f"from {helo} ({host} [{ip}]){tls}\n\tby mx.acme.example (Postfix) with {proto} id {qid(seed)}\n"
            f"\tfor <{rcpt}>; {pfdate(arrived)}")


def outlook_attachment(data: bytes, mime: str, filename: str, d: dt.datetime,
                       inline_cid: str | None = None) -> Message:
    stamp = rfcdate(d.astimezone(TZ[0]).replace(tzinfo=None)).replace("-0000", "GMT")
    disp = "inline" if inline_cid else "attachment"
    extra = [("Content-Description", filename)]
    cdisp = (f'{disp}; filename="{filename}"; size={len(data)};\n\tcreation-date="{stamp}";\n'
             f'\tmodification-date="{stamp}"')
    m = leaf([("Content-Type", f'{mime}; name="{filename}"'), *extra,
              ("Content-Disposition", cdisp)], data, None)
    if inline_cid:
        m["Content-ID"] = f"<{inline_cid}>"
    m["Content-Transfer-Encoding"] = "base64"
    m.set_payload(encode_body(data, "base64"))
    return m


# ---------------------------------------------------------------------------
# HTML renderings of plain text, per mail client
# ---------------------------------------------------------------------------

def html_outlook(body: str, charset: str = "us-ascii", lang: str = "EN-US",
                 logo_cid: str | None = None) -> str:
    head = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
        'xmlns="http://www.w3.org/TR/REC-html40">\n'
        f'<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
        '<style><!--\n/* Font Definitions */\n'
        '@font-face\n\t{font-family:"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n'
        '@font-face\n\t{font-family:Calibri;\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n'
        '/* Style Definitions */\n'
        'p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0in;\n\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;}\n'
        'a:link, span.MsoHyperlink\n\t{mso-style-priority:99;\n\tcolor:#0563C1;\n\ttext-decoration:underline;}\n'
        'span.EmailStyle17\n\t{mso-style-type:personal-compose;\n\tfont-family:"Calibri",sans-serif;\n\tcolor:windowtext;}\n'
        '.MsoChpDefault\n\t{mso-style-type:export-only;\n\tfont-family:"Calibri",sans-serif;}\n'
        '@page WordSection1\n\t{size:8.5in 11.0in;\n\tmargin:1.0in 1.0in 1.0in 1.0in;}\n'
        'div.WordSection1\n\t{page:WordSection1;}\n--></style>\n</head>\n'
        f'<body lang={lang} link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'>\n'
        '<div class=WordSection1>\n')
    out = [head]
    for line in body.rstrip("\n").split("\n"):
        line = line.removeprefix("> ")
        if not line.strip():
            out.append("<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n")
        else:
            out.append(f"<p class=MsoNormal>{html.escape(line, quote=False)}<o:p></o:p></p>\n")
    if logo_cid:
        out.append('<p class=MsoNormal><img width=120 height=40 style=\'width:1.25in;height:.4166in\' '
                   f'id="Picture_x0020_1" src="cid:{logo_cid}" alt="Northwind Trading Inc."><o:p></o:p></p>\n')
    out.append("</div>\n</body>\n</html>\n")
    return "".join(out)


def html_gmail(body: str, quote_from: int | None = None) -> str:
    lines = body.rstrip("\n").split("\n")
    own = lines if quote_from is None else lines[:quote_from]
    out = ['<div dir="ltr">']
    for line in own:
        out.append("<div>%s</div>" % (html.escape(line, quote=False) or "<br>"))
    out.append("</div>")
    if quote_from is not None:
        attribution = lines[quote_from]
        quoted = [l[2:] if l.startswith("> ") else l.lstrip(">") for l in lines[quote_from + 1:]]
        out.append('<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                   f'{html.escape(attribution, quote=False)}<br></div>'
                   '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
                   'border-left:1px solid rgb(204,204,204);padding-left:1ex">')
        out.append("".join("<div>%s</div>" % (html.escape(l, quote=False) or "<br>") for l in quoted))
        out.append("</blockquote></div>")
    return "\n".join(out) + "\n"


def html_foxmail(body: str, charset: str) -> str:
    out = [(f'<html><head><meta http-equiv="content-type" content="text/html; charset={charset}">'
           '<style>body { line-height: 1.5; }body { font-size: 14px; font-family: \'Microsoft YaHei UI\'; '
           'color: rgb(0, 0, 0); line-height: 1.5; }</style></head><body>')]
    lines = body.rstrip("\n").split("\n")
    sig_at = lines.index("-- ") if "-- " in lines else len(lines)
    for line in lines[:sig_at]:
        out.append("<div><span></span>%s</div>" % (html.escape(line, quote=False) or "<br>"))
    if sig_at < len(lines):
        out.append('<hr style="width: 210px; height: 1px;" color="#b5c4df" size="1" align="left">')
        out.append('<div><span><div style="MARGIN: 10px; FONT-FAMILY: verdana; FONT-SIZE: 10pt">')
        for line in lines[sig_at + 1:]:
            out.append(f"<div>{html.escape(line, quote=False)}</div>")
        out.append("</div></span></div>")
    out.append("</body></html>")
    return "\r\n".join(out) + "\r\n"


def html_simple(body: str, charset: str = "UTF-8") -> str:
    paras = body.rstrip("\n").split("\n\n")
    out = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>',
           '<body>']
    for p in paras:
        if p.startswith(">"):
            inner = "<br>\n".join(html.escape(l.lstrip("> "), quote=False) for l in p.split("\n"))
            out.append(f'<blockquote type="cite">{inner}</blockquote>')
        else:
            out.append("<p>{}</p>".format("<br>\n".join(html.escape(l, quote=False) for l in p.split("\n"))))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Tiny stdlib image encoders (valid files, deterministic bytes)
# ---------------------------------------------------------------------------

def make_png(w: int, h: int, pixel: Pixel) -> bytes:
    rows = []
    for y in range(h):
        rows.append(b"\x00" + bytes(c for x in range(w) for c in pixel(x, y)))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def make_jpeg(w: int, h: int, pixel: Pixel, comment: bytes = b"") -> bytes:
    """Baseline JFIF, YCbCr 4:4:4, DC-only 8x8 blocks (block-average colours)."""
    assert w % 8 == 0 and h % 8 == 0
    dc_bits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # ITU T.81 Annex K.3
    dc_vals = list(range(12))
    ac_bits = [0, 1] + [0] * 14  # single symbol: EOB (0x00), code "00"
    ac_vals = [0x00]
    q = 4

    def codes(bits: list[int], vals: list[int]) -> dict[int, tuple[int, int]]:
        table: dict[int, tuple[int, int]] = {}
        code = k = 0
        for length in range(1, 17):
            for _ in range(bits[length - 1]):
                table[vals[k]] = (code, length)
                code += 1
                k += 1
            code <<= 1
        return table

    dct, act = codes(dc_bits, dc_vals), codes(ac_bits, ac_vals)

    out = bytearray()
    acc = nbits = 0

    def put(code: int, length: int) -> None:
        nonlocal acc, nbits
        acc = (acc << length) | code
        nbits += length
        while nbits >= 8:
            nbits -= 8
            byte = (acc >> nbits) & 0xFF
            out.append(byte)
            if byte == 0xFF:
                out.append(0x00)
        acc &= (1 << nbits) - 1

    pred = [0, 0, 0]
    for by in range(0, h, 8):
        for bx in range(0, w, 8):
            sums = [0.0, 0.0, 0.0]
            for y in range(by, by + 8):
                for x in range(bx, bx + 8):
                    r, g, b = pixel(x, y)
                    sums[0] += 0.299 * r + 0.587 * g + 0.114 * b
                    sums[1] += 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
                    sums[2] += 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
            for c in range(3):
                avg = sums[c] / 64.0
                dc = round(8 * (avg - 128) / q)
                diff = dc - pred[c]
                pred[c] = dc
                cat = abs(diff).bit_length()
                put(*dct[cat])
                if cat:
                    put(diff if diff > 0 else diff + (1 << cat) - 1, cat)
                put(*act[0x00])  # EOB: all AC coefficients zero
    if nbits:
        put((1 << (8 - nbits)) - 1, 8 - nbits)

    def seg(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    jfif = seg(0xE0, b"JFIF\x00\x01\x01\x01\x00\x48\x00\x48\x00\x00")
    com = seg(0xFE, comment) if comment else b""
    dqt = seg(0xDB, b"\x00" + bytes([q] * 64))
    sof = seg(0xC0, struct.pack(">BHHB", 8, h, w, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    dht = seg(0xC4, b"\x00" + bytes(dc_bits) + bytes(dc_vals) + b"\x10" + bytes(ac_bits) + bytes(ac_vals))
    sos = seg(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3F\x00")
    return b"\xFF\xD8" + jfif + com + dqt + sof + dht + sos + bytes(out) + b"\xFF\xD9"


def logo_png() -> bytes:
    def px(x: int, y: int) -> tuple[int, int, int]:
        if 6 <= x <= 30 and 6 <= y <= 33 and (x - 6) // 6 % 2 == 0:
            return (0, 84, 147)  # stylised "N" bars
        if 6 <= x <= 30 and 6 <= y <= 33 and abs((x - 6) - (y - 6)) < 3:
            return (0, 84, 147)
        if 38 <= x <= 114 and 14 <= y <= 25 and (x // 4) % 2 == 0:
            return (70, 70, 70)  # "text"
        return (255, 255, 255)
    return make_png(120, 40, px)


def photo_jpeg(variant: int) -> bytes:
    def px(x: int, y: int) -> tuple[int, int, int]:
        floor = (148 + (y // 8) * 3, 146 + (y // 8) * 3, 140 + (y // 8) * 3)
        if variant == 1:  # crushed carton on pallet
            if 16 <= x < 88 and 16 <= y < 64:
                if 48 <= x < 72 and 24 <= y < 40:
                    return (92, 66, 38)  # dent / wet area
                return (176, 134, 84)  # kraft carton
            if 8 <= x < 96 and 64 <= y < 72:
                return (120, 92, 60)  # pallet
            return floor
        # variant 2: roll on scale with display
        if 24 <= x < 80 and 8 <= y < 56:
            return (236, 236, 232)  # white roll
        if 16 <= x < 88 and 56 <= y < 72:
            return (60, 60, 64)  # scale
        if 64 <= x < 80 and 64 <= y < 72:
            return (40, 160, 60)
        return floor
    return make_jpeg(96, 72, px, comment=b"IMG_203%d" % variant)


# ---------------------------------------------------------------------------
# PDF attachments (reportlab; real, selectable text)
# ---------------------------------------------------------------------------

def _pdf_env(created: dt.datetime) -> None:
    # reportlab honours SOURCE_DATE_EPOCH for /CreationDate, /ModDate and /ID
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))


def pdf_po_4500871(created: dt.datetime) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _pdf_env(created)
    ss = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=ss["Normal"], fontSize=8.5, leading=10.5)
    cell = ParagraphStyle("cell", parent=small, fontSize=8.5)
    h = ParagraphStyle("h", parent=ss["Title"], fontSize=18, alignment=2, spaceAfter=0)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter, leftMargin=16 * mm, rightMargin=16 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm,
                            title="Purchase Order 4500871", author="Northwind Trading Inc.",
                            subject="PO 4500871", creator="Northwind ERP - PO print")
    story = []
    head = Table([[Paragraph("<b>NORTHWIND TRADING INC.</b><br/>250 Example Parkway, Suite 300<br/>"
                             "Newark, NJ 07102, USA<br/>Tel +1 973 555 0142 &middot; purchasing@northwind.example",
                             small),
                   Paragraph("PURCHASE ORDER", h)]], colWidths=[95 * mm, 88 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [head, Spacer(1, 5 * mm)]

    info = [
        ["PO No.", "4500871", "Vendor No.", "100384"],
        ["PO Date", "2026-11-10", "Buyer", "Tom Harris"],
        ["Ship Date / Delivery", "2027-01-15", "Currency", "USD"],
        ["Incoterm", "FOB Shanghai (Incoterms 2020)", "Revision", "0"],
        ["Payment Terms", "T/T 30% deposit, 70% against B/L copy", "Ship Via", "Ocean, 1 x 40'HQ"],
    ]
    t = Table(info, colWidths=[34 * mm, 70 * mm, 26 * mm, 53 * mm])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 8.5),
        ("FONT", (2, 0), (2, -1), "Helvetica-Bold", 8.5),
        ("FONT", (1, 0), (1, 0), "Helvetica-Bold", 10),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#E8EEF4")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#E8EEF4")),
    ]))
    story += [t, Spacer(1, 4 * mm)]

    parties = Table([[Paragraph("<b>Vendor</b><br/>Acme Nonwovens Co., Ltd.<br/>No. 18 Example Road, Haiyan Economic "
                                "Development Zone<br/>Jiaxing, Zhejiang 314300, China<br/>Attn: Lily Chen "
                                "(orders@acme.example)", small),
                      Paragraph("<b>Ship To</b><br/>Northwind Trading Inc. - DC West<br/>4800 Example Avenue<br/>"
                                "Ontario, CA 91761, USA<br/>Port of discharge: Los Angeles, CA", small)]],
                    colWidths=[91.5 * mm, 91.5 * mm])
    parties.setStyle(TableStyle([("BOX", (0, 0), (0, 0), 0.4, colors.grey),
                                 ("BOX", (1, 0), (1, 0), 0.4, colors.grey),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [parties, Spacer(1, 5 * mm)]

    lines = [
        ("10", "NW-SL45-P200", "Spunlace nonwoven, 45 gsm, 70% viscose / 30% PET, plain, width 200 mm, slit rolls",
         4000, "KG", "2.38"),
        ("20", "NW-SL50-E180", "Spunlace nonwoven, 50 gsm, 50% viscose / 50% PET, pearl embossed, width 180 mm",
         3000, "KG", "2.26"),
        ("30", "NW-SL40-P210", "Spunlace nonwoven, 40 gsm, 100% PET, plain, width 210 mm, slit rolls",
         2500, "KG", "1.96"),
    ]
    rows = [["Line", "Item Code", "Description", "Qty", "Unit", "Unit Price", "Amount (USD)"]]
    total = 0
    for ln, code, desc, qty, unit, price in lines:
        amount = qty * int(price.replace(".", ""))  # cents
        total += amount
        rows.append([ln, code, Paragraph(desc, cell), f"{qty:,}", unit, price,
                     f"{amount / 100:,.2f}"])
    rows.append(["", "", "", f"{sum(l[3] for l in lines):,}", "KG", "TOTAL", f"{total / 100:,.2f}"])
    assert total == 2120000
    items = Table(rows, colWidths=[11 * mm, 26 * mm, 70 * mm, 18 * mm, 11 * mm, 20 * mm, 27 * mm], repeatRows=1)
    items.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
        ("FONT", (5, -1), (-1, -1), "Helvetica-Bold", 9),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -2), 0.4, colors.grey),
        ("BOX", (3, -1), (-1, -1), 0.8, colors.black),
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
        ("ALIGN", (5, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [items, Spacer(1, 5 * mm)]

    notes = ("<b>Packing:</b> slit rolls on 3\" paper cores, each roll PE-wrapped, 2 rolls per export carton, "
             "floor-loaded (no pallets). Roll label and carton marks as per Northwind packing manual NW-PM-07.<br/>"
             "<b>Documents:</b> commercial invoice, packing list, B/L, certificate of origin, GSM test report per lot.<br/>"
             "<b>Quality:</b> GSM tolerance +/- 5%; width tolerance +/- 2 mm; pre-shipment inspection by Northwind QA "
             "(Shanghai office).<br/>"
             "This purchase order is subject to Northwind Standard Terms and Conditions of Purchase (rev. 2025). "
             "Please confirm acceptance within 3 working days by returning your proforma invoice.")
    story += [Paragraph(notes, small), Spacer(1, 10 * mm),
              Paragraph("Authorized by: <b>Tom Harris</b>, Purchasing Manager &nbsp;&nbsp;&nbsp; Date: 2026-11-10", small)]
    doc.build(story)
    return buf.getvalue()


def pdf_pi_signed(created: dt.datetime) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _pdf_env(created)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Proforma Invoice AN-PI-26-0311")
    c.setAuthor("Acme Nonwovens Co., Ltd.")
    W, H = A4
    y = H - 22 * mm
    c.setFont("Helvetica-Bold", 15)
    c.drawString(20 * mm, y, "ACME NONWOVENS CO., LTD.")
    c.setFont("Helvetica", 8.5)
    c.drawString(20 * mm, y - 5 * mm, "No. 18 Example Road, Haiyan Economic Development Zone, Jiaxing, Zhejiang 314300, China")
    c.drawString(20 * mm, y - 9 * mm, "Tel +86 573 5550 1888   orders@acme.example")
    c.setFont("Helvetica-Bold", 14)
    c.drawCentredString(W / 2, y - 22 * mm, "PROFORMA INVOICE")
    c.setFont("Helvetica", 9.5)
    rows = [("PI No.:", "AN-PI-26-0311"), ("Date:", "2026-11-09"), ("Buyer order No.:", "MH-2026-118"),
            ("Buyer:", "Müller Haushaltswaren GmbH, Industriestraße 12, 21079 Hamburg, Germany"),
            ("Terms of delivery:", "CIF Hamburg (Incoterms 2020)"),
            ("Payment:", "Irrevocable L/C at sight, 100% of invoice value"),
            ("Shipment:", "2 x 40'HQ, from Shanghai to Hamburg, latest 2027-01-20, partial shipment not allowed")]
    yy = y - 32 * mm
    for k, v in rows:
        c.setFont("Helvetica-Bold", 9.5)
        c.drawString(20 * mm, yy, k)
        c.setFont("Helvetica", 9.5)
        c.drawString(55 * mm, yy, v)
        yy -= 5.5 * mm
    yy -= 4 * mm
    cols = [20, 32, 120, 145, 170]
    c.setFillColor(colors.HexColor("#DDDDDD"))
    c.rect(20 * mm, yy - 1.8 * mm, 170 * mm, 6 * mm, fill=1, stroke=0)
    c.setFillColor(colors.black)
    c.setFont("Helvetica-Bold", 9)
    for x, t in zip(cols, ["No.", "Description", "Qty (kg)", "EUR/kg", "Amount EUR"]):
        c.drawString((x + 1) * mm, yy, t)
    items = [("1", "Spunlace nonwoven 50 gsm, 100% viscose, plain, 210 mm, art. 20-5521", 12000, "2.18"),
             ("2", "Spunlace nonwoven 60 gsm, 70% viscose/30% PET, dot embossed, 200 mm, art. 20-6014", 10000, "2.28")]
    c.setFont("Helvetica", 8.5)
    total = 0
    for no, desc, qty, price in items:
        yy -= 7 * mm
        amount = qty * int(price.replace(".", ""))
        total += amount
        c.drawString(21 * mm, yy, no)
        c.drawString(33 * mm, yy, desc[:58])
        c.drawString(33 * mm, yy - 3.8 * mm, desc[58:])
        c.drawRightString(140 * mm, yy, f"{qty:,}")
        c.drawRightString(165 * mm, yy, price)
        c.drawRightString(189 * mm, yy, f"{amount / 100:,.2f}")
        yy -= 3.8 * mm
    assert total == 4896000
    yy -= 8 * mm
    c.line(120 * mm, yy + 5 * mm, 190 * mm, yy + 5 * mm)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(121 * mm, yy, "TOTAL  22,000 kg")
    c.drawRightString(189 * mm, yy, "EUR 48,960.00")
    c.setFont("Helvetica", 8.5)
    c.drawString(20 * mm, yy - 8 * mm, "Say total: EURO FORTY-EIGHT THOUSAND NINE HUNDRED SIXTY ONLY.")
    c.drawString(20 * mm, yy - 14 * mm, "Beneficiary bank: Bank of Example, Jiaxing Branch, SWIFT EXMPCNSHJXG, "
                                        "A/C No. 3301 0000 0000 0311")
    c.drawString(20 * mm, yy - 19 * mm, "Packing: rolls on paper cores, PE film wrapped, roll labels with article no. "
                                        "and buyer order no.")
    sy = yy - 45 * mm
    c.setFont("Helvetica-Bold", 9)
    c.drawString(20 * mm, sy + 18 * mm, "The Seller")
    c.drawString(115 * mm, sy + 18 * mm, "The Buyer (accepted)")
    c.setFont("Helvetica", 9)
    c.drawString(20 * mm, sy, "Acme Nonwovens Co., Ltd. / Lily Chen")
    c.drawString(115 * mm, sy, "Müller Haushaltswaren GmbH / J. Weiß, 13.11.2026")
    c.setStrokeColor(colors.HexColor("#1A2F8A"))
    c.setLineWidth(1.1)
    p = c.beginPath()  # handwritten-looking signature
    p.moveTo(117 * mm, sy + 5 * mm)
    p.curveTo(121 * mm, sy + 14 * mm, 124 * mm, sy + 1 * mm, 128 * mm, sy + 8 * mm)
    p.curveTo(131 * mm, sy + 13 * mm, 134 * mm, sy + 2 * mm, 139 * mm, sy + 7 * mm)
    p.curveTo(143 * mm, sy + 10 * mm, 147 * mm, sy + 4 * mm, 156 * mm, sy + 6 * mm)
    c.drawPath(p, stroke=1, fill=0)
    c.circle(168 * mm, sy + 9 * mm, 10 * mm, stroke=1, fill=0)  # company stamp
    c.setFillColor(colors.HexColor("#1A2F8A"))
    c.setFont("Helvetica-Bold", 6)
    c.drawCentredString(168 * mm, sy + 10.5 * mm, "MÜLLER")
    c.drawCentredString(168 * mm, sy + 7.5 * mm, "HAUSHALTSWAREN")
    c.drawCentredString(168 * mm, sy + 4.5 * mm, "GmbH HAMBURG")
    c.setStrokeColor(colors.black)
    c.line(20 * mm, sy - 2 * mm, 90 * mm, sy - 2 * mm)
    c.line(115 * mm, sy - 2 * mm, 185 * mm, sy - 2 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_bank_slip(created: dt.datetime) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _pdf_env(created)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Outgoing Wire Transfer - Customer Copy")
    _W, H = A4
    y = H - 25 * mm
    c.setFont("Helvetica-Bold", 14)
    c.drawString(20 * mm, y, "EXAMPLE NATIONAL BANK")
    c.setFont("Helvetica", 9)
    c.drawString(20 * mm, y - 5 * mm, "Global Payments - Outgoing Wire Transfer Confirmation (Customer Copy)")
    fields = [
        ("Transaction reference", "FT26320BX9K4"),
        ("UETR", "6f1c2a94-3b7d-4e58-9a0c-2d5e8b71c4f3"),
        ("Value date", "2026-11-16"),
        ("Debit account", "Northwind Trading Inc.  ****4471"),
        ("Amount", "USD 6,360.00"),
        ("Charges", "SHA"),
        ("Beneficiary", "ACME NONWOVENS CO., LTD."),
        ("Beneficiary account", "3301 0000 0000 0311"),
        ("Beneficiary bank", "BANK OF EXAMPLE, JIAXING BRANCH  (SWIFT EXMPCNSHJXG)"),
        ("Intermediary bank", "EXAMPLE NATIONAL BANK, NEW YORK"),
        ("Remittance information", "PO 4500871 30PCT DEPOSIT"),
        ("Status", "COMPLETED - sent via SWIFT MT103"),
    ]
    yy = y - 18 * mm
    for k, v in fields:
        c.setFont("Helvetica-Bold", 9.5)
        c.drawString(20 * mm, yy, k)
        c.setFont("Courier", 9.5)
        c.drawString(70 * mm, yy, v)
        yy -= 6.5 * mm
    c.setFont("Helvetica-Oblique", 7.5)
    c.drawString(20 * mm, yy - 6 * mm, "This confirmation is computer generated and requires no signature.")
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_draft_bl(created: dt.datetime) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _pdf_env(created)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("DRAFT B/L EXLSHA26110457")
    W, H = A4
    c.saveState()
    c.setFillColor(colors.HexColor("#E6E6E6"))
    c.setFont("Helvetica-Bold", 110)
    c.translate(W / 2, H / 2)
    c.rotate(40)
    c.drawCentredString(0, -30, "DRAFT")
    c.restoreState()
    c.setFont("Helvetica-Bold", 13)
    c.drawString(15 * mm, H - 18 * mm, "BILL OF LADING (DRAFT - FOR CHECKING ONLY)")
    c.setFont("Helvetica", 8.5)
    c.drawString(15 * mm, H - 23 * mm, "Issued by Example Logistics (Ningbo) Co., Ltd. as agent for the carrier    "
                                        "B/L No. EXLSHA26110457   Booking No. 261873945")
    boxes = [
        ("Shipper", ["ACME NONWOVENS CO., LTD.", "NO. 18 EXAMPLE ROAD, HAIYAN ECONOMIC DEV. ZONE",
                     "JIAXING, ZHEJIANG 314300, CHINA"]),
        ("Consignee", ["NORTHWIND TRADING INC.", "250 EXAMPLE PARKWAY, SUITE 300", "NEWARK, NJ 07102, USA"]),
        ("Notify party", ["SAME AS CONSIGNEE", "AND: EXAMPLE CUSTOMS BROKERAGE LLC, LONG BEACH, CA"]),
        ("Vessel / Voyage", ["MAERSK KESTREL / 648E"]),
        ("Port of loading / Port of discharge", ["SHANGHAI, CHINA / LOS ANGELES, CA, USA"]),
        ("Place of delivery", ["ONTARIO, CA (CY)"]),
    ]
    y = H - 32 * mm
    for title, lines in boxes:
        hgt = (len(lines) + 1) * 4.4 * mm + 2 * mm
        c.rect(15 * mm, y - hgt, 180 * mm, hgt)
        c.setFont("Helvetica-Bold", 7.5)
        c.drawString(17 * mm, y - 4 * mm, title)
        c.setFont("Courier", 9)
        for i, line in enumerate(lines):
            c.drawString(17 * mm, y - (8.4 + 4.4 * i) * mm, line)
        y -= hgt
    y -= 4 * mm
    c.setFont("Helvetica-Bold", 7.5)
    for x, t in [(15, "Container / Seal No."), (62, "Marks & Nos."), (100, "No. of pkgs / Description of goods"),
                 (160, "Gross weight"), (182, "CBM")]:
        c.drawString(x * mm, y, t)
    c.line(15 * mm, y - 1.5 * mm, 195 * mm, y - 1.5 * mm)
    c.setFont("Courier", 8.5)
    rows = [
        ("MSKU1234565", "NORTHWIND", "660 CARTONS", "10,280.00 KGS", "66.000"),
        ("SEAL ML-CN7712345", "PO 4500871", "SPUNLACE NONWOVEN FABRIC", "", ""),
        ("1 X 40'HQ CY/CY", "ITEM NO.", "(45/50/40 GSM, SLIT ROLLS)", "", ""),
        ("", "MADE IN CHINA", "HS CODE 5603.12", "", ""),
        ("", "C/NO. 1-660", "SHIPPER'S LOAD, COUNT AND SEAL", "", ""),
    ]
    for i, (a, b, d, e, f) in enumerate(rows):
        yy = y - (6 + 4.4 * i) * mm
        c.drawString(15 * mm, yy, a)
        c.drawString(62 * mm, yy, b)
        c.drawString(100 * mm, yy, d)
        c.drawString(158 * mm, yy, e)
        c.drawString(182 * mm, yy, f)
    yy = y - 36 * mm
    c.setFont("Courier", 8.5)
    c.drawString(15 * mm, yy, "FREIGHT COLLECT    SHIPPED ON BOARD: TBA (ETD 2026-12-05)    PLACE OF ISSUE: SHANGHAI")
    c.drawString(15 * mm, yy - 5 * mm, "NUMBER OF ORIGINAL B/L: THREE (3)    SAY: SIX HUNDRED SIXTY (660) CARTONS ONLY")
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_order_details_cn(created: dt.datetime) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    _pdf_env(created)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("PO 4500871 订单明细")
    _W, H = A4
    y = H - 25 * mm
    c.setFont("STSong-Light", 15)
    c.drawString(20 * mm, y, "订单明细 / Order details  PO 4500871")
    c.setFont("STSong-Light", 10)
    lines = [
        "客户：Northwind Trading Inc.        供应商：Acme Nonwovens Co., Ltd.",
        "贸易条款：FOB 上海      付款：T/T 30% 定金，70% 见提单副本",
        "出货要求：尽早出运，目标 2026年12月第一周开船（原PO交期 2027-01-15）",
        "",
        "行号  货号            规格                                  数量(kg)  单价USD",
        "10    NW-SL45-P200    45克 70%粘胶/30%涤纶 平纹 200mm       4,000    2.38",
        "20    NW-SL50-E180    50克 50%粘胶/50%涤纶 珍珠纹 180mm      3,000    2.26",
        "30    NW-SL40-P210    40克 100%涤纶 平纹 210mm              2,500    1.96",
        "合计                                                        9,500    USD 21,200.00",
        "",
        "包装：3寸纸管，每卷PE膜包装，每箱2卷；纸箱两侧印唛（见 CON.pdf）",
        "唛头：NORTHWIND LOGO / PO 4500871 / 客户货号 / MADE IN CHINA / C/NO.",
        "出货前验货：Northwind 上海办 QA，提前5个工作日预约",
    ]
    for i, line in enumerate(lines):
        c.drawString(20 * mm, y - (12 + 6.5 * i) * mm, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_carton_marks(created: dt.datetime) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _pdf_env(created)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=landscape(A4))
    c.setTitle("Carton marking - confirmed artwork")
    _W, H = landscape(A4)
    c.setFont("Helvetica-Bold", 13)
    c.drawString(20 * mm, H - 20 * mm, "CARTON MARKING - CONFIRMED ARTWORK (CON)   PO 4500871   rev. B")
    for i, side in enumerate(["Side A (long side)", "Side B (short side)"]):
        x = 20 * mm + i * 135 * mm
        c.rect(x, 40 * mm, 120 * mm, 120 * mm)
        c.setFont("Helvetica", 8)
        c.drawString(x, 163 * mm, side)
        c.setFont("Helvetica-Bold", 16)
        c.drawCentredString(x + 60 * mm, 140 * mm, "NORTHWIND")
        c.setFont("Helvetica", 11)
        for j, t in enumerate(["PO NO.: 4500871", "CUSTOMER ITEM: SW-BABY-72", "NET WT: ____ KG  GROSS WT: ____ KG",
                               "C/NO.: ___ OF 660", "MADE IN CHINA"]):
            c.drawCentredString(x + 60 * mm, (122 - 14 * j) * mm, t)
    c.setFont("Helvetica-Oblique", 8)
    c.drawString(20 * mm, 28 * mm, "Print in black, flexo, 1 colour. Logo height 40 mm. Both long sides Side A, "
                                   "both short sides Side B.")
    c.showPage()
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------

ACME_SIG_LILY = """Lily Chen
Merchandiser | Export Sales
Acme Nonwovens Co., Ltd.
No. 18 Example Road, Haiyan Economic Development Zone, Jiaxing, Zhejiang 314300, China
Tel +86 573 5550 1888 | Mob +86 139 0000 5521
orders@acme.example | www.acme.example"""

NW_SIG_TOM = """Tom Harris
Purchasing Manager - Household
Northwind Trading Inc.
250 Example Parkway, Suite 300 | Newark, NJ 07102 | USA
T +1 973 555 0142 | M +1 201 555 0199
tom.harris@northwind.example"""

Built = tuple[dt.datetime, str, Message, str]  # date, file name slug, message, Message-ID
MSG: list[Callable[[], Built]] = []


def message(fn: Callable[[], Built]) -> Callable[[], Built]:
    MSG.append(fn)
    return fn


# -- Northwind RFQ (new buyer, Outlook / Exchange) ---------------------------
@message
def m_rfq_northwind() -> Built:
    d = when(2026, 11, 2, 9, 14, 9, -5)
    mid = "<SJ0PR17MB54320C4A9B1E2D3F6A7B8C9D0E1F2A3B4C5@SJ0PR17MB5432.namprd17.prod.outlook.example>"
    body = """Hi,

My name is Rachel Kim and I recently joined Northwind Trading as Category Buyer for personal care. My colleague Tom Harris in our household team gave me your contact.

We are developing a private-label baby wipes line for a US retail customer and would like to request a quotation for the following spunlace nonwoven roll goods:

1. 45 gsm, 70% viscose / 30% polyester, plain (flat), width 200 mm, slit rolls
2. 50 gsm, 50% viscose / 50% polyester, cross-lapped, pearl embossed, width 180 mm
3. 55 gsm, 100% lyocell (or bamboo viscose), plain, width 210 mm - please quote as an option

Estimated annual volume is 180-220 metric tons, with a first order of roughly one 40'HQ per item.

Could you please let us know:
- Unit price in USD/kg, FOB Shanghai (and CIF Los Angeles if possible)
- MOQ per item and per pattern
- Lead time for the first order and for repeat orders
- Packing details (rolls per carton or pallet, kg per 40'HQ)
- Available certifications (OEKO-TEX Standard 100, ISO 9001, FSC for the lyocell option)

We would also appreciate a few A4 swatches of each quality for our internal evaluation.

It would be great to receive your quotation by November 13 if possible.

Best regards,

Rachel Kim
Category Buyer - Personal Care
Northwind Trading Inc.
250 Example Parkway, Suite 300 | Newark, NJ 07102 | USA
T +1 973 555 0167
rachel.kim@northwind.example
"""
    alt = multi("alternative", "_000_SJ0PR17MB54320C4A9B1E2D3F6A7B8C9D0E1F2A3B4C5SJ0PR17MB5432namp_",
                [text(body, charset="us-ascii", cte="quoted-printable"),
                 text(html_outlook(body), "html", "us-ascii", "quoted-printable")], fold=True)
    hdrs = [
        ("Return-Path", "<rachel.kim@northwind.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.northwind.example", "mail.northwind.example", "192.0.2.25",
                                   d + dt.timedelta(seconds=3), "rfq")),
        ("Received", ("from SJ0PR17MB5432.namprd17.prod.outlook.example ([fe80::3c1a:8b2f:91d4:7e6a]) by\n"
                     " SJ0PR17MB5432.namprd17.prod.outlook.example ([fe80::3c1a:8b2f:91d4:7e6a%4]) with mapi id\n"
                     " 15.20.8207.017; Mon, 2 Nov 2026 14:14:09 +0000")),
        ("From", "Rachel Kim <rachel.kim@northwind.example>"),
        ("To", '"orders@acme.example" <orders@acme.example>'),
        ("CC", "Tom Harris <tom.harris@northwind.example>"),
        ("Subject", "RFQ - Spunlace nonwoven fabric for baby wipes (private label)"),
        ("Thread-Topic", "RFQ - Spunlace nonwoven fabric for baby wipes (private label)"),
        ("Thread-Index", thread_index("rfq")),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("Accept-Language", "en-US"),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", ""),
        ("X-MS-TNEF-Correlator", ""),
    ]
    return d, "rfq-northwind-spunlace", envelope(hdrs, alt), mid


# -- HK buyer inquiry, UTF-8, Google Workspace ------------------------------
@message
def m_inquiry_hk() -> Built:
    d = when(2026, 11, 3, 10, 22, 37, 8)
    mid = "<CAHk3fV0q8sJx2bN7mTt1pQe9Lr4yWd6uZc5Gn+8aRkP3vE2hXg@mail.gmail.example>"
    body = """Lily 你好，

希望一切都好！

我们欧洲的湿巾客户新开发了一款婴儿湿巾和一款厨房清洁巾，需要以下两个规格的水刺无纺布，麻烦帮忙询价：

1. 40克 平纹 涤粘 30/70，门幅 180mm，卷径不超过 600mm，3寸纸管
2. 55克 珍珠纹 全涤（100% PET），门幅 200mm，卷径不超过 800mm

每个规格首单大约 5 吨，之后正常每月 1 个 40HQ 左右。

请报 FOB 上海 价格（USD/kg），并告知：
- MOQ（每个规格 / 每个花纹）
- 交期（首单及返单）
- 付款方式，还是和之前一样 30% 定金、70% 见提单副本可以吗？
- 可否提供 OEKO-TEX 100 证书和最新的检测报告？

客户比较急，麻烦这周内报价，谢谢！

Best regards,
Karen

--
梁嘉欣 Karen Leung
采购部 Purchasing Dept.
港丰贸易有限公司 Kong Fung Trading Co., Ltd.
香港九龙观塘示例道88号示例中心12楼1203室
Tel: +852 5550 1234  |  WhatsApp: +852 5550 8876
karen.leung@kongfung.example
"""
    alt = multi("alternative", "000000000000a3f51c0618e2b7d4", [
        text(body, charset="UTF-8", cte="base64", ct='text/plain; charset="UTF-8"'),
        text(html_gmail(body), "html", "UTF-8", "base64", ct='text/html; charset="UTF-8"'),
    ], fold=False, quote_boundary=True)
    subject = "询价 - 水刺无纺布 40克平纹 / 55克珍珠纹（请报价）"
    hdrs = [
        ("Return-Path", "<karen.leung@kongfung.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail-sor-f41.google.example", "mail-sor-f41.google.example", "198.51.100.41",
                                   d + dt.timedelta(seconds=2), "hk-inq")),
        ("MIME-Version", "1.0"),
        ("From", addr("梁嘉欣 Karen Leung", "karen.leung@kongfung.example", "UTF-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("Subject", ew(subject, "UTF-8")),
        ("To", "orders@acme.example"),
        ("Cc", "Lily Chen <lily.chen@acme.example>"),
    ]
    msg = envelope(hdrs, alt, mime_version=None)
    return d, "inquiry-hk-utf8", msg, mid


# -- Mainland trading company, GBK bytes labelled gb2312 (Foxmail) ----------
@message
def m_inquiry_gbk() -> Built:
    d = when(2026, 11, 4, 14, 5, 20, 8)
    mid = "<202611041405208639617@nbjuntai.example>"
    body = """Lily 您好：

我是宁波珺泰进出口有限公司的陈喆，之前在上海国际非织造布展上拿过贵司的名片。

我司有一个中东客户需要水刺无纺布做清洁湿巾，请帮忙报价：

品名：水刺无纺布（全涤 / 涤粘）
规格：
  1）45克，全涤，平纹，门幅 210mm
  2）50克，涤粘 50/50，网孔，门幅 180mm
数量：每个规格约 8 吨，首单先走 1 个 40HQ 混装
包装：3寸纸管，每卷PE膜，外加编织袋
贸易条款：FOB 宁波 或 上海，请分别报价
交期：客户要求 12 月中旬前出运

另外麻烦提供每个规格 A4 样布 5 张，寄到我司：宁波市鄞州区堃源路 168 号 珺泰大厦 9 楼，陈喆 收。

请报最低价、最小起订量和交货期。我们长期做中东、非洲市场，价格合适后续订单稳定。

谢谢！

--
陈喆
宁波珺泰进出口有限公司
业务二部  经理
电话：0574-5550 6688   手机：137 0000 2468
邮箱：chenzhe@nbjuntai.example
（同事：李镕 lirong@nbjuntai.example）
"""
    for ch in "喆珺堃镕":
        assert ch in body
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            pass
        else:
            raise AssertionError(ch)
    alt = multi("alternative", "----=_001_NextPart572182624333_=----", [
        text(body, charset="gb2312", codec="gbk", cte="base64"),
        text(html_foxmail(body, "gb2312"), "html", "gb2312", "base64", codec="gbk"),
    ], fold=True, preamble="This is a multi-part message in MIME format.\n")
    subject = "询价：全涤/涤粘水刺无纺布 45克 50克——珺泰 陈喆"
    hdrs = [
        ("Return-Path", "<chenzhe@nbjuntai.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("smtp.nbjuntai.example", "unknown", "203.0.113.88",
                                   d + dt.timedelta(seconds=6), "gbk")),
        ("Date", "Wed, 4 Nov 2026 14:05:20 +0800"),
        ("From", addr("陈喆", "chenzhe@nbjuntai.example", "gb2312", codec="gbk")),
        ("To", '"orders" <orders@acme.example>'),
        ("Subject", ew(subject, "gb2312", codec="gbk")),
        ("X-Priority", "3"),
        ("X-GUID", "5F2C9A1E-7B3D-4C8E-9F6A-0D1B2C3E4F5A"),
        ("X-Has-Attach", "no"),
        ("X-Mailer", "Foxmail 7.2.25.228[cn]"),
    ]
    msg = envelope(hdrs, alt, mime_version="Mime-Version", after_mime=[("Message-ID", mid)])
    return d, "inquiry-gbk-labelled-gb2312", msg, mid


# -- Müller sample request (Thunderbird, 8bit UTF-8) -------------------------
@message
def m_sample_mueller() -> Built:
    d = when(2026, 11, 4, 16, 40, 55, 1)
    mid = "<7c3e9a52-1f4b-4d8e-b6a0-2e9f1c7d5b38@mueller-hw.example>"
    body = """Dear Ms Chen,

thank you for your quotation of 28 October for the bamboo viscose qualities.

For our new "EcoClean" kitchen-wipe range we would like to evaluate two qualities before we decide on a trial order. Could you please send us samples of:

- 50 gsm, 100% bamboo viscose, plain, width 210 mm
- 60 gsm, 70% viscose / 30% PET, dot embossed, width 200 mm

2 rolls of each quality (approx. 5 kg per roll) plus 10 A4 cut pieces each, together with the technical data sheet and your current OEKO-TEX certificate.

Please send the samples by DHL Express on our account:
DHL Express account no. 961234567 (receiver pays duties and freight)

Delivery address:
Müller Haushaltswaren GmbH
z. Hd. Frau Anna Schmidt, Qualitätssicherung
Industriestraße 12
21079 Hamburg
Germany

Please mark the proforma invoice "Samples of no commercial value" and send me the AWB number once dispatched.

Mit freundlichen Grüßen / Best regards

Jürgen Weiß
Einkauf / Purchasing
Müller Haushaltswaren GmbH
Industriestraße 12 · 21079 Hamburg · Germany
Tel. +49 40 5550 1180
www.mueller-hw.example

Müller Haushaltswaren GmbH · Sitz Hamburg · Amtsgericht Hamburg HRB 000000
Geschäftsführer: Klaus Müller
"""
    alt = multi("alternative", "------------4B2nZ0v8y1m3Qd7Hc6Ws5Xe9", [
        text(body, charset="UTF-8", cte="8bit", ct="text/plain; charset=UTF-8; format=flowed"),
        text(html_simple(body), "html", "UTF-8", "8bit", ct="text/html; charset=UTF-8"),
    ], fold=False, preamble="This is a multi-part message in MIME format.\n")
    hdrs = [
        ("Return-Path", "<j.weiss@mueller-hw.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mx01.mueller-hw.example", "mx01.mueller-hw.example", "198.51.100.12",
                                   d + dt.timedelta(seconds=4), "mueller-sample")),
        ("Message-ID", mid),
        ("Date", rfcdate(d)),
        ("MIME-Version", "1.0"),
        ("User-Agent", "Mozilla Thunderbird"),
        ("Content-Language", "en-US"),
        ("To", "orders@acme.example"),
        ("Cc", "Lily Chen <lily.chen@acme.example>, Anna Schmidt <a.schmidt@mueller-hw.example>"),
        ("From", addr("Jürgen Weiß", "j.weiss@mueller-hw.example", "UTF-8", "Q")),
        ("Subject", "Sample request - spunlace wipes fabric (bamboo viscose)"),
    ]
    msg = envelope(hdrs, alt, mime_version=None)
    return d, "sample-request-mueller", msg, mid


# -- Taiwanese sample request, Big5 (Outlook zh-TW) --------------------------
@message
def m_sample_tw_big5() -> Built:
    d = when(2026, 11, 5, 11, 30, 16, 8)
    mid = "<003a01dd4e2b$8f1c2d40$ad5487c0$@hongsheng.example>"
    body = """Lily 您好：

我是宏昇實業的許雅婷，感謝上週提供的報價。

我們的客戶（台灣的濕紙巾品牌）想先評估兩款水針不織布，請協助寄送樣品：

1. 40g/m2 平紋，黏膠 70% / 聚酯 30%，幅寬 200mm：樣品 1 卷（約 3 公斤）
2. 55g/m2 珍珠紋，100% 聚酯，幅寬 180mm：A4 樣布 20 張

如果 55g 珍珠紋目前沒有現貨，麻煩幫我們打樣，並告知打樣費用及打樣時間。

樣品請用我司 FedEx 帳號寄出（運費到付）：
FedEx 帳號：609123458
收件人：許雅婷
地址：台灣 新北市 新莊區 示例路 25 號 3 樓  宏昇實業股份有限公司
電話：+886 2 5550 3721

寄出後請提供追蹤號碼，謝謝！

許雅婷 Tina Hsu
業務部 採購專員
宏昇實業股份有限公司 Hong Sheng Industrial Co., Ltd.
TEL: +886 2 5550 3721  FAX: +886 2 5550 3722
tina.hsu@hongsheng.example
"""
    assert "許" in body and "功" not in body
    alt = multi("alternative", "----=_NextPart_000_003B_01DD4E6E.9D3F6E40", [
        text(body, charset="big5", cte="quoted-printable"),
        text(html_outlook(body, "big5", "ZH-TW"), "html", "big5", "quoted-printable"),
    ], fold=True, preamble="This is a multipart message in MIME format.\n")
    subject = "索取樣品：水針不織布 40g 平紋 / 55g 珍珠紋（打樣需求）"
    hdrs = [
        ("Return-Path", "<tina.hsu@hongsheng.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.hongsheng.example", "mail.hongsheng.example", "203.0.113.17",
                                   d + dt.timedelta(seconds=5), "big5")),
        ("From", addr("許雅婷", "tina.hsu@hongsheng.example", "big5")),
        ("To", "<orders@acme.example>"),
        ("Subject", ew(subject, "big5")),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("X-Mailer", "Microsoft Outlook 16.0"),
        ("Thread-Index", thread_index("big5")),
        ("Content-Language", "zh-tw"),
    ]
    return d, "sample-request-tw-big5", envelope(hdrs, alt), mid


# -- Japanese inquiry, ISO-2022-JP (Becky!) ----------------------------------
JP_MID = "<20261106104812.5E3A.4B7C2D91@sakura-shoji.example>"


@message
def m_inquiry_jp() -> Built:
    d = when(2026, 11, 6, 10, 48, 12, 9)
    body = """Acme Nonwovens Co., Ltd.
ご担当者様

突然のご連絡失礼いたします。
株式会社さくら商事　資材部の佐藤と申します。

弊社では化粧用コットンパフおよびフェイスマスク向けの
スパンレース不織布の新規調達先を探しており、
貴社ウェブサイトを拝見してご連絡いたしました。

下記仕様にてお見積りをお願いできますでしょうか。

・素材：レーヨン１００％（またはレーヨン７０％／ポリエステル３０％）
・目付：６０ｇ／ｍ２
・幅：２００ｍｍ（スリット巻）
・数量：初回　約３トン、その後　月間　約５トン
・価格条件：ＦＯＢ上海およびＣＩＦ東京（米ドル建て）

あわせて、最小ロット、納期、品質証明書（OEKO-TEX等）の有無も
ご教示いただけますと幸いです。

お忙しいところ恐れ入りますが、１１月２０日までにご回答いただけますと
大変助かります。

何卒よろしくお願い申し上げます。

――――――――――――――――――――――
株式会社さくら商事　資材部
佐藤　健一（Kenichi Sato）
〒103-0000　東京都中央区日本橋示例町1-2-3
TEL：03-5550-2741　FAX：03-5550-2742
E-mail：k.sato@sakura-shoji.example
――――――――――――――――――――――
"""
    part = text(body, charset="ISO-2022-JP", codec="iso2022_jp", cte="7bit",
                ct="text/plain; charset=ISO-2022-JP")
    subject = "スパンレース不織布のお見積り依頼（株式会社さくら商事）"
    hdrs = [
        ("Return-Path", "<k.sato@sakura-shoji.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.sakura-shoji.example", "mail.sakura-shoji.example", "203.0.113.45",
                                   d + dt.timedelta(seconds=3), "jp")),
        ("Date", rfcdate(d)),
        ("From", addr("佐藤 健一", "k.sato@sakura-shoji.example", "ISO-2022-JP", codec="iso2022_jp")),
        ("To", "orders@acme.example"),
        ("Subject", ew(subject, "ISO-2022-JP", codec="iso2022_jp")),
        ("Message-Id", JP_MID),
        ("X-Mailer", "Becky! ver. 2.81.05 [ja]"),
    ]
    return d, "inquiry-jp-iso2022jp", envelope(hdrs, part), JP_MID


# -- Bounce (Postfix DSN) of our quotation to the Japanese buyer -------------
@message
def m_bounce() -> Built:
    d = when(2026, 11, 9, 16, 20, 41, 8)
    q_in = qid("bounce-orig")
    q_dsn = qid("bounce-dsn")
    mid = f"<20261109082041.{q_dsn}@mx.acme.example>"
    orig_subject = "Re: " + "スパンレース不織布のお見積り依頼（株式会社さくら商事）"
    notification = """This is the mail system at host mx.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<k.satou@sakura-shoji.example>: host mail.sakura-shoji.example[203.0.113.45]
    said: 550 5.1.1 <k.satou@sakura-shoji.example>: Recipient address
    rejected: User unknown in virtual mailbox table (in reply to RCPT TO
    command)
"""
    per_msg = Message()
    per_msg["Reporting-MTA"] = "dns; mx.acme.example"
    per_msg["X-Postfix-Queue-ID"] = q_in
    per_msg["X-Postfix-Sender"] = "rfc822; orders@acme.example"
    per_msg["Arrival-Date"] = pfdate(d - dt.timedelta(seconds=3))
    per_rcpt = Message()
    per_rcpt["Final-Recipient"] = "rfc822; k.satou@sakura-shoji.example"
    per_rcpt["Original-Recipient"] = "rfc822;k.satou@sakura-shoji.example"
    per_rcpt["Action"] = "failed"
    per_rcpt["Status"] = "5.1.1"
    per_rcpt["Remote-MTA"] = "dns; mail.sakura-shoji.example"
    per_rcpt["Diagnostic-Code"] = ("smtp; 550 5.1.1 <k.satou@sakura-shoji.example>:\n"
                                   "    Recipient address rejected: User unknown in virtual mailbox table")
    status = Message()
    status["Content-Description"] = "Delivery report"
    status["Content-Type"] = "message/delivery-status"
    status.set_payload([per_msg, per_rcpt])

    sent = d - dt.timedelta(seconds=4)
    returned = "\n".join([
        "Return-Path: <orders@acme.example>",
        "Received: from [192.168.10.23] (unknown [198.51.100.77])",
        "\t(Authenticated sender: orders@acme.example)",
        f"\tby mx.acme.example (Postfix) with ESMTPSA id {q_in}",
        f"\tfor <k.satou@sakura-shoji.example>; {pfdate(sent)}",
        "Message-ID: <b81f2c47-5d0e-4a9b-8c3d-6e1f7a2b9c04@acme.example>",
        f"Date: {rfcdate(sent)}",
        "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird",
        "Subject: " + ew(orig_subject, "UTF-8", maxlen=70, fold="\n "),
        "To: " + addr("佐藤 健一", "k.satou@sakura-shoji.example", "UTF-8"),
        "Cc: Lily Chen <lily.chen@acme.example>",
        "References: " + JP_MID,
        "In-Reply-To: " + JP_MID,
        "From: " + addr("Lily Chen | Acme Nonwovens", "orders@acme.example"),
        "Content-Language: en-US",
        "Content-Type: multipart/mixed; boundary=\"------------0uC2mV7xRk4bLq9Zs1Ty8Hf3\"",
        "",
    ])
    parts = [
        text(notification, charset="us-ascii", cte="8bit",
             ct="text/plain; charset=us-ascii", extra=[("Content-Description", "Notification")]),
        status,
        text(returned, cte="8bit", ct="text/rfc822-headers",
             extra=[("Content-Description", "Undelivered Message Headers")]),
    ]
    # Postfix puts Content-Description before Content-Type; reorder
    for p in (parts[0], parts[2]):
        items = p.items()
        for k in list(p.keys()):
            del p[k]
        for k, v in sorted(items, key=lambda kv: kv[0] != "Content-Description"):
            p[k] = v
    rep = multi("report", f"{q_dsn}.1794213641/mx.acme.example", parts,
                params="; report-type=delivery-status", fold=True,
                preamble="This is a MIME-encapsulated message.\n",
                extra=[("Content-Transfer-Encoding", "8bit")])
    hdrs = [
        ("Return-Path", "<>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", f"by mx.acme.example (Postfix)\n\tid {q_dsn}; {pfdate(d)}"),
        ("Date", pfdate(d)),
        ("From", "MAILER-DAEMON@mx.acme.example (Mail Delivery System)"),
        ("Subject", "Undelivered Mail Returned to Sender"),
        ("To", "orders@acme.example"),
        ("Auto-Submitted", "auto-replied"),
    ]
    msg = envelope(hdrs, rep)
    msg["Message-Id"] = mid
    return d, "bounce-undelivered", msg, mid


# -- Northwind PO with PDF (Outlook, inline logo) -----------------------------
PO_MID = "<SJ0PR17MB5432B7E1F09A4C2D8E3F5A6B7C8D9E0F1A2@SJ0PR17MB5432.namprd17.prod.outlook.example>"


@message
def m_po_northwind() -> Built:
    d = when(2026, 11, 10, 8, 47, 31, -5)
    body = """Hi Lily,

Please find attached our PO 4500871 for the spring season wipes program.

3 items, 9,500 kg in total, FOB Shanghai, T/T 30% deposit and 70% against B/L copy as agreed. Requested ship date is January 15. Pricing is as per your quotation from last week.

Please confirm receipt and send us your proforma invoice, so our AP team can release the deposit. Carton marking will follow the Northwind packing manual as usual; our Shanghai office will send you the artwork.

Thank you and best regards,

""" + NW_SIG_TOM + "\n"
    logo_cid = "image001.png@01DD51A2.3C4B5D60"
    alt = multi("alternative", "_000_SJ0PR17MB5432B7E1F09A4C2D8E3F5A6B7C8D9E0F1A2SJ0PR17MB5432namp_", [
        text(body, charset="us-ascii", cte="quoted-printable"),
        text(html_outlook(body, logo_cid=logo_cid), "html", "us-ascii", "quoted-printable"),
    ])
    related = multi("related", "_004_SJ0PR17MB5432B7E1F09A4C2D8E3F5A6B7C8D9E0F1A2SJ0PR17MB5432namp_", [
        alt, outlook_attachment(logo_png(), "image/png", "image001.png", d, inline_cid=logo_cid)],
        params=';\n\ttype="multipart/alternative"')
    pdf = pdf_po_4500871(d - dt.timedelta(minutes=12))
    mixed = multi("mixed", "_005_SJ0PR17MB5432B7E1F09A4C2D8E3F5A6B7C8D9E0F1A2SJ0PR17MB5432namp_", [
        related, outlook_attachment(pdf, "application/pdf", "PO_4500871.pdf", d)])
    hdrs = [
        ("Return-Path", "<tom.harris@northwind.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.northwind.example", "mail.northwind.example", "192.0.2.25",
                                   d + dt.timedelta(seconds=4), "po")),
        ("Received", ("from SJ0PR17MB5432.namprd17.prod.outlook.example ([fe80::3c1a:8b2f:91d4:7e6a]) by\n"
                     " SJ0PR17MB5432.namprd17.prod.outlook.example ([fe80::3c1a:8b2f:91d4:7e6a%4]) with mapi id\n"
                     " 15.20.8207.017; Tue, 10 Nov 2026 13:47:31 +0000")),
        ("From", "Tom Harris <tom.harris@northwind.example>"),
        ("To", "'Lily Chen' <orders@acme.example>"),
        ("CC", "Rachel Kim <rachel.kim@northwind.example>, Shan Zhao\n <shan.zhao@northwind.example>"),
        ("Subject", "New order - spring season wipes"),
        ("Thread-Topic", "New order - spring season wipes"),
        ("Thread-Index", thread_index("po-thread")),
        ("Date", rfcdate(d)),
        ("Message-ID", PO_MID),
        ("Accept-Language", "en-US"),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", "yes"),
        ("X-MS-TNEF-Correlator", ""),
    ]
    return d, "po-northwind-new-order", envelope(hdrs, mixed), PO_MID


# -- Buyer reply in the PO thread, no number anywhere (Outlook for iOS) ------
@message
def m_po_reply() -> Built:
    d = when(2026, 11, 11, 18, 32, 4, -5)
    mid = "<BY5PR17MB39024E6A1C8D2F7B9A0C3E5D7F1B2A4C6E8@BY5PR17MB3902.namprd17.prod.outlook.example>"
    body = """Hi Lily,

One more thing on this order: our customer has moved the spring program forward, so could you please check whether you can ship earlier than the date on the PO, ideally in the first week of December? If that is not possible, please let me know the earliest sailing you can make.

Please also change the carton marking: use our new Northwind logo, and add the customer item code and "Made in China" on two sides of each carton instead of one. Our Shanghai office will send you the final artwork.

Thanks,
Tom

Get Outlook for iOS
"""
    assert not any(ch.isdigit() for ch in body)
    alt = multi("alternative", "_000_BY5PR17MB39024E6A1C8D2F7B9A0C3E5D7F1B2A4C6E8BY5PR17MB3902namp_", [
        text(body, charset="us-ascii", cte="quoted-printable"),
        text('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">\n</head>\n'
             '<body>\n' + "".join(
                 '<div dir="auto">%s</div>\n' % (html.escape(l, quote=False) or "<br>")
                 for l in body.rstrip("\n").split("\n")) + "</body>\n</html>\n",
             "html", "us-ascii", "quoted-printable"),
    ])
    hdrs = [
        ("Return-Path", "<tom.harris@northwind.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.northwind.example", "mail.northwind.example", "192.0.2.25",
                                   d + dt.timedelta(seconds=5), "po-reply")),
        ("From", "Tom Harris <tom.harris@northwind.example>"),
        ("To", "'Lily Chen' <orders@acme.example>"),
        ("CC", "Shan Zhao <shan.zhao@northwind.example>"),
        ("Subject", "Re: New order - spring season wipes"),
        ("Thread-Topic", "New order - spring season wipes"),
        ("Thread-Index", thread_index("po-thread", replies=1)),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("References", PO_MID),
        ("In-Reply-To", PO_MID),
        ("Accept-Language", "en-US"),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", ""),
        ("X-MS-TNEF-Correlator", ""),
    ]
    return d, "re-new-order-no-number", envelope(hdrs, alt), mid


# -- Signed PI back from Müller (RFC 2231 filename) ---------------------------
@message
def m_signed_pi() -> Built:
    d = when(2026, 11, 13, 15, 20, 48, 1)
    mid = "<e41a7b26-93c5-4f0d-8a2e-5b6c7d8e9f10@mueller-hw.example>"
    body = """Dear Lily,

please find attached the countersigned proforma invoice AN-PI-26-0311 for our order MH-2026-118.

We have instructed our bank (Example Handelsbank AG, Hamburg) to open the L/C at sight; you should receive the advice through your bank within about a week. Please check the L/C carefully when you receive it and let us know immediately if anything needs to be amended.

Two remarks:
1. Shipping marks as for our previous orders, but please add "MH-2026-118" and our article number on every roll label.
2. Please send pre-shipment photos and your inspection report before loading.

Mit freundlichen Grüßen / Best regards

Jürgen Weiß
Einkauf / Purchasing
Müller Haushaltswaren GmbH
Industriestraße 12 · 21079 Hamburg · Germany
Tel. +49 40 5550 1180
www.mueller-hw.example
"""
    alt = multi("alternative", "------------q8Jd3Lk0PzW7s2Xn5Bv1Rt6M", [
        text(body, charset="UTF-8", cte="8bit", ct="text/plain; charset=UTF-8; format=flowed"),
        text(html_simple(body), "html", "UTF-8", "8bit", ct="text/html; charset=UTF-8"),
    ], fold=False)
    pdf = pdf_pi_signed(d - dt.timedelta(minutes=25))
    att = attachment(pdf, "application/pdf;\n name*=UTF-8''PI%20AN-PI-26-0311%20signed.pdf",
                     "attachment;\n filename*0*=UTF-8''PI%20AN-PI-26-0311;\n filename*1*=%20signed.pdf")
    mixed = multi("mixed", "------------7hTq2Cw9Ns4Yb6Fk1Vx3Lp8G", [alt, att], fold=False,
                  preamble="This is a multi-part message in MIME format.\n")
    hdrs = [
        ("Return-Path", "<j.weiss@mueller-hw.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mx01.mueller-hw.example", "mx01.mueller-hw.example", "198.51.100.12",
                                   d + dt.timedelta(seconds=3), "mueller-pi")),
        ("Message-ID", mid),
        ("Date", rfcdate(d)),
        ("MIME-Version", "1.0"),
        ("User-Agent", "Mozilla Thunderbird"),
        ("Content-Language", "de-DE"),
        ("To", "Lily Chen <orders@acme.example>"),
        ("Cc", "Anna Schmidt <a.schmidt@mueller-hw.example>"),
        ("From", addr("Jürgen Weiß | Müller Haushaltswaren", "j.weiss@mueller-hw.example", "UTF-8", "Q")),
        ("Subject", "Signed PI AN-PI-26-0311 / order MH-2026-118"),
    ]
    msg = envelope(hdrs, mixed, mime_version=None)
    return d, "signed-pi-mueller", msg, mid


# -- Remittance advice from Northwind AP (system mail, bank slip PDF) --------
@message
def m_remittance() -> Built:
    d = when(2026, 11, 16, 11, 12, 40, -5)
    mid = "<NWAP.20261116161240.2000187342.0001@erp.northwind.example>"
    body = """*** This is a system generated message. Please do not reply to this e-mail. ***

Dear Supplier,

Please be advised that the following payment has been released to your bank account.

Payer:             Northwind Trading Inc.
Vendor:            100384  ACME NONWOVENS CO., LTD.
Payment document:  2000187342
Payment date:      2026-11-16
Payment method:    Wire transfer (T/T)
Bank reference:    FT26320BX9K4
Payment amount:    USD 6,360.00

Reference               Document date   Gross amount   Deduction   Paid amount
----------------------  -------------   ------------   ---------   -----------
PO 4500871 30% DEPOSIT  2026-11-10          6,360.00        0.00      6,360.00
----------------------  -------------   ------------   ---------   -----------
Total                                       6,360.00        0.00      6,360.00

The bank slip (wire transfer confirmation) is attached for your reference.
Funds should reach your account within 2-3 banking days. Bank charges: SHA.

For questions regarding this payment please contact accounts.payable@northwind.example
and quote the payment document number.

Northwind Trading Inc. - Accounts Payable
250 Example Parkway, Suite 300, Newark, NJ 07102, USA
"""
    pdf = pdf_bank_slip(d - dt.timedelta(minutes=40))
    mixed = multi("mixed", "=_NWAP_2000187342_0001_=", [
        text(body, charset="us-ascii", cte="7bit", ct="text/plain; charset=us-ascii"),
        attachment(pdf, 'application/pdf; name="Bank slip 2000187342.pdf"',
                   'attachment; filename="Bank slip 2000187342.pdf"'),
    ], fold=False)
    hdrs = [
        ("Return-Path", "<ap@northwind.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("erp.northwind.example", "erp.northwind.example", "192.0.2.31",
                                   d + dt.timedelta(seconds=2), "remit", proto="ESMTP")),
        ("Date", rfcdate(d)),
        ("From", "Northwind Accounts Payable <ap@northwind.example>"),
        ("Reply-To", "accounts.payable@northwind.example"),
        ("To", "orders@acme.example"),
        ("Subject", "Remittance Advice - Northwind Trading Inc. - Payment 2000187342"),
        ("Message-ID", mid),
        ("X-Mailer", "SAP NetWeaver 7.50"),
        ("Auto-Submitted", "auto-generated"),
    ]
    return d, "remittance-advice-northwind", envelope(hdrs, mixed), mid


# -- Quality claim from Northwind on PO 4500655, photos attached -------------
@message
def m_complaint_northwind() -> Built:
    d = when(2026, 11, 17, 10, 5, 22, -5)
    mid = "<SJ0PR17MB61185A9C3E7D1B2F4A6C8E0D2B4F6A8C0E1@SJ0PR17MB6118.namprd17.prod.outlook.example>"
    body = """Dear Lily,

We received container TGHU8841027 for PO 4500655 at our DC West on November 9 and have completed the incoming inspection. Unfortunately we found two serious problems:

1. Wrong GSM - item NW-SL50-E180 (ordered 50 gsm +/- 5%): we tested 10 rolls from 4 different lots and the average is 44.8 gsm (range 43.9 - 46.1 gsm). This is outside the agreed tolerance and our converting line cannot run the material on the current settings. Our lab report is available on request; photo of the weighing attached.

2. Damaged cartons - 37 of 420 cartons were crushed and/or wet on arrival (see attached photo). The container was sealed and the seal was intact, so we believe the cartons were damaged before or during stuffing. About 529 kg of material is not usable.

We are therefore claiming compensation as follows:

- GSM shortfall: 10.4% x 6,000 kg x USD 2.26 = USD 1,410.24
- Damaged goods: 529 kg x USD 2.26 = USD 1,195.54
- Re-inspection, sorting and handling at DC = USD 650.00
Total claim: USD 3,255.78

Please send us your corrective action (8D report) by November 27, and confirm whether you agree to deduct the claim amount from the balance payment of PO 4500871 or issue a credit note.

We value our cooperation, but we need to make sure this does not happen again on the current order.

Regards,

Linda Park
Quality Assurance Manager
Northwind Trading Inc.
T +1 973 555 0181
linda.park@northwind.example
"""
    alt = multi("alternative", "_000_SJ0PR17MB61185A9C3E7D1B2F4A6C8E0D2B4F6A8C0E1SJ0PR17MB6118namp_", [
        text(body, charset="us-ascii", cte="quoted-printable"),
        text(html_outlook(body), "html", "us-ascii", "quoted-printable"),
    ])
    mixed = multi("mixed", "_004_SJ0PR17MB61185A9C3E7D1B2F4A6C8E0D2B4F6A8C0E1SJ0PR17MB6118namp_", [
        alt,
        outlook_attachment(photo_jpeg(1), "image/jpeg", "IMG_2031.jpg", d),
        outlook_attachment(photo_jpeg(2), "image/jpeg", "IMG_2032.jpg", d),
    ])
    hdrs = [
        ("Return-Path", "<linda.park@northwind.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.northwind.example", "mail.northwind.example", "192.0.2.25",
                                   d + dt.timedelta(seconds=4), "claim")),
        ("From", "Linda Park <linda.park@northwind.example>"),
        ("To", "'Lily Chen' <orders@acme.example>"),
        ("CC", "Tom Harris <tom.harris@northwind.example>"),
        ("Subject", "Quality claim - PO 4500655 - wrong GSM and damaged cartons"),
        ("Thread-Topic", "Quality claim - PO 4500655 - wrong GSM and damaged cartons"),
        ("Thread-Index", thread_index("claim")),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("Importance", "high"),
        ("X-Priority", "1"),
        ("Accept-Language", "en-US"),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", "yes"),
        ("X-MS-TNEF-Correlator", ""),
    ]
    return d, "complaint-northwind-4500655", envelope(hdrs, mixed), mid


# -- Chinese complaint from the HK buyer (Gmail reply with quoted history) ----
@message
def m_complaint_hk() -> Built:
    d = when(2026, 11, 18, 16, 47, 3, 8)
    mid = "<CAHk3fV2mR8pT4nQ1wZx7yB5cD9eF3gH6jK0lM2nP4qS8tU1vW@mail.gmail.example>"
    ours = "<3d9e1f7a-2b4c-4e6d-8f0a-1c3e5a7b9d2f@acme.example>"
    body = """Lily，

很遗憾要跟你反映，10月份出给我们的那柜 40克平纹水刺布（1x40HQ，上个月底到鹿特丹）质量问题比较严重，欧洲客户已经正式投诉了：

1. 克重不均：客户抽检 30 卷，有 9 卷只有 35-36 克，明显低于 40克±5% 的范围；
2. 断头多：很多卷里面有 3-4 个接头，客户分切时频繁停机；
3. 有黄斑/油污：大约 12 卷表面有黄色油斑，不能用于婴儿湿巾。

客户现在要求退回有问题的 21 卷（约 1.6 吨），并要求赔偿停机损失。我们这边初步核算索赔金额为 USD 4,380（货款 USD 3,680 + 停机及检测费用 USD 700），详细的检测报告和照片我稍后另外发给你。

麻烦你们尽快：
- 查一下这批货的生产记录和出厂检验报告；
- 本周五前给我们一个书面的质量分析和处理方案（8D）；
- 确认赔偿方式（退款，或者在下一单货款里扣除）。

这个客户对我们很重要，希望贵司重视。谢谢！

Karen

在 2026年10月16日周五 16:12，Lily Chen <orders@acme.example> 写道：
> Karen 你好，
>
> 你们的 40克平纹 水刺布已经装柜，出货资料如下：
> 船名航次：EXAMPLE TRADER V.642W
> 开船日：10月18日，上海 - 鹿特丹
> 柜号：1x40HQ，共 312 卷，净重 7,488 kg
>
> 提单草稿和装箱单见附件，请确认。
>
> Best regards,
> Lily Chen
> Acme Nonwovens Co., Ltd.
"""
    quote_at = body.rstrip("\n").split("\n").index("在 2026年10月16日周五 16:12，Lily Chen <orders@acme.example> 写道：")
    alt = multi("alternative", "000000000000b71e2c0618f94a3e", [
        text(body, charset="UTF-8", cte="base64", ct='text/plain; charset="UTF-8"'),
        text(html_gmail(body, quote_from=quote_at), "html", "UTF-8", "base64", ct='text/html; charset="UTF-8"'),
    ], fold=False)
    subject = "质量投诉及索赔：10月份 40克平纹水刺布（断头、克重不足、黄斑）"
    hdrs = [
        ("Return-Path", "<karen.leung@kongfung.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail-sor-f41.google.example", "mail-sor-f41.google.example", "198.51.100.41",
                                   d + dt.timedelta(seconds=2), "hk-claim")),
        ("MIME-Version", "1.0"),
        ("References", ours),
        ("In-Reply-To", ours),
        ("From", addr("梁嘉欣 Karen Leung", "karen.leung@kongfung.example", "UTF-8")),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("Subject", ew(subject, "UTF-8")),
        ("To", "Lily Chen <orders@acme.example>"),
        ("Cc", addr("陳志強", "chris.chan@kongfung.example", "UTF-8")),
    ]
    msg = envelope(hdrs, alt, mime_version=None)
    return d, "complaint-hk-utf8", msg, mid


# -- Northwind Shanghai office: order details, RFC 2047 CN filename, CON.pdf --
@message
def m_order_details_hostile() -> Built:
    d = when(2026, 11, 19, 10, 31, 45, 8)
    mid = "<202611191031453125104@northwind.example>"
    body = """Lily 你好：

根据 Tom 的邮件，PO 4500871 的唛头已更新，附件是：
1）订单明细（含新唛头要求和出货要求）；
2）CON.pdf —— 唛头确认稿（Carton marking confirmation, rev. B）。

请按新唛头印刷纸箱：新 LOGO，客户货号和 MADE IN CHINA 印在两个侧面。纸箱印好后请先拍照给我确认再装货。

另外出货前我们 QA 会过来验货，请至少提前 5 个工作日告诉我大货完成时间。

谢谢！

-- 
赵珊 Shan Zhao
Merchandising & QA
Northwind Trading Inc. Shanghai Representative Office
上海市静安区示例路 1000 号 18 楼
Tel: +86 21 5550 7810
"""
    alt = multi("alternative", "----=_002_NextPart381247795528_=----", [
        text(body, charset="utf-8", cte="base64", ct='text/plain;\n\tcharset="utf-8"'),
        text(html_foxmail(body, "utf-8"), "html", "utf-8", "base64", ct='text/html;\n\tcharset="utf-8"'),
    ], fold=True)
    fname_cn = ew("订单明细.pdf", "utf-8")
    att_cn = attachment(pdf_order_details_cn(d - dt.timedelta(minutes=30)),
                        f'application/octet-stream;\n\tname="{fname_cn}"',
                        f'attachment;\n\tfilename="{fname_cn}"')
    att_con = attachment(pdf_carton_marks(d - dt.timedelta(minutes=45)),
                         'application/octet-stream;\n\tname="CON.pdf"',
                         'attachment;\n\tfilename="CON.pdf"')
    mixed = multi("mixed", "----=_001_NextPart713465892781_=----", [alt, att_cn, att_con], fold=True,
                  preamble="This is a multi-part message in MIME format.\n")
    subject = "PO 4500871 唛头确认及订单明细 / shipping marks & order details"
    hdrs = [
        ("Return-Path", "<shan.zhao@northwind.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.northwind.example", "mail.northwind.example", "192.0.2.25",
                                   d + dt.timedelta(seconds=7), "shanghai-office")),
        ("Date", "Thu, 19 Nov 2026 10:31:45 +0800"),
        ("From", addr("赵珊", "shan.zhao@northwind.example", "utf-8")),
        ("To", '"orders" <orders@acme.example>'),
        ("Cc", '"Tom Harris" <tom.harris@northwind.example>'),
        ("Subject", ew(subject, "utf-8")),
        ("X-Priority", "3"),
        ("X-GUID", "A7E3C1D9-2B4F-4A6E-8C0D-3F5B7E9A1C2D"),
        ("X-Has-Attach", "yes"),
        ("X-Mailer", "Foxmail 7.2.25.375[cn]"),
    ]
    msg = envelope(hdrs, mixed, mime_version="Mime-Version", after_mime=[("Message-ID", mid)])
    return d, "order-details-cn-filename-con-pdf", msg, mid


# -- Out-of-office auto-reply from Müller (Exchange, iso-8859-1) --------------
@message
def m_oof() -> Built:
    d = when(2026, 11, 19, 14, 58, 37, 1)
    mid = "<AM9PR03MB71247C1E2F3A4B5C6D7E8F9A0B1C2D3E4F5@AM9PR03MB7124.eurprd03.prod.outlook.example>"
    ours = "<5a2c8e1f-7b3d-4f9a-b6c0-d4e2f1a3c5b7@acme.example>"
    body = """Vielen Dank für Ihre Nachricht.

Ich bin bis einschließlich 27.11.2026 nicht im Büro und habe nur eingeschränkt Zugriff auf meine E-Mails. Ihre Nachricht wird nicht weitergeleitet.
In dringenden Fällen wenden Sie sich bitte an Herrn Jürgen Weiß (j.weiss@mueller-hw.example, Tel. +49 40 5550 1180).

Thank you for your message.

I am out of the office until 27 November 2026 with limited access to e-mail. Your message will not be forwarded.
For urgent matters please contact Mr Jürgen Weiß (j.weiss@mueller-hw.example, phone +49 40 5550 1180).

Mit freundlichen Grüßen / Kind regards
Anna Schmidt
Qualitätssicherung / Quality Assurance
Müller Haushaltswaren GmbH
"""
    alt = multi("alternative", "_000_AM9PR03MB71247C1E2F3A4B5C6D7E8F9A0B1C2D3E4F5AM9PR03MB7124eurp_", [
        text(body, charset="iso-8859-1", cte="quoted-printable"),
        text(html_outlook(body, "iso-8859-1", "DE"), "html", "iso-8859-1", "quoted-printable"),
    ])
    hdrs = [
        ("Return-Path", "<a.schmidt@mueller-hw.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mx01.mueller-hw.example", "mx01.mueller-hw.example", "198.51.100.12",
                                   d + dt.timedelta(seconds=2), "oof")),
        ("From", addr("Anna Schmidt (Müller Haushaltswaren)", "a.schmidt@mueller-hw.example", "iso-8859-1", "Q")),
        ("To", "Lily Chen <orders@acme.example>"),
        ("Subject", "Automatic reply: Sample dispatch - spunlace wipes fabric (bamboo viscose)"),
        ("Thread-Topic", "Sample dispatch - spunlace wipes fabric (bamboo viscose)"),
        ("Thread-Index", thread_index("oof", replies=1)),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("References", ours),
        ("In-Reply-To", ours),
        ("Auto-Submitted", "auto-replied"),
        ("X-Autoreply", "yes"),
        ("X-Auto-Response-Suppress", "All"),
        ("X-MS-Exchange-Inbox-Rules-Loop", "a.schmidt@mueller-hw.example"),
        ("Content-Language", "de-DE"),
        ("X-MS-Has-Attach", ""),
        ("X-MS-TNEF-Correlator", ""),
    ]
    return d, "auto-reply-out-of-office", envelope(hdrs, alt), mid


# -- L/C advice from our bank -------------------------------------------------
@message
def m_lc_advice() -> Built:
    d = when(2026, 11, 20, 9, 30, 2, 8)
    mid = "<ADV2611JX0127.20261120093002.TS@bank.example>"
    body = """ADVICE OF DOCUMENTARY CREDIT
【信用证通知】贵司有一笔来证已到我行，请登录企业网银查阅信用证全文（MT700）并核对条款，如有异议请尽快与申请人联系修改。

To: ACME NONWOVENS CO., LTD. (Beneficiary)
Our advising reference: ADV2611JX0127
Date of advice: 2026-11-20

We have received the following documentary credit by authenticated SWIFT MT700 and advise it to you without any engagement or responsibility on our part:

Issuing bank:          EXAMPLE HANDELSBANK AG, HAMBURG (EXHBDEHHXXX)
Documentary credit no: 26HH-ILC-00457
Form of credit:        IRREVOCABLE
Date of issue:         2026-11-19
Applicable rules:      UCP LATEST VERSION
Date/place of expiry:  2027-02-10 IN CHINA
Applicant:             MUELLER HAUSHALTSWAREN GMBH, INDUSTRIESTRASSE 12, 21079 HAMBURG, GERMANY
Amount:                EUR 48,960.00 (tolerance +/- 5 PCT)
Available with/by:     ANY BANK BY NEGOTIATION, AT SIGHT
Partial shipments:     NOT ALLOWED
Transhipment:          ALLOWED
Port of loading:       SHANGHAI, CHINA
Port of discharge:     HAMBURG, GERMANY
Latest shipment date:  2027-01-20
Goods:                 SPUNLACE NONWOVEN FABRIC AS PER PROFORMA INVOICE NO. AN-PI-26-0311
                       AND BUYER'S ORDER NO. MH-2026-118, CIF HAMBURG INCOTERMS 2020
Documents required:    SIGNED COMMERCIAL INVOICE IN 3 ORIGINALS; FULL SET CLEAN ON BOARD
                       OCEAN B/L MADE OUT TO ORDER, BLANK ENDORSED, NOTIFY APPLICANT;
                       PACKING LIST; CERTIFICATE OF ORIGIN ISSUED BY CCPIT;
                       INSURANCE POLICY FOR 110 PCT OF INVOICE VALUE.
Period for presentation: 21 DAYS AFTER SHIPMENT DATE, WITHIN L/C VALIDITY
Confirmation:          WITHOUT

Advising commission CNY 200.00 will be debited from your account 3301 0000 0000 0311.

Please check the credit terms carefully. Should any term be unacceptable, please contact the applicant directly to arrange an amendment.

Bank of Example, Jiaxing Branch
Trade Services Department / 国际结算部
Tel: +86 573 5550 9500

This e-mail is generated automatically. Please do not reply. 本邮件由系统自动发送，请勿直接回复。
"""
    alt = multi("alternative", "----=_Part_48215_1397604218.1795145402771", [
        text(body, charset="UTF-8", cte="base64", ct="text/plain; charset=UTF-8"),
        text(html_simple(body), "html", "UTF-8", "base64", ct="text/html; charset=UTF-8"),
    ], fold=False)
    hdrs = [
        ("Return-Path", "<trade.services@bank.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("smtp-out.bank.example", "smtp-out.bank.example", "203.0.113.150",
                                   d + dt.timedelta(seconds=9), "lc")),
        ("Date", rfcdate(d)),
        ("From", addr("示例银行嘉兴分行 Trade Services", "trade.services@bank.example", "UTF-8")),
        ("To", "ORDERS@ACME.EXAMPLE"),
        ("Message-ID", mid),
        ("Subject", "L/C Advice - Our Ref ADV2611JX0127 - L/C No. 26HH-ILC-00457 - Beneficiary ACME NONWOVENS CO., LTD."),
    ]
    return d, "lc-advice-bank", envelope(hdrs, alt), mid


# -- Phishing "payment advice" with a path-traversal attachment name ---------
@message
def m_phishing() -> Built:
    d = when(2026, 11, 23, 3, 44, 19, 0)
    mid = "<20261123034419.6C1F2A9E4B7D@srv7.bulk-sender.example>"
    body = """Dear Sir/Madam,

Good day,

Please find attached swift copy of payment made to your account today as per our Accounting department instruction for the outstanding invoice.

Kindly confirm receipt and update us with shipping schedule for the balance order.

Please open the attachment with your email password to view the payment document.

Best Regards,
Michael Brown
Accounts Department
"""
    page = (b'<html><head><title>Secure Document Viewer</title></head><body>'
            b'<form action="https://secure-docs.example/login.php" method="post">'
            b'<p>Sign in with your email account to view "SWIFT_COPY.pdf"</p>'
            b'<input name="email"><input name="password" type="password"><button>View document</button>'
            b'</form></body></html>\n')
    alt = multi("alternative", "----=_NextPart_001_0013_6C1F2A9E.4B7D3E10", [
        text(body, charset="us-ascii", cte="7bit", ct='text/plain; charset="us-ascii"'),
        text(html_simple(body, "us-ascii"), "html", "us-ascii", "quoted-printable"),
    ])
    att = attachment(page, 'application/octet-stream;\n\tname="../../etc/passwd"',
                     'attachment;\n\tfilename="../../etc/passwd"')
    mixed = multi("mixed", "----=_NextPart_000_0012_6C1F2A9E.4B7D3E10", [alt, att],
                  preamble="This is a multi-part message in MIME format.\n")
    hdrs = [
        ("Return-Path", "<bounce@bulk-sender.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("User", "unknown", "203.0.113.200", d + dt.timedelta(seconds=11),
                                   "phish", proto="ESMTP")),
        ("Reply-To", "<accounts.dept.payment@freemail.example>"),
        ("From", '"Accounts Department" <accounts@northwlnd-trading.example>'),
        ("To", "orders@acme.example"),
        ("Subject", "RE: Payment Advice - Swift copy for outstanding invoice"),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("X-Priority", "1 (Highest)"),
        ("X-MSMail-Priority", "High"),
        ("X-Mailer", "Microsoft Outlook Express 6.00.2900.5512"),
    ]
    return d, "phishing-path-traversal-filename", envelope(hdrs, mixed), mid


# -- Trade-fair newsletter, HTML only ------------------------------------------
@message
def m_newsletter() -> Built:
    d = when(2026, 11, 24, 10, 0, 3, 1)
    mid = "<enx2027.nl47.8842.20261124090003@mailer.fair.example>"
    page = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>ENX 2027 Exhibitor News</title></head>
<body style="margin:0;padding:0;background:#f2f4f7;font-family:Arial,Helvetica,sans-serif;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;">
<tr><td style="padding:12px 24px;font-size:11px;color:#888;">Can't see this e-mail? <a href="https://fair.example/nl/47/view?u=8842">View it in your browser</a></td></tr>
<tr><td style="background:#00467f;color:#ffffff;padding:28px 24px;font-size:26px;font-weight:bold;">ENX 2027 &ndash; Example International Nonwovens Expo<br><span style="font-size:15px;font-weight:normal;">Frankfurt &middot; 16&ndash;18 March 2027</span></td></tr>
<tr><td style="padding:24px;font-size:15px;line-height:1.5;color:#222;">
<p>Dear Exhibitor,</p>
<p>Only <b>one week left</b> for early-bird prices! <b>Order now</b> and save up to 15% on your stand space, furniture packages and catering. Early-bird payment deadline: 30 November 2026.</p>
<p style="text-align:center;"><a href="https://fair.example/shop?u=8842&amp;c=nl47" style="background:#e85d04;color:#fff;padding:12px 28px;text-decoration:none;font-weight:bold;border-radius:4px;">ORDER NOW</a></p>
<h3 style="color:#00467f;">Your checklist for December</h3>
<ul>
<li><b>Request a quotation</b> for custom stand construction from our partner builders.</li>
<li><b>Free samples corner:</b> register the product samples you want to show in the Innovation Gallery.</li>
<li><b>Shipping &amp; logistics:</b> our official forwarder offers consolidated shipping of exhibits. Book before 15 January for guaranteed delivery to your stand.</li>
<li><b>Purchase order &amp; invoice:</b> exhibitors who need a purchase order reference on their invoice, please enter it in the Exhibitor Shop before payment.</li>
<li><b>Buyer matchmaking:</b> more than 2,400 buyers have already sent inquiries through the ENX Matchmaking app.</li>
</ul>
<p>Questions? Your exhibitor service team is happy to help: <a href="mailto:exhibitors@fair.example">exhibitors@fair.example</a></p>
<p>Kind regards,<br>Your ENX team</p>
</td></tr>
<tr><td style="padding:16px 24px;font-size:11px;color:#888;background:#f7f7f7;">
ENX &ndash; Example Fair Organisers GmbH &middot; Messeplatz 1 &middot; 60327 Frankfurt am Main &middot; Germany<br>
You are receiving this e-mail because you are registered as an exhibitor contact (orders@acme.example).<br>
<a href="https://fair.example/unsubscribe?u=8842&amp;l=enx-exhibitor-news">Unsubscribe</a> &middot; <a href="https://fair.example/privacy">Privacy policy</a>
</td></tr></table></td></tr></table>
<img src="https://mailer.fair.example/o/47/8842.gif" width="1" height="1" alt="">
</body></html>
"""
    part = text(page, "html", "utf-8", "quoted-printable", ct="text/html; charset=utf-8")
    hdrs = [
        ("Return-Path", "<bounce-nl47-8842@mailer.fair.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mailer.fair.example", "mailer.fair.example", "198.51.100.200",
                                   d + dt.timedelta(seconds=14), "newsletter")),
        ("Date", rfcdate(d)),
        ("From", '"ENX 2027 | Example Nonwovens Expo" <news@fair.example>'),
        ("Reply-To", "exhibitors@fair.example"),
        ("To", "orders@acme.example"),
        ("Subject", "Last week for early-bird prices - order now for ENX 2027!"),
        ("Message-ID", mid),
        ("List-Id", "ENX Exhibitor News <enx-exhibitor-news.fair.example>"),
        ("List-Unsubscribe", ("<https://fair.example/unsubscribe?u=8842&l=enx-exhibitor-news>,\n"
                             " <mailto:unsubscribe@fair.example?subject=unsubscribe%20enx-exhibitor-news%208842>")),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Precedence", "bulk"),
        ("X-Campaign-ID", "nl47"),
        ("Feedback-ID", "nl47:enx:fair"),
    ]
    return d, "newsletter-trade-fair", envelope(hdrs, part), mid


# -- Chinese forwarder asks for packing list and C/O (Coremail, quoted) -------
@message
def m_shipping_cn() -> Built:
    d = when(2026, 11, 26, 11, 20, 58, 8)
    mid = "<6e2b1c4d.8a3f.19ac1e2b7d5.Coremail.booking@forwarder.example>"
    ours = "<c7a4e1b9-3d2f-4a6c-9e8b-0f1d2c3b4a5e@acme.example>"
    body = """陈小姐，您好！

MH-2026-118（Müller 汉堡）这票已经帮您订好舱位，信息如下：

订舱号：SHA2611-6602
船名航次：EXAMPLE TRADER V.652W
起运港/目的港：上海 - 汉堡
柜型柜量：2x40HQ
开船日期：12月18日（截关 12月15日，截单 12月14日中午 12 点）

麻烦在 12月10日 前提供以下资料，方便我们做报关和申请产地证：
1. 装箱单（每个规格的卷数、件数、净重/毛重、体积）；
2. 商业发票（信用证号 26HH-ILC-00457，发票抬头和货描请和信用证保持一致）；
3. 一般原产地证（信用证要求由贸促会 CCPIT 出具）的申请资料：货物 HS 编码、中英文品名、发票号及日期；
4. 报关委托书（盖公章）。

另外信用证要求保险按发票金额 110% 投保，保单是你们自己做还是由我们代办？请告知。

有问题随时联系，谢谢！

王芳
示例物流（宁波）有限公司 上海分公司  海运部
电话：021-5550 3366  手机：138 0000 7755
QQ：800012345

----- 原始邮件 -----
发件人："Lily Chen | Acme Nonwovens" <orders@acme.example>
发送时间：2026年11月23日 星期一 下午3:05
收件人：booking@forwarder.example
主题：订舱 MH-2026-118 上海-汉堡 2x40HQ

王芳 你好，

麻烦帮忙订舱：客户 Müller（德国汉堡），2x40HQ，上海到汉堡，CIF，
12月中下旬船，最晚 1月20日 前开船（信用证最迟装运期）。
货物：水刺无纺布，约 22 吨，HS 5603.13。

谢谢！
Lily
"""
    alt = multi("alternative", "----=_Part_338270_1184736051.1795666858102", [
        text(body, charset="UTF-8", cte="base64", ct="text/plain; charset=UTF-8"),
        text(html_simple(body.replace("----- 原始邮件 -----\n", "----- 原始邮件 -----\n\n")), "html",
             "UTF-8", "base64", ct="text/html; charset=UTF-8"),
    ], fold=True)
    subject = "回复：订舱 MH-2026-118 上海-汉堡 2x40HQ —— 请提供装箱单和产地证资料"
    hdrs = [
        ("Return-Path", "<booking@forwarder.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.forwarder.example", "mail.forwarder.example", "203.0.113.66",
                                   d + dt.timedelta(seconds=3), "fwd-cn")),
        ("Date", "Thu, 26 Nov 2026 11:20:58 +0800 (GMT+08:00)"),
        ("From", addr("王芳 示例物流", "booking@forwarder.example", "UTF-8")),
        ("To", addr("Lily Chen | Acme Nonwovens", "orders@acme.example")),
        ("Subject", ew(subject, "UTF-8")),
        ("X-Priority", "3"),
        ("X-Mailer", "Coremail Webmail Server Version XT5.0.14 build 20240801(9fd3a4a1)"),
        ("Copyright", "(C) 2026 Example Mail"),
        ("In-Reply-To", ours),
        ("References", ours),
        ("X-Originating-IP", "[198.51.100.23]"),
        ("Message-ID", mid),
        ("X-Coremail-Locale", "zh_CN"),
    ]
    return d, "shipping-cn-packing-list-co", envelope(hdrs, alt), mid


# -- Forwarder booking confirmation + draft B/L for PO 4500871 ----------------
@message
def m_shipping_booking() -> Built:
    d = when(2026, 11, 30, 15, 42, 7, 8)
    mid = "<TYZPR06MB52813A7C9E1F2B4D6A8C0E2F4A6B8C0D1E3@TYZPR06MB5281.apcprd06.prod.outlook.example>"
    ours = "<9b6d3f1a-4c2e-4b8d-a7f0-e1c3d5b7a9f2@acme.example>"
    body = """Dear Lily,

Booking for PO 4500871 is confirmed, please see details below. Attached is the draft B/L based on your SI, please check and confirm by tomorrow (Dec 1) 18:00, or advise amendments.

Booking no.:       261873945
B/L no.:           EXLSHA26110457 (house B/L)
Shipper:           Acme Nonwovens Co., Ltd.
Consignee:         Northwind Trading Inc.
Vessel / voyage:   MAERSK KESTREL / 648E
POL / POD:         Shanghai (Yangshan) / Los Angeles, CA
Container / seal:  1 x 40'HQ  MSKU1234565 / ML-CN7712345
Cargo:             660 cartons, 10,280 kgs, 66.0 cbm, spunlace nonwoven fabric, HS 5603.12
ETD Shanghai:      Dec 5, 2026
ETA Los Angeles:   Dec 19, 2026
SI cut-off:        Dec 2, 12:00
CY cut-off:        Dec 3, 17:00
Freight:           collect (FOB)

Empty container was released today, trucker will arrive at your warehouse on Dec 2 morning for loading. Please have the cargo, packing list and customs documents ready.

Thanks & best regards,

Zoe Zhou
Sea Export Operations
Example Logistics (Ningbo) Co., Ltd. - Shanghai Branch
T +86 21 5550 3360 | booking@forwarder.example

From: Lily Chen | Acme Nonwovens <orders@acme.example>
Sent: Friday, November 27, 2026 4:18 PM
To: booking@forwarder.example
Subject: Booking request - PO 4500871 - 1x40HQ Shanghai-Los Angeles

Hi Zoe,

Please book 1x40HQ Shanghai - Los Angeles for our customer Northwind, PO 4500871, FOB Shanghai, freight collect (Northwind's nominated agent). Cargo ready Dec 1, please try for the first vessel after Dec 3. SI attached.

Thanks,
Lily
"""
    alt = multi("alternative", "_000_TYZPR06MB52813A7C9E1F2B4D6A8C0E2F4A6B8C0D1E3TYZPR06MB5281apcp_", [
        text(body, charset="us-ascii", cte="quoted-printable"),
        text(html_outlook(body), "html", "us-ascii", "quoted-printable"),
    ])
    pdf = pdf_draft_bl(d - dt.timedelta(minutes=20))
    mixed = multi("mixed", "_004_TYZPR06MB52813A7C9E1F2B4D6A8C0E2F4A6B8C0D1E3TYZPR06MB5281apcp_", [
        alt, outlook_attachment(pdf, "application/pdf", "Draft BL MSKU1234565.pdf", d)])
    hdrs = [
        ("Return-Path", "<booking@forwarder.example>"),
        ("Delivered-To", "orders@acme.example"),
        ("Received", received_ours("mail.forwarder.example", "mail.forwarder.example", "203.0.113.66",
                                   d + dt.timedelta(seconds=4), "fwd-en")),
        ("From", '"Zoe Zhou | Example Logistics" <booking@forwarder.example>'),
        ("To", '"Lily Chen | Acme Nonwovens" <orders@acme.example>'),
        ("CC", "Shan Zhao <shan.zhao@northwind.example>"),
        ("Subject", ("RE: Booking request - PO 4500871 - 1x40HQ Shanghai-Los Angeles - "
                    "booking confirmed / draft B/L MSKU1234565")),
        ("Thread-Topic", "Booking request - PO 4500871 - 1x40HQ Shanghai-Los Angeles"),
        ("Thread-Index", thread_index("booking", replies=1)),
        ("Date", rfcdate(d)),
        ("Message-ID", mid),
        ("References", ours),
        ("In-Reply-To", ours),
        ("Accept-Language", "zh-CN, en-US"),
        ("Content-Language", "en-US"),
        ("X-MS-Has-Attach", "yes"),
        ("X-MS-TNEF-Correlator", ""),
    ]
    return d, "shipping-booking-draft-bl", envelope(hdrs, mixed), mid


# -- Not an email at all ------------------------------------------------------
def broken_blob() -> bytes:
    """A truncated ZIP (photo archive) that ended up saved as .eml."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in (("PO4500655_claim/IMG_2031.jpg", photo_jpeg(1)),
                           ("PO4500655_claim/IMG_2032.jpg", photo_jpeg(2))):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 17, 9, 58, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()[:700]


# ---------------------------------------------------------------------------

def build() -> list[Built]:
    built = []
    for fn in MSG:
        d, slug, msg, mid = fn()
        built.append((d, slug, msg, mid))
    built.sort(key=lambda t: t[0].astimezone(dt.UTC))
    return built


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.eml"):
        old.unlink()
    built = build()
    for i, (d, slug, msg, mid) in enumerate(built, 1):
        path = args.out / f"{i:02d}-{slug}.eml"
        path.write_bytes(serialize(msg))
        print(f"{path.name}  {d.isoformat()}  {mid}")
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    path = args.out / f"{len(built) + 1:02d}-broken.eml"
    path.write_bytes(broken_blob())
    print(f"{path.name}  (not an e-mail)")


if __name__ == "__main__":
    main()
