"""Packing, force-complete, unsupplied, stock, billing and exception writes are decided by the server.

A station's login (made by `db create-station-role`) cannot write those tables itself; it goes through
SECURITY DEFINER functions that take the actor from the user's server-side session and check the
permission there. Each test connects with the station's own credentials, tries what an attacker with
that password would, sees it refused, and then does the same through the app, which works.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.access import AuditEntry
from packstation.db.models.accounts import ClientCompany
from packstation.db.models.packages import PackageRow, PackEvent, PackException, ParkedOperation
from packstation.db.models.reports import BillingPlan
from packstation.db.models.stock import StockLevel, StockMovement
from packstation.demo.data import seed_demo_data
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.status import ParkedDecision, Role
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Operation, PackedLine, Unsupplied
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.auth import AuthService
from packstation.services.access.permissions import Permission, PermissionDenied, UserSession
from packstation.services.access.users import Credentials
from packstation.services.journal.parked import ParkedOperations
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import PackingService
from packstation.services.reports.billing import BillingPlans, Plan, parse_tiers
from packstation.services.reports.exceptions import ExceptionActionError, ExceptionQueue
from packstation.services.station.heartbeat import StationService

from .conftest import Stack, server_session
from .test_station_role import PASSWORD, station_url

__all__ = ["station_url"]  # the fixture, imported for pytest

STATION = "station-5"


@dataclass
class Rig:
    """A station running as its least-privilege login, and the people at it."""

    sessions: sessionmaker[Session]
    station_id: int
    auth: AuthService
    audit: AuditLog
    journal: Journal
    packing: PackingService
    pump: JournalPump
    packer: UserSession
    supervisor: UserSession
    url: str

    def raw(self) -> psycopg2.extensions.connection:
        """A bare connection with the station's credentials, as an attacker holding them would open."""
        url = make_url(self.url)
        connection = psycopg2.connect(
            dbname=url.database, user=url.username, password=PASSWORD, host=url.host, port=url.port
        )
        connection.autocommit = True
        return connection


@pytest.fixture
def rig(stack: Stack, station_url: str, tmp_path: Path) -> Iterator[Rig]:
    seed_demo_data(stack.db.sessions, packages=6)
    admin, _secret = stack.first_admin()
    stack.packer(admin, "ayse", badge="BADGE-AYSE-1", pin="1357")
    sena = stack.users.create_user(admin, "sena", role=Role.SUPERVISOR, password="Sena-Parola-1", full_name="Sena")
    stack.users.enrol_badge(admin, sena, "BADGE-SENA-9", pin="2580")
    engine = create_db_engine(station_url)
    try:
        sessions = session_factory(engine)
        audit = AuditLog(sessions)
        station_id = StationService(sessions, name=STATION, audit=audit).register()
        auth = AuthService(
            sessions, credentials=Credentials(sessions, hasher=stack.users.credentials.hasher), audit=audit
        )
        journal = Journal(tmp_path / "journal.sqlite3")
        claims = ClaimService(sessions, station_id=station_id, lease=timedelta(minutes=5))
        packing = PackingService(
            sessions, journal=journal, claims=claims, station=STATION, clock=lambda: datetime.now(UTC), audit=audit
        )
        packer = auth.login_badge("BADGE-AYSE-1", pin="1357", station_id=station_id)
        # A supervisor logged in at this station (password and TOTP; opened as a log-in would).
        supervisor = server_session(stack.db, sena, station_id)
        yield Rig(
            sessions, station_id, auth, audit, journal, packing, JournalPump(journal, sessions), packer, supervisor,
            station_url,
        )  # fmt: skip
    finally:
        engine.dispose()


def _package(rig: Rig, index: int = 0) -> PackageRow:
    with rig.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).offset(index).limit(1)).one()
        _ = package.lines
        return package


def _items(package: PackageRow) -> list[str]:
    return [line.barcode for line in package.lines for _ in range(line.quantity)]


