"""The stations screen: which stations are alive, what each still has to upload, and releasing a dead one's parcels."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.services.access.permissions import UserSession
from packstation.services.station.heartbeat import StationService, StationSummary
from packstation.ui.platform.tasks import Task


class StationsView(QWidget):
    """Lists stations through the privileged service as the logged-in user."""

    def __init__(self, *, stations: StationService, actor: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stations = stations
        self._actor = actor
        self.rows: list[StationSummary] = []
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Station"),
                self.tr("Computer"),
                self.tr("State"),
                self.tr("Last heartbeat"),
                self.tr("Waiting to upload"),
                self.tr("Parcels held"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setWordWrap(True)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.release_button = QPushButton(self.tr("Release its parcels"))
        self.release_button.clicked.connect(self.release_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        buttons.addWidget(self.release_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table, stretch=1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        """Reload the list off the GUI thread."""
        stations, actor = self._stations, self._actor
        Task(lambda: stations.list_stations(actor), owner=self).on_success(self._show).on_failure(
            lambda exc: self.message.setText(str(exc))
        ).run()

    def _show(self, rows: list[StationSummary]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        now = datetime.now(UTC)
        for index, row in enumerate(rows):
            seen = row.last_heartbeat_at
            age = self.tr("{0} s ago").replace("{0}", str(int((now - seen).total_seconds()))) if seen else "–"
            pending = str(row.pending_operations)
            if row.oldest_pending_at is not None and row.pending_operations:
                minutes = int((now - row.oldest_pending_at).total_seconds() // 60)
                pending += self.tr(" (oldest {0} min)").replace("{0}", str(minutes))
            values = (
                row.name,
                row.hostname,
                self.tr("online") if row.online else self.tr("OFFLINE"),
                age,
                pending,
                str(row.claimed_parcels),
            )
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.message.setText(self.tr("{0} station(s)").replace("{0}", str(len(rows))))

    def release_selected(self) -> None:
        """Free the parcels held by the selected (dead) station, after a confirmation."""
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            self.message.setText(self.tr("Choose a station first."))
            return
        row = self.rows[index]
        answer = QMessageBox.question(
            self,
            self.tr("Release parcels"),
            self.tr("Release the {0} parcel(s) station {1} holds? Do this only if that station is really gone.")
            .replace("{0}", str(row.claimed_parcels))
            .replace("{1}", row.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        stations, actor = self._stations, self._actor

        def released(count: int) -> None:
            self.message.setText(self.tr("{0} parcel(s) released.").replace("{0}", str(count)))
            self.refresh()

        Task(lambda: stations.release_claims(actor, row.id), owner=self).on_success(released).on_failure(
            lambda exc: self.message.setText(str(exc))
        ).run()
