"""The stand-in's shared-barcode labels: ZPL, and real PDF and PNG/JPEG documents with a scannable barcode.

``BarcodeData {data, format, hasMerchantMutualBarcode}`` (SPEC; ``code``/``description`` per 3P-PYTEST). Each
``data`` entry is one box: ``zpl`` is raw ZPL, ``base64zpl`` its base64 (recorded live); ``pdf``, ``png`` and
``jpg`` are base64 of the document or picture (UNCERTAIN in HB's material: the only reading a string array
allows), each with a real Code 128 of the delivery barcode so a test can scan what the station printed.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import barcode as python_barcode
from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas


def label_reply(carrier: str, customer: str, barcode: str, boxes: list[str], fmt: str) -> dict[str, Any]:
    """The reply for one label per box, each captioned by ``boxes``' text, in HB format ``fmt``."""
    documents = []
    for caption in boxes:
        zpl = (
            f"^XA^CI28^FO40,40^A0N,40,40^FD{carrier}^FS"
            f"^FO40,100^BY3^BCN,120,Y,N,N^FD{barcode}^FS"
            f"^FO40,280^A0N,30,30^FD{customer}^FS"
            f"^FO40,330^A0N,26,26^FD{caption}^FS^XZ"
        ).encode()
        if fmt == "zpl":
            documents.append(zpl.decode())
            continue
        if fmt == "base64zpl":
            body = zpl
        elif fmt == "pdf":
            body = label_pdf(carrier, barcode, caption)
        else:
            body = label_picture(carrier, barcode, caption, "JPEG" if fmt == "jpg" else "PNG")
        documents.append(base64.b64encode(body).decode())
    answer: dict[str, Any] = {"format": fmt, "data": documents, "hasMerchantMutualBarcode": True}
    if fmt == "base64zpl":
        answer |= {"description": "Mutual barcode successful", "code": "100"}
    return answer


def label_picture(carrier: str, barcode: str, caption: str, kind: str) -> bytes:
    """A 100x150 mm carrier label at 203 dpi as a PNG or JPEG picture: a real Code 128 of ``barcode``."""
    picture = Image.new("L", (812, 1218), 255)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=40)
    draw.text((40, 40), carrier, fill=0, font=font)
    modules = python_barcode.get("code128", barcode).build()[0]
    left, width = 60, 3
    for index, module in enumerate(modules):
        if module == "1":
            draw.rectangle((left + index * width, 140, left + (index + 1) * width - 1, 400), fill=0)
    draw.text((40, 430), barcode, fill=0, font=font)
    draw.text((40, 520), caption, fill=0, font=ImageFont.load_default(size=30))
    out = io.BytesIO()
    picture.save(out, format=kind, **({"quality": 75} if kind == "JPEG" else {}))
    return out.getvalue()


def label_pdf(carrier: str, barcode: str, caption: str) -> bytes:
    """A 100x150 mm carrier label as a PDF page with a real Code 128 of ``barcode``."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(100 * mm, 150 * mm))
    canvas.setFont("Helvetica", 14)
    canvas.drawString(8 * mm, 138 * mm, carrier)
    Code128(barcode, barHeight=25 * mm, barWidth=0.4 * mm).drawOn(canvas, 5 * mm, 100 * mm)
    canvas.drawString(8 * mm, 92 * mm, barcode)
    canvas.drawString(8 * mm, 84 * mm, caption)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
