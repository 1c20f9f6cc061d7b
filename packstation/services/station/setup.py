"""First-run station set-up without Qt: write the station's TOML file and print a test label.

The first-run wizard (``packstation/ui/admin/setup_wizard.py``) collects a :class:`StationSetup` and calls
:func:`write_station_config`; its printer page calls :func:`print_test_label` off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli_w

from packstation.config import ConfigError, Settings, load_settings
from packstation.config.sections import MarketplaceAccount
from packstation.devices.base import LabelPrinter
from packstation.devices.printers import open_printer
from packstation.devices.uri import (
    PDF_ONLY_PRINTER_SCHEMES,
    PRINTER_SCHEMES,
    DeviceUri,
    DeviceUriError,
    parse_device_uri,
)
from packstation.domain.marketplace import LabelFormat
from packstation.i18n import Language, _
from packstation.services.labels import LabelService
from packstation.services.labels.model import LabelDocument, LabelSize, PrinterDpi, Sender, ShippingLabelData

if TYPE_CHECKING:
    from packstation.services.access.secrets import SecretStore

log = logging.getLogger("packstation.services.station.setup")

TEST_TRACKING_NUMBER = "TEST0000000001"


@dataclass(frozen=True)
class StationSetup:
    """What the first-run wizard asks: the station, its language and look, its printer and scanner."""

    station_name: str
    language: Language | None = None  # None: follow the system language
    text_scale: float = 1.0
    high_contrast: bool = False
    printer_uri: str | None = None  # None: labels go to the spool folder only
    printer_dpi: int = 203
    label_size: str = "100x150mm"
    scanner_uri: str = "keyboard"


def _station_table(setup: StationSetup, existing: dict[str, Any]) -> dict[str, Any]:
    station = dict(existing)
    station["name"] = setup.station_name.strip()
    if setup.language is None:
        station.pop("language", None)
    else:
        station["language"] = setup.language.value
    station["text_scale"] = setup.text_scale
    station["high_contrast"] = setup.high_contrast
    return station


def merged_config(setup: StationSetup, existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """``existing`` TOML data with the set-up's keys replaced; every other table and key is kept."""
    data = {key: (dict(value) if isinstance(value, dict) else value) for key, value in (existing or {}).items()}
    data["station"] = _station_table(setup, data.get("station", {}))
    printer = dict(data.get("printer", {}))
    if setup.printer_uri:
        printer["uri"] = setup.printer_uri.strip()
    else:
        printer.pop("uri", None)
    printer["dpi"] = setup.printer_dpi
    printer["label_size"] = setup.label_size
    data["printer"] = printer
    data["scanner"] = {**data.get("scanner", {}), "uri": setup.scanner_uri.strip()}
    return data


