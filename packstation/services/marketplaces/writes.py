"""Values for the calls that change something at a marketplace: statuses, unsupplied lines, stock.

Every write carries a business key: a string the caller generated once and persisted (the outbox row's
id) before the first attempt. The clients log it on every attempt and send it where a marketplace accepts
one, so an operator can match our log to the marketplace's records and a retry is recognisable.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from packstation.domain.marketplace import LabelFormat, RasterFormat


@dataclass(frozen=True)
class UnsuppliedLine:
    """``quantity`` items of line ``line_id`` that the warehouse cannot supply."""

    line_id: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"unsupplied quantity must be positive, got {self.quantity} for line {self.line_id}")


@dataclass(frozen=True)
class WriteOutcome:
    """What a status or unsupplied call achieved."""

    business_key: str
    #: False when a retry found the change already made (look-up-then-act) and did not resend it.
    sent: bool = True
    #: Package ids the marketplace created (HB package number after packing, successors if known).
    new_package_ids: tuple[str, ...] = ()
    #: Per-line refusals the marketplace reported inside a 200 reply (N11 works per line).
    line_errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StockUpdate:
    """The desired sellable stock (and optionally prices) of one product at one marketplace.

    Values are absolute, never deltas, so sending the same update twice cannot decrement twice.
    """

    barcode: str
    quantity: int | None = None
    stock_code: str = ""
    sale_price: Decimal | None = None
    list_price: Decimal | None = None
    #: The marketplace's own SKU where it keys stock by it (Hepsiburada ``hepsiburadaSku``).
    marketplace_sku: str = ""

    def __post_init__(self) -> None:
        if self.quantity is None and self.sale_price is None and self.list_price is None:
            raise ValueError(f"stock update for {self.barcode!r} changes nothing")
        if self.quantity is not None and self.quantity < 0:
            raise ValueError(f"negative stock {self.quantity} for {self.barcode!r}")
        if (self.sale_price is None) != (self.list_price is None):
            raise ValueError(f"sale and list price must be sent together for {self.barcode!r}")
        if self.sale_price is not None and self.list_price is not None and self.list_price < self.sale_price:
            raise ValueError(f"list price below sale price for {self.barcode!r}")


@dataclass(frozen=True)
class StockPushReceipt:
    """The marketplace accepted a stock batch; ``batch_id`` fetches its result later."""

    business_key: str
    batch_id: str
    item_count: int
    #: True when a retry learned the first attempt had already been accepted (no batch id then).
    already_accepted: bool = False


class BatchState(enum.Enum):
    """Where a stock batch is."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REJECTED = "rejected"


class ItemState(enum.Enum):
    """The outcome of one item of a batch."""

    SUCCESS = "success"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class StockItemResult:
    """One item of a batch result; ``reasons`` are the marketplace's own words, kept verbatim."""

    key: str
    state: ItemState
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StockBatchResult:
    """The result of a stock batch."""

    batch_id: str
    state: BatchState
    items: tuple[StockItemResult, ...]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def failed(self) -> tuple[StockItemResult, ...]:
        """The items the marketplace refused."""
        return tuple(item for item in self.items if item.state is ItemState.FAILED)


@dataclass(frozen=True)
class MarketplaceLabel:
    """The marketplace's own shipping label: one document per box."""

    cargo_tracking_number: str
    #: A printer format (the documents go to the printer as issued), or a picture format (each document
    #: is drawn into the printer's format first).
    format: LabelFormat | RasterFormat
    #: Empty when the marketplace gives no label for this parcel and ours is printed (``note`` says why).
    documents: tuple[bytes, ...]
    note: str = ""
