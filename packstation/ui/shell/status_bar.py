"""The station's state at a glance: the status bar (user, database, journal, labels, sync) and the offline banner.

Fed by the bridge's events (database, journal pump, print jobs, sync) and by the window (who logged in, the
database it opened). A status-bar entry does not wrap: a server's error message is cut to one short line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QStatusBar

from packstation.domain.events import PrintJobEventKind
from packstation.ui.packing.package_table import role_name
from packstation.ui.platform.text_fit import never_widen, set_fitted_text

if TYPE_CHECKING:
    from packstation.domain.events import DatabaseStatus, PumpStatus, SyncFinished, SyncProgress
    from packstation.services.access.permissions import UserSession

STATUS_LIMIT = 80  # characters of one status-bar entry (a server's error message can be a page long)


class StationStatusBar(QObject):
    """The window's status-bar entries and its offline banner (which the window places above the scan field)."""

    def __init__(self, bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offlineBanner")
        never_widen(self.offline_banner)
        self.offline_banner.hide()
        self.user_label = self._status_label(self.tr("User: not logged in"))
        self.database_label = self._status_label(self.tr("Database: starting…"))
        self.journal_label = self._status_label(self.tr("Pending: –"))
        self.labels_label = self._status_label("")
        self.labels_label.hide()
        # job id -> (state, since) of the labels not yet printed
        self._label_jobs: dict[str, tuple[PrintJobEventKind, datetime]] = {}
        self.sync_label = self._status_label(self.tr("Sync: no marketplace accounts"))
        for label in (self.user_label, self.database_label, self.journal_label, self.labels_label):
            bar.addWidget(label)
        bar.addPermanentWidget(self.sync_label)
        # Where the database is, shown while it answers; None until the services are up.
        self._database_url: str | None = None

    @staticmethod
    def _status_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("status")
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def set_state(self, label: QLabel, text: str, *, ok: bool) -> None:
        """Show ``text`` in ``label``, cut to one short line, coloured good or bad by the theme."""
        set_fitted_text(label, text, STATUS_LIMIT)
        label.setProperty("state", "ok" if ok else "bad")
        label.style().unpolish(label)
        label.style().polish(label)

    # -- the user and the database -------------------------------------------------------------------

    def show_user(self, session: UserSession | None) -> None:
        """Who is logged in (their name and role), or that nobody is."""
        if session is None:
            self.set_state(self.user_label, self.tr("User: not logged in"), ok=False)
            return
        text = (
            self.tr("User: {0} ({1})")
            .replace("{0}", session.full_name or session.username)
            .replace("{1}", role_name(session.role.value))
        )
        self.set_state(self.user_label, text, ok=True)

    def show_services_up(self, *, database_url: str, accounts: int) -> None:
        """The services started: the database they opened, and how many marketplace accounts sync."""
        self._database_url = database_url
        self.set_state(self.database_label, self.tr("Database: online ({0})").replace("{0}", database_url), ok=True)
        if accounts:
            self.sync_label.setText(self.tr("Sync: {0} account(s)").replace("{0}", str(accounts)))

    def show_database_unavailable(self) -> None:
        """Start-up could not open the database."""
        self.set_state(self.database_label, self.tr("Database: unavailable"), ok=False)

    def show_database_status(self, status: DatabaseStatus) -> None:
        """Online/offline from the heartbeat (ignored before the services are up)."""
        if self._database_url is None:
            return
        if status.online:
            text = self.tr("Database: online ({0})").replace("{0}", self._database_url)
        else:
            text = self.tr("Database: OFFLINE — {0}").replace("{0}", status.detail)
        self.set_state(self.database_label, text, ok=status.online)

    # -- the journal and the labels ------------------------------------------------------------------

    def show_pump_status(self, status: PumpStatus) -> None:
        """Operations waiting for PostgreSQL, and the age of the oldest; an offline banner while it is away."""
        if status.online:
            self.offline_banner.hide()
        else:
            self.offline_banner.setText(
                self.tr(
                    "OFFLINE: the database cannot be reached. Packing continues from this station's copy; "
                    "{0} operation(s) will upload when it is back."
                ).replace("{0}", str(status.waiting))
            )
            self.offline_banner.show()
        if status.pending == 0:
            self.set_state(self.journal_label, self.tr("Pending: 0"), ok=True)
            return
        age = ""
        if status.oldest_at is not None:
            seconds = int((datetime.now(UTC) - status.oldest_at).total_seconds())
            age = self.tr(" (oldest {0} s)").replace("{0}", str(max(seconds, 0)))
        text = self.tr("Pending: {0}").replace("{0}", str(status.waiting)) + age
        if status.parked:
            # Refused by the database and set aside: a supervisor retries or discards them on the dashboard.
            text += " · " + self.tr("Stuck: {0}").replace("{0}", str(status.parked))
        self.set_state(self.journal_label, text, ok=status.online and not status.parked)

    def note_print_job(self, job_id: str, kind: PrintJobEventKind) -> None:
        """A label job changed state: count labels waiting and stuck, with the oldest's age."""
        if kind is PrintJobEventKind.PRINTED:
            self._label_jobs.pop(job_id, None)
        else:
            since = self._label_jobs.get(job_id, (kind, datetime.now(UTC)))[1]
            self._label_jobs[job_id] = (kind, since)
        if not self._label_jobs:
            self.labels_label.hide()
            return
        stuck = sum(1 for state, _since in self._label_jobs.values() if state is PrintJobEventKind.FAILED)
        oldest = min(since for _state, since in self._label_jobs.values())
        seconds = max(0, int((datetime.now(UTC) - oldest).total_seconds()))
        text = self.tr("Labels waiting: {0} (oldest {1} s)").replace("{0}", str(len(self._label_jobs) - stuck))
        text = text.replace("{1}", str(seconds))
        if stuck:
            text += " · " + self.tr("Stuck: {0}").replace("{0}", str(stuck))
        self.set_state(self.labels_label, text, ok=not stuck)
        self.labels_label.show()

    # -- marketplace sync ----------------------------------------------------------------------------

    def show_sync_progress(self, event: SyncProgress) -> None:
        """A sync is running: which account."""
        self.sync_label.setText(self.tr("Sync: running ({0})").replace("{0}", event.account))

    def show_sync_finished(self, event: SyncFinished) -> None:
        """A sync ended: OK, or its error, with the time."""
        now = datetime.now().strftime("%H:%M")
        if event.error:
            self.set_state(
                self.sync_label,
                self.tr("Sync: error at {0}: {1}").replace("{0}", now).replace("{1}", event.error),
                ok=False,
            )
        else:
            self.set_state(self.sync_label, self.tr("Sync: OK at {0}").replace("{0}", now), ok=True)
