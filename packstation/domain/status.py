"""Status vocabularies shared by every layer (stored as text in PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum

from packstation.i18n import N_, _


class PackageStatus(StrEnum):
    """Where a shipment package stands, in Trendyol's words (Hepsiburada and N11 statuses map onto them).

    The one rule of what a packer may work on is :attr:`is_packable`; everything else is refused with
    :func:`why_not_packable`'s sentence.
    """

    AWAITING = "Awaiting"
    CREATED = "Created"
    PICKING = "Picking"
    INVOICED = "Invoiced"
    SHIPPED = "Shipped"
    AT_COLLECTION_POINT = "AtCollectionPoint"
    DELIVERED = "Delivered"
    UNDELIVERED = "UnDelivered"
    RETURNED = "Returned"
    CANCELLED = "Cancelled"
    UNSUPPLIED = "UnSupplied"
    UNPACKED = "UnPacked"
    #: A status this version does not know; ``RemotePackage.status_raw`` keeps the marketplace's text.
    UNKNOWN = "Unknown"

    @classmethod
    def parse(cls, raw: str) -> PackageStatus:
        """Map a marketplace status string (any case, stray spaces) to a member, or UNKNOWN."""
        return _STATUS_BY_KEY.get(raw.strip().replace("_", "").replace(" ", "").lower(), cls.UNKNOWN)

    @classmethod
    def of(cls, stored: str) -> PackageStatus:
        """The member a stored status text names; UNKNOWN for text this version does not know."""
        try:
            return cls(stored)
        except ValueError:
            return cls.UNKNOWN

    @property
    def is_packable(self) -> bool:
        """True for the statuses a packer may work on: the one rule (Awaiting is unpaid and must never ship)."""
        return self in PACKABLE

    @property
    def is_superseded(self) -> bool:
        """True when the package was replaced or withdrawn: a successor (or nothing) ships instead."""
        return self in (PackageStatus.CANCELLED, PackageStatus.UNSUPPLIED, PackageStatus.UNPACKED)

    @property
    def stored(self) -> PackageStatus:
        """The status PostgreSQL keeps for this one (it keeps fewer words; each maps to its packing meaning)."""
        return _STORED.get(self, self)


#: The statuses a packer may open, claim, complete and label; nothing else is ever "ready".
PACKABLE = frozenset({PackageStatus.CREATED, PackageStatus.PICKING, PackageStatus.INVOICED})

#: Picking or past it: the marketplace already holds the parcel as being packed (or beyond), so Picking is
#: never sent for it again, and a label that needs Picking first (Trendyol's common label) may be asked for.
PICKING_OR_PAST = frozenset(
    {
        PackageStatus.PICKING,
        PackageStatus.INVOICED,
        PackageStatus.SHIPPED,
        PackageStatus.AT_COLLECTION_POINT,
        PackageStatus.DELIVERED,
    }
)

_STATUS_BY_KEY = {member.value.lower(): member for member in PackageStatus}
# N11 and HB spellings that differ from Trendyol's.
_STATUS_BY_KEY |= {"open": PackageStatus.CREATED, "packaged": PackageStatus.PICKING}

_STORED = {
    PackageStatus.AT_COLLECTION_POINT: PackageStatus.SHIPPED,
    PackageStatus.UNDELIVERED: PackageStatus.SHIPPED,
    PackageStatus.UNPACKED: PackageStatus.CANCELLED,  # replaced by its split packages: never pack it
}

#: The statuses the ``packages.status`` column accepts (its check constraint, in migration 0001's order).
STORED_STATUSES = tuple(
    PackageStatus(value)
    for value in (
        "Created",
        "Awaiting",
        "Picking",
        "Invoiced",
        "Shipped",
        "Delivered",
        "Cancelled",
        "UnSupplied",
        "Returned",
        "Unknown",
    )
)

# Why a parcel may not be packed, in the packer's words (translated when shown).
_NOT_PACKABLE: dict[PackageStatus, str] = {
    PackageStatus.AWAITING: N_("payment not confirmed yet: do not pack"),
    PackageStatus.CANCELLED: N_("cancelled: do not pack or ship"),
    PackageStatus.UNSUPPLIED: N_("marked unsupplied: do not pack"),
    PackageStatus.UNPACKED: N_("split into new packages: scan the new package instead"),
    PackageStatus.SHIPPED: N_("already shipped"),
    PackageStatus.AT_COLLECTION_POINT: N_("already shipped"),
    PackageStatus.UNDELIVERED: N_("already shipped"),
    PackageStatus.DELIVERED: N_("already delivered"),
    PackageStatus.RETURNED: N_("returned: do not ship again"),
    PackageStatus.UNKNOWN: N_("status unknown to this version: ask a supervisor"),
}


def why_not_packable(status: PackageStatus) -> str | None:
    """The translated reason a parcel in ``status`` must not be packed; None when it may be."""
    if status.is_packable:
        return None
    return _(_NOT_PACKABLE[status])


class Role(StrEnum):
    """What a user may do at a station."""

    PACKER = "packer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class OutboxKind(StrEnum):
    """What a marketplace outbox entry asks the marketplace to do."""

    STATUS = "status"
    UNSUPPLIED = "unsupplied"
    STOCK = "stock"
    CLAIM_APPROVE = "claim_approve"  # approve returned units (a claim's items) at the marketplace
    CLAIM_REJECT = "claim_reject"  # reject them, with a reason from the marketplace's list


class OutboxState(StrEnum):
    """Delivery state of an outbox entry."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"


class ParkedDecision(StrEnum):
    """What a supervisor decided about a journal operation PostgreSQL refused (it waits, parked, until then)."""

    RETRY = "retry"
    DISCARD = "discard"


class ExceptionKind(StrEnum):
    """Kinds of packing exceptions a supervisor resolves."""

    CONFLICT = "conflict"
    CANCELLED_AFTER_PACK = "cancelled_after_pack"
    UNSUPPLIED = "unsupplied"
    WRONG_ITEM = "wrong_item"
    PRINTER_FAILURE = "printer_failure"
    SYNC_ERROR = "sync_error"
