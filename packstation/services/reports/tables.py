"""Report tables and their CSV and XLSX forms (openpyxl): figures, parcels and billing lines."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from packstation.i18n import _
from packstation.services.reports.model import Figures, Grouping, ParcelRow

if TYPE_CHECKING:
    from packstation.services.reports.billing import InvoiceLine

Cell = str | int | float | Decimal | datetime | None


@dataclass(frozen=True)
class Table:
    """A titled grid of typed cells: what CSV, XLSX and PDF outputs are made from."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def figures_table(rows: Sequence[Figures], grouping: Grouping, *, title: str) -> Table:
    """Throughput figures, one row per packer, station, hour or day."""
    first = {
        Grouping.PACKER: _("Packer"),
        Grouping.STATION: _("Station"),
        Grouping.HOUR: _("Hour"),
        Grouping.DAY: _("Day"),
        Grouping.TOTAL: "",
    }[grouping]
    headers = (
        first,
        _("Parcels"),
        _("Items"),
        _("Active hours"),
        _("Parcels per hour"),
        _("Median s per parcel"),
        _("Wrong items"),
        _("Unknown barcodes"),
        _("Over-scans"),
        _("Errors per 100 items"),
    )
    return Table(
        title,
        headers,
        tuple(
            (
                f.key,
                f.parcels,
                f.items,
                f.active_hours,
                f.parcels_per_hour,
                f.median_parcel_seconds,
                f.wrong_items,
                f.unknown_barcodes,
                f.over_scans,
                f.error_rate,
            )
            for f in rows
        ),
    )


def parcels_table(rows: Iterable[ParcelRow], *, title: str) -> Table:
    """Every packed parcel with who packed it, where, and how long it took."""
    headers = (
        _("Completed"),
        _("Package"),
        _("Order"),
        _("Client"),
        _("Marketplace"),
        _("Account"),
        _("Station"),
        _("Packer"),
        _("Seconds"),
    )
    return Table(
        title,
        headers,
        tuple(
            (
                r.completed_at,
                r.package,
                r.order_number,
                r.client,
                r.marketplace,
                r.account,
                r.station,
                r.packer,
                None if r.seconds is None else round(r.seconds, 1),
            )
            for r in rows
        ),
    )


def invoice_table(lines: Sequence[InvoiceLine], *, title: str) -> Table:
    """One row per client company: its period's days (inclusive), parcels, tier and amount."""
    from packstation.services.reports.billing import price_text

    headers = (
        _("Client"),
        _("First day"),
        _("Last day"),
        _("Parcels"),
        _("Tier"),
        _("Pricing"),
        _("Unit price"),
        _("Parcel amount"),
        _("Storage"),
        _("Amount"),
        _("Currency"),
        _("Returns"),
        _("Return fees"),
    )
    return Table(
        title,
        headers,
        tuple(
            (
                line.client,
                line.period.start.isoformat(),
                (line.period.end - timedelta(days=1)).isoformat(),
                line.parcels,
                line.tier,
                line.pricing.value,
                Decimal(price_text(line.unit_price)),
                line.parcel_amount,
                line.storage_charge,
                line.amount,
                line.currency,
                line.returns,
                line.return_amount,
            )
            for line in lines
        ),
    )


def cell_text(cell: Cell) -> str:
    """A cell as text (local times without zone, empty for None)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return str(cell)


def write_csv(table: Table, stream: TextIO) -> None:
    """The table as CSV (comma-separated, header row first, local times without zone)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([cell_text(cell) for cell in row])


def write_xlsx(tables: Sequence[Table], path: Path) -> None:
    """The tables as one workbook, a sheet each, numbers and money as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    default_sheet = workbook.active  # a new workbook always has one; openpyxl types it as optional
    if default_sheet is not None:
        workbook.remove(default_sheet)
    for table in tables:
        # Sheet names are at most 31 characters and may not hold []:*?/\
        name = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "Sheet"
        sheet = workbook.create_sheet(name)
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([cell.replace(tzinfo=None) if isinstance(cell, datetime) else cell for cell in row])
        for index, header in enumerate(table.headers, start=1):
            values = [header, *(cell_text(r[index - 1]) for r in table.rows[:200])]
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(
                45, max(8, *(len(v) + 2 for v in values))
            )
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