def _audit(stack: Stack, action: AuditAction) -> list[AuditEntry]:
    with stack.db.sessions() as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == action.value).order_by(AuditEntry.id))
        )


def _refused(connection: psycopg2.extensions.connection, statement: str, *args: object) -> psycopg2.Error:
    with connection.cursor() as cursor, pytest.raises(psycopg2.Error) as error:
        cursor.execute(statement, args or None)
    assert error.value.pgcode == "42501", f"{statement}: {error.value.pgcode} {error.value}"
    return error.value


def _ops(*ops: dict[str, object]) -> str:
    base = {"kind": "scan", "package_id": None, "user_id": None, "occurred_at": datetime.now(UTC).isoformat()}
    return json.dumps([{**base, "op_id": str(uuid.uuid4()), **op} for op in ops])


def test_raw_writes_are_refused_and_the_server_names_the_actor_of_packing(stack: Stack, rig: Rig) -> None:
    package = _package(rig)
    line = package.lines[0]
    with stack.db.sessions() as session:
        stock_before = session.get(StockLevel, line.product_id).quantity  # type: ignore[union-attr]
    connection = rig.raw()
    try:
        package_id = package.id
        for statement, value in (
            (
                "INSERT INTO pack_events (op_id, station_id, kind, occurred_at)"
                " VALUES (gen_random_uuid(), %s, 'complete', now())",
                rig.station_id,
            ),
            (
                "INSERT INTO stock_movements (op_id, product_id, delta, reason)"
                " VALUES (gen_random_uuid(), %s, 100, 'found')",
                line.product_id,
            ),
            ("UPDATE stock_levels SET quantity = quantity + 100 WHERE product_id = %s", line.product_id),
            ("UPDATE location_stock SET quantity = quantity + 100 WHERE product_id = %s", line.product_id),
            ("INSERT INTO stock_levels (product_id, quantity) VALUES (%s, 5) ON CONFLICT DO NOTHING", line.product_id),
            ("UPDATE packages SET packed_at = now(), packed_by_user_id = 1 WHERE id = %s", package_id),
            ("UPDATE packages SET box_count = 9 WHERE id = %s", package_id),
            ("INSERT INTO billing_plans (client_company_id, period_start_day) VALUES (NULL, %s)", 1),
            ("UPDATE billing_tiers SET price_per_parcel = 0 WHERE plan_id = %s", 1),
            ("DELETE FROM billing_plans WHERE id = %s", 1),
            ("UPDATE pack_exceptions SET resolved_by_user_id = 1 WHERE id = %s", 1),
            # A 'conflict' row un-counts a billed parcel: only a pack_apply() transaction reports one.
            ("INSERT INTO pack_exceptions (kind, op_id, message) VALUES ('conflict', gen_random_uuid(), %s)", "x"),
        ):
            _refused(connection, statement, value)
        # Entries only the server writes cannot be appended in anyone's name.
        error = _refused(
            connection, "SELECT audit_append(%s, NULL, 'package.force_complete', NULL, '{}')", rig.packer.token
        )
        assert "audit_action_reserved" in str(error)
        # pack_apply wants a session: none, or a made-up one, is refused.
        for token in (None, "forged-token"):
            op = _ops({"token": token, "station_id": rig.station_id, "kind": "scan", "barcode": "x"})
            assert "session_invalid" in str(_refused(connection, "SELECT * FROM pack_apply(%s::jsonb)", op))
        # A session from another station is refused too.
        other = StationService(rig.sessions, name="station-6", audit=rig.audit).register()
        op = _ops({"token": rig.packer.token, "station_id": other, "kind": "scan"})
        assert "session_other_station" in str(_refused(connection, "SELECT * FROM pack_apply(%s::jsonb)", op))
        # The user a station claims is not believed: the session's is recorded.
        claimed = _ops({"token": rig.packer.token, "station_id": rig.station_id, "user_id": 1, "barcode": "x"})
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM pack_apply(%s::jsonb)", (claimed,))
            op_id, recorded_user, _approver = cursor.fetchone()
            assert recorded_user == rig.packer.user_id
    finally:
        connection.close()
    with stack.db.sessions() as session:
        assert session.get(PackEvent, op_id).user_id == rig.packer.user_id  # type: ignore[union-attr]

    # The app path works: the packer packs, the pump (as the station) applies it all.
    rig.packing.open(package.cargo_tracking_number or "", user_id=rig.packer.user_id, token=rig.packer.token)
    for barcode in _items(package):
        rig.packing.scan(barcode, user_id=rig.packer.user_id, token=rig.packer.token)
    assert rig.pump.drain_once() == len(_items(package)) + 2
    with stack.db.sessions() as session:
        packed = session.get(PackageRow, package.id)
        assert packed is not None and packed.packed_at is not None and packed.packed_by_user_id == rig.packer.user_id
        users = set(session.scalars(select(PackEvent.user_id).where(PackEvent.package_id == package.id)))
        assert users == {rig.packer.user_id}
        assert session.get(StockLevel, line.product_id).quantity < stock_before  # type: ignore[union-attr]
        moved = select(func.count()).select_from(StockMovement).where(StockMovement.package_id == package.id)
        assert session.scalar(moved) == len(package.lines)
    assert stack.audit.verify().intact


