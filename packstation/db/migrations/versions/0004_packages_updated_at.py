"""packages.updated_at index: the offline cache copies only what changed since its last refresh

Revision ID: 0004_packages_updated_at
Revises: 0003_reports
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_packages_updated_at"
down_revision: str | Sequence[str] | None = "0003_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the change stamp every package write moves."""
    op.create_index("ix_packages_updated_at", "packages", ["updated_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_packages_updated_at", table_name="packages")
