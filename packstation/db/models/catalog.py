"""The catalogue and its stock: products, their barcodes, stock levels and the movement ledger."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from packstation.db.models.base import Base, server_now


class ProductRow(Base):
    """A catalogue item (one colour and size of a model)."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("client_company_id", "stock_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_company_id: Mapped[int | None] = mapped_column(ForeignKey("client_companies.id"))
    stock_code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    colour: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    bin_location: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = server_now()
    barcodes: Mapped[list[ProductBarcode]] = relationship(back_populates="product", cascade="all, delete-orphan")


class ProductBarcode(Base):
    """One of a product's barcodes; a case barcode counts ``multiplier`` units."""

    __tablename__ = "product_barcodes"
    __table_args__ = (
        UniqueConstraint("product_id", "barcode"),
        CheckConstraint("multiplier >= 1", name="multiplier_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    barcode: Mapped[str] = mapped_column(Text, index=True)
    multiplier: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    product: Mapped[ProductRow] = relationship(back_populates="barcodes")


class StockLevel(Base):
    """Units on hand per product, maintained from the movement ledger."""

    __tablename__ = "stock_levels"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = server_now()


class StockMovement(Base):
    """Append-only ledger of stock changes; ``op_id`` makes a replay harmless."""

    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(30))
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = server_now()