def _forced(rig: Rig, package: PackageRow, *, approval: str | None = None) -> Operation:
    """A forced completion as an attacker would journal it: straight to the journal, past @privileged."""
    lines = tuple(
        PackedLine(line_id=line.external_line_id, product_id=line.product_id, units=0) for line in package.lines
    )
    body = Completed(lines=lines, forced=True, approved_by=rig.packer.user_id, approval=approval)
    return Operation(
        body, station=STATION, occurred_at=datetime.now(UTC), package_id=package.id,
        user_id=rig.packer.user_id, token=rig.packer.token,
    )  # fmt: skip


def test_force_complete_needs_the_role_or_an_approval_spent_for_it_on_the_server(stack: Stack, rig: Rig) -> None:
    first, second = _package(rig, 0), _package(rig, 1)
    # A packer's forced completion without an approval, journaled directly: the server refuses it (parked).
    sneaky = _forced(rig, first)
    rig.journal.append(sneaky)
    assert rig.pump.drain_once() == 0
    assert rig.journal.stats().parked == 1
    assert "may not" in rig.journal.parked_entries()[0].error
    with stack.db.sessions() as session:
        assert session.get(PackageRow, first.id).packed_at is None  # type: ignore[union-attr]

    # Through the app: Sena approves with badge and PIN, the packer completes, the server checks the approval.
    rig.packing.open(second.cargo_tracking_number or "", user_id=rig.packer.user_id, token=rig.packer.token)
    approval = rig.auth.approve(
        "BADGE-SENA-9", "2580", Permission.FORCE_COMPLETE, station_id=rig.station_id, requested_by=rig.packer
    )
    rig.packing.force_complete(rig.packer, approval=approval, reason="etiket okunmuyor")
    assert rig.pump.drain_once() == 2
    with stack.db.sessions() as session:
        assert session.get(PackageRow, second.id).packed_at is not None  # type: ignore[union-attr]
    forced = _audit(stack, AuditAction.FORCE_COMPLETE)
    assert [(entry.actor_user_id, entry.subject) for entry in forced] == [(rig.packer.user_id, f"package:{second.id}")]
    assert forced[0].detail["approved_by"] == rig.supervisor.user_id
    assert forced[0].detail["reason"] == "etiket okunmuyor"

    # The same approval cannot complete a second parcel: it is bound to the operation it allowed.
    reused = _forced(rig, _package(rig, 2), approval=str(approval.token))
    rig.journal.append(reused)
    assert rig.pump.drain_once() == 0
    assert {entry.op_id for entry in rig.journal.parked_entries()} == {sneaky.op_id, reused.op_id}

    # A supervisor needs no approval.
    third = _package(rig, 3)
    rig.packing.open(third.cargo_tracking_number or "", user_id=rig.supervisor.user_id, token=rig.supervisor.token)
    rig.packing.force_complete(rig.supervisor)
    rig.pump.drain_once()
    assert rig.journal.stats().pending == rig.journal.stats().parked == 2
    with stack.db.sessions() as session:
        assert session.get(PackageRow, third.id).packed_by_user_id == rig.supervisor.user_id  # type: ignore[union-attr]
    assert [entry.actor_user_id for entry in _audit(stack, AuditAction.FORCE_COMPLETE)][-1] == rig.supervisor.user_id
    assert stack.audit.verify().intact


