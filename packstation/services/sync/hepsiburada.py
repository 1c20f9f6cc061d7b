"""Hepsiburada's side of the shared database: package numbers and statuses reported without packages.

HB keys open lines by order number (the local package's ``external_id``) until the lines are packed;
``POST /packages`` then gives the package number, stored in ``packages.marketplace_package_number``.
Labels and the status feeds name packages by that number. An unpacked package (HB's unpacked feed) is
stopped like a cancelled one; its lines come back through the listing as a new package (see the client's
``arrange`` module). A cancelled line stops the package holding it, whichever order's key that package has.

Creating the package happens once, whoever asks first: the label dispatcher at the station (it needs
the number to fetch HB's label) or the outbox pusher (the Packed status). Both go through
:func:`ensure_package_number`, which holds the package's row lock while it asks HB, so a second caller
waits and then finds the number instead of packing the lines again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageLineRow, PackageRow, PackEvent
from packstation.db.models.sync import OutboxEntry
from packstation.domain.marketplace import LabelFormat
from packstation.domain.status import OutboxKind, PackageStatus
from packstation.i18n import _
from packstation.local_store.operations import OperationKind
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient, NoMutualBarcode
from packstation.services.marketplaces.models import RemoteLine, RemotePackage, StatusReport
from packstation.services.marketplaces.writes import MarketplaceLabel
from packstation.services.sync.rows import json_rows

log = logging.getLogger("packstation.services.sync.hepsiburada")

#: Stored statuses a report never moves a package out of.
_FINAL = (
    PackageStatus.DELIVERED.value,
    PackageStatus.CANCELLED.value,
    PackageStatus.RETURNED.value,
    PackageStatus.UNSUPPLIED.value,
)

_APPLY = text(f"""
    UPDATE packages AS p
    SET status = r.status,
        marketplace_package_number = COALESCE(p.marketplace_package_number, NULLIF(r.package_number, '')),
        cargo_tracking_number = COALESCE(p.cargo_tracking_number, NULLIF(r.tracking, '')),
        updated_at = now()
    FROM json_to_recordset(CAST(:reports AS json))
         AS r(key text, package_number text, status text, reported text, tracking text, line_id text)
    WHERE p.account_id = :account
      AND (p.external_id = r.key
           -- A cancelled line: the package holding it, whichever order's key it has (orders combined
           -- into one parcel keep the oldest order's key), found through the line's own index.
           OR (r.line_id IS NOT NULL AND p.id IN (
                 SELECT l.package_id FROM package_lines AS l WHERE l.external_line_id = r.line_id))
           OR (r.package_number <> '' AND p.marketplace_package_number = r.package_number))
      AND p.status NOT IN ({", ".join(f"'{status}'" for status in _FINAL)})
      AND p.status <> r.status
      -- A cancelled line stops the package holding it, unless the parcel already left.
      AND (r.status <> 'Cancelled' OR (p.status <> 'Shipped' AND (r.line_id IS NULL OR (EXISTS (
            SELECT 1 FROM package_lines AS l WHERE l.package_id = p.id AND l.external_line_id = r.line_id)
            -- ...unless the station cancelled it itself (a line it could not supply: cancelbymerchant);
            -- the rest of the parcel goes out.
            AND NOT EXISTS (
                SELECT 1 FROM marketplace_outbox AS o
                WHERE o.package_id = p.id AND o.kind = 'unsupplied' AND o.state <> 'failed'
                  AND o.payload ->> 'line_id' = r.line_id)))))
    RETURNING p.id, p.external_id, r.reported
