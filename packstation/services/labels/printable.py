"""Customer text made printable: every label prints, whatever a marketplace sends as a name or address.

A receiver's name may hold right-to-left script, emoji, control characters or ten thousand
characters; the label must still print (a parcel without a label stops at the packing table).
Characters the label font lacks are transliterated (NFKD, then ``anyascii``) or dropped, control
characters are dropped, and very long fields are cut before layout; the layout then cuts what still
does not fit with a visible ``…``. Every field changed is named so the packer can be told.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from packstation.i18n import N_, _
from packstation.services.labels.fonts import LabelFonts
from packstation.services.labels.model import PackingSlipData, PackingSlipLine, Sender, ShippingLabelData
from packstation.services.labels.textfit import ELLIPSIS

#: Characters of one field kept before layout: more never fits a label (and fitting 10,000 costs time).
MAX_FIELD_CHARS = 600
#: What stands for a field that held nothing printable at all (a name of only emoji).
UNPRINTABLE = "?"
_DROP = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_SYMBOLS = frozenset({"So", "Sk"})
_SPACES = re.compile(" {2,}")


@lru_cache(maxsize=4096)
def _printable_char(fonts: LabelFonts, char: str) -> str:
    category = unicodedata.category(char)
    if char in "\t\r\n" or category in ("Zs", "Zl", "Zp"):
        return char if char == "\u00a0" else " "  # a no-break space keeps a phone number on one line
    if category in _DROP:
        return ""
    rtl = unicodedata.bidirectional(char) in ("R", "AL", "AN")
    # Right-to-left script prints transliterated even where the font has a glyph: the printer
    # neither shapes nor reorders it, and Latin letters in logical order read better than that.
    if not rtl and not fonts.missing_glyphs(char):
        return char
    if not rtl:
        decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if decomposed and not fonts.missing_glyphs(decomposed):
            return decomposed
        if category in _SYMBOLS:
            return ""  # emoji and pictographs: anyascii would print ":grinning:"
    latin = anyascii(char)
    return latin if latin and not fonts.missing_glyphs(latin) else ""


def printable_text(fonts: LabelFonts, text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """``text`` with only characters the label font prints, at most ``limit`` characters (cut with ``…``)."""
    text = unicodedata.normalize("NFC", text)
    if len(text) > limit * 2:
        text = text[: limit * 2]  # enough to survive the dropped characters below
    out = "".join(_printable_char(fonts, char) for char in text)
    if out != text:
        out = _SPACES.sub(" ", out)  # where dropped characters leave a gap of several spaces
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + ELLIPSIS
    return out


def _field(fonts: LabelFonts, value: str, name: str, changed: set[str], *, required: bool = False) -> str:
    printed = printable_text(fonts, value)
    if printed != unicodedata.normalize("NFC", value):
        if value.strip() and not printed.strip() and required:
            printed = UNPRINTABLE
        changed.add(name)
    return printed


def _ascii_code(value: str) -> str:
    return "".join(char for char in value if " " < char <= "~")


def printable_shipping_data(data: ShippingLabelData, fonts: LabelFonts) -> tuple[ShippingLabelData, set[str]]:
    """``data`` with every customer text printable; the names of the fields that had to change."""
    changed: set[str] = set()
    tracking_url = data.tracking_url
    if tracking_url is not None and (_ascii_code(tracking_url) != tracking_url or len(tracking_url) > 300):
        tracking_url = None  # the QR then carries the package id: a QR that cannot be made is worse
        changed.add("tracking link")
    sender = Sender(
        name=_field(fonts, data.sender.name, "sender name", changed, required=True),
        address_lines=tuple(_field(fonts, line, "sender address", changed) for line in data.sender.address_lines),
        city=_field(fonts, data.sender.city, "sender address", changed),
        phone=_field(fonts, data.sender.phone, "sender phone", changed) if data.sender.phone else data.sender.phone,
    )
    printable = dataclasses.replace(
        data,
        sender=sender,
        receiver_name=_field(fonts, data.receiver_name, "receiver name", changed, required=True),
        address_lines=tuple(_field(fonts, line, "address", changed, required=True) for line in data.address_lines),
        district=_field(fonts, data.district, "district", changed),
        city=_field(fonts, data.city, "city", changed, required=True),
        carrier=_field(fonts, data.carrier, "carrier", changed, required=True),
        order_number=_field(fonts, data.order_number, "order number", changed, required=True),
        phone=_field(fonts, data.phone, "phone", changed) if data.phone else data.phone,
        tracking_url=tracking_url,
    )
    return printable, changed


def printable_slip_data(data: PackingSlipData, fonts: LabelFonts) -> tuple[PackingSlipData, set[str]]:
    """``data`` with every customer and catalogue text printable; the names of the fields that changed."""
    changed: set[str] = set()
    lines = tuple(
        PackingSlipLine(
            name=_field(fonts, line.name, "product name", changed, required=True),
            quantity=line.quantity,
            barcode=_field(fonts, line.barcode, "barcode", changed),
            stock_code=_field(fonts, line.stock_code, "stock code", changed),
            variant=_field(fonts, line.variant, "variant", changed),
        )
        for line in data.lines
    )
    printable = dataclasses.replace(
        data,
        sender=dataclasses.replace(data.sender, name=_field(fonts, data.sender.name, "sender name", changed)),
        receiver_name=_field(fonts, data.receiver_name, "receiver name", changed),
        order_number=_field(fonts, data.order_number, "order number", changed, required=True),
        note=_field(fonts, data.note, "note", changed),
        lines=lines,
    )
    return printable, changed


_FIELD_NAMES = {
    "receiver name": N_("receiver name"),
    "address": N_("address"),
    "district": N_("district"),
    "city": N_("city"),
    "phone": N_("phone"),
    "carrier": N_("carrier"),
    "order number": N_("order number"),
    "sender name": N_("sender name"),
    "sender address": N_("sender address"),
    "sender phone": N_("sender phone"),
    "tracking link": N_("tracking link"),
    "marketplace": N_("marketplace"),
}


def shortened_note(fields: tuple[str, ...]) -> str:
    """The packer's note for a label printed with ``fields`` shortened (empty when none was)."""
    if not fields:
        return ""
    names = ", ".join(_(_FIELD_NAMES[field]) if field in _FIELD_NAMES else field for field in fields)
    return _("Label printed with shortened or simplified fields: {fields}. Check them on the label.").format(
        fields=names
    )
