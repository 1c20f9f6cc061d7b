"""The simulated Trendyol account's claims (returns), strict like the published ``getClaims`` and
``approveClaimLineItems`` (research/trendyol/FACTS.md §8): pages of at most 200, statuses as objects, one
claim item (a UUID) per returned unit, approval only from WaitingInAction and never twice."""

from __future__ import annotations

import email.policy
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.parser import BytesParser
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
#: Reasons that need no file (a third-party client citing the official page; UNCERTAIN): "I will send the
#: product to analysis" and "the customer's return parcel did not reach me".
NO_FILE_REASONS = frozenset({451, 1651})
#: Trendyol's cap on a claim issue's description.
MAX_DESCRIPTION = 500
_UNFIT = {"name": "Beden uymama", "externalReasonId": 23, "code": "UNFIT"}
_CLAIM_PARAMS = frozenset({"startDate", "endDate", "page", "size", "claimItemStatus", "orderNumber", "claimIds"})


class SimClaims:
    """Claims by id; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.claims: dict[str, dict[str, Any]] = {}
        #: Every approve request that changed something: (claim id, claim item ids).
        self.approvals: list[tuple[str, tuple[str, ...]]] = []
        #: Every claim issue (rejection) accepted: claim id, item ids, reason id, description, file names.
        self.issues: list[ClaimIssue] = []
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
            claim, items = self._waiting(claim_id, ids, "onaylanamaz")
            for item_id in ids:
                items[item_id]["claimItemStatus"] = {"name": "Accepted"}
                items[item_id]["acceptedBySeller"] = True
                items[item_id]["acceptDetail"] = "SUPPLIER"
            claim["lastModifiedDate"] = int(time.time() * 1000)
            self.approvals.append((claim_id, tuple(ids)))
        return 200, None

    def _waiting(self, claim_id: str, ids: list[str], refused: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The claim and its items by id; every one of ``ids`` must be in it and WaitingInAction (caller locks)."""
        claim = self.claims.get(claim_id)
        if claim is None:
            raise refusal(400, "claim.not.found", f"{claim_id} iade talebi bulunamadı")
        items = {i["id"]: i for line in claim["items"] for i in line["claimItems"]}
        for item_id in ids:
            item = items.get(item_id)
            if item is None:
                raise refusal(400, "claim.item.not.found", f"{item_id} bu iade talebinde yok")
            if _status(item) != "WaitingInAction":
                raise refusal(400, "claim.item.status", f"{item_id} {refused}: durum {_status(item)}")
        return claim, items

    def issue(self, claim_id: str, params: Mapping[str, str], raw_body: bytes, content_type: str) -> tuple[int, Any]:
        """``POST …/claims/{claimId}/issue`` (multipart): reject WaitingInAction items with a listed reason.

        ``claimItemIdList`` is ONE comma-separated string; the description at most 500 characters; a file
        is required except for the reasons that need none. The fields may also come as query parameters
        (the older guide's form).
        """
        if not content_type.lower().startswith("multipart/form-data"):
            raise refusal(400, "invalid.content.type", "İstek multipart/form-data olmalı")
        fields, files = _multipart(raw_body, content_type)
        merged = {**params, **fields}
        reason_text = merged.get("claimIssueReasonId", "")
        if not reason_text.isdigit() or int(reason_text) not in {r["id"] for r in ISSUE_REASONS}:
            raise refusal(400, "claim.issue.reason", f"Geçersiz claimIssueReasonId: {reason_text or '-'}")
        reason = int(reason_text)
        ids_text = merged.get("claimItemIdList", "")
        ids = [part.strip() for part in ids_text.split(",") if part.strip()]
        if not ids or ids_text.startswith("["):
            raise refusal(400, "invalid.body", "claimItemIdList virgülle ayrılmış kimlikler olmalı")
        description = merged.get("description", "")
        if len(description) > MAX_DESCRIPTION:
            raise refusal(400, "claim.issue.description", "Açıklama en fazla 500 karakter olabilir")
        if reason not in NO_FILE_REASONS and not files:
            raise refusal(400, "claim.issue.file", "Bu red sebebi için dosya eklenmeli")
        with self._lock:
            claim, items = self._waiting(claim_id, ids, "için itiraz açılamaz")
            for item_id in ids:
                items[item_id]["claimItemStatus"] = {"name": "Unresolved"}
            claim["lastModifiedDate"] = int(time.time() * 1000)
            self.issues.append(ClaimIssue(claim_id, tuple(ids), reason, description, tuple(name for name, _ in files)))
        return 200, None


@dataclass(frozen=True)
class ClaimIssue:
    """A rejection the stand-in accepted."""

    claim_id: str
    item_ids: tuple[str, ...]
    reason_id: int
    description: str
    files: tuple[str, ...]


def _multipart(raw_body: bytes, content_type: str) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """The text fields and the files (name, bytes) of a multipart/form-data body."""
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw_body
    )
    if not message.is_multipart():
        raise refusal(400, "invalid.body", "Çok parçalı gövde okunamadı")
    fields: dict[str, str] = {}
    files: list[tuple[str, bytes]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename:
            files.append((filename, data))
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8")
    return fields, files


def _status(item: Mapping[str, Any]) -> str:
    return str(item["claimItemStatus"]["name"])


def _number(params: Mapping[str, str], name: str, default: int | None) -> Any:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise SimError(400, {"errors": [{"key": "invalid.parameter", "message": f"{name} sayı olmalı"}]})
    return int(value)
