"""The demo has returns to process: parcels that were sent come back as claims waiting for the seller."""

from __future__ import annotations

from packstation.demo.marketplace import start_demo_marketplace
from packstation.domain.status import PackageStatus


def test_the_demo_marketplace_claims_delivered_parcels_back() -> None:
    marketplace = start_demo_marketplace(packages=10, returns=2)
    try:
        simulator = marketplace.simulator
        claims = list(simulator.claims.claims.values())  # type: ignore[union-attr]
        assert len(claims) == 2
        for claim in claims:
            [package] = simulator.packages_of_order(claim["orderNumber"])  # type: ignore[union-attr]
            assert package.status is PackageStatus.DELIVERED
            assert {i["claimItemStatus"]["name"] for line in claim["items"] for i in line["claimItems"]} == {
                "WaitingInAction"
            }
        # Later, a parcel the station sent is delivered and claimed back; never the same order twice.
        again = marketplace.return_delivered()
        assert again is not None and again not in {claim["id"] for claim in claims}
    finally:
        marketplace.stop()
