"""What goes on a shipping label and a packing slip: frozen input models the caller fills in.

The lead maps database rows into these; the label service validates them before anything is
printed (see :mod:`packstation.services.labels.validation`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from packstation.domain.marketplace import LabelFormat, Marketplace

#: The packing-slip barcode payload is this prefix followed by the package id, e.g. ``PS:3452876123``.
#: Scanning it at any station reopens that package. Code 128 (set B) encodes it.
PACKING_SLIP_CODE_PREFIX = "PS:"
# A keyboard-wedge scanner on a Turkish Q layout types ":" as "Ş" (devices-and-reliability §0.5);
# accepting the damaged form means the slip still works before the wedge repair is configured.
_TURKISH_Q_DAMAGED_PREFIX = "PSŞ"


def packing_slip_code(package_id: str) -> str:
    """The barcode payload printed on a packing slip for ``package_id``."""
    return f"{PACKING_SLIP_CODE_PREFIX}{package_id}"


def parse_packing_slip_code(scan: str) -> str | None:
    """The package id in a scanned packing-slip code, or None when ``scan`` is not one."""
    text = scan.strip()
    for prefix in (PACKING_SLIP_CODE_PREFIX, _TURKISH_Q_DAMAGED_PREFIX):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix) :]
    return None


class LabelSize(enum.Enum):
    """Physical label stock; values are (width, height) in millimetres, portrait."""

    MM_100X150 = (100.0, 150.0)
    IN_4X6 = (101.6, 152.4)

    @property
    def width_mm(self) -> float:
        """Label width in millimetres."""
        return self.value[0]

    @property
    def height_mm(self) -> float:
        """Label height in millimetres."""
        return self.value[1]


class PageSize(enum.Enum):
    """Paper for packing slips printed as PDF on an office printer; (width, height) in mm."""

    A6 = (105.0, 148.0)
    A5 = (148.0, 210.0)

    @property
    def width_mm(self) -> float:
        """Page width in millimetres."""
        return self.value[0]

    @property
    def height_mm(self) -> float:
        """Page height in millimetres."""
        return self.value[1]


class PrinterDpi(enum.Enum):
    """Thermal print-head resolution. Zebra heads are 8 and 12 dots per millimetre exactly."""

    DPI_203 = 203
    DPI_300 = 300

    @property
    def dots_per_mm(self) -> int:
        """Dots per millimetre of the print head."""
        return 8 if self is PrinterDpi.DPI_203 else 12


@dataclass(frozen=True)
class Sender:
    """The company the parcel is sent by: for a 3PL, the client company, not the warehouse."""

    name: str
    address_lines: tuple[str, ...] = ()
    city: str = ""
    phone: str | None = None


@dataclass(frozen=True)
class ShippingLabelData:
    """Everything printed on our own shipping label (used when the marketplace issues none)."""

    sender: Sender
    receiver_name: str
    address_lines: tuple[str, ...]
    district: str
    city: str
    order_number: str
    package_id: str
    carrier: str
    tracking_number: str
    #: None for a parcel of no known marketplace (a test label): no marketplace name is printed.
    marketplace: Marketplace | None
    item_count: int
    box_index: int = 1
    box_count: int = 1
    #: Only when the marketplace allows showing it; Trendyol often masks the phone.
    phone: str | None = None
    #: The QR code carries this link when known, otherwise the package id.
    tracking_url: str | None = None

    @property
    def qr_payload(self) -> str:
        """What the label's QR code encodes."""
        return self.tracking_url or self.package_id


@dataclass(frozen=True)
class PackingSlipLine:
    """One package line on the slip."""

    name: str
    quantity: int
    barcode: str = ""
    stock_code: str = ""
    #: Colour, size and the like, printed under the name.
    variant: str = ""


@dataclass(frozen=True)
class PackingSlipData:
    """The packing slip that goes inside the parcel; its barcode reopens the package at a station."""

    sender: Sender
    receiver_name: str
    order_number: str
    package_id: str
    marketplace: Marketplace | None
    lines: tuple[PackingSlipLine, ...]
    order_date: str = ""
    note: str = ""
    #: The box this slip goes into, of how many: a parcel in several boxes gets one slip per box,
    #: listing what is in that box.
    box_index: int = 1
    box_count: int = 1

    @property
    def reopen_code(self) -> str:
        """The Code 128 payload that reopens this package (see ``PACKING_SLIP_CODE_PREFIX``)."""
        return packing_slip_code(self.package_id)


@dataclass(frozen=True)
class LabelDocument:
    """Bytes ready for a printer, with what they are and whether they use the downloaded font."""

    data: bytes
    format: LabelFormat
    #: True when the ZPL references the label font, so the font job must reach the printer first.
    needs_font: bool
    #: What the document is, for logs and the print-job list ("label 3452876123 box 1/2").
    description: str = ""
    #: Fields printed shortened or with characters left out (the packer is told); empty when all is as given.
    shortened: tuple[str, ...] = ()
