"""Trendyol's claims API (returns): list claims, approve claim items, read the claim-issue reasons.

From Trendyol's published OpenAPI (``getClaims``, ``approveClaimLineItems``, ``getClaimIssueReasons``) and
its 2025 documentation; research/trendyol/FACTS.md §8 has the sources and what is UNCERTAIN:
- ``cargoTrackingNumber`` is an int64 in the spec but the spec's own example exceeds int64: read as text.
- ``claimDate``/``lastModifiedDate`` are epoch ms in GMT (the doc says so, unlike the order dates).
- ``claimItemStatus`` is an object ``{"name": ...}`` in replies and a plain string in the query.
- ``customerClaimItemReason`` is ``{name, externalReasonId, code}`` in the spec; a live reply also has ``id``.
- Approving an item twice is undocumented (a 400 is expected): the approval is checked first, so a retry
  after a timeout never approves twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.domain.returns import ClaimItemStatus
from packstation.services.marketplaces.claims import (
    ClaimPage,
    ClaimReason,
    RemoteClaim,
    RemoteClaimItem,
    RemoteClaimLine,
)
from packstation.services.marketplaces.errors import MalformedReply, Rejected
from packstation.services.marketplaces.fields import (
    FieldProblem,
    epoch_ms,
    id_text,
    read_packages,
    text,
    utc_epoch_to_utc,
    utc_to_epoch_ms,
)
from packstation.services.marketplaces.trendyol.part import TrendyolPart
from packstation.services.marketplaces.writes import WriteOutcome

_STATUSES = {status.value: status for status in ClaimItemStatus}
#: Where an approved item goes (a fraud check may come before Accepted).
_APPROVED = frozenset({ClaimItemStatus.ACCEPTED, ClaimItemStatus.WAITING_FRAUD_CHECK})
#: Where an item goes once the seller raised an issue (Trendyol then arbitrates).
_DISPUTED = frozenset({ClaimItemStatus.UNRESOLVED, ClaimItemStatus.REJECTED, ClaimItemStatus.IN_ANALYSIS})
#: Trendyol's limit on a claim issue's description.
MAX_ISSUE_DESCRIPTION = 500


def _reason(value: Any) -> ClaimReason | None:
    if not isinstance(value, Mapping):
        return None
    return ClaimReason(
        name=text(value, "name"),
        code=text(value, "code"),
        external_id=id_text(value, "externalReasonId", "id", required=False),
    )


def _item(data: Any) -> RemoteClaimItem:
    if not isinstance(data, Mapping):
        raise FieldProblem("claimItems[]", "is not an object")
    status = data.get("claimItemStatus")
    raw = text(status, "name") if isinstance(status, Mapping) else text(data, "claimItemStatus")
    return RemoteClaimItem(
        item_id=id_text(data, "id"),
        status=_STATUSES.get(raw),
        status_raw=raw,
        customer_reason=_reason(data.get("customerClaimItemReason")),
        customer_note=text(data, "customerNote"),
    )


def _line(data: Any) -> RemoteClaimLine:
    if not isinstance(data, Mapping):
        raise FieldProblem("items[]", "is not an object")
    order_line = data.get("orderLine")
    if not isinstance(order_line, Mapping):
        raise FieldProblem("orderLine", "is missing")
    items = data.get("claimItems")
    if not isinstance(items, list) or not items:
        raise FieldProblem("claimItems", "is missing or empty: a claimed line without claim items")
    return RemoteClaimLine(
        order_line_id=id_text(order_line, "id"),
        barcode=text(order_line, "barcode"),
        stock_code=text(order_line, "merchantSku", "stockCode"),
        product_name=text(order_line, "productName"),
        colour=text(order_line, "productColor"),
        size=text(order_line, "productSize"),
        items=tuple(_item(item) for item in items),
    )


def _moment(data: Mapping[str, Any], name: str) -> datetime | None:
    ms = epoch_ms(data, name)
    return utc_epoch_to_utc(ms) if ms is not None else None


def parse_claim(data: Any) -> RemoteClaim:
    """One element of ``getClaims``' ``content``; raises :class:`MalformedReply` naming the bad field."""
    try:
        if not isinstance(data, Mapping):
            raise FieldProblem("content[]", "is not an object")
        lines = data.get("items")
        if not isinstance(lines, list) or not lines:
            raise FieldProblem("items", "is missing or empty: a claim without items")
        first, last = text(data, "customerFirstName"), text(data, "customerLastName")
        return RemoteClaim(
            marketplace=Marketplace.TRENDYOL,
            claim_id=id_text(data, "id", "claimId"),
            order_number=id_text(data, "orderNumber"),
            return_tracking_number=id_text(data, "cargoTrackingNumber", required=False),
            cargo_provider=text(data, "cargoProviderName"),
            customer_name=f"{first} {last}".strip(),
            claimed_at=_moment(data, "claimDate"),
            modified_at=_moment(data, "lastModifiedDate"),
            lines=tuple(_line(line) for line in lines),
            raw=dict(data),
        )
    except FieldProblem as problem:
        raise MalformedReply(
            f"Trendyol claim: {problem}", marketplace=Marketplace.TRENDYOL, endpoint="claims"
        ) from problem


