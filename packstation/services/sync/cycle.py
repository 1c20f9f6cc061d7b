"""One full marketplace cycle, headless: pull every (or one) account, then push the outbox.

What ``packstation sync --once`` runs. It does not take the leadership lock: an operator running it
by hand means it, and both halves are safe to run beside a leader (idempotent upserts; outbox rows
are claimed with SKIP LOCKED).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from packstation.config import ConfigError, Settings
from packstation.config.sections import MarketplaceAccount
from packstation.domain.sync import PushResult, SyncResult
from packstation.i18n import _
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.errors import NotFound
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.outbox.stock import enqueue_stock_push
from packstation.services.photos.store import PhotoStore
from packstation.services.sync.accounts import ensure_accounts
from packstation.services.sync.claims import ClaimPullResult, ClaimSync
from packstation.services.sync.jobs import ClientCache, pending_outbox
from packstation.services.sync.pull import PackageSync

log = logging.getLogger("packstation.services.sync.cycle")


@dataclass(frozen=True)
class AccountReport:
    """The pull of one account: its result, or the error that stopped it."""

    account: str
    result: SyncResult | None = None
    error: str = ""
    #: The claims (returns) pull after the packages: what it stored, or why it failed.
    claims: ClaimPullResult | None = None
    claims_error: str = ""


@dataclass(frozen=True)
class CycleReport:
    """What one cycle did; ``ok`` is False when any pull or push failed."""

    accounts: tuple[AccountReport, ...]
    push: PushResult = field(default_factory=PushResult)
    push_error: str = ""
    pending_after: int = 0

    @property
    def ok(self) -> bool:
        """No account failed or set a package aside, no outbox row failed or is waiting on an error."""
        return (
            all(
                not report.error and not report.claims_error and not (report.result and report.result.set_aside)
                for report in self.accounts
            )
            and not self.push_error
            and self.push.failed == 0
            and self.push.retrying == 0
        )


def run_once(
    settings: Settings,
    sessions: sessionmaker[Session],
    make_client: Callable[[MarketplaceAccount], MarketplaceClient],
    *,
    account: str | None = None,
) -> CycleReport:
    """Pull then push, for ``account`` or every enabled account; rows in backoff are tried too."""
    chosen = [settings.account(account)] if account is not None else [a for a in settings.marketplaces if a.enabled]
    if not chosen:
        raise ConfigError(_("no enabled [[marketplaces]] account in the configuration"))
    ids = ensure_accounts(settings, sessions)
    clients = ClientCache(settings, make_client, ids)
    sync = PackageSync(sessions)
    claims = ClaimSync(sessions)
    reports = []
    try:
        for configured in chosen:
            try:
                client = clients.by_name(configured.name)
                result = sync.sync_account(ids[configured.name], client)
            except Exception as exc:  # reported per account; the other accounts still sync
                log.warning("pull failed account=%s error=%s", configured.name, exc)
                reports.append(AccountReport(configured.name, error=str(exc)))
                continue
            pulled, claims_error = _pull_claims(claims, client, ids[configured.name], configured.name)
            reports.append(AccountReport(configured.name, result, claims=pulled, claims_error=claims_error))
        scope = [ids[configured.name] for configured in chosen]
        push = PushResult()
        push_error = ""
        try:
            enqueue_stock_push(sessions, account_ids=scope)
            pusher = OutboxPusher(sessions, clients.by_id, read_photo=PhotoStore(sessions, station_id=None).file)
            for account_id in scope:
                push = push + pusher.push(account_id=account_id, include_waiting=True)
        except Exception as exc:  # the database went away mid-push: rows stay claimed until their lease ends
            log.warning("push failed error=%s", exc)
            push_error = str(exc)
    finally:
        clients.close()
    return CycleReport(tuple(reports), push, push_error, pending_outbox(sessions))


def _pull_claims(
    claims: ClaimSync, client: MarketplaceClient, account_id: int, account: str
) -> tuple[ClaimPullResult | None, str]:
    """The account's claims after its packages: a failure is reported apart and never hides the packages.

    A marketplace (or a stand-in of one) that does not serve the claims list answers 404: that is said,
    not counted as a failure, as there are then no returns to fetch.
    """
    try:
        return claims.pull_if_supported(client, account_id=account_id, account=account), ""
    except NotFound as exc:
        log.warning("claims not served account=%s error=%s", account, exc)
        return None, ""
    except Exception as exc:  # reported; the next cycle reads the same claims again
        log.warning("claims pull failed account=%s error=%s", account, exc)
        return None, str(exc)


def describe(report: CycleReport) -> list[str]:
    """The lines ``sync --once`` prints."""
    lines = []
    for account in report.accounts:
        if account.result is None:
            lines.append(_("{account}: FAILED: {error}").format(account=account.account, error=account.error))
            continue
        r = account.result
        lines.append(
            _(
                "{account}: {received} package(s) received: {new} new, {updated} updated, {unchanged} unchanged; "
                "{superseded} cancelled or replaced, {products} new product(s)"
            ).format(
                account=account.account,
                received=r.received,
                new=r.new,
                updated=r.updated,
                unchanged=r.unchanged,
                superseded=len(r.superseded),
                products=r.new_products,
            )
        )
        lines.extend(
            _("{account}: SET ASIDE package {package} (order {order}): {reason}").format(
                account=account.account,
                package=item.package_id or "?",
                order=item.order_number or "?",
                reason=item.reason,
            )
            for item in r.set_aside
        )
        if account.claims is not None:
            lines.append(
                _("{account}: {claims} return claim(s) read, {items} returned item(s)").format(
                    account=account.account, claims=account.claims.stored, items=account.claims.items
                )
            )
        if account.claims_error:
            lines.append(
                _("{account}: returns FAILED: {error}").format(account=account.account, error=account.claims_error)
            )
    p = report.push
    lines.append(
        _(
            "outbox: {sent} sent, {settled} settled without a call, {waiting} awaiting a result, "
            "{retrying} to retry, {failed} failed; {pending} pending"
        ).format(
            sent=p.sent,
            settled=p.settled,
            waiting=p.waiting,
            retrying=p.retrying,
            failed=p.failed,
            pending=report.pending_after,
        )
    )
    if report.push_error:
        lines.append(_("outbox: FAILED: {error}").format(error=report.push_error))
    lines.extend(_("outbox error: {error}").format(error=error) for error in dict.fromkeys(p.errors))
    return lines
