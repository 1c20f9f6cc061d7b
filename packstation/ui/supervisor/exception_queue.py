"""The dashboard's exception queue: open packing exceptions, assigned to someone or resolved with a note.

Assigning and resolving run through :class:`~packstation.ui.platform.tasks.Task` off the GUI thread, as the
user logged in at the moment of the action; the dashboard refreshes when one succeeded (``changed``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QPushButton, QVBoxLayout, QWidget

from packstation.domain.status import ExceptionKind
from packstation.services.access.permissions import UserSession
from packstation.services.reports import ExceptionQueue, OpenException, PersonChoice
from packstation.ui.platform.tasks import Task
from packstation.ui.supervisor.dashboard_widgets import WARN, fill_table, make_table


class ExceptionQueuePanel(QWidget):
    """The open exceptions as a table, with Assign… and Resolve… (disabled without an exception queue)."""

    #: An exception was assigned or resolved: the figures are out of date.
    changed = Signal()
    #: An action failed; the exception says why.
    failed = Signal(object)
    #: Show the photos of the selected exception's parcel (its package id).
    photos_requested = Signal(str)

    def __init__(
        self,
        exceptions: ExceptionQueue | None,
        *,
        current_user: Callable[[], UserSession | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._exceptions = exceptions
        # Asked at each action: the actor is whoever is logged in now, not who opened the dashboard.
        self._current_user = current_user
        self._packers: tuple[PersonChoice, ...] = ()
        self.table = make_table(
            [
                self.tr("Since"),
                self.tr("Kind"),
                self.tr("Package"),
                self.tr("Station"),
                self.tr("Assigned to"),
                self.tr("What happened"),
            ]
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.assign_button = QPushButton(self.tr("Assign…"))
        self.resolve_button = QPushButton(self.tr("Resolve…"))
        self.photos_button = QPushButton(self.tr("Photos"))
        self.photos_button.setVisible(False)  # shown when the dashboard has a Photos tab
        self.assign_button.clicked.connect(self._ask_assign)
        self.resolve_button.clicked.connect(self._ask_resolve)
        self.photos_button.clicked.connect(self._ask_photos)
        enabled = exceptions is not None
        self.assign_button.setEnabled(enabled)
        self.resolve_button.setEnabled(enabled)
        buttons.addStretch(1)
        buttons.addWidget(self.photos_button)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.resolve_button)
        layout.addLayout(buttons)

    def set_packers(self, packers: tuple[PersonChoice, ...]) -> None:
        """The people an exception can be assigned to."""
        self._packers = packers

    def show_exceptions(self, exceptions: Sequence[OpenException], *, tz: tzinfo) -> None:
        """Fill the table (times in the warehouse's zone); an assigned exception is highlighted."""
        fill_table(
            self.table,
            [
                [
                    x.created_at.astimezone(tz),
                    self._kind_text(x.kind),
                    x.package or "",
                    x.station or "",
                    x.assigned_to or "",
                    x.message,
                ]
                for x in exceptions
            ],
            keys=[x.id for x in exceptions],
            highlight=[WARN if x.assigned_to else None for x in exceptions],
        )

    def _kind_text(self, kind: str) -> str:
        texts: dict[str, str] = {
            ExceptionKind.CONFLICT: self.tr("Conflict"),
            ExceptionKind.CANCELLED_AFTER_PACK: self.tr("Cancelled after packing"),
            ExceptionKind.UNSUPPLIED: self.tr("Unsupplied"),
            ExceptionKind.WRONG_ITEM: self.tr("Wrong item"),
            ExceptionKind.PRINTER_FAILURE: self.tr("Printer failure"),
            ExceptionKind.SYNC_ERROR: self.tr("Sync error"),
        }
        return texts.get(kind, kind)

    def selected_exception(self) -> int | None:
        """The id of the exception selected in the queue, if any."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def resolve_selected(self, resolution: str) -> None:
        """Resolve the selected exception with ``resolution`` (off the GUI thread); ``changed`` follows."""
        exception_id, queue, actor = self.selected_exception(), self._exceptions, self._current_user()
        if exception_id is None or queue is None or actor is None:
            return
        work = lambda: queue.resolve(actor, exception_id, resolution=resolution)  # noqa: E731
        Task(work, owner=self).on_success(lambda _r: self.changed.emit()).on_failure(self.failed.emit).run()

    def assign_selected(self, user_id: int) -> None:
        """Assign the selected exception to ``user_id`` (off the GUI thread); ``changed`` follows."""
        exception_id, queue, actor = self.selected_exception(), self._exceptions, self._current_user()
        if exception_id is None or queue is None or actor is None:
            return
        work = lambda: queue.assign(actor, exception_id, to_user_id=user_id)  # noqa: E731
        Task(work, owner=self).on_success(lambda _r: self.changed.emit()).on_failure(self.failed.emit).run()

    def _ask_photos(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 2) if row >= 0 else None
        if item is not None and item.text():
            self.photos_requested.emit(item.text())

    def _ask_resolve(self) -> None:
        if self.selected_exception() is None:
            return
        text, ok = QInputDialog.getText(self, self.tr("Resolve exception"), self.tr("What was done about it?"))
        if ok and text.strip():
            self.resolve_selected(text)

    def _ask_assign(self) -> None:
        if self.selected_exception() is None or not self._packers:
            return
        names = [p.name for p in self._packers]
        name, ok = QInputDialog.getItem(self, self.tr("Assign exception"), self.tr("Assign to"), names, 0, False)
        if ok:
            self.assign_selected(self._packers[names.index(name)].id)
