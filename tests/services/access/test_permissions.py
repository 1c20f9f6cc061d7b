"""Permissions are enforced in the services: every registered privileged call refuses a packer."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

import packstation.services
from packstation.db.models.access import AuditEntry, User
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction
from packstation.services.access.auth import AuthRefused, RefusalReason
from packstation.services.access.permissions import (
    PRIVILEGED_OPERATIONS,
    Approval,
    LoginMethod,
    MissingAuditLogError,
    Permission,
    PermissionDenied,
    UserSession,
    authorize,
    privileged,
)
from packstation.services.access.users import UserError
from packstation.services.journal.parked import ParkedOperations
from packstation.services.photos.sealing import SealingPhotos
from packstation.services.printing.dispatch import PrintRedirects, ReprintService
from packstation.services.reports.access import ReportAccess
from packstation.services.reports.billing import BillingPlans
from packstation.services.reports.exceptions import ExceptionQueue
from packstation.services.returns.service import ReturnService
from packstation.services.station.heartbeat import StationService
from packstation.services.stock.counting import CountService
from packstation.services.stock.importer import StockImporter
from packstation.services.stock.locations import LocationService
from packstation.services.stock.service import StockService

from .conftest import Stack


# Every class that owns a privileged operation, and how to build it for the test. A new privileged
# service method in a new class fails `test_every_privileged_operation_refuses_a_packer` until its
# class is added here, so nobody can add a privileged call the test does not exercise.
def _packing(stack: Stack) -> Any:
    """A packing service with nothing open: a refused call must fail on the permission, not on the state."""
    import tempfile
    from datetime import timedelta
    from pathlib import Path

    from packstation.local_store.journal import Journal
    from packstation.services.packing.claims import ClaimService
    from packstation.services.packing.service import PackingService

    journal = Journal(Path(tempfile.mkdtemp()) / "journal.sqlite3")
    claims = ClaimService(stack.db.sessions, station_id=stack.station_id, lease=timedelta(minutes=5))
    return PackingService(
        stack.db.sessions, journal=journal, claims=claims, station="perm-station", clock=stack.clock, audit=stack.audit
    )


def _returns(stack: Stack) -> Any:
    """The return service: a refused rejection must fail on the permission, before anything is journaled."""
    import tempfile
    from pathlib import Path

    from packstation.local_store.journal import Journal

    journal = Journal(Path(tempfile.mkdtemp()) / "journal.sqlite3")
    return ReturnService(
        stack.db.sessions, journal=journal, station="perm-station", audit=stack.audit, clock=stack.clock
    )


FACTORIES: dict[str, Callable[[Stack], Any]] = {
    "packstation.services.photos.sealing.SealingPhotos": lambda stack: SealingPhotos(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.access.users.UserService": lambda stack: stack.users,
    "packstation.services.access.audit.AuditLog": lambda stack: stack.audit,
    "packstation.services.packing.service.PackingService": _packing,
    "packstation.services.reports.access.ReportAccess": lambda stack: ReportAccess(
        stack.db.sessions, tz=ZoneInfo("Europe/Istanbul"), audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.journal.parked.ParkedOperations": lambda stack: ParkedOperations(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.printing.dispatch.ReprintService": lambda stack: ReprintService(
        None,  # type: ignore[arg-type]  # refused before anything is printed
        stack.db.sessions,
        audit=stack.audit,
        limit=1,
        station_id=stack.station_id,
        clock=stack.clock,
    ),
    "packstation.services.printing.dispatch.PrintRedirects": lambda stack: PrintRedirects(
        None,  # type: ignore[arg-type]  # refused before any job moves
        audit=stack.audit,
        clock=stack.clock,
    ),
    "packstation.services.reports.exceptions.ExceptionQueue": lambda stack: ExceptionQueue(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.reports.billing.BillingPlans": lambda stack: BillingPlans(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.station.heartbeat.StationService": lambda stack: StationService(
        stack.db.sessions, name="perm-station", audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.stock.locations.LocationService": lambda stack: LocationService(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.stock.service.StockService": lambda stack: StockService(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.stock.importer.StockImporter": lambda stack: StockImporter(
        stack.db.sessions, audit=stack.audit, clock=stack.clock
    ),
    "packstation.services.returns.service.ReturnService": _returns,
    "packstation.services.stock.counting.CountService": lambda stack: CountService(
        stack.db.sessions,
        audit=stack.audit,
        catalogue=lambda: None,
        clock=stack.clock,  # type: ignore[arg-type,return-value]
    ),
}


def _import_every_service_module() -> None:
    for module in pkgutil.walk_packages(packstation.services.__path__, "packstation.services."):
        if ".simulator" in module.name:  # a stand-in marketplace server for tests, not a service
            continue
        importlib.import_module(module.name)


def _packer(stack: Stack, admin: UserSession) -> UserSession:
    user_id = stack.packer(admin, "paker", badge="BADGE-PAKER")
    return stack.auth.login_badge("BADGE-PAKER", station_id=stack.station_id) if user_id else admin


def _placeholder_arguments(function: Callable[..., Any]) -> tuple[list[Any], dict[str, Any]]:
    """Arguments that would make the body fail loudly: the check must refuse before the body runs."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for name, parameter in list(inspect.signature(function).parameters.items())[2:]:
        if parameter.default is not inspect.Parameter.empty or name == "approval":
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = object()
        else:
            args.append(object())
    return args, kwargs


