"""What the marketplace sync keeps: each account's sync state, the outbox, leases, claims (returns)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from packstation.db.models.base import Base, one_of, server_now
from packstation.domain.status import (
    OutboxKind,
    OutboxState,
)


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


class OutboxEntry(Base):
    """A marketplace call waiting to be made; the business key makes a retry safe."""

    __tablename__ = "marketplace_outbox"
    __table_args__ = (
        one_of("kind", OutboxKind),
        one_of("state", OutboxState),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        # The lines a station cancelled itself (unsupplied), read by every Hepsiburada sync.
        Index("ix_outbox_unsupplied", "package_id", postgresql_where=text("kind = 'unsupplied'")),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("marketplace_accounts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    business_key: Mapped[str] = mapped_column(Text, unique=True)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("packages.id"))
    payload: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = server_now()
    last_error: Mapped[str | None] = mapped_column(Text)
    remote_reference: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = server_now()
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Lease(Base):
    """A named lease (the marketplace jobs' leadership): held by ``holder`` until ``expires_at``.

    A row, not an advisory lock, so it works through a PgBouncer in transaction pooling.
    """

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    token: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    acquired_at: Mapped[datetime] = server_now()
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
    created_at: Mapped[datetime] = server_now()
    updated_at: Mapped[datetime] = server_now()
    #: When a station judged the return parcel (the claim then no longer opens at the bench).
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
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
    #: What the bench found (ReturnCondition), once the return was processed.
    condition: Mapped[str | None] = mapped_column(Text)
    claim: Mapped[ClaimRow] = relationship(back_populates="items")


class ReturnEventRow(Base):
    """A return judged at a station, as the server recorded it (``return_apply``): who, when, how many of each."""

    __tablename__ = "return_events"
    __table_args__ = (
        Index("ix_return_events_occurred_at", "occurred_at"),
        Index("ix_return_events_claim_id", "claim_id"),
    )
    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("claims.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resellable: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    damaged: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    wrong_item: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    missing: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    not_ours: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
