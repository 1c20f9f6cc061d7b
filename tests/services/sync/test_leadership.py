"""Leadership: one lease row, two stations, one leader; takeover once the leader stops renewing."""

from __future__ import annotations

from datetime import timedelta

import psycopg2
from sqlalchemy import Engine

from packstation.db.engine import create_db_engine
from packstation.services.sync.leadership import SAFETY_MARGIN_S, Leadership


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_leader_and_takeover_when_the_leader_stops_renewing(engine: Engine, db_url: str) -> None:
    other_engine = create_db_engine(db_url)  # a second station: its own engine and connections
    lease = timedelta(seconds=SAFETY_MARGIN_S + 1)
    clock = Clock()
    first = Leadership(engine, station="one", lease=lease, clock=clock)
    second = Leadership(other_engine, station="two", lease=lease, clock=clock)
    try:
        assert first.try_acquire() and first.is_leader
        assert not second.try_acquire() and not second.is_leader
        assert first.try_acquire()  # renewing keeps it

        # The leader stops renewing (a dead process, a cut cable): it stops counting itself leader
        # before the lease runs out in PostgreSQL, and another station takes the row once it has.
        clock.now += 1.5
        assert not first.is_leader
        admin = psycopg2.connect(db_url.replace("postgresql+psycopg2", "postgresql"))
        admin.autocommit = True
        with admin.cursor() as cursor:  # PostgreSQL's clock decides expiry: move the row into the past
            cursor.execute("UPDATE leases SET expires_at = now() - interval '1 second'")
        admin.close()
        assert second.try_acquire() and second.is_leader
        assert not first.try_acquire() and not first.is_leader  # it learns, and cannot retake it

        second.release()
        assert not second.is_leader
        assert first.try_acquire()  # released on shutdown: taken over at once
    finally:
        first.release()
        second.release()
        other_engine.dispose()


def test_a_leader_that_cannot_reach_the_database_keeps_its_lease_only_until_it_would_lapse(
    db_url: str,
) -> None:
    engine = create_db_engine(db_url)
    clock = Clock()
    leader = Leadership(engine, station="one", lease=timedelta(seconds=45), clock=clock)
    try:
        assert leader.try_acquire()
        admin = psycopg2.connect(db_url.replace("postgresql+psycopg2", "postgresql").rsplit("/", 1)[0] + "/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:  # the database is gone from now on
            cursor.execute(f"DROP DATABASE {engine.url.database} WITH (FORCE)")
        admin.close()
        clock.now += 10
        assert leader.try_acquire()  # still within its lease: keeps working
        clock.now += 40 - SAFETY_MARGIN_S
        assert not leader.try_acquire() and not leader.is_leader
    finally:
        engine.dispose()
