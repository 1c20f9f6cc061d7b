"""Tell a keyboard-wedge scanner's burst from a person typing (pure logic, no Qt, no clock).

A wedge scanner "types" a barcode in a burst: keys 7–16 ms apart, ended by Enter. People never get
four keys in under 20 ms each (reference §2.1), so a run of at least ``min_length`` keys with gaps of
at most ``max_gap_ms`` that ends in a suffix is a scan. The detector holds keys until it knows: the
adapter (``packstation.ui.input.wedge``) swallows held keys and gives back the ones released as typing, so a
scan never lands in the focused text field and typing is delayed by at most ``max_gap_ms``.
A scanner programmed with a prefix makes this more robust: with ``prefix`` set, only bursts that
start with it are scans, and keys that cannot start it are released at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WedgeSettings:
    """Burst rules; the defaults fit the measured 7–16 ms scanner gaps with margin."""

    max_gap_ms: float = 30.0
    min_length: int = 4
    prefix: str = ""
    suffixes: tuple[str, ...] = ("\r", "\n")
    require_suffix: bool = True
    max_length: int = 256

    def __post_init__(self) -> None:
        if self.max_gap_ms <= 0:
            raise ValueError(f"max_gap_ms must be positive, got {self.max_gap_ms}")
        if self.min_length < 1:
            raise ValueError(f"min_length must be at least 1, got {self.min_length}")
        if self.require_suffix and not self.suffixes:
            raise ValueError("require_suffix needs at least one suffix")
        if any(not suffix for suffix in self.suffixes):
            raise ValueError("a suffix cannot be empty")


@dataclass(frozen=True)
class KeyStroke:
    """One key press: its text, when it happened, and the adapter's own event to give back later."""

    text: str
    timestamp_ms: float
    payload: object = None


@dataclass(frozen=True)
class WedgeVerdict:
    """What to do now: give ``release`` back (typing, in order), and/or take ``scan`` as a scan.

    ``consumed`` are the keys that made up ``scan`` (swallow them). ``holding`` says keys are still
    buffered: call :meth:`WedgeBurstDetector.poll` at ``deadline_ms``.
    """

    release: tuple[KeyStroke, ...] = ()
    scan: str | None = None
    holding: bool = False
    consumed: tuple[KeyStroke, ...] = ()


class WedgeBurstDetector:
    """Streaming classifier; one instance per keyboard, driven from one thread (the GUI thread)."""

    def __init__(self, settings: WedgeSettings | None = None) -> None:
        self.settings = settings or WedgeSettings()
        self._held: list[KeyStroke] = []

    @property
    def holding(self) -> bool:
        """True while keys are buffered and undecided."""
        return bool(self._held)

    @property
    def held(self) -> tuple[KeyStroke, ...]:
        """The keys held right now, oldest first."""
        return tuple(self._held)

    @property
    def deadline_ms(self) -> float | None:
        """When the held keys expire (the gap is exceeded), or None when nothing is held."""
        if not self._held:
            return None
        return self._held[-1].timestamp_ms + self.settings.max_gap_ms

    def feed(self, key: KeyStroke) -> WedgeVerdict:
        """Take one key press; the verdict may release earlier keys, complete a scan, or hold."""
        released: tuple[KeyStroke, ...] = ()
        if self._held and key.timestamp_ms - self._held[-1].timestamp_ms > self.settings.max_gap_ms:
            expired = self._expire()
            if expired.scan is not None:
                # The previous burst ended (no suffix needed) exactly as this key came; judge it afresh.
                verdict = self.feed(key)
                return WedgeVerdict(verdict.release, expired.scan, verdict.holding, expired.consumed)
            released = expired.release
        self._held.append(key)
        text = "".join(k.text for k in self._held)
        prefix = self.settings.prefix
        if not (text.startswith(prefix) or prefix.startswith(text)):
            return WedgeVerdict(released + self._take(), None, False)  # cannot be a prefixed scan
        body = text[len(prefix) :] if len(text) >= len(prefix) else None
        if body is not None:
            for suffix in self.settings.suffixes:
                if body.endswith(suffix):
                    data = body[: -len(suffix)]
                    if len(data) >= self.settings.min_length:
                        return WedgeVerdict(released, data, False, self._take())
                    # Too short for a scan: a person pressed Enter (or Tab) after a key or two.
                    return WedgeVerdict(released + self._take(), None, False)
        if len(self._held) > self.settings.max_length:
            return WedgeVerdict(released + self._take(), None, False)
        return WedgeVerdict(released, None, True)

    def poll(self, now_ms: float) -> WedgeVerdict:
        """Call when no key came for a while: expire held keys whose gap has passed."""
        if not self._held or now_ms - self._held[-1].timestamp_ms <= self.settings.max_gap_ms:
            return WedgeVerdict(holding=bool(self._held))
        return self._expire()

    def interrupt(self) -> WedgeVerdict:
        """Release everything held as typing (a non-text key, a focus change, the filter turned off)."""
        return WedgeVerdict(self._take(), None, False)

    def _expire(self) -> WedgeVerdict:
        text = "".join(k.text for k in self._held)
        prefix = self.settings.prefix
        if not self.settings.require_suffix and text.startswith(prefix):
            data = text[len(prefix) :]
            if len(data) >= self.settings.min_length:
                return WedgeVerdict((), data, False, self._take())
        return WedgeVerdict(self._take(), None, False)

    def _take(self) -> tuple[KeyStroke, ...]:
        held, self._held = tuple(self._held), []
        return held
