"""Reprints are audited, and past the configured count a packer needs a supervisor's approval."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry, User
from packstation.devices.printers.print_queue import PrintQueue
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, LoginMethod, Permission, PermissionDenied, UserSession
from packstation.services.labels import LabelService
from packstation.services.packing.service import LineInfo, OpenedPackage
from packstation.services.printing.dispatch import LabelDispatcher, ReprintService

PACKAGE = OpenedPackage(
    id=7,
    external_id="3200000007",
    order_number="10482000007",
    account="demo",
    customer_name="Şükrü Gökçe",
    city="Iğdır",
    district="Merkez",
    address_line="Atatürk Cad. No:1",
    cargo_provider="Yurtiçi Kargo",
    cargo_tracking_number="7330000000000007",
    lines=(LineInfo("l1", 1, None, "8690000000005", "Babet", "Siyah", "38", 1, "A-01"),),
    marketplace="trendyol",
    sender_name="Güllü Ayakkabı",
)


def _session(user_id: int, role: Role) -> UserSession:
    return UserSession(
        user_id=user_id,
        username=role.value,
        full_name=role.value.title(),
        role=role,
        station_id=None,
        method=LoginMethod.BADGE,
        started_at=datetime.now(UTC),
        session_id=uuid.uuid4(),
    )


def test_reprint_limit_and_audit(db: Database, tmp_path: Path) -> None:
    with db.sessions.begin() as session:
        session.add_all(
            [
                User(id=1, username="packer", role="packer", password_hash="x"),
                User(id=2, username="supervisor", role="supervisor", password_hash="x"),
            ]
        )
    labels = LabelService()
    queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
    spool = tmp_path / "spool"
    spool.mkdir()
    dispatcher = LabelDispatcher(labels, queue, printer_uri=spool.as_uri())
    audit = AuditLog(db.sessions)
    reprints = ReprintService(
        dispatcher, db.sessions, audit=audit, limit=1, station_id=None, clock=lambda: datetime.now(UTC)
    )
    packer = _session(1, Role.PACKER)
    reprints.reprint(packer, PACKAGE)  # within the limit
    with pytest.raises(PermissionDenied):
        reprints.reprint(packer, PACKAGE)
    now = datetime.now(UTC)
    approval = Approval(
        permission=Permission.REPRINT_BEYOND_LIMIT,
        approver_id=2,
        approver_name="Supervisor",
        approver_role=Role.SUPERVISOR,
        station_id=None,
        granted_at=now,
        expires_at=now + timedelta(minutes=2),
        token=uuid.uuid4(),
    )
    # The server knows the approval (as AuthService.approve leaves it) and lets one call use it.
    with db.sessions.begin() as session:
        session.execute(
            text(
                "INSERT INTO auth_approvals (token, approver_id, permission, station_id, granted_at, expires_at) "
                "VALUES (:token, 2, 'reprint_beyond_limit', NULL, now(), now() + interval '2 minutes')"
            ),
            {"token": approval.token},
        )
    reprints.reprint(packer, PACKAGE, approval=approval)
    assert reprints.reprints_so_far(PACKAGE) == 2
    with pytest.raises(PermissionDenied, match="already used"):
        reprints.reprint(packer, PACKAGE, approval=approval)
    with db.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count(AuditAction.REPRINT.value) == 2
    assert actions.count(AuditAction.REPRINT_REFUSED.value) == 2
    assert actions.count(AuditAction.OVERRIDE_USED.value) == 1
    assert len(queue.jobs()) == 2
    queue.stop()
