"""The stand-in's claims (returns), strictly as HB's "Talep Listeleme v1.0" publishes them.

Source: taha-kanar/hepsiburada-sdk ``openapi/claim-list.json`` with its overlay of fields seen live.
- ``GET /claims/merchantId/{m}/status/{status}``: ``status`` one of the eight the spec lists; query
  ``offset``, ``limit``, ``beginDate``/``endDate``, ``statusBeginDate``/``statusEndDate`` (``yyyy-MM-dd HH:mm``,
  Turkey time), nothing else; a bare array of claims.
- ``POST /claims/number/{n}/accept`` with only ``AcceptClaimRequest``'s fields; ``…/reject`` with only
  ``RejectClaimRequest``'s. Only a claim in ``AwaitingAction`` is answered (the spec's own rule is not
  published: a second answer is refused here so a client that answers twice fails in tests).
The 500 character limit and reason values of a rejection are not published: not checked.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from datetime import datetime
from typing import Any

from packstation.simulators.errors import SimError
from packstation.simulators.hepsiburada.checks import allow, hb_date, hb_time, int_param, line_time

STATUSES = (
    "NewRequest",
    "Accepted",
    "AwaitingAction",
    "InDispute",
    "Rejected",
    "Refunded",
    "Cancelled",
    "AwaitingPreApproval",
)
LIST_PARAMS = {"offset", "limit", "beginDate", "endDate", "statusBeginDate", "statusEndDate"}
ACCEPT_FIELDS = {"FinalizedWith", "InvoiceLink", "AcceptionReason"}
REJECT_FIELDS = {"ClaimRejectionReason", "MerchantStatement", "Reports", "UploadedReportsUrls"}
#: The return leg's ``Direction`` here (HB's values are unpublished: the client's default matches it).
RETURN_DIRECTION = "Return"


class HbSimClaims:
    """The merchant's claims by number, and the answers taken, in order: (number, verb, body)."""

    def __init__(self, lock: threading.RLock, now: Any) -> None:
        self._lock = lock
        self._now = now
        self._numbers = itertools.count(70010001)
        self.claims: dict[str, dict[str, Any]] = {}
        self.answers: list[tuple[str, str, dict[str, Any]]] = []

    def add(self, line: dict[str, Any], *, quantity: int = 1, status: str = "AwaitingAction") -> dict[str, Any]:
        """A customer's claim against one order line (as the sim's line dict), with a return leg."""
        if status not in STATUSES:
            raise ValueError(f"unknown claim status {status}")
        with self._lock:
            number = str(next(self._numbers))
            claim = {
                "id": str(uuid.uuid4()),
                "number": number,
                "orderNumber": line["orderNumber"],
                "lineItemId": line["id"],
                "sku": line["sku"],
                "MerchantSku": line["merchantSKU"],
                "quantity": quantity,
                "status": status,
                "claimType": "Return",
                "customerName": line.get("customerName", ""),
                "claimDate": hb_time(self._now()),
                "Reason": "Beden uymadı",
                "explanation": "Küçük geldi",
                "Reports": None,
                "RequestedProduct": None,
                "tags": [],
                "Deliveries": [
                    {
                        "DeliveryCode": f"D{number}",
                        "Status": "Delivered",
                        "Direction": RETURN_DIRECTION,
                        "CreatedDate": hb_time(self._now()),
                        "PackageNumber": f"R{number}",
                        "TrackingNumber": f"7300{number}",
                        "CargoCompany": {"TypeCode": "ARS", "Alias": "aras", "Name": "Aras Kargo"},
                    }
                ],
            }
            self.claims[number] = claim
            return claim

    def listing(self, status: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """One page of the claims in ``status`` (a bare array)."""
        if status not in STATUSES:
            raise SimError(400, f"status must be one of {', '.join(STATUSES)}")
        allow(params, LIST_PARAMS)
        offset = int_param(params, "offset", 0, 10**9) if "offset" in params else 0
        limit = int_param(params, "limit", 1, 1000) if "limit" in params else 10
        begin, end = self._date(params, "beginDate"), self._date(params, "endDate")
        with self._lock:
            found = [
                claim
                for claim in self.claims.values()
                if claim["status"] == status
                and (begin is None or line_time(claim["claimDate"]) >= begin)
                and (end is None or line_time(claim["claimDate"]) <= end)
            ]
            return [dict(claim) for claim in found[offset : offset + limit]]

    @staticmethod
    def _date(params: dict[str, str], name: str) -> datetime | None:
        if name not in params:
            return None
        moment = hb_date(params[name])
        if moment is None:
            raise SimError(400, f"{name} must be yyyy-MM-dd HH:mm")
        return moment

    def answer(self, number: str, verb: str, params: dict[str, str], raw: bytes) -> str:
        """``accept`` or ``reject`` claim ``number``; only one in AwaitingAction."""
        allow(params, set())
        try:
            body = json.loads(raw) if raw else {}
        except ValueError as exc:
            raise SimError(400, "request body is not JSON") from exc
        fields = ACCEPT_FIELDS if verb == "accept" else REJECT_FIELDS
        if not isinstance(body, dict) or set(body) - fields:
            raise SimError(400, f"Unknown field(s): {', '.join(sorted(set(body) - fields))}")
        for name in ("Reports", "UploadedReportsUrls"):
            if name in body and not (isinstance(body[name], list) and all(isinstance(u, str) for u in body[name])):
                raise SimError(400, f"{name} must be an array of strings")
        if verb == "reject" and not body.get("ClaimRejectionReason"):
            raise SimError(400, "ClaimRejectionReason is required")
        with self._lock:
            claim = self.claims.get(number)
            if claim is None:
                raise SimError(404, f"claim {number} not found")
            if claim["status"] != "AwaitingAction":
                raise SimError(400, f"claim {number} is {claim['status']}, not AwaitingAction")
            claim["status"] = "Accepted" if verb == "accept" else "Rejected"
            if verb == "reject":
                claim["merchantRejectionStatement"] = body.get("MerchantStatement", "")
            self.answers.append((number, verb, body))
        return "OK"
