"""Rows the package sync writes: packages, lines, catalogue products, successor links (Qt-free)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models import Package, Product, ProductBarcode
from packstation.domain.status import PackageStatus as StoredStatus
from packstation.services.marketplaces.models import PackageStatus, RemotePackage

log = logging.getLogger("packstation.services.sync")

#: The database keeps the domain's vocabulary; statuses it lacks map to their packing meaning.
STORED = {
    PackageStatus.AWAITING: StoredStatus.AWAITING,
    PackageStatus.CREATED: StoredStatus.CREATED,
    PackageStatus.PICKING: StoredStatus.PICKING,
    PackageStatus.INVOICED: StoredStatus.INVOICED,
    PackageStatus.SHIPPED: StoredStatus.SHIPPED,
    PackageStatus.AT_COLLECTION_POINT: StoredStatus.SHIPPED,
    PackageStatus.UNDELIVERED: StoredStatus.SHIPPED,
    PackageStatus.DELIVERED: StoredStatus.DELIVERED,
    PackageStatus.RETURNED: StoredStatus.RETURNED,
    PackageStatus.CANCELLED: StoredStatus.CANCELLED,
    PackageStatus.UNSUPPLIED: StoredStatus.UNSUPPLIED,
    PackageStatus.UNPACKED: StoredStatus.CANCELLED,  # replaced by its split packages: never pack it
    PackageStatus.UNKNOWN: StoredStatus.UNKNOWN,
}


def package_row(account_id: int, package: RemotePackage) -> dict[str, Any]:
    """The ``packages`` row of a remote package."""
    address = package.shipment_address
    street = ""
    if address is not None:
        street = " ".join(part for part in (address.address1, address.address2) if part) or address.full_address
    return {
        "account_id": account_id,
        "external_id": package.package_id,
        "order_number": package.order_number,
        "status": STORED[package.status].value,
        "cargo_tracking_number": package.cargo_tracking_number or None,
        "cargo_provider": package.cargo_provider or None,
        "customer_name": package.customer_name or (address.full_name if address else ""),
        "address_line": street,
        "district": address.district if address else "",
        "city": address.city if address else "",
        "phone": (address.phone or None) if address else None,
        "order_date": package.order_date,
        "remote_modified_at": package.last_modified,
        "raw": jsonable(package.raw),
    }


def line_row(package_id: int, line: Any, product_id: int | None) -> dict[str, Any]:
    """The ``package_lines`` row of a remote line."""
    return {
        "package_id": package_id,
        "external_line_id": line.line_id,
        "barcode": line.barcode,
        "stock_code": line.stock_code or None,
        "product_name": line.product_name,
        "colour": line.color or None,
        "size": line.size or None,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "product_id": product_id,
    }


def jsonable(value: Any) -> Any:
    """The raw payload for JSONB: Decimals become JSON numbers, big ints stay exact."""
    # A round trip through the C encoder and decoder is several times faster than walking the
    # payload in Python, and this runs for every package of every sync.
    return json.loads(json.dumps(value, default=_number))


def _number(value: object) -> int | float:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    raise TypeError(f"cannot store {type(value).__name__} in a raw payload")


def ensure_products(session: Session, company_id: int, packages: Iterable[RemotePackage]) -> tuple[int, dict[str, int]]:
    """Add catalogue products for line barcodes the company does not know; return (added, barcode→id)."""
    seen = {line.barcode: line for package in packages for line in package.lines}
    known = dict(
        session.execute(
            select(ProductBarcode.barcode, ProductBarcode.product_id)
            .join(Product, Product.id == ProductBarcode.product_id)
            .where(Product.client_company_id == company_id, ProductBarcode.barcode.in_(seen))
        ).all()
    )
    missing = [line for barcode, line in seen.items() if barcode not in known]
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
    added = connection.execute(
        insert(Product.__table__).on_conflict_do_nothing().returning(Product.__table__.c.id), rows
    ).all()
    codes = {row["stock_code"] for row in rows}
    ids = dict(
        session.execute(
            select(Product.stock_code, Product.id).where(
                Product.client_company_id == company_id, Product.stock_code.in_(codes)
            )
        ).all()
    )
    barcodes = [{"product_id": ids[line.stock_code or line.barcode], "barcode": line.barcode} for line in missing]
    connection.execute(insert(ProductBarcode.__table__).on_conflict_do_nothing(), barcodes)
    for line in missing:
        known[line.barcode] = ids[line.stock_code or line.barcode]
    return len(added), known


def link_successors(session: Session, account_id: int, successors: dict[str, tuple[str, ...]]) -> int:
    """Point each successor at its (first) origin package, where the origin is stored."""
    pairs = {successor: origins[0] for successor, origins in successors.items() if origins}
    if not pairs:
        return 0
    origin_ids = dict(
        session.execute(
            select(Package.external_id, Package.id).where(
                Package.account_id == account_id, Package.external_id.in_(set(pairs.values()))
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
            update(Package)
            .where(
                Package.account_id == account_id,
                Package.external_id == successor,
                Package.origin_package_id.is_distinct_from(origin_id),
            )
            .values(origin_package_id=origin_id)
        )
        linked += result.rowcount  # type: ignore[attr-defined]
    return linked
