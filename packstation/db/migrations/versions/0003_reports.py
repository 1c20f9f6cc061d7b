"""reports: hourly pack rollup, parcel facts (maintained by triggers), 3PL billing plans

Revision ID: 0003_reports
Revises: 0002_auth
Create Date: 2026-11-22 12:00:00

The dashboard must answer in well under 100 ms over tens of millions of pack events, so two
tables are kept up to date by triggers in the same transaction as the events themselves:

* ``parcel_facts``: one row per counted parcel (its ``complete`` event), with the time its packer
  opened it. A ``complete`` the pump turned into a ``conflict`` exception (someone else had already
  packed the parcel) is not a parcel: the exception's trigger removes it again.
* ``pack_hourly``: per UTC hour, station, packer and marketplace account: parcels, accepted items,
  wrong / unknown / over scans and the number of events.

The events trigger is statement-level with a transition table, so a bulk insert costs one
aggregate upsert, and the pump's one-row inserts one small upsert each. ``pack_rollups_rebuild()``
recomputes both tables from ``pack_events`` (the backfill below uses it; so can a repair).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003_reports"
down_revision: str | Sequence[str] | None = "0002_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Both the trigger and the rebuild read events from {source}: the transition table or pack_events.
_FACTS_SQL = """
    INSERT INTO parcel_facts (op_id, package_id, station_id, user_id, account_id, completed_at, opened_at)
    SELECT e.op_id, e.package_id, e.station_id, e.user_id, p.account_id, e.occurred_at,
           (SELECT max(o.occurred_at) FROM pack_events o
             WHERE o.package_id = e.package_id AND o.kind = 'open'
               AND o.user_id IS NOT DISTINCT FROM e.user_id AND o.occurred_at <= e.occurred_at)
      FROM {source} e LEFT JOIN packages p ON p.id = e.package_id
     WHERE e.kind = 'complete'
       AND NOT EXISTS (SELECT 1 FROM pack_exceptions x WHERE x.op_id = e.op_id AND x.kind = 'conflict');
"""
_HOURLY_SQL = """
    INSERT INTO pack_hourly AS h
           (hour, station_id, user_id, account_id, parcels, items, wrong_items, unknown_barcodes, over_scans, events)
    SELECT date_trunc('hour', e.occurred_at, 'UTC'), e.station_id, e.user_id, p.account_id,
           count(f.op_id),
           coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'accepted'), 0),
           count(*) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'wrong_item'),
           count(*) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'unknown_barcode'),
           count(*) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'over_scan'),
           count(*)
      FROM {source} e
      LEFT JOIN packages p ON p.id = e.package_id
      LEFT JOIN parcel_facts f ON f.op_id = e.op_id
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (hour, station_id, user_id, account_id) DO UPDATE SET
           parcels = h.parcels + excluded.parcels,
           items = h.items + excluded.items,
           wrong_items = h.wrong_items + excluded.wrong_items,
           unknown_barcodes = h.unknown_barcodes + excluded.unknown_barcodes,
           over_scans = h.over_scans + excluded.over_scans,
           events = h.events + excluded.events;
"""

# The trigger functions run with the owner's rights (SECURITY DEFINER, fixed search_path): a station's
# least-privilege role writes pack events but may not write, and so cannot falsify, the rollups.
ROLLUP_FUNCTION = f"""
CREATE FUNCTION pack_events_rollup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
{_FACTS_SQL.format(source="new_events")}
{_HOURLY_SQL.format(source="new_events")}
    RETURN NULL;
END;
$$
"""

UNCOUNT_FUNCTION = """
CREATE FUNCTION pack_exceptions_uncount() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    fact parcel_facts%ROWTYPE;
BEGIN
    DELETE FROM parcel_facts WHERE op_id = NEW.op_id RETURNING * INTO fact;
    IF FOUND THEN
        UPDATE pack_hourly SET parcels = parcels - 1
         WHERE hour = date_trunc('hour', fact.completed_at, 'UTC') AND station_id = fact.station_id
           AND user_id IS NOT DISTINCT FROM fact.user_id AND account_id IS NOT DISTINCT FROM fact.account_id;
    END IF;
    RETURN NULL;
