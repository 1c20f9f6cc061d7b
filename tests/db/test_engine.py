import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from packstation.db.engine import ConnectionLimits, create_db_engine


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a hung server or a black hole)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_silent_server_fails_within_the_connect_timeout(silent_server: int) -> None:
    engine = create_db_engine(
        f"postgresql+psycopg2://u@127.0.0.1:{silent_server}/db", limits=ConnectionLimits(connect_timeout_s=2)
    )
    # libpq's own words when connect_timeout fires (not a refusal or a reset): how long is not the test's business.
    with pytest.raises(OperationalError, match="timeout expired"), engine.connect():
        pass
    engine.dispose()


def test_statement_timeout_stops_a_runaway_query(db_url: str) -> None:
    engine = create_db_engine(db_url, limits=ConnectionLimits(statement_timeout_ms=300))
    # Without the limit pg_sleep would return normally: the server's own "statement timeout" error proves it.
    with pytest.raises(OperationalError, match="statement timeout"), engine.connect() as connection:
        connection.execute(text("SELECT pg_sleep(10)"))
    engine.dispose()


def test_connection_settings_reach_the_server(db_url: str) -> None:
    engine = create_db_engine(db_url, limits=ConnectionLimits(statement_timeout_ms=1234), application_name="st-7")
    with engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "1234ms"
        assert connection.execute(text("SHOW application_name")).scalar_one() == "st-7"
        assert connection.execute(text("SHOW TimeZone")).scalar_one() == "UTC"
    engine.dispose()
