"""Trendyol stock and price batches: ``price-and-inventory`` writes and their batch results."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from packstation.services.marketplaces.base import batched
from packstation.services.marketplaces.errors import DuplicateRequest, MalformedReply
from packstation.services.marketplaces.trendyol.parser import parse_batch_result
from packstation.services.marketplaces.trendyol.part import TrendyolPart
from packstation.services.marketplaces.writes import StockBatchResult, StockPushReceipt, StockUpdate

log = logging.getLogger("packstation.services.marketplaces.trendyol.client")

#: Most stock per product Trendyol takes [SPEC updatePriceAndInventory: "maximum 20,000 stock per product"].
MAX_STOCK = 20_000


class StockBatches(TrendyolPart):
    """The stock calls of :class:`~packstation.services.marketplaces.trendyol.client.TrendyolClient`."""

    def push_stock(self, items: Sequence[StockUpdate], *, business_key: str) -> list[StockPushReceipt]:
        """Send stock/prices in batches of at most 1000 and return one receipt per batch.

        Quantities are absolute, so a resend cannot count twice. Trendyol refuses a byte-identical body
        within 15 minutes; when that refusal answers our retry, the first attempt got through, so the
        receipt says ``already_accepted`` instead of failing.
        """
        for item in items:
            if item.quantity is not None and item.quantity > MAX_STOCK:
                raise ValueError(f"stock {item.quantity} for {item.barcode} is above Trendyol's {MAX_STOCK}")
        path = f"/inventory/sellers/{self._seller}/products/price-and-inventory"
        receipts = []
        for index, chunk in enumerate(batched(items, self.config.stock_batch_size)):
            key = f"{business_key}/{index}"
            body = {"items": [_stock_item(item) for item in chunk]}
            log.info("stock push items=%d business_key=%s", len(chunk), key)
            try:
                reply = self._http.request(
                    "POST",
                    path,
                    group="stock_write",
                    body=body,
                    business_key=key,
                    headers=self._key_header(key),
                )
            except DuplicateRequest:
                log.info("stock push already accepted business_key=%s", key)
                receipts.append(StockPushReceipt(key, "", len(chunk), already_accepted=True))
                continue
            answer = self._json(reply, path)
            batch_id = answer.get("batchRequestId") if isinstance(answer, dict) else None
            if not batch_id:
                raise MalformedReply("Trendyol sent no batchRequestId", marketplace=self.marketplace, endpoint=path)
            receipts.append(StockPushReceipt(key, str(batch_id), len(chunk)))
        return receipts

    def stock_result(self, batch_id: str) -> StockBatchResult:
        """Read a stock batch's result (Trendyol keeps it for 4 hours)."""
        path = f"/product/sellers/{self._seller}/products/batch-requests/{batch_id}"
        reply = self._http.request("GET", path, group="batch_result")
        return parse_batch_result(self._json(reply, path), endpoint=path)


def _stock_item(item: StockUpdate) -> dict[str, Any]:
    body: dict[str, Any] = {"barcode": item.barcode.replace(" ", "")}
    if item.quantity is not None:
        body["quantity"] = item.quantity
    if item.sale_price is not None:
        body["salePrice"] = item.sale_price
        body["listPrice"] = item.list_price
    return body
