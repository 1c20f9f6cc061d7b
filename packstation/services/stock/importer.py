"""Importing and exporting stock CSV files (:mod:`~packstation.services.stock.csv_format`): all or nothing.

An import runs in one transaction. Every row is checked against the file's rules and then against the
database (the client exists, the bin exists, a barcode does not belong to another product); every problem
is reported with its line number, and if there is any, nothing is written. ``check`` (``--check``) runs
the whole import and rolls it back: it says what would change. Quantities *set* a bin's level: the
difference becomes a movement with reason ``import`` through ``apply_movements``. The import is audited
(``stock.imported``) with the file's name and what changed.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import ClientCompany
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.stock import LocationStock, StockLocation
from packstation.domain.clock import now_utc
from packstation.domain.stock import LocationKind, StockReason
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.stock.csv_format import (
    LOCATION_COLUMNS,
    STOCK_COLUMNS,
    CsvKind,
    LocationRow,
    RowError,
    StockRow,
    parse_csv,
)
from packstation.services.stock.levels import lock_levels
from packstation.services.stock.locations import create_location, locations
from packstation.services.stock.movements import StockError, StockMove, allow_stock_changes, apply_movements
from packstation.services.stock.service import command_line_actor


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, checked or refused, would have done)."""

    kind: CsvKind | None
    rows: int
    errors: tuple[RowError, ...] = ()
    applied: bool = False
    products_created: int = 0
    products_updated: int = 0
    barcodes_added: int = 0
    locations_created: int = 0
    locations_updated: int = 0
    thresholds_set: int = 0
    movements: int = 0
    units_in: int = 0
    units_out: int = 0

    def describe(self) -> str:
        """One line for the person who imported."""
        return _(
            "{rows} rows: {created} products new, {updated} changed, {barcodes} barcodes added, {locations} locations "
            "new, {changed} changed, {thresholds} thresholds, {moves} stock changes (+{units_in} / -{units_out} units)"
        ).format(
            rows=self.rows,
            created=self.products_created,
            updated=self.products_updated,
            barcodes=self.barcodes_added,
            locations=self.locations_created,
            changed=self.locations_updated,
            thresholds=self.thresholds_set,
            moves=self.movements,
            units_in=self.units_in,
            units_out=self.units_out,
        )


