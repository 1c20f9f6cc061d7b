"""The login screen and first-run wizard, offscreen, against the real auth services and database."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from packstation.db.connect import Database
from packstation.domain.status import Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.auth import AuthService
from packstation.services.access.permissions import LoginMethod, UserSession
from packstation.services.access.users import Credentials, UserService, new_totp_secret
from packstation.ui.admin.first_run import FirstRunWizard
from packstation.ui.shell.login import LoginView
from tests.support.sessions import server_session

pytestmark = pytest.mark.gui


def _services(db: Database) -> tuple[UserService, AuthService]:
    credentials = Credentials(db.sessions, hasher=PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    audit = AuditLog(db.sessions)
    return UserService(db.sessions, credentials=credentials, audit=audit), AuthService(
        db.sessions, credentials=credentials, audit=audit
    )


def _view(auth: AuthService) -> LoginView:
    return LoginView(
        login_badge=lambda badge, pin: auth.login_badge(badge, pin=pin),
        login_password=lambda name, password, code: auth.login_password(name, password, totp_code=code),
    )


def _admin(users: UserService, db: Database) -> tuple[UserSession, str]:
    secret = new_totp_secret()
    user_id = users.create_first_admin(
        "admin", password="Admin-Parola-1", full_name="Ada", totp_secret=secret, totp_code=pyotp.TOTP(secret).now()
    )
    return server_session(db.sessions, user_id), secret


def test_packer_scans_badge_then_pin(qtbot: QtBot, db: Database) -> None:
    users, auth = _services(db)
    admin, _ = _admin(users, db)
    packer_id = users.create_user(admin, "ayse", role=Role.PACKER, password="Ayse-Parola-1", full_name="Ayşe")
    users.enrol_badge(admin, packer_id, "BADGE-1", pin="2468")
    view = _view(auth)
    qtbot.addWidget(view)
    view.show()

    qtbot.keyClicks(view.badge_input, "UNKNOWN-1")
    qtbot.keyClick(view.badge_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not known" in view.message.text(), timeout=10_000)
    assert view.badge_input.text() == ""

    qtbot.keyClicks(view.badge_input, "BADGE-1")
    qtbot.keyClick(view.badge_input, Qt.Key.Key_Return)
    qtbot.waitUntil(view.pin_input.isVisible, timeout=10_000)
    assert "PIN" in view.message.text()
    qtbot.keyClicks(view.pin_input, "2468")
    with qtbot.waitSignal(view.logged_in, timeout=10_000) as signal:
        qtbot.keyClick(view.pin_input, Qt.Key.Key_Return)
    session = signal.args[0]
    assert (session.user_id, session.method) == (packer_id, LoginMethod.BADGE)
    assert "Ayşe" in view.message.text()
    assert not view.pin_input.isVisible() and view.badge_input.text() == ""


def test_supervisor_is_asked_for_the_code_and_then_logs_in(qtbot: QtBot, db: Database) -> None:
    users, auth = _services(db)
    admin, admin_secret = _admin(users, db)
    view = _view(auth)
    qtbot.addWidget(view)
    view.show()
    qtbot.keyClicks(view.username_input, "admin")
    qtbot.keyClicks(view.password_input, "Admin-Parola-1")
    qtbot.mouseClick(view.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "6-digit code" in view.message.text(), timeout=10_000)
    assert view.password_input.text() == "Admin-Parola-1", "the password stays while only the code is missing"

    # The enrolment used the current code; the next step's code is fresh.
    next_code = pyotp.TOTP(admin_secret).at(datetime.now(UTC).timestamp() + 30)
    qtbot.keyClicks(view.totp_input, next_code)
    with qtbot.waitSignal(view.logged_in, timeout=10_000) as signal:
        qtbot.keyClick(view.totp_input, Qt.Key.Key_Return)
    assert signal.args[0].user_id == admin.user_id


def test_wrong_password_message_is_shown(qtbot: QtBot, db: Database) -> None:
    users, auth = _services(db)
    _admin(users, db)
    view = _view(auth)
    qtbot.addWidget(view)
    qtbot.keyClicks(view.username_input, "admin")
    qtbot.keyClicks(view.password_input, "nope-nope")
    qtbot.mouseClick(view.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "wrong user name or password" in view.message.text(), timeout=10_000)
    assert "4 attempt(s) left" in view.message.text()
    assert view.message.property("kind") == "error"


def test_first_run_wizard_creates_the_admin(qtbot: QtBot, db: Database) -> None:
    users, auth = _services(db)
    wizard = FirstRunWizard(
        create_first_admin=lambda name, password, full, secret, code: users.create_first_admin(
            name, password=password, full_name=full, totp_secret=secret, totp_code=code
        ),
        issuer="PackStation Test",
    )
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.account
    page.username.setText("ada")
    page.full_name.setText("Ada Yılmaz")
    page.password.setText("Ada-Parola-12")
    page.repeat.setText("Ada-Parola-1x")
    wizard.next()
    assert wizard.currentPage() is page and "differ" in page.problem.text()
    page.repeat.setText("Ada-Parola-12")
    wizard.next()
    assert wizard.currentPage() is wizard.two_factor
    panel = wizard.two_factor.panel
    assert panel is not None and panel.uri.startswith("otpauth://totp/PackStation%20Test:ada")
    assert not panel.qr.pixmap().isNull()

    panel.code_input.setText("000000")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "authenticator" in wizard.two_factor.problem.text(), timeout=10_000)
    assert users.count() == 0

    panel.code_input.setText(pyotp.TOTP(panel.secret).now())
    with qtbot.waitSignal(wizard.admin_created, timeout=10_000) as signal:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert users.count() == 1
    code = pyotp.TOTP(panel.secret).at(datetime.now(UTC).timestamp() + 30)
    assert auth.login_password("ada", "Ada-Parola-12", totp_code=code).user_id == signal.args[0]
