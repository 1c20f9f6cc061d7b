"""What the packing use case hands out: the package on the station, the answer to a parcel scan, a completion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any

from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.i18n import _
from packstation.services.packing.claims import ClaimResult
from packstation.services.packing.read_model import PackageSummary


class OpenOutcome(StrEnum):
    """What scanning a parcel code led to."""

    OPENED = "opened"
    CHOOSE = "choose"
    NOT_FOUND = "not_found"
    TAKEN = "taken"
    ALREADY_PACKED = "already_packed"
    #: Its status forbids packing it (Awaiting, Cancelled, Shipped ...); the message says which and why.
    NOT_PACKABLE = "not_packable"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class LineInfo:
    """A package line with what the pack screen shows beside it."""

    line_id: str
    db_id: int
    product_id: int | None
    barcode: str
    name: str
    colour: str
    size: str
    quantity: int
    bin_location: str
    image_url: str = ""


@dataclass(frozen=True)
class OpenedPackage:
    """The package now on the station, as the pack screen shows it."""

    id: int
    external_id: str
    order_number: str
    account: str
    customer_name: str
    city: str
    district: str
    address_line: str
    cargo_provider: str
    cargo_tracking_number: str
    lines: tuple[LineInfo, ...]
    marketplace: str = ""
    sender_name: str = ""
    sender_address: str = ""
    sender_phone: str = ""
    phone: str = ""

    @classmethod
    def from_document(cls, data: dict[str, Any]) -> OpenedPackage:
        """The package from its JSON form: the offline cache's copy, or ``package_load()``'s (migration 0021)."""
        return cls(**{**data, "lines": tuple(LineInfo(**line) for line in data["lines"])})

    def document(self) -> dict[str, Any]:
        """The JSON form :meth:`from_document` reads: the fields by name, the lines as lists of theirs."""
        data = _plain(self)
        data["lines"] = [_plain(line) for line in self.lines]
        return data


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(kind))


def _plain(value: Any) -> dict[str, Any]:
    """A flat dataclass as a dict (``dataclasses.asdict`` deep-copies every value: 5x slower here)."""
    kind: type = type(value)  # as a plain ``type`` mypy sees it is hashable (a cache key); type[Any] it does not
    return {name: getattr(value, name) for name in _field_names(kind)}


@dataclass(frozen=True)
class LoadedPackage:
    """A package as a :class:`~packstation.services.packing.source.PackageSource` loads it for opening."""

    package: OpenedPackage
    #: The stored status text (``packages.status``).
    status: str
    #: Packed at this station while PostgreSQL was away (the offline cache knows; PostgreSQL has packed_at).
    packed_here: bool = False

    @classmethod
    def from_document(cls, data: dict[str, Any] | None) -> LoadedPackage | None:
        """What ``package_load()`` answers (``{"status", "package"}``, or null for no such package)."""
        if data is None:
            return None
        return cls(OpenedPackage.from_document(data["package"]), data["status"])


def line_info(line: PackageLineRow, bin_location: str | None, image_url: str | None) -> LineInfo:
    """A package line row as the pack screen needs it."""
    return LineInfo(
        line.external_line_id,
        line.id,
        line.product_id,
        line.barcode,
        line.product_name,
        line.colour or "",
        line.size or "",
        line.quantity,
        bin_location or "",
        image_url or "",
    )


def opened_package(
    row: PackageRow, account: MarketplaceAccountRow, client: ClientCompany, lines: tuple[LineInfo, ...]
) -> OpenedPackage:
    """A package row with its account and client company (the sender on the label) as the pack screen needs it."""
    return OpenedPackage(
        id=row.id,
        external_id=row.external_id,
        order_number=row.order_number,
        account=account.name,
        customer_name=row.customer_name,
        city=row.city,
        district=row.district,
        address_line=row.address_line,
        cargo_provider=row.cargo_provider or "",
        cargo_tracking_number=row.cargo_tracking_number or "",
        lines=lines,
        marketplace=account.kind,
        sender_name=client.name,
        sender_address=client.address or "",
        sender_phone=client.phone or "",
        phone=row.phone or "",
    )


@dataclass(frozen=True)
class OpenResult:
    """The answer to a parcel scan."""

    outcome: OpenOutcome
    message: str
    package: OpenedPackage | None = None
    choices: tuple[PackageSummary, ...] = ()
    claim: ClaimResult | None = None
    #: The scanned code, when nothing was found for it: the window then asks whether it is a badge.
    code: str = field(default="", repr=False)


@dataclass(frozen=True)
class Completion:
    """A parcel that just completed: what the label and the screen need."""

    package: OpenedPackage
    op_id: str
    completed_at: datetime
    box_count: int = 1
    #: What went into each box, in box order: line id -> units (empty for a completion without boxes).
    box_units: tuple[Mapping[str, int], ...] = ()
    #: Units declared unsupplied, by line id: they do not go out (the marketplace is told through the outbox).
    unsupplied: Mapping[str, int] = field(default_factory=dict)
    #: The parcel's desi (volumetric weight), the sum of its boxes' when every box's size was scanned; else None.
    desi: Decimal | None = None

    def shipped(self) -> OpenedPackage:
        """The package as it goes out: each line less its unsupplied units, lines with none left dropped."""
        if not self.unsupplied:
            return self.package
        lines = tuple(
            replace(line, quantity=line.quantity - self.unsupplied.get(line.line_id, 0))
            for line in self.package.lines
            if line.quantity > self.unsupplied.get(line.line_id, 0)
        )
        return replace(self.package, lines=lines)


class PackingError(Exception):
    """The request does not fit the current state (no package open, ...); the message says why."""


class NotRecordedError(PackingError):
    """The journal could not keep the operation (disk full, say): it did not happen; the message says why."""


def not_recorded_message(exc: BaseException) -> str:
    """The packer's sentence for a journal write that failed (translated)."""
    text = str(exc).lower()
    if "full" in text or "no space" in text:
        return _("DISK FULL: this scan was NOT recorded. Free disk space on this station; scanning resumes by itself.")
    return _(
        "This scan was NOT recorded: the station's journal cannot be written ({error}). Call a supervisor."
    ).format(error=exc)
