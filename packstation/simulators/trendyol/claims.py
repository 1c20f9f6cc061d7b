"""The simulated Trendyol account's claims (returns), strict like the published ``getClaims`` and
``approveClaimLineItems`` (research/trendyol/FACTS.md §8): pages of at most 200, statuses as objects, one
claim item (a UUID) per returned unit, approval only from WaitingInAction and never twice."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

from packstation.simulators.errors import SimError
from packstation.simulators.trendyol.catalog import SimPackage
from packstation.simulators.trendyol.errors import refusal

CLAIM_STATUSES = frozenset(
    {"Created", "WaitingInAction", "WaitingFraudCheck", "Accepted", "Unresolved", "Rejected", "Cancelled", "InAnalysis"}
)
#: ``GET /order/claim-issue-reasons`` as published (the Turkish names are Trendyol's).
ISSUE_REASONS = (
    {"id": 1, "name": "İade gelen ürün sahte"},
    {"id": 51, "name": "İade gelen ürün kullanılmış"},
    {"id": 201, "name": "İade gelen ürün yanlış"},
    {"id": 251, "name": "İade gelen ürün defolu / zarar görmüş"},
    {"id": 401, "name": "Eksik ürün"},
    {"id": 101, "name": "Fazla ürün"},
    {"id": 151, "name": "Ürünün bir parçası / aksesuarı eksik"},
    {"id": 301, "name": "Ürün bana ait değil"},
    {"id": 451, "name": "Müşteriden gelen ürünü analize göndereceğim"},
    {"id": 1651, "name": "Müşterinin yolladığı iade paketi elime ulaşmadı"},
)
_UNFIT = {"name": "Beden uymama", "externalReasonId": 23, "code": "UNFIT"}
_CLAIM_PARAMS = frozenset({"startDate", "endDate", "page", "size", "claimItemStatus", "orderNumber", "claimIds"})


class SimClaims:
    """Claims by id; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.claims: dict[str, dict[str, Any]] = {}
        #: Every approve request that changed something: (claim id, claim item ids).
        self.approvals: list[tuple[str, tuple[str, ...]]] = []
        self._tracking = 7330090000000000

    def add(
        self, package: SimPackage, *, status: str = "WaitingInAction", claim_ms: int | None = None
    ) -> dict[str, Any]:
        """The customer returns every unit of ``package``: a claim with its own return tracking number."""
        now = claim_ms or int(time.time() * 1000)
        with self._lock:
            self._tracking += 1
            claim_id = str(uuid.uuid4())
            claim = {
                "id": claim_id,
                "claimId": claim_id,
                "orderNumber": package.order_number,
                "orderDate": package.order_ms,
                "customerFirstName": package.customer.first_name,
                "customerLastName": package.customer.last_name,
                "claimDate": now,
                "cargoTrackingNumber": self._tracking,
                "cargoTrackingLink": f"https://kargotakip.example/{self._tracking}",
                "cargoSenderNumber": str(self._tracking)[-10:],
                "cargoProviderName": package.carrier_name,
                "orderShipmentPackageId": package.package_id + 9_000_000,
                "replacementOutboundpackageinfo": {},
                "items": [
                    {
                        "orderLine": {
                            "id": line.line_id,
                            "productName": line.product.name,
                            "barcode": line.product.barcode,
                            "merchantSku": line.product.stock_code,
                            "productColor": line.product.colour,
                            "productSize": line.product.size,
                            "price": float(line.product.price),
                        },
                        "claimItems": [
                            {
                                "id": str(uuid.uuid4()),
                                "orderLineItemId": line.line_id * 10 + unit,
                                "customerClaimItemReason": dict(_UNFIT),
                                "trendyolClaimItemReason": dict(_UNFIT),
                                "claimItemStatus": {"name": status},
                                "note": "",
                                "customerNote": "Bedeni büyük geldi",
                                "resolved": False,
                                "autoAccepted": False,
                                "acceptedBySeller": False,
                                "acceptDetail": None,
                            }
                            for unit in range(line.quantity)
                        ],
                    }
                    for line in package.lines
                ],
                "lastModifiedDate": now,
                "orderOutboundPackageId": package.package_id,
            }
            self.claims[claim_id] = claim
            return claim

    def page(self, params: Mapping[str, str]) -> tuple[int, Any]:
        """``GET …/claims``."""
        unknown = sorted(set(params) - _CLAIM_PARAMS)
        if unknown:
            raise refusal(400, "invalid.parameter", f"Bilinmeyen parametre: {', '.join(unknown)}")
        size = _number(params, "size", 50)
        page = _number(params, "page", 0)
        if not 1 <= size <= 200 or page < 0:
            raise refusal(400, "invalid.parameter", "size 1 ile 200 arasında olmalı")
        status = params.get("claimItemStatus")
        if status is not None and status not in CLAIM_STATUSES:
            raise refusal(400, "invalid.parameter", f"Geçersiz claimItemStatus: {status}")
        start, end = _number(params, "startDate", None), _number(params, "endDate", None)
        with self._lock:
            claims = sorted(self.claims.values(), key=lambda c: c["lastModifiedDate"])
            if "claimIds" in params:
                wanted = set(params["claimIds"].split(","))
                claims = [c for c in claims if c["id"] in wanted]
            else:
                claims = [
                    c
                    for c in claims
                    if (start is None or c["claimDate"] >= start)
                    and (end is None or c["claimDate"] <= end)
                    and (not params.get("orderNumber") or c["orderNumber"] == params["orderNumber"])
                    and (status is None or any(_status(i) == status for line in c["items"] for i in line["claimItems"]))
                ]
            total = len(claims)
            content = claims[page * size : (page + 1) * size]
            return 200, {
                "totalElements": total,
                "totalPages": (total + size - 1) // size,
                "page": page,
                "size": size,
                "content": content,
            }

    def approve(self, claim_id: str, body: Any) -> tuple[int, Any]:
        """``PUT …/claims/{claimId}/items/approve``: only WaitingInAction items; approving twice is refused."""
        if not isinstance(body, dict) or set(body) - {"claimLineItemIdList", "params"}:
            raise refusal(400, "invalid.body", "Gövde yalnızca claimLineItemIdList ve params içerebilir")
        ids = body.get("claimLineItemIdList")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise refusal(400, "invalid.body", "claimLineItemIdList zorunlu bir metin listesidir")
        with self._lock:
            claim = self.claims.get(claim_id)
            if claim is None:
                raise refusal(400, "claim.not.found", f"{claim_id} iade talebi bulunamadı")
            items = {i["id"]: i for line in claim["items"] for i in line["claimItems"]}
            for item_id in ids:
                item = items.get(item_id)
                if item is None:
                    raise refusal(400, "claim.item.not.found", f"{item_id} bu iade talebinde yok")
                if _status(item) != "WaitingInAction":
                    raise refusal(400, "claim.item.status", f"{item_id} onaylanamaz: durum {_status(item)}")
            for item_id in ids:
                items[item_id]["claimItemStatus"] = {"name": "Accepted"}
                items[item_id]["acceptedBySeller"] = True
                items[item_id]["acceptDetail"] = "SUPPLIER"
            claim["lastModifiedDate"] = int(time.time() * 1000)
            self.approvals.append((claim_id, tuple(ids)))
        return 200, None


def _status(item: Mapping[str, Any]) -> str:
    return str(item["claimItemStatus"]["name"])


def _number(params: Mapping[str, str], name: str, default: int | None) -> Any:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise SimError(400, {"errors": [{"key": "invalid.parameter", "message": f"{name} sayı olmalı"}]})
    return int(value)