def test_every_privileged_operation_refuses_a_packer(stack: Stack) -> None:
    _import_every_service_module()
    assert len(PRIVILEGED_OPERATIONS) >= 8, "the registry lost operations"
    admin, _ = stack.first_admin()
    packer = _packer(stack, admin)
    refused: list[str] = []
    for name, operation in sorted(PRIVILEGED_OPERATIONS.items()):
        factory = FACTORIES.get(operation.owner)
        assert factory is not None, f"{name}: add a factory for {operation.owner} to FACTORIES"
        service = factory(stack)
        args, kwargs = _placeholder_arguments(operation.function)
        with pytest.raises(PermissionDenied) as denied:
            operation.function(service, packer, *args, **kwargs)
        assert denied.value.permission is operation.permission
        assert "Paker" in str(denied.value), str(denied.value)
        refused.append(name)
    with stack.db.sessions() as session:
        denials = session.scalar(select(func.count()).where(AuditEntry.action == AuditAction.PERMISSION_DENIED.value))
    assert denials == len(refused)


def test_refusals_say_what_would_make_it_possible(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer = _packer(stack, admin)
    with pytest.raises(PermissionDenied) as users:
        stack.users.create_user(packer, "x", role=Role.PACKER, password="Parola-123")
    assert str(users.value) == "Paker may not manage users: an administrator must log in to do this"
    with pytest.raises(PermissionDenied) as log:
        stack.audit.recent(packer)
    assert "an administrator must log in" in str(log.value)


def test_a_packer_refusal_changes_nothing(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer = _packer(stack, admin)
    with pytest.raises(PermissionDenied):
        stack.users.reset_password(packer, admin.user_id, "New-Parola-123")
    with stack.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 2
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_password("admin", "New-Parola-123")
    assert refused.value.reason is RefusalReason.WRONG_PASSWORD


def _supervisor_with_badge(stack: Stack, admin: UserSession, *, pin: str | None = "2580") -> int:
    sup_id = stack.users.create_user(admin, "sena", role=Role.SUPERVISOR, password="Sena-Parola-1", full_name="Sena")
    stack.users.enrol_badge(admin, sup_id, "SUP-BADGE-1", pin=pin)
    return sup_id


def _reports(stack: Stack) -> ReportAccess:
    return ReportAccess(stack.db.sessions, tz=ZoneInfo("Europe/Istanbul"), audit=stack.audit, clock=stack.clock)


def test_supervisor_badge_and_pin_approve_one_packer_operation_once(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer = _packer(stack, admin)
    sup_id = _supervisor_with_badge(stack, admin)
    reports = _reports(stack)
    approval = stack.auth.approve(
        "SUP-BADGE-1", "2580", Permission.VIEW_REPORTS, station_id=stack.station_id, requested_by=packer
    )
    assert approval.approver_id == sup_id
    reports.open_reports(packer, approval=approval)
    with stack.db.sessions() as session:
        used = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.OVERRIDE_USED.value)).one()
        approved = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.OVERRIDE_APPROVED.value)
        ).one()
    assert used.actor_user_id == packer.user_id
    assert used.detail["approved_by"] == sup_id
    assert used.detail["approval"] == str(approval.token)
    assert approved.actor_user_id == sup_id and approved.detail["requested_by"] == packer.user_id

    # An approval allows one call: the server has spent it.
    with pytest.raises(PermissionDenied, match="already used"):
        reports.open_reports(packer, approval=approval)
    # It is for that permission only ...
    other = stack.auth.approve("SUP-BADGE-1", "2580", Permission.VIEW_REPORTS, station_id=stack.station_id)
    with pytest.raises(PermissionDenied, match="given to see reports"):
        _packing(stack).force_complete(packer, approval=other)
    # ... and only for a while (the server's clock decides).
    with stack.db.sessions.begin() as session:
        session.execute(text("UPDATE auth_approvals SET expires_at = now() - interval '1 second'"))
    with pytest.raises(PermissionDenied, match="expired"):
        reports.open_reports(packer, approval=other)


