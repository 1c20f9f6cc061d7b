"""packages.marketplace_package_number: the number a marketplace gives a package when it is packed

Hepsiburada keys open lines by order number (no package exists yet); ``POST /packages`` answers with a
package number, which its label and status feeds use. Stored here, beside the local key.

Revision ID: hb_package_number
Revises: 0004_packages_updated_at
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "hb_package_number"
down_revision: str | Sequence[str] | None = "0004_packages_updated_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column and its look-up index."""
    op.add_column("packages", sa.Column("marketplace_package_number", sa.Text(), nullable=True))
    op.create_index(
        "ix_packages_marketplace_package_number",
        "packages",
        ["account_id", "marketplace_package_number"],
        postgresql_where=sa.text("marketplace_package_number IS NOT NULL"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_packages_marketplace_package_number", table_name="packages")
    op.drop_column("packages", "marketplace_package_number")
