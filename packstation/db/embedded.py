"""The embedded default: a private PostgreSQL in the station's data folder, started on demand.

``pgserver`` ships the server binaries for Linux, macOS and Windows and coordinates processes that
share one data folder: a second app instance attaches to the running server instead of starting
another one on the same files, and the server stops when the last instance exits.

pgserver's initdb trusts every local connection (on Windows that is TCP on 127.0.0.1, so any local
process would be superuser). On the first start PackStation sets generated passwords, switches
``pg_hba.conf`` to scram-sha-256 and connects as ``packstation_app``, a non-superuser member of the
owner role.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_urlsafe
from typing import Any, Protocol
from urllib.parse import quote

import psycopg2
from psycopg2 import sql
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from packstation.db.roles import OWNER_ROLE, STATION_ROLE, apply_privileges
from packstation.i18n import _
from packstation.local_store.private import private_file, private_folder

log = logging.getLogger("packstation.db.embedded")
DATABASE_NAME = "packstation"
# The app's login: a member of the owner role (it runs the migrations), never a superuser.
APP_ROLE = "packstation_app"
EMBEDDED_ACCOUNT = "embedded-database"
PASSWORD_FILE = "embedded-database.json"
HBA_MARKER = "# packstation: scram password authentication"
HBA = f"""{HBA_MARKER} (pgserver's initdb wrote 'trust'; any local process could be superuser)
local   all   all                 scram-sha-256
host    all   all   127.0.0.1/32  scram-sha-256
host    all   all   ::1/128       scram-sha-256
"""


class EmbeddedDatabaseError(Exception):
    """The embedded PostgreSQL could not be started; the message says why and where its log is."""


@dataclass
class EmbeddedPostgres:
    """A running embedded server and the URL of the application database on it."""

    pgdata: Path
    url: str = field(repr=False)  # it carries the app's password
    handle: Any
    password: str = field(default="", repr=False)

    def stop(self) -> None:
        """Release this process's handle (the server stops when no other instance uses it)."""
        self.handle.cleanup()


def _ensure_database(connection: psycopg2.extensions.connection, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
            )
            log.info("created database name=%s", name)


class SecretKeeper(Protocol):
    """Where the generated passwords may live (the OS keyring, ``services.access.secrets.SecretStore``)."""

    def get(self, account: str, secret: str) -> str | None:
        """The stored value, or None."""

    def set(self, account: str, secret: str, value: str) -> None:
        """Store ``value``; raises when there is no usable keyring."""


#: The generated passwords: the superuser's (used only to secure and attach) and the app role's.
PASSWORD_NAMES = ("superuser_password", "password")


def embedded_passwords(data_dir: Path, secrets: SecretKeeper | None) -> tuple[str, str]:
    """The superuser's and the app role's passwords, made now if this station has none yet.

    Callers that log teach both to their log filter *before* the server starts, so no log line or
    crash report of the first start can carry them (``services.access.auth.install_secret_redactions``).
    """
    private_folder(data_dir)
    superuser, app = (_password(data_dir, secrets, name) for name in PASSWORD_NAMES)
    return superuser, app


def _stored(data_dir: Path, secrets: SecretKeeper | None, name: str) -> str | None:
    value = secrets.get(EMBEDDED_ACCOUNT, name) if secrets is not None else None
    if value:
        return value
    path = data_dir / PASSWORD_FILE
    stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return stored.get(name)


def _password(data_dir: Path, secrets: SecretKeeper | None, name: str) -> str:
    """A generated password: from the keyring, else from a 0600 file in the data folder; made on first use."""
    existing = _stored(data_dir, secrets, name)
    if existing:
        return existing
    path = data_dir / PASSWORD_FILE
    stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    value = token_urlsafe(32)
    if secrets is not None:
        try:
            secrets.set(EMBEDDED_ACCOUNT, name, value)
            return value
        except Exception as exc:  # any keyring refusal: a file only this user can read instead
            log.info("no keyring for the embedded server's password (%s): kept in a 0600 file", exc)
    stored[name] = value
    private_file(path)
    path.write_text(json.dumps(stored), encoding="utf-8")
    return value


def _secure(pgdata: Path, dsn: str, superuser_password: str, app_password: str) -> None:
    """First start after initdb (trust): set passwords, make the app's non-superuser role, require scram."""
    connection = psycopg2.connect(dsn, connect_timeout=10)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("ALTER ROLE postgres PASSWORD %s", (superuser_password,))
            for role in (OWNER_ROLE, STATION_ROLE):
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,))
            verb = "ALTER" if cursor.fetchone() is not None else "CREATE"
            cursor.execute(
                sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s").format(
                    sql.Identifier(APP_ROLE)
                ),
                (app_password,),
            )
            cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(OWNER_ROLE), sql.Identifier(APP_ROLE)))
            _ensure_database(connection, DATABASE_NAME)
            cursor.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(DATABASE_NAME), sql.Identifier(APP_ROLE))
            )
    finally:
        connection.close()
    # Objects made by an older build belong to the superuser: hand them to the owner role.
    engine = create_engine(_database_url(dsn), poolclass=NullPool)
    try:
        with engine.begin() as bound:
            apply_privileges(bound)
    finally:
        engine.dispose()
    hba = pgdata / "pg_hba.conf"
    hba.write_text(HBA, encoding="utf-8")
    connection = psycopg2.connect(dsn, connect_timeout=10)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_reload_conf()")
    finally:
        connection.close()
    log.info("embedded postgres secured: scram authentication, app role %s", APP_ROLE)


