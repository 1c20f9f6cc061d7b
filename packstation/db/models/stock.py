"""Stock: locations (warehouse -> zone -> bin), units per bin, totals, the movement ledger and reservations.

Every change goes through :func:`packstation.services.stock.movements.apply_movements` and the reservation
functions beside it, under the product's ``stock_levels`` row lock.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from packstation.db.models.base import Base, one_of, server_now
from packstation.domain.stock import LocationKind, ReservationState


class StockLocation(Base):
    """A warehouse, a zone in it, or a bin in a zone; each has a barcode to scan. Stock lies in bins only.

    ``sellable`` false marks quarantine: units there count nowhere in what can be sold.
    """

    __tablename__ = "stock_locations"
    __table_args__ = (
        UniqueConstraint("parent_id", "code"),
        one_of("kind", LocationKind),
        CheckConstraint("(kind = 'warehouse') = (parent_id IS NULL)", name="parent_matches_kind"),
        # Warehouses have no parent, so (parent_id, code) above does not keep their codes apart.
        Index("ix_stock_locations_warehouse_code", "code", unique=True, postgresql_where=text("parent_id IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stock_locations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text, server_default=text("''"))
    barcode: Mapped[str] = mapped_column(Text, unique=True)
    sellable: Mapped[bool] = mapped_column(server_default=text("true"))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = server_now()


class LocationStock(Base):
    """Units of one product in one bin (the row stays at 0 once the product had a place there)."""

    __tablename__ = "location_stock"
    location_id: Mapped[int] = mapped_column(ForeignKey("stock_locations.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True, index=True)
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = server_now()


class StockLevel(Base):
    """A product's totals: on hand in sellable bins, and reserved for packages not packed yet.

    ``quantity - reserved`` is what the stock push sends.
    """

    __tablename__ = "stock_levels"
    __table_args__ = (CheckConstraint("reserved >= 0", name="reserved_not_negative"),)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    reserved: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = server_now()


class StockMovement(Base):
    """Append-only ledger of stock changes; ``op_id`` makes a replay harmless."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_created", "created_at"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(30))
    #: The bin the units went into or came out of (None only in rows from before locations).
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_locations.id"))
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = server_now()


class StockReservation(Base):
    """Units held for one package line: ``quantity`` of the ``requested`` (short when stock ran out)."""

    __tablename__ = "stock_reservations"
    __table_args__ = (
        one_of("state", ReservationState),
        CheckConstraint("quantity >= 0 AND quantity <= requested", name="quantity_within_requested"),
        # Short reservations of a product, oldest first: filled when stock comes in.
        Index(
            "ix_stock_reservations_short",
            "product_id",
            "id",
            postgresql_where=text("state = 'held' AND quantity < requested"),
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    package_line_id: Mapped[int] = mapped_column(ForeignKey("package_lines.id", ondelete="CASCADE"), unique=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    requested: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = server_now()
    updated_at: Mapped[datetime] = server_now()


class StockSetting(Base):
    """Stock settings shared by every station (the default low-stock threshold)."""

    __tablename__ = "stock_settings"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
