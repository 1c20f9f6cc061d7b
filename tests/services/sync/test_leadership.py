"""Leadership: one PostgreSQL advisory lock, two stations, one leader; takeover when the leader dies."""

from __future__ import annotations

import psycopg2
from sqlalchemy import Engine

from packstation.db.engine import create_db_engine
from packstation.services.sync.leadership import Leadership
from tests.support import wait_until


def test_one_leader_and_takeover_after_the_leaders_connection_is_killed(engine: Engine, db_url: str) -> None:
    other_engine = create_db_engine(db_url)  # a second station: its own engine and connections
    first, second = Leadership(engine, station="one"), Leadership(other_engine, station="two")
    try:
        assert first.try_acquire() and first.is_leader
        assert not second.try_acquire() and not second.is_leader
        assert first.try_acquire()  # confirming keeps it

        pid = first.backend_pid
        assert pid is not None
        admin = psycopg2.connect(db_url.replace("postgresql+psycopg2", "postgresql"))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
            assert cursor.fetchone() == (True,)

            # Termination is a signal: wait until the backend has exited (and its locks are freed).
            def gone() -> bool:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
                return cursor.fetchone() == (0,)

            wait_until(gone, timeout=10, interval=0.05, what=f"backend {pid} to exit")
        admin.close()

        assert second.try_acquire() and second.is_leader
        assert not first.try_acquire() and not first.is_leader  # it notices, and cannot retake it

        second.release()
        assert not second.is_leader
        assert first.try_acquire()  # released on shutdown: taken over at once
    finally:
        first.release()
        second.release()
        other_engine.dispose()
