"""Rows the package sync writes: packages, lines, catalogue products, successor links (Qt-free)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Table, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces.models import RemoteLine, RemotePackage

log = logging.getLogger("packstation.services.sync.pull")


def package_row(account_id: int, package: RemotePackage) -> dict[str, Any]:
    """The ``packages`` row of a remote package; ``raw`` as received (see :func:`jsonable`)."""
    address = package.shipment_address
    street = ""
    if address is not None:
        street = " ".join(part for part in (address.address1, address.address2) if part) or address.full_address
    return {
        "account_id": account_id,
        "external_id": package.package_id,
        "order_number": package.order_number,
        "status": package.status.stored.value,
        "cargo_tracking_number": package.cargo_tracking_number or None,
        "cargo_provider": package.cargo_provider or None,
        "customer_name": package.customer_name or (address.full_name if address else ""),
        "address_line": street,
        "district": address.district if address else "",
        "city": address.city if address else "",
        "phone": (address.phone or None) if address else None,
        "order_date": package.order_date,
        "remote_modified_at": package.last_modified,
        "raw": package.raw,
        "marketplace_package_number": package.package_number or None,
    }


def line_row(package_id: int, line: Any, product_id: int | None) -> dict[str, Any]:
    """The ``package_lines`` row of a remote line."""
    return {"package_id": package_id} | line_values(line, product_id)


def line_values(line: Any, product_id: int | None) -> dict[str, Any]:
    """A remote line's ``package_lines`` columns, all but the package it belongs to."""
    return {
        "external_line_id": line.line_id,
        "barcode": line.barcode,
        "stock_code": line.stock_code or None,
        "product_name": line.product_name,
        "colour": line.color or None,
        "size": line.size or None,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "product_id": product_id,
        "order_number": line.order_number or None,
    }


def jsonable(value: Any) -> Any:
    """A raw payload as plain JSON values (for the ORM): Decimals become numbers, big ints stay exact."""
    return json.loads(json.dumps(value, default=_json_value))


