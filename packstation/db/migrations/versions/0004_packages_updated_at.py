"""packages indexes for a station among millions of packages

* ``ix_packages_updated_at``: the offline cache copies only what changed since its last refresh;
* ``ix_packages_unpacked_order``: the oldest unpacked packages (ready list, offline cache) in order;
* ``ix_packages_packed_at``: how many were packed today, without reading every package ever packed.

Revision ID: 0004_packages_updated_at
Revises: 0003_reports
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_packages_updated_at"
down_revision: str | Sequence[str] | None = "0003_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the three indexes."""
    op.create_index("ix_packages_updated_at", "packages", ["updated_at"])
    op.create_index(
        "ix_packages_unpacked_order",
        "packages",
        ["order_date", "id"],
        postgresql_where=sa.text("packed_at IS NULL"),
    )
    op.create_index(
        "ix_packages_packed_at", "packages", ["packed_at"], postgresql_where=sa.text("packed_at IS NOT NULL")
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_packages_packed_at", table_name="packages")
    op.drop_index("ix_packages_unpacked_order", table_name="packages")
    op.drop_index("ix_packages_updated_at", table_name="packages")
