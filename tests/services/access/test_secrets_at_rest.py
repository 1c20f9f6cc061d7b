"""Secrets at rest and in transit: private local files, masked passwords, no bound values in errors, TLS settings."""

from __future__ import annotations

import logging
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from packstation.config.sections import MarketplaceAccount
from packstation.db.engine import ConnectionLimits, create_db_engine
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Opened, Operation
from packstation.local_store.print_jobs import JobStore
from packstation.local_store.private import folder_mode
from packstation.logging_setup import configure_logging
from packstation.services.packing.offline_cache import OfflineCache

from .conftest import run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_local_store_and_log_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    journal = Journal(data / "journal.sqlite3")
    journal.append(Operation(body=Opened(external_id="1"), station="s", occurred_at=datetime.now(UTC), package_id=1))
    jobs = JobStore(data / "print" / "jobs.sqlite3")
    cache = OfflineCache(data / "cache" / "offline.sqlite3")
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        configure_logging(level=logging.INFO, log_dir=data / "logs")
        logging.getLogger("packstation.test").info("Ayşe Yılmaz, Atatürk Cad. 1, 0555 000 00 00")
    finally:
        for handler in list(root.handlers):
            handler.close()
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    files = [p for p in data.rglob("*") if p.is_file()]
    folders = [data, *(p for p in data.rglob("*") if p.is_dir())]
    assert any(p.name == "packstation.log" for p in files) and any(p.name.endswith("-wal") for p in files)
    assert {str(p.relative_to(data)): oct(_mode(p)) for p in files if _mode(p) != 0o600} == {}
    assert {str(p.relative_to(data)): oct(_mode(p)) for p in folders if _mode(p) != folder_mode()} == {}
    assert folder_mode() & 0o077 in (0, 0o011), "no one else may list or write a store's folder"
    del journal, jobs, cache


def test_config_check_masks_an_inline_password() -> None:
    shown = run_cli(
        "config", "check", env={"PACKSTATION_DATABASE_URL": "postgresql://station_3:Gizli-Parola-9@db:5432/ps"}
    )
    assert shown.returncode == 0, shown.stderr
    assert "Gizli-Parola-9" not in shown.stdout + shown.stderr
    assert "station_3:***@db:5432/ps" in shown.stdout


def test_marketplace_base_urls_must_be_https_except_on_this_machine() -> None:
    common = {"name": "gullu-trendyol", "kind": "trendyol", "seller_id": "1", "client": "Güllü"}
    for ok in (
        "https://apigw.trendyol.com/integration",
        "http://127.0.0.1:8080",
        "http://localhost:9",
        "http://[::1]:9",
    ):
        assert MarketplaceAccount(**common, base_url=ok).base_url == ok.rstrip("/")
    for bad in ("http://apigw.trendyol.com/integration", "http://10.0.0.5", "ftp://x", "https://"):
        with pytest.raises(ValidationError, match="https://"):
            MarketplaceAccount(**common, base_url=bad)


def test_errors_never_carry_bound_values(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        with pytest.raises(DBAPIError) as error, engine.connect() as connection:
            # The statement fails for a reason unrelated to the value: without hide_parameters SQLAlchemy
            # would append "[parameters: {'secret': ...}]" to the message.
            connection.execute(text("SELECT CAST(:secret AS text), 1 / 0"), {"secret": "JBSWY3DPEHPK3PXP-TOTP"})
        assert "JBSWY3DPEHPK3PXP" not in str(error.value)
        assert "parameters hidden" in str(error.value)
    finally:
        engine.dispose()


def test_sslmode_reaches_the_driver(db_url: str) -> None:
    # The test server has no TLS: "require" must make the connection fail, proving the setting is used.
    engine = create_db_engine(db_url, limits=ConnectionLimits(sslmode="require"))
    try:
        with pytest.raises(OperationalError, match="SSL"), engine.connect():
            pass
    finally:
        engine.dispose()
