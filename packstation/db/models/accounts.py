"""Who packs for whom and where: client companies, their marketplace accounts, the stations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from packstation.db.models.base import Base, server_now


class ClientCompany(Base):
    """A seller whose parcels are packed here (a 3PL packs for several and bills each)."""

    __tablename__ = "client_companies"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    tax_number: Mapped[str | None] = mapped_column(Text)
    #: The client wants a photo of each outgoing parcel before it is sealed (a station with a camera asks).
    photo_before_sealing: Mapped[bool] = mapped_column(server_default=text("false"))
    created_at: Mapped[datetime] = server_now()


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
    created_at: Mapped[datetime] = server_now()
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
    created_at: Mapped[datetime] = server_now()
