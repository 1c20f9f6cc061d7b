"""Engine factory: every connection fails fast instead of hanging when the server vanishes.

``pool_pre_ping`` only checks a connection when it is taken from the pool; a query in flight on a
dead TCP connection is protected by the libpq keepalives and ``tcp_user_timeout``, and a runaway
query by ``statement_timeout``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("packstation.db.engine")


@dataclass(frozen=True)
class ConnectionLimits:
    """How long to wait for the database before calling it gone."""

    connect_timeout_s: int = 5
    statement_timeout_ms: int = 15000
    tcp_user_timeout_ms: int = 10000
    keepalives_idle_s: int = 5
    keepalives_interval_s: int = 2
    keepalives_count: int = 3
    #: A pooler in transaction mode (PgBouncer) is in front: a server connection serves another client
    #: after every transaction, so nothing may be set for the session. The statement timeout and the
    #: time zone then go with every transaction (``SET LOCAL``) instead of the connection's options,
    #: which PgBouncer refuses ("unsupported startup parameter: options").
    transaction_pooling: bool = False
    sslmode: str | None = None


def normalize_url(url: str) -> str:
    """Use the psycopg2 driver whatever the URL says (``postgresql://`` is accepted in config)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed.render_as_string(hide_password=False)


def create_db_engine(
    url: str,
    *,
    limits: ConnectionLimits | None = None,
    application_name: str = "packstation",
    pool_size: int = 5,
    max_overflow: int | None = None,
    pool_timeout_s: float | None = None,
) -> Engine:
    """An engine with timeouts, keepalives and pre-ping set, for one station.

    At most ``pool_size + max_overflow`` connections (the overflow is as many again unless given): a
    warehouse of fifty stations counts them (see :data:`packstation.db.connect.STATION_CONNECTIONS`).
    ``pool_timeout_s`` is how long a thread waits for one (the connect timeout by default).
    """
    limits = limits or ConnectionLimits()
    connect_args: dict[str, object] = {
        "connect_timeout": limits.connect_timeout_s,
        "keepalives": 1,
        "keepalives_idle": limits.keepalives_idle_s,
        "keepalives_interval": limits.keepalives_interval_s,
        "keepalives_count": limits.keepalives_count,
        "tcp_user_timeout": limits.tcp_user_timeout_ms,
        "application_name": application_name[:63],
    }
    if not limits.transaction_pooling:
        connect_args["options"] = f"-c statement_timeout={limits.statement_timeout_ms} -c timezone=UTC"
    if limits.sslmode is not None:
        connect_args["sslmode"] = limits.sslmode
    engine = create_engine(
        normalize_url(url),
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size if max_overflow is None else max_overflow,
        pool_timeout=pool_timeout_s if pool_timeout_s is not None else limits.connect_timeout_s,
        pool_recycle=1800,
        connect_args=connect_args,
        # Error text must not carry bound values: a TOTP secret or hash would reach screens and logs.
        hide_parameters=True,
        # Batched UPDATEs too (the pump marks hundreds of parcels packed in one flush), not one round trip each.
        executemany_mode="values_plus_batch",
    )

    if limits.transaction_pooling:
        per_transaction = f"SET LOCAL statement_timeout = {limits.statement_timeout_ms}; SET LOCAL timezone = 'UTC'"

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            connection.exec_driver_sql(per_transaction)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: object, _record: object) -> None:
        log.debug("connected url=%s", engine.url.render_as_string(hide_password=True))

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (they are handed to other threads)."""
    return sessionmaker(engine, expire_on_commit=False)
