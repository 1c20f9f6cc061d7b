"""First run: the station's TOML file, a test label to a real TCP printer socket, and the wizard."""

from __future__ import annotations

import socket
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from packstation.config import ConfigError, Settings, load_settings
from packstation.i18n import Language
from packstation.services.labels import LabelService
from packstation.services.station.setup import (
    TEST_TRACKING_NUMBER,
    PrinterSetupError,
    StationSetup,
    print_test_label,
    write_station_config,
)
from packstation.ui.admin.setup_wizard import StationSetupWizard, default_print_test


class RawPrinter:
    """A port-9100 listener on 127.0.0.1 that keeps every byte it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            while chunk := connection.recv(65536):
                self.received += chunk
        self.done.set()

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def printer() -> Iterator[RawPrinter]:
    raw = RawPrinter()
    yield raw
    raw.close()


def test_the_file_keeps_other_settings_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "postgresql://station@db/packstation"\n[station]\nclaim_lease_s = 60\n')
    setup = StationSetup(
        station_name="Masa 3", language=Language.TURKISH, text_scale=1.25, printer_uri="tcp://10.0.0.31:9100"
    )
    settings = write_station_config(path, setup)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["database"]["url"] == "postgresql://station@db/packstation"
    assert data["station"] == {
        "name": "Masa 3",
        "claim_lease_s": 60,
        "language": "tr",
        "text_scale": 1.25,
        "high_contrast": False,
    }
    assert settings.printer.uri == "tcp://10.0.0.31:9100"
    assert load_settings(path, environ={}) == settings


def test_a_bad_address_is_refused_and_the_old_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[station]\nname = "old"\n')
    with pytest.raises(ConfigError, match=r"printer\.uri"):
        write_station_config(path, StationSetup(station_name="new", printer_uri="lpt://1"))
    assert path.read_text() == '[station]\nname = "old"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_test_label_reaches_a_tcp_printer(printer: RawPrinter) -> None:
    message = print_test_label(f"tcp://127.0.0.1:{printer.port}?status=0", station_name="Masa 3", labels=LabelService())
    assert printer.done.wait(10)
    data = bytes(printer.received)
    assert data.count(b"^XA") >= 1 and data.rstrip().endswith(b"^XZ")
    assert TEST_TRACKING_NUMBER.encode() in data
    assert f"127.0.0.1:{printer.port}" in message


def test_an_unreachable_printer_is_a_clear_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterSetupError, match="test label was not printed"):
        print_test_label(f"tcp://127.0.0.1:{port}?status=0&connect_timeout=1", station_name="x", labels=LabelService())
    with pytest.raises(PrinterSetupError, match="Invalid printer address"):
        print_test_label("lpt://1", station_name="x", labels=LabelService())


@pytest.mark.gui
def test_wizard_prints_a_test_label_tests_the_scanner_and_writes_the_file(
    qtbot: QtBot, tmp_path: Path, printer: RawPrinter
) -> None:
    path = tmp_path / "config.toml"
    wizard = StationSetupWizard(config_path=path, settings=Settings(), print_test=default_print_test)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.station.name.setText("Paketleme 2")
    wizard.station.language.setCurrentIndex(wizard.station.language.findData(Language.TURKISH))
    wizard.station.high_contrast.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.database and wizard.database.alone.isChecked()
    assert not wizard.database.result.isVisible(), "no message box before there is a message"
    wizard.next()
    wizard.printer.uri.setText("nonsense://")
    wizard.next()
    assert wizard.currentPage() is wizard.printer, "a bad printer address keeps the wizard on the page"
    wizard.printer.uri.setText(f"tcp://127.0.0.1:{printer.port}?status=0")
    wizard.printer.test_button.click()
    qtbot.waitUntil(lambda: wizard.printer.result.property("kind") == "ok", timeout=10_000)
    assert printer.done.wait(10) and TEST_TRACKING_NUMBER.encode() in printer.received
    wizard.next()
    qtbot.keyClicks(wizard.scanner.test_field, "8690000000012")
    qtbot.keyClick(wizard.scanner.test_field, "\r")
    assert "8690000000012" in wizard.scanner.result.text() and "13" in wizard.scanner.result.text()
    wizard.next()
    assert wizard.currentPage() is wizard.marketplace  # optional: left empty here
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    settings = load_settings(path, environ={})
    assert settings.station.name == "Paketleme 2"
    assert settings.station.language == "tr" and settings.station.high_contrast
    assert settings.printer.uri == f"tcp://127.0.0.1:{printer.port}?status=0"


@pytest.mark.gui
def test_wizard_adds_a_marketplace_account_after_a_connection_test(qtbot: QtBot, tmp_path: Path) -> None:
    from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorConfig, SimulatorServer

    simulator = SimulatedMarketplace(SimulatorConfig(seed=2, packages=5))
    server = SimulatorServer(simulator).start()
    path = tmp_path / "config.toml"
    wizard = StationSetupWizard(config_path=path, settings=Settings(), print_test=default_print_test)
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        wizard.station.name.setText("Paketleme 3")
        for _page in ("database", "printer", "scanner", "marketplace"):
            wizard.next()
        page = wizard.marketplace
        assert wizard.currentPage() is page
        page.name.setText("gullu-trendyol")
        page.base_url.setText(server.base_url)
        page.seller_id.setText(simulator.config.seller_id)
        page.client.setText("Güllü Ayakkabı")
        page.secret_fields["api_key"].setText(simulator.config.api_key)
        page.secret_fields["api_secret"].setText("wrong")
        page.test_button.click()
        qtbot.waitUntil(lambda: page.result.property("kind") == "error", timeout=20_000)
        page.secret_fields["api_secret"].setText(simulator.config.api_secret)
        page.test_button.click()
        qtbot.waitUntil(lambda: page.result.property("kind") == "ok", timeout=20_000)
        assert "gullu-trendyol" in page.result.text()
        wizard.button(QWizard.WizardButton.FinishButton).click()
        assert wizard.result() == QWizard.DialogCode.Accepted
    finally:
        server.stop()
    settings = load_settings(path, environ={})
    account = settings.account("gullu-trendyol")
    assert account.client == "Güllü Ayakkabı" and account.base_url == server.base_url
    text = path.read_text(encoding="utf-8")
    assert simulator.config.api_secret not in text and simulator.config.api_key not in text
    # No secure keyring in the tests: the wizard says which environment variables to set instead.
    assert any("PACKSTATION_SECRET_GULLU_TRENDYOL_API_SECRET" in line for line in wizard.todo)


@pytest.mark.gui
def test_wizard_joins_a_shared_database_after_a_connection_test(qtbot: QtBot, tmp_path: Path, db_url: str) -> None:
    from sqlalchemy.engine import make_url

    from packstation.services.station.database_secret import DATABASE_PASSWORD_ENV

    server = make_url(db_url)
    path = tmp_path / "config.toml"
    wizard = StationSetupWizard(config_path=path, settings=Settings(), print_test=default_print_test)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.station.name.setText("Paketleme 4")
    wizard.next()
    page = wizard.database
    assert wizard.currentPage() is page and page.alone.isChecked() and not page.server.isEnabled()
    page.shared.setChecked(True)
    assert page.server.isEnabled()
    wizard.next()
    assert wizard.currentPage() is page, "a shared server without an address keeps the wizard on the page"
    assert page.result.isVisible() and "address" in page.result.text()
    page.host.setText(str(server.host))
    page.port.setValue(int(server.port or 5432))
    page.user.setText(str(server.username))
    page.password.setText("parola-ğüşİ")
    page.database.setText("no_such_database")
    page.test_button.click()
    qtbot.waitUntil(lambda: page.result.property("kind") == "error" and page.test_button.isEnabled(), timeout=20_000)
    assert "no_such_database" in page.result.text()
    page.database.setText(str(server.database))
    page.test_button.click()
    qtbot.waitUntil(lambda: page.result.property("kind") == "ok", timeout=20_000)
    assert "PostgreSQL" in page.result.text()
    for _page in ("printer", "scanner", "marketplace"):
        wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    settings = load_settings(path, environ={})
    url = make_url(str(settings.database.url))
    assert (url.host, url.port, url.database, url.username) == (server.host, server.port, server.database, "postgres")
    assert url.password is None and "parola" not in path.read_text(encoding="utf-8"), "the file never holds it"
    # The test machine has no secure keyring (conftest): the operator is told which variable to set.
    assert any(DATABASE_PASSWORD_ENV in line for line in wizard.todo), wizard.todo


def test_the_marketplace_page_names_its_secrets_in_words(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = StationSetupWizard(config_path=tmp_path / "c.toml", settings=Settings(), print_test=default_print_test)
    qtbot.addWidget(wizard)
    page = wizard.marketplace
    expected = {
        "trendyol": ["API key", "API secret"],
        "hepsiburada": ["Merchant id", "Service key", "Integrator name"],
        "n11": ["App key", "App secret"],
    }
    for kind, labels in expected.items():
        page.kind.setCurrentIndex(page.kind.findData(kind))
        shown = [page.form.labelForField(field).text() for field in page.secret_fields.values()]  # type: ignore[union-attr]
        assert shown == labels, (kind, shown)