class TrendyolClaims(TrendyolPart):
    """The claims calls of :class:`~packstation.services.marketplaces.trendyol.client.TrendyolClient`."""

    def iter_claim_pages(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        status: ClaimItemStatus | None = None,
        order_number: str = "",
    ) -> Iterator[ClaimPage]:
        """Claims page by page (``size`` ≤ 200); dates filter on the claim's creation, in GMT epoch ms."""
        path = f"/order/sellers/{self._seller}/claims"
        params: dict[str, str | int] = {"size": min(self.config.claims_page_size, 200)}
        if created_from is not None:
            params["startDate"] = utc_to_epoch_ms(created_from)
        if created_to is not None:
            params["endDate"] = utc_to_epoch_ms(created_to)
        if status is not None:
            params["claimItemStatus"] = status.value
        if order_number:
            params["orderNumber"] = order_number
        number = 0
        while True:
            reply = self._http.request("GET", path, group="claims", params={**params, "page": number})
            body = self._json(reply, path)
            content = body.get("content") if isinstance(body, Mapping) else None
            if not isinstance(content, list):
                raise MalformedReply(
                    "Trendyol sent a claims page without 'content'", marketplace=self.marketplace, endpoint=path
                )
            claims, set_aside = read_packages(content, parse_claim, id_names=("id", "claimId"))
            total = body.get("totalPages")
            total_pages = total if isinstance(total, int) and total >= 0 else number + 1
            yield ClaimPage(claims=claims, number=number, total_pages=total_pages, set_aside=set_aside)
            number += 1
            if number >= total_pages or not content:
                return

    def claim(self, claim_id: str, *, order_number: str) -> RemoteClaim | None:
        """One claim read fresh (by its order number: ``claimIds`` is typed int64 in the spec, the ids are UUIDs)."""
        for page in self.iter_claim_pages(order_number=order_number):
            for claim in page.claims:
                if claim.claim_id == claim_id:
                    return claim
        return None

    def approve_claim_items(
        self, claim_id: str, item_ids: Sequence[str], *, order_number: str, business_key: str
    ) -> WriteOutcome:
        """Approve returned units (``PUT …/claims/{claimId}/items/approve``); only WaitingInAction ones.

        Items the marketplace already shows as approved are not sent again, so a retry after a timeout
        never approves twice; an item in another state is refused with the marketplace's own words.
        """
        if not item_ids:
            raise ValueError("no claim items to approve")
        path = f"/order/sellers/{self._seller}/claims/{claim_id}/items/approve"
        current = self.claim(claim_id, order_number=order_number)
        if current is not None:
            states = {item.item_id: item.status for item in current.items}
            pending = [item for item in item_ids if states.get(item) not in _APPROVED]
            if not pending:
                return WriteOutcome(business_key=business_key, sent=False)
            item_ids = pending
        wanted = set(item_ids)

        def approved() -> bool:
            again = self.claim(claim_id, order_number=order_number)
            return again is not None and all(item.status in _APPROVED for item in again.items if item.item_id in wanted)

        try:
            reply = self._http.request(
                "PUT",
                path,
                group="claim_decisions",
                body={"claimLineItemIdList": list(item_ids), "params": {}},
                business_key=business_key,
                headers=self._key_header(business_key),
                already_applied=approved,
            )
        except Rejected:
            if approved():  # a retry whose first attempt went through after all
                return WriteOutcome(business_key=business_key, sent=False)
            raise
        return WriteOutcome(business_key=business_key, sent=not reply.already_applied)

    def reject_claim_items(
        self,
        claim_id: str,
        item_ids: Sequence[str],
        *,
        reason_id: str,
        description: str,
        files: Sequence[tuple[str, bytes, str]] = (),
        order_number: str,
        business_key: str,
    ) -> WriteOutcome:
        """Reject returned units: a claim issue (multipart ``POST …/claims/{claimId}/issue``).

        The published OpenAPI copy sends ``claimIssueReasonId``, ``claimItemIdList`` (the ids as ONE
        comma-separated string) and ``description`` (≤ 500 characters) as form fields, with the evidence as
        ``files`` (pdf, jpeg...); an older guide shows the three as query parameters (UNCERTAIN which one
        the live API prefers; the form is what the spec says). Items already disputed are not sent again.
        """
        if not item_ids:
            raise ValueError("no claim items to reject")
        if not reason_id:
            raise ValueError("a claim issue needs a reason from Trendyol's list")
        if len(description) > MAX_ISSUE_DESCRIPTION:
            raise ValueError(f"a claim issue's description may have at most {MAX_ISSUE_DESCRIPTION} characters")
        path = f"/order/sellers/{self._seller}/claims/{claim_id}/issue"
        current = self.claim(claim_id, order_number=order_number)
        if current is not None:
            states = {item.item_id: item.status for item in current.items}
            pending = [item for item in item_ids if states.get(item) not in _DISPUTED]
            if not pending:
                return WriteOutcome(business_key=business_key, sent=False)
            item_ids = pending
        wanted = set(item_ids)

        def issued() -> bool:
            again = self.claim(claim_id, order_number=order_number)
            return again is not None and all(item.status in _DISPUTED for item in again.items if item.item_id in wanted)

        form = {"claimIssueReasonId": reason_id, "claimItemIdList": ",".join(item_ids), "description": description}
        try:
            reply = self._http.request(
                "POST",
                path,
                group="claim_decisions",
                form=form,
                files=[("files", file) for file in files],
                business_key=business_key,
                headers=self._key_header(business_key),
                already_applied=issued,
            )
        except Rejected:
            if issued():
                return WriteOutcome(business_key=business_key, sent=False)
            raise
        return WriteOutcome(business_key=business_key, sent=not reply.already_applied)

    def claim_issue_reasons(self) -> list[ClaimReason]:
        """The reasons a rejection may give (``GET /order/claim-issue-reasons``), in Turkish, as served."""
        path = "/order/claim-issue-reasons"
        body = self._json(self._http.request("GET", path, group="claims"), path)
        if not isinstance(body, list):
            raise MalformedReply(
                "Trendyol sent claim-issue reasons that are not a list", marketplace=self.marketplace, endpoint=path
            )
        reasons = []
        for item in body:
            if isinstance(item, Mapping):
                reasons.append(ClaimReason(name=text(item, "name"), external_id=id_text(item, "id")))
        return reasons
