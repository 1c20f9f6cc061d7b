"""A supervisor's badge and PIN, asked for when the logged-in user may not do something alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from packstation.services.access.permissions import Approval, Permission, UserSession

#: ``approve(badge, pin, permission, requested_by)``: the auth service's check of a supervisor's badge and PIN.
Approve = Callable[[str, str, "Permission", "UserSession"], "Approval"]


class Approvals(QObject):
    """Runs an action now if the user may, else after a supervisor approves (the controllers' ``ApprovalGate``)."""

    def __init__(self, *, current_user: Callable[[], UserSession | None], approve: Approve, parent: QWidget) -> None:
        super().__init__(parent)
        self._current_user = current_user
        self._approve = approve
        self._parent = parent

    def with_approval(self, permission: Permission, what: str, then: Callable[[Approval | None], None]) -> None:
        """Run ``then`` now if the user may, else after a supervisor approves with badge and PIN."""
        user = self._current_user()
        if user is None:
            return
        if user.may(permission):
            then(None)
            return
        from packstation.ui.shell.login import ApprovalDialog

        dialog = ApprovalDialog(
            permission=permission,
            what=what,
            approve=lambda badge, pin, perm: self._approve(badge, pin, perm, user),
            parent=self._parent,
        )
        dialog.accepted.connect(lambda: then(dialog.approval))
        dialog.open()
