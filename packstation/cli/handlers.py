"""Headless command implementations behind the command line (no Qt)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from packstation.config import Settings
from packstation.db.connect import Database, configured_url, limits_from, open_database
from packstation.db.embedded import EmbeddedDatabaseError, start_embedded
from packstation.db.engine import create_db_engine
from packstation.db.errors import error_reason
from packstation.db.migrate import current_revision, head_revision, upgrade
from packstation.domain.status import Role
from packstation.i18n import _
from packstation.services.access.audit import AuditLog
from packstation.services.access.secrets import SecretError, SecretStore
from packstation.services.access.users import Credentials, UserError, UserService
from packstation.services.station.database_secret import database_password
from packstation.services.station.doctor import Verdict, format_table, run_checks


def _fail(message: str) -> int:
    print(_("error: {message}").format(message=message), file=sys.stderr)
    return 1


def db(settings: Settings, action: str) -> int:
    """`db upgrade` and `db revision`."""
    secrets = SecretStore()
    try:
        database = open_database(
            settings,
            database_password(secrets),
            migrate=False,
            application_name="packstation-cli",
            embedded_secrets=SecretStore(),
        )
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        if action == "upgrade":
            before, after = upgrade(database.engine, privileges=True)
            if before == after:
                print(_("database {url} is up to date (revision {rev})").format(url=database.display_url, rev=after))
            else:
                print(
                    _("database {url} upgraded from {before} to {after}").format(
                        url=database.display_url, before=before or _("empty"), after=after
                    )
                )
        else:
            print(
                _("database: {cur}\nthis build: {head}").format(
                    cur=current_revision(database.engine) or _("empty"), head=head_revision()
                )
            )
        return 0
    except SQLAlchemyError as exc:
        return _fail(_("migration failed: {reason}").format(reason=error_reason(exc)))
    finally:
        database.close()


def doctor(settings: Settings) -> int:
    """Print the verdict table; exit 1 if anything failed."""
    secrets = SecretStore()
    embedded = []

    def database_url() -> str:
        url = configured_url(settings, database_password(secrets))
        if url is not None:
            return url
        server = start_embedded(settings.data_dir(), secrets)
        embedded.append(server)
        engine = create_db_engine(server.url, limits=limits_from(settings))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        return server.url

    try:
        results = run_checks(settings, database_url=database_url, secrets=secrets)
    finally:
        for server in embedded:
            server.stop()
    print(format_table(results))
    return 1 if any(r.verdict is Verdict.FAIL for r in results) else 0


def user_add(
    settings: Settings, username: str, role: Role, password: str, full_name: str, *, badge: str | None = None
) -> int:
    """Create a user (with a badge when one is given)."""
    try:
        database = open_database(
            settings,
            database_password(SecretStore()),
            application_name="packstation-cli",
            embedded_secrets=SecretStore(),
        )
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        users = UserService(
            database.sessions, credentials=Credentials(database.sessions), audit=AuditLog(database.sessions)
        )
        user_id = users.add_user(username, role=role, password=password, full_name=full_name, badge=badge)
        print(_("user {username} created (id {id}, role {role})").format(username=username, id=user_id, role=role))
        return 0
    except UserError as exc:
        return _fail(str(exc))
    finally:
        database.close()


def secret_set(account: str, name: str, value: str) -> int:
    """Store a secret in the OS keyring."""
    try:
        SecretStore().set(account, name, value)
    except SecretError as exc:
        return _fail(str(exc))
    print(_("secret {name} of {account} stored in the keyring").format(name=name, account=account))
    return 0


def _cli_database(settings: Settings) -> Database:
    """The database as the command line opens it: no migration, one keyring for both of its passwords."""
    secrets = SecretStore()
    return open_database(
        settings,
        database_password(secrets),
        migrate=False,
        application_name="packstation-cli",
        embedded_secrets=secrets,
    )


def create_station_role(settings: Settings, name: str, password: str) -> int:
    """`db create-station-role NAME --password-stdin`: a station's login role, member of packstation_station only."""
    from packstation.db.roles import RoleError
    from packstation.db.roles import create_station_role as create

    try:
        database = _cli_database(settings)
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        if current_revision(database.engine) != head_revision():
            return _fail(_("the database is not at this build's revision: run 'packstation db upgrade' first"))
        with database.engine.begin() as connection:
            created = create(connection, name, password)
    except RoleError as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        return _fail(_("cannot create the role: {reason}").format(reason=error_reason(exc)))
    finally:
        database.close()
    message = _("station role {name} created") if created else _("station role {name} updated")
    print(message.format(name=name))
    return 0


