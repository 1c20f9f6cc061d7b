"""The marketplace's own label for a parcel, where the marketplace issues one (Trendyol's common label,
Hepsiburada's common barcode): the label dispatcher asks here before printing ours."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from packstation.domain.marketplace import LabelFormat
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.writes import MarketplaceLabel
from packstation.services.outbox.picking_first import PickingFirst
from packstation.services.packing.model import OpenedPackage
from packstation.services.printing.dispatch import MarketplaceLabelSource
from packstation.services.sync.hepsiburada import PackageNumbers, hepsiburada_label


def marketplace_label_source(
    clients: Callable[[str], MarketplaceClient],
    sessions: sessionmaker[Session],
    *,
    picking_first: PickingFirst | None = None,
) -> MarketplaceLabelSource:
    """The marketplace's own label for a parcel (Trendyol's common label, Hepsiburada's common barcode),
    asked for in the printer's format, or None where we print ours. ``clients(account)`` is the client
    of a configured account (the marketplace jobs' ``clients.by_name``).

    Where the label needs the package Picking first (Trendyol), Picking is made sure of before the label
    is asked for (:class:`~packstation.services.outbox.picking_first.PickingFirst`).
    """
    picking = picking_first or PickingFirst(sessions)

    def fetch(
        package: OpenedPackage, preferred: LabelFormat, box_count: int, desi: Decimal | None = None
    ) -> MarketplaceLabel | None:
        client = clients(package.account)
        if not client.capabilities.marketplace_label:
            return None
        if isinstance(client, HepsiburadaClient):
            # HB's label is asked for by package number: made (once) when the parcel is packed.
            return hepsiburada_label(
                client,
                PackageNumbers(sessions),
                package.id,
                tracking=package.cargo_tracking_number,
                preferred=preferred,
                box_count=box_count,
                packed_units={line.line_id: line.quantity for line in package.lines},
                desi=desi,
            )
        if client.label_needs_picking(package.cargo_tracking_number):
            picking.ensure(client, package)
        return client.label_for(
            package.external_id, package.cargo_tracking_number, box_count=box_count, preferred=preferred
        )

    return fetch
