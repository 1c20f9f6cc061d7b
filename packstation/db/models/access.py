"""Who may do what, and the record of it: users, log-in sessions and approvals, keys, the audit chain."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from packstation.db.models.base import Base, one_of, server_now
from packstation.domain.status import (
    Role,
)


class User(Base):
    """A person who logs in at a station. Secrets are stored only as hashes."""

    __tablename__ = "users"
    __table_args__ = (one_of("role", Role),)
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
    created_at: Mapped[datetime] = server_now()


class SecurityParam(Base):
    """Deployment-wide security parameters shared by every station (e.g. the salt of badge hashes)."""

    __tablename__ = "security_params"
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


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
    #: Who spent it (the session's user) and the one call or journaled operation it then allowed.
    used_by: Mapped[int | None] = mapped_column(Integer)
    applied_to: Mapped[str | None] = mapped_column(Text)


class AuthThrottle(Base):
    """Failure counters that are not an account's: badge guesses per station, unknown user names."""

    __tablename__ = "auth_throttle"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthWriteGrant(Base):
    """A transaction the server allowed packing or stock writes (``pack_apply``, ``stock_write_grant``).

    Read by the triggers that guard stock on hand and a package's packed columns; a day's worth is kept.
    """

    __tablename__ = "auth_write_grants"
    txid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only, hash-chained record of sensitive actions (each hash covers the previous one)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    occurred_at: Mapped[datetime] = server_now()
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    action: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "sha256": written before revision "security" (unkeyed); "hmac-sha256": keyed, computed by the server.
    hash_scheme: Mapped[str] = mapped_column(String(20), server_default=text("'hmac-sha256'"))
