"""The users screen: list, create, disable/enable, reset password, unlock, badge and two-factor enrolment.

Every action calls a privileged :class:`UserService` method as the logged-in user, on a worker
thread; a refusal from the service (``PermissionDenied``, ``UserError``) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.status import Role
from packstation.services.access.permissions import UserSession
from packstation.services.access.users import UserService, UserSummary, new_totp_secret, totp_uri
from packstation.ui.admin.totp import TotpEnrolDialog
from packstation.ui.platform.tasks import Task


class NewUserDialog(QDialog):
    """User name, full name, role and first password of a new user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New user"))
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.value, role)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.full_name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(buttons)


class UsersView(QWidget):
    """The users table and the actions on the selected user."""

    COLUMNS = ("username", "full_name", "role", "active", "badge", "pin", "2fa", "locked_until")

    def __init__(
        self, *, users: UserService, actor: UserSession, totp_issuer: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._users = users
        self._actor = actor
        self._issuer = totp_issuer
        self.rows: list[UserSummary] = []

        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("User name"),
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Active"),
                self.tr("Badge"),
                self.tr("PIN"),
                self.tr("2FA"),
                self.tr("Locked until"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.message = QLabel("")
        self.message.setObjectName("banner")
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        actions: list[tuple[str, Callable[[], None]]] = [
            (self.tr("New user…"), self._ask_new_user),
            (self.tr("Disable / enable"), self._toggle_selected),
            (self.tr("Reset password…"), self._ask_password),
            (self.tr("Unlock"), lambda: self._with_selected(lambda u: self.unlock(u.id))),
            (self.tr("Enrol badge…"), self._ask_badge),
            (self.tr("Enrol 2FA…"), lambda: self._with_selected(self._enrol_totp_dialog)),
        ]
        self.buttons: dict[str, QPushButton] = {}
        for text, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[text] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table, stretch=1)
        layout.addLayout(buttons)

    # -- running service calls -----------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: str) -> None:
        def succeeded(_result: object) -> None:
            self._say(done, ok=True)
            self.refresh()

        Task(work, owner=self).on_success(succeeded).on_failure(lambda exc: self._say(str(exc), ok=False)).run()

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "ok" if ok else "error")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def refresh(self) -> None:
        """Reload the table from the database."""
        users, actor = self._users, self._actor
        Task(lambda: users.list_users(actor), owner=self).on_success(self._show_rows).on_failure(
            lambda exc: self._say(str(exc), ok=False)
        ).run()

    def _show_rows(self, rows: list[UserSummary]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        yes, no = self.tr("yes"), self.tr("no")
        for r, user in enumerate(rows):
            values = [
                user.username,
                user.full_name,
                user.role.value,
                yes if user.active else no,
                yes if user.has_badge else no,
                yes if user.has_pin else no,
                yes if user.has_totp else no,
                user.locked_until.astimezone().strftime("%Y-%m-%d %H:%M") if user.locked_until else "",
            ]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def selected(self) -> UserSummary | None:
        """The user whose row is selected."""
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _with_selected(self, action: Callable[[UserSummary], None]) -> None:
        user = self.selected()
        if user is None:
            self._say(self.tr("Select a user first"), ok=False)
            return
        action(user)

    # -- the actions (public so the screen can be driven without its dialogs) --------------------

    def create_user(self, username: str, full_name: str, role: Role, password: str) -> None:
        """Create a user as the logged-in actor."""
        users, actor = self._users, self._actor
        self._run(
            lambda: users.create_user(actor, username, role=role, password=password, full_name=full_name),
            self.tr("User {0} created").replace("{0}", username),
        )

    def set_active(self, user_id: int, active: bool) -> None:
        """Disable or enable a user."""
        users, actor = self._users, self._actor
        self._run(lambda: users.set_active(actor, user_id, active), self.tr("Saved"))

    def reset_password(self, user_id: int, password: str) -> None:
        """Give a user a new password."""
        users, actor = self._users, self._actor
        self._run(lambda: users.reset_password(actor, user_id, password), self.tr("Password changed"))

    def unlock(self, user_id: int) -> None:
        """Lift a lockout."""
        users, actor = self._users, self._actor
        self._run(lambda: users.unlock(actor, user_id), self.tr("Account unlocked"))

    def enrol_badge(self, user_id: int, badge: str, pin: str | None) -> None:
        """Give a user a badge (and PIN)."""
        users, actor = self._users, self._actor
        self._run(lambda: users.enrol_badge(actor, user_id, badge, pin=pin), self.tr("Badge enrolled"))

    def enrol_totp(self, user_id: int, secret: str, code: str) -> None:
        """Store a confirmed TOTP secret."""
        users, actor = self._users, self._actor
        self._run(lambda: users.enrol_totp(actor, user_id, secret, code), self.tr("Two-factor enrolled"))

    # -- dialogs -----------------------------------------------------------------------------

    def _ask_new_user(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_user(
                dialog.username.text(), dialog.full_name.text(), dialog.role.currentData(), dialog.password.text()
            )

    def _toggle_selected(self) -> None:
        self._with_selected(lambda user: self.set_active(user.id, not user.active))

    def _ask_password(self) -> None:
        def ask(user: UserSummary) -> None:
            password, ok = QInputDialog.getText(
                self, self.tr("Reset password"), user.username, QLineEdit.EchoMode.Password
            )
            if ok:
                self.reset_password(user.id, password)

        self._with_selected(ask)

    def _ask_badge(self) -> None:
        def ask(user: UserSummary) -> None:
            badge, ok = QInputDialog.getText(
                self, self.tr("Enrol badge"), self.tr("Scan the new badge"), QLineEdit.EchoMode.Password
            )
            if not ok:
                return
            pin, ok = QInputDialog.getText(
                self, self.tr("Enrol badge"), self.tr("PIN (empty: none)"), QLineEdit.EchoMode.Password
            )
            if ok:
                self.enrol_badge(user.id, badge, pin or None)

        self._with_selected(ask)

    def _enrol_totp_dialog(self, user: UserSummary) -> None:
        secret = new_totp_secret()
        dialog = TotpEnrolDialog(
            username=user.username, secret=secret, uri=totp_uri(secret, user.username, issuer=self._issuer), parent=self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.enrol_totp(user.id, secret, dialog.code)