def test_a_forged_approval_is_refused_by_the_server(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer = _packer(stack, admin)
    sup_id = _supervisor_with_badge(stack, admin)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    forged = Approval(
        Permission.VIEW_REPORTS,
        sup_id,
        "Sena",
        Role.SUPERVISOR,
        stack.station_id,
        now,
        now + timedelta(minutes=1),
        uuid.uuid4(),
    )
    with pytest.raises(PermissionDenied, match="not known to the server"):
        _reports(stack).open_reports(packer, approval=forged)


def test_manage_users_cannot_be_approved(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    _packer(stack, admin)
    _supervisor_with_badge(stack, admin)
    with pytest.raises(AuthRefused) as refused:
        stack.auth.approve("SUP-BADGE-1", "2580", Permission.MANAGE_USERS, station_id=stack.station_id)
    assert refused.value.reason is RefusalReason.APPROVER_MAY_NOT


def test_a_successful_approval_does_not_reset_the_failure_counter(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    _supervisor_with_badge(stack, admin)
    for _attempt in range(2):
        with pytest.raises(AuthRefused):
            stack.auth.approve("SUP-BADGE-1", "0000", Permission.VIEW_REPORTS, station_id=stack.station_id)
    stack.auth.approve("SUP-BADGE-1", "2580", Permission.VIEW_REPORTS, station_id=stack.station_id)
    with stack.db.sessions() as session:
        assert session.scalar(select(User.failed_logins).where(User.username == "sena")) == 2


def test_the_server_matches_the_permission_table(stack: Stack) -> None:
    """ps_role_may/ps_approvable in the migration mirror ROLE_PERMISSIONS/APPROVABLE."""
    from packstation.services.access.permissions import APPROVABLE, ROLE_PERMISSIONS

    with stack.db.sessions() as session:
        for permission in Permission:
            approvable = session.scalar(text("SELECT ps_approvable(:p)"), {"p": permission.value})
            assert approvable == (permission in APPROVABLE), permission
            for role in Role:
                may = session.scalar(text("SELECT ps_role_may(:r, :p)"), {"r": role.value, "p": permission.value})
                assert may == (permission in ROLE_PERMISSIONS[role]), (role, permission)


def test_approval_refusals(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer = _packer(stack, admin)
    _supervisor_with_badge(stack, admin)
    with pytest.raises(AuthRefused) as wrong_pin:
        stack.auth.approve("SUP-BADGE-1", "0000", Permission.MARK_UNSUPPLIED, station_id=stack.station_id)
    assert wrong_pin.value.reason is RefusalReason.WRONG_PIN
    with pytest.raises(AuthRefused) as packer_badge:
        stack.auth.approve("BADGE-PAKER", "1234", Permission.MARK_UNSUPPLIED, station_id=stack.station_id)
    assert packer_badge.value.reason is RefusalReason.NO_PIN_FOR_APPROVAL
    with pytest.raises(AuthRefused) as too_much:
        stack.auth.approve("SUP-BADGE-1", "2580", Permission.MANAGE_STATIONS, station_id=stack.station_id)
    assert too_much.value.reason is RefusalReason.APPROVER_MAY_NOT
    elsewhere = stack.auth.approve("SUP-BADGE-1", "2580", Permission.VIEW_REPORTS, station_id=None)
    with pytest.raises(PermissionDenied, match="another station"):
        _reports(stack).open_reports(packer, approval=elsewhere)


def test_supervisors_manage_packers_but_not_admins(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    sup = stack.session_for(_supervisor_with_badge(stack, admin))
    packer_id = stack.users.create_user(sup, "p1", role=Role.PACKER, password="P1-Parola-123")
    stack.users.reset_password(sup, packer_id, "P1-Yeni-Parola")
    with pytest.raises(PermissionDenied, match="supervisor and admin accounts"):
        stack.users.reset_password(sup, admin.user_id, "Hijack-Parola-1")
    with pytest.raises(PermissionDenied):
        stack.users.create_user(sup, "a2", role=Role.ADMIN, password="A2-Parola-123")
    with pytest.raises(UserError, match="your own account"):
        stack.users.set_active(admin, admin.user_id, False)


def _session(role: Role, station_id: int | None = 1) -> UserSession:
    from datetime import UTC, datetime

    return UserSession(1, "u", "U", role, station_id, LoginMethod.BADGE, datetime.now(UTC), uuid.uuid4())


@pytest.mark.parametrize("permission", list(Permission))
def test_roles(permission: Permission) -> None:
    with pytest.raises(PermissionDenied):
        authorize(_session(Role.PACKER), permission)
    assert authorize(_session(Role.ADMIN), permission).approval is None
    supervisor_may = permission not in {Permission.MANAGE_PRIVILEGED_USERS, Permission.MANAGE_STATIONS}
    if supervisor_may:
        assert authorize(_session(Role.SUPERVISOR), permission).permission is permission
    else:
        with pytest.raises(PermissionDenied):
            authorize(_session(Role.SUPERVISOR), permission)


def test_an_approval_from_a_packer_role_is_worthless() -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    fake = Approval(
        Permission.FORCE_COMPLETE, 2, "Other Packer", Role.PACKER, 1, now, now + timedelta(minutes=1), uuid.uuid4()
    )
    with pytest.raises(PermissionDenied, match="cannot approve"):
        authorize(_session(Role.PACKER), Permission.FORCE_COMPLETE, approval=fake, now=now)


def test_privileged_rejects_a_method_without_actor_and_approval() -> None:
    with pytest.raises(TypeError, match="keyword-only approval"):

        class Broken:
            @privileged(Permission.VIEW_REPORTS)
            def report(self, actor: UserSession) -> None:
                """No approval parameter."""


def test_a_privileged_call_without_an_audit_log_is_refused_before_it_runs() -> None:
    from datetime import UTC, datetime

    ran: list[str] = []

    class Unaudited:
        clock = staticmethod(lambda: datetime.now(UTC))
        audit = None

        @privileged(Permission.VIEW_REPORTS)
        def report(self, actor: UserSession, *, approval: Approval | None = None) -> None:
            """Would run for a supervisor, if there were somewhere to record it."""
            ran.append(actor.username)

    with pytest.raises(MissingAuditLogError, match="no audit log"):
        Unaudited().report(_session(Role.SUPERVISOR))
    assert ran == []


def test_the_demo_supervisor_approves_with_badge_and_pin_but_does_not_log_in_with_the_badge(stack: Stack) -> None:
    from packstation.demo.data import DEMO_PACKERS, DEMO_SUPERVISOR, seed_demo_users

    assert seed_demo_users(stack.users) == len(DEMO_PACKERS) + 1
    _username, name, badge, pin = DEMO_SUPERVISOR
    packer = stack.auth.login_badge(DEMO_PACKERS[0][2], station_id=stack.station_id)
    approval = stack.auth.approve(badge, pin, Permission.VIEW_REPORTS, station_id=stack.station_id, requested_by=packer)
    assert approval.approver_name == name
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_badge(badge, pin=pin, station_id=stack.station_id)
    assert refused.value.reason is RefusalReason.BADGE_NOT_FOR_ROLE
    with pytest.raises(AuthRefused):
        stack.auth.approve(badge, "0000", Permission.VIEW_REPORTS, station_id=stack.station_id, requested_by=packer)


def test_a_pin_without_a_badge_is_refused(stack: Stack) -> None:
    with pytest.raises(UserError):
        stack.users.add_user("pinli", role=Role.SUPERVISOR, password="Pinli-Parola-1", pin="2580")
