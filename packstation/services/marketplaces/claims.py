"""What a marketplace tells us about returns, as frozen values: claims, their lines and claim items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.domain.returns import ClaimItemStatus
from packstation.domain.sync import SetAside


@dataclass(frozen=True)
class ClaimReason:
    """A reason as the marketplace names it (Trendyol serves the names in Turkish)."""

    name: str
    code: str = ""
    external_id: str = ""


@dataclass(frozen=True)
class RemoteClaimItem:
    """One returned unit: its own id (approve and reject name these), status and the customer's reason."""

    item_id: str
    status: ClaimItemStatus | None
    status_raw: str
    customer_reason: ClaimReason | None = None
    customer_note: str = ""


@dataclass(frozen=True)
class RemoteClaimLine:
    """An order line being returned, with one claim item per unit."""

    order_line_id: str
    barcode: str
    stock_code: str
    product_name: str
    items: tuple[RemoteClaimItem, ...]
    colour: str = ""
    size: str = ""


@dataclass(frozen=True)
class RemoteClaim:
    """A customer's return request: the return parcel's own tracking number and what it should hold."""

    marketplace: Marketplace
    claim_id: str
    order_number: str
    return_tracking_number: str
    cargo_provider: str
    customer_name: str
    claimed_at: datetime | None
    modified_at: datetime | None
    lines: tuple[RemoteClaimLine, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def items(self) -> tuple[RemoteClaimItem, ...]:
        """Every claim item of the claim."""
        return tuple(item for line in self.lines for item in line.items)


@dataclass(frozen=True)
class ClaimPage:
    """One page of claims; ``set_aside`` names the elements that could not be read (never silently dropped)."""

    claims: tuple[RemoteClaim, ...]
    number: int
    total_pages: int
    set_aside: tuple[SetAside, ...] = ()
