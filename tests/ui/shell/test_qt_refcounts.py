"""Guard against Qt bindings that corrupt the refcount of None (6.12.0 on CPython 3.11 did).

Each UI update calls a few void Qt methods; a binding that decrefs None on each of them aborts the
station after some thousands of scans ("Fatal Python error: none_dealloc"), in the middle of a shift.
"""

import sys

import pytest
from PySide6.QtWidgets import QLabel, QProgressBar, QTableWidget, QTableWidgetItem

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_the_refcount_of_none(qtbot: object) -> None:
    table = QTableWidget(1, 1)
    table.setItem(0, 0, QTableWidgetItem("0"))
    label, bar = QLabel(), QProgressBar()
    bar.setRange(0, 10)
    calls = [
        lambda: table.item(0, 0).setText("1 / 2"),
        lambda: label.setText("ok"),
        lambda: bar.setValue(3),
        label.hide,
        label.show,
    ]
    before = sys.getrefcount(None)
    for _ in range(2000):
        for call in calls:
            call()
    # Some legitimate references come and go; a binding bug loses one per call (-10,000 here).
    assert sys.getrefcount(None) - before > -500