def _database_url(dsn: str) -> str:
    parts = dict(part.split("=", 1) for part in dsn.split())
    return f"postgresql+psycopg2://{parts['user']}@/{DATABASE_NAME}?host={parts['host']}&port={parts['port']}"


def start_embedded(data_dir: Path, secrets: SecretKeeper | None = None) -> EmbeddedPostgres:
    """Start (or attach to) the embedded server under ``data_dir/pgdata``; the app connects as a non-superuser.

    The server authenticates every connection with a password (scram-sha-256). Both generated passwords
    (the superuser's and the app role's) live in the keyring, or in a 0600 file when there is none.
    """
    private_folder(data_dir)
    pgdata = data_dir / "pgdata"
    try:
        with warnings.catch_warnings():
            # pgserver asks platformdirs for a runtime folder at import; the fallback it warns about is fine.
            warnings.simplefilter("ignore")
            from pgserver.postgres_server import get_server  # its home: the package re-exports it implicitly

        handle = get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:  # pgserver raises plain exceptions from subprocess and asserts
        raise EmbeddedDatabaseError(
            _("the embedded PostgreSQL in {pgdata} did not start: {error} (server log: {log})").format(
                pgdata=pgdata, error=exc, log=pgdata / "log"
            )
        ) from exc
    info = handle.get_postmaster_info()
    host = info.socket_dir if info.socket_dir is not None else info.hostname
    superuser_password, app_password = embedded_passwords(data_dir, secrets)
    dsn = f"dbname=postgres user=postgres host={host} port={info.port}"
    if HBA_MARKER not in (pgdata / "pg_hba.conf").read_text(encoding="utf-8"):
        _secure(pgdata, dsn, superuser_password, app_password)
    else:
        connection = psycopg2.connect(f"{dsn} password={superuser_password}", connect_timeout=10)
        try:
            connection.autocommit = True
            _ensure_database(connection, DATABASE_NAME)
        finally:
            connection.close()
    location = (
        f"@/{DATABASE_NAME}?host={host}&port={info.port}" if info.socket_dir else f"@{host}:{info.port}/{DATABASE_NAME}"
    )
    url = f"postgresql+psycopg2://{APP_ROLE}:{quote(app_password, safe='')}{location}"
    log.info("embedded postgres ready pgdata=%s pid=%s", pgdata, info.pid)
    return EmbeddedPostgres(pgdata=pgdata, url=url, handle=handle, password=app_password)
