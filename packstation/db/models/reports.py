"""What reports and billing read: the hourly rollup, parcel facts, billing plans and their tiers."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from packstation.db.models.base import Base, one_of, server_now


class PackHourly(Base):
    """Hourly rollup of pack events per station, packer and marketplace account (UTC hours).

    Maintained by the ``pack_events_rollup`` statement trigger in the same transaction as the events
    (migration ``0003_reports``), so dashboards read a few thousand rows instead of millions of events.
    """

    __tablename__ = "pack_hourly"
    __table_args__ = (
        UniqueConstraint("hour", "station_id", "user_id", "account_id", postgresql_nulls_not_distinct=True),
        Index("ix_pack_hourly_user_hour", "user_id", "hour"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    station_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(Integer)
    parcels: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    items: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    wrong_items: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    unknown_barcodes: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    over_scans: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    events: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class ParcelFact(Base):
    """One counted parcel completion (the ``complete`` pack event), with when its packer opened it."""

    __tablename__ = "parcel_facts"
    __table_args__ = (
        Index("ix_parcel_facts_completed", "completed_at"),
        Index("ix_parcel_facts_user_completed", "user_id", "completed_at"),
    )
    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(BigInteger)
    station_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(Integer)
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PricingMode(StrEnum):
    """How a billing plan's tiers price a client's parcels of one period (see ``services/reports/billing.py``)."""

    #: Every parcel of the period costs the price of the tier the period's total falls into.
    VOLUME = "volume"
    #: Each parcel costs the price of the band it falls into (the first 100 at one price, the next at another...).
    GRADUATED = "graduated"


class BillingPlan(Base):
    """A 3PL price plan: the default one (no client) or a client company's own override."""

    __tablename__ = "billing_plans"
    __table_args__ = (
        UniqueConstraint("client_company_id", postgresql_nulls_not_distinct=True),
        CheckConstraint("period_start_day BETWEEN 1 AND 28", name="period_start_day_valid"),
        CheckConstraint("storage_charge >= 0", name="storage_charge_positive"),
        CheckConstraint("return_fee >= 0", name="return_fee_valid"),
        one_of("pricing", PricingMode),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_company_id: Mapped[int | None] = mapped_column(ForeignKey("client_companies.id", ondelete="CASCADE"))
    period_start_day: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    pricing: Mapped[str] = mapped_column(String(20), server_default=text("'volume'"))
    storage_charge: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default=text("0"))
    currency: Mapped[str] = mapped_column(String(3), server_default=text("'TRY'"))
    #: Charged per return processed at the bench in the period (0: returns are free).
    return_fee: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default=text("0"))
    updated_at: Mapped[datetime] = server_now()
    tiers: Mapped[list[BillingTier]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="BillingTier.up_to.asc().nulls_last()"
    )


class BillingTier(Base):
    """One band of a plan: parcels up to ``up_to`` (inclusive; NULL = no upper bound) at a price each."""

    __tablename__ = "billing_tiers"
    __table_args__ = (
        UniqueConstraint("plan_id", "up_to", postgresql_nulls_not_distinct=True),
        CheckConstraint("up_to IS NULL OR up_to >= 1", name="up_to_positive"),
        CheckConstraint("price_per_parcel >= 0", name="price_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("billing_plans.id", ondelete="CASCADE"))
    up_to: Mapped[int | None] = mapped_column(Integer)
    price_per_parcel: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    plan: Mapped[BillingPlan] = relationship(back_populates="tiers")
