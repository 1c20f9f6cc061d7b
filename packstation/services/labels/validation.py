"""Checks made before anything is printed: a label that cannot be scanned is worse than none.

Printers and renderers "repair" bad data silently (a wrong GTIN check digit is replaced in GS1
mode), so the station refuses it here, with a typed error that names the field.
"""

from __future__ import annotations

from barcode.codex import Code128 as _Code128Encoder

from packstation.domain.gtin import GTIN_LENGTHS, is_valid_gtin
from packstation.i18n import _
from packstation.services.labels.errors import LabelValidationError
from packstation.services.labels.fonts import LabelFonts
from packstation.services.labels.model import PackingSlipData, ShippingLabelData

#: Narrowest Code 128 bar a carrier's scanner reads reliably off thermal paper (2 dots at 203 dpi).
MIN_MODULE_MM = 0.25
#: Widest bar worth printing; wider only makes the symbol longer.
MAX_MODULE_MM = 0.5


def code128_modules(data: str, *, field: str) -> str:
    """The bar/space pattern of ``data`` as Code 128 ("1" = bar), or a validation error.

    Only printable ASCII is accepted: control characters are encodable but a carrier's system
    never expects them, and anything beyond ASCII is not Code 128 at all.
    """
    if not data:
        raise LabelValidationError(field, _("The {field} is missing.").format(field=field))
    bad = sorted({ch for ch in data if not (" " <= ch <= "~")})
    if bad:
        raise LabelValidationError(
            field,
            _("The {field} {value!r} contains characters a Code 128 barcode cannot carry: {chars}").format(
                field=field, value=data, chars=" ".join(repr(ch) for ch in bad)
            ),
        )
    # python-barcode switches to code set C for digit runs, as printers do in ^BC auto mode.
    return str(_Code128Encoder(data).build()[0])


def check_barcode_fits(modules: str, width_mm: float, *, field: str, value: str) -> None:
    """Refuse a symbol that would need bars thinner than :data:`MIN_MODULE_MM` to fit ``width_mm``."""
    if len(modules) * MIN_MODULE_MM > width_mm:
        raise LabelValidationError(
            field,
            _("The {field} {value!r} is too long to print as a scannable barcode.").format(field=field, value=value),
        )


def check_gtin(barcode: str, *, field: str) -> None:
    """A barcode that looks like a GTIN (8, 12, 13 or 14 digits) must have the right check digit."""
    code = barcode.strip()
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS and not is_valid_gtin(code):
        raise LabelValidationError(field, _("The barcode {code} has a wrong GTIN check digit.").format(code=code))


def _require(value: str, field: str) -> None:
    if not value.strip():
        raise LabelValidationError(field, _("The {field} is missing.").format(field=field))


def _check_glyphs(fonts: LabelFonts, text: str, field: str) -> None:
    missing = fonts.missing_glyphs(text)
    if missing:
        raise LabelValidationError(
            field,
            _("The {field} contains characters the label font cannot print: {chars}").format(
                field=field, chars=missing
            ),
        )


def _check_ascii_code(value: str, field: str) -> None:
    if not all(" " < ch <= "~" for ch in value):
        raise LabelValidationError(
            field,
            _("The {field} {value!r} must be printable ASCII without spaces.").format(field=field, value=value),
        )


def validate_shipping_label(data: ShippingLabelData, fonts: LabelFonts) -> str:
    """Check ``data``; return the tracking number's Code 128 modules for the layout to use."""
    modules = code128_modules(data.tracking_number.strip(), field="tracking number")
    if data.tracking_number != data.tracking_number.strip():
        raise LabelValidationError(
            "tracking number",
            _("The tracking number {value!r} has spaces around it.").format(value=data.tracking_number),
        )
    for value, field in (
        (data.receiver_name, "receiver name"),
        (data.city, "city"),
        (data.order_number, "order number"),
        (data.package_id, "package id"),
        (data.carrier, "carrier"),
        (data.sender.name, "sender name"),
    ):
        _require(value, field)
    if not any(line.strip() for line in data.address_lines):
        raise LabelValidationError("address", _("The receiver's address is missing."))
    _check_ascii_code(data.package_id, "package id")
    if data.tracking_url is not None:
        _check_ascii_code(data.tracking_url, "tracking link")
    if data.item_count < 1:
        raise LabelValidationError("item count", _("A parcel holds at least one item."))
    if not 1 <= data.box_index <= data.box_count:
        raise LabelValidationError(
            "box",
            _("Box {index} of {count} is not a valid box number.").format(index=data.box_index, count=data.box_count),
        )
    texts = (
        (data.receiver_name, "receiver name"),
        ("\n".join(data.address_lines), "address"),
        (data.district, "district"),
        (data.city, "city"),
        (data.phone or "", "phone"),
        (data.carrier, "carrier"),
        (data.order_number, "order number"),
        (data.sender.name, "sender name"),
        ("\n".join(data.sender.address_lines) + data.sender.city + (data.sender.phone or ""), "sender"),
    )
    for text, field in texts:
        _check_glyphs(fonts, text, field)
    return modules


def validate_packing_slip(data: PackingSlipData, fonts: LabelFonts) -> str:
    """Check ``data``; return the reopen code's Code 128 modules."""
    _require(data.package_id, "package id")
    _check_ascii_code(data.package_id, "package id")
    _require(data.order_number, "order number")
    if not data.lines:
        raise LabelValidationError("lines", _("A packing slip needs at least one line."))
    if not 1 <= data.box_index <= data.box_count:
        raise LabelValidationError(
            "box",
            _("Box {index} of {count} is not a valid box number.").format(index=data.box_index, count=data.box_count),
        )
    for number, line in enumerate(data.lines, start=1):
        field = f"line {number}"
        _require(line.name, f"{field} name")
        if line.quantity < 1:
            raise LabelValidationError(
                field, _("Line {number} has quantity {qty}.").format(number=number, qty=line.quantity)
            )
        if line.barcode:
            check_gtin(line.barcode, field=f"{field} barcode")
        _check_glyphs(fonts, line.name + line.variant + line.barcode + line.stock_code, field)
    _check_glyphs(fonts, data.receiver_name + data.sender.name + data.note + data.order_number, "slip")
    return code128_modules(data.reopen_code, field="package id")
