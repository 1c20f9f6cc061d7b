"""security: owner and station roles, server-side sessions, keyed audit chain, crypto helpers

Revision ID: security
Revises: drop_print_jobs
Create Date: 2026-12-06 21:20:00

What changes for an existing database (docs/security.md, "Upgrading"):

- ``packstation_owner`` (NOLOGIN) will own every schema object and ``packstation_station`` is the
  group every station login joins (grants: :mod:`packstation.db.roles`, applied after each upgrade).
- ``security_keys`` (owner only) holds the audit HMAC key; ``auth_sessions``, ``auth_approvals`` and
  ``auth_throttle`` are bookkeeping only the SECURITY DEFINER functions read.
- ``audit_log.hash_scheme``: rows written before this revision keep their unkeyed SHA-256 chain
  (``sha256``); rows from now on are keyed (``hmac-sha256``) and computed by the server. When old rows
  exist, the first keyed entry (``audit.rekeyed``) follows the old head and names it in its detail, so
  the old chain stays verifiable and is sealed by a hash no station can forge.

The helpers below (SHA-1, HMAC, base32, TOTP) are plain SQL/PL/pgSQL because the embedded server
(pgserver wheel) ships without pgcrypto; they are checked against Python's hashlib/pyotp in
tests/services/access/test_server_crypto.py.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "security"
down_revision: str | Sequence[str] | None = "drop_print_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'packstation_owner') THEN
        CREATE ROLE packstation_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'packstation_station') THEN
        CREATE ROLE packstation_station NOLOGIN;
    END IF;
    IF NOT pg_has_role(current_user, 'packstation_owner', 'MEMBER') THEN
        EXECUTE format('GRANT packstation_owner TO %I', current_user);
    END IF;
END $$
"""

