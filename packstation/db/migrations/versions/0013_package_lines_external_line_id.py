"""package_lines.external_line_id indexed: a marketplace names a cancelled line, not the package holding it

Hepsiburada's cancelled-lines feed gives an order number and a line id. The station may have packed that
line in a parcel keyed by another order (orders to one delivery combined into one package), so the
package is found by the line.

Revision ID: package_lines_external_line_id
Revises: security_users
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "package_lines_external_line_id"
down_revision: str | Sequence[str] | None = "security_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the index."""
    op.create_index("ix_package_lines_external_line_id", "package_lines", ["external_line_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_package_lines_external_line_id", table_name="package_lines")
