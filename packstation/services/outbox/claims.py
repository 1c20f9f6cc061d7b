"""Sending a return's answers to the marketplace: approve the resellable units, reject the others (pusher).

Each row names one claim, its units and the operation that judged them; its business key comes from
that operation, so it is written once. Before acting, the client reads the claim again (approving or
rejecting units already decided is skipped, never sent twice). Units the marketplace still shows as
``Created`` (the return parcel is not yet registered as delivered to the seller) cannot be answered yet:
the row waits and tries again later instead of failing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from packstation.domain.photos import PhotoFile
from packstation.domain.returns import ClaimItemStatus
from packstation.domain.status import OutboxKind, OutboxState
from packstation.i18n import _
from packstation.services.marketplaces.claims import RemoteClaim
from packstation.services.marketplaces.writes import WriteOutcome
from packstation.services.outbox.rows import Claimed, Outcome
from packstation.services.photos.store import PhotoNotFound
from packstation.services.returns.evidence import inspection_report

log = logging.getLogger("packstation.services.outbox.claims")


@runtime_checkable
class ClaimAnswers(Protocol):
    """A marketplace client that approves and rejects claim items (Trendyol's)."""

    def claim(self, claim_id: str, *, order_number: str) -> RemoteClaim | None:
        """The claim as the marketplace holds it now."""
        ...

    def approve_claim_items(
        self, claim_id: str, item_ids: Sequence[str], *, order_number: str, business_key: str
    ) -> WriteOutcome:
        """Approve units (only those awaiting the seller's decision)."""
        ...

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
        """Reject units with a reason from the marketplace's list, a description and evidence files."""
        ...


class NotYetAnswerable(Exception):
    """The marketplace does not take an answer for these units yet (still ``Created``)."""


#: Reads a stored photo by id (``PhotoStore.file``): a return's evidence photos travel as ids.
PhotoReader = Callable[[uuid.UUID], PhotoFile]


def send_claim_answer(client: object, row: Claimed, *, read_photo: PhotoReader | None = None) -> Outcome:
    """Approve or reject the units ``row`` names; an Outcome for the pusher."""
    if not isinstance(client, ClaimAnswers):
        return Outcome(OutboxState.DONE, note=_("this marketplace takes no answers to returns over its API"))
    claim_id = str(row.payload["claim"])
    order_number = str(row.payload.get("order_number") or "")
    wanted = [str(item) for item in row.payload.get("items") or ()]
    current = client.claim(claim_id, order_number=order_number)
    if current is None:
        message = _("claim {claim} is no longer listed by the marketplace; nothing was sent").format(claim=claim_id)
        return Outcome(OutboxState.FAILED, error=message, escalate=message)
    states = {item.item_id: item.status for item in current.items}
    waiting = [item for item in wanted if states.get(item) is ClaimItemStatus.CREATED]
    if waiting:
        raise NotYetAnswerable(
            _("{n} returned unit(s) of claim {claim} are not yet waiting for the seller's answer").format(
                n=len(waiting), claim=claim_id
            )
        )
    gone = [item for item in wanted if states.get(item) in (ClaimItemStatus.CANCELLED, None)]
    todo = [item for item in wanted if item not in gone]
    note = _("{n} unit(s) cancelled or gone at the marketplace").format(n=len(gone)) if gone else ""
    if not todo:
        return Outcome(OutboxState.DONE, note=note)
    if row.kind is OutboxKind.CLAIM_APPROVE:
        outcome = client.approve_claim_items(claim_id, todo, order_number=order_number, business_key=row.business_key)
    else:
        outcome = client.reject_claim_items(
            claim_id,
            todo,
            reason_id=str(row.payload.get("reason_id") or ""),
            description=str(row.payload.get("description") or ""),
            files=_evidence(row, todo, read_photo),
            order_number=order_number,
            business_key=row.business_key,
        )
    return Outcome(OutboxState.DONE, sent=outcome.sent, note=note)


def _evidence(row: Claimed, items: Sequence[str], read_photo: PhotoReader | None) -> list[tuple[str, bytes, str]]:
    """The photos attached to the return; without any, a one-page inspection report (a PDF) goes instead.

    A photo is a stored photo's id (the return screen's camera) or a file path. A photo taken while
    PostgreSQL was away is stored within a minute of its return: until then the answer waits.
    """
    files = []
    for photo in row.payload.get("photos") or ():
        photo_id = _as_photo_id(photo)
        if photo_id is not None:
            if read_photo is None:
                raise ValueError(_("this station cannot read stored photos"))
            try:
                stored = read_photo(photo_id)
            except PhotoNotFound as missing:
                raise NotYetAnswerable(str(missing)) from missing
            files.append((stored.name, stored.data, stored.content_type))
            continue
        path = Path(str(photo))
        if not path.is_file():
            raise ValueError(_("the photo {path} of this return is not there any more").format(path=path))
        kind = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        files.append((path.name, path.read_bytes(), kind))
    if files:
        return files
    report = inspection_report(
        claim=str(row.payload["claim"]),
        order_number=str(row.payload.get("order_number") or ""),
        items=items,
        reason=str(row.payload.get("reason") or ""),
        description=str(row.payload.get("description") or ""),
    )
    return [("iade-inceleme.pdf", report, "application/pdf")]


def _as_photo_id(photo: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(photo))
    except ValueError:
        return None
