"""security_users: user administration as SECURITY DEFINER functions that check the caller's session

Revision ID: security_users
Revises: security_auth
Create Date: 2026-12-06 21:45:00

Stations cannot write ``users``. Every change goes through one of these functions, which takes the
token of the acting user's server-side session, checks that session's role (``manage_users``, and
``manage_privileged_users`` for supervisor and admin accounts), changes the row and appends the
audit entry with the session's user as actor. Hashes arrive already made by the station (argon2id;
the server never sees a password); TOTP codes are checked here.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "security_users"
down_revision: str | Sequence[str] | None = "security_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HELPERS = r"""
CREATE FUNCTION ps_user_summary(p_id integer) RETURNS user_summary LANGUAGE sql STABLE AS $$
    SELECT id, username, full_name, role, active, badge_hash IS NOT NULL, pin_hash IS NOT NULL,
           totp_secret IS NOT NULL, locked_until, last_login_at
    FROM users WHERE id = p_id
$$;

-- The user to change, locked; supervisors and admins are changed only by sessions that may manage them.
CREATE FUNCTION ps_user_target(s auth_sessions, p_id integer) RETURNS users LANGUAGE plpgsql AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user_unknown' USING ERRCODE = 'no_data_found';
    END IF;
    IF u.role <> 'packer' AND NOT ps_role_may(s.role, 'manage_privileged_users') THEN
        RAISE EXCEPTION 'privileged_target' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN u;
END $$;

CREATE FUNCTION ps_user_insert(p_username text, p_full_name text, p_role text, p_hash text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    new_id integer;
BEGIN
    IF coalesce(btrim(p_username), '') = '' THEN
        RAISE EXCEPTION 'username_required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role NOT IN ('packer', 'supervisor', 'admin') THEN
        RAISE EXCEPTION 'role_unknown' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_hash IS NULL OR p_hash NOT LIKE '$argon2id$%' THEN
        RAISE EXCEPTION 'hash_invalid' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM users WHERE username = btrim(p_username)) THEN
        RAISE EXCEPTION 'username_taken' USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO users (username, full_name, role, password_hash)
    VALUES (btrim(p_username), coalesce(nullif(btrim(p_full_name), ''), btrim(p_username)), p_role, p_hash)
    RETURNING id INTO new_id;
    RETURN new_id;
END $$;
"""

ADMIN = r"""
CREATE FUNCTION user_count() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT count(*) FROM users
$$;

CREATE FUNCTION user_list(p_token text) RETURNS SETOF user_summary
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM ps_require(p_token, 'manage_users');
    RETURN QUERY SELECT (ps_user_summary(id)).* FROM users ORDER BY username;
END $$;

CREATE FUNCTION user_create(p_token text, p_username text, p_full_name text, p_role text, p_hash text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, 'manage_users');
    new_id integer;
BEGIN
    IF p_role <> 'packer' AND NOT ps_role_may(s.role, 'manage_privileged_users') THEN
        RAISE EXCEPTION 'privileged_target' USING ERRCODE = 'insufficient_privilege';
    END IF;
    new_id := ps_user_insert(p_username, p_full_name, p_role, p_hash);
    PERFORM ps_audit_write(s.user_id, s.station_id, 'user.created', 'user:' || new_id,
                           jsonb_build_object('username', btrim(p_username), 'role', p_role));
    RETURN new_id;
END $$;