def json_text(value: Any) -> str:
    """JSON text as PostgreSQL reads it (``json_to_recordset``, COPY), made by the C encoder."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_value)


#: Rows encoded per call of the C encoder. It holds the GIL for the whole call: one call for a
#: batch of thousands of packages would freeze the packing thread for a tenth of a second.
_ROWS_PER_CALL = 50


def json_rows(rows: Sequence[dict[str, Any]]) -> str:
    """A JSON array of ``rows``, encoded a few rows at a time so other threads get the GIL between them."""
    parts = (json_text(rows[start : start + _ROWS_PER_CALL])[1:-1] for start in range(0, len(rows), _ROWS_PER_CALL))
    return "[" + ",".join(part for part in parts if part) + "]"


def _json_value(value: object) -> int | float | str:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"naive datetime {value!r} in a row: every stored time is aware")
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def ensure_products(
    session: Session, company_id: int, packages: Iterable[RemotePackage], *, known: dict[str, int] | None = None
) -> tuple[int, dict[str, int]]:
    """Add catalogue products for line barcodes the company does not know; return (added, barcode→id).

    ``known``: barcodes already resolved (by earlier batches of the same sync); it is extended and
    returned, so a sync looks each barcode up once instead of once per batch.
    """
    return ensure_line_products(session, company_id, (line for p in packages for line in p.lines), known=known)


def ensure_line_products(
    session: Session, company_id: int, lines: Iterable[RemoteLine], *, known: dict[str, int] | None = None
) -> tuple[int, dict[str, int]]:
    """:func:`ensure_products` for loose lines (a claim's returned lines name products too)."""
    known = {} if known is None else known
    seen = {line.barcode: line for line in lines if line.barcode not in known}
    if not seen:
        return 0, known
    known.update(
        session.execute(
            select(ProductBarcode.barcode, ProductBarcode.product_id)
            .join(ProductRow, ProductRow.id == ProductBarcode.product_id)
            .where(ProductRow.client_company_id == company_id, ProductBarcode.barcode.in_(seen))
        ).all()
    )
    # In key order, so that concurrent sync writers lock new products in the same order.
    missing = [line for barcode, line in seen.items() if barcode not in known]
    missing.sort(key=lambda line: line.stock_code or line.barcode)
    if not missing:
        return 0, known
    rows = [
        {
            "client_company_id": company_id,
            # Without a seller SKU the barcode is the best stable key the marketplace gives us.
            "stock_code": line.stock_code or line.barcode,
            "name": line.product_name or line.barcode,
            "colour": line.color or None,
            "size": line.size or None,
        }
        for line in missing
    ]
    connection = session.connection()  # Core executemany: batched multi-row INSERTs, compiled once
    inserted = connection.execute(
        insert(ProductRow.__table__).on_conflict_do_nothing().returning(ProductRow.__table__.c.id), rows
    ).all()
    codes = {row["stock_code"] for row in rows}
    ids = dict(
        session.execute(
            select(ProductRow.stock_code, ProductRow.id).where(
                ProductRow.client_company_id == company_id, ProductRow.stock_code.in_(codes)
            )
        ).all()
    )
    barcodes = [{"product_id": ids[line.stock_code or line.barcode], "barcode": line.barcode} for line in missing]
    connection.execute(insert(ProductBarcode.__table__).on_conflict_do_nothing(), barcodes)
    for line in missing:
        known[line.barcode] = ids[line.stock_code or line.barcode]
    return len(inserted), known


def link_successors(session: Session, account_id: int, successors: dict[str, tuple[str, ...]]) -> int:
    """Point each successor at its (first) origin package, where the origin is stored."""
    pairs = {successor: origins[0] for successor, origins in successors.items() if origins}
    if not pairs:
        return 0
    origin_ids = dict(
        session.execute(
            select(PackageRow.external_id, PackageRow.id).where(
                PackageRow.account_id == account_id, PackageRow.external_id.in_(set(pairs.values()))
            )
        ).all()
    )
    linked = 0
    for successor, origin in pairs.items():  # a few per sync: one small UPDATE each is fine
        origin_id = origin_ids.get(origin)
        if origin_id is None:
            log.warning("origin not stored account=%d package=%s origin=%s", account_id, successor, origin)
            continue
        result = session.execute(
            update(PackageRow)
            .where(
                PackageRow.account_id == account_id,
                PackageRow.external_id == successor,
                PackageRow.origin_package_id.is_distinct_from(origin_id),
            )
            .values(origin_package_id=origin_id)
        )
        linked += result.rowcount  # type: ignore[attr-defined]
    return linked


@dataclass(frozen=True, slots=True)
class Written:
    """A package row the upsert inserted or changed (an unchanged copy returns nothing)."""

    id: int
    external_id: str
    status: str
    inserted: bool
    #: The stored status before this write, read only for packages arriving as cancelled/unsupplied.
    previous_status: str | None


#: Stored statuses that mean "do not pack or ship this package": a packer working on it must stop.
STOPPING = frozenset({PackageStatus.CANCELLED.value, PackageStatus.UNSUPPLIED.value})

#: Package columns a sync overwrites; local packing state (claims, packed_at, weights) is never among them.
REMOTE_PACKAGE_COLUMNS = (
    "order_number",
    "status",
    "cargo_tracking_number",
    "cargo_provider",
    "customer_name",
    "address_line",
    "district",
    "city",
    "phone",
    "order_date",
    "remote_modified_at",
    "raw",
)
_LINE_COLUMNS = (
    "external_line_id",
    "barcode",
    "stock_code",
    "product_name",
    "colour",
    "size",
    "quantity",
    "unit_price",
    "product_id",
    "order_number",
)


def _record_type(table: Table, columns: Sequence[str]) -> str:
    """``json_to_recordset``'s column definition list, typed as the table's columns are."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in columns)


@cache
def _upsert_sql() -> Any:
    packages = PackageRow.__table__
    lines = PackageLineRow.__table__
    package_columns = ("account_id", "external_id", *REMOTE_PACKAGE_COLUMNS, "marketplace_package_number")
    listed = ", ".join(package_columns)
    line_listed = ", ".join(_LINE_COLUMNS)
    picked = ", ".join(f"r.{name}" for name in package_columns if name != "raw")
    # One statement per batch: the rows travel as JSON documents (serialised by the C encoder, parsed
    # by PostgreSQL), which is several times faster than binding thousands of parameters. A row's raw
    # payload is its own "raw", or element ``item`` of the ``content`` of page reply ``page``: the
    # marketplace's own bytes, parsed once as jsonb, never re-encoded in Python.
    # All parts see the same snapshot, so ``before`` reads the statuses as they were.
    return text(f"""
        WITH sent AS (
            SELECT reply.position - 1 AS page, element.position - 1 AS item, element.value AS raw
            FROM jsonb_array_elements(CAST(:replies AS jsonb)) WITH ORDINALITY AS reply(body, position)
            CROSS JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(reply.body -> 'content') = 'array' THEN reply.body -> 'content' END
            ) WITH ORDINALITY AS element(value, position)
        ),
        incoming AS MATERIALIZED (
            SELECT {picked}, COALESCE(r.raw, sent.raw) AS raw
            FROM json_to_recordset(CAST(:packages AS json))
                 AS r({_record_type(packages, package_columns)}, page integer, item integer)
            LEFT JOIN sent ON sent.page = r.page AND sent.item = r.item
        ),
        before AS (
            SELECT stored.external_id, stored.status
            FROM packages AS stored JOIN incoming USING (account_id, external_id)
            WHERE incoming.status IN ({", ".join(f"'{status}'" for status in sorted(STOPPING))})
        ),
        upserted AS (
            INSERT INTO packages AS stored ({listed})
            SELECT {listed} FROM incoming
            ON CONFLICT (account_id, external_id) DO UPDATE
            SET {", ".join(f"{name} = EXCLUDED.{name}" for name in REMOTE_PACKAGE_COLUMNS)}, updated_at = now(),
                -- A listing without a package number (open lines) never erases the one packing gave.
                marketplace_package_number = COALESCE(
                    EXCLUDED.marketplace_package_number, stored.marketplace_package_number)
            -- An older or repeated copy (overlapping windows, shifted pages) must not win, and an
            -- identical copy is not rewritten (a second sync in a row changes nothing).
            WHERE stored.remote_modified_at IS NULL
               OR EXCLUDED.remote_modified_at IS NULL
               OR EXCLUDED.remote_modified_at > stored.remote_modified_at
               OR (EXCLUDED.remote_modified_at = stored.remote_modified_at
                   AND (stored.status, stored.cargo_tracking_number, stored.raw)
                       IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.cargo_tracking_number, EXCLUDED.raw))
            RETURNING stored.id, stored.external_id, stored.status, stored.xmax = 0 AS inserted,
                      stored.claimed_by_station_id IS NULL AND stored.packed_at IS NULL AS lines_open
        ),
        written_lines AS (
            INSERT INTO package_lines AS stored (package_id, {line_listed})
            SELECT upserted.id, {", ".join(f"l.{name}" for name in _LINE_COLUMNS)}
            FROM ROWS FROM (
                json_to_recordset(CAST(:lines AS json))
                AS (package_external_id text, {_record_type(lines, _LINE_COLUMNS)})
            ) WITH ORDINALITY AS l(package_external_id, {line_listed}, position)
            JOIN upserted ON upserted.external_id = l.package_external_id
            -- The lines of a parcel a station has claimed or packed stay as the packer saw them: a line
            -- the marketplace adds meanwhile (Hepsiburada orders combined) never joins a box being packed.
            WHERE upserted.lines_open
            ORDER BY l.position  -- line ids keep the marketplace's order, as the pack screen lists them
            ON CONFLICT (package_id, external_line_id) DO UPDATE
            SET {", ".join(f"{name} = EXCLUDED.{name}" for name in _LINE_COLUMNS if name != "external_line_id")}
        )
        SELECT upserted.id, upserted.external_id, upserted.status, upserted.inserted, before.status
        FROM upserted LEFT JOIN before USING (external_id)
    """)


@dataclass(frozen=True, slots=True)
class Received:
    """A package to write, and where its raw payload stands: item ``item`` of page reply ``page``."""

    package: RemotePackage
    page: int | None = None
    item: int | None = None


def upsert_packages(
    session: Session,
    account_id: int,
    packages: Iterable[Received],
    product_ids: dict[str, int],
    *,
    replies: Sequence[str | None] = (),
) -> list[Written]:
    """Insert or update ``packages`` (one copy each) and their lines in one statement.

    ``replies``: the JSON text of the pages the packages came in (see ``PackagePage.reply_json``);
    a package whose page reply is known is stored with that reply's element as its raw payload.
    A package whose stored copy is as new and identical is left alone, lines included.
    """
    package_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    for received in packages:
        package = received.package
        row = package_row(account_id, package)
        if received.page is not None and received.page < len(replies) and replies[received.page] is not None:
            row["raw"], row["page"], row["item"] = None, received.page, received.item
        package_rows.append(row)
        # A line repeated inside one package would make ON CONFLICT touch a row twice: keep the last.
        by_id = {line.line_id: line for line in package.lines}
        line_rows.extend(
            {"package_external_id": package.package_id} | line_values(line, product_ids.get(line.barcode))
            for line in by_id.values()
        )
    if not package_rows:
        return []
    # Pages without a usable reply text travel as JSON null and give no elements.
    sent = "[" + ",".join(reply if reply is not None else "null" for reply in replies) + "]"
    result = session.execute(
        _upsert_sql(), {"packages": json_rows(package_rows), "lines": json_rows(line_rows), "replies": sent}
    )
    return [Written(*row) for row in result]
