"""The one place where service events become Qt signals (delivered on the GUI thread).

One signal per member of :data:`packstation.domain.events.Event`, chosen by the event's class: a handler
connected to ``bridge.pump_status`` receives a :class:`PumpStatus` and nothing else.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, SignalInstance

from packstation.domain.events import (
    DatabaseStatus,
    Event,
    EventBus,
    LabelPreview,
    LabelProblem,
    LeadershipChanged,
    OutboxPushed,
    PackageCancelled,
    PrintJobEvent,
    PumpStatus,
    SyncFinished,
    SyncProgress,
    SyncStatus,
)

log = logging.getLogger("packstation.ui.shell.bridge")


class Bridge(QObject):
    """Subscribes to the event bus from any thread and re-emits each event on its type's signal."""

    database_status = Signal(DatabaseStatus)
    pump_status = Signal(PumpStatus)
    label_preview = Signal(LabelPreview)
    label_problem = Signal(LabelProblem)
    print_event = Signal(PrintJobEvent)
    sync_status = Signal(SyncStatus)
    sync_progress = Signal(SyncProgress)
    sync_finished = Signal(SyncFinished)
    outbox_pushed = Signal(OutboxPushed)
    package_cancelled = Signal(PackageCancelled)
    leadership_changed = Signal(LeadershipChanged)
    # Any event, emitted on the publisher's thread; the queued connection below carries it to this one's.
    _event = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals: dict[type[Event], SignalInstance] = {
            DatabaseStatus: self.database_status,
            PumpStatus: self.pump_status,
            LabelPreview: self.label_preview,
            LabelProblem: self.label_problem,
            PrintJobEvent: self.print_event,
            SyncStatus: self.sync_status,
            SyncProgress: self.sync_progress,
            SyncFinished: self.sync_finished,
            OutboxPushed: self.outbox_pushed,
            PackageCancelled: self.package_cancelled,
            LeadershipChanged: self.leadership_changed,
        }
        # Emitting from a worker thread queues the call onto this object's (the GUI) thread.
        self._event.connect(self._dispatch)
        bus.subscribe(self._event.emit)

    def _dispatch(self, event: Event) -> None:
        signal = self.signals.get(type(event))
        if signal is None:  # a new event type without its signal: the bridge test says so too
            log.error("no signal for event=%s", type(event).__name__)
            return
        signal.emit(event)
