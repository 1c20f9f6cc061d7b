"""leadership lease: which station runs the marketplace jobs, as a row with an expiry

Revision ID: leadership_lease
Revises: parked_operations
Create Date: 2026-12-06 21:55:00

A session-level advisory lock does not survive a PgBouncer in transaction pooling (the lock stays on a
server connection the next transaction may not get), so leadership is a lease row: taken or renewed by
one conditional upsert, lost when its holder stops renewing it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "leadership_lease"
down_revision: str | Sequence[str] | None = "parked_operations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("token", sa.UUID(), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("leases")
