"""The users admin screen, offscreen, on a real database: actions go through the privileged services."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from argon2 import PasswordHasher
from pytestqt.qtbot import QtBot

from packstation.db.connect import Database
from packstation.domain.status import Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.auth import AuthService
from packstation.services.access.permissions import UserSession
from packstation.services.access.users import Credentials, UserService, new_totp_secret
from packstation.ui.admin.users import UsersView
from tests.support.sessions import server_session

pytestmark = pytest.mark.gui


def _session(db: Database, user_id: int, role: Role) -> UserSession:
    return server_session(db.sessions, user_id, role=role)


Services = tuple[UserService, AuthService, UserSession]


@pytest.fixture
def services(db: Database) -> Services:
    credentials = Credentials(db.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    audit = AuditLog(db.sessions)
    users = UserService(db.sessions, credentials=credentials, audit=audit)
    secret = new_totp_secret()
    admin_id = users.create_first_admin(
        "admin", password="Admin-Parola-1", full_name="Ada", totp_secret=secret, totp_code=pyotp.TOTP(secret).now()
    )
    return users, AuthService(db.sessions, credentials=credentials, audit=audit), _session(db, admin_id, Role.ADMIN)


def test_admin_creates_a_packer_enrols_a_badge_and_disables(qtbot: QtBot, services: Services) -> None:
    users, auth, admin = services
    view = UsersView(users=users, actor=admin, totp_issuer="PackStation")
    qtbot.addWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)

    view.create_user("ayse", "Ayşe", Role.PACKER, "Ayse-Parola-1")
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10_000)
    assert "created" in view.message.text()
    ayse = next(u for u in view.rows if u.username == "ayse")
    assert not ayse.has_badge

    view.enrol_badge(ayse.id, "BADGE-AYSE", "1357")
    qtbot.waitUntil(lambda: next(u for u in view.rows if u.username == "ayse").has_pin, timeout=10_000)
    assert auth.login_badge("BADGE-AYSE", pin="1357").user_id == ayse.id

    view.table.selectRow([u.username for u in view.rows].index("ayse"))
    view.buttons[view.tr("Disable / enable")].click()
    qtbot.waitUntil(lambda: not next(u for u in view.rows if u.username == "ayse").active, timeout=10_000)
    assert view.table.item([u.username for u in view.rows].index("ayse"), 3).text() == "no"

    view.create_user("x", "", Role.PACKER, "short")
    qtbot.waitUntil(lambda: "at least 8 characters" in view.message.text(), timeout=10_000)
    assert view.message.property("kind") == "error"


def test_totp_enrolment_from_the_screen(qtbot: QtBot, services: Services) -> None:
    users, auth, admin = services
    sup_id = users.create_user(admin, "sena", role=Role.SUPERVISOR, password="Sena-Parola-1")
    view = UsersView(users=users, actor=admin, totp_issuer="PackStation")
    qtbot.addWidget(view)
    secret = new_totp_secret()
    view.enrol_totp(sup_id, secret, "000000")
    qtbot.waitUntil(lambda: "code from the authenticator app is wrong" in view.message.text(), timeout=10_000)
    view.enrol_totp(sup_id, secret, pyotp.TOTP(secret).now())
    qtbot.waitUntil(lambda: any(u.username == "sena" and u.has_totp for u in view.rows), timeout=10_000)
    code = pyotp.TOTP(secret).at(datetime.now(UTC).timestamp() + 30)
    assert auth.login_password("sena", "Sena-Parola-1", totp_code=code).role is Role.SUPERVISOR


def test_a_supervisor_screen_is_refused_by_the_service_for_admin_accounts(
    qtbot: QtBot, services: Services, db: Database
) -> None:
    users, _auth, admin = services
    sup_id = users.create_user(admin, "sena", role=Role.SUPERVISOR, password="Sena-Parola-1")
    view = UsersView(users=users, actor=_session(db, sup_id, Role.SUPERVISOR), totp_issuer="PackStation")
    qtbot.addWidget(view)
    view.reset_password(admin.user_id, "Hijack-Parola-1")
    qtbot.waitUntil(lambda: "may not manage supervisor and admin accounts" in view.message.text(), timeout=10_000)
    packer_view = UsersView(users=users, actor=_session(db, sup_id, Role.PACKER), totp_issuer="PackStation")
    qtbot.addWidget(packer_view)
    packer_view.refresh()
    qtbot.waitUntil(lambda: "an administrator must log in" in packer_view.message.text(), timeout=10_000)
