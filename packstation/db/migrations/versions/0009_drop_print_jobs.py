"""drop_print_jobs: the PostgreSQL print_jobs table was never written; print jobs live on the station

Labels queue in the station's own SQLite store (packstation/local_store/print_jobs.py), which keeps
them across a restart or a dead network; reprints are audited in audit_log. The shared table had no
writer and no reader, so it goes rather than pretend to be the record.

Revision ID: drop_print_jobs
Revises: claims
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "drop_print_jobs"
down_revision: str | Sequence[str] | None = "claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop the unused table (it holds no rows: nothing ever inserted any)."""
    op.drop_index("ix_print_jobs_package", table_name="print_jobs")
    op.drop_table("print_jobs")


def downgrade() -> None:
    """Recreate the table as migration 0001 made it."""
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("package_id", sa.BigInteger(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("printer_uri", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("reprint_of", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'printing', 'printed', 'failed', 'cancelled')",
            name=op.f("ck_print_jobs_state_valid"),
        ),
        sa.ForeignKeyConstraint(["package_id"], ["packages.id"], name=op.f("fk_print_jobs_package_id_packages")),
        sa.ForeignKeyConstraint(["reprint_of"], ["print_jobs.id"], name=op.f("fk_print_jobs_reprint_of_print_jobs")),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_print_jobs_station_id_stations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_print_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    op.create_index("ix_print_jobs_package", "print_jobs", ["package_id"], unique=False)
