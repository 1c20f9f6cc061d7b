"""The scheduled marketplace jobs: installed as required, run only by the leader, events published."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, func, select

from packstation.config import Settings
from packstation.db.connect import Database
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry, SyncState
from packstation.domain.events import OutboxPushed, PackageCancelled, SyncFinished, SyncProgress
from packstation.domain.status import OutboxKind, PackageStatus
from packstation.services.marketplaces import TrendyolClient
from packstation.services.outbox.rows import picking_key
from packstation.services.sync.accounts import ensure_accounts
from packstation.services.sync.jobs import PUSH_JOB, marketplace_jobs, pull_job_id
from packstation.services.sync.leadership import Leadership
from packstation.services.sync.pull import PackageSync
from packstation.simulators.trendyol import SimulatedMarketplace
from packstation.simulators.trendyol.faults import FaultKind, FaultPlan
from tests.services.sync.conftest import ACCOUNT
from tests.support import wait_until


def test_ensure_accounts_is_idempotent(db: Database, settings: Settings) -> None:
    first = ensure_accounts(settings, db.sessions)
    assert ensure_accounts(settings, db.sessions) == first
    with db.sessions() as session:
        row = session.scalars(select(MarketplaceAccountRow)).one()
        assert row.name == ACCOUNT and row.client_company.name == "Adım Ayakkabı" and row.kind == "trendyol"


def test_only_the_leader_pulls_and_a_cancellation_is_published(
    db: Database, db_url: str, settings: Settings, sim: SimulatedMarketplace, client: TrendyolClient
) -> None:
    engine = db.engine
    other_engine = create_db_engine(db_url)
    scheduler = BackgroundScheduler(timezone=UTC)
    events: list[object] = []
    leader = marketplace_jobs(
        scheduler,
        settings=settings,
        sessions=db.sessions,
        leadership=Leadership(engine, station="one"),
        make_client=lambda _account: client,
        publish=events.append,
    )
    follower_events: list[object] = []
    follower = marketplace_jobs(
        BackgroundScheduler(timezone=UTC),
        settings=settings,
        sessions=session_factory(other_engine),
        leadership=Leadership(other_engine, station="two"),
        make_client=lambda _account: client,
        publish=follower_events.append,
    )
    try:
        leader.install()
        pull = scheduler.get_job(pull_job_id(ACCOUNT))
        assert pull.trigger.interval.total_seconds() == settings.marketplaces[0].sync_interval_s
        assert (pull.coalesce, pull.max_instances, pull.misfire_grace_time) == (True, 1, None)
        assert scheduler.get_job(PUSH_JOB) is not None

        assert leader.check_leadership() and not follower.check_leadership()
        follower.pull(ACCOUNT)
        assert follower.push() is None
        assert not [e for e in follower_events if isinstance(e, SyncFinished)]
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(PackageRow)) == 0

        leader.pull(ACCOUNT)
        finished = [e for e in events if isinstance(e, SyncFinished)]
        assert len(finished) == 1 and finished[0].result is not None and finished[0].result.new == sim.config.packages
        assert any(isinstance(e, SyncProgress) and e.done >= 1 for e in events)

        remote = next(i for i in sim.matching_ids() if sim.package(i).status is PackageStatus.CREATED)  # type: ignore[union-attr]
        sim.cancel_package(remote)
        leader.pull(ACCOUNT)
        cancelled = [e for e in events if isinstance(e, PackageCancelled)]
        with db.sessions() as session:
            stored = session.scalars(select(PackageRow.id).where(PackageRow.external_id == str(remote))).one()
        assert cancelled == [PackageCancelled(stored, str(remote), "Cancelled")]
    finally:
        leader.shutdown()
        follower.shutdown()
        other_engine.dispose()


def test_sync_now_runs_the_pull_at_once(
    db: Database, engine: Engine, settings: Settings, sim: SimulatedMarketplace, client: TrendyolClient
) -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    done = threading.Event()

    def publish(event: object) -> None:
        if isinstance(event, SyncFinished):
            done.set()

    jobs = marketplace_jobs(
        scheduler,
        settings=settings,
        sessions=db.sessions,
        leadership=Leadership(engine),
        make_client=lambda _account: client,
        publish=publish,
    )
    jobs.install()
    scheduler.start(paused=True)  # nothing runs until sync_now asks
    try:
        for job in scheduler.get_jobs():
            job.pause()
        scheduler.resume()
        scheduler.resume_job(pull_job_id(ACCOUNT))
        scheduler.resume_job(PUSH_JOB)
        jobs.sync_now(ACCOUNT)
        assert done.wait(20)
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(PackageRow)) == sim.config.packages
    finally:
        scheduler.shutdown(wait=True)
        jobs.shutdown()


def test_push_now_with_waiting_rows_sends_a_row_still_in_back_off(
    db: Database, engine: Engine, settings: Settings, sim: SimulatedMarketplace, client: TrendyolClient
) -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    pushed = threading.Event()
    jobs = marketplace_jobs(
        scheduler,
        settings=settings,
        sessions=db.sessions,
        leadership=Leadership(engine),
        make_client=lambda _account: client,
        publish=lambda event: pushed.set() if isinstance(event, OutboxPushed) else None,
    )
    PackageSync(db.sessions).sync_account(jobs.account_ids[ACCOUNT], client)
    remote = next(i for i in sim.matching_ids() if sim.package(i).status is PackageStatus.CREATED)  # type: ignore[union-attr]
    with db.sessions.begin() as session:
        package_id = session.scalars(select(PackageRow.id).where(PackageRow.external_id == str(remote))).one()
        row = OutboxEntry(
            account_id=jobs.account_ids[ACCOUNT],
            kind=OutboxKind.STATUS.value,
            business_key=picking_key(package_id),
            package_id=package_id,
            payload={"status": "Picking"},
            next_attempt_at=datetime.now(UTC) + timedelta(hours=1),  # an earlier attempt failed: backing off
        )
        session.add(row)
    assert jobs.push() is not None and sim.package(remote).status is PackageStatus.CREATED  # type: ignore[union-attr]
    jobs.install()
    scheduler.start(paused=True)
    try:
        for job in scheduler.get_jobs():
            job.pause()
        scheduler.resume()
        scheduler.resume_job(PUSH_JOB)
        pushed.clear()
        jobs.push_now(include_waiting=True)
        assert pushed.wait(20)
        assert sim.package(remote).status is PackageStatus.PICKING  # type: ignore[union-attr]
    finally:
        scheduler.shutdown(wait=True)
        jobs.shutdown()


def test_a_pull_cut_short_by_shutdown_is_not_reported_as_a_marketplace_failure(
    db: Database,
    settings: Settings,
    sim: SimulatedMarketplace,
    client: TrendyolClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    events: list[object] = []
    jobs = marketplace_jobs(
        BackgroundScheduler(timezone=UTC),
        settings=settings,
        sessions=db.sessions,
        leadership=Leadership(db.engine),
        make_client=lambda _account: client,
        publish=events.append,
    )
    jobs.install()
    assert jobs.check_leadership()
    # The first page's reply stalls; the station shuts down meanwhile and closes the client under the pull.
    sim.inject(FaultPlan(FaultKind.SLOW, method="GET", path_contains="shipment-packages", delay=1.5))
    caplog.set_level(logging.INFO, logger="packstation.services.sync.jobs")
    pull = threading.Thread(target=jobs.pull, args=(ACCOUNT,))
    pull.start()
    wait_until(lambda: any(isinstance(e, SyncProgress) for e in events), what="the pull under way")
    jobs.shutdown()
    pull.join(timeout=30)
    assert not pull.is_alive()
    # The transport may log its own retry of the cut request; the sync must not call it a failure.
    sync_loggers = ("packstation.services.sync.jobs", "packstation.services.sync.pull")
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name in sync_loggers]
    assert not failures
    assert "reason=station shutting down" in caplog.text
    assert not [e for e in events if isinstance(e, SyncFinished) and e.error]
    with db.sessions() as session:  # nothing for the sync panel to show as the account's last error
        assert session.scalar(select(SyncState.last_error)) is None


def test_a_push_while_the_database_is_unreachable_is_one_line_and_the_rows_stay_due(
    db: Database, engine: Engine, settings: Settings, client: TrendyolClient, caplog: pytest.LogCaptureFixture
) -> None:
    import socket

    from packstation.db.engine import ConnectionLimits
    from packstation.services.outbox.pusher import OutboxPusher
    from packstation.services.photos.store import PhotoStore
    from packstation.services.sync.claims import ClaimSync
    from packstation.services.sync.jobs import ClientCache, MarketplaceJobs

    with socket.socket() as probe:  # a port nobody listens on: PostgreSQL is "away" (restarting, cable cut)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    away_engine = create_db_engine(
        f"postgresql+psycopg2://nobody@127.0.0.1:{port}/packstation", limits=ConnectionLimits(connect_timeout_s=1)
    )
    away = session_factory(away_engine)
    clients = ClientCache(settings, lambda _account: client, ensure_accounts(settings, db.sessions))
    events: list[object] = []
    jobs = MarketplaceJobs(
        BackgroundScheduler(timezone=UTC),
        settings=settings,
        sessions=away,
        leadership=Leadership(engine, station="one"),  # it leads: the lease row is on the reachable server
        clients=clients,
        sync=PackageSync(away),
        claims=ClaimSync(away),
        pusher=OutboxPusher(away, clients.by_id, read_photo=PhotoStore(away, station_id=None).file),
        publish=events.append,
    )
    caplog.set_level(logging.INFO, logger="packstation.services.sync.jobs")
    try:
        assert jobs.check_leadership()
        jobs.install()  # on a scheduler that is not started: nothing runs by itself
        jobs.push_now(
            include_waiting=True
        )  # asked for at once (end of shift): still asked for once the database is back
        assert jobs.push() is None
        records = [r for r in caplog.records if r.name == "packstation.services.sync.jobs"]
        assert [r.getMessage() for r in records if "push" in r.getMessage()] == ["push skipped: database unreachable"]
        assert all(r.exc_info is None for r in records)
        assert not [e for e in events if isinstance(e, OutboxPushed)]
        assert jobs._push_waiting, "the push asked for at once must not be forgotten"
    finally:
        jobs.shutdown()
        away_engine.dispose()
