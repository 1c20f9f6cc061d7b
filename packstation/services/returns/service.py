"""The return flow's service: open a claim by a scanned code, record the judged return in the journal.

The bench holds the pure :class:`~packstation.domain.returns.ReturnSession` (scans and conditions need no
I/O); this service does the I/O around it: the claim look-up in PostgreSQL, the supervisor's approval of a
rejection (spent on the server, audited), and the durable journal entry. The pump then applies it through
``return_apply()`` (stock back or into quarantine, the claim marked processed, the marketplace answers
queued in the outbox with business keys), also later, after an outage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from packstation.db.errors import is_connection_error
from packstation.domain.returns import ReturnCondition, UnitDecision
from packstation.i18n import _
from packstation.local_store.journal import Journal, JournalError
from packstation.local_store.operations import Operation, ReturnCompleted, ReturnedUnit
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.marketplaces.claims import ClaimReason
from packstation.services.returns.lookup import OpenedReturn, find_open_claim
from packstation.services.returns.offline import OpenClaimsCopy

log = logging.getLogger("packstation.services.returns.service")

#: Trendyol takes at most 500 characters of description with a rejection.
MAX_DESCRIPTION = 500


class ReturnError(Exception):
    """A return cannot be recorded as asked; the message says why (translated)."""


@dataclass(frozen=True)
class Rejection:
    """What a rejection tells the marketplace: its own reason (from the list it serves), words and photos.

    ``photos`` are the evidence files (paths or photo ids) the photo capture attached to this return.
    """

    reason: ClaimReason
    description: str = ""
    photos: tuple[str, ...] = ()


class ReturnService:
    """Opens claims at the bench and records judged returns; used from background tasks, never the GUI thread."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        journal: Journal,
        station: str,
        audit: AuditLog,
        clock: Callable[[], datetime],
        on_journaled: Callable[[], None] = lambda: None,
        reasons: Callable[[int], list[ClaimReason]] | None = None,
        offline_copy: OpenClaimsCopy | None = None,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._station = station
        self.audit = audit  # read by @privileged
        self.clock = clock
        self._on_journaled = on_journaled
        self._reasons = reasons
        self._copy = offline_copy

    def find(self, code: str, *, offline: bool = False) -> OpenedReturn | None:
        """The open claim ``code`` names (return tracking number, order number, original package id).

        ``offline`` (the station knows PostgreSQL is away) reads the station's copy at once; a look-up
        that finds PostgreSQL unreachable falls back to it too.
        """
        if offline and self._copy is not None:
            return self._copy.find(code)
        try:
            with self._sessions() as session:
                return find_open_claim(session, code)
        except Exception as exc:
            if self._copy is None or not is_connection_error(exc):
                raise
            log.info("claim look-up from the station's copy: database unreachable")
            return self._copy.find(code)

    def reject_reasons(self, account_id: int) -> list[ClaimReason]:
        """The reasons the claim's marketplace accepts for a rejection, as it serves them (Turkish)."""
        if self._reasons is None:
            return []
        return self._reasons(account_id)

    @privileged(Permission.REJECT_RETURN)
    def authorize_rejection(self, actor: UserSession, claim: str, *, approval: Approval | None = None) -> None:
        """A supervisor may reject returned units; a packer only with a supervisor's approval (spent here)."""
        log.info("rejection authorised claim=%s user=%s", claim, actor.username)

    def complete(
        self,
        actor: UserSession,
        opened: OpenedReturn,
        decisions: Sequence[UnitDecision],
        *,
        not_ours: Sequence[str] = (),
        opened_at: datetime | None = None,
        rejection: Rejection | None = None,
        approval: Approval | None = None,
    ) -> Operation:
        """Journal the judged return (durable when this returns); the pump applies it.

        Units judged damaged, wrong or missing are rejected at the marketplace: that needs ``rejection``
        (the marketplace's reason) and the right to reject (a supervisor, or a packer with ``approval``).
        """
        if len(decisions) != len(opened.units):
            raise ReturnError(_("Judge every claimed item before completing the return."))
        rejected = [d for d in decisions if d.condition is not ReturnCondition.RESELLABLE]
        if rejected and rejection is None:
            raise ReturnError(_("Choose the marketplace's reason for rejecting the items."))
        if rejection is not None and len(rejection.description) > MAX_DESCRIPTION:
            raise ReturnError(_("The description may have at most {n} characters.").format(n=MAX_DESCRIPTION))
        if rejected:
            self.authorize_rejection(actor, opened.external_id, approval=approval)
        body = ReturnCompleted(
            claim_id=opened.claim_id,
            claim_external_id=opened.external_id,
            account_id=opened.account_id,
            order_number=opened.order_number,
            package_id=opened.original.package_id if opened.original else None,
            units=tuple(
                ReturnedUnit(
                    claim_item_id=d.unit.claim_item_id,
                    external_id=d.unit.external_id,
                    condition=d.condition,
                    scanned=d.scanned,
                    product_id=d.unit.product_id,
                    barcode=d.unit.barcode,
                )
                for d in decisions
            ),
            not_ours=tuple(not_ours),
            opened_at=opened_at,
            reject_reason_id=rejection.reason.external_id if rejection and rejected else "",
            reject_reason=rejection.reason.name if rejection and rejected else "",
            description=rejection.description if rejection and rejected else "",
            photos=rejection.photos if rejection and rejected else (),
            approved_by=(approval.approver_id if approval else actor.user_id) if rejected else None,
            approval=str(approval.token) if approval and rejected else None,
        )
        op = Operation(
            body=body,
            station=self._station,
            occurred_at=self.clock(),
            package_id=None,
            user_id=actor.user_id,
            token=actor.token,
        )
        try:
            self._journal.append(op)
        except JournalError as exc:
            log.error("journal write failed, return not recorded: %s", exc)
            raise ReturnError(_("The return could not be recorded: {error}").format(error=exc)) from exc
        log.info(
            "return completed claim=%s units=%d rejected=%d not_ours=%d",
            opened.external_id,
            len(decisions),
            len(rejected),
            len(not_ours),
        )
        if self._copy is not None:
            self._copy.forget(opened.claim_id)  # judged: it must not open again before the pump applies it
        self._on_journaled()
        return op
