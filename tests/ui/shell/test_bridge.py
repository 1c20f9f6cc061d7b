"""The bridge: one typed signal per event, chosen by the event's class, delivered on the GUI thread."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import get_args

import pytest
from pytestqt.qtbot import QtBot

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
    PrintJobEventKind,
    PumpStatus,
    SyncFinished,
    SyncPhase,
    SyncProgress,
    SyncStatus,
)
from packstation.domain.marketplace import LabelFormat
from packstation.domain.print_jobs import JobState, PrintJob
from packstation.domain.status import PackageStatus
from packstation.domain.sync import PushResult
from packstation.ui.shell.bridge import Bridge

pytestmark = pytest.mark.gui

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
JOB = PrintJob("j1", "fake://", LabelFormat.ZPL, False, "", JobState.QUEUED, 0, 0.0, None, None, 0.0, 0.0)

#: One of each event; a new member of ``Event`` needs a sample here as well as a signal on the bridge.
SAMPLES: dict[type[Event], Event] = {
    DatabaseStatus: DatabaseStatus(online=False, detail="refused", checked_at=NOW),
    PumpStatus: PumpStatus(False, 3, NOW, 1),
    LabelPreview: LabelPreview("P1", "j1", b"^XA^XZ", 100, 150, 203),
    LabelProblem: LabelProblem("P1", "no label from the marketplace"),
    PrintJobEvent: PrintJobEvent(PrintJobEventKind.QUEUED, JOB),
    SyncStatus: SyncStatus(accounts=1, running=True, detail="syncing a"),
    SyncProgress: SyncProgress("a", SyncPhase.PULL, 2),
    SyncFinished: SyncFinished("a", None, "timeout"),
    OutboxPushed: OutboxPushed(PushResult(sent=2), 0),
    PackageCancelled: PackageCancelled(7, "P7", PackageStatus.CANCELLED),
    LeadershipChanged: LeadershipChanged(True),
}


def test_every_event_has_its_own_signal(qtbot: QtBot) -> None:
    bridge = Bridge(EventBus())
    members = set(get_args(Event))
    assert set(SAMPLES) == members
    missing = [member.__name__ for member in members if member not in bridge.signals]
    assert missing == [], f"events without a bridge signal: {missing}"


def test_each_event_arrives_on_its_own_signal_only(qtbot: QtBot) -> None:
    """Two types sharing a signal would deliver each event twice here, under two names."""
    bus = EventBus()
    bridge = Bridge(bus)
    received: list[tuple[type[Event], Event]] = []
    for member, signal in bridge.signals.items():
        signal.connect(lambda event, member=member: received.append((member, event)))
    for event in SAMPLES.values():
        bus.publish(event)
    qtbot.waitUntil(lambda: len(received) == len(SAMPLES))
    assert received == [(type(event), event) for event in SAMPLES.values()]


def test_an_event_published_on_a_worker_thread_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    bus = EventBus()
    bridge = Bridge(bus)
    handled_on: list[int] = []
    bridge.pump_status.connect(lambda _status: handled_on.append(threading.get_ident()))
    published_on: list[int] = []

    def publish() -> None:
        published_on.append(threading.get_ident())
        bus.publish(SAMPLES[PumpStatus])

    with qtbot.waitSignal(bridge.pump_status, timeout=5_000) as blocker:
        worker = threading.Thread(target=publish)
        worker.start()
        worker.join()
    assert blocker.args == [SAMPLES[PumpStatus]]
    assert handled_on == [threading.get_ident()]  # this test runs on the GUI thread
    assert published_on != handled_on
