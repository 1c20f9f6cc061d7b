"""`packstation user add --badge-stdin`, idle logout and quick packer switching."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from packstation.db.models.access import AuditEntry, User
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction
from packstation.services.access.auth import AuthRefused
from packstation.services.access.permissions import LogoutReason, StationSession, UserSession

from .conftest import Clock, Stack, run_cli


def test_user_add_with_badge_stdin_then_badge_login(db_url: str, stack: Stack) -> None:
    env = {"PACKSTATION_DATABASE_URL": db_url}
    result = run_cli(
        "user", "add", "ayse", "--role", "packer", "--password-stdin", "--badge-stdin",
        stdin="Gizli-Parola-1\n0420001234\n", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with stack.db.sessions() as session:
        badge_hash = session.scalar(select(User.badge_hash).where(User.username == "ayse"))
        created = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.USER_CREATED.value)).one()
    assert badge_hash is not None and "0420001234" not in badge_hash
    assert created.detail["via"] == "command line"
    assert stack.auth.login_badge("0420001234").username == "ayse"

    missing = run_cli(
        "user", "add", "veli", "--role", "packer", "--password-stdin", "--badge-stdin",
        stdin="Gizli-Parola-2\n", env=env,
    )  # fmt: skip
    assert missing.returncode != 0
    assert "badge code" in missing.stderr
    taken = run_cli(
        "user", "add", "veli", "--role", "packer", "--password-stdin", "--badge-stdin",
        stdin="Gizli-Parola-2\n0420001234\n", env=env,
    )  # fmt: skip
    assert taken.returncode == 1
    assert "already belongs to another user" in taken.stderr
    with pytest.raises(AuthRefused):
        stack.auth.login_password("veli", "Gizli-Parola-2")


def _people(stack: Stack) -> tuple[UserSession, UserSession]:
    admin, _ = stack.first_admin()
    stack.packer(admin, "ayse", badge="BADGE-A")
    stack.packer(admin, "bora", badge="BADGE-B")
    return stack.auth.login_badge("BADGE-A", station_id=stack.station_id), stack.auth.login_badge(
        "BADGE-B", station_id=stack.station_id
    )


def test_idle_logout_after_the_configured_time(stack: Stack, clock: Clock) -> None:
    ayse, _bora = _people(stack)
    ended: list[tuple[str, LogoutReason]] = []
    station = StationSession(
        idle_logout_s=600,
        clock=clock,
        on_end=lambda user, reason: (ended.append((user.username, reason)), stack.auth.logout(user, reason=reason)),
    )
    station.start(ayse)
    clock.advance(seconds=599)
    assert station.expire_if_idle() is None
    station.touch()  # a scan
    clock.advance(seconds=599)
    assert station.expire_if_idle() is None and station.current == ayse
    clock.advance(seconds=1)
    assert station.expire_if_idle() == ayse
    assert station.current is None
    assert ended == [("ayse", LogoutReason.IDLE)]
    with stack.db.sessions() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (last.action, last.actor_user_id, last.detail) == ("logout", ayse.user_id, {"reason": "idle"})


def test_quick_switch_replaces_the_packer(stack: Stack, clock: Clock) -> None:
    ayse, bora = _people(stack)
    ended: list[tuple[str, LogoutReason]] = []
    station = StationSession(idle_logout_s=0, clock=clock, on_end=lambda u, r: ended.append((u.username, r)))
    assert station.start(ayse) is None
    assert station.start(bora) == ayse
    assert station.current == bora
    assert ended == [("ayse", LogoutReason.SWITCHED)]
    clock.advance(days=1)
    assert station.expire_if_idle() is None, "idle_logout_s = 0 means never"
    assert bora.role is Role.PACKER
