"""The supervisor pages on their own: a database, an audit log and the services they show.

No scheduler, journal pump or print queue runs here: the pages take only what they use.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from PySide6.QtWidgets import QStackedWidget, QWidget
from pytestqt.qtbot import QtBot

from packstation.db.connect import Database
from packstation.domain.status import Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import LoginMethod, Permission, UserSession
from packstation.services.access.users import Credentials, UserService
from packstation.services.journal.parked import ParkedOperations
from packstation.services.reports.access import ReportAccess
from packstation.services.station.heartbeat import StationService
from packstation.ui.shell.pages import SupervisorPages, SupervisorServices

pytestmark = pytest.mark.gui
_KEEP: list[QWidget] = []  # the hosts outlive each test's helper call


class _NoApprovals:
    """Records what was asked; runs the action only for a user who may (no dialog in this test)."""

    def __init__(self, user: UserSession) -> None:
        self.user = user
        self.asked: list[Permission] = []

    def with_approval(self, permission: Permission, what: str, then: object) -> None:
        self.asked.append(permission)
        if self.user.may(permission):
            then(None)  # type: ignore[operator]


def _pages(qtbot: QtBot, db: Database, user: UserSession) -> tuple[SupervisorPages, QStackedWidget, list[str]]:
    """The pages on a bare page stack (kept alive by the pages' parent)."""
    audit = AuditLog(db.sessions)
    credentials = Credentials(db.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    clock = lambda: datetime.now(UTC)  # noqa: E731
    services = SupervisorServices(
        reports=ReportAccess(db.sessions, tz=ZoneInfo("Europe/Istanbul"), audit=audit, clock=clock),
        parked=ParkedOperations(db.sessions, audit=audit),
        users=UserService(db.sessions, credentials=credentials, audit=audit),
        totp_issuer="PackStation",
        stations=StationService(db.sessions, name="bench-1", audit=audit),
        sync=None,
    )
    host = QWidget()
    qtbot.addWidget(host)
    _KEEP.append(host)
    stack = QStackedWidget(host)
    home = QWidget()
    stack.addWidget(home)
    banners: list[str] = []
    pages = SupervisorPages(
        pages=stack,
        services=services,
        approvals=_NoApprovals(user),  # type: ignore[arg-type]
        current_user=lambda: user,
        set_banner=lambda _kind, text: banners.append(text),
        back_to_packing=lambda: stack.setCurrentWidget(home),
        shortcuts_on=host,
    )
    return pages, stack, banners


def _user(role: Role) -> UserSession:
    return UserSession(1, "ayse", "Ayşe Yılmaz", role, None, LoginMethod.BADGE, datetime.now(UTC), uuid.uuid4())


def test_the_dashboard_opens_for_a_supervisor_with_no_background_work_running(qtbot: QtBot, db: Database) -> None:
    threads_before = {t.name for t in threading.enumerate()}
    pages, stack, banners = _pages(qtbot, db, _user(Role.SUPERVISOR))
    pages.open_dashboard()
    assert pages.dashboard is not None
    assert stack.currentWidget() is pages.dashboard
    assert "Escape" in banners[-1]
    pages.close_pages()
    assert stack.currentWidget() is not pages.dashboard
    started = {t.name for t in threading.enumerate()} - threads_before
    assert not any(name.startswith(("APScheduler", "journal", "print")) for name in started), started


def test_a_packer_is_asked_for_approval_and_sees_no_dashboard(qtbot: QtBot, db: Database) -> None:
    pages, _stack, _banners = _pages(qtbot, db, _user(Role.PACKER))
    pages.open_dashboard()
    assert pages.dashboard is None
    assert pages._approvals.asked == [Permission.VIEW_REPORTS]  # type: ignore[attr-defined]
    pages.open_sync()  # no marketplace account: says so, opens nothing
    assert pages.sync is None
