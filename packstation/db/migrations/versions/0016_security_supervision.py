"""security_supervision: billing plans, exception actions and parked decisions checked by the server

Revision ID: security_supervision
Revises: security_packing
Create Date: 2026-12-07 10:30:00

A station's role can no longer write ``billing_plans`` or ``billing_tiers``, or set who resolved or was
given a packing exception (grants in :mod:`packstation.db.roles`). These
SECURITY DEFINER functions take the acting user's session token (and the approval a packer spent),
check the permission on the server, change the rows and write the audit entry with the session's user:

- ``billing_plan_set`` / ``billing_plan_clear`` (``change_settings``);
- ``exception_assign`` / ``exception_resolve`` (``resolve_exceptions``);
- ``parked_decide`` (``resolve_exceptions``): its ``journal.parked_retried`` entry is what lets a
  journal entry without a session (written before revision ``security_packing``) through ``pack_apply``.

``auth_badge_probe`` tells whether a scan made while someone is logged in is a badge without counting
a garbage scan as a failed badge log-in: unknown probes fill a per-station bucket of their own, so a
packer's misreads never block badge log-ins or lock an account, and are audited once when it trips.

``audit_append`` no longer takes the actions only the server writes (log-ins, approvals, user
administration and the ones above) from a station, so none of them can be forged in a user's name.
The owner's own connections (command-line tools) may call these without a session, as before.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "security_supervision"
down_revision: str | Sequence[str] | None = "security_packing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Mirrored by SERVER_ACTIONS in services/access/audit.py; a test compares them.
SERVER_ACTIONS = (
    "login",
    "login.failed",
    "account.locked",
    "override.used",
    "override.approved",
    "override.refused",
    "user.created",
    "user.disabled",
    "user.enabled",
    "user.password_reset",
    "user.badge_enrolled",
    "user.totp_enrolled",
    "user.unlocked",
    "audit.rekeyed",
    "badge.throttled",
    "package.force_complete",
    "line.unsupplied",
    "billing.plan_set",
    "billing.plan_cleared",
    "exception.assigned",
    "exception.resolved",
    "journal.parked_retried",
    "journal.parked_discarded",
)

GUARDS = r"""
CREATE FUNCTION ps_server_action(p_action text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_action = ANY(ARRAY[{actions}])
$$;

-- The session allowed to do ``p_permission``: by its role, or with an approval its user spent on
-- this permission (bound now to ``p_for``, so it allows one call). The owner's own connections may
-- act without a session (the result is then all NULL: no actor).
CREATE FUNCTION ps_require_may(p_token text, p_permission text, p_approval uuid, p_for text)
RETURNS auth_sessions LANGUAGE plpgsql AS $$
DECLARE
    s auth_sessions;
BEGIN
    IF p_token IS NULL AND ps_trusted() THEN
        RETURN s;
    END IF;
    s := ps_require(p_token, NULL);
    IF ps_role_may(s.role, p_permission) THEN
        RETURN s;
    END IF;
    IF p_approval IS NOT NULL AND ps_approval_bind(p_approval, p_permission, s.user_id, p_for) IS NOT NULL THEN
        RETURN s;
    END IF;
    RAISE EXCEPTION 'permission_denied' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION audit_append(p_token text, p_station integer, p_action text, p_subject text,
                                        p_detail jsonb)
RETURNS audit_log LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions;
BEGIN
    IF p_action IS NULL OR length(p_action) > 50 THEN
        RAISE EXCEPTION 'audit action must be 1 to 50 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF ps_server_action(p_action) AND NOT ps_trusted() THEN
        RAISE EXCEPTION 'audit_action_reserved' USING ERRCODE = 'insufficient_privilege';
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
"""

BILLING = r"""
-- Store a plan (the default when p_client is NULL), replacing the one there; p_tiers: [{up_to, price}].
CREATE FUNCTION billing_plan_set(p_token text, p_approval uuid, p_client integer, p_period_start_day integer,
                                 p_pricing text, p_storage numeric, p_currency text, p_tiers jsonb,
                                 p_summary text, p_via text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require_may(p_token, 'change_settings', p_approval, 'billing_plan_set');
    plan integer;
BEGIN
    IF p_client IS NOT NULL AND NOT EXISTS (SELECT FROM client_companies WHERE id = p_client) THEN
        RAISE EXCEPTION 'client_unknown' USING ERRCODE = 'no_data_found';
    END IF;
    DELETE FROM billing_plans WHERE client_company_id IS NOT DISTINCT FROM p_client;
    INSERT INTO billing_plans (client_company_id, period_start_day, pricing, storage_charge, currency)
    VALUES (p_client, p_period_start_day, p_pricing, p_storage, p_currency)
    RETURNING id INTO plan;
    INSERT INTO billing_tiers (plan_id, up_to, price_per_parcel)
    SELECT plan, (t->>'up_to')::integer, (t->>'price')::numeric FROM jsonb_array_elements(p_tiers) t;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'billing.plan_set',
                           coalesce('client' || chr(58) || p_client, 'client' || chr(58) || 'default'),
                           jsonb_build_object('tiers', p_summary, 'pricing', p_pricing, 'via', p_via));
    RETURN plan;
END $$;

CREATE FUNCTION billing_plan_clear(p_token text, p_approval uuid, p_client integer, p_via text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require_may(p_token, 'change_settings', p_approval, 'billing_plan_clear');
BEGIN
    DELETE FROM billing_plans WHERE client_company_id = p_client;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'billing.plan_cleared', 'client' || chr(58) || p_client,
                           jsonb_build_object('via', p_via));
    RETURN true;
END $$;
"""

EXCEPTIONS = r"""
CREATE FUNCTION ps_open_exception(p_id bigint) RETURNS pack_exceptions LANGUAGE plpgsql AS $$
DECLARE
    x pack_exceptions;
BEGIN
    SELECT * INTO x FROM pack_exceptions WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'exception_unknown' USING ERRCODE = 'no_data_found';
    ELSIF x.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'exception_resolved' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN x;
END $$;

CREATE FUNCTION exception_assign(p_token text, p_approval uuid, p_id bigint, p_to integer)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require_may(p_token, 'resolve_exceptions', p_approval, 'exception_assign');
BEGIN
    PERFORM ps_open_exception(p_id);
    IF NOT EXISTS (SELECT FROM users WHERE id = p_to AND active) THEN
        RAISE EXCEPTION 'user_inactive' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE pack_exceptions SET assigned_to_user_id = p_to WHERE id = p_id;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'exception.assigned', 'exception' || chr(58) || p_id,
                           jsonb_build_object('to_user_id', p_to));
