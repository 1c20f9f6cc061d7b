"""The main window shell: header, the current screen, and a status bar that never lies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from packstation.services.events import DatabaseStatus
from packstation.ui.bridge import Bridge
from packstation.ui.views.home import HomeView

if TYPE_CHECKING:
    from packstation.app import AppContext


class MainWindow(QMainWindow):
    """Shows at once; screens come alive when the background start-up delivers the services."""

    def __init__(self, *, station_name: str, bridge: Bridge, demo: bool) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("PackStation — {0}").replace("{0}", station_name))
        self.resize(1400, 900)
        self.context: AppContext | None = None

        title = QLabel(self.tr("PackStation"))
        title.setObjectName("title")
        subtitle = QLabel(
            self.tr("Demo: embedded database, no marketplace account or printer needed") if demo else station_name
        )
        subtitle.setObjectName("subtitle")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(subtitle)

        self.home = HomeView()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(18, 12, 18, 0)
        layout.addLayout(header)
        layout.addWidget(self.home, stretch=1)
        self.setCentralWidget(central)

        self.station_label = self._status_label(self.tr("Station: {0}").replace("{0}", station_name))
        self.user_label = self._status_label(self.tr("User: not logged in"))
        self.database_label = self._status_label(self.tr("Database: starting…"))
        self.sync_label = self._status_label(self.tr("Sync: no marketplace accounts"))
        for label in (self.station_label, self.user_label, self.database_label):
            self.statusBar().addWidget(label)
        self.statusBar().addPermanentWidget(self.sync_label)

        self._bridge = bridge  # owned here so its signals live as long as the window
        bridge.database_status.connect(self.show_database_status)

    def _status_label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("status")
        return label

    def _set_state(self, label: QLabel, text: str, *, ok: bool) -> None:
        label.setText(text)
        label.setProperty("state", "ok" if ok else "bad")
        label.style().unpolish(label)
        label.style().polish(label)

    def attach(self, context: AppContext) -> None:
        """The services are up: bind the screens to them."""
        self.context = context
        self.home.bind(
            find=context.packages.find_by_code,
            ready=context.packages.ready_to_pack,
            counts=context.packages.counts,
            detail=context.package_detail,
        )
        self._set_state(
            self.database_label,
            self.tr("Database: online ({0})").replace("{0}", context.database.display_url),
            ok=True,
        )
        accounts = len(context.settings.marketplaces)
        if accounts:
            self.sync_label.setText(self.tr("Sync: {0} account(s)").replace("{0}", str(accounts)))

    def show_startup_error(self, exc: Exception) -> None:
        """Start-up failed: show the reason in the window and the status bar."""
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        message = reason[0] if reason else type(exc).__name__
        self._set_state(self.database_label, self.tr("Database: unavailable"), ok=False)
        self.home.show_startup_error(self.tr("The database could not be opened: {0}").replace("{0}", message))

    def show_database_status(self, status: DatabaseStatus) -> None:
        """Online/offline from the heartbeat."""
        if self.context is None:
            return
        if status.online:
            text = self.tr("Database: online ({0})").replace("{0}", self.context.database.display_url)
        else:
            text = self.tr("Database: OFFLINE — {0}").replace("{0}", status.detail)
        self._set_state(self.database_label, text, ok=status.online)
