"""Layout of our own 100x150 mm (or 4x6 in) shipping label, in millimetres.

Top to bottom: carrier and box i/n, sender, receiver (the largest block), the tracking barcode
with its number, then the QR code beside order number, package id and item count. The barcode
and the bottom block are anchored to the bottom edge so they sit in the same place on every
label; the receiver block gets whatever height is left and its text wraps or shrinks into it.
"""

from __future__ import annotations

from packstation.i18n import _
from packstation.services.labels.elements import Align, Box, Code128, Element, Page, QrCode, TextBlock
from packstation.services.labels.errors import TextDoesNotFitError
from packstation.services.labels.fonts import LabelFonts
from packstation.services.labels.model import LabelSize, ShippingLabelData
from packstation.services.labels.textfit import LINE_PITCH, fit_line, fit_text
from packstation.services.labels.validation import check_barcode_fits

MARGIN = 3.0
RULE = 0.5
# Code 128 needs a quiet zone of 10 modules each side: at most 5 mm with 0.5 mm modules.
BARCODE_QUIET = 5.0
BARCODE_HEIGHT = 24.0
QR_SIZE = 30.0


def _no_break(text: str) -> str:
    """Keep a phone number on one line: its spaces become no-break spaces."""
    return text.replace(" ", "\u00a0")


def _rule(x: float, y: float, width: float) -> Box:
    return Box(x, y, width, RULE)


