"""A station holds at most three PostgreSQL connections, however much of its work overlaps.

Fifty stations on one server count on it (150 connections, or a PgBouncer sized for them).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from packstation.config import load_settings
from packstation.db.connect import STATION_CONNECTIONS, open_database


def test_overlapping_work_queues_for_the_stations_three_connections(db_url: str, tmp_path: Path) -> None:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "st-conn", "data_dir": str(tmp_path)}},
    )
    database = open_database(settings, lambda: None, station_pools=True, application_name="packstation/st-conn")
    seen: list[int] = []
    done: list[str] = []
    stop = threading.Event()

    def count() -> None:  # on the pump's connection, as the journal pump would use it meanwhile
        while not stop.is_set():
            with database.for_pump()() as session:
                seen.append(
                    session.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE application_name = 'packstation/st-conn' AND backend_type = 'client backend'"
                        )
                    )
                    or 0
                )
            time.sleep(0.02)

    def background(n: int) -> None:  # sync, outbox, heartbeat, cache refresh, screens: all at once
        with database.sessions() as session:
            session.execute(text("SELECT pg_sleep(0.15)"))
        done.append(f"background-{n}")

    def packing() -> None:
        for _ in range(5):
            with database.for_packing()() as session:
                session.execute(text("SELECT pg_sleep(0.05)"))
        done.append("packing")

    counter = threading.Thread(target=count)
    workers = [threading.Thread(target=background, args=(n,)) for n in range(8)] + [threading.Thread(target=packing)]
    try:
        counter.start()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
    finally:
        stop.set()
        counter.join(timeout=10)
        database.close()
    assert len(done) == 9, "every piece of work got a connection in its turn"
    assert seen and max(seen) <= STATION_CONNECTIONS
    assert max(seen) == STATION_CONNECTIONS  # and all three were in use at once


def test_a_background_connection_busy_past_the_wait_counts_as_the_database_away(db_url: str) -> None:
    """Jobs that find the one background connection busy too long skip their run quietly, as when offline."""
    from sqlalchemy import exc

    from packstation.db.engine import create_db_engine
    from packstation.db.errors import is_connection_error

    engine = create_db_engine(db_url, pool_size=1, max_overflow=0, pool_timeout_s=0.2)
    try:
        with engine.connect():
            try:
                with engine.connect():
                    raise AssertionError("a second connection from a pool of one")
            except exc.TimeoutError as busy:
                assert is_connection_error(busy)
    finally:
        engine.dispose()
