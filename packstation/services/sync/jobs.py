"""The marketplace jobs on the sync scheduler: pull per account, outbox push, leadership (Qt-free).

Every station installs the jobs; only the leader (see :mod:`leadership`) does the work, the others'
jobs return at once. APScheduler's ``max_instances=1`` keeps one run of each job at a time, and
``coalesce`` folds the runs missed while a job was busy into one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount
from packstation.db.errors import is_connection_error
from packstation.db.models.sync import OutboxEntry
from packstation.domain.events import (
    Event,
    LeadershipChanged,
    OutboxPushed,
    PackageCancelled,
    SyncFinished,
    SyncPhase,
    SyncProgress,
    SyncStatus,
)
from packstation.domain.status import OutboxState
from packstation.domain.sync import PushResult
from packstation.i18n import _
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.outbox.stock import enqueue_stock_push
from packstation.services.photos.store import PhotoStore
from packstation.services.sync.accounts import ensure_accounts
from packstation.services.sync.claims import ClaimSync
from packstation.services.sync.leadership import Leadership
from packstation.services.sync.pull import PackageSync, SyncInterrupted
from packstation.services.sync.results import SyncSettings

log = logging.getLogger("packstation.services.sync.jobs")

Publish = Callable[[Event], None]
#: ``make_client(account)``: a client for a configured account (see ``accounts.client_for``).
ClientFactory = Callable[[MarketplaceAccount], MarketplaceClient]

LEADERSHIP_JOB = "marketplace-leadership"
PUSH_JOB = "marketplace-push"
_JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def pull_job_id(account: str) -> str:
    """The scheduler job id of an account's pull."""
    return f"marketplace-pull:{account}"


class ClientCache:
    """One client per account, built on first use and shared by the jobs (clients are thread-safe)."""

    def __init__(self, settings: Settings, make_client: ClientFactory, account_ids: dict[str, int]) -> None:
        self._accounts = {account.name: account for account in settings.marketplaces}
        self._make = make_client
        self._ids = account_ids
        self.account_ids = dict(account_ids)
        self._names = {account_id: name for name, account_id in account_ids.items()}
        self._clients: dict[str, MarketplaceClient] = {}
        self._lock = threading.Lock()

    def by_name(self, name: str) -> MarketplaceClient:
        """The client of configured account ``name``."""
        with self._lock:
            if name not in self._clients:
                self._clients[name] = self._make(self._accounts[name])
            return self._clients[name]

    def by_id(self, account_id: int) -> MarketplaceClient:
        """The client of the account with database id ``account_id`` (the outbox's view)."""
        name = self._names.get(account_id)
        if name is None:
            raise LookupError(
                _("marketplace account {id} is not in this station's configuration").format(id=account_id)
            )
        return self.by_name(name)

    def close(self) -> None:
        """Close every client's connections."""
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


def marketplace_jobs(
    scheduler: BaseScheduler,
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    leadership: Leadership,
    make_client: ClientFactory,
    publish: Publish,
) -> MarketplaceJobs:
    """The marketplace jobs wired the usual way: the configured accounts registered in PostgreSQL, one
    client cache, the package and claim syncs and the outbox pusher on ``sessions``."""
    clients = ClientCache(settings, make_client, ensure_accounts(settings, sessions))
    return MarketplaceJobs(
        scheduler,
        settings=settings,
        sessions=sessions,
        leadership=leadership,
        clients=clients,
        # The station's background work has one connection (db/connect.STATION_CONNECTIONS): a second
        # writer would only wait for it.
        sync=PackageSync(sessions, settings=SyncSettings(writers=1)),
        claims=ClaimSync(sessions),
        pusher=OutboxPusher(sessions, clients.by_id, read_photo=PhotoStore(sessions, station_id=None).file),
        publish=publish,
    )


