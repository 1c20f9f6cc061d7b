"""Cancelling lines the seller cannot supply: ``POST /lineitems/merchantid/{m}/id/{line}/cancelbymerchant``.

SPEC "Iptal Bilgisi Gonderme" (``CancelByMerchantRequest {reasonId: integer}``, answer a string): the line
must not be packed yet ("henüz paketlenmemiş kalem"), and the body carries no quantity, so HB cancels the
whole line. The path and the reason id are settings (see :mod:`.config`: the sources disagree on the
path's spelling and publish one reason id, 83). Whether HB answers a repeat with 400 or 409 is not
published (UNCERTAIN): any refusal is followed by a look at the cancelled-lines feed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from packstation.domain.marketplace import Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.i18n import _
from packstation.services.marketplaces.errors import Rejected, Unsupported
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.hepsiburada.feeds import StatusFeeds
from packstation.services.marketplaces.models import RemotePackage
from packstation.services.marketplaces.transport import Reply
from packstation.services.marketplaces.writes import UnsuppliedLine, WriteOutcome

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.client")
_HB = Marketplace.HEPSIBURADA


class LineCanceller:
    """Cancels lines at HB through ``call(method, path, **request)`` (the client's order host)."""

    def __init__(
        self, call: Callable[..., Reply], feeds: StatusFeeds, merchant: str, config: HepsiburadaConfig
    ) -> None:
        self._call = call
        self._feeds = feeds
        self._merchant = merchant
        self._config = config

    def cancel(
        self,
        package: RemotePackage,
        lines: Sequence[UnsuppliedLine],
        *,
        reason: UnsuppliedReason,
        business_key: str,
    ) -> WriteOutcome:
        """Cancel ``lines`` of ``package`` at HB, one ``cancelbymerchant`` each.

        A part of a line is refused (naming it) rather than cancelling units the packer did pack. Retry
        safety: HB takes no idempotency key, so after an ambiguous attempt, or a refusal, the cancelled-lines
        feed is read: a line listed there was cancelled already and is not sent again.
        """
        reason_id = self._config.cancel_reason_id if reason is UnsuppliedReason.OUT_OF_STOCK else None
        if reason_id is None:
            raise Unsupported(
                _(
                    "Hepsiburada publishes one reason for a line the seller cannot supply (product could not be "
                    "supplied); '{reason}' has none, so nothing was sent"
                ).format(reason=reason.value),
                marketplace=_HB,
            )
        known = {line.line_id: line.quantity for line in package.lines}
        for line in lines:
            if line.line_id not in known:
                raise ValueError(f"line {line.line_id} is not in package {package.package_id}")
            if line.quantity != known[line.line_id]:
                raise ValueError(
                    _(
                        "Hepsiburada cancels whole lines only: line {line} has {total} units and {n} were "
                        "declared unsupplied. Cancel the rest on Hepsiburada's panel (split the package)."
                    ).format(line=line.line_id, total=known[line.line_id], n=line.quantity)
                )
        sent = False
        for line in lines:
            sent = self._cancel_line(line.line_id, reason_id, business_key) or sent
        return WriteOutcome(business_key, sent=sent)

    def _cancel_line(self, line_id: str, reason_id: int, business_key: str) -> bool:
        """One ``cancelbymerchant``; False when the line was found cancelled already (nothing sent)."""
        path = self._config.cancel_line_path.format(merchant_id=self._merchant, line_id=line_id)

        def cancelled() -> bool:
            return any(line_id in report.line_ids for report in self._feeds.cancelled())

        log.info("cancel line=%s reason=%d business_key=%s", line_id, reason_id, business_key)
        try:
            reply = self._call(
                "POST", path, body={"reasonId": reason_id}, business_key=business_key, already_applied=cancelled
            )
        except Rejected:
            # A repeat after a lost answer (an outbox retry after a crash) is refused: the feed tells.
            if cancelled():
                log.info("line already cancelled, not resent line=%s business_key=%s", line_id, business_key)
                return False
            raise
        return not reply.already_applied
