"""Who is at the station: any input keeps the session alive, and a badge scanned while logged in switches.

Mid-parcel, a scan that is not one of the parcel's barcodes, not a product barcode and shaped like a
badge is checked with the server (off the GUI thread: an argon2 hash and one call) before it is used;
on the home screen a code no parcel answers to is checked the same way. A badge — known to the server,
even when it still needs a PIN — puts the open parcel back and hands the station over; it is never
sent to the packing service as an item, so it never lands in the journal, ``pack_events`` or a log
line. Misreads cost no log-in attempt (:class:`BadgeOrItem`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject

from packstation.services.access.auth import AuthRefused, BadgeProbe, RefusalReason
from packstation.services.access.permissions import UserSession
from packstation.services.access.users import could_be_badge
from packstation.ui.platform.tasks import Task

log = logging.getLogger("packstation.ui.shell.switching")

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
    def user(self) -> UserSession | None:
        """Who is logged in."""

    def alert(self, sound: FeedbackSound, message: str) -> None:
        """Play ``sound`` and show ``message`` as an error."""

    def switch_user(self, outcome: object, *, badge: str) -> None:
        """Put the open parcel back and hand the station to the badge's owner."""


# Input that shows someone is at the station (keys on any page, also admin forms; clicks; the wheel).
ACTIVITY_EVENTS = frozenset(
    {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.TouchBegin}
)


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


# What a mid-parcel check answers when the server cannot be asked (the station works offline).
UNCHECKED = "unchecked"
# How long a code the server said is no badge is not asked about again (a misread label is rescanned).
NOT_A_BADGE_S = 600.0


