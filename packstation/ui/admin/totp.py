"""Two-factor enrolment: show the QR code of a new TOTP secret and take the first code back."""

from __future__ import annotations

import io

import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


def qr_pixmap(text: str, *, box_size: int = 6) -> QPixmap:
    """A QR code of ``text`` as a pixmap (the qrcode package draws it, Qt shows it)."""
    image = qrcode.make(text, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer)  # PNG: the default kind of both image factories qrcode may pick (Pillow, PyPNG)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


class TotpPanel(QWidget):
    """QR code, the secret in text (for typing it in), and the field for the first code."""

    def __init__(self, *, secret: str, uri: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.secret = secret
        self.uri = uri
        self.qr = QLabel()
        self.qr.setPixmap(qr_pixmap(uri))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        explain = QLabel(
            self.tr(
                "Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, …), "
                "then type the 6-digit code it shows."
            )
        )
        explain.setWordWrap(True)
        spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        self.secret_label = QLabel(self.tr("Or type this key: {0}").replace("{0}", spaced))
        self.secret_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_input = QLineEdit()
        self.code_input.setMaxLength(6)
        self.code_input.setPlaceholderText(self.tr("6-digit code"))
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.qr)
        layout.addWidget(self.secret_label)
        layout.addWidget(self.code_input)


class TotpEnrolDialog(QDialog):
    """Enrol (or re-enrol) a user's authenticator; ``code`` holds what they typed."""

    def __init__(self, *, username: str, secret: str, uri: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Two-factor set-up for {0}").replace("{0}", username))
        self.panel = TotpPanel(secret=secret, uri=uri)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)

    @property
    def code(self) -> str:
        """The code the user typed."""
        return self.panel.code_input.text().strip()
