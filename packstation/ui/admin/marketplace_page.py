"""The set-up wizard's marketplace page: an optional first account, with a connection test."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPushButton, QWizardPage

from packstation.i18n import _
from packstation.services.marketplaces.credentials import SECRET_LABELS
from packstation.services.station.setup import MarketplaceSetup
from packstation.ui.admin.setup_pages import problem_label, set_message
from packstation.ui.platform.tasks import Task


class MarketplacePage(QWizardPage):
    """An optional first marketplace account, with a connection test; secrets go to the keyring."""

    BASE_URLS: ClassVar[dict[str, str]] = {
        "trendyol": "https://apigw.trendyol.com/integration",
        "hepsiburada": "https://oms-external.hepsiburada.com",
        "n11": "https://api.n11.com",
    }

    def __init__(self, *, test_connection: Callable[[MarketplaceSetup], str]) -> None:
        super().__init__()
        self.setTitle(self.tr("Marketplace account"))
        self.setSubTitle(self.tr("Optional: leave the name empty to add accounts later in the configuration file."))
        self._test_connection = test_connection
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. gullu-trendyol"))
        self.kind = QComboBox()
        for kind in ("trendyol", "hepsiburada", "n11"):
            self.kind.addItem(kind.title(), kind)
        self.base_url = QLineEdit(self.BASE_URLS["trendyol"])
        self.seller_id = QLineEdit()
        self.client = QLineEdit()
        self.client.setPlaceholderText(self.tr("the company whose parcels these are"))
        self.secret_fields: dict[str, QLineEdit] = {}
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("Account name"), self.name)
        self.form.addRow(self.tr("Marketplace"), self.kind)
        self.form.addRow(self.tr("API address"), self.base_url)
        self.form.addRow(self.tr("Seller id"), self.seller_id)
        self.form.addRow(self.tr("Client company"), self.client)
        self._secret_rows_start = self.form.rowCount()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        from packstation.services.station.setup import marketplace_secret_names

        kind = str(self.kind.currentData())
        if self.base_url.text() in self.BASE_URLS.values() or not self.base_url.text():
            self.base_url.setText(self.BASE_URLS[kind])
        while self.form.rowCount() > self._secret_rows_start:
            self.form.removeRow(self.form.rowCount() - 1)
        self.secret_fields = {}
        labels = SECRET_LABELS[kind]
        for name in marketplace_secret_names(kind):
            field = QLineEdit()
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(f"secret_{name}")
            self.secret_fields[name] = field
            # In words, as the marketplace's seller panel names it (the keyring key stays the raw name).
            self.form.addRow(_(labels[name]), field)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.result = problem_label()
        self.form.addRow(self.test_button)
        self.form.addRow(self.result)

    def marketplace(self) -> MarketplaceSetup | None:
        """The account as entered, or None when the page was left empty."""
        if not self.name.text().strip():
            return None
        return MarketplaceSetup(
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            base_url=self.base_url.text(),
            seller_id=self.seller_id.text(),
            client=self.client.text(),
            secrets={name: field.text() for name, field in self.secret_fields.items()},
        )

    def test(self) -> None:
        """Try the credentials off the GUI thread; the answer appears under the button."""
        setup = self.marketplace()
        if setup is None:
            set_message(self.result, self.tr("Enter the account first"), kind="error")
            return
        self.test_button.setEnabled(False)
        set_message(self.result, self.tr("Connecting…"), kind="info")

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            set_message(self.result, message, kind="ok")

        def failed(exc: Exception) -> None:
            self.test_button.setEnabled(True)
            set_message(self.result, str(exc), kind="error")

        test = self._test_connection
        Task(lambda: test(setup), owner=self).on_success(done).on_failure(failed).run()

    def validatePage(self) -> bool:
        """An entered account must be complete and valid (its connection need not be tested)."""
        setup = self.marketplace()
        if setup is None:
            return True
        try:
            setup.account()
        except ValueError as exc:
            set_message(self.result, str(exc), kind="error")
            return False
        return True
