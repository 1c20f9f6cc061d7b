"""The audit log: hash chain, concurrent writers, append-only trigger, and `packstation audit verify`."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.access import AuditEntry
from packstation.services.access.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditError,
    AuditHead,
    AuditLog,
    canonical_json,
    chain_hash,
)

from .conftest import Clock, Stack, run_cli


def _superuser(db_url: str) -> psycopg2.extensions.connection:
    """A superuser connection that switches triggers off, as someone tampering by hand would."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    connection = psycopg2.connect(dbname=url.database, user="postgres", host=url.host, port=url.port)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    return connection


def test_entries_chain_from_the_genesis_hash_with_a_key_only_the_server_holds(stack: Stack) -> None:
    first = stack.audit.record(AuditAction.SETTINGS_CHANGED, station_id=stack.station_id, detail={"key": "a"})
    second = stack.audit.record(AuditAction.REPRINT, subject="package:7", detail={"copies": 2, "ok": True})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.occurred_at >= first.occurred_at  # the server's clock, not the station's
    # Anyone can recompute an unkeyed hash; the keyed one is not it.
    unkeyed = chain_hash(
        first.hash,
        canonical_json(
            entry_id=second.id,
            occurred_at=second.occurred_at,
            actor_user_id=None,
            station_id=None,
            action="label.reprint",
            subject="package:7",
            detail={"copies": 2, "ok": True},
        ),
    )
    assert second.hash != unkeyed
    verdict = stack.audit.verify()
    assert (verdict.intact, verdict.entries, verdict.head_hash) == (True, 2, second.hash)


def test_the_actor_comes_from_the_server_side_session(stack: Stack) -> None:
    admin, _ = stack.first_admin()
    entry = stack.audit.record(AuditAction.SETTINGS_CHANGED, actor=admin, detail={"key": "a"})
    assert (entry.actor_user_id, entry.station_id) == (admin.user_id, stack.station_id)
    forged = replace(admin, user_id=admin.user_id + 1000, token="not-a-session")
    with pytest.raises(DBAPIError, match="unknown or expired session"):
        stack.audit.record(AuditAction.SETTINGS_CHANGED, actor=forged)


def test_rechained_and_inserted_rows_are_detected(stack: Stack, db_url: str) -> None:
    ids = [stack.audit.record(AuditAction.REPRINT, detail={"n": n}).id for n in range(4)]
    tamper = _superuser(db_url)
    with tamper.cursor() as cursor:
        # Delete a row and re-chain the rest with the published (unkeyed) formula: the key is missing.
        cursor.execute("DELETE FROM audit_log WHERE id = %s", (ids[1],))
        cursor.execute(
            "SELECT id, occurred_at, actor_user_id, station_id, action, subject, detail FROM audit_log ORDER BY id"
        )
        previous = GENESIS_HASH
        for row in cursor.fetchall():
            new = chain_hash(
                previous,
                canonical_json(
                    entry_id=row[0],
                    occurred_at=row[1],
                    actor_user_id=row[2],
                    station_id=row[3],
                    action=row[4],
                    subject=row[5],
                    detail=row[6],
                ),
            )
            cursor.execute("UPDATE audit_log SET prev_hash = %s, hash = %s WHERE id = %s", (previous, new, row[0]))
            previous = new
    verdict = stack.audit.verify()
    assert not verdict.intact and verdict.broken_at_id == ids[0]
    with tamper.cursor() as cursor:
        cursor.execute("TRUNCATE audit_log")
    tamper.close()
    # A row inserted by hand, even with a hash that links, is not keyed.
    with _superuser(db_url) as again, again.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_log (id, action, detail, prev_hash, hash, hash_scheme) "
            "VALUES (99, 'login', '{}', %s, %s, 'hmac-sha256')",
            (GENESIS_HASH, "f" * 64),
        )
    verdict = stack.audit.verify()
    assert not verdict.intact and verdict.broken_at_id == 99 and "was changed" in verdict.reason


