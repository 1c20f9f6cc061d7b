"""Dashboards stay cheap with fifty stations writing: a refresh never reads the raw pack events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from packstation.db.engine import session_factory
from packstation.services.reports.queries import ReportQueries


def test_a_dashboard_refresh_reads_only_the_rollups(engine: Engine) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        queries = ReportQueries(session_factory(engine))
        queries.dashboard(queries.today())
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert any("pack_hourly" in s for s in statements)  # the figures were read, from the rollup
    assert not [s for s in statements if "pack_events" in s]
