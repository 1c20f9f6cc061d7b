"""``packstation demo --marketplace hepsiburada``: the demo's account reaches the strict HB stand-in."""

from __future__ import annotations

from packstation.demo.marketplace import start_demo_marketplace
from packstation.domain.marketplace import Marketplace
from packstation.services.access.secrets import SecretStore
from packstation.services.marketplaces import PackageQuery
from packstation.services.sync.accounts import client_for


def test_the_hepsiburada_demo_account_lists_its_orders() -> None:
    demo = start_demo_marketplace(packages=5, seed=4, kind=Marketplace.HEPSIBURADA)
    try:
        assert demo.account.kind is Marketplace.HEPSIBURADA
        demo.add_order()
        with client_for(demo.account, SecretStore()) as client:
            packages = [p for page in client.iter_package_pages(PackageQuery()) for p in page.packages]
        assert len(packages) == 6
    finally:
        demo.stop()


def test_trendyol_stays_the_default() -> None:
    demo = start_demo_marketplace(packages=3, seed=4)
    try:
        assert demo.account.kind is Marketplace.TRENDYOL
    finally:
        demo.stop()
