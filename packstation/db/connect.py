"""Opening the station's database: the configured server, or the embedded one when none is set."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from packstation.config import Settings
from packstation.db.embedded import EmbeddedPostgres, SecretKeeper, start_embedded
from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.db.migrate import upgrade
from packstation.i18n import _

log = logging.getLogger("packstation.db.connect")
#: The server's password, asked for when the database is opened (None: the URL has it, or none is needed).
#: The services make one from the secret store (``services.station.database_secret``): this layer reads no secrets.
PasswordSource = Callable[[], str | None]


#: Connections a station holds, at most: one for the packing thread, one for the journal pump, one
#: shared by the background jobs (sync, outbox, heartbeat, offline cache, screens' reads). Fifty
#: stations on one PostgreSQL then hold 150 connections, or a PgBouncer in front (see the README). A
#: hard limit: no pool opens more (no overflow), and no background code opens a session inside another
#: (it would wait for itself).
STATION_CONNECTIONS = 3
#: Background jobs queue for their one connection; a sync batch may hold it for a second or two.
BACKGROUND_POOL_TIMEOUT_S = 30


@dataclass
class Database:
    """An open database: engines, session factories and, for the embedded default, the server handle.

    ``sessions`` serve background work. The packing thread and the journal pump each get an engine of
    their own with one connection (``packing_sessions``, ``pump_sessions``): a scan or an open never
    waits for a sync page to give a connection back, and a station never holds more than
    :data:`STATION_CONNECTIONS`. Where they are None (tests build a Database by hand), ``sessions`` serves.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    display_url: str
    embedded: EmbeddedPostgres | None = field(default=None)
    packing_sessions: sessionmaker[Session] | None = None
    pump_sessions: sessionmaker[Session] | None = None
    own_engines: tuple[Engine, ...] = ()

    def for_packing(self) -> sessionmaker[Session]:
        """Sessions for the packing thread (claims, look-ups, loads)."""
        return self.packing_sessions or self.sessions

    def for_pump(self) -> sessionmaker[Session]:
        """Sessions for the journal pump."""
        return self.pump_sessions or self.sessions

    def close(self) -> None:
        """Dispose of connections and release the embedded server."""
        for engine in self.own_engines:
            engine.dispose()
        self.engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()


def _describe(url: str, *, embedded: bool) -> str:
    """Short, password-free description of where the data lives, for the status bar."""
    if embedded:
        return _("embedded PostgreSQL")
    parsed = make_url(url)
    where = parsed.host or parsed.query.get("host") or "local socket"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.username or ''}@{where}{port}/{parsed.database or ''}".lstrip("@")


def limits_from(settings: Settings) -> ConnectionLimits:
    """Connection limits from the ``[database]`` settings."""
    return ConnectionLimits(
        connect_timeout_s=settings.database.connect_timeout_s,
        statement_timeout_ms=settings.database.statement_timeout_ms,
        tcp_user_timeout_ms=settings.database.tcp_user_timeout_ms,
        transaction_pooling=settings.database.transaction_pooling,
        sslmode=settings.database.sslmode,
    )


def configured_url(settings: Settings, password: PasswordSource) -> str | None:
    """The configured server's URL with its password (from ``password`` when the URL has none), or None."""
    if settings.database.url is None:
        return None
    url = make_url(settings.database.url)
    if url.password is None:
        secret = password()
        if secret:
            url = url.set(password=secret)
    return url.render_as_string(hide_password=False)


def open_database(
    settings: Settings,
    password: PasswordSource,
    *,
    migrate: bool = True,
    application_name: str = "packstation",
    station_pools: bool = False,
    embedded_secrets: SecretKeeper | None = None,
) -> Database:
    """Connect (starting the embedded server if needed) and, by default, bring the schema to head.

    ``station_pools``: the station's three small pools (see :class:`Database`) instead of one engine.
    ``embedded_secrets``: where the embedded server's generated passwords live (None: a 0600 file).
    """
    embedded = None
    url = configured_url(settings, password)
    if url is None:
        embedded = start_embedded(settings.data_dir(), embedded_secrets)
        url = embedded.url
    limits = limits_from(settings)
    if not station_pools:  # the command line and tools: one engine, the default pool
        engine = create_db_engine(url, limits=limits, application_name=application_name)
        database = Database(
            engine=engine,
            sessions=session_factory(engine),
            display_url=_describe(url, embedded=embedded is not None),
            embedded=embedded,
        )
    else:
        engine = create_db_engine(
            url,
            limits=limits,
            application_name=application_name,
            pool_size=1,
            max_overflow=0,
            pool_timeout_s=BACKGROUND_POOL_TIMEOUT_S,
        )
        packing = create_db_engine(url, limits=limits, application_name=application_name, pool_size=1, max_overflow=0)
        pump = create_db_engine(url, limits=limits, application_name=application_name, pool_size=1, max_overflow=0)
        database = Database(
            engine=engine,
            sessions=session_factory(engine),
            display_url=_describe(url, embedded=embedded is not None),
            embedded=embedded,
            packing_sessions=session_factory(packing),
            pump_sessions=session_factory(pump),
            own_engines=(packing, pump),
        )
    if migrate:
        try:
            upgrade(engine)
        except Exception:
            database.close()
            raise
    return database