def test_unsupplied_lines_need_the_role_or_an_approval_and_are_audited_with_the_actor(stack: Stack, rig: Rig) -> None:
    package = _package(rig, 0)
    line = package.lines[0]
    rig.packing.open(package.cargo_tracking_number or "", user_id=rig.packer.user_id, token=rig.packer.token)
    sneaky = Operation(
        Unsupplied(line_id=line.external_line_id, quantity=1, reason=UnsuppliedReason.OUT_OF_STOCK),
        station=STATION, occurred_at=datetime.now(UTC), package_id=package.id,
        user_id=rig.packer.user_id, token=rig.packer.token,
    )  # fmt: skip
    rig.journal.append(sneaky)
    assert rig.pump.drain_once() == 1  # the open; the unsupplied line is refused and parked
    assert [entry.op_id for entry in rig.journal.parked_entries()] == [sneaky.op_id]
    with stack.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PackException)) == 0

    approval = rig.auth.approve(
        "BADGE-SENA-9", "2580", Permission.MARK_UNSUPPLIED, station_id=rig.station_id, requested_by=rig.packer
    )
    rig.packing.mark_unsupplied(rig.packer, line.external_line_id, 1, UnsuppliedReason.OUT_OF_STOCK, approval=approval)
    assert rig.pump.drain_once() >= 1
    entries = _audit(stack, AuditAction.LINE_UNSUPPLIED)
    assert [(entry.actor_user_id, entry.detail["approved_by"]) for entry in entries] == [
        (rig.packer.user_id, rig.supervisor.user_id)
    ]
    with stack.db.sessions() as session:
        kinds = session.scalars(select(PackException.kind)).all()
    assert kinds == ["unsupplied"]


