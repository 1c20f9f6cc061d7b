"""Database roles: the NOLOGIN owner of the schema and the least-privilege role every station logs in as.

``packstation_owner`` owns every table, sequence and function (``db upgrade`` hands them over), so
no login role can alter tables or switch the audit log's triggers off unless it was made a member on
purpose. ``packstation_station`` gets exactly what a station does; what it must not touch (password,
PIN and badge hashes, TOTP secrets, the audit key, sessions) it reaches only through the SECURITY
DEFINER functions in :data:`STATION_FUNCTIONS`. The grants are re-applied after every upgrade, so a
table a later migration adds is covered at once (by the default rule: read, insert, update).
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import Connection, text

log = logging.getLogger("packstation.db.roles")

OWNER_ROLE = "packstation_owner"
STATION_ROLE = "packstation_station"

# Nothing for stations: only the definer functions read these.
PRIVATE_TABLES = frozenset({"security_keys", "auth_sessions", "auth_approvals", "auth_throttle", "auth_write_grants"})
# Read only: the audit log is written by audit_append(), the figures by SECURITY DEFINER triggers, pack
# events by pack_apply() (which checks each operation's session), billing plans by
# billing_plan_set()/billing_plan_clear() (which check the session's role), photos by photo_add() (which
# takes the photographer from the session and never replaces one) and photo_prune() (only old ones).
READ_ONLY_TABLES = frozenset(
    {
        "audit_log",
        "security_params",
        "alembic_version",
        "parcel_facts",
        "pack_hourly",
        "pack_events",
        "return_events",
        "billing_plans",
        "billing_tiers",
        "photos",
    }
)
# Append-only records: insert, never change (a stock movement only in a transaction the server granted
# stock changes: a trigger checks, migration 0015_security_packing).
APPEND_ONLY_TABLES = frozenset({"stock_movements"})
# The sync leader gives its lease back (services/sync/leadership.py).
DELETABLE_TABLES = frozenset({"leases"})
# Columns only definer functions write: who resolved or was given an exception (exception_resolve /
# exception_assign), and what a row is. Stations update the other columns.
SERVER_COLUMNS = {
    "pack_exceptions": frozenset({"kind", "op_id", "assigned_to_user_id", "resolved_by_user_id"}),
}
# The users columns a station may read (names on screens and reports); never the hashes or the TOTP secret.
USER_READABLE_COLUMNS = (
    "id",
    "username",
    "full_name",
    "role",
    "active",
    "failed_logins",
    "locked_until",
    "last_login_at",
    "created_at",
)
STATION_FUNCTIONS = (
    "audit_append(text, integer, text, text, jsonb)",
    "audit_bad_rows()",
    "auth_password_params(text, text)",
    "auth_pin_params(text, text)",
    "auth_login_password(text, text, text, integer, integer, integer, text)",
    "auth_badge(text, text, integer, text, text, integer, integer, integer, integer)",
    "auth_approval_use(text, integer, uuid, text, text)",
    "auth_logout(text, text)",
    "auth_session_may(text, text)",
    "pack_apply(jsonb)",
    "return_apply(jsonb)",
    "stock_write_grant(text, uuid, text)",
    # The pack_exceptions row policy asks it (as the station): whether this transaction holds a grant.
    "auth_write_granted(text[])",
    "billing_plan_set(text, uuid, integer, integer, text, numeric, text, jsonb, text, text)",
    "billing_plan_clear(text, uuid, integer, text)",
    "billing_return_fee_set(text, uuid, integer, numeric, text)",
    "exception_assign(text, uuid, bigint, integer)",
    "exception_resolve(text, uuid, bigint, text)",
    "parked_decide(text, uuid, uuid, text)",
    "auth_badge_probe(text, integer, integer)",
    "photo_add(text, integer, uuid, bigint, bigint, bytea, integer, integer, text, timestamp with time zone)",
    "photo_prune(integer)",
    # SECURITY INVOKER reads and the claim (migration 0021): the station's own privileges apply inside.
    "pick_bin(bigint)",
    "package_find(text, integer)",
    "package_summaries(bigint[])",
    "package_load(bigint)",
    "package_claim(bigint, integer, integer, interval, text[], text)",
    "package_open(text, integer, integer, interval, text[], text, integer)",
    "user_count()",
    "user_list(text)",
    "user_create(text, text, text, text, text)",
    "user_create_first_admin(text, text, text, text, text)",
    "user_set_active(text, integer, boolean)",
    "user_reset_password(text, integer, text)",
    "user_unlock(text, integer)",
    "user_enrol_badge(text, integer, text, text)",
    "user_enrol_totp(text, integer, text, text)",
)
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(Exception):
    """A role cannot be created or changed as asked; the message says why."""


def may_administer(connection: Connection) -> bool:
    """Whether this connection's role can hand over ownership and grant (superuser or owner member)."""
    row = connection.execute(
        text(
            "SELECT rolsuper OR pg_has_role(current_user, :owner, 'MEMBER') FROM pg_roles "
            "WHERE rolname = current_user AND EXISTS (SELECT FROM pg_roles WHERE rolname = :owner)"
        ),
        {"owner": OWNER_ROLE},
    ).scalar()
    return bool(row)


