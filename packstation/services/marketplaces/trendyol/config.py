"""Trendyol client settings: base URL, paths, paging, time encoding, timeouts, retries and limits.

Everything the reference marks UNCERTAIN (the list path, order polling limits, the time encoding) is a
field here, so an account can be adjusted from config without a release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packstation.services.marketplaces.models import ListingMode
from packstation.services.marketplaces.ratelimit import RateLimit
from packstation.services.marketplaces.transport import RetryPolicy, Timeouts

PRODUCTION_URL = "https://apigw.trendyol.com/integration"
STAGE_URL = "https://stageapigw.trendyol.com/integration"

_LIST_LIMIT = RateLimit(30, 60.0)  # newest tier table: as low as 30/min for order polling
_UPDATE_LIMIT = RateLimit(300, 60.0)
_UNSUPPLIED_LIMIT = RateLimit(100, 60.0)
_LABEL_LIMIT = RateLimit(100, 60.0)
_STOCK_LIMIT = RateLimit(350, 60.0)  # "Inventory & Price Write" group from 14 Sep 2026
_BATCH_LIMIT = RateLimit(1000, 60.0)


@dataclass(frozen=True)
class TrendyolLimits:
    """Requests per endpoint group; the defaults are the lowest published tier (keep them configurable)."""

    list_packages: RateLimit = _LIST_LIMIT
    update_package: RateLimit = _UPDATE_LIMIT
    unsupplied: RateLimit = _UNSUPPLIED_LIMIT
    common_label: RateLimit = _LABEL_LIMIT
    stock_write: RateLimit = _STOCK_LIMIT
    batch_result: RateLimit = _BATCH_LIMIT

    def as_mapping(self) -> dict[str, RateLimit]:
        """Group name to limit, for the limiter."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class TrendyolConfig:
    """Where and how to call Trendyol."""

    base_url: str = PRODUCTION_URL
    #: Trendyol announced a v2 list path; a 426 reply is the cue to switch this.
    orders_path: str = "/order/sellers/{seller_id}/orders"
    stream_path: str = "/order/sellers/{seller_id}/orders/stream"
    listing_mode: ListingMode = ListingMode.STREAM
    page_size: int = 200
    stock_batch_size: int = 1000
    #: Read orderDate & co. as Istanbul wall-clock ("GMT+3") epoch, as documented; calibrate per account.
    local_epoch: bool = True
    #: Trendyol documents no idempotency header; set one if they ever add it (the key is always logged).
    idempotency_header: str = ""
    #: Carriers (tracking prefixes) whose Trendyol-paid parcels get a common ZPL label: TEX and Aras.
    label_carrier_prefixes: frozenset[str] = frozenset({"733", "726"})
    label_poll_attempts: int = 3
    label_poll_delay: float = 1.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: TrendyolLimits = field(default_factory=TrendyolLimits)
