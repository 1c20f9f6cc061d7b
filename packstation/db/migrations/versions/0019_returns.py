"""returns: a return judged at the bench is recorded by the server, once, with its actor and approver

Revision ID: returns
Revises: outbox_unsupplied
Create Date: 2026-12-07 04:00:00

A station journals a processed return (``return_complete``) like a packing step; the pump hands it to
``return_apply(ops)``, a SECURITY DEFINER function that, for every operation:

- takes the actor from the server-side session its token names (opened at this station, within the
  offline journal's 7-day replay window), never from the station;
- lets a rejection at the marketplace (a unit judged damaged, wrong or missing) through only for a role
  that may ``reject_return``, or with a supervisor's approval this user spent for it (bound to the one
  operation); the approver is the server's;
- writes the ``return_events`` row once per operation id (stations only read that table) and audits
  ``return.completed`` (and ``return.rejected`` naming the approver) with the real actor;
- grants the transaction ``stock`` writes: the station then puts resellable units back on the shelf and
  damaged or wrong ones into quarantine through ``apply_movements``, in the same transaction.

The outbox takes the marketplace answers (``claim_approve``, ``claim_reject``), and a billing plan may
charge a fee per processed return (``billing_plans.return_fee``, set by ``billing_return_fee_set``).
"""

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "returns"
down_revision: str | Sequence[str] | None = "outbox_unsupplied"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Entries only return_apply() writes (audit_append refuses them from a station).
RETURN_ACTIONS = ("return.completed", "return.rejected")

APPLY = r"""
-- Record a batch of processed returns (a jsonb array in journal order). Each element: op_id, token,
-- user_id, station_id, claim_id, occurred_at, detail (the journal body: units with their condition,
-- not_ours, opened_at, approval, reject reason). Returns the new operations with the server's actor
-- and the approver of their rejections.
CREATE FUNCTION return_apply(p_ops jsonb) RETURNS TABLE (op_id uuid, user_id integer, approved_by integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    trusted constant boolean := ps_trusted();
    o jsonb;
    s auth_sessions;
    actor integer;
    approver integer;
    counts record;
    added boolean := false;
BEGIN
    FOR o IN SELECT value FROM jsonb_array_elements(p_ops) LOOP
        IF o->>'token' IS NOT NULL THEN
            SELECT * INTO s FROM auth_sessions
            WHERE token_hash = encode(sha256(convert_to(o->>'token', 'UTF8')), 'hex')
              AND started_at > clock_timestamp() - interval '7 days';
            IF NOT FOUND THEN
                RAISE EXCEPTION 'session_invalid' USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF s.station_id IS NOT NULL AND s.station_id IS DISTINCT FROM (o->>'station_id')::integer THEN
                RAISE EXCEPTION 'session_other_station' USING ERRCODE = 'insufficient_privilege';
            END IF;
            actor := s.user_id;
        ELSIF trusted THEN
            actor := (o->>'user_id')::integer;
        ELSE
            RAISE EXCEPTION 'session_invalid' USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT count(*) FILTER (WHERE u->>'condition' = 'resellable') AS resellable,
               count(*) FILTER (WHERE u->>'condition' = 'damaged') AS damaged,
               count(*) FILTER (WHERE u->>'condition' = 'wrong_item') AS wrong_item,
               count(*) FILTER (WHERE u->>'condition' = 'missing') AS missing
        INTO counts FROM jsonb_array_elements(coalesce(o->'detail'->'units', '[]')) u;
        approver := NULL;
        IF counts.damaged + counts.wrong_item + counts.missing > 0 THEN
            IF o->>'token' IS NOT NULL AND ps_role_may(s.role, 'reject_return') THEN
                approver := actor;
            ELSIF o->>'token' IS NOT NULL THEN
                approver := ps_approval_bind((o->'detail'->>'approval')::uuid, 'reject_return', actor,
                                             'op' || chr(58) || (o->>'op_id'));
                IF approver IS NULL THEN
                    RAISE EXCEPTION 'permission_denied' USING ERRCODE = 'insufficient_privilege';
                END IF;
            ELSE
                approver := (o->'detail'->>'approved_by')::integer;
            END IF;
        END IF;
        INSERT INTO return_events AS ev (op_id, claim_id, station_id, user_id, approved_by, opened_at, occurred_at,
                                         resellable, damaged, wrong_item, missing, not_ours, detail)
        VALUES ((o->>'op_id')::uuid, (o->>'claim_id')::bigint, (o->>'station_id')::integer, actor, approver,
                (o->'detail'->>'opened_at')::timestamptz, (o->>'occurred_at')::timestamptz,
                counts.resellable, counts.damaged, counts.wrong_item, counts.missing,
                jsonb_array_length(coalesce(o->'detail'->'not_ours', '[]')), coalesce(o->'detail', '{}'))
        ON CONFLICT ON CONSTRAINT pk_return_events DO NOTHING;
        IF NOT FOUND THEN
            CONTINUE;
        END IF;
        added := true;
        PERFORM ps_audit_write(actor, (o->>'station_id')::integer, 'return.completed',
            'claim' || chr(58) || (o->'detail'->>'claim_external_id'),
            jsonb_build_object('op_id', o->>'op_id', 'resellable', counts.resellable, 'damaged', counts.damaged,
                               'wrong_item', counts.wrong_item, 'missing', counts.missing,
                               'not_ours', coalesce(o->'detail'->'not_ours', '[]'),
                               'occurred_at', o->>'occurred_at'));
        IF approver IS NOT NULL THEN
            PERFORM ps_audit_write(actor, (o->>'station_id')::integer, 'return.rejected',
                'claim' || chr(58) || (o->'detail'->>'claim_external_id'),
                jsonb_build_object('op_id', o->>'op_id', 'approved_by', approver,
                                   'units', counts.damaged + counts.wrong_item + counts.missing,
                                   'reason', coalesce(o->'detail'->>'reject_reason', ''),
                                   'description', coalesce(o->'detail'->>'description', '')));
        END IF;
        op_id := (o->>'op_id')::uuid;
        user_id := actor;
        approved_by := approver;
        RETURN NEXT;
    END LOOP;
    IF added THEN
        PERFORM ps_write_grant('stock', NULL);
    END IF;
END $$;
"""