def test_billing_plans_and_exception_actions_are_checked_and_audited_by_the_server(stack: Stack, rig: Rig) -> None:
    plans = BillingPlans(rig.sessions, audit=rig.audit)
    plan = Plan(tiers=parse_tiers("100:4.50,*:4.00"))
    connection = rig.raw()
    try:
        tiers = json.dumps([{"up_to": None, "price": "0.01"}])
        _refused(
            connection,
            "SELECT billing_plan_set(%s, NULL, NULL, 1, 'volume', 0, 'TRY', %s::jsonb, '*:0.01', 'station')",
            rig.packer.token,
            tiers,
        )
        _refused(
            connection,
            "SELECT billing_plan_set(NULL, NULL, NULL, 1, 'volume', 0, 'TRY', %s::jsonb, '*:0.01', 'station')",
            tiers,
        )
    finally:
        connection.close()
    plans.set(rig.supervisor, plan)  # the app path: a supervisor's session
    with stack.db.sessions() as session:
        stored = session.scalars(select(BillingPlan)).one()
        assert [tier.price_per_parcel for tier in stored.tiers] == [Decimal("4.5000"), Decimal("4.0000")]
    assert [entry.actor_user_id for entry in _audit(stack, AuditAction.BILLING_PLAN_SET)] == [rig.supervisor.user_id]

    # An exception the pump reported: a packer's session cannot resolve it on the server, a supervisor's can.
    with stack.db.sessions.begin() as session:
        exception = PackException(kind="conflict", station_id=rig.station_id, op_id=uuid.uuid4(), message="çakışma")
        session.add(exception)
        session.flush()
        exception_id = exception.id
    connection = rig.raw()
    try:
        error = _refused(
            connection, "SELECT exception_resolve(%s, NULL, %s, 'kapatıldı')", rig.packer.token, exception_id
        )
        assert "permission_denied" in str(error)
    finally:
        connection.close()
    queue = ExceptionQueue(rig.sessions, audit=rig.audit)
    queue.assign(rig.supervisor, exception_id, to_user_id=rig.packer.user_id)
    queue.resolve(rig.supervisor, exception_id, resolution="kapatıldı")
    with pytest.raises(ExceptionActionError):
        queue.resolve(rig.supervisor, exception_id, resolution="again")
    with stack.db.sessions() as session:
        row = session.get(PackException, exception_id)
        assert row is not None
        assert (row.resolved_by_user_id, row.assigned_to_user_id) == (rig.supervisor.user_id, rig.packer.user_id)
    assert [e.actor_user_id for e in _audit(stack, AuditAction.EXCEPTION_RESOLVED)] == [rig.supervisor.user_id]
    assert [e.actor_user_id for e in _audit(stack, AuditAction.EXCEPTION_ASSIGNED)] == [rig.supervisor.user_id]

    # A packer with a supervisor's approval clears a plan; the approval allows that one call.
    approval = rig.auth.approve(
        "BADGE-SENA-9", "2580", Permission.CHANGE_SETTINGS, station_id=rig.station_id, requested_by=rig.packer
    )
    with stack.db.sessions() as session:
        company = session.scalars(select(ClientCompany.id).order_by(ClientCompany.id).limit(1)).one()
    plans.set(rig.supervisor, plan, client_company_id=company)
    assert plans.clear(rig.packer, company, approval=approval) is True
    cleared = _audit(stack, AuditAction.BILLING_PLAN_CLEARED)
    assert [(entry.actor_user_id, entry.subject) for entry in cleared] == [(rig.packer.user_id, f"client:{company}")]
    with pytest.raises(PermissionDenied, match="already used"):
        plans.clear(rig.packer, company, approval=approval)
    assert stack.audit.verify().intact


def test_a_journal_entry_without_a_session_goes_in_only_after_a_supervisor_retries_it(stack: Stack, rig: Rig) -> None:
    package = _package(rig, 0)
    lines = tuple(
        PackedLine(line_id=line.external_line_id, product_id=line.product_id, units=line.quantity)
        for line in package.lines
    )
    # Written by a build before sessions were journaled: no token.
    legacy = Operation(
        Completed(lines=lines), station=STATION, occurred_at=datetime.now(UTC), package_id=package.id,
        user_id=rig.packer.user_id,
    )  # fmt: skip
    rig.journal.append(legacy)
    assert rig.pump.drain_once() == 0
    rig.pump.sync_parked(force=True)
    with stack.db.sessions() as session:
        parked = session.scalars(select(ParkedOperation)).one()
        assert parked.op_id == legacy.op_id and "session" in parked.error

    parked_ops = ParkedOperations(rig.sessions, audit=rig.audit)
    with pytest.raises(Exception, match="may not"):
        parked_ops.decide(rig.packer, legacy.op_id, ParkedDecision.RETRY)  # a packer alone may not
    parked_ops.decide(rig.supervisor, legacy.op_id, ParkedDecision.RETRY)
    rig.pump.sync_parked(force=True)  # the station carries the decision out
    assert rig.pump.drain_once() == 1
    with stack.db.sessions() as session:
        event = session.get(PackEvent, legacy.op_id)
        assert event is not None and event.user_id == rig.packer.user_id
        assert session.get(PackageRow, package.id).packed_at is not None  # type: ignore[union-attr]
    retried = _audit(stack, AuditAction.PARKED_RETRIED)
    assert [(e.actor_user_id, e.subject) for e in retried] == [(rig.supervisor.user_id, f"operation:{legacy.op_id}")]


