"""What the stock page's panels share: a message line, and running a service call as the logged-in user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from packstation.services.access.permissions import UserSession
from packstation.ui.platform.tasks import Task


class ActionPanel(QWidget):
    """A panel whose buttons call services off the GUI thread and say how it went."""

    def __init__(
        self,
        *,
        current_user: Callable[[], UserSession | None],
        say: Callable[[str, bool], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._current_user = current_user
        self._say_to = say

    def say(self, text: str, *, ok: bool) -> None:
        """Show ``text`` in the page's message line."""
        self._say_to(text, ok)

    def run_as_user(
        self, work: Callable[[UserSession], Any], done: Callable[[Any], str], *, then: Callable[[], None]
    ) -> None:
        """Run ``work(actor)`` off the GUI thread; say ``done(result)`` and call ``then()``, or say the error."""
        actor = self._current_user()
        if actor is None:
            self.say(self.tr("Nobody is logged in."), ok=False)
            return

        def succeeded(result: object) -> None:
            self.say(done(result), ok=True)
            then()

        Task(lambda: work(actor), owner=self).on_success(succeeded).on_failure(
            lambda exc: self.say(str(exc), ok=False)
        ).run()

    def button_row(self, *buttons: tuple[str, Callable[[], None]]) -> QHBoxLayout:
        """Buttons side by side."""
        row = QHBoxLayout()
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        return row


def message_line() -> QLabel:
    """The page's message line (the theme's banner style)."""
    label = QLabel("")
    label.setObjectName("banner")
    label.setWordWrap(True)
    return label