class MarketplaceJobs:
    """Installs and runs the marketplace jobs of one station."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        leadership: Leadership,
        clients: ClientCache,
        sync: PackageSync,
        claims: ClaimSync,
        pusher: OutboxPusher,
        publish: Publish,
        push_interval_s: float = 10.0,
        leadership_interval_s: float = 15.0,
    ) -> None:
        self._scheduler = scheduler
        self._settings = settings
        self._sessions = sessions
        self.leadership = leadership
        self._publish = publish
        self._sync = sync
        self._claims = claims
        self.clients = clients
        self.account_ids = clients.account_ids
        self._pusher = pusher
        self._push_interval = push_interval_s
        self._leadership_interval = leadership_interval_s
        self._running: set[str] = set()
        self._running_lock = threading.Lock()
        self._push_waiting = False
        # Set by shutdown(): the scheduler stops without waiting for a running pull (a signal must stop the
        # station at once), so a pull may still be at the marketplace when its client is closed under it.
        self._stopping = threading.Event()

    @property
    def accounts(self) -> list[MarketplaceAccount]:
        """The enabled accounts, in configuration order."""
        return [account for account in self._settings.marketplaces if account.enabled]

    def install(self) -> None:
        """Add the leadership, pull and push jobs to the scheduler (first runs: now)."""
        now = datetime.now(UTC)
        self._scheduler.add_job(
            self.check_leadership,
            "interval",
            seconds=self._leadership_interval,
            id=LEADERSHIP_JOB,
            next_run_time=now,
            **_JOB_OPTIONS,
        )
        for account in self.accounts:
            self._scheduler.add_job(
                self.pull,
                "interval",
                seconds=account.sync_interval_s,
                args=(account.name,),
                id=pull_job_id(account.name),
                next_run_time=now,
                **_JOB_OPTIONS,
            )
        self._scheduler.add_job(
            self.push, "interval", seconds=self._push_interval, id=PUSH_JOB, next_run_time=now, **_JOB_OPTIONS
        )

    def sync_now(self, account: str | None = None) -> None:
        """Run the pull of ``account`` (every enabled account when None) and the push right away."""
        names = [a.name for a in self.accounts] if account is None else [account]
        for name in names:
            if name not in self.account_ids:
                raise LookupError(_("no marketplace account named {name!r}").format(name=name))
        now = datetime.now(UTC)
        for name in names:
            self._scheduler.modify_job(pull_job_id(name), next_run_time=now)
        self.push_now()

    def push_now(self, *, include_waiting: bool = False) -> None:
        """Run the outbox push right away, without a pull; ``include_waiting`` also sends the rows waiting
        out a back-off (the end of a shift: send what is left)."""
        if include_waiting:
            self._push_waiting = True  # read by the next push, on the scheduler's thread
        self._scheduler.modify_job(PUSH_JOB, next_run_time=datetime.now(UTC))

    def shutdown(self) -> None:
        """Release leadership and close the clients (call after the scheduler stopped)."""
        self._stopping.set()
        self.leadership.release()
        # A pull still at the marketplace fails on its closed client at once (a signal must not wait for a
        # marketplace's retries); it reports that as an interruption, not as a marketplace failure.
        self.clients.close()

    # -- job bodies -------------------------------------------------------------------------------

    def check_leadership(self) -> bool:
        """Take or confirm leadership; publish a change."""
        was = self.leadership.is_leader
        now = self.leadership.try_acquire()
        if now != was:
            self._publish(LeadershipChanged(now))
        return now

    def pull(self, account: str) -> None:
        """One pull of ``account`` (only on the leading station)."""
        if not self.leadership.is_leader and not self.check_leadership():
            return
        if not self._set_running(account, True):
            log.info("pull skipped account=%s reason=already running", account)
            return
        self._publish(SyncProgress(account, SyncPhase.PULL, 0))
        try:
            client = self.clients.by_name(account)
            result = self._sync.sync_account(
                self.account_ids[account],
                client,
                on_page=lambda pages, _received: self._page_done(account, pages),
                stop=self._stopping,
            )
            self._pull_claims(account, client)
        except SyncInterrupted:
            log.info("pull stopped account=%s reason=station shutting down", account)
            return
        except Exception as exc:  # published for the panel; the next run tries again
            log.warning("pull failed account=%s error=%s", account, exc)
            self._publish(SyncFinished(account, None, str(exc)))
            return
        finally:
            self._set_running(account, False)
        for package in result.superseded:
            self._publish(PackageCancelled(package.package_id, package.external_id, package.status))
        self._publish(SyncFinished(account, result))

    def _page_done(self, account: str, pages: int) -> None:
        """Publish a pull's progress; stop it here when the station is shutting down."""
        if self._stopping.is_set():
            raise SyncInterrupted(account)
        self._publish(SyncProgress(account, SyncPhase.PULL, pages))

    def _pull_claims(self, account: str, client: MarketplaceClient) -> None:
        """Returns (claims) after the packages; a failure here never hides the packages that landed."""
        try:
            self._claims.pull_if_supported(client, account_id=self.account_ids[account], account=account)
        except Exception as exc:  # logged; the next pull reads the same claims again
            if self._stopping.is_set():  # the client may have been closed under it
                log.info("claims pull stopped account=%s reason=station shutting down", account)
                return
            log.warning("claims pull failed account=%s error=%s", account, exc)

    def push(self) -> PushResult | None:
        """Queue stock changes and send due outbox rows (only on the leading station)."""
        if not self.leadership.is_leader and not self.check_leadership():
            return None
        include_waiting, self._push_waiting = self._push_waiting, False
        try:
            enqueue_stock_push(self._sessions, account_ids=list(self.account_ids.values()))
            result = self._pusher.push(include_waiting=include_waiting)
            self._publish(OutboxPushed(result, pending_outbox(self._sessions)))
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            # A PostgreSQL restart or a cut cable is everyday weather: one line, not a traceback every
            # 10 s; the rows stay due and the next run (or the next push_now) sends them.
            self._push_waiting = self._push_waiting or include_waiting
            log.info("push skipped: database unreachable")
            return None
        return result

    def _set_running(self, account: str, running: bool) -> bool:
        """Mark ``account`` as syncing or done; False when it was already syncing (one pull at a time)."""
        with self._running_lock:
            if running and account in self._running:
                return False
            (self._running.add if running else self._running.discard)(account)
            busy = sorted(self._running)
        detail = _("syncing {accounts}").format(accounts=", ".join(busy)) if busy else ""
        self._publish(SyncStatus(accounts=len(self.accounts), running=bool(busy), detail=detail))
        return True


def pending_outbox(sessions: sessionmaker[Session]) -> int:
    """Outbox rows not yet done or failed."""
    with sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxEntry)
                .where(OutboxEntry.state.in_([OutboxState.PENDING.value, OutboxState.IN_FLIGHT.value]))
            )
            or 0
        )
