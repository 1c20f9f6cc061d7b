"""The least-privilege station role, made by `packstation db create-station-role` and used for real.

As that role a station cannot read a hash, a PIN, a badge or a TOTP secret, cannot change users or
the audit log, cannot create or alter anything; and it still runs `doctor`, `sync --once` against
the simulated Trendyol, and a packer logs in and packs a parcel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.access import AuditEntry
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.auth import AuthService
from packstation.services.access.permissions import LogoutReason
from packstation.services.access.users import Credentials, UserService
from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorConfig, SimulatorServer

from .conftest import Stack, run_cli

PASSWORD = "Istasyon-Parola-2026"

FORBIDDEN = (
    "SELECT password_hash FROM users",
    "SELECT pin_hash FROM users",
    "SELECT badge_hash FROM users",
    "SELECT totp_secret FROM users",
    "SELECT * FROM users",
    "SELECT value FROM security_keys",
    "SELECT * FROM auth_sessions",
    "SELECT * FROM auth_approvals",
    "SELECT * FROM auth_throttle",
    "UPDATE users SET role = 'admin'",
    "UPDATE users SET password_hash = 'x'",
    "UPDATE users SET failed_logins = 0, locked_until = NULL",
    "INSERT INTO users (username, role, password_hash) VALUES ('mallory', 'admin', 'x')",
    "DELETE FROM users",
    "INSERT INTO audit_log (id, action, prev_hash, hash) VALUES (999, 'login', repeat('0', 64), repeat('1', 64))",
    "UPDATE audit_log SET subject = 'x'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
    "SET session_replication_role = replica",
    "CREATE TABLE loot (x text)",
    "CREATE TEMP TABLE loot (x text)",
    "CREATE SCHEMA loot",
    "CREATE FUNCTION loot() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE VIEW loot AS SELECT 1",
    "ALTER TABLE packages ADD COLUMN loot text",
    "DROP TABLE pack_events",
    "CREATE ROLE loot",
    "SET ROLE packstation_owner",
    "GRANT packstation_owner TO CURRENT_USER",
    "DELETE FROM pack_events",
    "UPDATE security_params SET value = '00'",
    # Internal functions that write without checking a session are not granted.
    "SELECT ps_audit_write(NULL, NULL, 'login', NULL, '{}')",
    "SELECT r.* FROM users u, ps_session_open(u, NULL, 'password') r",
    "SELECT ps_hmac('k', 'm', 'sha256')",
)


def _station_url(db_url: str, login: str) -> str:
    return make_url(db_url).set(username=login, password=PASSWORD).render_as_string(hide_password=False)


@pytest.fixture
def station_url(db_url: str) -> Iterator[str]:
    """A station login made by the command, with the owner's URL."""
    login = f"station_{uuid.uuid4().hex[:8]}"
    made = run_cli(
        "db",
        "create-station-role",
        login,
        "--password-stdin",
        stdin=PASSWORD + "\n",
        env={"PACKSTATION_DATABASE_URL": db_url},
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"station role {login} created" in made.stdout
    again = run_cli(
        "db",
        "create-station-role",
        login,
        "--password-stdin",
        stdin=PASSWORD + "\n",
        env={"PACKSTATION_DATABASE_URL": db_url},
    )
    assert again.returncode == 0 and "updated" in again.stdout, again.stderr
    yield _station_url(db_url, login)
    url = make_url(db_url)
    owner = psycopg2.connect(dbname=url.database, user="postgres", host=url.host, port=url.port)
    owner.autocommit = True
    with owner.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {login}")
        cursor.execute(f"DROP ROLE {login}")
    owner.close()


def test_every_forbidden_attempt_is_refused(stack: Stack, station_url: str) -> None:
    admin, _ = stack.first_admin()
    stack.packer(admin, "ayse", badge="BADGE-AYSE", pin="1357")
    url = make_url(station_url)
    connection = psycopg2.connect(
        dbname=url.database, user=url.username, password=PASSWORD, host=url.host, port=url.port
    )
    connection.autocommit = True
    refused: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (False, False, False)
            # `db upgrade` made a NOLOGIN owner, and it owns every table, sequence and function of the schema.
            cursor.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'packstation_owner'")
            assert cursor.fetchone() == (False,)
            cursor.execute(
                "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v')"
                " UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc p"
                " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
            )
            assert {row[0] for row in cursor.fetchall()} == {"packstation_owner"}
            for statement in FORBIDDEN:
                with pytest.raises(psycopg2.Error) as error:
                    cursor.execute(statement)
                assert error.value.pgcode == "42501", f"{statement}: {error.value.pgcode} {error.value}"
                refused.append(statement)
            # What a station may read of users: names and roles, for screens and reports.
            cursor.execute("SELECT id, username, full_name, role, active FROM users ORDER BY id")
            assert [row[1] for row in cursor.fetchall()] == ["admin", "ayse"]
            # A session token is needed to act as someone, and a made-up one is refused.
            with pytest.raises(psycopg2.Error, match="unknown or expired session"):
                cursor.execute("SELECT audit_append('forged', NULL, 'label.reprint', NULL, '{}')")
            # Entries only the server writes (log-ins, user changes, overrides ...) are not taken from a station.
            with pytest.raises(psycopg2.Error, match="audit_action_reserved"):
                cursor.execute("SELECT audit_append(NULL, NULL, 'user.created', NULL, '{}')")
            with pytest.raises(psycopg2.Error, match="session_invalid"):
                cursor.execute("SELECT user_create(NULL, 'mallory', 'M', 'admin', '$argon2id$v=19$x')")
            with pytest.raises(psycopg2.Error, match="session_invalid"):
                cursor.execute("SELECT * FROM user_list('forged')")
    finally:
        connection.close()
    assert len(refused) == len(FORBIDDEN)
    assert stack.audit.verify().intact


def test_a_station_logs_in_packs_and_audits_through_the_server(stack: Stack, station_url: str, tmp_path: Path) -> None:
    from packstation.demo.data import seed_demo_data
    from packstation.local_store.journal import Journal
    from packstation.services.journal.pump import JournalPump
    from packstation.services.packing.claims import ClaimService
    from packstation.services.packing.service import PackingService
    from packstation.services.station.heartbeat import StationService

    stack.first_admin()
    seed_demo_data(stack.db.sessions, packages=3)
    engine = create_db_engine(station_url)
    try:
        sessions = session_factory(engine)
        audit = AuditLog(sessions)
        credentials = Credentials(sessions, hasher=stack.users.credentials.hasher)
        users = UserService(sessions, credentials=credentials, audit=audit)
        auth = AuthService(sessions, credentials=credentials, audit=audit)
        station_id = StationService(sessions, name="station-9", audit=audit).register()

        # An admin logs in at the station and enrols a packer, all through the definer functions.
        secret = next(iter(stack.used_steps))  # the admin's TOTP secret, enrolled by first_admin()
        admin_here = auth.login_password(
            "admin", "Admin-Parola-1", totp_code=stack.totp_code(secret), station_id=station_id
        )
        packer_id = users.create_user(admin_here, "ayse", role=Role.PACKER, password="Ayse-Parola-1")
        users.enrol_badge(admin_here, packer_id, "BADGE-AYSE", pin="1357")
        assert {u.username for u in users.list_users(admin_here)} == {"admin", "ayse"}
        packer = auth.login_badge("BADGE-AYSE", pin="1357", station_id=station_id)
        assert packer.role is Role.PACKER and packer.token

        # The packer packs a parcel; the journal replays into PostgreSQL as the station role.
        journal = Journal(tmp_path / "journal.sqlite3")
        claims = ClaimService(sessions, station_id=station_id, lease=timedelta(minutes=5))
        packing = PackingService(
            sessions, journal=journal, claims=claims, station="station-9", clock=lambda: datetime.now(UTC), audit=audit
        )
        with sessions() as session:
            package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
            items = [line.barcode for line in package.lines for _ in range(line.quantity)]
        packing.open(package.cargo_tracking_number, user_id=packer.user_id, token=packer.token)
        for barcode in items:
            packing.scan(barcode, user_id=packer.user_id, token=packer.token)
        JournalPump(journal, sessions).drain_once()
        with sessions() as session:
            packed = session.get(PackageRow, package.id)
            assert packed is not None and packed.packed_at is not None
            events = session.scalar(
                select(func.count()).select_from(PackEvent).where(PackEvent.package_id == package.id)
            )
            assert events == len(items) + 2  # open, every item, complete
        auth.logout(packer, reason=LogoutReason.USER)
    finally:
        engine.dispose()
    with stack.db.sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.actor_user_id == packer_id)))
    assert AuditAction.LOGIN.value in actions and AuditAction.LOGOUT.value in actions
    assert stack.audit.verify().intact


