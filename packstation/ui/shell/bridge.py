"""The one place where service events become Qt signals (delivered on the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from packstation.domain.events import Event, EventBus


class Bridge(QObject):
    """Subscribes to the event bus from any thread and re-emits each event as a typed signal."""

    database_status = Signal(object)
    sync_status = Signal(object)
    pump_status = Signal(object)
    label_preview = Signal(object)
    print_event = Signal(object)
    label_problem = Signal(object)
    sync_event = Signal(object)
    package_cancelled = Signal(object)
    _event = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Routed by class name so the window can show before the services' modules are imported.
        self._routes = {
            "DatabaseStatus": self.database_status,
            "SyncStatus": self.sync_status,
            "PumpStatus": self.pump_status,
            "LabelPreview": self.label_preview,
            "PrintJobEvent": self.print_event,
            "LabelProblem": self.label_problem,
            "SyncProgress": self.sync_event,
            "SyncFinished": self.sync_event,
            "PackageCancelled": self.package_cancelled,
        }
        # Emitting from a worker thread queues the call onto this object's (the GUI) thread.
        self._event.connect(self._dispatch)
        bus.subscribe(self._event.emit)

    def _dispatch(self, event: Event) -> None:
        signal = self._routes.get(type(event).__name__)
        if signal is not None:
            signal.emit(event)