class _Refused(Exception):
    """Rolls the import's transaction back; carries the problems found."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("import refused")
        self.summary = summary


@dataclass
class _Tally:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


class StockImporter:
    """Imports (audited, all or nothing) and exports the stock and locations CSV files."""

    def __init__(
        self, sessions: sessionmaker[Session], *, audit: AuditLog, clock: Callable[[], datetime] = now_utc
    ) -> None:
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self.clock = clock

    @privileged(Permission.ADJUST_STOCK)
    def import_csv(
        self, actor: UserSession, data: bytes, *, source: str, check: bool = False, approval: Approval | None = None
    ) -> ImportSummary:
        """Import a file at the station (a supervisor, or with a supervisor's approval)."""
        return self._import(data, source=source, check=check, actor=actor, via="station", approval=approval)

    def import_from_command_line(self, data: bytes, *, source: str, check: bool = False) -> ImportSummary:
        """``packstation stock import``: the owner's tool, audited with the operating-system user."""
        return self._import(data, source=source, check=check, actor=None, via=f"command line ({command_line_actor()})")

    def _import(
        self,
        data: bytes,
        *,
        source: str,
        check: bool,
        actor: UserSession | None,
        via: str,
        approval: Approval | None = None,
    ) -> ImportSummary:
        parsed = parse_csv(data)
        if parsed.errors or parsed.kind is None:
            return ImportSummary(parsed.kind, parsed.rows, tuple(parsed.errors))
        tally = _Tally()
        try:
            with self._sessions.begin() as session:
                allow_stock_changes(session, actor, approval.token if approval else None, for_=f"import:{uuid.uuid4()}")
                if parsed.kind is CsvKind.LOCATIONS:
                    _import_locations(session, parsed.locations, tally)
                else:
                    _import_stock(session, parsed.stock, tally, note=source, user_id=actor.user_id if actor else None)
                summary = _summary(parsed.kind, parsed.rows, tally)
                if tally.errors:
                    raise _Refused(replace(summary, errors=tuple(sorted(tally.errors, key=lambda e: e.line))))
                if check:
                    raise _Refused(summary)
                self.audit.record(
                    AuditAction.STOCK_IMPORTED,
                    actor=actor,
                    subject=f"csv:{parsed.kind.value}",
                    detail={"file": source[:200], "via": via, **{k: v for k, v in tally.counts.items()}},
                    session=session,
                )
                return replace(summary, applied=True)
        except _Refused as refused:
            return refused.summary

    # -- export ------------------------------------------------------------------------------------------

    def export_locations(self, *, delimiter: str = ";") -> str:
        """Every active location as a locations file (warehouses, then their zones, then the bins)."""
        out, writer = _writer(delimiter, LOCATION_COLUMNS)
        with self._sessions() as session:
            tree = locations(session)
        for info in tree:
            parts = info.path.split(" / ")
            writer.writerow(
                [*parts, *[""] * (3 - len(parts)), info.barcode, info.name, "yes" if info.sellable else "no"]
            )
        return out.getvalue()

    def export_stock(self, *, delimiter: str = ";", client_company_id: int | None = None) -> str:
        """Every product with its barcodes, one row per bin it has a place in (one row without a bin if none)."""
        out, writer = _writer(delimiter, STOCK_COLUMNS)
        with self._sessions() as session:
            paths = {info.id: info.path.split(" / ") for info in locations(session, include_inactive=True)}
            query = select(ProductRow, ClientCompany.name).outerjoin(
                ClientCompany, ClientCompany.id == ProductRow.client_company_id
            )
            if client_company_id is not None:
                query = query.where(ProductRow.client_company_id == client_company_id)
            products = session.execute(query.order_by(ClientCompany.name, ProductRow.stock_code)).all()
            barcodes: dict[int, list[str]] = {}
            for pid, code, multiplier in session.execute(
                select(ProductBarcode.product_id, ProductBarcode.barcode, ProductBarcode.multiplier).order_by(
                    ProductBarcode.id
                )
            ):
                barcodes.setdefault(pid, []).append(code if multiplier == 1 else f"{code}*{multiplier}")
            placed: dict[int, list[tuple[int, int]]] = {}
            for pid, location_id, quantity in session.execute(
                select(LocationStock.product_id, LocationStock.location_id, LocationStock.quantity)
            ):
                placed.setdefault(pid, []).append((location_id, quantity))
            for product, client in products:
                head = [
                    client or "",
                    product.stock_code,
                    product.name,
                    product.colour or "",
                    product.size or "",
                    "|".join(barcodes.get(product.id, [])),
                ]
                threshold = "" if product.low_stock_threshold is None else str(product.low_stock_threshold)
                rows = sorted(placed.get(product.id, []), key=lambda item: paths.get(item[0], [""]))
                if not rows:
                    writer.writerow([*head, "", "", "", "", threshold])
                for location_id, quantity in rows:
                    writer.writerow([*head, *paths.get(location_id, ["", "", ""]), str(quantity), threshold])
        return out.getvalue()


def _writer(delimiter: str, columns: Sequence[str]) -> tuple[io.StringIO, csv._writer]:  # type: ignore[name-defined]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    return out, writer


def _summary(kind: CsvKind, rows: int, tally: _Tally) -> ImportSummary:
    c = tally.counts.get
    return ImportSummary(
        kind,
        rows,
        products_created=c("products_created", 0),
        products_updated=c("products_updated", 0),
        barcodes_added=c("barcodes_added", 0),
        locations_created=c("locations_created", 0),
        locations_updated=c("locations_updated", 0),
        thresholds_set=c("thresholds_set", 0),
        movements=c("movements", 0),
        units_in=c("units_in", 0),
        units_out=c("units_out", 0),
    )


# -- locations ---------------------------------------------------------------------------------------------


def _import_locations(session: Session, rows: list[LocationRow], tally: _Tally) -> None:
    for row in rows:
        try:
            _one_location(session, row, tally)
        except StockError as exc:
            tally.errors.append(RowError(row.line, str(exc)))


def _one_location(session: Session, row: LocationRow, tally: _Tally) -> None:
    path = [(LocationKind.WAREHOUSE, row.warehouse)]
    if row.zone:
        path.append((LocationKind.ZONE, row.zone))
    if row.bin:
        path.append((LocationKind.BIN, row.bin))
    parent: int | None = None
    for depth, (kind, code) in enumerate(path):
        last = depth == len(path) - 1
        same = StockLocation.parent_id.is_(None) if parent is None else StockLocation.parent_id == parent
        existing = session.scalars(select(StockLocation).where(same, StockLocation.code == code)).one_or_none()
        if existing is None:
            parent = create_location(
                session,
                kind,
                code,
                parent_id=parent,
                name=row.name if last else "",
                barcode=row.barcode if last else "",
                sellable=row.sellable if last else True,
            )
            tally.add("locations_created")
            continue
        if existing.kind != kind.value:
            raise StockError(_("{code} is a {kind} already").format(code=code, kind=LocationKind(existing.kind).label))
        parent = existing.id
        if last and _update_location(session, existing, row):
            tally.add("locations_updated")


def _update_location(session: Session, existing: StockLocation, row: LocationRow) -> bool:
    changed = False
    if row.name and row.name != existing.name:
        existing.name, changed = row.name, True
    if row.barcode and row.barcode != existing.barcode:
        holder = session.scalar(select(StockLocation.code).where(StockLocation.barcode == row.barcode))
        if holder is not None:
            raise StockError(
                _("barcode {barcode} already names location {code}").format(barcode=row.barcode, code=holder)
            )
        existing.barcode, changed = row.barcode, True
    if row.sellable != existing.sellable:
        raise StockError(
            _(
                "{code} exists as {state}: change whether it is sellable on the admin page, where its stock is checked"
            ).format(code=existing.code, state=_("sellable") if existing.sellable else _("not sellable"))
        )
    session.flush()
    return changed


# -- stock -------------------------------------------------------------------------------------------------


def _import_stock(session: Session, rows: list[StockRow], tally: _Tally, *, note: str, user_id: int | None) -> None:
    clients = {name.casefold(): cid for cid, name in session.execute(select(ClientCompany.id, ClientCompany.name))}
    bins = {tuple(info.path.split(" / ")): info.id for info in locations(session) if info.kind is LocationKind.BIN}
    resolved: list[tuple[StockRow, int, int | None]] = []  # row, product id, bin id
    for row in rows:
        client_id = _client(row, clients, tally)
        if client_id is None:
            continue
        bin_id = None
        if row.path is not None:
            bin_id = bins.get(row.path)
            if bin_id is None:
                tally.errors.append(
                    RowError(
                        row.line,
                        _("there is no bin {path}: import the locations file first").format(path=" / ".join(row.path)),
                    )
                )
                continue
        product_id = _product(session, row, client_id, tally)
        if product_id is None:
            continue
        resolved.append((row, product_id, bin_id))
    if tally.errors:
        return
    _levels(session, resolved, tally, note=note, user_id=user_id)


def _client(row: StockRow, clients: dict[str, int], tally: _Tally) -> int | None:
    if row.client:
        found = clients.get(row.client.casefold())
        if found is None:
            tally.errors.append(RowError(row.line, _("no client company {name}").format(name=row.client)))
        return found
    if len(clients) == 1:
        return next(iter(clients.values()))
    tally.errors.append(
        RowError(row.line, _("name the client company in the client column (there are {n})").format(n=len(clients)))
    )
    return None


def _product(session: Session, row: StockRow, client_id: int, tally: _Tally) -> int | None:
    product = session.scalars(
        select(ProductRow).where(ProductRow.client_company_id == client_id, ProductRow.stock_code == row.stock_code)
    ).one_or_none()
    if product is None:
        if not row.name:
            tally.errors.append(
                RowError(row.line, _("{code} is a new product: it needs a name").format(code=row.stock_code))
            )
            return None
        product = ProductRow(
            client_company_id=client_id,
            stock_code=row.stock_code,
            name=row.name,
            colour=row.colour or None,
            size=row.size or None,
        )
        session.add(product)
        session.flush()
        tally.add("products_created")
    else:
        wanted = {
            "name": row.name or product.name,
            "colour": row.colour or product.colour,
            "size": row.size or product.size,
        }
        if any(getattr(product, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(product, key, value)
            tally.add("products_updated")
    if row.threshold is not None and row.threshold != product.low_stock_threshold:
        product.low_stock_threshold = row.threshold
        tally.add("thresholds_set")
    for code, multiplier in row.barcodes:
        owners = session.execute(
            select(ProductBarcode, ProductRow.stock_code)
            .join(ProductRow, ProductRow.id == ProductBarcode.product_id)
            .where(ProductBarcode.barcode == code, ProductRow.client_company_id == client_id)
        ).all()
        other = next((stock_code for entry, stock_code in owners if entry.product_id != product.id), None)
        if other is not None:
            tally.errors.append(
                RowError(row.line, _("barcode {code} belongs to {other}").format(code=code, other=other))
            )
            return None
        own = next((entry for entry, _code in owners if entry.product_id == product.id), None)
        if own is None:
            session.add(ProductBarcode(product_id=product.id, barcode=code, multiplier=multiplier))
            tally.add("barcodes_added")
        elif own.multiplier != multiplier:
            own.multiplier = multiplier
            tally.add("products_updated")
    session.flush()
    return product.id


def _levels(
    session: Session, resolved: list[tuple[StockRow, int, int | None]], tally: _Tally, *, note: str, user_id: int | None
) -> None:
    placed = [(row, pid, bin_id) for row, pid, bin_id in resolved if bin_id is not None]
    if not placed:
        return
    lock_levels(session, {pid for _row, pid, _bin in placed})
    current = {
        (location, product): quantity
        for location, product, quantity in session.execute(
            select(LocationStock.location_id, LocationStock.product_id, LocationStock.quantity).where(
                LocationStock.product_id.in_({pid for _row, pid, _bin in placed})
            )
        )
    }
    moves = []
    assign = []
    for row, pid, bin_id in placed:
        assert bin_id is not None
        have = current.get((bin_id, pid))
        if row.quantity is None or row.quantity == (have or 0):
            if have is None:
                assign.append({"location_id": bin_id, "product_id": pid, "quantity": 0})
            continue
        delta = row.quantity - (have or 0)
        moves.append(
            StockMove(
                pid,
                delta,
                StockReason.IMPORT,
                location_id=bin_id,
                user_id=user_id,
                note=f"{note[:150]} line {row.line}",
            )
        )
        tally.add("movements")
        tally.add("units_in" if delta > 0 else "units_out", abs(delta))
    if assign:
        session.execute(insert(LocationStock).on_conflict_do_nothing(), assign)
    apply_movements(session, moves)