END;
$$
"""

REBUILD_FUNCTION = f"""
CREATE FUNCTION pack_rollups_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Whoever repairs the rollups must not race the pump: hold off new events meanwhile.
    LOCK TABLE pack_events IN SHARE MODE;
    TRUNCATE pack_hourly, parcel_facts;
{_FACTS_SQL.format(source="pack_events")}
{_HOURLY_SQL.format(source="pack_events")}
END;
$$
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "pack_hourly",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("parcels", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("items", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("wrong_items", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("unknown_barcodes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("over_scans", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("events", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_hourly")),
        sa.UniqueConstraint(
            "hour",
            "station_id",
            "user_id",
            "account_id",
            name=op.f("uq_pack_hourly_hour_station_id_user_id_account_id"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index("ix_pack_hourly_user_hour", "pack_hourly", ["user_id", "hour"], unique=False)
    op.create_table(
        "parcel_facts",
        sa.Column("op_id", sa.UUID(), nullable=False),
        sa.Column("package_id", sa.BigInteger(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_parcel_facts")),
    )
    op.create_index("ix_parcel_facts_completed", "parcel_facts", ["completed_at"], unique=False)
    op.create_index("ix_parcel_facts_user_completed", "parcel_facts", ["user_id", "completed_at"], unique=False)
    op.create_table(
        "billing_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_company_id", sa.Integer(), nullable=True),
        sa.Column("period_start_day", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("pricing", sa.String(length=20), server_default=sa.text("'volume'"), nullable=False),
        sa.Column("storage_charge", sa.Numeric(precision=12, scale=2), server_default=sa.text("0"), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default=sa.text("'TRY'"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("pricing IN ('volume', 'graduated')", name=op.f("ck_billing_plans_pricing_valid")),
        sa.CheckConstraint("period_start_day BETWEEN 1 AND 28", name=op.f("ck_billing_plans_period_start_day_valid")),
        sa.CheckConstraint("storage_charge >= 0", name=op.f("ck_billing_plans_storage_charge_positive")),
        sa.ForeignKeyConstraint(
            ["client_company_id"],
            ["client_companies.id"],
            name=op.f("fk_billing_plans_client_company_id_client_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_plans")),
        # NULLS NOT DISTINCT: at most one default plan (the one without a client).
        sa.UniqueConstraint(
            "client_company_id", name=op.f("uq_billing_plans_client_company_id"), postgresql_nulls_not_distinct=True
        ),
    )
    op.create_table(
        "billing_tiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("up_to", sa.Integer(), nullable=True),
        sa.Column("price_per_parcel", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.CheckConstraint("price_per_parcel >= 0", name=op.f("ck_billing_tiers_price_positive")),
        sa.CheckConstraint("up_to IS NULL OR up_to >= 1", name=op.f("ck_billing_tiers_up_to_positive")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["billing_plans.id"], name=op.f("fk_billing_tiers_plan_id_billing_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_tiers")),
        sa.UniqueConstraint(
            "plan_id", "up_to", name=op.f("uq_billing_tiers_plan_id_up_to"), postgresql_nulls_not_distinct=True
        ),
    )
    op.execute(ROLLUP_FUNCTION)
    op.execute(UNCOUNT_FUNCTION)
    op.execute(REBUILD_FUNCTION)
    op.execute(
        "CREATE TRIGGER pack_events_rollup AFTER INSERT ON pack_events REFERENCING NEW TABLE AS new_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION pack_events_rollup()"
    )
    op.execute(
        "CREATE TRIGGER pack_exceptions_uncount AFTER INSERT ON pack_exceptions FOR EACH ROW "
        "WHEN (NEW.kind = 'conflict' AND NEW.op_id IS NOT NULL) EXECUTE FUNCTION pack_exceptions_uncount()"
    )
    # Events recorded before this revision get their rollups now.
    op.execute("SELECT pack_rollups_rebuild()")


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP TRIGGER IF EXISTS pack_exceptions_uncount ON pack_exceptions")
    op.execute("DROP TRIGGER IF EXISTS pack_events_rollup ON pack_events")
    op.execute("DROP FUNCTION IF EXISTS pack_rollups_rebuild()")
    op.execute("DROP FUNCTION IF EXISTS pack_exceptions_uncount()")
    op.execute("DROP FUNCTION IF EXISTS pack_events_rollup()")
    op.drop_table("billing_tiers")
    op.drop_table("billing_plans")
    op.drop_index("ix_parcel_facts_user_completed", table_name="parcel_facts")
    op.drop_index("ix_parcel_facts_completed", table_name="parcel_facts")
    op.drop_table("parcel_facts")
    op.drop_index("ix_pack_hourly_user_hour", table_name="pack_hourly")
    op.drop_table("pack_hourly")
