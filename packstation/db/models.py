"""SQLAlchemy 2 models of the shared PostgreSQL: the source of truth across stations.

Identifiers that come from outside (marketplace package ids, line ids, cargo tracking numbers,
barcodes) are TEXT: they are often longer than 64-bit integers allow and leading zeros matter.
Timestamps are ``timestamptz``. Schema changes go through Alembic revisions in ``migrations/``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from packstation.domain.status import (
    STORED_STATUSES,
    ExceptionKind,
    OutboxKind,
    OutboxState,
    ParkedDecision,
    Role,
)

# Deterministic constraint names, so Alembic revisions can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's naming convention and JSONB for dicts."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONB, uuid.UUID: UUID(as_uuid=True)}
    # Every model here is mapped to a Table (none to a join or a select), so Core code may insert into
    # ``Model.__table__``; SQLAlchemy declares it as the wider FromClause.
    __table__: ClassVar[Table]


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def _one_of(column: str, values: Iterable[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_valid")


class ClientCompany(Base):
    """A seller whose parcels are packed here (a 3PL packs for several and bills each)."""

    __tablename__ = "client_companies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    tax_number: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()


class MarketplaceAccountRow(Base):
    """A seller account on a marketplace (credentials live in the keyring, never here)."""

    __tablename__ = "marketplace_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    seller_id: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str] = mapped_column(Text)
    client_company_id: Mapped[int] = mapped_column(ForeignKey("client_companies.id"))
    enabled: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = _created()
    client_company: Mapped[ClientCompany] = relationship()


class Station(Base):
    """A packing workstation; its heartbeat tells supervisors it is alive."""

    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    hostname: Mapped[str | None] = mapped_column(Text)
    app_version: Mapped[str | None] = mapped_column(Text)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pending_operations: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    oldest_pending_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _created()


class User(Base):
    """A person who logs in at a station. Secrets are stored only as hashes."""

    __tablename__ = "users"
    __table_args__ = (_one_of("role", Role),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    full_name: Mapped[str] = mapped_column(Text, server_default=text("''"))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    badge_hash: Mapped[str | None] = mapped_column(Text, unique=True)
    pin_hash: Mapped[str | None] = mapped_column(Text)
    totp_secret: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    failed_logins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The 30-second step of the last accepted TOTP code: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _created()


class SecurityParam(Base):
    """Deployment-wide security parameters shared by every station (e.g. the salt of badge hashes)."""

    __tablename__ = "security_params"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Product(Base):
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
    created_at: Mapped[datetime] = _created()
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
    product: Mapped[Product] = relationship(back_populates="barcodes")


class Package(Base):
    """One marketplace shipment package: what a packer opens, verifies and labels."""

    __tablename__ = "packages"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        _one_of("status", STORED_STATUSES),
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
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    lines: Mapped[list[PackageLine]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageLine.id"
    )
    account: Mapped[MarketplaceAccountRow] = relationship()


class PackageLine(Base):
    """An order line inside a package: what must be scanned, and how many."""

    __tablename__ = "package_lines"
    __table_args__ = (
        UniqueConstraint("package_id", "external_line_id"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
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
    package: Mapped[Package] = relationship(back_populates="lines")


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
    recorded_at: Mapped[datetime] = _created()
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))


class StockLevel(Base):
    """Units on hand per product, maintained from the movement ledger."""

    __tablename__ = "stock_levels"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = _created()


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
    created_at: Mapped[datetime] = _created()


class OutboxEntry(Base):
    """A marketplace call waiting to be made; the business key makes a retry safe."""

    __tablename__ = "marketplace_outbox"
    __table_args__ = (
        _one_of("kind", OutboxKind),
        _one_of("state", OutboxState),
        Index("ix_outbox_due", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("marketplace_accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    business_key: Mapped[str] = mapped_column(Text, unique=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    payload: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = _created()
    last_error: Mapped[str | None] = mapped_column(Text)
    remote_reference: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only, hash-chained record of sensitive actions (each hash covers the previous one)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    occurred_at: Mapped[datetime] = _created()
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "sha256": written before revision "security" (unkeyed); "hmac-sha256": keyed, computed by the server.
    hash_scheme: Mapped[str] = mapped_column(String(20), server_default=text("'hmac-sha256'"))


class SyncState(Base):
    """Where each marketplace account's sync stands."""

    __tablename__ = "sync_state"
    account_id: Mapped[int] = mapped_column(ForeignKey("marketplace_accounts.id"), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    watermark: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))