def test_doctor_and_sync_run_as_the_station_role(stack: Stack, station_url: str, tmp_path: Path) -> None:
    doctor = run_cli(
        "doctor",
        env={
            "PACKSTATION_DATABASE_URL": station_url,
            "PACKSTATION_PRINTER_URI": f"file://{tmp_path}",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        },
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "OK    schema" in doctor.stdout

    sim = SimulatedMarketplace(SimulatorConfig(seed=5, packages=20))
    with SimulatorServer(sim) as server:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[[marketplaces]]\nname = "adim-trendyol"\nkind = "trendyol"\nbase_url = "{server.base_url}"\n'
            f'seller_id = "{sim.config.seller_id}"\nclient = "Adım Ayakkabı"\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
        env["PACKSTATION_SECRET_ADIM_TRENDYOL_API_KEY"] = sim.config.api_key
        env["PACKSTATION_SECRET_ADIM_TRENDYOL_API_SECRET"] = sim.config.api_secret
        command = [sys.executable, "-m", "packstation", "--config", str(config), "--database-url", station_url]
        for _run in range(2):  # the second run finds the account, the products and the parcels already there
            synced = subprocess.run(
                [*command, "sync", "--once", "--max-wait", "4"], capture_output=True, text=True, env=env, timeout=120
            )
            assert synced.returncode == 0, synced.stdout + synced.stderr
    with stack.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PackageRow)) == 20
