"""security_auth: log-in, approvals and user administration as SECURITY DEFINER functions

Revision ID: security_auth
Revises: security
Create Date: 2026-12-06 21:35:00

A station's database role cannot read ``users.password_hash``, ``pin_hash``, ``badge_hash`` or
``totp_secret``, nor write ``users``. These functions, owned by ``packstation_owner``, do it for
them and decide on the server:

- the station hashes the typed password (PIN) with the salt and parameters ``auth_password_params``
  (``auth_pin_params``) hands out, and the server compares the result with the stored hash; an
  unknown name gets a salt derived from a server key, so the answer never reveals whether it exists;
- TOTP codes are checked on the server (``ps_totp_match``), failures counted and locked there, badge
  failures throttled per station (``auth_throttle``);
- a success opens a row in ``auth_sessions`` and returns its random token; user administration and
  approvals check that session's role on the server; an approval is used up by ``auth_approval_use``.

Error messages raised here are keys (``permission_denied``, ``username_taken`` ...) that
:mod:`packstation.services.access.server` turns into translated text.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "security_auth"
down_revision: str | Sequence[str] | None = "security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TYPES = """
CREATE TYPE auth_result AS (
    outcome text, user_id integer, username text, full_name text, role text, token text,
    started_at timestamptz, locked_until timestamptz, failures integer, approval uuid, expires_at timestamptz
);
CREATE TYPE user_summary AS (
    id integer, username text, full_name text, role text, active boolean, has_badge boolean,
    has_pin boolean, has_totp boolean, locked_until timestamptz, last_login_at timestamptz
);
"""

# Mirrors ROLE_PERMISSIONS and APPROVABLE in services/access/permissions.py; a test compares them.
RULES = r"""
CREATE FUNCTION ps_role_may(p_role text, p_permission text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_role
        WHEN 'admin' THEN true
        WHEN 'supervisor' THEN p_permission NOT IN ('manage_privileged_users', 'manage_stations')
        ELSE false END
$$;
CREATE FUNCTION ps_approvable(p_permission text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_permission NOT IN ('manage_users', 'manage_privileged_users', 'manage_stations', 'view_audit_log')
$$;
CREATE FUNCTION ps_param(p_name text, p_default integer) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value::integer FROM security_params WHERE name = p_name), p_default)
$$;
CREATE FUNCTION ps_key() RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT value FROM security_keys WHERE name = 'audit_hmac'
$$;
-- The argon2 prefix ($argon2id$v=19$m=..,t=..,p=..$salt) and hash length of a stored hash; for no
-- hash, a prefix with the caller's parameters and a salt derived from the server key and ``seed``.
CREATE FUNCTION ps_hash_params(stored text, p_params text, seed text, OUT prefix text, OUT hash_len integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF stored ~ '^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$' THEN
        prefix := regexp_replace(stored, '\$[^$]*$', '');
        hash_len := length(split_part(stored, '$', 6)) * 3 / 4;
        RETURN;
    END IF;
    IF p_params IS NULL OR p_params !~ '^m=\d{1,7},t=\d{1,3},p=\d{1,3}$' THEN
        p_params := 'm=65536,t=3,p=4';
    END IF;
    prefix := '$argon2id$v=19$' || p_params || '$'
        || rtrim(encode(substr(ps_hmac(ps_key(), convert_to(seed, 'UTF8'), 'sha256'), 1, 16), 'base64'), '=');
    hash_len := 32;
END $$;
"""

SESSIONS = r"""
CREATE FUNCTION ps_session_open(u users, p_station integer, p_method text) RETURNS auth_result
LANGUAGE plpgsql AS $$
DECLARE
    r auth_result;
    now_ timestamptz := date_trunc('microseconds', clock_timestamp());
BEGIN
    -- 244 random bits from the server's strong random source.
    r.token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    r.expires_at := now_ + make_interval(hours => ps_param('session_hours', 12));
    INSERT INTO auth_sessions (token_hash, user_id, station_id, role, method, started_at, expires_at)
    VALUES (encode(sha256(convert_to(r.token, 'UTF8')), 'hex'), u.id, p_station, u.role, p_method, now_,
            r.expires_at);
    UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now_ WHERE id = u.id;
    PERFORM ps_audit_write(u.id, p_station, 'login', NULL, jsonb_build_object('method', p_method));
    r.outcome := 'ok'; r.user_id := u.id; r.username := u.username; r.full_name := u.full_name;
    r.role := u.role; r.started_at := now_; r.failures := 0;
    RETURN r;
END $$;

-- Count a wrong secret; the last allowed one locks the account.
CREATE FUNCTION ps_fail(p_user integer, p_station integer, p_reason text, p_max integer, p_lock integer)
RETURNS auth_result LANGUAGE plpgsql AS $$
DECLARE
    r auth_result;
    n integer;
BEGIN
    UPDATE users SET failed_logins = failed_logins + 1 WHERE id = p_user RETURNING failed_logins INTO n;
    r.user_id := p_user; r.failures := n;
    IF n >= greatest(p_max, 1) THEN
        UPDATE users SET failed_logins = 0,
            locked_until = clock_timestamp() + make_interval(mins => greatest(p_lock, 1))
        WHERE id = p_user RETURNING locked_until INTO r.locked_until;
        PERFORM ps_audit_write(p_user, p_station, 'account.locked', NULL,
                               jsonb_build_object('reason', p_reason, 'failures', n));
        r.outcome := 'locked';
        RETURN r;
    END IF;
    PERFORM ps_audit_write(p_user, p_station, 'login.failed', NULL,
                           jsonb_build_object('reason', p_reason, 'failures', n));
    r.outcome := p_reason;
    RETURN r;
END $$;

-- A user name that does not exist is counted and "locked" like a real one (keyed by a server HMAC of
-- the name, never stored as typed), so no answer tells a guesser whether the name exists.
CREATE FUNCTION ps_fail_unknown(p_username text, p_station integer, p_max integer, p_lock integer)
RETURNS auth_result LANGUAGE plpgsql AS $$
DECLARE
    r auth_result;
    t auth_throttle;
    k text := 'name:' || encode(ps_hmac(ps_key(), convert_to(p_username, 'UTF8'), 'sha256'), 'hex');
BEGIN
    INSERT INTO auth_throttle (key, failures, window_started) VALUES (k, 0, clock_timestamp())
    ON CONFLICT (key) DO NOTHING;
    SELECT * INTO t FROM auth_throttle WHERE key = k FOR UPDATE;
    PERFORM ps_audit_write(NULL, p_station, 'login.failed', NULL,
                           jsonb_build_object('method', 'password', 'reason', 'unknown_user'));
    IF t.blocked_until > clock_timestamp() THEN
        r.outcome := 'locked'; r.locked_until := t.blocked_until;
        RETURN r;
    END IF;
    r.failures := t.failures + 1;
    IF r.failures >= greatest(p_max, 1) THEN
        UPDATE auth_throttle SET failures = 0, blocked_until = clock_timestamp() + make_interval(mins => p_lock)
        WHERE key = k RETURNING blocked_until INTO r.locked_until;
        r.outcome := 'locked';
        RETURN r;
    END IF;
    UPDATE auth_throttle SET failures = r.failures WHERE key = k;
    r.outcome := 'wrong_password';
    RETURN r;
END $$;

-- Badge guesses per station: ``p_limit`` failures within a minute block badges there for a minute.
CREATE FUNCTION ps_badge_throttled(p_station integer) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT blocked_until FROM auth_throttle
    WHERE key = 'station:' || coalesce(p_station::text, '-') AND blocked_until > clock_timestamp()
$$;
CREATE FUNCTION ps_badge_fail(p_station integer, p_limit integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k text := 'station:' || coalesce(p_station::text, '-');
    t auth_throttle;
BEGIN
    INSERT INTO auth_throttle (key, failures, window_started) VALUES (k, 0, clock_timestamp())
    ON CONFLICT (key) DO NOTHING;
    SELECT * INTO t FROM auth_throttle WHERE key = k FOR UPDATE;
    IF t.window_started < clock_timestamp() - interval '1 minute' THEN
        t.failures := 0; t.window_started := clock_timestamp();
    END IF;
    t.failures := t.failures + 1;
    IF t.failures >= greatest(p_limit, 1) THEN
        t.blocked_until := clock_timestamp() + interval '1 minute'; t.failures := 0;
        t.window_started := clock_timestamp();
        PERFORM ps_audit_write(NULL, p_station, 'badge.throttled', NULL, jsonb_build_object('limit', p_limit));
    END IF;
    UPDATE auth_throttle SET failures = t.failures, window_started = t.window_started,
        blocked_until = t.blocked_until WHERE key = k;
END $$;

-- An open session that may use ``p_permission`` (its user still active), or an exception.
CREATE FUNCTION ps_require(p_token text, p_permission text) RETURNS auth_sessions LANGUAGE plpgsql AS $$
DECLARE
    s auth_sessions := ps_session(p_token);
BEGIN
    IF s.id IS NULL OR NOT EXISTS (SELECT FROM users WHERE id = s.user_id AND active) THEN
        RAISE EXCEPTION 'session_invalid' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_permission IS NOT NULL AND NOT ps_role_may(s.role, p_permission) THEN
        RAISE EXCEPTION 'permission_denied' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN s;
END $$;
"""

LOGIN = r"""
CREATE FUNCTION auth_password_params(p_username text, p_params text, OUT prefix text, OUT hash_len integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM ps_hash_params((SELECT password_hash FROM users WHERE username = p_username), p_params,
                                 'password:' || p_username)
$$;

CREATE FUNCTION auth_pin_params(p_badge text, p_params text, OUT prefix text, OUT hash_len integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM ps_hash_params((SELECT pin_hash FROM users WHERE badge_hash = p_badge), p_params,
                                 'pin:' || p_badge)
$$;

CREATE FUNCTION auth_login_password(p_username text, p_attempt text, p_totp text, p_station integer,
                                    p_max integer, p_lock integer, p_new_hash text)
RETURNS auth_result LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u users;
    r auth_result;
    step bigint;
BEGIN
    SELECT * INTO u FROM users WHERE username = p_username FOR UPDATE;
    IF NOT FOUND THEN
        RETURN ps_fail_unknown(p_username, p_station, p_max, p_lock);
    END IF;
    IF u.locked_until > clock_timestamp() THEN
        PERFORM ps_audit_write(u.id, p_station, 'login.failed', NULL, '{"reason": "locked"}');
        r.outcome := 'locked'; r.locked_until := u.locked_until;
        RETURN r;
    END IF;
    IF u.password_hash IS DISTINCT FROM p_attempt THEN
        RETURN ps_fail(u.id, p_station, 'wrong_password', p_max, p_lock);
    END IF;
    IF NOT u.active THEN
        PERFORM ps_audit_write(u.id, p_station, 'login.failed', NULL, '{"reason": "disabled"}');
        r.outcome := 'disabled';
        RETURN r;
    END IF;
    IF u.role IN ('supervisor', 'admin') OR u.totp_secret IS NOT NULL THEN
        IF u.totp_secret IS NULL THEN
            PERFORM ps_audit_write(u.id, p_station, 'login.failed', NULL, '{"reason": "second_factor_not_enrolled"}');
            r.outcome := 'second_factor_not_enrolled';
            RETURN r;
        END IF;
        IF coalesce(p_totp, '') = '' THEN
            r.outcome := 'second_factor_required';
            RETURN r;
        END IF;
        step := ps_totp_match(u.totp_secret, p_totp, u.totp_last_step);
        IF step IS NULL THEN
            RETURN ps_fail(u.id, p_station, 'wrong_second_factor', p_max, p_lock);
        END IF;
        UPDATE users SET totp_last_step = step WHERE id = u.id;
    END IF;
    IF p_new_hash IS NOT NULL AND p_new_hash LIKE '$argon2id$%' THEN
        UPDATE users SET password_hash = p_new_hash WHERE id = u.id;  -- stronger parameters, same password
    END IF;
    RETURN ps_session_open(u, p_station, 'password');
END $$;

-- Badge (and PIN) for a log-in (p_permission NULL) or a supervisor's approval of p_permission.
CREATE FUNCTION auth_badge(p_badge text, p_pin_attempt text, p_station integer, p_permission text,
                           p_requester text, p_max integer, p_lock integer, p_limit integer, p_valid_s integer)
RETURNS auth_result LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u users;
    r auth_result;
    failed_action text := CASE WHEN p_permission IS NULL THEN 'login.failed' ELSE 'override.refused' END;
BEGIN
    r.locked_until := ps_badge_throttled(p_station);
    IF r.locked_until IS NOT NULL THEN
        PERFORM ps_audit_write(NULL, p_station, failed_action, NULL, '{"method": "badge", "reason": "throttled"}');
        r.outcome := 'throttled';
        RETURN r;
    END IF;
    SELECT * INTO u FROM users WHERE badge_hash = p_badge FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ps_badge_fail(p_station, p_limit);
        PERFORM ps_audit_write(NULL, p_station, failed_action, NULL, '{"method": "badge", "reason": "unknown_badge"}');
        r.outcome := 'unknown';
        RETURN r;
    END IF;
    r.user_id := u.id; r.full_name := u.full_name; r.username := u.username; r.role := u.role;
    IF u.locked_until > clock_timestamp() THEN
        PERFORM ps_audit_write(u.id, p_station, 'login.failed', NULL, '{"reason": "locked"}');
        r.outcome := 'locked'; r.locked_until := u.locked_until;
        RETURN r;
    END IF;
    IF NOT u.active THEN
        PERFORM ps_audit_write(u.id, p_station, 'login.failed', NULL, '{"reason": "disabled"}');
        r.outcome := 'disabled';
        RETURN r;
    END IF;
    IF p_permission IS NULL AND u.role IN ('supervisor', 'admin') THEN
        r.outcome := 'badge_not_for_role';
        RETURN r;
    END IF;
    IF p_permission IS NOT NULL AND u.pin_hash IS NULL THEN
        r.outcome := 'no_pin_for_approval';
        RETURN r;
    END IF;
    IF u.pin_hash IS NOT NULL THEN
        IF coalesce(p_pin_attempt, '') = '' THEN
            r.outcome := 'pin_required';
            RETURN r;
        END IF;
        IF u.pin_hash IS DISTINCT FROM p_pin_attempt THEN
            PERFORM ps_badge_fail(p_station, p_limit);
            RETURN ps_fail(u.id, p_station, 'wrong_pin', p_max, p_lock);
        END IF;
    END IF;
    IF p_permission IS NULL THEN
        RETURN ps_session_open(u, p_station, 'badge');
    END IF;
    IF NOT ps_approvable(p_permission) OR NOT ps_role_may(u.role, p_permission) THEN
        PERFORM ps_audit_write(u.id, p_station, 'override.refused', p_permission, '{"reason": "approver_may_not"}');
        r.outcome := 'approver_may_not';
        RETURN r;
    END IF;
    -- A successful approval leaves failed_logins alone: that counter is shared with log-ins elsewhere.
    r.approval := gen_random_uuid();
    r.started_at := date_trunc('microseconds', clock_timestamp());
    r.expires_at := r.started_at + make_interval(secs => least(greatest(p_valid_s, 10), 3600));
    INSERT INTO auth_approvals (token, approver_id, permission, station_id, requested_by, granted_at, expires_at)
    VALUES (r.approval, u.id, p_permission, p_station, (ps_session(p_requester)).user_id, r.started_at, r.expires_at);
    PERFORM ps_audit_write(u.id, p_station, 'override.approved', p_permission,
                           jsonb_build_object('approval', r.approval::text,
                                              'requested_by', (ps_session(p_requester)).user_id));
    r.outcome := 'ok';
    RETURN r;
END $$;

-- Spend an approval on one call: once, for its permission, at its station, before it expires.
CREATE FUNCTION auth_approval_use(p_token text, p_station integer, p_approval uuid, p_permission text,
                                  p_operation text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    a auth_approvals;
    s auth_sessions := ps_session(p_token);
BEGIN
    SELECT * INTO a FROM auth_approvals WHERE token = p_approval FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'approval_unknown' USING ERRCODE = 'insufficient_privilege';
    ELSIF a.used_at IS NOT NULL THEN
        RAISE EXCEPTION 'approval_used' USING ERRCODE = 'insufficient_privilege';
    ELSIF a.permission <> p_permission THEN
        RAISE EXCEPTION 'approval_other_permission' USING ERRCODE = 'insufficient_privilege';
    ELSIF a.expires_at <= clock_timestamp() THEN
        RAISE EXCEPTION 'approval_expired' USING ERRCODE = 'insufficient_privilege';
    ELSIF a.station_id IS DISTINCT FROM coalesce(s.station_id, p_station) THEN
        RAISE EXCEPTION 'approval_other_station' USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE auth_approvals SET used_at = clock_timestamp(), used_for = p_operation WHERE token = p_approval;
    PERFORM ps_audit_write(s.user_id, coalesce(s.station_id, p_station), 'override.used', p_operation,
                           jsonb_build_object('permission', p_permission, 'approved_by', a.approver_id,
                                              'approval', p_approval::text));
    RETURN a.approver_id;
END $$;

CREATE FUNCTION auth_logout(p_token text, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions;
BEGIN
    UPDATE auth_sessions SET ended_at = clock_timestamp(), end_reason = p_reason
    WHERE token_hash = encode(sha256(convert_to(p_token, 'UTF8')), 'hex') AND ended_at IS NULL
    RETURNING * INTO s;
    IF FOUND THEN
        PERFORM ps_audit_write(s.user_id, s.station_id, 'logout', NULL, jsonb_build_object('reason', p_reason));
    END IF;
END $$;

-- Whether a session is open and may use a permission (for services that check before writing).
CREATE FUNCTION auth_session_may(p_token text, p_permission text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT ps_role_may(s.role, p_permission) FROM auth_sessions s
                     WHERE s.token_hash = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
                       AND s.ended_at IS NULL AND s.expires_at > clock_timestamp()), false)
$$;
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(TYPES)
    op.execute(RULES)
    op.execute(SESSIONS)
    op.execute(LOGIN)


def downgrade() -> None:
    """Downgrade schema."""
    for function in (
        "auth_session_may(text, text)",
        "auth_logout(text, text)",
        "auth_approval_use(text, integer, uuid, text, text)",
        "auth_badge(text, text, integer, text, text, integer, integer, integer, integer)",
        "auth_login_password(text, text, text, integer, integer, integer, text)",
        "auth_pin_params(text, text)",
        "auth_password_params(text, text)",
        "ps_require(text, text)",
        "ps_badge_fail(integer, integer)",
        "ps_badge_throttled(integer)",
        "ps_fail_unknown(text, integer, integer, integer)",
        "ps_fail(integer, integer, text, integer, integer)",
        "ps_session_open(users, integer, text)",
        "ps_hash_params(text, text, text)",
        "ps_key()",
        "ps_param(text, integer)",
        "ps_approvable(text)",
        "ps_role_may(text, text)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute("DROP TYPE IF EXISTS user_summary")
    op.execute("DROP TYPE IF EXISTS auth_result")
