"""The catalogue: products and their barcodes (their stock is in :mod:`packstation.db.models.stock`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from packstation.db.models.base import Base, server_now


class ProductRow(Base):
    """A catalogue item (one colour and size of a model)."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("client_company_id", "stock_code"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_valid"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_company_id: Mapped[int | None] = mapped_column(ForeignKey("client_companies.id"))
    stock_code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    colour: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    #: Alert when available stock falls to this; None: the deployment's default (``stock_settings``).
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
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
