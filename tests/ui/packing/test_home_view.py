"""The home screen while PostgreSQL is away: the list stays, the title says it is not current, the log
gets a line (not a traceback after every parcel)."""

from __future__ import annotations

import logging
import socket

import pytest
from pytestqt.qtbot import QtBot

from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.services.packing.read_model import PackageQueries
from packstation.ui.packing.home_view import HomeView


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on: PostgreSQL is "away"
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_database_leaves_the_list_and_says_it_is_not_refreshed(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    away = create_db_engine(
        f"postgresql+psycopg2://nobody@127.0.0.1:{_closed_port()}/packstation",
        limits=ConnectionLimits(connect_timeout_s=1),
    )
    queries = PackageQueries(session_factory(away))
    view = HomeView()
    qtbot.addWidget(view)
    caplog.set_level(logging.INFO)
    try:
        view.bind(ready=queries.ready_to_pack, counts=queries.counts)
        qtbot.waitUntil(lambda: "not refreshed" in view.list_title.text(), timeout=10_000)
        assert "the database is unreachable" in view.list_title.text()
        qtbot.wait(200)  # the second query's failure arrives too
        mine = [r for r in caplog.records if r.name.startswith("packstation.ui")]
        assert mine and all(r.levelno == logging.INFO and r.exc_info is None for r in mine), [
            (r.levelname, r.getMessage()) for r in mine
        ]
        assert view.ready_card.value.text() == view.packed_card.value.text() == "–"  # nothing made up
    finally:
        away.dispose()
