"""Exception queue actions, station health and sync state, on the seeded day."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from packstation.db.connect import Database
from packstation.db.models.sync import OutboxEntry, SyncState
from packstation.domain.status import Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import LoginMethod, PermissionDenied, UserSession
from packstation.services.reports import ExceptionActionError, ExceptionQueue, ReportFilter, ReportQueries
from tests.services.access.conftest import server_session
from tests.services.reports.conftest import DAY, IST, Seeded, local

NOW = local(0, 12, 0)


def test_assign_and_resolve_are_checked(db: Database, seeded: Seeded) -> None:
    queue = ExceptionQueue(db.sessions, audit=AuditLog(db.sessions), clock=lambda: NOW)
    # The actor of each call: a supervisor (the dashboard passes whoever is logged in at that moment), with
    # a server-side session, from which the server takes who resolved it.
    with db.sessions.begin() as session:
        session.execute(text("UPDATE users SET role = 'supervisor' WHERE id = :id"), {"id": seeded.ayse})
    ayse = server_session(db, seeded.ayse, None)
    packer = UserSession(seeded.ayse, "ayse", "Ayşe", Role.PACKER, None, LoginMethod.PASSWORD, NOW, uuid.uuid4())
    with pytest.raises(PermissionDenied):
        queue.resolve(packer, 1, resolution="not mine to resolve")
    queries = ReportQueries(db.sessions, tz=IST, clock=lambda: NOW)
    [conflict] = queries.open_exceptions()
    assert (conflict.kind, conflict.package, conflict.station) == ("conflict", "EXT-P6", "İstasyon 1")
    with pytest.raises(ExceptionActionError, match="user 999 does not exist"):
        queue.assign(ayse, conflict.id, to_user_id=999)
    queue.assign(ayse, conflict.id, to_user_id=seeded.sukru)
    assert queries.open_exceptions()[0].assigned_to == "Şükrü Öztürk"
    with pytest.raises(ExceptionActionError, match="say how"):
        queue.resolve(ayse, conflict.id, resolution=" ")
    queue.resolve(ayse, conflict.id, resolution="checked")
    assert queries.open_exceptions() == ()
    with db.sessions() as session:
        resolved = session.execute(
            text("SELECT resolved_by_user_id FROM pack_exceptions WHERE id = :id"), {"id": conflict.id}
        ).scalar_one()
        actions = list(session.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars())
    assert resolved == seeded.ayse
    assert {"exception.assigned", "exception.resolved", "permission.denied"} <= set(actions)
    with pytest.raises(ExceptionActionError, match=r"already resolved at \d{4}-\d{2}-\d{2} "):  # the server's time
        queue.resolve(ayse, conflict.id, resolution="again")
    with pytest.raises(ExceptionActionError, match="exception 424242 does not exist"):
        queue.assign(ayse, 424242, to_user_id=seeded.ayse)
    # Filters: the conflict belongs to Güllü on station 1.
    with db.sessions.begin() as session:
        session.execute(text("UPDATE pack_exceptions SET resolved_at = NULL"))
    assert len(queries.open_exceptions(ReportFilter(DAY, DAY, client_company_id=seeded.gullu))) == 1
    assert queries.open_exceptions(ReportFilter(DAY, DAY, client_company_id=seeded.cicek)) == ()
    assert queries.open_exceptions(ReportFilter(DAY, DAY, station_id=seeded.station_2)) == ()


def test_station_health_and_sync_state(db: Database, seeded: Seeded) -> None:
    with db.sessions.begin() as session:
        session.execute(
            text("UPDATE stations SET last_heartbeat_at = :beat, pending_operations = 4 WHERE id = :id"),
            {"beat": NOW - timedelta(seconds=89), "id": seeded.station_1},
        )
        session.execute(
            text("UPDATE stations SET last_heartbeat_at = :beat WHERE id = :id"),
            {"beat": NOW - timedelta(seconds=91), "id": seeded.station_2},
        )
        session.add(SyncState(account_id=seeded.trendyol, last_success_at=NOW, last_error=None))
        for key, state in (("a", "pending"), ("b", "failed"), ("c", "done")):
            session.add(
                OutboxEntry(account_id=seeded.trendyol, kind="status", business_key=key, payload={}, state=state)
            )
    queries = ReportQueries(db.sessions, tz=IST, clock=lambda: NOW)
    health = {s.name: (s.online, s.pending_operations) for s in queries.station_status()}
    assert health == {"İstasyon 1": (True, 4), "İstasyon 2": (False, 0)}
    sync = {a.account: a for a in queries.sync_states()}
    assert (sync["gullu-trendyol"].outbox_pending, sync["gullu-trendyol"].outbox_failed) == (1, 1)
    assert sync["gullu-trendyol"].client == "Güllü Ayakkabı" and sync["cicek-hb"].last_success_at is None
    choices = queries.filter_choices()
    assert [c.name for c in choices.packers] == ["Ayşe Yılmaz", "Şükrü Öztürk"]
    assert choices.marketplaces == ("hepsiburada", "trendyol")
