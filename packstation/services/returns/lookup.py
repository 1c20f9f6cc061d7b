"""Finding the claim a scanned code names: the return parcel's tracking number, the order number, or the
original package id, as long as the claim is open (not processed here, units still awaiting a decision)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, tuple_, union
from sqlalchemy.orm import Session

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.sync import ClaimItemRow, ClaimRow
from packstation.domain.returns import ClaimedUnit, ClaimItemStatus
from packstation.domain.scan import barcode_key

#: Claim item statuses that still wait for the parcel or for the seller's answer.
OPEN_STATUSES = (ClaimItemStatus.CREATED.value, ClaimItemStatus.WAITING_IN_ACTION.value)


@dataclass(frozen=True)
class OriginalParcel:
    """The parcel that went out: what the return screen shows beside the claim."""

    package_id: int
    external_id: str
    cargo_tracking_number: str
    packed_at: datetime | None
    status: str


@dataclass(frozen=True)
class OpenedReturn:
    """A claim opened at the bench: the claimed units, the customer's reasons and the original parcel."""

    claim_id: int
    external_id: str
    account_id: int
    marketplace: str
    order_number: str
    return_tracking_number: str
    cargo_provider: str
    customer_name: str
    claimed_at: datetime | None
    units: tuple[ClaimedUnit, ...]
    original: OriginalParcel | None = None


def find_open_claim(session: Session, code: str) -> OpenedReturn | None:
    """The open claim ``code`` names (newest first), or None."""
    code = code.strip()
    if not code:
        return None
    # A union of index probes (the return tracking number, the order number, the original parcel's
    # id or tracking number): this runs before every parcel opens, so no scan of the claims table.
    parcels = select(PackageRow.account_id, PackageRow.order_number).where(
        or_(PackageRow.external_id == code, PackageRow.cargo_tracking_number == code)
    )
    candidates = union(
        select(ClaimRow.id).where(ClaimRow.return_tracking_number == code),
        select(ClaimRow.id).where(ClaimRow.order_number == code),
        select(ClaimRow.id).where(tuple_(ClaimRow.account_id, ClaimRow.order_number).in_(parcels)),
    ).subquery()
    open_items = select(ClaimItemRow.id).where(
        ClaimItemRow.claim_id == ClaimRow.id, ClaimItemRow.status.in_(OPEN_STATUSES)
    )
    claim = session.scalars(
        select(ClaimRow)
        .where(ClaimRow.id.in_(select(candidates.c.id)), ClaimRow.processed_at.is_(None), open_items.exists())
        .order_by(ClaimRow.claimed_at.desc().nulls_last(), ClaimRow.id.desc())
        .limit(1)
    ).first()
    return opened_return(session, claim) if claim is not None else None


def opened_return(session: Session, claim: ClaimRow) -> OpenedReturn:
    """``claim`` as the bench shows it, each unit with the barcodes that identify its product."""
    account = session.get(MarketplaceAccountRow, claim.account_id)
    original = session.scalars(
        select(PackageRow)
        .where(PackageRow.account_id == claim.account_id, PackageRow.order_number == claim.order_number)
        .order_by(PackageRow.packed_at.desc().nulls_last(), PackageRow.id.desc())
        .limit(1)
    ).first()
    line_products: dict[str, int] = {}
    if original is not None:
        for line in session.scalars(select(PackageLineRow).where(PackageLineRow.package_id == original.id)):
            if line.product_id is not None:
                line_products[line.external_line_id] = line.product_id
    items = sorted(claim.items, key=lambda item: item.id)
    client = account.client_company_id if account is not None else None
    products = {item.id: line_products.get(item.order_line_id) or _product(session, item, client) for item in items}
    keys = _keys(session, {pid for pid in products.values() if pid is not None})
    units = tuple(
        ClaimedUnit(
            claim_item_id=item.id,
            external_id=item.external_id,
            barcode=item.barcode or "",
            product_name=item.product_name or "",
            product_id=products[item.id],
            keys=frozenset({*keys.get(products[item.id] or 0, ()), *_own_keys(item.barcode)}),
            status=item.status,
            customer_reason=item.reason_name or "",
            customer_note=item.customer_note or "",
        )
        for item in items
        if item.status in OPEN_STATUSES
    )
    return OpenedReturn(
        claim_id=claim.id,
        external_id=claim.external_id,
        account_id=claim.account_id,
        marketplace=account.kind if account is not None else "",
        order_number=claim.order_number,
        return_tracking_number=claim.return_tracking_number or "",
        cargo_provider=claim.cargo_provider or "",
        customer_name=claim.customer_name or "",
        claimed_at=claim.claimed_at,
        units=units,
        original=OriginalParcel(
            original.id, original.external_id, original.cargo_tracking_number or "", original.packed_at, original.status
        )
        if original is not None
        else None,
    )


def _own_keys(barcode: str | None) -> tuple[str, ...]:
    return (barcode.strip(), barcode_key(barcode)) if barcode else ()


def _product(session: Session, item: ClaimItemRow, client: int | None) -> int | None:
    """The catalogue's product for a claimed unit: by its barcode, else by its stock code (the client's first)."""
    order = (ProductRow.client_company_id != client, ProductRow.id) if client is not None else (ProductRow.id,)
    if item.barcode:
        found = session.scalar(
            select(ProductRow.id)
            .join(ProductBarcode, ProductBarcode.product_id == ProductRow.id)
            .where(ProductBarcode.barcode.in_({item.barcode.strip(), barcode_key(item.barcode)}))
            .order_by(*order)
            .limit(1)
        )
        if found is not None:
            return int(found)
    if item.stock_code:
        found = session.scalar(
            select(ProductRow.id).where(ProductRow.stock_code == item.stock_code).order_by(*order).limit(1)
        )
        if found is not None:
            return int(found)
    return None


def _keys(session: Session, product_ids: set[int]) -> dict[int, set[str]]:
    """Each product's unit barcodes as look-up keys (a case barcode is not one returned unit)."""
    keys: dict[int, set[str]] = {}
    if not product_ids:
        return keys
    rows = session.execute(
        select(ProductBarcode.product_id, ProductBarcode.barcode).where(
            ProductBarcode.product_id.in_(product_ids), ProductBarcode.multiplier == 1
        )
    )
    for product_id, barcode in rows:
        keys.setdefault(product_id, set()).update({barcode.strip(), barcode_key(barcode)})
    return keys
