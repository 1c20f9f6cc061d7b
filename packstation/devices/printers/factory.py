"""Build a printer from its URI (the station config's printer address)."""

from __future__ import annotations

from packstation.devices.base import LabelPrinter
from packstation.devices.printers.cups import CupsPrinter
from packstation.devices.printers.fake import FakePrinter
from packstation.devices.printers.serialport import SerialPrinter
from packstation.devices.printers.spool import SpoolFolderPrinter
from packstation.devices.printers.tcp import TcpPrinter
from packstation.devices.uri import PRINTER_SCHEMES, DeviceUri, DeviceUriError, parse_device_uri


def _seconds(uri: DeviceUri, name: str, default: float) -> float:
    raw = uri.params.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise DeviceUriError(f"{uri.raw!r}: {name}={raw!r} is not a number of seconds") from exc
    if value <= 0:
        raise DeviceUriError(f"{uri.raw!r}: {name} must be positive")
    return value


def open_printer(uri: str | DeviceUri) -> LabelPrinter:
    """Build the printer a URI names (not yet connected: the print queue's thread connects it).

    ``tcp://host:9100?timeout=2&status=0``: ``timeout`` is the ``~HS`` answer timeout in seconds,
    ``status=0`` turns the ``~HS`` check off for printers that do not speak it.
    ``serial:///dev/ttyACM0?baud=9600&status=hs`` enables ``~HS`` over serial.
    """
    parsed = uri if isinstance(uri, DeviceUri) else parse_device_uri(uri, allowed=PRINTER_SCHEMES)
    if parsed.scheme == "tcp":
        return TcpPrinter(
            parsed.host,
            parsed.port or 9100,
            uri=parsed.raw,
            status_timeout=_seconds(parsed, "timeout", 2.0),
            connect_timeout=_seconds(parsed, "connect_timeout", 3.0),
            query_status=parsed.params.get("status", "1") not in {"0", "off", "no"},
        )
    if parsed.scheme == "serial":
        return SerialPrinter(
            parsed.path,
            baudrate=int(parsed.params.get("baud", "9600")),
            uri=parsed.raw,
            query_status=parsed.params.get("status") == "hs",
            status_timeout=_seconds(parsed, "timeout", 2.0),
        )
    if parsed.scheme == "cups":
        return CupsPrinter(parsed.path, uri=parsed.raw)
    if parsed.scheme == "file":
        return SpoolFolderPrinter(parsed.path, uri=parsed.raw)
    return FakePrinter(uri=parsed.raw)