def client_photos(settings: Settings, name: str | None, wanted: bool | None) -> int:
    """`client photos [NAME on|off]`: show or set photo before sealing (the owner's connection; audited)."""
    from packstation.services.photos.sealing import SealingPhotos, UnknownClientError

    try:
        database = _cli_database(settings)
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        sealing = SealingPhotos(database.sessions, audit=AuditLog(database.sessions), clock=lambda: datetime.now(UTC))
        if name is not None and wanted is not None:
            sealing.set_from_command_line(name, wanted)
        for client in sealing.clients():
            if name is None or client.name == name:
                state = _("photo before sealing") if client.photo_before_sealing else _("no photo before sealing")
                print(f"{client.name}: {state}")
    except UnknownClientError as exc:
        return _fail(str(exc))
    except SQLAlchemyError as exc:
        return _fail(_("cannot change the setting: {reason}").format(reason=error_reason(exc)))
    finally:
        database.close()
    return 0


def audit_head(settings: Settings) -> int:
    """`audit head`: the newest entry's id and hash on one line."""
    try:
        database = _cli_database(settings)
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        print(AuditLog(database.sessions).head().line())
    except SQLAlchemyError as exc:
        return _fail(_("cannot read the audit log: {reason}").format(reason=error_reason(exc)))
    finally:
        database.close()
    return 0


def audit_verify(settings: Settings, *, head_file: Path | None = None) -> int:
    """Check the audit log's chain: exit 0 with the entry count, or 1 naming the first broken row."""
    from packstation.services.access.audit import AuditHead

    head = None
    if head_file is not None:
        try:
            head = AuditHead.parse(head_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError) as exc:
            return _fail(_("cannot read the exported head {path}: {reason}").format(path=head_file, reason=exc))
    try:
        database = _cli_database(settings)
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        verdict = AuditLog(database.sessions).verify(head=head)
    except SQLAlchemyError as exc:
        return _fail(_("cannot read the audit log: {reason}").format(reason=error_reason(exc)))
    finally:
        database.close()
    if not verdict.intact:
        print(
            _("audit log BROKEN at row {id}: {reason}").format(id=verdict.broken_at_id, reason=verdict.reason),
            file=sys.stderr,
        )
        return 1
    print(_("audit log intact: {n} entries, head {head}").format(n=verdict.entries, head=verdict.head_hash))
    return 0


def sync_once(settings: Settings, *, account: str | None = None, max_wait_s: float = 120.0) -> int:
    """`sync --once`: pull and push one cycle, print what happened; exit 1 if anything failed."""
    from dataclasses import replace

    from packstation.domain.retry import RetryPolicy
    from packstation.services.sync.accounts import client_for
    from packstation.services.sync.cycle import describe, run_once

    if max_wait_s <= 0:
        return _fail(_("--max-wait must be positive, got {value}").format(value=max_wait_s))
    secrets = SecretStore()
    retry = replace(RetryPolicy(), max_total=max_wait_s, retry_after_cap=min(60.0, max_wait_s))
    try:
        database = open_database(
            settings, database_password(secrets), application_name="packstation-sync", embedded_secrets=SecretStore()
        )
    except (SQLAlchemyError, EmbeddedDatabaseError) as exc:
        return _fail(_("cannot open the database: {reason}").format(reason=error_reason(exc)))
    try:
        report = run_once(
            settings,
            database.sessions,
            lambda configured: client_for(configured, secrets, retry=retry),
            account=account,
        )
    except SQLAlchemyError as exc:
        return _fail(_("the database failed during the sync: {reason}").format(reason=error_reason(exc)))
    finally:
        database.close()
    for line in describe(report):
        print(line)
    if not report.ok:
        print(_("sync finished with errors; failed pushes stay queued for the next run"), file=sys.stderr)
        return 1
    return 0
