"""A parcel in several boxes is created at Hepsiburada with that many parcels (parcelQuantity)."""

from __future__ import annotations

from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.models import PackageQuery
from packstation.simulators.hepsiburada import (
    MUTUAL_CARRIERS,
    HepsiburadaServer,
    SimConfig,
    SimulatedHepsiburada,
    sim_credentials,
)


def test_two_boxes_make_a_package_of_two_parcels() -> None:
    sim = SimulatedHepsiburada(SimConfig(orders=0))
    sim.add_order(lines=2, carrier=sorted(MUTUAL_CARRIERS)[0])  # a carrier that gives shared barcodes
    with HepsiburadaServer(sim) as server:
        client = HepsiburadaClient(sim_credentials(sim), config=HepsiburadaConfig(oms_url=server.base_url))
        [package, *_] = [p for page in client.iter_open_order_pages(PackageQuery()) for p in page.packages]
        number, _barcode, _sent = client.create_package(package, business_key="pack-1", parcel_quantity=2)
        assert sim.packages[number].parcels == 2
        label = client.label_by_number(number)
        assert label is not None and len(label.documents) == 2  # one label per parcel
        assert [b"Koli 1/2" in zpl for zpl in label.documents] == [True, False]
