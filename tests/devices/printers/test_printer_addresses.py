"""``qt://`` office printer addresses, the factory that adds them, and the label format a printer takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packstation.config import ConfigError, load_settings
from packstation.devices.base import PrinterError, PrinterFaultKind
from packstation.devices.printers import FakePrinter, PrinterFactory, SpoolFolderPrinter
from packstation.devices.uri import PRINTER_SCHEMES, DeviceUri, DeviceUriError, parse_device_uri
from packstation.services.labels import LabelService
from packstation.services.station.setup import PrinterSetupError, print_test_label


def test_qt_address_keeps_the_system_name_exactly() -> None:
    uri = parse_device_uri("qt://HP LaserJet Muhasebe (2. kat)?paper=A4&dpi=300", allowed=PRINTER_SCHEMES)
    assert (uri.scheme, uri.path, uri.params) == ("qt", "HP LaserJet Muhasebe (2. kat)", {"paper": "A4", "dpi": "300"})
    assert parse_device_uri("qt://Yaz%C4%B1c%C4%B1%3F", allowed=PRINTER_SCHEMES).path == "Yazıcı?"
    assert parse_device_uri("qt://", allowed=PRINTER_SCHEMES).path == ""  # the default printer
    assert parse_device_uri("qt://?output=/tmp/x.pdf", allowed=PRINTER_SCHEMES).params == {"output": "/tmp/x.pdf"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("qt://Ofis?colour=1", "unknown option 'colour'"),
        ("qt://Ofis?dpi=fast", "dpi='fast'"),
        ("qt://Ofis?dpi=10", "dpi='10'"),
        ("qt://?output=", "output= names no file"),
    ],
)
def test_bad_qt_addresses_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(DeviceUriError, match=re.escape(problem)):
        parse_device_uri(text, allowed=PRINTER_SCHEMES)


def test_factory_builds_registered_schemes_and_falls_back_to_the_transports(tmp_path: Path) -> None:
    factory = PrinterFactory()
    with pytest.raises(PrinterError) as raised:
        factory("qt://Ofis")
    assert raised.value.kind is PrinterFaultKind.NOT_SUPPORTED and "station window" in raised.value.message
    built: list[DeviceUri] = []

    def office(uri: DeviceUri) -> FakePrinter:
        built.append(uri)
        return FakePrinter(uri=uri.raw)

    factory.register("qt", office)
    assert factory.handles("qt") and not factory.handles("tcp")
    assert isinstance(factory("qt://Ofis Yazıcısı"), FakePrinter)
    assert built[0].path == "Ofis Yazıcısı"
    assert isinstance(factory(f"file://{tmp_path}"), SpoolFolderPrinter)
    with pytest.raises(ValueError, match="unknown printer scheme"):
        factory.register("ipp", office)


@pytest.mark.parametrize(
    ("printer", "expected"),
    [
        ('uri = "qt://Ofis"', "pdf"),
        ('uri = "tcp://10.0.0.31:9100"', "zpl"),
        ('uri = "cups://Ofis"\nformat = "pdf"', "pdf"),
        ("", "zpl"),
    ],
)
def test_label_format_follows_the_printer(tmp_path: Path, printer: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[printer]\n{printer}\n", encoding="utf-8")
    assert load_settings(path, environ={}).printer.label_format() == expected


def test_zpl_for_an_office_printer_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[printer]\nuri = "qt://Ofis"\nformat = "zpl"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="print PDF only"):
        load_settings(path, environ={})
    path.write_text('[printer]\nformat = "png"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"printer\.format"):
        load_settings(path, environ={})


def test_headless_test_print_to_an_office_printer_says_why_it_cannot() -> None:
    with pytest.raises(PrinterSetupError, match="station window"):
        print_test_label("qt://Ofis", station_name="Masa 1", labels=LabelService())
