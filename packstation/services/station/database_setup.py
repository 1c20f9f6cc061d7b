"""The set-up wizard's database question: this station alone (embedded) or a shared PostgreSQL server.

A shared server is entered as its address and the station's own login; the URL written to the
configuration file carries no password (the password goes to the keyring, or, where no secure
keyring exists, the operator is told to set :data:`DATABASE_PASSWORD_ENV`).
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from packstation.db.engine import ConnectionLimits, create_db_engine
from packstation.db.errors import error_reason
from packstation.i18n import _
from packstation.services.access.secrets import SecretError, SecretStore
from packstation.services.station.database_secret import DATABASE_PASSWORD_ENV, store_database_password

log = logging.getLogger("packstation.services.station.database_setup")
DEFAULT_PORT = 5432
DEFAULT_DATABASE = "packstation"
#: A connection test gives up quickly: the operator is waiting at the wizard.
TEST_TIMEOUT_S = 5


class DatabaseSetupError(ValueError):
    """The shared server's details are incomplete or refused; the message says which and why."""


@dataclass(frozen=True)
class SharedDatabase:
    """A shared PostgreSQL server and this station's login to it."""

    host: str
    user: str
    password: str = field(repr=False)
    port: int = DEFAULT_PORT
    database: str = DEFAULT_DATABASE

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise DatabaseSetupError(_("Enter the database server's address"))
        if not self.user.strip():
            raise DatabaseSetupError(_("Enter this station's database user name"))
        if not self.database.strip():
            raise DatabaseSetupError(_("Enter the database name"))
        if not 1 <= self.port <= 65535:
            raise DatabaseSetupError(_("The port must be between 1 and 65535, got {port}").format(port=self.port))

    def url(self, *, with_password: bool = False) -> str:
        """The SQLAlchemy URL; without the password unless asked (the file never holds it)."""
        url = URL.create(
            "postgresql+psycopg2",
            username=self.user.strip(),
            password=self.password if with_password and self.password else None,
            host=self.host.strip(),
            port=self.port,
            database=self.database.strip(),
        )
        return url.render_as_string(hide_password=False)


def test_database_connection(shared: SharedDatabase) -> str:
    """Connect with the entered login and run one query; a message, or :class:`DatabaseSetupError` with the reason."""
    engine = create_db_engine(
        shared.url(with_password=True),
        limits=ConnectionLimits(connect_timeout_s=TEST_TIMEOUT_S),
        application_name="packstation-setup",
        pool_size=1,
    )
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
    except SQLAlchemyError as exc:
        raise DatabaseSetupError(
            _("The database at {where} refused the connection: {reason}").format(
                where=f"{shared.host}:{shared.port}/{shared.database}", reason=error_reason(exc)
            )
        ) from exc
    finally:
        engine.dispose()
    return _("Connected: PostgreSQL {version} at {where}.").format(
        version=version, where=f"{shared.host}:{shared.port}/{shared.database}"
    )


def store_shared_database(path: Path, shared: SharedDatabase | None, secrets: SecretStore) -> list[str]:
    """Point the configuration at the shared server (or at the embedded one for None) and keep the password.

    Returns what the operator still has to do: set the password's environment variable where the
    computer has no secure keyring. The file keeps every other setting.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    database = dict(data.get("database", {}))
    todo: list[str] = []
    if shared is None:
        database.pop("url", None)
    else:
        database["url"] = shared.url()
        if shared.password:
            try:
                store_database_password(secrets, shared.password)
            except SecretError as exc:
                log.warning("database password not stored in a keyring: %s", exc)
                todo.append(
                    _(
                        "This computer has no secure keyring: set the environment variable {name} to the "
                        "database password before starting the station."
                    ).format(name=DATABASE_PASSWORD_ENV)
                )
    if database:
        data["database"] = database
    else:
        data.pop("database", None)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return todo
