"""An existing database upgrades in place: passwords, badges, PINs and TOTP keep working; the old audit chain
stays verifiable and is sealed by the first keyed entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import psycopg2
import pyotp
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import make_url

from packstation.config.sections import SecuritySettings
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.migrate import head_revision, upgrade
from packstation.domain.status import Role
from packstation.services.access.audit import GENESIS_HASH, AuditAction, AuditLog, canonical_json, chain_hash
from packstation.services.access.auth import AuthService
from packstation.services.access.users import Credentials

BEFORE_SECURITY = "drop_print_jobs"


def test_upgrade_keeps_credentials_and_the_audit_chain(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    try:
        upgrade(engine, BEFORE_SECURITY)
        sessions = session_factory(engine)
        hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
        credentials = Credentials(sessions, hasher=hasher)
        secret = pyotp.random_base32(length=32)
        with sessions.begin() as session:
            # Users as the previous release stored them: argon2id hashes, the deterministic badge hash, TOTP.
            session.execute(
                text(
                    "INSERT INTO users (id, username, full_name, role, password_hash, badge_hash, pin_hash, "
                    "totp_secret)"
                    " VALUES (1, 'ada', 'Ada', 'admin', :admin_hash, NULL, NULL, :secret),"
                    " (2, 'ayse', 'Ayşe', 'packer', :packer_hash, :badge, :pin, NULL)"
                ),
                {
                    "admin_hash": hasher.hash("Admin-Parola-1"),
                    "secret": secret,
                    "packer_hash": hasher.hash("Ayse-Parola-1"),
                    "badge": credentials.badge_digest("BADGE-AYSE"),
                    "pin": hasher.hash("1357"),
                },
            )
            # Three entries of the old, unkeyed chain, written as the previous AuditLog did.
            previous = GENESIS_HASH
            for entry_id in (1, 2, 3):
                at = datetime(2026, 11, 30, 9, 0, entry_id, tzinfo=UTC)
                detail = {"n": entry_id, "who": "Şükrü"}
                digest = chain_hash(
                    previous,
                    canonical_json(
                        entry_id=entry_id,
                        occurred_at=at,
                        actor_user_id=1,
                        station_id=None,
                        action="user.created",
                        subject=f"user:{entry_id}",
                        detail=detail,
                    ),
                )
                session.execute(
                    text(
                        "INSERT INTO audit_log (id, occurred_at, actor_user_id, action, subject, detail, "
                        "prev_hash, hash)"
                        " VALUES (:id, :at, 1, 'user.created', :subject, CAST(:detail AS jsonb), :prev, :hash)"
                    ),
                    {
                        "id": entry_id,
                        "at": at,
                        "subject": f"user:{entry_id}",
                        "detail": json.dumps(detail, ensure_ascii=False),
                        "prev": previous,
                        "hash": digest,
                    },
                )
                previous = digest
            session.execute(text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 3)"))

        assert upgrade(engine)[1] == head_revision()

        audit = AuditLog(sessions)
        verdict = audit.verify()
        assert verdict.intact, verdict.reason
        assert verdict.entries == 4
        with sessions() as session:
            sealed = session.execute(text("SELECT action, prev_hash, detail FROM audit_log WHERE id = 4")).one()
        assert sealed.action == AuditAction.AUDIT_REKEYED.value and sealed.prev_hash == previous
        assert sealed.detail["legacy_head"] == previous and sealed.detail["legacy_entries"] == 3

        auth = AuthService(sessions, credentials=credentials, audit=audit, security=SecuritySettings())
        admin = auth.login_password("ada", "Admin-Parola-1", totp_code=pyotp.TOTP(secret).now())
        assert admin.role is Role.ADMIN and admin.token
        assert auth.login_badge("BADGE-AYSE", pin="1357").username == "ayse"
        assert auth.login_password("ayse", "Ayse-Parola-1").role is Role.PACKER
        assert audit.verify().intact

        # Changing an old row, even re-chaining the old rows after it, no longer fits the sealed head.
        url = make_url(empty_db_url)
        tamper = psycopg2.connect(dbname=url.database, user="postgres", host=url.host, port=url.port)
        tamper.autocommit = True
        with tamper.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("UPDATE audit_log SET subject = 'user:99' WHERE id = 2")
        tamper.close()
        broken = audit.verify()
        assert not broken.intact and broken.broken_at_id == 2
    finally:
        engine.dispose()
