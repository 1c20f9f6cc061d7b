"""Logging in against a real database: badge and PIN, password and TOTP, lockout, refusals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from packstation.db.models.access import AuditEntry, User
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction
from packstation.services.access.auth import AuthRefused, RefusalReason
from packstation.services.access.permissions import LoginMethod
from packstation.services.access.users import new_totp_secret

from .conftest import Stack, expire_lockout


def _actions(stack: Stack) -> list[str]:
    with stack.db.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _supervisor(stack: Stack, admin_id: int | None = None) -> tuple[int, str]:
    admin = stack.session_for(admin_id) if admin_id else stack.first_admin()[0]
    user_id = stack.users.create_user(admin, "sena", role=Role.SUPERVISOR, password="Sena-Parola-1", full_name="Sena")
    secret = new_totp_secret()
    stack.users.enrol_totp(admin, user_id, secret, stack.totp_code(secret))  # its step is used up now
    return user_id, secret


def test_packer_logs_in_by_scanning_a_badge(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer_id = stack.packer(admin, "ayse", badge="BADGE-0042")
    session = stack.auth.login_badge(" BADGE-0042\n", station_id=stack.station_id)
    assert session.user_id == packer_id
    assert session.role is Role.PACKER
    assert session.method is LoginMethod.BADGE
    assert session.station_id == stack.station_id
    with stack.db.sessions() as s:
        user = s.get(User, packer_id)
        assert user is not None
        assert user.badge_hash is not None and "BADGE-0042" not in user.badge_hash
        assert user.last_login_at == session.started_at  # the server's clock, not the station's
    assert _actions(stack)[-1] == AuditAction.LOGIN.value


def test_unknown_badge_is_refused_and_audited_without_the_code(stack: Stack) -> None:
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_badge("NOBODY-99", station_id=stack.station_id)
    assert refused.value.reason is RefusalReason.UNKNOWN_CREDENTIALS
    assert str(refused.value) == "this badge is not known"
    with stack.db.sessions() as s:
        entry = s.scalars(select(AuditEntry)).one()
    assert entry.action == AuditAction.LOGIN_FAILED.value
    assert "NOBODY-99" not in str(entry.detail) + str(entry.subject)


def test_badge_with_pin_asks_for_it_and_counts_wrong_pins(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    stack.packer(admin, "mehmet", badge="BADGE-7", pin="4321")
    with pytest.raises(AuthRefused) as missing:
        stack.auth.login_badge("BADGE-7", station_id=stack.station_id)
    assert missing.value.reason is RefusalReason.PIN_REQUIRED
    with pytest.raises(AuthRefused) as wrong:
        stack.auth.login_badge("BADGE-7", pin="1111", station_id=stack.station_id)
    assert wrong.value.reason is RefusalReason.WRONG_PIN
    assert "4 attempt(s) left" in str(wrong.value)
    assert stack.auth.login_badge("BADGE-7", pin="4321", station_id=stack.station_id).username == "mehmet"
    with stack.db.sessions() as s:
        assert s.scalar(select(User.failed_logins).where(User.username == "mehmet")) == 0


def test_supervisor_needs_password_and_totp(stack: Stack) -> None:
    sup_id, secret = _supervisor(stack)
    with pytest.raises(AuthRefused) as no_code:
        stack.auth.login_password("sena", "Sena-Parola-1", station_id=stack.station_id)
    assert no_code.value.reason is RefusalReason.SECOND_FACTOR_REQUIRED
    with pytest.raises(AuthRefused) as bad_code:
        stack.auth.login_password("sena", "Sena-Parola-1", totp_code="000000", station_id=stack.station_id)
    assert bad_code.value.reason is RefusalReason.WRONG_SECOND_FACTOR
    code = stack.totp_code(secret)
    session = stack.auth.login_password("sena", "Sena-Parola-1", totp_code=code, station_id=stack.station_id)
    assert (session.user_id, session.role, session.method) == (sup_id, Role.SUPERVISOR, LoginMethod.PASSWORD)
    # The same code is never accepted twice, even inside its 30 seconds.
    with pytest.raises(AuthRefused) as replay:
        stack.auth.login_password("sena", "Sena-Parola-1", totp_code=code, station_id=stack.station_id)
    assert replay.value.reason is RefusalReason.WRONG_SECOND_FACTOR


def test_supervisor_badge_does_not_log_in(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    sup_id, _secret = _supervisor(stack, admin.user_id)
    stack.users.enrol_badge(admin, sup_id, "SUP-BADGE-1", pin="9876")
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_badge("SUP-BADGE-1", pin="9876", station_id=stack.station_id)
    assert refused.value.reason is RefusalReason.BADGE_NOT_FOR_ROLE
    assert "password" in str(refused.value)


def test_supervisor_without_enrolled_totp_is_told_to_enrol(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    stack.users.create_user(admin, "veli", role=Role.SUPERVISOR, password="Veli-Parola-1")
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_password("veli", "Veli-Parola-1", totp_code="123456", station_id=stack.station_id)
    assert refused.value.reason is RefusalReason.SECOND_FACTOR_NOT_ENROLLED
    assert "administrator" in str(refused.value)


def test_five_wrong_passwords_lock_the_account_for_the_configured_time(stack: Stack) -> None:
    _sup_id, secret = _supervisor(stack)
    for attempt in range(1, 5):
        with pytest.raises(AuthRefused) as wrong:
            stack.auth.login_password("sena", f"wrong-{attempt}", station_id=stack.station_id)
        assert wrong.value.reason is RefusalReason.WRONG_PASSWORD
        assert f"{5 - attempt} attempt(s) left" in str(wrong.value)
    with pytest.raises(AuthRefused) as locked:
        stack.auth.login_password("sena", "wrong-5", station_id=stack.station_id)
    assert locked.value.reason is RefusalReason.LOCKED
    assert locked.value.locked_until is not None
    remaining = locked.value.locked_until - datetime.now(UTC)
    assert timedelta(minutes=14, seconds=50) < remaining <= timedelta(minutes=15)
    assert "locked until" in str(locked.value)
    assert AuditAction.ACCOUNT_LOCKED.value in _actions(stack)

    # Even the right password and code are refused while locked ...
    code = stack.totp_code(secret)
    with pytest.raises(AuthRefused) as still:
        stack.auth.login_password("sena", "Sena-Parola-1", totp_code=code)
    assert still.value.reason is RefusalReason.LOCKED
    assert "try again at" in str(still.value)
    # ... and accepted once the lockout has run out (the code was not spent on the refused attempt).
    expire_lockout(stack.db, "sena")
    session = stack.auth.login_password("sena", "Sena-Parola-1", totp_code=code, station_id=stack.station_id)
    assert session.username == "sena"


def test_lockout_threshold_comes_from_the_settings(stack: Stack) -> None:
    from packstation.config.sections import SecuritySettings
    from packstation.services.access.auth import AuthService

    strict = AuthService(
        stack.db.sessions,
        credentials=stack.users.credentials,
        audit=stack.audit,
        security=SecuritySettings(max_failed_logins=2, lockout_minutes=1),
        clock=stack.clock,
    )
    admin, _ = stack.first_admin()
    stack.packer(admin, "can", badge="BADGE-CAN", pin="2468")
    with pytest.raises(AuthRefused):
        strict.login_badge("BADGE-CAN", pin="0000")
    with pytest.raises(AuthRefused) as locked:
        strict.login_badge("BADGE-CAN", pin="0000")
    assert locked.value.reason is RefusalReason.LOCKED
    assert locked.value.locked_until is not None
    assert locked.value.locked_until - datetime.now(UTC) <= timedelta(minutes=1)
    expire_lockout(stack.db, "can")
    assert strict.login_badge("BADGE-CAN", pin="2468").username == "can"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password_and_is_not_recorded(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    stack.users.create_user(admin, "zeynep", role=Role.PACKER, password="Zeynep-Parola-1")
    with pytest.raises(AuthRefused) as unknown:
        stack.auth.login_password("Gizli-Parola-typed-as-name", "x")
    with pytest.raises(AuthRefused) as wrong:
        stack.auth.login_password("zeynep", "wrong-password")
    assert str(wrong.value).startswith(str(unknown.value))
    with stack.db.sessions() as s:
        details = [str(e.detail) + str(e.subject) for e in s.scalars(select(AuditEntry))]
    assert not any("Gizli-Parola" in d for d in details)


def test_disabled_user_is_refused(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    packer_id = stack.packer(admin, "ali", badge="BADGE-ALI")
    stack.users.set_active(admin, packer_id, False)
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_badge("BADGE-ALI")
    assert refused.value.reason is RefusalReason.DISABLED
    stack.users.set_active(admin, packer_id, True)
    assert stack.auth.login_badge("BADGE-ALI").user_id == packer_id


def test_packer_may_log_in_with_password_without_totp(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    stack.users.create_user(admin, "deniz", role=Role.PACKER, password="Deniz-Parola-1")
    assert stack.auth.login_password("deniz", "Deniz-Parola-1").role is Role.PACKER


def test_first_admin_only_once_and_with_a_right_code(stack: Stack) -> None:
    from packstation.services.access.users import UserError

    secret = new_totp_secret()
    with pytest.raises(UserError, match="authenticator"):
        stack.users.create_first_admin(
            "root", password="Root-Parola-1", full_name="Root", totp_secret=secret, totp_code="000000"
        )
    assert stack.users.count() == 0
    stack.first_admin("ada")
    with pytest.raises(UserError, match="already exist"):
        stack.users.create_first_admin(
            "root", password="Root-Parola-1", full_name="Root", totp_secret=secret, totp_code=stack.totp_code(secret)
        )
    with stack.db.sessions() as s:
        admin_secret = s.scalar(select(User.totp_secret).where(User.username == "ada"))
    assert admin_secret is not None
    session = stack.auth.login_password("ada", "Admin-Parola-1", totp_code=stack.totp_code(admin_secret))
    assert session.role is Role.ADMIN


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("ada\x00admin", "Admin-Parola-1", None),
        ("x" * 10_000, "Admin-Parola-1", None),
        ("ada", "Admin\x00Parola", None),
        ("ada", "Admin-Parola-1", "١٢٣٤٥٦"),  # Arabic-Indic digits
        ("ada", "Admin-Parola-1", "１２３４５６"),  # full-width digits
        ("ada", "Admin-Parola-1", "1" * 10_000),
        ("ada", "Admin-Parola-1", "12\x003456"),
        ("ada", "x" * 10_000, None),
    ],
)
def test_odd_login_input_is_a_counted_failure_never_a_crash(
    stack: Stack, username: str, password: str, code: str | None
) -> None:
    stack.first_admin("ada")
    before = _actions(stack).count(AuditAction.LOGIN_FAILED.value)
    with pytest.raises(AuthRefused) as refused:
        stack.auth.login_password(username, password, totp_code=code, station_id=stack.station_id)
    assert refused.value.reason in (RefusalReason.WRONG_PASSWORD, RefusalReason.WRONG_SECOND_FACTOR)
    assert _actions(stack).count(AuditAction.LOGIN_FAILED.value) == before + 1


def test_a_locked_answer_does_not_tell_whether_the_name_exists(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    stack.users.create_user(admin, "zeynep", role=Role.PACKER, password="Zeynep-Parola-1")
    answers: dict[str, list[str]] = {}
    for name in ("zeynep", "nobody-by-this-name"):
        answers[name] = []
        for _attempt in range(6):
            with pytest.raises(AuthRefused) as refused:
                stack.auth.login_password(name, "wrong-password")
            answers[name].append(f"{refused.value.reason}:{re.sub(r'[0-9]{2}:[0-9]{2}', 'HH:MM', str(refused.value))}")
    assert answers["zeynep"] == answers["nobody-by-this-name"]
    assert answers["zeynep"][-1].startswith("locked:")


def test_badge_guessing_is_throttled_per_station(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    stack.packer(admin, "ayse", badge="BADGE-AYSE")
    for n in range(stack.security.badge_attempts_per_minute):
        with pytest.raises(AuthRefused) as refused:
            stack.auth.login_badge(f"GUESS-{n:04d}", station_id=stack.station_id)
        assert refused.value.reason is RefusalReason.UNKNOWN_CREDENTIALS
    # Even the right badge waits now, at this station ...
    with pytest.raises(AuthRefused) as throttled:
        stack.auth.login_badge("BADGE-AYSE", station_id=stack.station_id)
    assert throttled.value.reason is RefusalReason.THROTTLED
    # ... not at another one.
    assert stack.auth.login_badge("BADGE-AYSE", station_id=None).username == "ayse"
    assert AuditAction.BADGE_THROTTLED.value in _actions(stack)


def test_short_badges_are_refused_at_enrolment(stack: Stack) -> None:
    from packstation.services.access.users import UserError

    admin, _ = stack.first_admin()
    user_id = stack.users.create_user(admin, "kisa", role=Role.PACKER, password="Kisa-Parola-1")
    with pytest.raises(UserError, match="at least 6 characters"):
        stack.users.enrol_badge(admin, user_id, "12345")
