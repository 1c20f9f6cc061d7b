"""Hepsiburada's shared-barcode ("ortak barkod") label replies → a checked :class:`MarketplaceLabel`.

``GET …/packagenumber/{pn}/labels?format=`` answers ``BarcodeData {data: [...], format, hasMerchantMutualBarcode}``
(SPEC). HB lists the formats ``zpl``, ``base64zpl``, ``pdf``, ``png`` and ``jpg`` (DOCS-TXT, lower case); the
reply's ``format`` says which one ``data`` holds, and only HepsiJet and Aras give shared barcodes at all.

- ``base64zpl``: base64 of ZPL (a recorded live reply, 3P-PYTEST).
- ``zpl``: raw or base64 ZPL, both read (which one is unpublished: UNCERTAIN).
- ``pdf``, ``png``, ``jpg``: base64 of the document (no recording found; the only reading a JSON string
  array allows for binary data: UNCERTAIN). A ``data:…;base64,`` prefix is tolerated for the same reason.

Each entry is checked by its own magic bytes, not by the name alone: a ZPL label that is not ``^XA…^XZ``,
a PDF without ``%PDF-`` or an image that is neither PNG nor JPEG is refused, never printed as garbage.
Pictures come back as :class:`RasterFormat` documents; the printing side draws them for the printer.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from packstation.domain.marketplace import LabelFormat, Marketplace, RasterFormat
from packstation.i18n import _
from packstation.services.marketplaces.errors import MalformedReply
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.writes import MarketplaceLabel

_HB = Marketplace.HEPSIBURADA
#: The label answer of a carrier that gives no shared barcode (DOCS-TXT error table; body per 3P-NODETEST).
NO_MUTUAL_BARCODE = "Cargo company does not provide mutual barcodes"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"

Issued = LabelFormat | RasterFormat


def reply_format(named: object, config: HepsiburadaConfig) -> Issued | None:
    """The format a reply's ``format`` names (any case), or None for one the station cannot print."""
    if not isinstance(named, str):
        return None
    key = named.strip().casefold()
    if key in {config.label_zpl_format.casefold(), "zpl", "base64zpl"}:
        return LabelFormat.ZPL
    if key in {config.label_pdf_format.casefold(), "pdf", "base64pdf"}:
        return LabelFormat.PDF
    if key in {"png", "base64png"}:
        return RasterFormat.PNG
    if key in {"jpg", "jpeg", "base64jpg", "base64jpeg"}:
        return RasterFormat.JPEG
    return None


def parse_label(
    body: Any, *, package_number: str, tracking: str, config: HepsiburadaConfig, endpoint: str = ""
) -> MarketplaceLabel | None:
    """Check a ``labels`` reply; None when ``hasMerchantMutualBarcode`` is false (the seller prints its own).

    Each ``data`` entry is one box. Anything unreadable raises :class:`MalformedReply` naming the package.
    """

    def malformed(problem: str) -> MalformedReply:
        message = _("Hepsiburada sent an unusable label for package {package}: {problem}").format(
            package=package_number, problem=problem
        )
        return MalformedReply(message, marketplace=_HB, package_id=package_number, endpoint=endpoint)

    if not isinstance(body, Mapping):
        raise malformed(_("the reply is not a JSON object"))
    mutual = body.get("hasMerchantMutualBarcode")
    if mutual is False:
        return None
    if mutual is not None and not isinstance(mutual, bool):
        raise malformed(_("'hasMerchantMutualBarcode' is not true/false"))
    fmt = reply_format(body.get("format"), config)
    if fmt is None:
        raise malformed(
            _("format {format!r} is not one the station prints (ZPL, PDF, PNG or JPG)").format(
                format=body.get("format")
            )
        )
    data = body.get("data")
    if not isinstance(data, list) or not data:
        raise malformed(_("'data' holds no label"))
    documents = []
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, str) or not entry.strip():
            raise malformed(_("label {index} is empty or not text").format(index=index))
        document = label_document(entry, fmt)
        if document is None:
            raise malformed(_("label {index} is not a {format} document").format(index=index, format=fmt.value))
        documents.append(document)
    return MarketplaceLabel(cargo_tracking_number=tracking, format=fmt, documents=tuple(documents))


def label_document(entry: str, fmt: Issued) -> bytes | None:
    """The bytes of one label entry, or None when it is not what ``fmt`` says."""
    if fmt is LabelFormat.ZPL and _is_zpl(entry.encode("utf-8")):
        return entry.encode("utf-8")
    text = entry.strip()
    if text.startswith("data:") and ";base64," in text[:100]:
        text = text.split(";base64,", 1)[1]
    try:
        decoded = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if fmt is LabelFormat.PDF:
        return decoded if decoded.startswith(b"%PDF-") else None
    if isinstance(fmt, RasterFormat):
        # A picture is drawn by what its bytes are, so a PNG named "jpg" still prints; anything else is refused.
        return decoded if decoded.startswith((_PNG, _JPEG)) else None
    return decoded if _is_zpl(decoded) else None


def _is_zpl(data: bytes) -> bool:
    body = data.strip()
    return body.startswith(b"^XA") and body.endswith(b"^XZ")
