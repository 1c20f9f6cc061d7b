"""parked_operations: journal operations PostgreSQL refused, shown to supervisors until they decide

Revision ID: parked_operations
Revises: hb_package_number
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "parked_operations"
down_revision: str | Sequence[str] | None = "hb_package_number"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table and its index of open rows per station."""
    op.create_table(
        "parked_operations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("op_id", sa.UUID(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("package_id", sa.BigInteger(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("decision IN ('retry', 'discard')", name=op.f("ck_parked_operations_decision_valid")),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["users.id"], name=op.f("fk_parked_operations_decided_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_parked_operations_station_id_stations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_operations")),
        sa.UniqueConstraint("op_id", name=op.f("uq_parked_operations_op_id")),
    )
    op.create_index(
        "ix_parked_operations_open",
        "parked_operations",
        ["station_id"],
        unique=False,
        postgresql_where=sa.text("resolved_at IS NULL"),
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_parked_operations_open", table_name="parked_operations")
    op.drop_table("parked_operations")
