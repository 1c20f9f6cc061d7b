"""Build a printer from its URI (the station config's printer address).

:func:`open_printer` knows the transports of this package. :class:`PrinterFactory` adds the schemes
whose printers live in another layer: ``qt://`` office printers are drawn with Qt, which only
``packstation.ui`` may import, so the station window registers that builder at start-up and this
package never imports the UI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from packstation.devices.base import LabelPrinter, PrinterError, PrinterFaultKind
from packstation.devices.printers.cups import CupsPrinter
from packstation.devices.printers.fake import FakePrinter
from packstation.devices.printers.serialport import SerialPrinter
from packstation.devices.printers.spool import SpoolFolderPrinter
from packstation.devices.printers.tcp import TcpPrinter
from packstation.devices.uri import PRINTER_SCHEMES, DeviceUri, DeviceUriError, parse_device_uri
from packstation.i18n import _

#: Builds a printer from a parsed address (registered with :meth:`PrinterFactory.register`).
PrinterBuilder = Callable[[DeviceUri], LabelPrinter]


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
    if parsed.scheme == "qt":
        raise PrinterError(
            PrinterFaultKind.NOT_SUPPORTED,
            _("Office printers ({uri}) print only from the station window, not from this program.").format(
                uri=parsed.raw
            ),
        )
    return FakePrinter(uri=parsed.raw)


class PrinterFactory:
    """Builds printers from addresses: the built-in transports plus schemes registered by the application.

    Called as ``factory(uri)`` wherever :func:`open_printer` would be (the print queue takes it as its
    ``printer_factory``). Registration happens once at start-up; building may happen on any thread.
    """

    def __init__(self) -> None:
        self._builders: dict[str, PrinterBuilder] = {}
        self._lock = threading.Lock()

    def register(self, scheme: str, build: PrinterBuilder) -> None:
        """Build printers of ``scheme`` (one of ``PRINTER_SCHEMES``) with ``build`` from now on."""
        if scheme not in PRINTER_SCHEMES:
            raise ValueError(f"unknown printer scheme {scheme!r}")
        with self._lock:
            self._builders[scheme] = build

    def handles(self, scheme: str) -> bool:
        """True when a builder is registered for ``scheme``."""
        with self._lock:
            return scheme in self._builders

    def __call__(self, uri: str | DeviceUri) -> LabelPrinter:
        """The printer ``uri`` names (not yet connected); raises DeviceUriError for a bad address."""
        parsed = uri if isinstance(uri, DeviceUri) else parse_device_uri(uri, allowed=PRINTER_SCHEMES)
        with self._lock:
            build = self._builders.get(parsed.scheme)
        return build(parsed) if build is not None else open_printer(parsed)
