"""Barcode scanners: the interface, serial and fake transports, and the wedge burst classifier.

``build_scanner("serial:///dev/ttyACM0?baud=9600&terminator=CR", on_scan=...)`` builds a scanner from
the station config. Keyboard-wedge scanners (``keyboard``) are not built here: they type into the
window, so the GUI's application-wide filter (``packstation.ui.input.wedge``) captures them.
"""

from __future__ import annotations

from packstation.devices.scanners.base import (
    ScanCallback,
    Scanner,
    ScannerState,
    ScannerStatus,
    StatusCallback,
)
from packstation.devices.scanners.fake import FakeScanner
from packstation.devices.scanners.serial_scanner import (
    DEFAULT_BACKOFF,
    SerialScanner,
    SerialScannerSettings,
    Terminator,
)
from packstation.devices.uri import SCANNER_SCHEMES, DeviceUri, DeviceUriError, parse_device_uri

__all__ = [
    "FakeScanner",
    "ScanCallback",
    "Scanner",
    "ScannerState",
    "ScannerStatus",
    "SerialScanner",
    "SerialScannerSettings",
    "StatusCallback",
    "Terminator",
    "build_scanner",
    "serial_settings_from_uri",
]

_SERIAL_PARAMS = frozenset({"baud", "terminator", "encoding"})


def serial_settings_from_uri(uri: DeviceUri, *, backoff: tuple[float, ...] = DEFAULT_BACKOFF) -> SerialScannerSettings:
    """Settings from ``serial:///dev/ttyACM0?baud=9600&terminator=CRLF``; DeviceUriError if unusable."""
    unknown = set(uri.params) - _SERIAL_PARAMS
    if unknown:
        raise DeviceUriError(
            f"{uri.raw!r}: unknown scanner option(s) {', '.join(sorted(unknown))} "
            f"(use: {', '.join(sorted(_SERIAL_PARAMS))})"
        )
    try:
        terminator = Terminator.parse(uri.params.get("terminator", "CR"))
    except ValueError as exc:
        raise DeviceUriError(f"{uri.raw!r}: {exc}") from exc
    encoding = uri.params.get("encoding", "utf-8")
    try:
        "".encode(encoding)
    except LookupError as exc:
        raise DeviceUriError(f"{uri.raw!r}: unknown encoding {encoding!r}") from exc
    return SerialScannerSettings(
        port=uri.path,
        baudrate=int(uri.params.get("baud", "9600")),
        terminator=terminator,
        encoding=encoding,
        backoff=backoff,
    )


def build_scanner(
    address: str,
    *,
    on_scan: ScanCallback,
    on_status: StatusCallback | None = None,
    backoff: tuple[float, ...] = DEFAULT_BACKOFF,
) -> Scanner:
    """A started-ready scanner for a ``serial://`` or ``fake://`` address (call ``start()``)."""
    uri = parse_device_uri(address, allowed=SCANNER_SCHEMES)
    if uri.scheme == "serial":
        settings = serial_settings_from_uri(uri, backoff=backoff)
        return SerialScanner(settings, on_scan=on_scan, on_status=on_status)
    if uri.scheme == "fake":
        return FakeScanner(on_scan=on_scan, on_status=on_status, name=uri.raw)
    raise DeviceUriError(
        f"{address!r}: keyboard scanners are captured by the window (packstation.ui.input.wedge), not built here"
    )