""")


@dataclass(frozen=True)
class Moved:
    """A stored package whose status a report changed."""

    id: int
    external_id: str
    status: PackageStatus


def apply_status_reports(session: Session, account_id: int, reports: Iterable[StatusReport]) -> list[Moved]:
    """Move stored packages to the statuses the marketplace reported; the details stay as stored.

    Reports come in feed order (shipped, undelivered, delivered, unpacked, cancelled): for one package the
    last wins. Each package moved is returned with the status as reported (UnPacked, not its stored word).
    """
    latest: dict[tuple[str, str], StatusReport] = {}
    for report in reports:
        # One row per package, but every cancelled line: each may stop another package of its order.
        latest[(report.package_number or report.key, report.line_ids[0] if report.line_ids else "")] = report
    if not latest:
        return []
    rows = [
        {
            "key": report.key,
            "package_number": report.package_number,
            "status": report.status.stored.value,
            # The word the marketplace used (UnPacked is stored as Cancelled): what the packer is told.
            "reported": report.status.value,
            "tracking": report.cargo_tracking_number,
            "line_id": report.line_ids[0] if report.line_ids else None,
        }
        for report in latest.values()
    ]
    moved = [
        Moved(row_id, external_id, PackageStatus(status))
        for row_id, external_id, status in session.execute(
            _APPLY, {"reports": json_rows(rows), "account": account_id}
        ).all()
    ]
    if moved:
        log.info("status reports applied account=%d reports=%d moved=%d", account_id, len(rows), len(moved))
    return moved


def unsupplied_units(session: Session, package_id: int) -> dict[str, int]:
    """Units of each line of ``package_id`` the station declared unsupplied (its outbox's unsupplied rows)."""
    units: dict[str, int] = {}
    for payload in session.scalars(
        select(OutboxEntry.payload).where(
            OutboxEntry.package_id == package_id, OutboxEntry.kind == OutboxKind.UNSUPPLIED.value
        )
    ):
        line = str(payload.get("line_id", ""))
        units[line] = units.get(line, 0) + int(payload.get("quantity") or 0)
    return units


def completed_desi(session: Session, package_id: int) -> Decimal | None:
    """The parcel's desi as its completion recorded it (every box's size scanned), else None."""
    detail = session.scalar(
        select(PackEvent.detail)
        .where(PackEvent.package_id == package_id, PackEvent.kind == OperationKind.COMPLETE.value)
        .order_by(PackEvent.occurred_at.desc())
        .limit(1)
    )
    boxes = detail.get("boxes") if isinstance(detail, Mapping) else None
    if not isinstance(boxes, list) or not boxes or any(not isinstance(b, Mapping) or not b.get("desi") for b in boxes):
        return None
    return sum((Decimal(str(b["desi"])) for b in boxes), Decimal(0))


def stored_package_number(session: Session, package_id: int) -> str:
    """The package's marketplace number: stored at packing, or in the payload HB listed it with."""
    row = session.execute(
        select(PackageRow.marketplace_package_number, PackageRow.raw["packageNumber"].astext).where(
            PackageRow.id == package_id
        )
    ).one_or_none()
    if row is None:
        return ""
    return str(row[0] or row[1] or "")


@dataclass(frozen=True)
class Packed:
    """The marketplace's package for a local one: its number and the carrier's delivery barcode."""

    number: str
    tracking: str


class PackageNumbers:
    """Creates an HB package once, stores its number, and answers the number afterwards."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def ensure(
        self,
        client: HepsiburadaClient,
        package_id: int,
        *,
        business_key: str,
        boxes: int | None = None,
        packed_units: Mapping[str, int] | None = None,
        desi: Decimal | None = None,
    ) -> Packed:
        """The HB package of local package ``package_id``, created (once) if there is none yet.

        ``boxes`` is the parcel's box count (HB's ``parcelQuantity``) when the caller knows it before the
        journal pump has stored it on the package; otherwise the package row's ``box_count`` is used.
        The package holds what went out: each line less the units declared unsupplied (the outbox's
        unsupplied rows, and ``packed_units`` when the caller knows more than the pump has stored yet);
        an unsupplied line is cancelled at HB (``cancelbymerchant``), never packed. ``desi`` (HB's ``deci``) is the
        parcel's when the caller knows it, else the boxes' as the completion recorded them, else the setting.

        The row lock is held while HB is asked: a second caller (another station, the pusher) waits for
        the first and then reads its number, so the lines are packed once.
        """
        with self._sessions.begin() as session:
            package = session.get(PackageRow, package_id, with_for_update=True)
            if package is None:
                raise LookupError(f"no package {package_id}")
            known = stored_package_number(session, package_id)
            if known:
                package.marketplace_package_number = known
                return Packed(known, package.cargo_tracking_number or "")
            lines = session.scalars(
                select(PackageLineRow).where(PackageLineRow.package_id == package_id).order_by(PackageLineRow.id)
            ).all()
            unsupplied = unsupplied_units(session, package_id)
            going = []
            for line in lines:
                units = line.quantity - unsupplied.get(line.external_line_id, 0)
                if packed_units is not None:
                    units = min(units, packed_units.get(line.external_line_id, 0))
                if units > 0:
                    going.append(RemoteLine(line.external_line_id, line.barcode, units))
            if not going:
                raise ValueError(
                    _("nothing of {id} is left to pack at Hepsiburada: every line was unsupplied").format(
                        id=package.external_id
                    )
                )
            remote = RemotePackage(
                marketplace=client.marketplace,
                package_id=package.external_id,
                order_number=package.order_number,
                status=PackageStatus.CREATED,
                status_raw=package.status,
                lines=tuple(going),
            )
            number, tracking, _sent = client.create_package(
                remote,
                business_key=business_key,
                parcel_quantity=boxes or package.box_count or 1,
                deci=desi if desi is not None else completed_desi(session, package_id),
            )
            session.execute(
                update(PackageRow)
                .where(PackageRow.id == package_id)
                .values(
                    marketplace_package_number=number,
                    status=PackageStatus.PICKING.value,
                    cargo_tracking_number=package.cargo_tracking_number or tracking or None,
                )
            )
            log.info("package created at marketplace package=%s number=%s", package.external_id, number)
            return Packed(number, package.cargo_tracking_number or tracking)


def hepsiburada_label(
    client: HepsiburadaClient,
    numbers: PackageNumbers,
    package_id: int,
    *,
    tracking: str,
    preferred: LabelFormat,
    box_count: int = 1,
    packed_units: Mapping[str, int] | None = None,
    desi: Decimal | None = None,
) -> MarketplaceLabel | None:
    """HB's label for local package ``package_id``, creating the HB package first if it is not yet made.

    A carrier without shared barcodes (400 "Cargo company does not provide mutual barcodes") means our
    own label: the answer then holds no documents and says why, for the packer to read.
    """
    packed = numbers.ensure(
        client,
        package_id,
        business_key=f"label/{package_id}",
        boxes=box_count,
        packed_units=packed_units,
        desi=desi,
    )
    tracking = tracking or packed.tracking
    try:
        return client.label_by_number(packed.number, preferred=preferred, tracking=tracking)
    except NoMutualBarcode as error:
        reason = _("Our own label. {carrier_said}").format(carrier_said=error)
        # Our label carries HB's delivery barcode, which the parcel did not have when it was opened.
        return MarketplaceLabel(cargo_tracking_number=tracking, format=preferred, documents=(), note=reason)