# 3PL plans may charge a fee per processed return; set with the plan (same approval binding).
RETURN_FEE = r"""
CREATE FUNCTION billing_return_fee_set(p_token text, p_approval uuid, p_client integer, p_fee numeric, p_via text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions := ps_require_may(p_token, 'change_settings', p_approval, 'billing_plan_set');
BEGIN
    UPDATE billing_plans SET return_fee = p_fee WHERE client_company_id IS NOT DISTINCT FROM p_client;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'client_unknown' USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM ps_audit_write(s.user_id, s.station_id, 'billing.plan_set',
                           coalesce('client' || chr(58) || p_client, 'client' || chr(58) || 'default'),
                           jsonb_build_object('return_fee', p_fee, 'via', p_via));
END $$;
"""


def _server_actions() -> tuple[str, ...]:
    earlier = importlib.import_module("packstation.db.migrations.versions.0016_security_supervision")
    return tuple(earlier.SERVER_ACTIONS)


def _reserve(actions: Sequence[str]) -> None:
    listed = ", ".join(f"'{action}'" for action in actions)
    op.execute(
        "CREATE OR REPLACE FUNCTION ps_server_action(p_action text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$"
        f" SELECT p_action = ANY(ARRAY[{listed}]) $$"
    )


def _outbox_kinds(kinds: Sequence[str]) -> None:
    """The outbox takes the marketplace answers to returns too."""
    op.drop_constraint(op.f("ck_marketplace_outbox_kind_valid"), "marketplace_outbox", type_="check")
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    op.create_check_constraint(op.f("ck_marketplace_outbox_kind_valid"), "marketplace_outbox", f"kind IN ({listed})")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "return_events",
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resellable", sa.Integer(), server_default="0", nullable=False),
        sa.Column("damaged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("wrong_item", sa.Integer(), server_default="0", nullable=False),
        sa.Column("missing", sa.Integer(), server_default="0", nullable=False),
        sa.Column("not_ours", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "detail", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_return_events_claim_id_claims")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_return_events_station_id_stations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_return_events_user_id_users")),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_return_events")),
    )
    op.create_index("ix_return_events_occurred_at", "return_events", ["occurred_at"])
    op.create_index("ix_return_events_claim_id", "return_events", ["claim_id"])
    op.add_column("claims", sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("claim_items", sa.Column("condition", sa.Text(), nullable=True))
    _outbox_kinds(("status", "unsupplied", "stock", "claim_approve", "claim_reject"))
    op.execute(APPLY)
    _reserve((*_server_actions(), *RETURN_ACTIONS))
    op.add_column(
        "billing_plans", sa.Column("return_fee", sa.Numeric(12, 2), server_default=sa.text("0"), nullable=False)
    )
    op.create_check_constraint(op.f("ck_billing_plans_return_fee_valid"), "billing_plans", "return_fee >= 0")
    op.execute(RETURN_FEE)


def downgrade() -> None:
    """Downgrade schema."""
    _reserve(_server_actions())
    op.execute("DROP FUNCTION IF EXISTS billing_return_fee_set(text, uuid, integer, numeric, text)")
    op.drop_column("billing_plans", "return_fee")
    op.execute("DROP FUNCTION IF EXISTS return_apply(jsonb)")
    op.execute("DELETE FROM marketplace_outbox WHERE kind IN ('claim_approve', 'claim_reject')")
    _outbox_kinds(("status", "unsupplied", "stock"))
    op.drop_column("claim_items", "condition")
    op.drop_column("claims", "processed_at")
    op.drop_index("ix_return_events_claim_id", table_name="return_events")
    op.drop_index("ix_return_events_occurred_at", table_name="return_events")
    op.drop_table("return_events")
