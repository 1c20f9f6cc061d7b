"""Marketplace clients (Trendyol, Hepsiburada, N11) behind one interface, and a local simulator.

Usage::

    client = TrendyolClient(TrendyolCredentials("123456", api_key, api_secret))
    for page in client.iter_package_pages(PackageQuery(modified_since=watermark - timedelta(hours=3))):
        repository.upsert(page.packages)
    client.mark_picking(package, business_key=str(outbox_row.id))
"""

from __future__ import annotations

from packstation.domain.marketplace import LabelFormat, Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.retry import RetryPolicy
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces.base import Capabilities, MarketplaceClient, unique_packages
from packstation.services.marketplaces.credentials import (
    HepsiburadaCredentials,
    N11Credentials,
    TrendyolCredentials,
)
from packstation.services.marketplaces.errors import (
    AuthError,
    DuplicateRequest,
    EndpointRetired,
    MalformedReply,
    MarketplaceError,
    NotFound,
    RateLimited,
    Rejected,
    ServerError,
    Unreachable,
    Unsupported,
)
from packstation.services.marketplaces.models import (
    ListingMode,
    PackagePage,
    PackageQuery,
    RemoteAddress,
    RemoteLine,
    RemotePackage,
)
from packstation.services.marketplaces.ratelimit import RateLimit, RateLimiter, SlidingWindow
from packstation.services.marketplaces.transport import Timeouts
from packstation.services.marketplaces.trendyol.client import TrendyolClient, TrendyolConfig, TrendyolLimits
from packstation.services.marketplaces.writes import (
    BatchState,
    ItemState,
    MarketplaceLabel,
    StockBatchResult,
    StockItemResult,
    StockPushReceipt,
    StockUpdate,
    UnsuppliedLine,
    WriteOutcome,
)

__all__ = [
    "AuthError",
    "BatchState",
    "Capabilities",
    "DuplicateRequest",
    "EndpointRetired",
    "HepsiburadaCredentials",
    "ItemState",
    "LabelFormat",
    "ListingMode",
    "MalformedReply",
    "Marketplace",
    "MarketplaceClient",
    "MarketplaceError",
    "MarketplaceLabel",
    "N11Credentials",
    "NotFound",
    "PackagePage",
    "PackageQuery",
    "PackageStatus",
    "RateLimit",
    "RateLimited",
    "RateLimiter",
    "Rejected",
    "RemoteAddress",
    "RemoteLine",
    "RemotePackage",
    "RetryPolicy",
    "ServerError",
    "SlidingWindow",
    "StockBatchResult",
    "StockItemResult",
    "StockPushReceipt",
    "StockUpdate",
    "Timeouts",
    "TrendyolClient",
    "TrendyolConfig",
    "TrendyolCredentials",
    "TrendyolLimits",
    "Unreachable",
    "UnsuppliedLine",
    "UnsuppliedReason",
    "Unsupported",
    "WriteOutcome",
    "unique_packages",
]
