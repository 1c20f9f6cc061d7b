"""Packages and what happens to them: lines, pack events, exceptions, parked journal operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.base import Base, one_of, server_now
from packstation.domain.status import (
    STORED_STATUSES,
    ExceptionKind,
    ParkedDecision,
)


class PackageRow(Base):
    """One marketplace shipment package: what a packer opens, verifies and labels."""

    __tablename__ = "packages"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        one_of("status", STORED_STATUSES),
        Index("ix_packages_tracking", "cargo_tracking_number"),
        Index("ix_packages_order_number", "order_number"),
        Index("ix_packages_external_id", "external_id"),
        Index("ix_packages_slip_code", "packing_slip_code"),
        Index("ix_packages_ready", "status", "order_date", postgresql_where=text("packed_at IS NULL")),
        Index("ix_packages_updated_at", "updated_at"),  # the offline cache copies what changed
        # Oldest unpacked first (the ready list, the offline cache) without sorting the whole backlog.
        Index("ix_packages_unpacked_order", "order_date", "id", postgresql_where=text("packed_at IS NULL")),
        # "Packed today" on the home screen: a range of this index, not a scan of every package ever.
        Index("ix_packages_packed_at", "packed_at", postgresql_where=text("packed_at IS NOT NULL")),
        Index(
            "ix_packages_marketplace_package_number",
            "account_id",
            "marketplace_package_number",
            postgresql_where=text("marketplace_package_number IS NOT NULL"),
        ),
        # A packer scans the marketplace's package number (printed on HB's delivery label): any account.
        Index(
            "ix_packages_package_number_code",
            "marketplace_package_number",
            postgresql_where=text("marketplace_package_number IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("marketplace_accounts.id"))
    external_id: Mapped[str] = mapped_column(Text)
    #: The number the marketplace gave the package when it was packed, where it differs from
    #: ``external_id`` (Hepsiburada: open lines are keyed by order number until packed).
    marketplace_package_number: Mapped[str | None] = mapped_column(Text)
    order_number: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    cargo_tracking_number: Mapped[str | None] = mapped_column(Text)
    cargo_provider: Mapped[str | None] = mapped_column(Text)
    packing_slip_code: Mapped[str | None] = mapped_column(Text)
    customer_name: Mapped[str] = mapped_column(Text, server_default=text("''"))
    address_line: Mapped[str] = mapped_column(Text, server_default=text("''"))
    district: Mapped[str] = mapped_column(Text, server_default=text("''"))
    city: Mapped[str] = mapped_column(Text, server_default=text("''"))
    phone: Mapped[str | None] = mapped_column(Text)
    order_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    remote_modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    origin_package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    # Deferred: the full marketplace payload (kilobytes) is for audits and support, not for screens.
    raw: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"), deferred=True)
    claimed_by_station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    claimed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    packed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    packed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    box_count: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = server_now()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    lines: Mapped[list[PackageLineRow]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageLineRow.id"
    )
    account: Mapped[MarketplaceAccountRow] = relationship()


class PackageLineRow(Base):
    """An order line inside a package: what must be scanned, and how many."""

    __tablename__ = "package_lines"
    __table_args__ = (
        UniqueConstraint("package_id", "external_line_id"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        # A marketplace names a cancelled line, not the package holding it (HB combines orders).
        Index("ix_package_lines_external_line_id", "external_line_id"),
        # A parcel holding several orders (HB combines orders to one delivery) opens by any of them.
        Index("ix_package_lines_order_number", "order_number", postgresql_where=text("order_number IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), index=True)
    external_line_id: Mapped[str] = mapped_column(Text)
    barcode: Mapped[str] = mapped_column(Text)
    stock_code: Mapped[str | None] = mapped_column(Text)
    product_name: Mapped[str] = mapped_column(Text)
    colour: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    #: The order this line belongs to, where the marketplace names one per line (Hepsiburada): a
    #: parcel combining several orders keeps the oldest one's number, and is found by the others here.
    order_number: Mapped[str | None] = mapped_column(Text)
    package: Mapped[PackageRow] = relationship(back_populates="lines")


class PackEvent(Base):
    """One scan or pack step, keyed by the operation's UUID: the source of every throughput figure."""

    __tablename__ = "pack_events"
    __table_args__ = (
        Index("ix_pack_events_occurred", "occurred_at"),
        Index("ix_pack_events_user_time", "user_id", "occurred_at"),
        Index("ix_pack_events_station_time", "station_id", "occurred_at"),
        Index("ix_pack_events_package", "package_id"),
    )
    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("package_lines.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(30))
    barcode: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = server_now()
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))


class PackException(Base):
    """Something a supervisor must look at: a conflict, a cancellation after packing, a failed print."""

    __tablename__ = "pack_exceptions"
    __table_args__ = (
        one_of("kind", ExceptionKind),
        Index("ix_pack_exceptions_open", "created_at", postgresql_where=text("resolved_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    op_id: Mapped[uuid.UUID | None] = mapped_column(unique=True)
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    assigned_to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = server_now()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)


class ParkedOperation(Base):
    """A station's journal operation PostgreSQL refused: parked there, shown here, until a supervisor decides.

    The station's pump writes the row (it alone has the operation); a supervisor anywhere sets
    ``decision``; the pump carries it out on its journal and sets ``resolved_at``.
    """

    __tablename__ = "parked_operations"
    __table_args__ = (
        one_of("decision", ParkedDecision),
        Index("ix_parked_operations_open", "station_id", postgresql_where=text("resolved_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    kind: Mapped[str] = mapped_column(String(30))
    package_id: Mapped[int | None] = mapped_column(BigInteger)  # no foreign key: it may be what was refused
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    error: Mapped[str] = mapped_column(Text)
    #: The operation's body as escaped JSON text (its raw form may be what PostgreSQL refused).
    detail: Mapped[str] = mapped_column(Text)
    parked_at: Mapped[datetime] = server_now()
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
