"""The status bar counts what waits and what is stuck, from the journal and from the printer."""

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from packstation.domain.events import EventBus, PrintJobEventKind, PumpStatus
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(station_name="s", bridge=Bridge(EventBus()), demo=False, sounds=SoundBoard(enabled=False))
    qtbot.addWidget(window)
    return window


def test_pending_and_stuck_operations_with_the_oldest_age(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.status.show_pump_status(PumpStatus(True, 5, datetime.now(UTC) - timedelta(seconds=90), 2))
    text = window.status.journal_label.text()
    assert "Pending: 3" in text and "Stuck: 2" in text and "oldest" in text
    assert window.status.journal_label.property("state") == "bad"
    window.status.show_pump_status(PumpStatus(True, 0, None, 0))
    assert window.status.journal_label.text() == "Pending: 0"


def test_labels_waiting_and_stuck_are_counted_until_printed(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.show()
    window.note_print_job("j1", PrintJobEventKind.QUEUED)
    window.note_print_job("j2", PrintJobEventKind.RETRY_SCHEDULED)
    assert "Labels waiting: 2" in window.status.labels_label.text() and window.status.labels_label.isVisible()
    window.note_print_job("j2", PrintJobEventKind.FAILED)
    assert "Labels waiting: 1" in window.status.labels_label.text() and "Stuck: 1" in window.status.labels_label.text()
    window.note_print_job("j1", PrintJobEventKind.PRINTED)
    window.note_print_job("j2", PrintJobEventKind.PRINTED)
    assert not window.status.labels_label.isVisible()
