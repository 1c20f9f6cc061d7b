"""An electronic scale on a serial port: the parcel's weight, captured when it completes.

Weighing indicators in continuous mode (A&D, Kern, Tiger, ...) send lines such as
``ST,GS,+0001.250kg``: ``ST`` stable / ``US`` unstable / ``OL`` overload, ``GS`` gross / ``NT`` net.
The line transport is the serial scanner's (same reader thread, same reconnect after unplugging);
this module only reads weights out of the lines and keeps the latest stable one.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from packstation.devices.scanners import build_scanner
from packstation.devices.scanners.base import Scanner

log = logging.getLogger("packstation.devices.scale")

_LINE = re.compile(
    r"^\s*(?P<state>ST|US|OL)\s*,\s*(?P<kind>GS|NT)\s*,\s*(?P<value>[+-]?\s*\d+(?:[.,]\d+)?)\s*(?P<unit>kg|g)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Weighing:
    """One reading from the scale."""

    grams: int
    stable: bool


def parse_weighing(line: str) -> Weighing | None:
    """The weight in a scale line; None for overload, negative weights and lines that are not weights."""
    match = _LINE.match(line)
    if match is None or match["state"].upper() == "OL":
        return None
    try:
        value = Decimal(match["value"].replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if value < 0:
        return None
    grams = value * 1000 if match["unit"].lower() == "kg" else value
    return Weighing(grams=int(grams.to_integral_value()), stable=match["state"].upper() == "ST")


class Scale:
    """Keeps the latest stable weight from a scale address (``serial://...?terminator=CRLF`` or ``fake://``)."""

    def __init__(self, address: str, *, clock: Callable[[], float] = time.monotonic, max_age_s: float = 5.0) -> None:
        self._clock = clock
        self._max_age = max_age_s
        self._lock = threading.Lock()
        self._latest: tuple[int, float] | None = None
        self.device: Scanner = build_scanner(address, on_scan=self._line)

    def _line(self, text: str) -> None:
        weighing = parse_weighing(text)
        if weighing is None or not weighing.stable:
            return  # an unstable reading is about to change; only a settled one is the parcel's weight
        with self._lock:
            self._latest = (weighing.grams, self._clock())

    def start(self) -> None:
        """Start reading."""
        self.device.start()

    def stop(self) -> None:
        """Stop reading."""
        self.device.stop()

    def grams(self) -> int | None:
        """The latest stable weight, if it is recent enough to be the parcel on the scale now."""
        with self._lock:
            latest = self._latest
        if latest is None or self._clock() - latest[1] > self._max_age:
            return None
        return latest[0]
