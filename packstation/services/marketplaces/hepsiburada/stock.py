"""Hepsiburada stock uploads (listing host): ``POST …/stock-uploads`` and their results."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.i18n import _
from packstation.services.marketplaces.base import batched
from packstation.services.marketplaces.errors import MalformedReply
from packstation.services.marketplaces.transport import Reply, parse_json
from packstation.services.marketplaces.writes import (
    BatchState,
    ItemState,
    StockBatchResult,
    StockItemResult,
    StockPushReceipt,
    StockUpdate,
)

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.client")
_HB = Marketplace.HEPSIBURADA
_DONE_UPLOAD = ("done", "completed", "finished", "success")

#: ``call(method, path, **request)``: one request to the listing host.
Call = Callable[..., Reply]


def push_stock(
    call: Call, merchant: str, items: Sequence[StockUpdate], *, business_key: str, batch_size: int
) -> list[StockPushReceipt]:
    """``POST /listings/.../stock-uploads``; keyed by ``hepsiburadaSku`` and/or ``merchantSku``."""
    for item in items:
        if not item.marketplace_sku and not item.stock_code:
            raise ValueError(f"Hepsiburada needs hepsiburadaSku or merchantSku for {item.barcode!r}")
        if item.quantity is None or item.sale_price is not None:
            raise ValueError(f"Hepsiburada stock upload takes quantities only ({item.barcode!r})")
    path = f"/listings/merchantid/{merchant}/stock-uploads"
    receipts = []
    for index, chunk in enumerate(batched(items, batch_size)):
        key = f"{business_key}/{index}"
        body = [_stock_item(item) for item in chunk]
        log.info("stock upload items=%d business_key=%s", len(chunk), key)
        reply = call("POST", path, body=body, business_key=key)
        answer = parse_json(reply.content, marketplace=_HB, endpoint=path)
        upload_id = answer.get("id") if isinstance(answer, Mapping) else None
        if not upload_id:
            raise MalformedReply(_("Hepsiburada sent no upload id"), marketplace=_HB, endpoint=path)
        receipts.append(StockPushReceipt(key, str(upload_id), len(chunk)))
    return receipts


def stock_result(call: Call, merchant: str, batch_id: str) -> StockBatchResult:
    """An upload's result; HB lists only the failing items, so ``items`` holds failures."""
    path = f"/listings/merchantid/{merchant}/stock-uploads/id/{batch_id}"
    reply = call("GET", path)
    body = parse_json(reply.content, marketplace=_HB, endpoint=path)
    if not isinstance(body, Mapping):
        raise MalformedReply(_("Hepsiburada sent an invalid upload result"), marketplace=_HB, endpoint=path)
    status = str(body.get("status", "")).lower()
    failures = tuple(
        StockItemResult(
            key=str(error.get("merchantSku") or error.get("hepsiburadaSku") or ""),
            state=ItemState.FAILED,
            reasons=tuple(str(reason) for reason in error.get("errors") or ()),
        )
        for error in body.get("errors") or ()
        if isinstance(error, Mapping)
    )
    state = BatchState.COMPLETED if status in _DONE_UPLOAD else BatchState.IN_PROGRESS
    return StockBatchResult(batch_id=batch_id, state=state, items=failures, raw=dict(body))


def _stock_item(item: StockUpdate) -> dict[str, Any]:
    body: dict[str, Any] = {"availableStock": item.quantity}
    if item.marketplace_sku:
        body["hepsiburadaSku"] = item.marketplace_sku
    if item.stock_code:
        body["merchantSku"] = item.stock_code
    return body
