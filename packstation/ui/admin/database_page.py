"""The set-up wizard's database page: this station alone (embedded database) or a shared server."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from packstation.config import Settings
from packstation.services.station.database_secret import DATABASE_PASSWORD_ENV
from packstation.services.station.database_setup import (
    DEFAULT_DATABASE,
    DEFAULT_PORT,
    DatabaseSetupError,
    SharedDatabase,
)
from packstation.ui.platform.tasks import Task

#: ``test(shared)``: connect with the entered login; a message, or an exception that says why not.
TestDatabase = Callable[[SharedDatabase], str]


class DatabasePage(QWizardPage):
    """Embedded (the first or only station) or a shared PostgreSQL with this station's login, with a test."""

    def __init__(self, settings: Settings, *, test_connection: TestDatabase) -> None:
        super().__init__()
        self.setTitle(self.tr("Database"))
        self._test_connection = test_connection
        self.alone = QRadioButton(self.tr("This station alone: an embedded database on this computer"))
        self.shared = QRadioButton(self.tr("A shared server: several stations of the warehouse use one database"))
        group = QButtonGroup(self)
        group.addButton(self.alone)
        group.addButton(self.shared)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("e.g. 10.0.0.5 or db.warehouse.local"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit(DEFAULT_DATABASE)
        self.user = QLineEdit()
        self.user.setPlaceholderText(self.tr("this station's login, e.g. station_2"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(
            self.tr(
                "The password is kept in this computer's keyring. Where there is no secure keyring, set the "
                "environment variable {0} instead."
            ).replace("{0}", DATABASE_PASSWORD_ENV)
        )
        note.setWordWrap(True)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.result = QLabel("")
        self.result.setObjectName("banner")
        self.result.setWordWrap(True)
        self.result.setVisible(False)  # no message box before there is a message

        self.server = QWidget()
        form = QFormLayout(self.server)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow(self.tr("Server address"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Database name"), self.database)
        form.addRow(self.tr("Station user name"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(note)
        form.addRow(self.test_button)
        form.addRow(self.result)
        layout = QVBoxLayout(self)
        layout.addWidget(self.alone)
        layout.addWidget(self.shared)
        layout.addWidget(self.server)
        layout.addStretch(1)
        self._fill(settings)
        self.shared.toggled.connect(self._choice_changed)
        self._choice_changed()

    def _fill(self, settings: Settings) -> None:
        from sqlalchemy.engine import make_url

        if settings.database.url is None:
            self.alone.setChecked(True)
            return
        self.shared.setChecked(True)
        url = make_url(settings.database.url)
        self.host.setText(url.host or "")
        self.port.setValue(url.port or DEFAULT_PORT)
        self.database.setText(url.database or DEFAULT_DATABASE)
        self.user.setText(url.username or "")

    def _choice_changed(self) -> None:
        self.server.setEnabled(self.shared.isChecked())
        self._show("", kind="info")

    def _show(self, text: str, *, kind: str) -> None:
        self.result.setText(text)
        self.result.setVisible(bool(text))
        self.result.setProperty("kind", kind)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)

    def shared_database(self) -> SharedDatabase | None:
        """The shared server as entered (None: this station alone); raises ``DatabaseSetupError`` when incomplete."""
        if not self.shared.isChecked():
            return None
        return SharedDatabase(
            host=self.host.text(),
            port=self.port.value(),
            database=self.database.text(),
            user=self.user.text(),
            password=self.password.text(),
        )

    def test(self) -> None:
        """Connect with the entered login off the GUI thread; the answer appears under the button."""
        try:
            shared = self.shared_database()
        except DatabaseSetupError as exc:
            self._show(str(exc), kind="error")
            return
        if shared is None:
            return
        self.test_button.setEnabled(False)
        self._show(self.tr("Connecting…"), kind="info")

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            self._show(message, kind="ok")

        def failed(exc: Exception) -> None:
            self.test_button.setEnabled(True)
            self._show(str(exc), kind="error")

        test = self._test_connection
        Task(lambda: test(shared), owner=self).on_success(done).on_failure(failed).run()

    def validatePage(self) -> bool:
        """A shared server needs its address and login (the connection test is advised, not required)."""
        try:
            self.shared_database()
        except DatabaseSetupError as exc:
            self._show(str(exc), kind="error")
            return False
        return True


def default_test_database(shared: SharedDatabase) -> str:
    """The real connection test (runs on a worker thread)."""
    from packstation.services.station.database_setup import test_database_connection

    return test_database_connection(shared)