END $$;

CREATE FUNCTION exception_resolve(p_token text, p_approval uuid, p_id bigint, p_resolution text)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require_may(p_token, 'resolve_exceptions', p_approval, 'exception_resolve');
    at_ timestamptz := clock_timestamp();
BEGIN
    IF coalesce(btrim(p_resolution), '') = '' THEN
        RAISE EXCEPTION 'resolution_required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM ps_open_exception(p_id);
    UPDATE pack_exceptions SET resolved_at = at_, resolved_by_user_id = s.user_id, resolution = btrim(p_resolution)
    WHERE id = p_id;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'exception.resolved', 'exception' || chr(58) || p_id,
                           jsonb_build_object('resolution', left(btrim(p_resolution), 200)));
    RETURN at_;
END $$;

-- A supervisor's retry or discard of an operation a station parked; the station carries it out.
CREATE FUNCTION parked_decide(p_token text, p_approval uuid, p_op uuid, p_decision text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require_may(p_token, 'resolve_exceptions', p_approval, 'parked_decide');
    row_ parked_operations;
BEGIN
    IF p_decision NOT IN ('retry', 'discard') THEN
        RAISE EXCEPTION 'decision_unknown' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO row_ FROM parked_operations WHERE op_id = p_op AND resolved_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'parked_unknown' USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE parked_operations SET decision = p_decision, decided_by_user_id = s.user_id,
        decided_at = clock_timestamp()
    WHERE id = row_.id;
    PERFORM ps_audit_write(s.user_id, s.station_id,
                           CASE p_decision WHEN 'retry' THEN 'journal.parked_retried' ELSE 'journal.parked_discarded' END,
                           'operation' || chr(58) || p_op,
                           jsonb_build_object('kind', row_.kind, 'package_id', row_.package_id,
                                              'error', left(row_.error, 500)));
END $$;
"""

BADGES = r"""
CREATE FUNCTION auth_badge_probe(p_badge text, p_station integer, p_limit integer) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    k text := 'probe' || chr(58) || coalesce(p_station::text, '-');
    t auth_throttle;
BEGIN
    IF EXISTS (SELECT FROM auth_throttle WHERE key = k AND blocked_until > clock_timestamp()) THEN
        RETURN 'throttled';
    END IF;
    -- Any user's badge, also a disabled one: the scan is a badge (the log-in then says why not).
    IF EXISTS (SELECT FROM users WHERE badge_hash = p_badge) THEN
        RETURN 'known';
    END IF;
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
        PERFORM ps_audit_write(NULL, p_station, 'badge.throttled', NULL,
                               jsonb_build_object('limit', p_limit, 'probe', true));
    END IF;
    UPDATE auth_throttle SET failures = t.failures, window_started = t.window_started,
        blocked_until = t.blocked_until WHERE key = k;
    RETURN 'unknown';
END $$;
"""


FUNCTIONS = (
    "auth_badge_probe(text, integer, integer)",
    "parked_decide(text, uuid, uuid, text)",
    "exception_resolve(text, uuid, bigint, text)",
    "exception_assign(text, uuid, bigint, integer)",
    "ps_open_exception(bigint)",
    "billing_plan_clear(text, uuid, integer, text)",
    "billing_plan_set(text, uuid, integer, integer, text, numeric, text, jsonb, text, text)",
    "ps_require_may(text, text, uuid, text)",
)


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(GUARDS.replace("{actions}", ", ".join(f"'{action}'" for action in SERVER_ACTIONS)))
    op.execute(BILLING)
    op.execute(EXCEPTIONS)
    op.execute(BADGES)


def downgrade() -> None:
    """Downgrade schema (audit_append goes back to taking every action)."""
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute(
        r"""
CREATE OR REPLACE FUNCTION audit_append(p_token text, p_station integer, p_action text, p_subject text,
                                        p_detail jsonb)
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
"""
    )
    op.execute("DROP FUNCTION IF EXISTS ps_server_action(text)")
