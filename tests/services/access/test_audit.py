"""The audit log: hash chain, concurrent writers, append-only trigger, and `packstation audit verify`."""

from __future__ import annotations

import threading

import psycopg2
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models import AuditEntry
from packstation.services.access.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditError,
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


def test_entries_chain_from_the_genesis_hash(stack: Stack) -> None:
    first = stack.audit.record(AuditAction.SETTINGS_CHANGED, station_id=stack.station_id, detail={"key": "a"})
    stack.clock.advance(seconds=1)
    second = stack.audit.record(AuditAction.REPRINT, subject="package:7", detail={"copies": 2, "ok": True})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    expected = chain_hash(
        first.hash,
        canonical_json(
            entry_id=second.id,
            occurred_at=stack.clock(),
            actor_user_id=None,
            station_id=None,
            action="label.reprint",
            subject="package:7",
            detail={"copies": 2, "ok": True},
        ),
    )
    assert second.hash == expected
    verdict = stack.audit.verify()
    assert (verdict.intact, verdict.entries, verdict.head_hash) == (True, 2, second.hash)


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
