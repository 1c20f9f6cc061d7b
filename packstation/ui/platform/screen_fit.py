"""Windows that fit the screen they open on (a packing bench's monitor is often 1366×768).

The smallest bench screens the station must fit, at text scale 1.0, with nothing cut off: every
screen's layout either shrinks to them or scrolls. ``tests/ui/shell/test_screen_fit.py`` measures it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The bench screens every screen must fit (width × height): the commonest laptop/monitor size, and 5:4.
BENCH_SCREENS = (QSize(1366, 768), QSize(1280, 1024))


def available_size(widget: QWidget) -> QSize:
    """The usable area of the screen ``widget`` is on (without task bars and docks)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size()


def fit_to_screen(widget: QWidget, preferred: QSize) -> None:
    """Size ``widget`` to ``preferred``, but never larger than its screen, and place it on that screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    widget.resize(
        preferred.boundedTo(available.size()).expandedTo(widget.minimumSizeHint().boundedTo(available.size()))
    )
    frame = widget.frameGeometry()
    if not available.contains(frame):
        widget.move(available.topLeft())


def show_maximised(widget: QWidget) -> None:
    """Open maximised on the screen the window is on.

    Sized to that screen first: without a window manager (a kiosk X server) "maximised" is only a
    request, and the window would otherwise keep whatever size it was built with.
    """
    screen = widget.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    widget.setGeometry(available)
    widget.showMaximized()
