"""Hepsiburada's claims API (returns): list claims, accept or reject one, as far as HB publishes it.

Source: HB's "Talep Listeleme v1.0" as republished in taha-kanar/hepsiburada-sdk (``openapi/claim-list.json``,
its overlay of fields seen live, ``src/generated/claim-list.ts``). What is UNCERTAIN, and so a setting in
:class:`~packstation.services.marketplaces.hepsiburada.config.HepsiburadaConfig`:
- the reply is a bare array with no total: paging stops at a short page;
- one HB claim is one order line with ``quantity`` units, answered whole (accept or reject the claim
  number): the station's per-unit claim items are ``{number}-{k}`` (k = 1..quantity), and an answer
  must name every unit of the claim (HB has no way to answer part of one);
- the return tracking number is the ``Deliveries`` leg whose ``Direction`` is the return one; the field
  and its values are undocumented (seen live only), so the direction is a setting;
- ``claimDate`` is read as Turkey-local text like HB's order dates (the spec gives no format);
- accept's ``FinalizedWith`` and reject's ``ClaimRejectionReason`` have no published values;
- reject takes evidence only as URLs (``Reports``, ``UploadedReportsUrls``): the station has nowhere to host
  photos, so none are sent and the statement says so; the photos stay with the station's claim.
Every answer reads the claim first: a claim already accepted or rejected is not sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.domain.returns import ClaimItemStatus
from packstation.i18n import _
from packstation.services.marketplaces.claims import (
    ClaimPage,
    ClaimReason,
    RemoteClaim,
    RemoteClaimItem,
    RemoteClaimLine,
)
from packstation.services.marketplaces.errors import MalformedReply, Rejected, Unsupported
from packstation.services.marketplaces.fields import (
    ISTANBUL,
    FieldProblem,
    id_text,
    positive_int,
    read_packages,
    text,
    turkish_local_time,
)
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.transport import Reply, parse_json
from packstation.services.marketplaces.writes import WriteOutcome

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.claims")
_HB = Marketplace.HEPSIBURADA

#: HB's claim statuses in the station's words. NewRequest and AwaitingPreApproval are not yet the seller's
#: to answer (as Trendyol's Created); Refunded comes after an acceptance (UNCERTAIN: HB does not say).
STATUSES = {
    "NewRequest": ClaimItemStatus.CREATED,
    "AwaitingPreApproval": ClaimItemStatus.CREATED,
    "AwaitingAction": ClaimItemStatus.WAITING_IN_ACTION,
    "Accepted": ClaimItemStatus.ACCEPTED,
    "Refunded": ClaimItemStatus.ACCEPTED,
    "Rejected": ClaimItemStatus.REJECTED,
    "InDispute": ClaimItemStatus.UNRESOLVED,
    "Cancelled": ClaimItemStatus.CANCELLED,
}
_ACCEPTED = frozenset({ClaimItemStatus.ACCEPTED})
_REJECTED = frozenset({ClaimItemStatus.REJECTED, ClaimItemStatus.UNRESOLVED})


def unit_ids(number: str, quantity: int) -> tuple[str, ...]:
    """The station's claim-item ids for an HB claim: one per unit, ``{number}-{k}``."""
    return tuple(f"{number}-{k}" for k in range(1, quantity + 1))


def _return_leg(data: Mapping[str, Any], direction: str) -> Mapping[str, Any]:
    legs = data.get("Deliveries")
    if legs is None:
        return {}
    if not isinstance(legs, list):
        raise FieldProblem("Deliveries", "is not a list")
    for leg in legs:
        if isinstance(leg, Mapping) and text(leg, "Direction").casefold() == direction.casefold():
            return leg
    return {}