def _table_grant(connection: Connection, table: str) -> str | None:
    if table in PRIVATE_TABLES:
        return None
    if table == "users":
        return f"SELECT ({', '.join(USER_READABLE_COLUMNS)})"
    if table in READ_ONLY_TABLES:
        return "SELECT"
    if table in APPEND_ONLY_TABLES:
        return "SELECT, INSERT"
    if table in DELETABLE_TABLES:
        return "SELECT, INSERT, UPDATE, DELETE"
    if table in SERVER_COLUMNS:
        # Every other column, also ones a later migration adds.
        columns = connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = :table ORDER BY ordinal_position"
            ),
            {"table": table},
        ).scalars()
        writable = [f'"{name}"' for name in columns if name not in SERVER_COLUMNS[table]]
        return f"SELECT, INSERT, UPDATE ({', '.join(writable)})"
    return "SELECT, INSERT, UPDATE"


def apply_privileges(connection: Connection) -> bool:
    """Give every schema object to the owner role and (re)grant the station role; False if not allowed."""
    if not may_administer(connection):
        return False
    objects = connection.execute(
        text(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
        )
    ).all()
    # A new owner must be able to create in the schema (PUBLIC no longer can, below).
    connection.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER_ROLE}"))
    # Tables first: a sequence that belongs to a column moves with its table (and cannot move alone).
    for name, kind in sorted(objects, key=lambda row: row[1] == "S"):
        keyword = {"S": "SEQUENCE", "v": "VIEW", "m": "MATERIALIZED VIEW"}.get(kind, "TABLE")
        owner = connection.execute(
            text("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = CAST(:name AS regclass)"),
            {"name": f'public."{name}"'},
        ).scalar_one()
        if owner != OWNER_ROLE:
            connection.execute(text(f'ALTER {keyword} public."{name}" OWNER TO {OWNER_ROLE}'))
    functions = connection.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' "
            "AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
    ).scalars()
    for signature in list(functions):
        connection.execute(text(f"ALTER FUNCTION {signature} OWNER TO {OWNER_ROLE}"))
    types = connection.execute(
        text(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'public' AND t.typtype = 'c' AND t.typname IN ('auth_result', 'user_summary')"
        )
    ).scalars()
    for type_name in list(types):
        connection.execute(text(f"ALTER TYPE {type_name} OWNER TO {OWNER_ROLE}"))
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    for statement in (
        # PostgreSQL before 15 lets everyone create in public; no station creates anything, not even temp tables.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC',
        f'GRANT CONNECT ON DATABASE "{database}" TO {STATION_ROLE}',
        f"GRANT USAGE ON SCHEMA public TO {STATION_ROLE}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {STATION_ROLE}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {STATION_ROLE}",
        f"REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC, {STATION_ROLE}",
    ):
        connection.execute(text(statement))
    for name, kind in objects:
        if kind == "S":
            owner_table = name.rsplit("_id_seq", 1)[0]
            if owner_table not in PRIVATE_TABLES and owner_table not in {"audit_log", "users"}:
                connection.execute(text(f'GRANT USAGE, SELECT ON SEQUENCE public."{name}" TO {STATION_ROLE}'))
            continue
        grant = _table_grant(connection, name)
        if grant is not None:
            connection.execute(text(f'GRANT {grant} ON public."{name}" TO {STATION_ROLE}'))
    for signature in STATION_FUNCTIONS:
        # A database at an older revision lacks them; the upgrade that adds them applies this again.
        if connection.execute(text("SELECT to_regprocedure(:s) IS NOT NULL"), {"s": signature}).scalar_one():
            connection.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {STATION_ROLE}"))
    log.info("privileges applied database=%s objects=%d", database, len(objects))
    return True


def create_station_role(connection: Connection, name: str, password: str) -> bool:
    """Create (or update) login role ``name`` as a station: member of the station role only.

    Returns True when the role was created, False when it existed and was updated.
    """
    if not _ROLE_NAME.match(name) or name in (OWNER_ROLE, STATION_ROLE):
        raise RoleError(
            f"{name!r} is not a usable role name (lower-case letters, digits and _, not a packstation group)"
        )
    if len(password) < 12:
        raise RoleError("a station's database password must have at least 12 characters")
    if not may_administer(connection):
        raise RoleError(
            "this connection cannot manage roles: run the command with the owner's URL after 'packstation db upgrade'"
        )
    existing = connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :name"), {"name": name}).first()
    if existing is not None and existing.rolsuper:
        raise RoleError(f"{name!r} is a superuser: choose another name for a station")
    options = "LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    # The password travels as a bound literal; the server stores only its SCRAM verifier.
    verb = "ALTER" if existing is not None else "CREATE"
    connection.execute(text(f'{verb} ROLE "{name}" WITH {options} PASSWORD :password'), {"password": password})
    members = connection.execute(
        text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = :name"
        ),
        {"name": name},
    ).scalars()
    for group in list(members):
        if group != STATION_ROLE:
            connection.execute(text(f'REVOKE "{group}" FROM "{name}"'))
    connection.execute(text(f'GRANT {STATION_ROLE} TO "{name}"'))
    apply_privileges(connection)
    return existing is None
