"""Device addresses: ``tcp://host:9100``, ``serial:///dev/ttyACM0?baud=9600``, ``cups://QUEUE``,
``file:///folder``, ``qt://Printer Name`` (an office printer through the station window), ``keyboard``,
``camera://default`` and ``fake://``.

Parsing is strict so that a typo in the station config is reported at start-up with the key that
holds it, not discovered at the first label of the shift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

PRINTER_SCHEMES = frozenset({"tcp", "serial", "cups", "file", "qt", "fake"})
#: Printers that take PDF only: an office printer driven through Qt's print system (``qt://``).
PDF_ONLY_PRINTER_SCHEMES = frozenset({"qt"})
SCANNER_SCHEMES = frozenset({"keyboard", "serial", "fake"})
SCALE_SCHEMES = frozenset({"serial", "fake"})
#: A webcam through QtMultimedia (``camera://default`` or ``camera://<device id or name>``), or a folder
#: of still pictures shown in turn (``file:///folder``: tests and the demo).
CAMERA_SCHEMES = frozenset({"camera", "file"})


class DeviceUriError(ValueError):
    """A device URI that cannot be used; the message says why."""


@dataclass(frozen=True)
class DeviceUri:
    """A parsed device address."""

    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)
    raw: str = ""

    def __str__(self) -> str:
        return self.raw


def parse_device_uri(raw: str, *, allowed: frozenset[str]) -> DeviceUri:
    """Parse and validate ``raw`` against the schemes a device kind accepts."""
    text = raw.strip()
    if not text:
        raise DeviceUriError("empty device address")
    if text == "keyboard":
        scheme = "keyboard"
    else:
        if "://" not in text:
            raise DeviceUriError(f"{text!r} is not a device address (expected e.g. tcp://host:9100)")
        scheme = text.split("://", 1)[0].lower()
    if scheme not in allowed:
        choices = ", ".join(sorted(allowed))
        raise DeviceUriError(f"unsupported scheme {scheme!r} in {text!r} (use one of: {choices})")
    if scheme == "keyboard":
        return DeviceUri(scheme="keyboard", raw=text)

    if scheme == "qt":
        return _qt_printer(text)
    if scheme == "camera":
        # A device's id or name as the system spells it (spaces, slashes: /dev/video0), %xx decoded.
        name = unquote(text[len("camera://") :]).strip()
        if not name:
            raise DeviceUriError(f"{text!r} names no camera (expected camera://default or camera://<device id>)")
        return DeviceUri(scheme, path=name, raw=text)
    parts = urlsplit(text)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if scheme == "tcp":
        if not parts.hostname:
            raise DeviceUriError(f"{text!r} has no host (expected tcp://host:9100)")
        try:
            port = parts.port or 9100
        except ValueError as exc:
            raise DeviceUriError(f"{text!r} has an invalid port") from exc
        return DeviceUri(scheme, host=parts.hostname, port=port, params=params, raw=text)
    if scheme == "serial":
        if not parts.path:
            raise DeviceUriError(f"{text!r} names no serial port (expected serial:///dev/ttyACM0?baud=9600)")
        baud = params.get("baud", "9600")
        if not baud.isdigit() or int(baud) <= 0:
            raise DeviceUriError(f"{text!r} has an invalid baud rate {baud!r}")
        return DeviceUri(scheme, path=parts.path, params=params, raw=text)
    if scheme == "cups":
        queue = (parts.netloc + parts.path).strip("/")
        if not queue:
            raise DeviceUriError(f"{text!r} names no CUPS queue (expected cups://QUEUE)")
        return DeviceUri(scheme, path=queue, params=params, raw=text)
    if scheme == "file":
        if not parts.path:
            raise DeviceUriError(f"{text!r} names no folder (expected file:///folder)")
        return DeviceUri(scheme, path=parts.path, params=params, raw=text)
    return DeviceUri(scheme, host=parts.netloc, path=parts.path, params=params, raw=text)


def _qt_printer(text: str) -> DeviceUri:
    """``qt://NAME?output=...``: NAME is the system's printer name exactly (spaces allowed, ``%xx`` decoded);
    empty means the system's default printer, unless ``output=/file.pdf`` writes a PDF file instead."""
    rest = text[len("qt://") :]
    name, _sep, query = rest.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(params) - {"output", "dpi", "paper"})
    if unknown:
        raise DeviceUriError(f"{text!r}: unknown option {unknown[0]!r} (qt:// takes output, dpi and paper)")
    if "output" in params and not params["output"]:
        raise DeviceUriError(f"{text!r}: output= names no file")
    dpi = params.get("dpi")
    if dpi is not None and (not dpi.isdigit() or not 72 <= int(dpi) <= 2400):
        raise DeviceUriError(f"{text!r}: dpi={dpi!r} must be a whole number from 72 to 2400")
    return DeviceUri("qt", path=unquote(name).strip(), params=params, raw=text)