def test_an_exported_head_detects_truncation(stack: Stack, db_url: str, tmp_path: Path) -> None:
    for n in range(3):
        stack.audit.record(AuditAction.REPRINT, detail={"n": n})
    head_file = tmp_path / "head.txt"
    env = {"PACKSTATION_DATABASE_URL": db_url}
    exported = run_cli("audit", "head", env=env)
    assert exported.returncode == 0, exported.stderr
    head_file.write_text(exported.stdout, encoding="utf-8")
    head = AuditHead.parse(exported.stdout.strip())
    assert stack.audit.verify(head=head).intact
    stack.audit.record(AuditAction.REPRINT, detail={"n": 3})  # growing is fine
    assert run_cli("audit", "verify", "--head", str(head_file), env=env).returncode == 0
    tamper = _superuser(db_url)
    with tamper.cursor() as cursor:
        cursor.execute("DELETE FROM audit_log WHERE id >= %s", (head.id,))
    tamper.close()
    assert stack.audit.verify().intact, "without the head a shorter chain looks fine"
    cut = run_cli("audit", "verify", "--head", str(head_file), env=env)
    assert cut.returncode == 1
    assert "newer entries were removed" in cut.stderr
    bad = run_cli("audit", "verify", "--head", str(tmp_path / "missing.txt"), env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_detail_that_would_not_round_trip_is_refused(stack: Stack) -> None:
    with pytest.raises(AuditError, match="float is not allowed"):
        stack.audit.record(AuditAction.STOCK_ADJUSTED, detail={"weight": 1.5})
    with pytest.raises(AuditError, match="AuditAction"):
        stack.audit.record("made.up", detail={})  # type: ignore[arg-type]


def test_concurrent_writers_on_separate_connections_never_fork_the_chain(db_url: str, stack: Stack) -> None:
    writers, per_writer = 6, 15
    errors: list[BaseException] = []

    def write(n: int) -> None:
        engine = create_db_engine(db_url)
        try:
            log = AuditLog(session_factory(engine), clock=Clock())
            for i in range(per_writer):
                log.record(AuditAction.REPRINT, subject=f"writer:{n}", detail={"i": i})
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with stack.db.sessions() as session:
        prev_hashes = list(session.scalars(select(AuditEntry.prev_hash)))
    assert len(prev_hashes) == writers * per_writer
    assert len(set(prev_hashes)) == len(prev_hashes), "two entries claim the same predecessor"
    assert stack.audit.verify().intact


def test_update_delete_and_truncate_are_refused(stack: Stack) -> None:
    entry = stack.audit.record(AuditAction.SETTINGS_CHANGED, detail={"key": "x"})
    for statement in (
        "UPDATE audit_log SET subject = 'forged' WHERE id = :id",
        "DELETE FROM audit_log WHERE id = :id",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only"), stack.db.engine.begin() as connection:
            connection.execute(text(statement), {"id": entry.id})
    assert stack.audit.verify().entries == 1


def test_verify_names_a_changed_row(stack: Stack, db_url: str) -> None:
    ids = [stack.audit.record(AuditAction.REPRINT, detail={"n": n}).id for n in range(5)]
    tamper = _superuser(db_url)
    with tamper.cursor() as cursor:
        cursor.execute("UPDATE audit_log SET detail = '{\"n\": 99}' WHERE id = %s", (ids[2],))
    tamper.close()
    verdict = stack.audit.verify()
    assert not verdict.intact
    assert verdict.broken_at_id == ids[2]
    assert f"row {ids[2]} was changed" in verdict.reason


def test_verify_names_where_rows_were_removed(stack: Stack, db_url: str) -> None:
    ids = [stack.audit.record(AuditAction.REPRINT, detail={"n": n}).id for n in range(5)]
    tamper = _superuser(db_url)
    with tamper.cursor() as cursor:
        cursor.execute("DELETE FROM audit_log WHERE id IN (%s, %s)", (ids[1], ids[2]))
    tamper.close()
    verdict = stack.audit.verify()
    assert verdict.broken_at_id == ids[3]
    assert f"rows {ids[1]} to {ids[2]} are missing" in verdict.reason


def test_cli_audit_verify_exit_codes(db_url: str, stack: Stack) -> None:
    for n in range(3):
        stack.audit.record(AuditAction.USER_CREATED, subject=f"user:{n}", detail={"n": n})
    env = {"PACKSTATION_DATABASE_URL": db_url}
    intact = run_cli("audit", "verify", env=env)
    assert intact.returncode == 0, intact.stderr
    assert "audit log intact: 3 entries" in intact.stdout

    with stack.db.sessions() as session:
        second = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id).offset(1).limit(1)).one()
    tamper = _superuser(db_url)
    with tamper.cursor() as cursor:
        cursor.execute("UPDATE audit_log SET subject = 'user:999' WHERE id = %s", (second,))
    tamper.close()
    broken = run_cli("audit", "verify", env=env)
    assert broken.returncode == 1
    assert f"audit log BROKEN at row {second}" in broken.stderr
    assert "Traceback" not in broken.stderr