def parse_claim(data: Any, *, return_direction: str = "Return") -> RemoteClaim:
    """One element of the claims list; raises :class:`MalformedReply` naming the bad field."""
    try:
        if not isinstance(data, Mapping):
            raise FieldProblem("claim", "is not an object")
        number = id_text(data, "number")
        quantity = positive_int(data, "quantity")
        status_raw = text(data, "status")
        reason = text(data, "Reason")
        item = RemoteClaimItem(
            item_id="",
            status=STATUSES.get(status_raw),
            status_raw=status_raw,
            customer_reason=ClaimReason(name=reason) if reason else None,
            customer_note=text(data, "explanation"),
        )
        leg = _return_leg(data, return_direction)
        cargo = leg.get("CargoCompany")
        sku = text(data, "sku")
        line = RemoteClaimLine(
            order_line_id=id_text(data, "lineItemId", required=False) or number,
            # HB's own sku is the line's HB SKU; the merchant's is the stock code (as on order lines).
            barcode=sku,
            stock_code=text(data, "MerchantSku") or sku,
            product_name="",
            items=tuple(
                RemoteClaimItem(unit, item.status, item.status_raw, item.customer_reason, item.customer_note)
                for unit in unit_ids(number, quantity)
            ),
        )
        claimed = text(data, "claimDate")
        return RemoteClaim(
            marketplace=_HB,
            claim_id=number,
            order_number=id_text(data, "orderNumber"),
            return_tracking_number=id_text(leg, "TrackingNumber", required=False),
            cargo_provider=text(cargo, "Name") if isinstance(cargo, Mapping) else "",
            customer_name=text(data, "customerName"),
            claimed_at=turkish_local_time(claimed, "claimDate") if claimed else None,
            modified_at=None,
            lines=(line,),
            raw=dict(data),
        )
    except FieldProblem as problem:
        raise MalformedReply(f"Hepsiburada claim: {problem}", marketplace=_HB, endpoint="claims") from problem


def _hb_date(moment: datetime, *, up: bool = False) -> str:
    """``yyyy-MM-dd HH:mm`` in Turkey time, as the claims query takes it (spec); ``up`` rounds an end up to
    the next minute, so a claim made in the window's last seconds is not left out."""
    if up and (moment.second or moment.microsecond):
        moment += timedelta(minutes=1)
    return moment.astimezone(ISTANBUL).strftime("%Y-%m-%d %H:%M")


