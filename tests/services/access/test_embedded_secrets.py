"""The embedded server's generated passwords reach no log line and no crash report.

They are taught to the log filter before the server's first start (``install_secret_redactions``,
called by the window's start-up and by every command that opens the database), so even a careless
log call or an exception quoting the server's URL is masked, on disk, on stderr and in the crash dialog.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from packstation.config import load_settings
from packstation.db.connect import open_database
from packstation.db.embedded import PASSWORD_FILE
from packstation.domain.events import EventBus
from packstation.logging_setup import configure_logging
from packstation.services.access.auth import install_secret_redactions
from packstation.services.access.secrets import SecretStore
from packstation.services.station.database_secret import database_password
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.application import CrashHook
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX sockets for the embedded server")


def test_the_embedded_passwords_are_masked_in_logs_and_the_crash_dialog_from_the_first_start(
    qtbot: QtBot, tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path / "config")},
        overrides={"station": {"name": "station-3", "data_dir": str(tmp_path / "station")}},
    )
    assert settings.database.url is None  # the embedded default
    assert not (settings.data_dir() / PASSWORD_FILE).exists()  # a first start: no password exists yet
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text)))
    log_dir = tmp_path / "logs"
    redactor = configure_logging(level=logging.DEBUG, log_dir=log_dir)
    try:
        secrets = SecretStore()  # the test keyring refuses: the passwords go to a 0600 file
        install_secret_redactions(redactor, settings, secrets)  # as start_services does, before opening
        stored = json.loads((settings.data_dir() / PASSWORD_FILE).read_text(encoding="utf-8"))
        passwords = [stored["password"], stored["superuser_password"]]
        database = open_database(settings, database_password(secrets), embedded_secrets=secrets)
        try:
            server = database.embedded
            assert server is not None and server.password == stored["password"]  # the server uses those
            assert stored["password"] in server.url and server.password not in repr(server)
            careless = logging.getLogger("packstation.db.connect")
            careless.error("connected to %s", server.url)
            careless.debug(f"superuser password is {stored['superuser_password']}")
            try:
                raise ConnectionError(f"cannot reach {server.url}")
            except ConnectionError:
                careless.exception("database gone")
            window = MainWindow(station_name="station-3", bridge=Bridge(EventBus()), demo=False, sounds=SoundBoard())
            qtbot.addWidget(window)
            hook = CrashHook(window, redact=redactor.redact)
            crash = RuntimeError(f"password authentication failed: {server.url} / {stored['superuser_password']}")
            hook(RuntimeError, crash, crash.__traceback__)  # what sys.excepthook gets for an unhandled error
            qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
        finally:
            database.close()
    finally:
        for handler in logging.getLogger().handlers:
            handler.flush()
        configure_logging(level=logging.WARNING)
    log_text = "".join(path.read_text(encoding="utf-8") for path in log_dir.iterdir())
    stderr = capfd.readouterr().err
    assert "connected to postgresql+psycopg2://packstation_app:***@" in log_text, log_text
    assert "unhandled exception" in log_text and "database gone" in log_text
    assert shown and "password authentication failed" in shown[0] and "***" in shown[0]
    for where, content in {"log file": log_text, "stderr": stderr, "crash dialog": shown[0]}.items():
        for password in passwords:
            assert password not in content, f"an embedded password leaked into the {where}"
