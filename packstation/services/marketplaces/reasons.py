"""The unsupplied reasons each marketplace publishes: the only ones the station offers a packer.

Each marketplace's list lives beside the client that sends it (one place per marketplace); this module
only gathers them. A reason a marketplace does not publish is never offered for its parcels: sending a
false one (Trendyol's 500 "out of stock" for "other") would misreport the seller.
"""

from __future__ import annotations

from collections.abc import Mapping

from packstation.domain.marketplace import Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.services.marketplaces.hepsiburada.config import REASON_IDS as HEPSIBURADA_REASON_IDS
from packstation.services.marketplaces.n11.client import REASON_IDS as N11_REASON_IDS
from packstation.services.marketplaces.trendyol.client import REASON_IDS as TRENDYOL_REASON_IDS

#: Marketplace → its published reasons and their ids, in the marketplace's own order.
PUBLISHED: Mapping[Marketplace, Mapping[UnsuppliedReason, int]] = {
    Marketplace.TRENDYOL: TRENDYOL_REASON_IDS,
    Marketplace.HEPSIBURADA: HEPSIBURADA_REASON_IDS,
    Marketplace.N11: N11_REASON_IDS,
}


def unsupplied_reasons(marketplace: Marketplace | None) -> tuple[UnsuppliedReason, ...]:
    """The reasons a packer may give for ``marketplace``'s parcel, in the order it publishes them.

    None (a parcel of no marketplace: a test or an imported order) tells nobody, so every reason is offered.
    """
    if marketplace is None:
        return tuple(UnsuppliedReason)
    ids = PUBLISHED[marketplace]
    return tuple(sorted(ids, key=ids.__getitem__))
