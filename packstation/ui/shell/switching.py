"""Who is at the station: any input keeps the session alive, and a badge scanned mid-parcel switches the packer.

A scan that is not a product barcode while a parcel is open is tried as a badge (off the GUI thread:
the badge check is an argon2 hash and a database call). A badge — known to the server, even when it
still needs a PIN — puts the open parcel back and ends the current session; it is never sent to the
packing service, so it never lands in the journal, ``pack_events`` or a log line as an item scan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject

from packstation.services.access.auth import AuthRefused, RefusalReason
from packstation.services.access.permissions import UserSession
from packstation.ui.platform.tasks import Task

if TYPE_CHECKING:
    from packstation.composition import AppContext
    from packstation.domain.feedback import FeedbackSound
    from packstation.ui.packing.pack_view import PackView
    from packstation.ui.packing.worker import PackingWorker


class SwitchingWindow(Protocol):
    """What badge switching needs of the main window (which owns it; the window is not imported here)."""

    context: AppContext | None
    worker: PackingWorker | None
    pack: PackView

    @property
    def user_id(self) -> int | None:
        """The logged-in user's id."""

    def alert(self, sound: FeedbackSound, message: str) -> None:
        """Play ``sound`` and show ``message`` as an error."""

    def switch_user(self, outcome: object, *, badge: str) -> None:
        """Put the open parcel back and hand the station to the badge's owner."""


# Input that shows someone is at the station (keys on any page, also admin forms; clicks; the wheel).
ACTIVITY_EVENTS = frozenset(
    {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.TouchBegin}
)
# Refusals that still prove the scan was a badge (it exists): it must not become an item scan.
_BADGE_REFUSALS = frozenset(RefusalReason) - {RefusalReason.UNKNOWN_CREDENTIALS, RefusalReason.THROTTLED}


class ActivityFilter(QObject):
    """Application-wide event filter: every key press or click resets the idle-logout timer."""

    def __init__(self, touch: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._touch = touch

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the activity; never consumes the event."""
        if event.type() in ACTIVITY_EVENTS:
            self._touch()
        return False


class BadgeOrItem:
    """Routes a scan made while a parcel is open: an item goes to the packing thread, a badge switches."""

    def __init__(self, window: SwitchingWindow, *, owner: QObject) -> None:
        self._window = window
        self._owner = owner  # the QObject the background check's task belongs to (the window)

    def route(self, text: str) -> None:
        """Decide off the GUI thread, then act on the GUI thread."""
        window, context = self._window, self._window.context
        if context is None or window.worker is None:
            return
        package = window.pack.package
        if package is not None and any(line.barcode == text for line in package.lines):
            self._as_item(text)  # one of this parcel's own barcodes: straight to the packing thread, in order
            return
        station_id = context.station_id

        def classify() -> UserSession | AuthRefused | None:
            if context.packing.catalogue().lookup(text) is not None:
                return None  # a product barcode: an item scan (right or wrong item)
            try:
                return context.auth.login_badge(text, station_id=station_id)
            except AuthRefused as refused:
                return refused

        Task(classify, owner=self._owner).on_success(lambda outcome: self._act(text, outcome)).on_failure(
            lambda _exc: self._as_item(text)
        ).run()

    def _as_item(self, text: str) -> None:
        window = self._window
        if window.worker is not None and window.pack.is_packing:
            window.worker.scan(text, window.user_id)

    def _act(self, text: str, outcome: UserSession | AuthRefused | None) -> None:
        window = self._window
        if outcome is None or (
            isinstance(outcome, AuthRefused) and outcome.reason is RefusalReason.UNKNOWN_CREDENTIALS
        ):
            self._as_item(text)
            return
        if isinstance(outcome, AuthRefused) and outcome.reason is RefusalReason.THROTTLED:
            from packstation.domain.feedback import FeedbackSound

            window.alert(FeedbackSound.UNKNOWN, str(outcome))
            return
        window.switch_user(outcome, badge=text)