class BadgeOrItem(QObject):
    """Tells badges from the other scans made while someone is logged in, strictly in scan order.

    While a parcel is open a scan is an item or a badge; on the home screen a code nothing was found
    for may be a badge. The checks go cheapest first and ask the server last: the open parcel's own
    barcodes; a code that cannot be a badge (too short, spaces: refused at enrolment); a code the
    server already said is no badge (remembered for :data:`NOT_A_BADGE_S` by its digest, never as
    text); a product barcode; and only then the server's badge probe, which counts unknown codes in a
    per-station bucket of their own, so misreads never fail a log-in, throttle badge log-ins or lock
    an account. While a probe runs, later scans wait behind it, so the journal keeps their order.
    """

    def __init__(self, window: SwitchingWindow, *, owner: QObject, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(owner)  # owned by the window: its background checks end with it
        self._window = window
        self._clock = clock
        self._waiting: deque[str] = deque()
        self._busy = False
        self._not_badges: dict[bytes, float] = {}
        # How many scans were checked with the server (the tests hold garbage scans to this).
        self.probes = 0

    # -- while packing ------------------------------------------------------------------------------

    def route(self, text: str) -> None:
        """A scan made while a parcel is open: an item for the packing thread, or a badge that switches."""
        self._waiting.append(text)
        self._next()

    def _next(self) -> None:
        window = self._window
        while self._waiting and not self._busy:
            text = self._waiting.popleft()
            package = window.pack.package
            if package is not None and any(line.barcode == text for line in package.lines):
                self._as_item(text)  # one of this parcel's own barcodes
            elif not could_be_badge(text) or self._known_not_badge(text):
                self._as_item(text)
            else:
                self._busy = True
                self._classify(text)

    def _classify(self, text: str) -> None:
        context = self._window.context
        if context is None:
            self._busy = False
            return
        station_id, packing, auth = context.station_id, context.packing, context.auth

        def classify() -> BadgeProbe | str | None:
            if packing.catalogue().lookup(text) is not None:
                return None  # a product barcode: an item scan (right or wrong item)
            if packing.offline:
                return UNCHECKED  # no server to ask: not waiting a connection timeout per misread
            return auth.probe_badge(text, station_id=station_id)

        self.probes += 1
        Task(classify, owner=self).on_success(lambda outcome: self._decided(text, outcome)).on_failure(
            lambda exc: self._unchecked(text, exc)
        ).run()

    def _decided(self, text: str, outcome: BadgeProbe | str | None) -> None:
        self._busy = False
        if outcome == UNCHECKED:
            self._offline()
            self._next()
            return
        if outcome is BadgeProbe.KNOWN:
            self._waiting.clear()  # scans after a badge belonged to the parcel now put back
            self._switch(text)
            return
        if outcome is BadgeProbe.THROTTLED:
            self._refuse()
        else:
            if outcome is BadgeProbe.UNKNOWN:
                self._remember_not_badge(text)
            self._as_item(text)
        self._next()

    def _unchecked(self, text: str, exc: Exception) -> None:
        # The server could not be asked (offline): it may be a badge, so it is not journaled as an item.
        from packstation.domain.feedback import FeedbackSound

        self._busy = False
        log.warning("badge check failed, scan not used: %s", type(exc).__name__)
        self._window.alert(
            FeedbackSound.UNKNOWN, self.tr("This code could not be checked: scan it again, or a product barcode.")
        )
        self._next()

    def _offline(self) -> None:
        # It may be a badge, so it is not journaled as an item; badges need the server anyway.
        from packstation.domain.feedback import FeedbackSound

        self._window.alert(
            FeedbackSound.UNKNOWN,
            self.tr(
                "Not an item of this parcel. While the database is unreachable a badge cannot be checked: "
                "scan the product's barcode."
            ),
        )

    def _refuse(self) -> None:
        from packstation.domain.feedback import FeedbackSound

        self._window.alert(
            FeedbackSound.UNKNOWN,
            self.tr(
                "Too many unrecognised codes at this station: scan the product's barcode, or scan your badge "
                "again in a minute."
            ),
        )

    def _as_item(self, text: str) -> None:
        window = self._window
        if window.worker is not None and window.pack.is_packing:
            window.worker.scan(text, window.user)

    # -- on the home screen -------------------------------------------------------------------------

    def not_found(self, code: str, message: str) -> None:
        """Nothing was found for a code scanned on the home screen: switch if it is a badge, else say so."""
        from packstation.domain.feedback import FeedbackSound

        window = self._window
        self.badge_or(code, lambda: window.alert(FeedbackSound.UNKNOWN, message))

    def badge_or(self, code: str, otherwise: Callable[[], None]) -> None:
        """Switch if ``code`` is a badge, else ``otherwise()`` (a code no parcel answers to, or one the
        return screen would record as not ours: a badge never is)."""
        context = self._window.context
        if context is None or not could_be_badge(code) or self._known_not_badge(code):
            otherwise()
            return
        station_id, auth = context.station_id, context.auth

        def decided(outcome: BadgeProbe) -> None:
            if outcome is BadgeProbe.KNOWN:
                self._switch(code)
                return
            if outcome is BadgeProbe.UNKNOWN:
                self._remember_not_badge(code)
            otherwise()

        self.probes += 1
        Task(lambda: auth.probe_badge(code, station_id=station_id), owner=self).on_success(decided).on_failure(
            lambda _exc: otherwise()
        ).run()

    # -- both ---------------------------------------------------------------------------------------

    def _switch(self, badge: str) -> None:
        """Log the badge's owner in (off the GUI thread) and hand the station over, or say why not."""
        context = self._window.context
        if context is None:
            return
        station_id, auth = context.station_id, context.auth

        def login() -> UserSession | AuthRefused:
            try:
                return auth.login_badge(badge, station_id=station_id)
            except AuthRefused as refused:
                return refused

        Task(login, owner=self).on_success(lambda outcome: self._switched(outcome, badge)).run()

    def _switched(self, outcome: UserSession | AuthRefused, badge: str) -> None:
        from packstation.domain.feedback import FeedbackSound

        if isinstance(outcome, AuthRefused) and outcome.reason in (
            RefusalReason.THROTTLED,
            RefusalReason.UNKNOWN_CREDENTIALS,  # the badge was withdrawn in the meantime
        ):
            self._window.alert(FeedbackSound.UNKNOWN, str(outcome))
            return
        # A session, or a refusal the log-in screen deals with (a PIN to type, a locked account ...).
        self._window.switch_user(outcome, badge=badge)

    def _digest(self, text: str) -> bytes:
        return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).digest()

    def _known_not_badge(self, text: str) -> bool:
        expires = self._not_badges.get(self._digest(text))
        return expires is not None and expires > self._clock()

    def _remember_not_badge(self, text: str) -> None:
        now = self._clock()
        if len(self._not_badges) > 10_000:  # a long shift of misreads: forget the expired ones
            self._not_badges = {key: until for key, until in self._not_badges.items() if until > now}
        self._not_badges[self._digest(text)] = now + NOT_A_BADGE_S
