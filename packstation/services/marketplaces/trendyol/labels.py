"""Trendyol's common label (``/sellers/{id}/common-label/{cargoTrackingNumber}``): by tracking number
alone, one ZPL label per box (research/trendyol/FACTS.md §5)."""

from __future__ import annotations

import time

from packstation.domain.marketplace import LabelFormat
from packstation.services.marketplaces.errors import MalformedReply, NotFound, Rejected
from packstation.services.marketplaces.models import RemotePackage
from packstation.services.marketplaces.trendyol.part import TrendyolPart
from packstation.services.marketplaces.writes import MarketplaceLabel


class CommonLabels(TrendyolPart):
    """The common-label calls of :class:`~packstation.services.marketplaces.trendyol.client.TrendyolClient`."""

    def fetch_label(
        self, package: RemotePackage, *, preferred: LabelFormat = LabelFormat.ZPL, box_count: int = 1
    ) -> MarketplaceLabel | None:
        """Create and read the common ZPL label (TEX/Aras, Trendyol-paid); None where we print our own.

        Trendyol issues ZPL only, whatever ``preferred`` says.
        """
        if not package.marketplace_pays_shipping:
            return None
        return self.label_for(
            package.package_id, package.cargo_tracking_number, box_count=box_count, preferred=preferred
        )

    def label_needs_picking(self, cargo_tracking_number: str) -> bool:
        """A TEX/Aras tracking number gets a common label, which Trendyol issues only from Picking on."""
        return self._common_label_carrier(cargo_tracking_number)

    def _common_label_carrier(self, cargo_tracking_number: str) -> bool:
        tracking = cargo_tracking_number.strip()
        return bool(tracking) and tracking[:3] in self.config.label_carrier_prefixes

    def label_for(
        self,
        external_id: str,
        cargo_tracking_number: str,
        *,
        box_count: int = 1,
        preferred: LabelFormat = LabelFormat.ZPL,
    ) -> MarketplaceLabel | None:
        """The common label by tracking number alone: no package listing is read first.

        Who pays the carrier is not needed here: the spec says Trendyol-paid TEX/Aras, the 2025 EN
        doc says supplier-paid TEX/Aras/UPS (FACTS.md §5, UNCERTAIN), so for a TEX/Aras tracking
        number the label is asked for and Trendyol's refusal, if any, is shown as it is.
        ``box_count`` is the parcel's boxes: Trendyol returns one label per box.
        """
        if not self._common_label_carrier(cargo_tracking_number):
            return None
        tracking = cargo_tracking_number.strip()
        if box_count < 1:
            raise ValueError(f"box count must be at least 1, got {box_count} for package {external_id}")
        path = f"/sellers/{self._seller}/common-label/{tracking}"
        # Creating twice is harmless (same label), so the create needs no look-up on retry.
        try:
            self._http.request("POST", path, group="common_label", body={"format": "ZPL", "boxQuantity": box_count})
        except Rejected as exc:
            if any(reply.casefold() in str(exc).casefold() for reply in self.config.no_common_label_replies):
                return None  # no common label for this parcel: ours, with Trendyol's tracking number
            raise
        for attempt in range(1, self.config.label_poll_attempts + 1):
            try:
                reply = self._http.request("GET", path, group="common_label")
                break
            except NotFound:
                if attempt == self.config.label_poll_attempts:
                    raise
                time.sleep(self.config.label_poll_delay)  # label creation is asynchronous at Trendyol
        body = self._json(reply, path)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not data:
            raise MalformedReply(f"Trendyol sent no label for {tracking}", marketplace=self.marketplace, endpoint=path)
        documents = []
        for item in data:
            label = item.get("label") if isinstance(item, dict) else None
            if not isinstance(label, str) or "^XA" not in label:
                raise MalformedReply(
                    f"Trendyol sent a label for {tracking} that is not ZPL",
                    marketplace=self.marketplace,
                    endpoint=path,
                )
            documents.append(label.encode("utf-8"))
        return MarketplaceLabel(cargo_tracking_number=tracking, format=LabelFormat.ZPL, documents=tuple(documents))
