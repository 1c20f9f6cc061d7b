"""What the supervisor's figures are, as frozen values (no I/O here).

Definitions (the README's "Throughput figures" section says the same):

* A **parcel** counts once, on the local day and hour of its ``complete`` pack event, for the packer
  and station of that event. A parcel opened before midnight and completed after it counts on the
  day it completes. A ``complete`` that the pump turned into a ``conflict`` exception (another station
  had already packed the parcel) is not a parcel. A parcel cancelled after packing still counts: the
  work was done (it also shows as an exception).
* **Items** are the units verified by accepted scans (a case barcode of 6 counts 6), at the scan's time.
* **Errors** are scans whose outcome was wrong item, unknown barcode or over-scan, at the scan's time;
  the **error rate** is errors per 100 items. Invalid (bad check digit) and late scans are not errors
  of the packer's hands and are left out.
* **Active hours** are the local clock hours in which the packer (or station) recorded at least one pack
  event; **parcels per hour** is parcels divided by active hours.
* **Time per parcel** is from the packer's latest ``open`` of that parcel to its ``complete``; the
  **median** of those durations is shown (one slow parcel does not move it).
* Days and hours are in the station-local time zone, :data:`DEFAULT_TIME_ZONE` unless configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from packstation.i18n import _

#: Where the warehouse is: days and hours of every figure are counted in this zone.
DEFAULT_TIME_ZONE = ZoneInfo("Europe/Istanbul")


class ReportError(ValueError):
    """A report was asked for something it cannot give (the message says what, for the user)."""


class Grouping(StrEnum):
    """How throughput figures are broken down."""

    TOTAL = "total"
    PACKER = "packer"
    STATION = "station"
    HOUR = "hour"
    DAY = "day"


class FigureSource(StrEnum):
    """Where figures are computed from: the trigger-maintained rollups, or the raw pack events."""

    ROLLUP = "rollup"
    RAW = "raw"


@dataclass(frozen=True)
class ReportFilter:
    """Which events a report covers: local days ``start``..``end`` (both inclusive) and optional filters."""

    start: date
    end: date
    client_company_id: int | None = None
    marketplace: str | None = None
    station_id: int | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ReportError(
                _("the report ends ({end}) before it starts ({start})").format(end=self.end, start=self.start)
            )
        if (self.end - self.start).days > 400:
            raise ReportError(_("a report covers at most 400 days"))

    @property
    def single_day(self) -> bool:
        """True when the range is one day (the timeline is then per hour, else per day)."""
        return self.start == self.end


@dataclass(frozen=True)
class Figures:
    """Throughput of one group (a packer, a station, an hour, a day, or everything)."""

    key: str
    parcels: int
    items: int
    wrong_items: int
    unknown_barcodes: int
    over_scans: int
    active_hours: int
    median_parcel_seconds: float | None
    key_id: int | None = None
    bucket: datetime | None = None

    @property
    def errors(self) -> int:
        """Wrong items, unknown barcodes and over-scans together."""
        return self.wrong_items + self.unknown_barcodes + self.over_scans

    @property
    def error_rate(self) -> float | None:
        """Errors per 100 items (None with no items)."""
        return round(self.errors * 100 / self.items, 2) if self.items else None

    @property
    def parcels_per_hour(self) -> float | None:
        """Parcels per active hour (None with no active hour)."""
        return round(self.parcels / self.active_hours, 2) if self.active_hours else None


EMPTY_TOTAL = Figures("total", 0, 0, 0, 0, 0, 0, None)


@dataclass(frozen=True)
class StationStatus:
    """A station as the supervisor sees it: alive or not, and what it still has to upload."""

    station_id: int
    name: str
    online: bool
    last_heartbeat_at: datetime | None
    pending_operations: int
    oldest_pending_at: datetime | None


@dataclass(frozen=True)
class AccountSync:
    """Where one marketplace account's sync stands."""

    account_id: int
    account: str
    marketplace: str
    client: str
    enabled: bool
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    outbox_pending: int
    outbox_failed: int


@dataclass(frozen=True)
class OpenException:
    """An unresolved packing exception in the supervisor's queue."""

    id: int
    kind: str
    message: str
    created_at: datetime
    package: str | None
    order_number: str | None
    station: str | None
    assigned_to: str | None


@dataclass(frozen=True)
class PersonChoice:
    """A user or station as a filter or assignment choice."""

    id: int
    name: str


@dataclass(frozen=True)
class FilterChoices:
    """What the dashboard's filter boxes offer."""

    clients: tuple[PersonChoice, ...]
    marketplaces: tuple[str, ...]
    stations: tuple[PersonChoice, ...]
    packers: tuple[PersonChoice, ...]


@dataclass(frozen=True)
class DashboardSnapshot:
    """Everything the dashboard shows, read in one go off the GUI thread."""

    filter: ReportFilter
    generated_at: datetime
    total: Figures
    timeline: tuple[Figures, ...]
    packers: tuple[Figures, ...]
    stations: tuple[Figures, ...]
    station_status: tuple[StationStatus, ...]
    sync: tuple[AccountSync, ...]
    exceptions: tuple[OpenException, ...]


@dataclass(frozen=True)
class ParcelRow:
    """One packed parcel, as the parcels export lists it."""

    completed_at: datetime
    package: str
    order_number: str
    client: str
    marketplace: str
    account: str
    station: str
    packer: str
    seconds: float | None


_TURKISH_ORDER = "0123456789aâbcçdefgğhıiîjklmnoöpqrsştuüûvwxyz"
_TURKISH_RANK = {ch: index for index, ch in enumerate(_TURKISH_ORDER)}


def turkish_sort_key(name: str) -> tuple[int, ...]:
    """Sort key for names in Turkish alphabetical order (Ç after C, İ and I apart), case-insensitive.

    The database's collation may be plain byte order, which puts "Çiçek" after "Zeynep".
    """
    lowered = name.replace("I", "ı").replace("İ", "i").lower()
    return tuple(_TURKISH_RANK.get(ch, len(_TURKISH_ORDER) + ord(ch)) for ch in lowered)
