"""First run: while the users table is empty, create the first administrator with two-factor enrolled."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizard, QWizardPage

from packstation.services.access.users import MIN_PASSWORD_LENGTH, new_totp_secret, totp_uri
from packstation.ui.admin.totp import TotpPanel
from packstation.ui.platform.tasks import Task

# (username, password, full name, TOTP secret, TOTP code) -> new user id
CreateFirstAdmin = Callable[[str, str, str, str, str], int]


def _problem_label() -> QLabel:
    """A red message line, hidden until there is a problem (an empty red box reads as an error)."""
    label = QLabel("")
    label.setObjectName("banner")
    label.setProperty("kind", "error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _show_problem(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _AccountPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("The first administrator"))
        self.setSubTitle(self.tr("This account manages users, stations and settings."))
        self.username = QLineEdit("admin")
        self.full_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = _problem_label()
        form = QFormLayout(self)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.full_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.repeat)
        form.addRow(self.problem)

    def validatePage(self) -> bool:
        """Refuse to go on with a missing name or mismatched or short passwords."""
        if not self.username.text().strip():
            _show_problem(self.problem, self.tr("Enter a user name"))
        elif len(self.password.text()) < MIN_PASSWORD_LENGTH:
            _show_problem(
                self.problem,
                self.tr("The password must be at least {0} characters long").replace("{0}", str(MIN_PASSWORD_LENGTH)),
            )
        elif self.password.text() != self.repeat.text():
            _show_problem(self.problem, self.tr("The two passwords differ"))
        else:
            _show_problem(self.problem, "")
            return True
        return False


class _TwoFactorPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Two-factor authentication"))
        self.setSubTitle(self.tr("Administrators log in with a password and a code from their phone."))
        self.panel: TotpPanel | None = None
        self.problem = _problem_label()
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.problem)
        self._done = False

    def initializePage(self) -> None:
        """Show the QR code for the user name chosen on the previous page."""
        if self.panel is not None:
            self.panel.deleteLater()
        username = self._wizard.account.username.text().strip()
        secret = new_totp_secret()
        self.panel = TotpPanel(secret=secret, uri=totp_uri(secret, username, issuer=self._wizard.issuer))
        self._layout.insertWidget(0, self.panel)

    def validatePage(self) -> bool:
        """Create the admin off the GUI thread; the wizard finishes when the database said yes."""
        if self._done:
            return True
        assert self.panel is not None
        self._wizard.submit(self.panel.secret, self.panel.code_input.text().strip())
        return False

    def created(self) -> None:
        self._done = True


class FirstRunWizard(QWizard):
    """Two pages: account, then authenticator enrolment. Emits ``admin_created(user_id)``."""

    admin_created = Signal(int)

    def __init__(self, *, create_first_admin: CreateFirstAdmin, issuer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("PackStation: first start"))
        self.issuer = issuer
        self._create = create_first_admin
        self.account = _AccountPage()
        self.two_factor = _TwoFactorPage(self)
        self.addPage(self.account)
        self.addPage(self.two_factor)

    def submit(self, secret: str, code: str) -> None:
        """Create the first admin with the account page's values and the confirmed code."""
        username = self.account.username.text().strip()
        password, full_name = self.account.password.text(), self.account.full_name.text().strip()
        create = self._create
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)

        def created(user_id: int) -> None:
            self.two_factor.created()
            self.admin_created.emit(user_id)
            self.accept()

        def refused(exc: Exception) -> None:
            self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
            _show_problem(self.two_factor.problem, str(exc))

        Task(lambda: create(username, password, full_name, secret, code), owner=self).on_success(created).on_failure(
            refused
        ).run()