def layout_shipping_label(
    data: ShippingLabelData, size: LabelSize, fonts: LabelFonts, *, tracking_modules: str
) -> Page:
    """Place every field of ``data`` on a label of ``size``; customer text that cannot fit is cut with ``…``."""
    width, height = size.width_mm, size.height_mm
    inner = width - 2 * MARGIN
    elements: list[Element] = []
    y = MARGIN
    # The barcode is what the carrier needs most: refuse one that cannot scan before anything else.
    bar_width = width - 2 * BARCODE_QUIET
    check_barcode_fits(tracking_modules, bar_width, field="tracking number", value=data.tracking_number)

    # Header: carrier left, box i/n right, both large: the sorter reads these from a distance.
    box_text = _("Box {index}/{count}").format(index=data.box_index, count=data.box_count)
    box_fit = fit_line(fonts, box_text, field="box", width=inner * 0.35, size=6.5, min_size=4.0, bold=True)
    carrier_fit = fit_line(
        fonts, data.carrier, field="carrier", width=inner * 0.62, size=6.5, min_size=3.5, bold=True, cut=True
    )
    elements.append(TextBlock(MARGIN, y, inner * 0.62, carrier_fit))
    elements.append(TextBlock(MARGIN + inner * 0.65, y, inner * 0.35, box_fit, Align.RIGHT))
    y += 6.5 * LINE_PITCH + 1.0
    elements.append(_rule(0, y, width))
    y += RULE + 1.5

    # Sender: small, one name line and at most two lines of address.
    caption = fit_line(fonts, _("FROM"), field="caption", width=inner, size=2.6, min_size=2.0, bold=True)
    elements.append(TextBlock(MARGIN, y, inner, caption))
    y += caption.height
    sender_name = fit_line(
        fonts, data.sender.name, field="sender name", width=inner, size=3.6, min_size=2.4, bold=True, cut=True
    )
    elements.append(TextBlock(MARGIN, y, inner, sender_name))
    y += sender_name.height
    sender_rest = ", ".join(
        part for part in (*data.sender.address_lines, data.sender.city, _no_break(data.sender.phone or "")) if part
    )
    if sender_rest:
        rest_fit = fit_text(
            fonts, sender_rest, field="sender address", width=inner, max_lines=2, size=3.0, min_size=2.2, cut=True
        )
        elements.append(TextBlock(MARGIN, y, inner, rest_fit))
        y += rest_fit.height
    y += 1.0
    elements.append(_rule(0, y, width))
    y += RULE + 1.5

    # Bottom-anchored blocks, computed first so the receiver knows how much room it has.
    bottom_top = height - MARGIN - QR_SIZE
    tracking_text = fit_line(
        fonts, data.tracking_number, field="tracking number", width=inner, size=6.0, min_size=3.5, bold=True
    )
    barcode_top = bottom_top - 2.5 - tracking_text.height - 1.0 - BARCODE_HEIGHT
    receiver_bottom = barcode_top - 2.5

    caption = fit_line(fonts, _("TO"), field="caption", width=inner, size=2.6, min_size=2.0, bold=True)
    elements.append(TextBlock(MARGIN, y, inner, caption))
    y += caption.height
    name = fit_text(
        fonts,
        data.receiver_name,
        field="receiver name",
        width=inner,
        max_lines=2,
        size=5.5,
        min_size=3.5,
        bold=True,
        cut=True,
    )
    elements.append(TextBlock(MARGIN, y, inner, name))
    y += name.height + 0.5
    place = " / ".join(part for part in (data.district, data.city) if part)
    place_fit = fit_line(fonts, place, field="city", width=inner, size=6.0, min_size=3.5, bold=True, cut=True)
    phone_fit = None
    if data.phone:
        phone_text = _("Phone: {phone}").format(phone=_no_break(data.phone))
        phone_fit = fit_line(fonts, phone_text, field="phone", width=inner, size=3.6, min_size=2.6, cut=True)
    reserved = place_fit.height + 0.5 + (phone_fit.height if phone_fit else 0.0)
    address_room = receiver_bottom - y - reserved
    address_size = 4.2
    address_lines = max(1, int(address_room // (address_size * LINE_PITCH)))
    address_text = "\n".join(line for line in data.address_lines if line.strip())
    try:
        address = fit_text(
            fonts, address_text, field="address", width=inner, max_lines=address_lines, size=address_size, min_size=2.6
        )
    except TextDoesNotFitError:
        # More lines fit at the smallest size than at the preferred one: use them before giving up.
        address = fit_text(
            fonts,
            address_text,
            field="address",
            width=inner,
            max_lines=max(1, int(address_room // (2.6 * LINE_PITCH))),
            size=2.6,
            min_size=2.6,
            cut=True,
        )
    elements.append(TextBlock(MARGIN, y, inner, address))
    y += address.height + 0.5
    elements.append(TextBlock(MARGIN, y, inner, place_fit))
    y += place_fit.height
    if phone_fit:
        elements.append(TextBlock(MARGIN, y, inner, phone_fit))

    # Tracking barcode with its number underneath, in our font (bigger than the printer's ^BC text).
    elements.append(_rule(0, barcode_top - 1.5, width))
    elements.append(
        Code128(BARCODE_QUIET, barcode_top, bar_width, BARCODE_HEIGHT, data.tracking_number, tracking_modules)
    )
    elements.append(TextBlock(MARGIN, barcode_top + BARCODE_HEIGHT + 1.0, inner, tracking_text, Align.CENTER))
    elements.append(_rule(0, bottom_top - 1.5, width))

    # QR at the bottom left, references beside it.
    elements.append(QrCode(MARGIN, bottom_top, QR_SIZE, data.qr_payload))
    info_x = MARGIN + QR_SIZE + 4.0
    info_width = width - info_x - MARGIN
    info_y = bottom_top + 0.5
    rows = (
        (_("Order: {number}").format(number=data.order_number), "order number", True),
        (_("Package: {package}").format(package=data.package_id), "package id", False),
        (_("Items: {count}").format(count=data.item_count), "item count", False),
        (data.marketplace.display_name if data.marketplace else "", "marketplace", True),
    )
    for text, field, bold in rows:
        if not text:
            continue
        cut = field != "package id"  # the package id reopens the parcel: never shortened
        row = fit_line(fonts, text, field=field, width=info_width, size=4.0, min_size=2.4, bold=bold, cut=cut)
        elements.append(TextBlock(info_x, info_y, info_width, row))
        info_y += 4.0 * LINE_PITCH + 0.8
    return Page(width, height, tuple(elements))
