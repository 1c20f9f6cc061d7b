"""A parcel in several boxes is created at Hepsiburada with that many parcels (parcelQuantity) and their desi."""

from __future__ import annotations

from decimal import Decimal

from packstation.db.connect import Database
from packstation.domain.boxes import BoxType
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.models import PackageQuery
from packstation.simulators.hepsiburada import (
    MUTUAL_CARRIERS,
    HbSimConfig,
    HepsiburadaServer,
    SimulatedHepsiburada,
    sim_credentials,
)
from tests.services.marketplaces.hb_rig import Rig, rig, stored, sync
from tests.support import wait_until

__all__ = ["rig"]  # the fixture, imported for pytest


def test_two_boxes_make_a_package_of_two_parcels() -> None:
    sim = SimulatedHepsiburada(HbSimConfig(orders=0))
    sim.add_order(lines=2, carrier=sorted(MUTUAL_CARRIERS)[0])  # a carrier that gives shared barcodes
    with HepsiburadaServer(sim) as server:
        client = HepsiburadaClient(sim_credentials(sim), config=HepsiburadaConfig(oms_url=server.base_url))
        [package, *_] = [p for page in client.iter_open_order_pages(PackageQuery()) for p in page.packages]
        number, _barcode, _sent = client.create_package(package, business_key="pack-1", parcel_quantity=2)
        assert sim.packages[number].parcels == 2
        label = client.label_by_number(number)
        assert label is not None and len(label.documents) == 2  # one label per parcel
        assert [b"Koli 1/2" in zpl for zpl in label.documents] == [True, False]


def test_the_boxes_desi_reaches_hb_when_the_station_packs(db: Database, rig: Rig) -> None:
    """At the bench: two boxes whose sizes were scanned; HB's package gets two parcels and their desi."""
    order = rig.sim.add_order(lines=2, carrier="HepsiJet")
    first, second = rig.sim.lines_of(order)
    sync(db, rig)
    assert rig.packing.open(order, user_id=None).package is not None
    rig.packing.choose_box_type(BoxType("K2", Decimal(40), Decimal(30), Decimal(20), "PSBOXK2"))  # 8 desi
    for _ in range(first["quantity"]):
        rig.packing.scan(first["productBarcode"], user_id=None)
    rig.packing.next_box()
    rig.packing.choose_box_type(BoxType("K1", Decimal(30), Decimal(20), Decimal(10), "PSBOXK1"))  # 2 desi
    for _ in range(second["quantity"]):
        rig.packing.scan(second["productBarcode"], user_id=None)
    wait_until(lambda: stored(db, rig, order).marketplace_package_number, timeout=20, what="the HB package")
    package = rig.sim.packages[str(stored(db, rig, order).marketplace_package_number)]
    assert (package.parcels, package.deci) == (2, 10.0)