class PackException(Base):
    """Something a supervisor must look at: a conflict, a cancellation after packing, a failed print."""

    __tablename__ = "pack_exceptions"
    __table_args__ = (
        _one_of("kind", ExceptionKind),
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
    created_at: Mapped[datetime] = _created()
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
        _one_of("decision", ParkedDecision),
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
    parked_at: Mapped[datetime] = _created()
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PricingMode(StrEnum):
    """How a billing plan's tiers price a client's parcels of one period (see ``services/billing.py``)."""

    #: Every parcel of the period costs the price of the tier the period's total falls into.
    VOLUME = "volume"
    #: Each parcel costs the price of the band it falls into (the first 100 at one price, the next at another...).
    GRADUATED = "graduated"


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


class BillingPlan(Base):
    """A 3PL price plan: the default one (no client) or a client company's own override."""

    __tablename__ = "billing_plans"
    __table_args__ = (
        UniqueConstraint("client_company_id", postgresql_nulls_not_distinct=True),
        CheckConstraint("period_start_day BETWEEN 1 AND 28", name="period_start_day_valid"),
        CheckConstraint("storage_charge >= 0", name="storage_charge_positive"),
        _one_of("pricing", PricingMode),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_company_id: Mapped[int | None] = mapped_column(ForeignKey("client_companies.id", ondelete="CASCADE"))
    period_start_day: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    pricing: Mapped[str] = mapped_column(String(20), server_default=text("'volume'"))
    storage_charge: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default=text("0"))
    currency: Mapped[str] = mapped_column(String(3), server_default=text("'TRY'"))
    updated_at: Mapped[datetime] = _created()
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


class Lease(Base):
    """A named lease (the marketplace jobs' leadership): held by ``holder`` until ``expires_at``.

    A row, not an advisory lock, so it works through a PgBouncer in transaction pooling.
    """

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    token: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    acquired_at: Mapped[datetime] = _created()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ClaimRow(Base):
    """A customer's return request at a marketplace (a Trendyol "claim"), as the sync last read it."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        Index("ix_claims_return_tracking", "return_tracking_number"),
        Index("ix_claims_order_number", "order_number"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("marketplace_accounts.id"))
    external_id: Mapped[str] = mapped_column(Text)
    order_number: Mapped[str] = mapped_column(Text)
    #: The return parcel's own tracking number (not the original shipment's).
    return_tracking_number: Mapped[str | None] = mapped_column(Text)
    cargo_provider: Mapped[str | None] = mapped_column(Text)
    customer_name: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The marketplace's own element for this claim, as it sent it.
    raw: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _created()
    items: Mapped[list[ClaimItemRow]] = relationship(back_populates="claim", cascade="all, delete-orphan")


class ClaimItemRow(Base):
    """One returned unit of a claim: the id the marketplace approves or rejects, and its status."""

    __tablename__ = "claim_items"
    __table_args__ = (UniqueConstraint("claim_id", "external_id"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(Text)
    order_line_id: Mapped[str] = mapped_column(Text)
    barcode: Mapped[str | None] = mapped_column(Text)
    stock_code: Mapped[str | None] = mapped_column(Text)
    product_name: Mapped[str | None] = mapped_column(Text)
    #: The marketplace's status name as sent (ClaimItemStatus when known).
    status: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(Text)
    reason_name: Mapped[str | None] = mapped_column(Text)
    customer_note: Mapped[str | None] = mapped_column(Text)
    claim: Mapped[ClaimRow] = relationship(back_populates="items")


class SecurityKey(Base):
    """Server-side keys (the audit chain's HMAC key): readable only by the owner role's definer functions."""

    __tablename__ = "security_keys"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class AuthSession(Base):
    """A server-side log-in session; stations hold its token, the server only the token's SHA-256."""

    __tablename__ = "auth_sessions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    role: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(Text)


class AuthApproval(Base):
    """A supervisor's approval of one permission at one station: used once (``used_at``)."""

    __tablename__ = "auth_approvals"
    token: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    permission: Mapped[str] = mapped_column(Text)
    station_id: Mapped[int | None] = mapped_column(Integer)
    requested_by: Mapped[int | None] = mapped_column(Integer)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_for: Mapped[str | None] = mapped_column(Text)


class AuthThrottle(Base):
    """Failure counters that are not an account's: badge guesses per station, unknown user names."""

    __tablename__ = "auth_throttle"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
