"""The unsupplied reasons a packer is offered are each marketplace's published list, nothing else."""

from __future__ import annotations

from packstation.domain.marketplace import Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.services.marketplaces.reasons import unsupplied_reasons
from packstation.services.marketplaces.trendyol.client import REASON_IDS


def test_trendyol_offers_its_six_and_never_other() -> None:
    offered = unsupplied_reasons(Marketplace.TRENDYOL)
    assert UnsuppliedReason.OTHER not in offered
    # In Trendyol's order: 500 stock out, 501 defective, 502 price, 504 integration, 505 bulk, 506 force majeure.
    assert [REASON_IDS[reason] for reason in offered] == [500, 501, 502, 504, 505, 506]


def test_hepsiburada_offers_its_one_published_reason() -> None:
    assert unsupplied_reasons(Marketplace.HEPSIBURADA) == (UnsuppliedReason.OUT_OF_STOCK,)  # reasonId 83


def test_n11_publishes_an_other() -> None:
    assert unsupplied_reasons(Marketplace.N11) == (
        UnsuppliedReason.OUT_OF_STOCK,
        UnsuppliedReason.DEFECTIVE,
        UnsuppliedReason.WRONG_PRICE,
        UnsuppliedReason.FORCE_MAJEURE,
        UnsuppliedReason.OTHER,
    )


def test_a_parcel_of_no_marketplace_tells_nobody_so_every_reason_is_offered() -> None:
    assert set(unsupplied_reasons(None)) == set(UnsuppliedReason)
