"""The throwaway cluster the suite and the benchmarks restart: stop and start are idempotent."""

from __future__ import annotations

from pathlib import Path

import psycopg2

from packstation.db.local_server import LocalPostgres


def _answers(server: LocalPostgres) -> bool:
    try:
        connection = psycopg2.connect(
            dbname="postgres", user="postgres", host="127.0.0.1", port=server.port, connect_timeout=2
        )
    except psycopg2.OperationalError:
        return False
    connection.close()
    return True


def test_stopping_a_stopped_server_and_starting_a_running_one_do_nothing(tmp_path: Path) -> None:
    server = LocalPostgres(tmp_path / "pg")
    server.init()
    try:
        server.stop()  # never started: nothing to stop
        server.start()
        server.start()  # a restart loop that overlapped: still one server, still answering
        assert server.is_running() and _answers(server)
        server.stop("fast")
        server.stop("immediate")  # an outage thread and a tear-down both stopping it
        assert not server.is_running() and not _answers(server)
        server.start()
        assert _answers(server)
    finally:
        server.destroy()
    assert not server.is_running()
