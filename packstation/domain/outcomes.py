"""The enums of scan-to-verify: what a scan meant, where a session stands, why items are unsupplied."""

from __future__ import annotations

from enum import Enum


class ScanOutcome(Enum):
    """What one scan meant for the package being packed."""

    ACCEPTED = "accepted"
    WRONG_ITEM = "wrong_item"
    OVER_SCAN = "over_scan"
    UNKNOWN_BARCODE = "unknown_barcode"
    PACKAGE_ALREADY_COMPLETE = "package_already_complete"
    PACKAGE_CANCELLED = "package_cancelled"
    INVALID = "invalid"


class PackState(Enum):
    """Where the session stands."""

    OPEN = "open"
    COMPLETE = "complete"
    ABORTED = "aborted"
    CANCELLED = "cancelled"


class UnsuppliedReason(Enum):
    """Why a quantity cannot be supplied; the marketplace adapters map these to their reason ids."""

    OUT_OF_STOCK = "out_of_stock"
    DEFECTIVE = "defective"
    WRONG_PRICE = "wrong_price"
    INTEGRATION_ERROR = "integration_error"
    BULK_PURCHASE = "bulk_purchase"
    FORCE_MAJEURE = "force_majeure"
    OTHER = "other"
