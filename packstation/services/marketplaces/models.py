"""What the marketplaces tell us, as frozen values: packages, lines, addresses, pages.

These are the marketplace's view (``Remote*``), parsed and checked at the edge. The sync service turns
them into database rows; nothing downstream reads the JSON again except to store ``raw``.
Identifiers and tracking numbers are always ``str``: Trendyol's tracking numbers exceed int64 and
N11's order numbers are growing a digit, so no number type is safe for them.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.domain.sync import SetAside


class ListingMode(enum.Enum):
    """How to list Trendyol packages: the cursor stream (periodic sync) or the paged list (fallback)."""

    STREAM = "stream"
    PAGED = "paged"


@dataclass(frozen=True)
class RemoteAddress:
    """A delivery or invoice address as the marketplace sent it (fields may be empty abroad)."""

    full_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    neighborhood: str = ""
    district: str = ""
    city: str = ""
    postal_code: str = ""
    country_code: str = ""
    phone: str = ""
    full_address: str = ""
    tax_number: str = ""
    tax_office: str = ""


@dataclass(frozen=True)
class RemoteLine:
    """One order line of a package: what the packer must scan, and how many."""

    line_id: str
    barcode: str
    quantity: int
    stock_code: str = ""
    product_name: str = ""
    color: str = ""
    size: str = ""
    unit_price: Decimal | None = None
    currency: str = "TRY"
    status_raw: str = ""
    #: The marketplace's own product id (Trendyol contentId, HB hbSku/listingId, N11 productId).
    marketplace_sku: str = ""
    #: The order the line belongs to, where the marketplace says so per line (HB: a package may hold
    #: several orders); empty where the package's order number is the line's.
    order_number: str = ""


@dataclass(frozen=True)
class RemotePackage:
    """One shipment package, the unit a packer packs and a carrier collects."""

    marketplace: Marketplace
    package_id: str
    order_number: str
    status: PackageStatus
    status_raw: str
    lines: tuple[RemoteLine, ...]
    cargo_tracking_number: str = ""
    cargo_provider: str = ""
    customer_name: str = ""
    shipment_address: RemoteAddress | None = None
    invoice_address: RemoteAddress | None = None
    order_date: datetime | None = None
    last_modified: datetime | None = None
    #: The marketplace's own modification stamp, untouched: ordering and sync watermarks compare these.
    last_modified_ms: int | None = None
    ship_by: datetime | None = None
    total_price: Decimal | None = None
    currency: str = "TRY"
    #: "order-creation", "split", "cancel" or "transfer" on Trendyol; empty when not given.
    created_by: str = ""
    #: The packages this one replaced after a split or an unsupplied line (empty for originals).
    origin_package_ids: tuple[str, ...] = ()
    #: True when the marketplace pays the carrier (Trendyol: ``whoPays`` absent).
    marketplace_pays_shipping: bool = True
    #: The marketplace's own number for the package where it differs from ``package_id`` (Hepsiburada's
    #: package number; empty for lines not yet packed, and where the key is the marketplace's id).
    package_number: str = ""
    #: The reply's JSON object for this package, kept for storage and support; never compared.
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def is_successor(self) -> bool:
        """True for a package created by a split or unsupplied line of another package."""
        return bool(self.origin_package_ids)

    @property
    def total_quantity(self) -> int:
        """Items in the package, counting quantities."""
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class HeldPackage:
    """What the station already holds under one key: enough for a client to shape packages around it."""

    key: str
    order_number: str
    status: PackageStatus
    #: The marketplace's package number the station knows for it (empty while its lines are unpacked).
    package_number: str = ""
    #: A station has it claimed or packed: its lines must not change under the packer.
    busy: bool = False
    #: The marketplace line ids it holds (a package made of several orders holds them all).
    line_ids: frozenset[str] = frozenset()


class LocalView(Protocol):
    """The packages the station already holds for one account (read from the shared database).

    A marketplace whose packages are made at the station (Hepsiburada: open lines become a package when
    packed) keys what it lists by what is held: lines that came back after an unpack are new work, not the
    spent package; lines of several orders are combined only into a package nobody is working on.
    """

    def held(self, keys: Collection[str]) -> Mapping[str, HeldPackage]:
        """The held packages among ``keys`` (absent keys are not held)."""
        ...

    def keys_by_number(self, numbers: Collection[str]) -> Mapping[str, str]:
        """Marketplace package number to the key of the held package that carries it."""
        ...


@dataclass(frozen=True)
class PackageQuery:
    """What to list. Times are aware datetimes; clients convert them to each marketplace's encoding."""

    modified_since: datetime | None = None
    modified_until: datetime | None = None
    statuses: frozenset[PackageStatus] = frozenset()
    package_ids: tuple[str, ...] = ()
    order_number: str = ""
    page_size: int | None = None
    #: What the station already holds (see :class:`LocalView`); None for a look-up outside a sync.
    local: LocalView | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("modified_since", "modified_until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"PackageQuery.{name} must be timezone-aware, got {value!r}")
        if self.page_size is not None and self.page_size <= 0:
            raise ValueError(f"PackageQuery.page_size must be positive, got {self.page_size}")


@dataclass(frozen=True)
class PackagePage:
    """One page of a listing, as received (it may repeat packages of earlier pages)."""

    packages: tuple[RemotePackage, ...]
    #: 0-based position of this page in the listing.
    number: int
    has_more: bool
    #: The stream cursor that fetches the next page (Trendyol stream only).
    next_cursor: str = ""
    total_elements: int | None = None
    #: Packages of this page that could not be read, each named (the others are in ``packages``): set
    #: aside, so the rest of the page still lands.
    set_aside: tuple[SetAside, ...] = ()
    #: The reply's JSON text when its ``content`` array holds ``packages`` in order (Trendyol): the
    #: database takes each raw payload from here, exactly as sent, instead of a re-encoded copy.
    reply_json: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class StatusReport:
    """A status the marketplace reports for a package without sending the package (HB's thin feeds).

    The sync changes the stored package's status only; the stored details stay as they are.
    """

    #: The stored package's key (``RemotePackage.package_id``).
    key: str
    status: PackageStatus
    #: The marketplace's package number, where it has one (HB); stored with the package.
    package_number: str = ""
    cargo_tracking_number: str = ""
    #: The lines the report is about, when it is about lines (HB's cancelled lines).
    line_ids: tuple[str, ...] = ()
