"""Trendyol client settings: base URL, paths, paging, time encoding, timeouts, retries and limits.

Everything the reference marks UNCERTAIN (the list path, order polling limits, the time encoding) is a
field here, so an account can be adjusted from config without a release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from packstation.domain.retry import RetryPolicy
from packstation.services.marketplaces.models import ListingMode
from packstation.services.marketplaces.ratelimit import TRENDYOL_BURST, Limits, RateLimit
from packstation.services.marketplaces.transport import Timeouts

PRODUCTION_URL = "https://apigw.trendyol.com/integration"
STAGE_URL = "https://stageapigw.trendyol.com/integration"

# Every group: Trendyol's 50-per-10-seconds burst rule AND the group's per-minute quota (FACTS.md §7).
# A quota alone would let a minute's worth go out at once, and the 51st request in 10 s gets 429.
_LIST_LIMIT = (TRENDYOL_BURST, RateLimit(30, 60.0))  # newest tier table: as low as 30/min (UNCERTAIN, 3P)
_UPDATE_LIMIT = (TRENDYOL_BURST, RateLimit(300, 60.0))
_UNSUPPLIED_LIMIT = (TRENDYOL_BURST, RateLimit(100, 60.0))
_LABEL_LIMIT = (TRENDYOL_BURST, RateLimit(100, 60.0))
_STOCK_LIMIT = (TRENDYOL_BURST, RateLimit(350, 60.0))  # "Inventory & Price Write" group from 14 Sep 2026
_BATCH_LIMIT = (TRENDYOL_BURST, RateLimit(1000, 60.0))
_CLAIMS_LIMIT = (TRENDYOL_BURST, RateLimit(30, 60.0))  # the list tier; claims publish none of their own (UNCERTAIN)
_CLAIM_DECISION_LIMIT = (TRENDYOL_BURST, RateLimit(5, 60.0))  # approve and reject: 5/min each (FACTS.md §7)


@dataclass(frozen=True)
class TrendyolLimits:
    """Sliding-window limits per endpoint group: the burst rule plus the lowest published per-minute tier.

    A field may be one :class:`RateLimit` or several that must all hold (keep them configurable).
    """

    list_packages: Limits = _LIST_LIMIT
    update_package: Limits = _UPDATE_LIMIT
    unsupplied: Limits = _UNSUPPLIED_LIMIT
    common_label: Limits = _LABEL_LIMIT
    stock_write: Limits = _STOCK_LIMIT
    batch_result: Limits = _BATCH_LIMIT
    claims: Limits = _CLAIMS_LIMIT
    claim_decisions: Limits = _CLAIM_DECISION_LIMIT

    def as_mapping(self) -> dict[str, Limits]:
        """Group name to limit, for the limiter."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class TrendyolConfig:
    """Where and how to call Trendyol."""

    base_url: str = PRODUCTION_URL
    #: The paged list, used for look-ups by package id or order number. The old
    #: ``/order/sellers/{seller_id}/orders`` answers 426 in brown-outs and is switched off from
    #: 15 Oct 2026; v2 replaces it (FACTS.md §1b: not in the published OpenAPI copy, but five
    #: independent client codebases agree on the path). Set the old path here only for a seller
    #: still on it.
    paged_path: str = "/order/sellers/{seller_id}/v2/orders"
    #: v2 reaches at most 10,000 packages by paging (page x size), and only the last month.
    paged_record_cap: int = 10_000
    stream_path: str = "/order/sellers/{seller_id}/orders/stream"
    listing_mode: ListingMode = ListingMode.STREAM
    #: How a write is checked after an ambiguous attempt: PAGED looks the package up by id on
    #: ``paged_path`` (one request); STREAM scans the packages modified since the attempt. Either
    #: way the old paged list is never needed, and a 426 from the paged path falls back to the stream.
    write_check: ListingMode = ListingMode.PAGED
    #: How far before the attempt the stream scan starts. The stream's lastModifiedStartDate has
    #: no documented time zone (the spec is silent; a third party says GMT+3), so a reading 3 hours
    #: off must still include the change: 3 h for the time zone plus a margin.
    write_check_lookback: timedelta = timedelta(hours=4)
    #: Most stream pages one write check reads before it gives up (and the write is retried later).
    write_check_max_pages: int = 25
    page_size: int = 200
    #: Claims per page: default 50, at most 200 (``getClaims``).
    claims_page_size: int = 200
    stock_batch_size: int = 1000
    #: Read orderDate & co. as Istanbul wall-clock ("GMT+3") epoch, as documented; calibrate per account.
    local_epoch: bool = True
    #: Trendyol documents no idempotency header; set one if they ever add it (the key is always logged).
    idempotency_header: str = ""
    #: Carriers (tracking prefixes) whose Trendyol-paid parcels get a common ZPL label: TEX and Aras.
    label_carrier_prefixes: frozenset[str] = frozenset({"733", "726"})
    #: Refusals of the common-label create that mean "this parcel has no common label" (a seller-paid
    #: shipment, a carrier outside the programme): the station prints its own label with the tracking
    #: barcode, as sellers on their own carrier agreement do. Trendyol publishes no error codes for this
    #: endpoint (FACTS.md §5), so the texts are matched case-insensitively and kept configurable.
    no_common_label_replies: tuple[str, ...] = ("not available for this carrier",)
    label_poll_attempts: int = 3
    label_poll_delay: float = 1.0
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: TrendyolLimits = field(default_factory=TrendyolLimits)