CREATE FUNCTION user_create_first_admin(p_username text, p_full_name text, p_hash text, p_secret text, p_code text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    new_id integer;
    step bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(5782977387101246035);  -- two wizards must not both make "the first" admin
    IF EXISTS (SELECT FROM users) THEN
        RAISE EXCEPTION 'users_exist' USING ERRCODE = 'insufficient_privilege';
    END IF;
    step := ps_totp_match(p_secret, p_code, NULL);
    IF step IS NULL THEN
        RAISE EXCEPTION 'totp_wrong' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    new_id := ps_user_insert(p_username, p_full_name, 'admin', p_hash);
    UPDATE users SET totp_secret = p_secret, totp_last_step = step WHERE id = new_id;
    PERFORM ps_audit_write(new_id, NULL, 'user.created', 'user:' || new_id,
                           jsonb_build_object('username', btrim(p_username), 'role', 'admin',
                                              'via', 'first-run wizard'));
    RETURN new_id;
END $$;

CREATE FUNCTION user_set_active(p_token text, p_id integer, p_active boolean) RETURNS user_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, 'manage_users');
BEGIN
    IF p_id = s.user_id AND NOT p_active THEN
        RAISE EXCEPTION 'disable_self' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM ps_user_target(s, p_id);
    UPDATE users SET active = p_active WHERE id = p_id;
    IF NOT p_active THEN  -- a disabled user's open sessions end now
        UPDATE auth_sessions SET ended_at = clock_timestamp(), end_reason = 'disabled'
        WHERE user_id = p_id AND ended_at IS NULL;
    END IF;
    PERFORM ps_audit_write(s.user_id, s.station_id, CASE WHEN p_active THEN 'user.enabled' ELSE 'user.disabled' END,
                           'user:' || p_id, '{}');
    RETURN ps_user_summary(p_id);
END $$;

CREATE FUNCTION user_reset_password(p_token text, p_id integer, p_hash text) RETURNS user_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, 'manage_users');
BEGIN
    PERFORM ps_user_target(s, p_id);
    IF p_hash IS NULL OR p_hash NOT LIKE '$argon2id$%' THEN
        RAISE EXCEPTION 'hash_invalid' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE users SET password_hash = p_hash, failed_logins = 0, locked_until = NULL WHERE id = p_id;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'user.password_reset', 'user:' || p_id, '{}');
    RETURN ps_user_summary(p_id);
END $$;

CREATE FUNCTION user_unlock(p_token text, p_id integer) RETURNS user_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, 'manage_users');
BEGIN
    PERFORM ps_user_target(s, p_id);
    UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = p_id;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'user.unlocked', 'user:' || p_id, '{}');
    RETURN ps_user_summary(p_id);
END $$;

CREATE FUNCTION user_enrol_badge(p_token text, p_id integer, p_badge text, p_pin_hash text) RETURNS user_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, 'manage_users');
BEGIN
    PERFORM ps_user_target(s, p_id);
    IF p_badge IS NULL OR p_badge NOT LIKE 'argon2id-badge$%' THEN
        RAISE EXCEPTION 'hash_invalid' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM users WHERE badge_hash = p_badge AND id <> p_id) THEN
        RAISE EXCEPTION 'badge_taken' USING ERRCODE = 'unique_violation';
    END IF;
    UPDATE users SET badge_hash = p_badge, pin_hash = coalesce(p_pin_hash, pin_hash) WHERE id = p_id;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'user.badge_enrolled', 'user:' || p_id,
                           jsonb_build_object('pin', p_pin_hash IS NOT NULL));
    RETURN ps_user_summary(p_id);
END $$;

CREATE FUNCTION user_enrol_totp(p_token text, p_id integer, p_secret text, p_code text) RETURNS user_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, 'manage_users');
    step bigint;
BEGIN
    PERFORM ps_user_target(s, p_id);
    step := ps_totp_match(p_secret, p_code, NULL);
    IF step IS NULL THEN
        RAISE EXCEPTION 'totp_wrong' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE users SET totp_secret = p_secret, totp_last_step = step WHERE id = p_id;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'user.totp_enrolled', 'user:' || p_id, '{}');
    RETURN ps_user_summary(p_id);
END $$;
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(HELPERS)
    op.execute(ADMIN)


def downgrade() -> None:
    """Downgrade schema."""
    for function in (
        "user_enrol_totp(text, integer, text, text)",
        "user_enrol_badge(text, integer, text, text)",
        "user_unlock(text, integer)",
        "user_reset_password(text, integer, text)",
        "user_set_active(text, integer, boolean)",
        "user_create_first_admin(text, text, text, text, text)",
        "user_create(text, text, text, text, text)",
        "user_list(text)",
        "user_count()",
        "ps_user_insert(text, text, text, text)",
        "ps_user_target(auth_sessions, integer)",
        "ps_user_summary(integer)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
