"""The sections of the station's settings, one typed model each: database, station, printer, scanner,
scale, camera, security, and the repeated ``[[marketplaces]]`` and ``[[boxes]]`` tables."""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from packstation.devices.uri import (
    CAMERA_SCHEMES,
    PDF_ONLY_PRINTER_SCHEMES,
    PRINTER_SCHEMES,
    SCALE_SCHEMES,
    SCANNER_SCHEMES,
    parse_device_uri,
)
from packstation.domain.boxes import BoxType
from packstation.domain.marketplace import Marketplace
from packstation.domain.photos import DEFAULT_MAX_BYTES, HARD_MAX_BYTES

ACCOUNT_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


class Section(BaseModel):
    """A table of the settings file: unknown keys are refused, values never change after loading."""

    # Unknown keys are errors: a misspelt key silently falling back to a default is how a station
    # ends up printing to the wrong printer.
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    """Where the shared PostgreSQL is, and how quickly to give up on it."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the shared PostgreSQL, e.g. "
        "`postgresql+psycopg2://station@db:5432/packstation`. Absent: an embedded PostgreSQL "
        "in the data folder. Put the password in the keyring, not here.",
    )
    connect_timeout_s: int = Field(default=5, ge=1, le=60, description="Seconds to wait for a connection.")
    statement_timeout_ms: int = Field(
        default=15000, ge=100, description="Server-side limit for any one statement, in milliseconds."
    )
    tcp_user_timeout_ms: int = Field(
        default=10000, ge=1000, description="Drop a connection whose sent data is unacknowledged this long."
    )
    transaction_pooling: bool = Field(
        default=False,
        description="`url` is a PgBouncer in transaction pooling mode: no session settings (see README).",
    )
    sslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] | None = Field(
        default=None,
        description="libpq `sslmode` for the shared server; use `require` (or `verify-full` with a CA) when "
        "the server is not on this machine. Absent: libpq's default (`prefer`).",
    )

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not value.startswith(("postgresql://", "postgresql+psycopg2://")):
            raise ValueError("must be a PostgreSQL URL starting with postgresql+psycopg2:// or postgresql://")
        return value


class StationSettings(Section):
    """This workstation."""

    name: str = Field(default="station-1", min_length=1, max_length=64, description="Unique station name.")
    language: str | None = Field(
        default=None, description="User interface language (`tr` or `en`); absent: the system language."
    )
    data_dir: Path | None = Field(
        default=None,
        description="Folder for the embedded database, the local journal and the label spool; "
        "absent: the platform's user data folder.",
    )
    claim_lease_s: int = Field(default=300, ge=30, description="How long a package claim lasts without a heartbeat.")
    text_scale: float = Field(
        default=1.0, ge=0.8, le=2.0, description="Text size on screen as a factor of the normal size (0.8 to 2.0)."
    )
    high_contrast: bool = Field(default=False, description="High-contrast colours: yellow and white on black.")
    time_zone: str = Field(
        default="Europe/Istanbul", description="Time zone of the warehouse: days and hours in reports."
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. 'Europe/Istanbul')") from exc
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is not None and value not in {"tr", "en"}:
            raise ValueError("must be 'tr' or 'en'")
        return value


class PrinterSettings(Section):
    """The label printer."""

    uri: str | None = Field(
        default=None,
        description="Printer address: `tcp://host:9100`, `serial:///dev/ttyUSB0?baud=9600`, "
        "`cups://QUEUE`, `file:///folder` (spool), `qt://Printer Name` (an office printer installed on "
        "this computer, by its system name; `qt://` alone: the default printer). "
        "Absent: labels go to the spool folder only.",
    )
    format: str = Field(
        default="auto",
        description="Label format sent to the printer: `zpl`, `pdf`, or `auto` (PDF for `qt://` office "
        "printers, ZPL for the others).",
    )
    dpi: int = Field(default=203, description="Print resolution: 203 or 300.")
    label_size: str = Field(default="100x150mm", description="`100x150mm` or `4x6in`.")
    timeout_s: float = Field(default=5.0, gt=0, le=60, description="Seconds to wait for the printer.")
    packing_slips: bool = Field(
        default=False,
        description="After a parcel's labels, print a packing slip for each box: its number (Box 1/2) and what "
        "is in that box, with the code that reopens the parcel.",
    )

    @field_validator("uri")
    @classmethod
    def _valid_uri(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        parse_device_uri(value, allowed=PRINTER_SCHEMES)
        return value

    @field_validator("dpi")
    @classmethod
    def _valid_dpi(cls, value: int) -> int:
        if value not in (203, 300):
            raise ValueError("must be 203 or 300")
        return value

    @field_validator("label_size")
    @classmethod
    def _valid_size(cls, value: str) -> str:
        if value not in ("100x150mm", "4x6in"):
            raise ValueError("must be '100x150mm' or '4x6in'")
        return value

    @field_validator("format")
    @classmethod
    def _valid_format(cls, value: str) -> str:
        if value not in ("auto", "zpl", "pdf"):
            raise ValueError("must be 'auto', 'zpl' or 'pdf'")
        return value

    @model_validator(mode="after")
    def _format_fits_printer(self) -> PrinterSettings:
        if self.format == "zpl" and self.uri and self._scheme() in PDF_ONLY_PRINTER_SCHEMES:
            raise ValueError(f"format 'zpl' cannot go to {self.uri!r}: office printers (qt://) print PDF only")
        return self

    def _scheme(self) -> str:
        return parse_device_uri(self.uri, allowed=PRINTER_SCHEMES).scheme if self.uri else ""

    def label_format(self) -> str:
        """The format labels are built in for this printer: ``"zpl"`` or ``"pdf"``."""
        if self.format != "auto":
            return self.format
        return "pdf" if self._scheme() in PDF_ONLY_PRINTER_SCHEMES else "zpl"


class ScannerSettings(Section):
    """The barcode scanner."""

    uri: str = Field(
        default="keyboard",
        description="`keyboard` (USB scanner in keyboard mode) or `serial:///dev/ttyACM0?baud=9600`.",
    )
    repair_turkish_q: bool = Field(
        default=True, description="Undo the damage a Turkish-Q keyboard layout does to scanned text."
    )
    max_key_gap_ms: int = Field(
        default=35, ge=5, le=200, description="Keys closer than this belong to one scanner burst."
    )

    @field_validator("uri")
    @classmethod
    def _valid_uri(cls, value: str) -> str:
        parse_device_uri(value, allowed=SCANNER_SCHEMES)
        return value


class ScaleSettings(Section):
    """An optional serial scale that weighs the parcel at completion."""

    uri: str | None = Field(
        default=None,
        description="`serial:///dev/ttyUSB1?baud=9600&terminator=CRLF` (continuous `ST,GS,+0001.250kg` lines); "
        "absent: no scale.",
    )

    @field_validator("uri")
    @classmethod
    def _valid_uri(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        parse_device_uri(value, allowed=SCALE_SCHEMES)
        return value


class CameraSettings(Section):
    """An optional camera for photo evidence (returns, and parcels photographed before sealing)."""

    uri: str | None = Field(
        default=None,
        description="`camera://default` (the system's default webcam), `camera://<device id or name>` "
        "(e.g. `camera:///dev/video2` or `camera://HD Pro Webcam C920`; when it is not found, the pack screen "
        "lists the cameras it sees), "
        "or `file:///folder` (the pictures in a folder, one after another: tests and the demo). "
        "Absent: no camera, and the photo features are hidden.",
    )
    keep_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Days a photo is kept before it is deleted (every station prunes, hourly). Keep it longer "
        "than the marketplaces' return and dispute windows.",
    )
    max_kb: int = Field(
        default=DEFAULT_MAX_BYTES // 1024,
        ge=64,
        le=HARD_MAX_BYTES // 1024,
        description="Largest photo stored, in KB (a bigger picture is refused with a message; 8192 at most).",
    )

    @field_validator("uri")
    @classmethod
    def _valid_uri(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        parsed = parse_device_uri(value, allowed=CAMERA_SCHEMES)
        if parsed.scheme == "file" and not parsed.path.startswith("/") and ":" not in parsed.path[:3]:
            raise ValueError(f"{value!r}: a picture folder must be an absolute path (file:///home/me/photos)")
        return value.strip()

    @property
    def max_bytes(self) -> int:
        """``max_kb`` in bytes."""
        return self.max_kb * 1024


class SecuritySettings(Section):
    """Log-in, lockout and override rules at this station."""

    max_failed_logins: int = Field(
        default=5, ge=1, le=100, description="Wrong passwords, PINs or two-factor codes in a row that lock an account."
    )
    lockout_minutes: int = Field(
        default=15, ge=1, le=1440, description="How long a locked account stays locked, in minutes."
    )
    idle_logout_s: int = Field(
        default=600, ge=0, description="Log the user out after this many seconds without a scan or key; 0: never."
    )
    reprint_limit: int = Field(
        default=1, ge=0, description="Reprints of one label a packer may make before a supervisor must approve."
    )
    approval_valid_s: int = Field(
        default=120, ge=10, le=3600, description="Seconds a supervisor's badge-and-PIN approval stays usable."
    )
    pin_min_length: int = Field(default=4, ge=4, le=12, description="Fewest digits in a user's PIN.")
    badge_min_length: int = Field(
        default=6, ge=4, le=64, description="Fewest characters in a badge code accepted at enrolment."
    )
    badge_attempts_per_minute: int = Field(
        default=10,
        ge=3,
        le=100,
        description="Unknown badges or wrong PINs at one station within a minute that block badges there for a minute.",
    )
    badge_probes_per_minute: int = Field(
        default=30,
        ge=3,
        le=600,
        description=(
            "Scans made while logged in (not a parcel, product or command) that the server may check as "
            "badges at one station within a minute; more are refused for a minute. Counted apart from "
            "badge log-ins, so misreads never block a log-in or lock an account."
        ),
    )
    totp_issuer: str = Field(
        default="PackStation", min_length=1, description="Name the authenticator app shows beside the account."
    )


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MarketplaceAccount(Section):
    """One seller account on a marketplace. Its secrets live in the keyring or the environment."""

    name: str = Field(description="Account name, unique, lower case (e.g. `gullu-trendyol`).")
    kind: Marketplace = Field(description="`trendyol`, `hepsiburada` or `n11`.")
    base_url: str = Field(description="API base URL, e.g. `https://apigw.trendyol.com/integration`.")
    seller_id: str = Field(description="The seller (supplier / merchant) id, as text.")
    client: str = Field(description="The client company whose parcels these are.")
    enabled: bool = Field(default=True, description="Sync this account.")
    sync_interval_s: int = Field(default=120, ge=15, description="Seconds between order pulls.")
    label_zpl_format: str = Field(
        default="base64zpl",
        min_length=1,
        description=(
            "Hepsiburada: the `labels?format=` value for ZPL. HB lists `zpl`, `base64zpl`, `pdf`, `png`, `jpg` "
            "(lower case); `base64zpl` is the one seen in a recorded live reply. Whether `zpl` data is raw or "
            "base64 is unpublished, so both are read."
        ),
    )
    label_pdf_format: str = Field(
        default="pdf",
        min_length=1,
        description="Hepsiburada: the `labels?format=` value for PDF (data assumed base64; unrecorded).",
    )
    combine_orders: bool = Field(
        default=True,
        description=(
            "Hepsiburada: pack open orders going to one delivery (same customer, address, carrier and warehouse) "
            "as one parcel, with the lines HB's `packageablewith` lets share a package. HB allows one package "
            "of several orders; whether to combine is the seller's choice."
        ),
    )
    cancel_reason_id: int = Field(
        default=83,
        ge=1,
        description=(
            "Hepsiburada: the `reasonId` sent with `cancelbymerchant` for a line the seller cannot supply. HB "
            'publishes 83 ("Ürün tedarik edilemedi") and no other; its spec lists no values.'
        ),
    )
    cancel_line_path: str = Field(
        default="/lineitems/merchantid/{merchant_id}/id/{line_id}/cancelbymerchant",
        pattern=r"^/.*\{merchant_id\}.*\{line_id\}",
        description=(
            "Hepsiburada: the path that cancels one unpacked line. HB's spec and reference page spell it in "
            "lower case; one open-source client uses `/lineItems/merchantId/…/cancelByMerchant` (unbacked)."
        ),
    )
    claim_return_direction: str = Field(
        default="Return",
        min_length=1,
        description=(
            "Hepsiburada: the `Deliveries[].Direction` of a claim's return parcel, whose `TrackingNumber` the "
            "return bench scans. The field was seen live only (undocumented); its values are unpublished."
        ),
    )
    claim_rejection_reason: str = Field(
        default="",
        description=(
            "Hepsiburada: the `ClaimRejectionReason` the return bench offers for a rejection. HB publishes no "
            "values; empty: the bench lists no reason, so returns are not rejected over the API."
        ),
    )
    claim_finalized_with: str = Field(
        default="",
        description=(
            "Hepsiburada: the `FinalizedWith` sent when accepting a return. HB publishes no values; empty: left out."
        ),
    )
    paged_path: str = Field(
        default="/order/sellers/{seller_id}/v2/orders",
        pattern=r"^/.*\{seller_id\}",
        description=(
            "Trendyol: the paged package list, used to look a package up by id. The old "
            "`/order/sellers/{seller_id}/orders` answers 426 and was switched off on 15 Oct 2026; v2 is the "
            "default (its path is not in the published OpenAPI copy, but every client codebase agrees on it)."
        ),
    )

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not ACCOUNT_NAME_PATTERN.match(value):
            raise ValueError("must be lower-case letters, digits, '.', '_' or '-' (e.g. 'gullu-trendyol')")
        return value

    @field_validator("base_url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        # Credentials travel in every request's Authorization header: plain http only on this machine.
        parsed = urlsplit(value)
        if parsed.scheme == "https" and parsed.hostname:
            return value.rstrip("/")
        if parsed.scheme == "http" and _is_loopback(parsed.hostname):
            return value.rstrip("/")
        raise ValueError(
            "must start with https:// (http:// only for a test server on this machine: 127.0.0.1, ::1, localhost)"
        )

    @field_validator("seller_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # Seller ids are identifiers, not numbers; accept `seller_id = 123456` but keep text.
        return str(value) if isinstance(value, int) else value


class BoxSize(Section):
    """One box size of the warehouse: scanning its barcode while packing records the box and its desi."""

    name: str = Field(min_length=1, description="Box name as packers know it (e.g. `K2`).")
    length_cm: Decimal = Field(gt=0, description="Inside length in centimetres.")
    width_cm: Decimal = Field(gt=0, description="Inside width in centimetres.")
    height_cm: Decimal = Field(gt=0, description="Inside height in centimetres.")
    barcode: str = Field(min_length=1, description="The barcode printed for this box size (scanned while packing).")

    def box_type(self) -> BoxType:
        """The domain's view of this box size."""
        return BoxType(self.name, self.length_cm, self.width_cm, self.height_cm, self.barcode)
