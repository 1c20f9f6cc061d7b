"""The embedded default: a private PostgreSQL in the station's data folder, started on demand.

``pgserver`` ships the server binaries for Linux, macOS and Windows and coordinates processes that
share one data folder: a second app instance attaches to the running server instead of starting
another one on the same files, and the server stops when the last instance exits.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

from packstation.i18n import _

log = logging.getLogger("packstation.db.embedded")
DATABASE_NAME = "packstation"


class EmbeddedDatabaseError(Exception):
    """The embedded PostgreSQL could not be started; the message says why and where its log is."""


@dataclass
class EmbeddedPostgres:
    """A running embedded server and the URL of the application database on it."""

    pgdata: Path
    url: str
    handle: Any

    def stop(self) -> None:
        """Release this process's handle (the server stops when no other instance uses it)."""
        self.handle.cleanup()


def _ensure_database(dsn: str, name: str) -> None:
    connection = psycopg2.connect(dsn, connect_timeout=10)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
                )
                log.info("created database name=%s", name)
    finally:
        connection.close()


def start_embedded(data_dir: Path) -> EmbeddedPostgres:
    """Start (or attach to) the embedded server under ``data_dir/pgdata``."""
    data_dir.mkdir(parents=True, exist_ok=True)
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
    if info.socket_dir is not None:
        dsn = f"dbname=postgres user=postgres host={info.socket_dir} port={info.port}"
        url = f"postgresql+psycopg2://postgres@/{DATABASE_NAME}?host={info.socket_dir}&port={info.port}"
    else:
        dsn = f"dbname=postgres user=postgres host={info.hostname} port={info.port}"
        url = f"postgresql+psycopg2://postgres@{info.hostname}:{info.port}/{DATABASE_NAME}"
    _ensure_database(dsn, DATABASE_NAME)
    log.info("embedded postgres ready pgdata=%s pid=%s", pgdata, info.pid)
    return EmbeddedPostgres(pgdata=pgdata, url=url, handle=handle)
