"""The declarative base every table model derives from, and the column helpers the models share."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import CheckConstraint, DateTime, MetaData, Table, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


def server_now() -> Mapped[datetime]:
    """A ``timestamptz NOT NULL`` column that PostgreSQL fills with ``now()`` on insert."""
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def one_of(column: str, values: Iterable[StrEnum]) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``values`` (the domain enum is the one list of them)."""
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_valid")