def test_the_actions_only_the_server_writes_are_the_same_in_the_code_and_the_database(stack: Stack) -> None:
    from sqlalchemy import text

    from packstation.services.access.audit import SERVER_ACTIONS

    with stack.db.sessions() as session:
        for action in AuditAction:
            reserved = session.scalar(text("SELECT ps_server_action(:a)"), {"a": action.value})
            assert reserved is (action in SERVER_ACTIONS), action


def test_the_journal_replays_after_the_session_ended_and_a_supervisor_reads_the_figures(stack: Stack, rig: Rig) -> None:
    from zoneinfo import ZoneInfo

    from packstation.services.access.permissions import LogoutReason
    from packstation.services.reports.access import ReportAccess

    package = _package(rig)
    rig.packing.open(package.cargo_tracking_number or "", user_id=rig.packer.user_id, token=rig.packer.token)
    for barcode in _items(package):
        rig.packing.scan(barcode, user_id=rig.packer.user_id, token=rig.packer.token)
    # The packer logs out before the journal reaches PostgreSQL (the station was offline meanwhile).
    rig.auth.logout(rig.packer, reason=LogoutReason.USER)
    assert rig.pump.drain_once() == len(_items(package)) + 2
    with stack.db.sessions() as session:
        assert session.get(PackageRow, package.id).packed_by_user_id == rig.packer.user_id  # type: ignore[union-attr]

    # The dashboard's figures, read with the station's login, for a supervisor.
    reports = ReportAccess(
        rig.sessions, tz=ZoneInfo("Europe/Istanbul"), audit=rig.audit, clock=lambda: datetime.now(UTC)
    )
    queries, _exceptions = reports.open_reports(rig.supervisor)
    snapshot = queries.dashboard(queries.today())
    assert snapshot.total.parcels == 1
    assert [figures.parcels for figures in snapshot.packers] == [1]


def test_stock_is_adjusted_only_with_adjust_stock_checked_by_the_server(stack: Stack, rig: Rig) -> None:
    from packstation.db.models.stock import LocationStock
    from packstation.domain.stock import StockReason
    from packstation.services.stock.places import unplaced_bin
    from packstation.services.stock.service import StockService

    line = _package(rig).lines[0]
    assert line.product_id is not None
    with stack.db.sessions.begin() as session:
        bin_id = unplaced_bin(session)
    connection = rig.raw()
    try:
        # A packer's session does not open stock changes on the server, whatever the station claims.
        error = _refused(connection, "SELECT stock_write_grant(%s, NULL, 'adjust:mine')", rig.packer.token)
        assert "permission_denied" in str(error)
        _refused(connection, "SELECT stock_write_grant(NULL, NULL, 'adjust:mine')")
    finally:
        connection.close()
    # The app path: a supervisor adjusts, as the station's login.
    stock = StockService(rig.sessions, audit=rig.audit)
    applied = stock.adjust(rig.supervisor, line.product_id, bin_id, 7, StockReason.FOUND, note="rafta bulundu")
    assert applied.delta == 7
    with stack.db.sessions() as session:
        units = session.scalar(
            select(LocationStock.quantity).where(
                LocationStock.location_id == bin_id, LocationStock.product_id == line.product_id
            )
        )
        assert units == applied.bin_after
    # A packer with a supervisor's badge and PIN: once, for that change.
    approval = rig.auth.approve(
        "BADGE-SENA-9", "2580", Permission.ADJUST_STOCK, station_id=rig.station_id, requested_by=rig.packer
    )
    stock.adjust(rig.packer, line.product_id, bin_id, -2, StockReason.DAMAGE, approval=approval)
    with pytest.raises(PermissionDenied, match="already used"):
        stock.adjust(rig.packer, line.product_id, bin_id, -1, StockReason.DAMAGE, approval=approval)