CRYPTO = r"""
CREATE FUNCTION ps_sha1(msg bytea) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    m constant bigint := 4294967295;
    h0 bigint := 1732584193; h1 bigint := 4023233417; h2 bigint := 2562383102;
    h3 bigint := 271733878; h4 bigint := 3285377520;
    padded bytea; w bigint[]; a bigint; b bigint; c bigint; d bigint; e bigint;
    f bigint; k bigint; t bigint; x bigint; base int;
BEGIN
    padded := msg || '\x80'::bytea;
    WHILE length(padded) % 64 <> 56 LOOP
        padded := padded || '\x00'::bytea;
    END LOOP;
    padded := padded || int8send(length(msg)::bigint * 8);
    FOR chunk IN 0 .. (length(padded) / 64 - 1) LOOP
        w := array_fill(0::bigint, ARRAY[80]);
        FOR i IN 0 .. 15 LOOP
            base := chunk * 64 + i * 4;
            w[i + 1] := (get_byte(padded, base)::bigint << 24) | (get_byte(padded, base + 1)::bigint << 16)
                | (get_byte(padded, base + 2)::bigint << 8) | get_byte(padded, base + 3)::bigint;
        END LOOP;
        FOR i IN 16 .. 79 LOOP
            x := w[i - 2] # w[i - 7] # w[i - 13] # w[i - 15];
            w[i + 1] := ((x << 1) | (x >> 31)) & m;
        END LOOP;
        a := h0; b := h1; c := h2; d := h3; e := h4;
        FOR i IN 0 .. 79 LOOP
            IF i < 20 THEN f := (b & c) | ((b # m) & d); k := 1518500249;
            ELSIF i < 40 THEN f := (b # c) # d; k := 1859775393;
            ELSIF i < 60 THEN f := ((b & c) | (b & d)) | (c & d); k := 2400959708;
            ELSE f := (b # c) # d; k := 3395469782;
            END IF;
            t := ((((a << 5) | (a >> 27)) & m) + f + e + k + w[i + 1]) & m;
            e := d; d := c; c := ((b << 30) | (b >> 2)) & m; b := a; a := t;
        END LOOP;
        h0 := (h0 + a) & m; h1 := (h1 + b) & m; h2 := (h2 + c) & m; h3 := (h3 + d) & m; h4 := (h4 + e) & m;
    END LOOP;
    RETURN substr(int8send(h0), 5, 4) || substr(int8send(h1), 5, 4) || substr(int8send(h2), 5, 4)
        || substr(int8send(h3), 5, 4) || substr(int8send(h4), 5, 4);
END $$;

-- RFC 2104 HMAC over SHA-1 (TOTP) or SHA-256 (the audit chain); block size 64 for both.
CREATE FUNCTION ps_hmac(key bytea, msg bytea, alg text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    k bytea := key; ipad bytea; opad bytea; inner_hash bytea;
BEGIN
    IF length(k) > 64 THEN
        k := CASE alg WHEN 'sha1' THEN ps_sha1(k) ELSE sha256(k) END;
    END IF;
    k := k || decode(repeat('00', 64 - length(k)), 'hex');
    ipad := k; opad := k;
    FOR i IN 0 .. 63 LOOP
        ipad := set_byte(ipad, i, get_byte(k, i) # 54);
        opad := set_byte(opad, i, get_byte(k, i) # 92);
    END LOOP;
    IF alg = 'sha1' THEN
        inner_hash := ps_sha1(ipad || msg);
        RETURN ps_sha1(opad || inner_hash);
    END IF;
    RETURN sha256(opad || sha256(ipad || msg));
END $$;

CREATE FUNCTION ps_base32_decode(encoded text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    clean text := upper(regexp_replace(encoded, '[\s=]', '', 'g'));
    buffer bigint := 0; bits int := 0; result bytea := ''::bytea; v int;
BEGIN
    FOR i IN 1 .. length(clean) LOOP
        v := strpos(alphabet, substr(clean, i, 1)) - 1;
        IF v < 0 THEN
            RETURN NULL;
        END IF;
        buffer := ((buffer << 5) | v) & 1099511627775;
        bits := bits + 5;
        IF bits >= 8 THEN
            bits := bits - 8;
            result := result || set_byte('\x00'::bytea, 0, ((buffer >> bits) & 255)::int);
        END IF;
    END LOOP;
    RETURN result;
END $$;

-- RFC 6238 with RFC 4226 truncation: 30-second steps, 6 digits, HMAC-SHA-1 (what authenticator apps use).
CREATE FUNCTION ps_totp_at(secret bytea, step bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    h bytea := ps_hmac(secret, int8send(step), 'sha1');
    o int := get_byte(h, 19) & 15;
BEGIN
    RETURN lpad(((((get_byte(h, o) & 127)::bigint << 24) | (get_byte(h, o + 1)::bigint << 16)
        | (get_byte(h, o + 2)::bigint << 8) | get_byte(h, o + 3)::bigint) % 1000000)::text, 6, '0');
END $$;

-- The step a code belongs to (one step of drift either way, never a step at or before after_step), or NULL.
CREATE FUNCTION ps_totp_match(secret text, code text, after_step bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    base bigint := floor(extract(epoch FROM clock_timestamp()) / 30);
    raw bytea := ps_base32_decode(secret);
BEGIN
    -- [0-9] is ASCII only: Arabic-Indic or full-width digits are simply a wrong code.
    IF raw IS NULL OR code IS NULL OR code !~ '^[0-9]{6}$' THEN
        RETURN NULL;
    END IF;
    FOR step IN base - 1 .. base + 1 LOOP
        IF (after_step IS NULL OR step > after_step) AND ps_totp_at(raw, step) = code THEN
            RETURN step;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
"""

