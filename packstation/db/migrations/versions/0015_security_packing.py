"""security_packing: packing, force-complete, unsupplied lines and stock on hand are decided by the server

Revision ID: security_packing
Revises: stock_locations
Create Date: 2026-12-07 10:00:00

A station's role loses INSERT on ``pack_events`` (grants: :mod:`packstation.db.roles`). The journal pump
hands each batch to ``pack_apply(ops)``, a SECURITY DEFINER function that, for every operation:

- finds the server-side session its token names (opened at this station, within the 7-day replay
  window of the offline journal) and records that session's user, not the one the station claims;
- lets a forced completion or an unsupplied line through only when that session's role may do it, or
  with a supervisor's approval that this user spent (``auth_approval_use``) for that permission and
  that no other operation has used; the approver is the server's, not the station's;
- writes the ``pack_events`` row once per operation id and audits ``package.force_complete`` and
  ``line.unsupplied`` with the real actor;
- grants the transaction ``pack`` writes: the station then applies the new events' effects (claim,
  package packed, stock moved, reservations, outbox) in the same transaction, as the server's actor.

Writes a station may make only in a transaction the server granted (``auth_write_grants``, one row per
transaction id, read by SECURITY DEFINER triggers): a package's packed columns and the pump's exception
kinds (``pack``), a stock movement and a change of units on hand in a bin or of a product (``pack``, or
``stock`` from ``stock_write_grant(token, approval, for)``, which needs ``adjust_stock``: a supervisor,
or a packer with an approval spent for it). Reservations are not guarded: the sync keeps them too.

An operation without a token is accepted from the owner's own connections (the command-line tools,
the embedded single-station default, which own the tables anyway), or after a supervisor retried it
when parked (``journal.parked_retried``, which only the server writes: migration ``security_supervision``).
Error messages are keys that :mod:`packstation.services.access.server` translates. (Text that would
read as a bind parameter here, a colon before a word, is written ``chr(58)``.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "security_packing"
down_revision: str | Sequence[str] | None = "stock_locations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The approval's use is bound to the user who spent it and to the one call (or operation) it allowed.
APPROVALS = r"""
CREATE OR REPLACE FUNCTION auth_approval_use(p_token text, p_station integer, p_approval uuid, p_permission text,
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
    UPDATE auth_approvals SET used_at = clock_timestamp(), used_for = p_operation, used_by = s.user_id
    WHERE token = p_approval;
    PERFORM ps_audit_write(s.user_id, coalesce(s.station_id, p_station), 'override.used', p_operation,
                           jsonb_build_object('permission', p_permission, 'approved_by', a.approver_id,
                                              'approval', p_approval::text));
    RETURN a.approver_id;
END $$;

-- Whether this connection is the owner's (a member of packstation_owner, or a superuser): its tools
-- may act without a session, as they could write the tables directly anyway.
CREATE FUNCTION ps_trusted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(session_user, 'packstation_owner', 'MEMBER')
$$;

-- The approver of an approval ``p_user`` spent for ``p_permission``, now bound to ``p_for`` (one
-- call or one operation; binding the same one again is a replay and allowed); NULL if there is none.
CREATE FUNCTION ps_approval_bind(p_approval uuid, p_permission text, p_user integer, p_for text)
RETURNS integer LANGUAGE sql AS $$
    UPDATE auth_approvals SET applied_to = p_for
    WHERE token = p_approval AND permission = p_permission AND used_by = p_user AND used_at IS NOT NULL
      AND (applied_to IS NULL OR applied_to = p_for)
    RETURNING approver_id
$$;
"""

GRANTS = r"""
-- This transaction may make the writes of ``p_scope`` (granted by a definer function that checked a session).
CREATE FUNCTION ps_write_grant(p_scope text, p_user integer) RETURNS void LANGUAGE sql AS $$
    DELETE FROM auth_write_grants WHERE granted_at < clock_timestamp() - interval '1 day';
    INSERT INTO auth_write_grants (txid, scope, user_id, granted_at)
    VALUES (txid_current(), p_scope, p_user, clock_timestamp())
    ON CONFLICT (txid, scope) DO NOTHING
$$;

CREATE FUNCTION auth_write_granted(p_scopes text[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT ps_trusted() OR EXISTS (SELECT FROM auth_write_grants WHERE txid = txid_current() AND scope = ANY(p_scopes))
$$;

-- Trigger: the row may change only in a transaction granted one of the trigger's scopes.
CREATE FUNCTION ps_guard_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT auth_write_granted(TG_ARGV::text[]) THEN
        RAISE EXCEPTION 'write_not_granted' USING ERRCODE = 'insufficient_privilege',
            DETAIL = TG_TABLE_NAME || ' changes only through the server''s packing or stock functions';
    END IF;
    RETURN coalesce(NEW, OLD);
END $$;

-- Trigger: units on hand (``quantity``) change only in a granted transaction; reservations may change anytime.
CREATE FUNCTION ps_guard_on_hand() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.quantity <> 0) OR (TG_OP = 'UPDATE' AND NEW.quantity IS DISTINCT FROM OLD.quantity)
       OR TG_OP = 'DELETE' THEN
        IF NOT auth_write_granted(ARRAY['pack', 'stock']) THEN
            RAISE EXCEPTION 'write_not_granted' USING ERRCODE = 'insufficient_privilege',
                DETAIL = TG_TABLE_NAME || ' units on hand change only through the server''s packing or stock functions';
        END IF;
    END IF;
    RETURN coalesce(NEW, OLD);
END $$;

-- Trigger: a package is packed (or unpacked) only in a pack_apply() transaction.
CREATE FUNCTION ps_guard_packed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF (NEW.packed_at, NEW.packed_by_user_id, NEW.box_count, NEW.weight_grams)
       IS DISTINCT FROM (OLD.packed_at, OLD.packed_by_user_id, OLD.box_count, OLD.weight_grams)
       AND NOT auth_write_granted(ARRAY['pack']) THEN
        RAISE EXCEPTION 'write_not_granted' USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'a package is packed only through pack_apply()';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER stock_movements_granted BEFORE INSERT OR UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION ps_guard_write('pack', 'stock');
CREATE TRIGGER location_stock_granted BEFORE INSERT OR UPDATE OR DELETE ON location_stock
    FOR EACH ROW EXECUTE FUNCTION ps_guard_on_hand();
CREATE TRIGGER stock_levels_granted BEFORE INSERT OR UPDATE OR DELETE ON stock_levels
    FOR EACH ROW EXECUTE FUNCTION ps_guard_on_hand();
CREATE TRIGGER packages_packed_granted BEFORE UPDATE ON packages
    FOR EACH ROW EXECUTE FUNCTION ps_guard_packed();

-- Stock changes by hand (adjust, transfer, count, import, bins): ``adjust_stock`` by role, or with an
-- approval the user spent for it, bound to ``p_for`` (one call, or one count session across its scans).
CREATE FUNCTION stock_write_grant(p_token text, p_approval uuid, p_for text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require(p_token, NULL);
BEGIN
    IF NOT ps_role_may(s.role, 'adjust_stock')
       AND (p_approval IS NULL OR ps_approval_bind(p_approval, 'adjust_stock', s.user_id, p_for) IS NULL) THEN
        RAISE EXCEPTION 'permission_denied' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM ps_write_grant('stock', s.user_id);
END $$;
"""

APPLY = r"""
-- What the station may not decide alone: the permission an operation needs, or NULL.
CREATE FUNCTION ps_pack_permission(o jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN o->>'kind' = 'unsupplied' THEN 'mark_unsupplied'
        WHEN o->>'kind' = 'complete' AND coalesce((o->'detail'->>'forced')::boolean, false) THEN 'force_complete'
    END
$$;

-- Record a batch of journaled operations (a jsonb array, in journal order) and grant the transaction
-- the writes of their effects. Each element: op_id, token, user_id, station_id, kind, package_id,
-- line_id, outcome, barcode, quantity, occurred_at, detail (the operation's body). Returns the
-- operations that were new, with the actor and (forced, unsupplied) approver the server recorded.
CREATE FUNCTION pack_apply(p_ops jsonb) RETURNS TABLE (op_id uuid, user_id integer, approved_by integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    trusted constant boolean := ps_trusted();
    o jsonb;
    n bigint;
    s auth_sessions;
    last_token text;
    actor integer;
    approver integer;
    needed text;
    actors integer[] := '{}';
    approvers integer[] := '{}';
    new_ids uuid[];
BEGIN
    -- 1. Who did each operation, and may they (arrays grown in place: no copy per operation).
    FOR o IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
        approver := NULL;
        IF o->>'token' IS NOT NULL THEN
            IF o->>'token' IS DISTINCT FROM last_token THEN
                SELECT * INTO s FROM auth_sessions
                WHERE token_hash = encode(sha256(convert_to(o->>'token', 'UTF8')), 'hex')
                  AND started_at > clock_timestamp() - interval '7 days';
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'session_invalid' USING ERRCODE = 'insufficient_privilege';
                END IF;
                last_token := o->>'token';
            END IF;
            IF s.station_id IS NOT NULL AND s.station_id IS DISTINCT FROM (o->>'station_id')::integer THEN
                RAISE EXCEPTION 'session_other_station' USING ERRCODE = 'insufficient_privilege';
            END IF;
            actor := s.user_id;
        ELSIF trusted THEN
            actor := (o->>'user_id')::integer;
        ELSE
            -- A journal entry without a session (written before this revision): only once a supervisor
            -- retried it, which the server alone records; that supervisor vouches for it.
            SELECT a.actor_user_id INTO approver FROM audit_log a
            WHERE a.action = 'journal.parked_retried' AND a.subject = 'operation' || chr(58) || (o->>'op_id')
              AND a.actor_user_id IS NOT NULL
            ORDER BY a.id DESC LIMIT 1;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'session_invalid' USING ERRCODE = 'insufficient_privilege';
            END IF;
            actor := (o->>'user_id')::integer;
        END IF;
        needed := ps_pack_permission(o);
        IF needed IS NULL THEN
            approver := NULL;
        ELSIF o->>'token' IS NOT NULL AND ps_role_may(s.role, needed) THEN
            approver := actor;
        ELSIF o->>'token' IS NOT NULL THEN
            approver := ps_approval_bind((o->'detail'->>'approval')::uuid, needed, actor,
                                         'op' || chr(58) || (o->>'op_id'));
            IF approver IS NULL THEN
                RAISE EXCEPTION 'permission_denied' USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSIF trusted THEN
            approver := (o->'detail'->>'approved_by')::integer;
        END IF;
        actors := array_append(actors, actor);
        approvers := array_append(approvers, approver);
    END LOOP;

    -- 2. One pack event per operation id, ever; the actor is the server's, and so is the approver.
    WITH added AS (
        INSERT INTO pack_events AS ev (op_id, package_id, line_id, station_id, user_id, kind, outcome, barcode,
                                       quantity, occurred_at, detail)
        SELECT (e.value->>'op_id')::uuid, (e.value->>'package_id')::bigint, (e.value->>'line_id')::bigint,
               (e.value->>'station_id')::integer, a.actor, e.value->>'kind', e.value->>'outcome',
               e.value->>'barcode', coalesce((e.value->>'quantity')::integer, 0),
               (e.value->>'occurred_at')::timestamptz,
               CASE WHEN ps_pack_permission(e.value) IS NULL THEN coalesce(e.value->'detail', '{}')
                    ELSE jsonb_set(e.value->'detail', '{approved_by}', coalesce(to_jsonb(p.approver), 'null')) END
        FROM jsonb_array_elements(p_ops) WITH ORDINALITY e
        JOIN unnest(actors) WITH ORDINALITY a(actor, n) ON a.n = e.ordinality
        JOIN unnest(approvers) WITH ORDINALITY p(approver, n) ON p.n = e.ordinality
        ON CONFLICT ON CONSTRAINT pk_pack_events DO NOTHING
        RETURNING ev.op_id
    )
    SELECT coalesce(array_agg(added.op_id), '{}') INTO new_ids FROM added;
    IF cardinality(new_ids) = 0 THEN
        RETURN;
    END IF;

    -- 3. Forced completions and unsupplied lines are audited with the real actor; the effects may follow.
    FOR o, n IN
        SELECT e.value, e.ordinality FROM jsonb_array_elements(p_ops) WITH ORDINALITY e
        JOIN unnest(new_ids) AS fresh(id) ON fresh.id = (e.value->>'op_id')::uuid
        WHERE ps_pack_permission(e.value) IS NOT NULL
        ORDER BY e.ordinality
    LOOP
        IF o->>'kind' = 'complete' THEN
            PERFORM ps_audit_write(actors[n], (o->>'station_id')::integer, 'package.force_complete',
                'package' || chr(58) || (o->>'package_id'),
                jsonb_build_object('op_id', o->>'op_id', 'approved_by', approvers[n],
                                   'unverified', coalesce(o->'detail'->'unverified', '{}'),
                                   'reason', coalesce(o->'detail'->>'reason', ''),
                                   'occurred_at', o->>'occurred_at'));
        ELSE
            PERFORM ps_audit_write(actors[n], (o->>'station_id')::integer, 'line.unsupplied',
                'package' || chr(58) || (o->>'package_id'),
                jsonb_build_object('op_id', o->>'op_id', 'line_id', o->'detail'->>'line_id',
                                   'quantity', (o->'detail'->>'quantity')::integer,
                                   'reason', o->'detail'->>'reason', 'approved_by', approvers[n],
                                   'occurred_at', o->>'occurred_at'));
        END IF;
    END LOOP;
    PERFORM ps_write_grant('pack', NULL);

    RETURN QUERY
        SELECT (e.value->>'op_id')::uuid, actors[e.ordinality], approvers[e.ordinality]
        FROM jsonb_array_elements(p_ops) WITH ORDINALITY e
        JOIN unnest(new_ids) AS fresh(id) ON fresh.id = (e.value->>'op_id')::uuid
        ORDER BY e.ordinality;
END $$;
"""

# Stations report sync errors as exceptions; the kinds the pump reports only in a pack_apply() transaction.
POLICIES = """
ALTER TABLE pack_exceptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY station_reads ON pack_exceptions FOR SELECT TO packstation_station USING (true);
CREATE POLICY station_reports ON pack_exceptions FOR INSERT TO packstation_station
    WITH CHECK (kind NOT IN ('conflict', 'cancelled_after_pack', 'unsupplied') OR auth_write_granted(ARRAY['pack']));
CREATE POLICY station_updates ON pack_exceptions FOR UPDATE TO packstation_station
    USING (kind NOT IN ('conflict', 'cancelled_after_pack', 'unsupplied') OR auth_write_granted(ARRAY['pack']))
    WITH CHECK (kind NOT IN ('conflict', 'cancelled_after_pack', 'unsupplied') OR auth_write_granted(ARRAY['pack']));
"""

FUNCTIONS = (
    "pack_apply(jsonb)",
    "ps_pack_permission(jsonb)",
    "stock_write_grant(text, uuid, text)",
    "ps_guard_packed()",
    "ps_guard_on_hand()",
    "ps_guard_write()",
    "auth_write_granted(text[])",
    "ps_write_grant(text, integer)",
    "ps_approval_bind(uuid, text, integer, text)",
    "ps_trusted()",
)
TRIGGERS = (
    ("packages_packed_granted", "packages"),
    ("stock_levels_granted", "stock_levels"),
    ("location_stock_granted", "location_stock"),
    ("stock_movements_granted", "stock_movements"),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("auth_approvals", sa.Column("used_by", sa.Integer(), nullable=True))
    op.add_column("auth_approvals", sa.Column("applied_to", sa.Text(), nullable=True))
    op.create_table(
        "auth_write_grants",
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("txid", "scope", name=op.f("pk_auth_write_grants")),
    )
    op.execute(APPROVALS)
    op.execute(GRANTS)
    op.execute(APPLY)
    op.execute(POLICIES)


def downgrade() -> None:
    """Downgrade schema (auth_approval_use keeps recording who used an approval; harmless before)."""
    for policy in ("station_updates", "station_reports", "station_reads"):
        op.execute(f"DROP POLICY IF EXISTS {policy} ON pack_exceptions")
    op.execute("ALTER TABLE pack_exceptions DISABLE ROW LEVEL SECURITY")
    for trigger, table in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table("auth_write_grants")
    op.drop_column("auth_approvals", "applied_to")
    op.drop_column("auth_approvals", "used_by")
