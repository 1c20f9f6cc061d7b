"""Status vocabularies shared by every layer (stored as text in PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum


class PackageStatus(StrEnum):
    """Where a shipment package stands, in the marketplace's words plus our own packing states."""

    CREATED = "Created"
    AWAITING = "Awaiting"
    PICKING = "Picking"
    INVOICED = "Invoiced"
    SHIPPED = "Shipped"
    DELIVERED = "Delivered"
    CANCELLED = "Cancelled"
    UNSUPPLIED = "UnSupplied"
    RETURNED = "Returned"
    UNKNOWN = "Unknown"


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


class OutboxState(StrEnum):
    """Delivery state of an outbox entry."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"


class PrintJobState(StrEnum):
    """Delivery state of a print job."""

    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"
    CANCELLED = "cancelled"


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