AUDIT = r"""
CREATE FUNCTION ps_audit_canonical(e audit_log) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', e.id,
        'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'actor_user_id', e.actor_user_id,
        'station_id', e.station_id,
        'action', e.action,
        'subject', e.subject,
        'detail', e.detail)::text
$$;

CREATE FUNCTION ps_audit_hash(e audit_log) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(ps_hmac((SELECT value FROM security_keys WHERE name = 'audit_hmac'),
                          convert_to(e.prev_hash || E'\n' || ps_audit_canonical(e), 'UTF8'), 'sha256'), 'hex')
$$;

-- The only way a row gets into audit_log: time, id, link and keyed hash are the server's.
CREATE FUNCTION ps_audit_write(p_actor integer, p_station integer, p_action text, p_subject text, p_detail jsonb)
RETURNS audit_log LANGUAGE plpgsql AS $$
DECLARE
    e audit_log;
BEGIN
    -- Transaction-level: released at commit, so it is safe behind PgBouncer's transaction pooling.
    PERFORM pg_advisory_xact_lock(5782977387018142804);
    e.prev_hash := coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), repeat('0', 64));
    e.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    e.occurred_at := date_trunc('microseconds', clock_timestamp());
    e.actor_user_id := p_actor;
    e.station_id := p_station;
    e.action := p_action;
    e.subject := p_subject;
    e.detail := coalesce(p_detail, '{}'::jsonb);
    e.hash_scheme := 'hmac-sha256';
    e.hash := ps_audit_hash(e);
    INSERT INTO audit_log (id, occurred_at, actor_user_id, station_id, action, subject, detail, prev_hash, hash,
                           hash_scheme)
    VALUES (e.id, e.occurred_at, e.actor_user_id, e.station_id, e.action, e.subject, e.detail, e.prev_hash, e.hash,
            e.hash_scheme);
    RETURN e;
END $$;

-- The session a token names, while it is open; NULL otherwise.
CREATE FUNCTION ps_session(p_token text) RETURNS auth_sessions LANGUAGE sql STABLE AS $$
    SELECT * FROM auth_sessions
    WHERE token_hash = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
      AND ended_at IS NULL AND expires_at > clock_timestamp()
$$;

-- Append an entry for a station. The actor is the user of the session the token names (an entry
-- replayed from the offline journal may name a session that has since ended, for 7 days); without
-- a token the entry has no actor.
CREATE FUNCTION audit_append(p_token text, p_station integer, p_action text, p_subject text, p_detail jsonb)
RETURNS audit_log LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions;
BEGIN
    IF p_action IS NULL OR length(p_action) > 50 THEN
        RAISE EXCEPTION 'audit action must be 1 to 50 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_token IS NOT NULL THEN
        SELECT * INTO s FROM auth_sessions
        WHERE token_hash = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
          AND started_at > clock_timestamp() - interval '7 days';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown or expired session' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN ps_audit_write(s.user_id, s.station_id, p_action, p_subject, p_detail);
    END IF;
    RETURN ps_audit_write(NULL, p_station, p_action, p_subject, p_detail);
END $$;

-- Keyed rows whose stored hash is not the one the server computes (changed, inserted or re-chained).
CREATE FUNCTION audit_bad_rows() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT e.id FROM audit_log e WHERE e.hash_scheme = 'hmac-sha256' AND e.hash IS DISTINCT FROM ps_audit_hash(e)
    ORDER BY e.id
$$;
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(ROLES)
    op.create_table(
        "security_keys",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_security_keys")),
    )
    op.execute(
        sa.text("INSERT INTO security_keys (name, value) VALUES ('audit_hmac', :key)").bindparams(
            key=secrets.token_bytes(32)
        )
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_auth_sessions_user_id_users")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_auth_sessions_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_sessions_token_hash")),
    )
    op.create_table(
        "auth_approvals",
        sa.Column("token", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=False),
        sa.Column("permission", sa.Text(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_for", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["approver_id"], ["users.id"], name=op.f("fk_auth_approvals_approver_id_users")),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_auth_approvals")),
    )
    op.create_table(
        "auth_throttle",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_throttle")),
    )
    # Adding a column with a default rewrites no row, so the append-only trigger is not involved.
    op.add_column("audit_log", sa.Column("hash_scheme", sa.String(20), nullable=False, server_default="sha256"))
    op.alter_column("audit_log", "hash_scheme", server_default="hmac-sha256")
    op.execute(CRYPTO)
    op.execute(AUDIT)
    _seal_legacy_chain()


def _seal_legacy_chain() -> None:
    """When the log already has (unkeyed) entries, the first keyed entry names their head."""
    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    if head is None:
        return
    count = bind.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
    bind.execute(
        sa.text(
            "SELECT ps_audit_write(NULL, NULL, 'audit.rekeyed', 'audit_log', "
            "jsonb_build_object('legacy_entries', CAST(:n AS integer), 'legacy_head_id', CAST(:id AS bigint), "
            "'legacy_head', CAST(:hash AS text), 'revision', 'security'))"
        ),
        {"n": count, "id": head.id, "hash": head.hash},
    )


def downgrade() -> None:
    """Downgrade schema (the keyed rows stay; an older build cannot verify them)."""
    for function in (
        "audit_bad_rows()",
        "audit_append(text, integer, text, text, jsonb)",
        "ps_session(text)",
        "ps_audit_write(integer, integer, text, text, jsonb)",
        "ps_audit_hash(audit_log)",
        "ps_audit_canonical(audit_log)",
        "ps_totp_match(text, text, bigint)",
        "ps_totp_at(bytea, bigint)",
        "ps_base32_decode(text)",
        "ps_hmac(bytea, bytea, text)",
        "ps_sha1(bytea)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_column("audit_log", "hash_scheme")
    op.drop_table("auth_throttle")
    op.drop_table("auth_approvals")
    op.drop_table("auth_sessions")
    op.drop_table("security_keys")
