"""The one place where service events become Qt signals (delivered on the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from packstation.services.events import DatabaseStatus, Event, EventBus, SyncStatus


class Bridge(QObject):
    """Subscribes to the event bus from any thread and re-emits each event as a typed signal."""

    database_status = Signal(object)
    sync_status = Signal(object)
    _event = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitting from a worker thread queues the call onto this object's (the GUI) thread.
        self._event.connect(self._dispatch)
        bus.subscribe(self._event.emit)

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, DatabaseStatus):
            self.database_status.emit(event)
        elif isinstance(event, SyncStatus):
            self.sync_status.emit(event)
