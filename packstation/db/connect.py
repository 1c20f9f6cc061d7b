"""Opening the station's database: the configured server, or the embedded one when none is set."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from packstation.config import Settings
from packstation.db.embedded import EmbeddedPostgres, start_embedded
from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.db.migrate import upgrade
from packstation.i18n import _
from packstation.services.access.secrets import SecretStore

log = logging.getLogger("packstation.db.connect")
DATABASE_SECRET_ACCOUNT = "database"


@dataclass
class Database:
    """An open database: engine, session factory and, for the embedded default, the server handle."""

    engine: Engine
    sessions: sessionmaker[Session]
    display_url: str
    embedded: EmbeddedPostgres | None = field(default=None)

    def close(self) -> None:
        """Dispose of connections and release the embedded server."""
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
    )


def configured_url(settings: Settings, secrets: SecretStore) -> str | None:
    """The configured server's URL with its password from the keyring/environment, or None."""
    if settings.database.url is None:
        return None
    url = make_url(settings.database.url)
    if url.password is None:
        password = secrets.get(DATABASE_SECRET_ACCOUNT, "password")
        if password:
            url = url.set(password=password)
    return url.render_as_string(hide_password=False)


def open_database(
    settings: Settings,
    secrets: SecretStore,
    *,
    migrate: bool = True,
    application_name: str = "packstation",
) -> Database:
    """Connect (starting the embedded server if needed) and, by default, bring the schema to head."""
    embedded = None
    url = configured_url(settings, secrets)
    if url is None:
        embedded = start_embedded(settings.data_dir())
        url = embedded.url
    engine = create_db_engine(url, limits=limits_from(settings), application_name=application_name)
    database = Database(
        engine=engine,
        sessions=session_factory(engine),
        display_url=_describe(url, embedded=embedded is not None),
        embedded=embedded,
    )
    if migrate:
        try:
            upgrade(engine)
        except Exception:
            database.close()
            raise
    return database