def write_station_config(path: Path, setup: StationSetup) -> Settings:
    """Validate and write the set-up into the TOML file at ``path`` (keeping its other settings).

    The new file is checked with the same loader the station starts with before it replaces the old
    one (atomically), so a bad value is a :class:`ConfigError` here, never a station that will not start.
    """
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            existing = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    text = tomli_w.dumps(merged_config(setup, existing))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    scratch = Path(scratch_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        # Validate with the environment ignored: the file must be right on its own.
        settings = load_settings(scratch, environ={})
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
    log.info("station config written path=%s station=%s", path, setup.station_name)
    return settings


def build_test_label(
    *,
    station_name: str,
    dpi: int = 203,
    label_size: str = "100x150mm",
    labels: LabelService,
    fmt: LabelFormat = LabelFormat.ZPL,
) -> LabelDocument:
    """A shipping label that says it is a test, in this station's label format."""
    service = labels
    data = ShippingLabelData(
        sender=Sender(name="PackStation", city=station_name),
        receiver_name=_("TEST LABEL"),
        address_lines=(_("Printer test from station {station}").format(station=station_name),),
        district=datetime.now().strftime("%d.%m.%Y %H:%M"),
        city="-",
        order_number="TEST",
        package_id="TEST",
        carrier="-",
        tracking_number=TEST_TRACKING_NUMBER,
        marketplace=None,
        item_count=1,
    )
    return service.shipping_label(
        data,
        fmt=fmt,
        size=LabelSize.IN_4X6 if label_size == "4x6in" else LabelSize.MM_100X150,
        dpi=PrinterDpi(dpi),
    )


def print_test_label(
    uri: str,
    *,
    station_name: str,
    dpi: int = 203,
    label_size: str = "100x150mm",
    labels: LabelService,
    printers: Callable[[DeviceUri], LabelPrinter] = open_printer,
) -> str:
    """Send a test label straight to the printer at ``uri``; returns a sentence for the screen.

    The label is PDF for an office printer (``qt://``, built by ``printers``), ZPL otherwise. Raises
    :class:`PrinterSetupError` with a translated reason when the address is wrong or the printer does not
    take the job (the device's own error text is kept in the message).
    """
    try:
        parsed = parse_device_uri(uri.strip(), allowed=PRINTER_SCHEMES)
    except DeviceUriError as exc:
        raise PrinterSetupError(_("Invalid printer address: {error}").format(error=exc)) from exc
    service = labels
    pdf = parsed.scheme in PDF_ONLY_PRINTER_SCHEMES
    document = build_test_label(
        station_name=station_name,
        dpi=dpi,
        label_size=label_size,
        labels=service,
        fmt=LabelFormat.PDF if pdf else LabelFormat.ZPL,
    )
    try:
        printer = printers(parsed)
        printer.open()
    except Exception as exc:
        log.warning("test label failed printer=%s error=%s", parsed.raw, exc)
        raise PrinterSetupError(_("The test label was not printed: {error}").format(error=exc)) from exc
    try:
        if document.needs_font:
            printer.send(service.font_job(), kind=LabelFormat.ZPL, job_id="test-font")
        printer.send(document.data, kind=LabelFormat.PDF if pdf else LabelFormat.ZPL, job_id="test-label")
    except Exception as exc:
        log.warning("test label failed printer=%s error=%s", parsed.raw, exc)
        raise PrinterSetupError(_("The test label was not printed: {error}").format(error=exc)) from exc
    finally:
        printer.close()
    log.info("test label sent printer=%s", parsed.raw)
    return _("Test label sent to {printer}.").format(printer=parsed.raw)


class PrinterSetupError(Exception):
    """The test label could not be printed; the message is for the person setting the station up."""


@dataclass(frozen=True)
class MarketplaceSetup:
    """One marketplace account as the set-up wizard asks for it; the secrets never reach the TOML file."""

    name: str
    kind: str
    base_url: str
    seller_id: str
    client: str
    secrets: dict[str, str]

    def account(self) -> MarketplaceAccount:
        """The validated ``[[marketplaces]]`` entry (raises pydantic's ValidationError with the field)."""
        return MarketplaceAccount.model_validate(
            {
                "name": self.name.strip(),
                "kind": self.kind,
                "base_url": self.base_url.strip(),
                "seller_id": self.seller_id.strip(),
                "client": self.client.strip(),
            }
        )


def marketplace_secret_names(kind: str) -> tuple[str, ...]:
    """The secrets an account of ``kind`` needs (the same list the doctor checks)."""
    from packstation.services.marketplaces.credentials import REQUIRED_SECRETS

    return REQUIRED_SECRETS[kind]


def test_marketplace_connection(setup: MarketplaceSetup) -> str:
    """Call the marketplace with the entered credentials (a one-page order listing); a message, or an error."""
    from packstation.services.access.secrets import SecretStore, secret_env_var
    from packstation.services.marketplaces.models import PackageQuery
    from packstation.services.sync.accounts import client_for

    account = setup.account()
    environ = {secret_env_var(account.name, name): value for name, value in setup.secrets.items() if value}
    client = client_for(account, SecretStore(environ=environ))
    try:
        now = datetime.now(UTC)
        pages = client.iter_package_pages(PackageQuery(modified_since=now - timedelta(days=1), modified_until=now))
        page = next(iter(pages), None)
        count = len(page.packages) if page is not None else 0
    finally:
        client.close()
    return _("Connected to {name}: {count} package(s) changed in the last day.").format(name=account.name, count=count)


def store_marketplace(path: Path, setup: MarketplaceSetup, secrets: SecretStore) -> list[str]:
    """Add (or replace) the account in the config file and its secrets in the keyring.

    Returns what the operator still has to do: when no secure keyring exists, the environment
    variables to set (the secrets are never written to a file).
    """
    from packstation.services.access.secrets import SecretError, secret_env_var

    account = setup.account()
    existing = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    entries = [entry for entry in existing.get("marketplaces", []) if entry.get("name") != account.name]
    entries.append(account.model_dump(mode="json", exclude_defaults=True) | {"kind": account.kind.value})
    existing["marketplaces"] = entries
    text = tomli_w.dumps(existing)
    load_settings_text(text)
    path.write_text(text, encoding="utf-8")
    todo = []
    store = secrets
    for name, value in setup.secrets.items():
        if not value:
            continue
        try:
            store.set(account.name, name, value)
        except SecretError:
            todo.append(
                _("set {env} on this station (no secure keyring here)").format(env=secret_env_var(account.name, name))
            )
    return todo


def load_settings_text(text: str) -> None:
    """Validate TOML text with the station's own loader (raises ConfigError naming the key)."""
    handle, scratch_name = tempfile.mkstemp(prefix=".check-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        load_settings(Path(scratch_name), environ={})
    finally:
        Path(scratch_name).unlink(missing_ok=True)
