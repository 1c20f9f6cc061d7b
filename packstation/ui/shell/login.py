"""The login screen: scan a badge (then a PIN if asked), or type user name, password and code.

The view takes the log-in calls as arguments, so the composition root binds the station id and
tests drive a real service. Every check runs on a worker thread through :class:`Task`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from packstation.services.access.auth import AuthRefused, RefusalReason
from packstation.services.access.permissions import Approval, Permission, UserSession
from packstation.ui.platform.tasks import Task

BadgeLogin = Callable[[str, str | None], UserSession]
PasswordLogin = Callable[[str, str, str | None], UserSession]
Approve = Callable[[str, str, Permission], Approval]


def _secret_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


def _refusal_text(widget: QWidget, exc: Exception) -> str:
    if isinstance(exc, AuthRefused):
        return str(exc)  # already translated by the service
    # A fixed context: lupdate cannot know which class `widget` is, and both views call this.
    return QCoreApplication.translate("LoginView", "Log-in is not possible right now: {0}").replace(
        "{0}", str(exc).splitlines()[0] if str(exc) else ""
    )


class LoginView(QWidget):
    """Badge on the left for packers, password and TOTP on the right for everyone."""

    logged_in = Signal(object)

    def __init__(
        self, *, login_badge: BadgeLogin, login_password: PasswordLogin, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login")
        self._login_badge = login_badge
        self._login_password = login_password

        self.badge_input = _secret_field(self.tr("Scan your badge"))
        self.badge_input.setObjectName("scanInput")
        self.pin_input = _secret_field(self.tr("PIN"))
        self.pin_input.setVisible(False)
        badge_box = QGroupBox(self.tr("Packers: scan your badge"))
        badge_layout = QVBoxLayout(badge_box)
        badge_layout.addWidget(self.badge_input)
        badge_layout.addWidget(self.pin_input)
        badge_layout.addStretch(1)

        self.username_input = QLineEdit()
        self.password_input = _secret_field(self.tr("Password"))
        self.totp_input = QLineEdit()
        self.totp_input.setPlaceholderText(self.tr("6-digit code (supervisors and admins)"))
        self.totp_input.setMaxLength(6)
        self.login_button = QPushButton(self.tr("Log in"))
        password_box = QGroupBox(self.tr("User name and password"))
        form = QFormLayout(password_box)
        form.addRow(self.tr("User name"), self.username_input)
        form.addRow(self.tr("Password"), self.password_input)
        form.addRow(self.tr("Authenticator code"), self.totp_input)
        form.addRow(self.login_button)

        self.message = QLabel("")
        self.message.setObjectName("banner")
        self.message.setProperty("kind", "info")
        self.message.setWordWrap(True)
        self.message.setText(self.tr("Scan your badge to start"))
        boxes = QHBoxLayout()
        boxes.addWidget(badge_box, stretch=1)
        boxes.addWidget(password_box, stretch=1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(boxes)
        layout.addStretch(1)

        self.badge_input.returnPressed.connect(self.submit_badge)
        self.pin_input.returnPressed.connect(self.submit_badge)
        self.login_button.clicked.connect(self.submit_password)
        self.totp_input.returnPressed.connect(self.submit_password)
        self.password_input.returnPressed.connect(self.submit_password)

    def reset(self) -> None:
        """Clear every field (after a log-out) and wait for a badge."""
        for field in (self.badge_input, self.pin_input, self.password_input, self.totp_input, self.username_input):
            field.clear()
        self.pin_input.setVisible(False)
        self._show(self.tr("Scan your badge to start"), kind="info")
        self.badge_input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show(self, text: str, *, kind: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def _busy(self, busy: bool) -> None:
        for widget in (self.badge_input, self.pin_input, self.login_button, self.password_input, self.totp_input):
            widget.setEnabled(not busy)

    def submit_badge(self) -> None:
        """Check the scanned badge (and PIN when shown) off the GUI thread."""
        badge = self.badge_input.text().strip()
        if not badge:
            return
        pin = self.pin_input.text() if self.pin_input.isVisible() else None
        login = self._login_badge
        self._busy(True)
        self._show(self.tr("Checking…"), kind="info")
        Task(lambda: login(badge, pin or None), owner=self).on_success(self._accepted).on_failure(
            self._badge_refused
        ).run()

    def submit_password(self) -> None:
        """Check user name, password and code off the GUI thread."""
        username, password = self.username_input.text().strip(), self.password_input.text()
        if not username or not password:
            self._show(self.tr("Enter user name and password"), kind="error")
            return
        code = self.totp_input.text().strip() or None
        login = self._login_password
        self._busy(True)
        self._show(self.tr("Checking…"), kind="info")
        Task(lambda: login(username, password, code), owner=self).on_success(self._accepted).on_failure(
            self._password_refused
        ).run()

    def _accepted(self, session: UserSession) -> None:
        self._busy(False)
        self.reset()
        self._show(self.tr("Welcome, {0}").replace("{0}", session.full_name or session.username), kind="ok")
        self.logged_in.emit(session)

    def _badge_refused(self, exc: Exception) -> None:
        self._busy(False)
        self._show(_refusal_text(self, exc), kind="error")
        if isinstance(exc, AuthRefused) and exc.reason in (RefusalReason.PIN_REQUIRED, RefusalReason.WRONG_PIN):
            self.pin_input.setVisible(True)
            self.pin_input.clear()
            self.pin_input.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.badge_input.clear()
            self.pin_input.clear()
            self.pin_input.setVisible(False)
            self.badge_input.setFocus(Qt.FocusReason.OtherFocusReason)

    def _password_refused(self, exc: Exception) -> None:
        self._busy(False)
        self._show(_refusal_text(self, exc), kind="error")
        self.totp_input.clear()
        if isinstance(exc, AuthRefused) and exc.reason in (
            RefusalReason.SECOND_FACTOR_REQUIRED,
            RefusalReason.WRONG_SECOND_FACTOR,
        ):
            self.totp_input.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.password_input.clear()
            self.password_input.setFocus(Qt.FocusReason.OtherFocusReason)


class ApprovalDialog(QDialog):
    """A supervisor at the station approves one operation with badge and PIN."""

    def __init__(self, *, permission: Permission, what: str, approve: Approve, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Supervisor approval"))
        self.approval: Approval | None = None
        self._permission = permission
        self._approve = approve
        self.badge_input = _secret_field(self.tr("Supervisor: scan your badge"))
        self.pin_input = _secret_field(self.tr("PIN"))
        self.message = QLabel(self.tr("Approve: {0}").replace("{0}", what))
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(self.message)
        layout.addRow(self.tr("Badge"), self.badge_input)
        layout.addRow(self.tr("PIN"), self.pin_input)
        layout.addRow(buttons)
        self.badge_input.returnPressed.connect(self.pin_input.setFocus)
        self.pin_input.returnPressed.connect(self.submit)

    def submit(self) -> None:
        """Check badge and PIN off the GUI thread; close with the approval when they are right."""
        badge, pin, permission, approve = (
            self.badge_input.text(),
            self.pin_input.text(),
            self._permission,
            self._approve,
        )
        Task(lambda: approve(badge, pin, permission), owner=self).on_success(self._granted).on_failure(
            self._refused
        ).run()

    def _granted(self, approval: Approval) -> None:
        self.approval = approval
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self.message.setText(_refusal_text(self, exc))
        self.pin_input.clear()