class HepsiburadaClaims:
    """The claims calls of the HB client, through ``call(method, path, **request)`` on the claims host."""

    def __init__(self, call: Callable[..., Reply], merchant: str, config: HepsiburadaConfig) -> None:
        self._call = call
        self._merchant = merchant
        self._config = config

    def _list(self, status: str, params: Mapping[str, str | int]) -> Iterator[ClaimPage]:
        path = self._config.claims_list_path.format(merchant_id=self._merchant, status=status)
        limit = self._config.claims_page_size
        number = 0
        while True:
            reply = self._call("GET", path, params={**params, "offset": number * limit, "limit": limit})
            body = parse_json(reply.content, marketplace=_HB, endpoint=path)
            if not isinstance(body, list):
                raise MalformedReply(
                    "Hepsiburada sent a claims page that is not a list", marketplace=_HB, endpoint=path
                )
            claims, set_aside = read_packages(
                body,
                lambda item: parse_claim(item, return_direction=self._config.claim_return_direction),
                id_names=("number", "id"),
            )
            full = len(body) >= limit
            # No total in the reply: one more page while this one was full.
            yield ClaimPage(
                claims=claims, number=number, total_pages=number + 2 if full else number + 1, set_aside=set_aside
            )
            if not full:
                return
            number += 1

    def iter_claim_pages(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        status: ClaimItemStatus | None = None,
        order_number: str = "",
    ) -> Iterator[ClaimPage]:
        """The claims awaiting the seller (``claims_status``), page by page; dates filter on creation.

        ``status`` is the station's word: only "waiting for the seller" has an HB listing the bench needs, so
        another is refused; ``order_number`` filters here (HB's list takes no such parameter).
        """
        if status not in (None, ClaimItemStatus.WAITING_IN_ACTION):
            raise ValueError(f"Hepsiburada claims are listed awaiting the seller only, not {status}")
        params: dict[str, str | int] = {}
        if created_from is not None:
            params["beginDate"] = _hb_date(created_from)
        if created_to is not None:
            params["endDate"] = _hb_date(created_to, up=True)
        for page in self._list(self._config.claims_status, params):
            if not order_number:
                yield page
                continue
            mine = tuple(c for c in page.claims if c.order_number == order_number)
            yield ClaimPage(claims=mine, number=page.number, total_pages=page.total_pages, set_aside=page.set_aside)

    def claim(self, claim_id: str, *, order_number: str) -> RemoteClaim | None:
        """One claim read fresh: HB has no look-up by number, so each status's list is read until it is found."""
        for status in self._config.claim_lookup_statuses:
            for page in self._list(status, {}):
                for claim in page.claims:
                    if claim.claim_id == claim_id and (not order_number or claim.order_number == order_number):
                        return claim
        return None

    def _whole(self, claim_id: str, item_ids: Sequence[str], current: RemoteClaim | None) -> None:
        if not item_ids:
            raise ValueError("no claim items to answer")
        if current is None:
            return
        units = {item.item_id for item in current.items}
        if set(item_ids) != units:
            raise Unsupported(
                _(
                    "Hepsiburada answers claim {claim} whole ({n} units), not unit by unit: decide all its units "
                    "alike, or answer it on Hepsiburada's panel"
                ).format(claim=claim_id, n=len(units)),
                marketplace=_HB,
            )

    def _decide(
        self,
        claim_id: str,
        item_ids: Sequence[str],
        *,
        path: str,
        body: dict[str, Any],
        done: frozenset[ClaimItemStatus],
        order_number: str,
        business_key: str,
    ) -> WriteOutcome:
        current = self.claim(claim_id, order_number=order_number)
        self._whole(claim_id, item_ids, current)
        if current is not None and all(item.status in done for item in current.items):
            return WriteOutcome(business_key=business_key, sent=False)

        def applied() -> bool:
            again = self.claim(claim_id, order_number=order_number)
            return again is not None and all(item.status in done for item in again.items)

        log.info("claim answer path=%s business_key=%s", path, business_key)
        try:
            reply = self._call("POST", path, body=body, business_key=business_key, already_applied=applied)
        except Rejected:
            if applied():  # a retry whose first attempt went through after all
                return WriteOutcome(business_key=business_key, sent=False)
            raise
        return WriteOutcome(business_key=business_key, sent=not reply.already_applied)

    def approve_claim_items(
        self, claim_id: str, item_ids: Sequence[str], *, order_number: str, business_key: str
    ) -> WriteOutcome:
        """Accept the claim (``POST /claims/number/{n}/accept``); every unit of it must be named."""
        body: dict[str, Any] = {}
        if self._config.claim_finalized_with:
            body["FinalizedWith"] = self._config.claim_finalized_with
        return self._decide(
            claim_id,
            item_ids,
            path=self._config.claim_accept_path.format(claim_number=claim_id),
            body=body,
            done=_ACCEPTED,
            order_number=order_number,
            business_key=business_key,
        )

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
        """Reject the claim (``POST /claims/number/{n}/reject``) with the reason and the seller's statement.

        HB takes evidence as URLs only; ``files`` cannot be sent (the station hosts nothing), so the
        photos stay with the station's claim.
        """
        reason = reason_id or self._config.claim_rejection_reason
        if not reason:
            raise ValueError(
                "Hepsiburada's rejection needs a reason: none was chosen and claim_rejection_reason is not set"
            )
        statement = description.strip()
        if files:
            # Not an error: the evidence stays with the station's claim, for HB's panel if HB asks for it.
            log.info("claim %s: %d evidence file(s) not sent (HB takes URLs only)", claim_id, len(files))
        return self._decide(
            claim_id,
            item_ids,
            path=self._config.claim_reject_path.format(claim_number=claim_id),
            body={
                "ClaimRejectionReason": reason,
                "MerchantStatement": statement,
                "Reports": [],
                "UploadedReportsUrls": [],
            },
            done=_REJECTED,
            order_number=order_number,
            business_key=business_key,
        )
