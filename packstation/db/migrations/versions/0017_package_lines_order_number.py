"""package_lines.order_number: a parcel combining several orders opens by any of its order numbers

Hepsiburada orders to one delivery are packed as one parcel keyed by the oldest order; the packer may
hold any of the orders' papers (or HB's package number) when scanning it. Each line keeps the order it
belongs to, and the package number gets an index of its own, so both are found without the account.
Lines already stored get their order number from the package's raw HB items (``id`` on open lines,
``lineItemId`` on packed ones); other marketplaces' lines stay NULL (their package holds one order).

Revision ID: package_lines_order_number
Revises: security_supervision
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "package_lines_order_number"
down_revision: str | Sequence[str] | None = "security_supervision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column (filled from stored HB payloads) and the two indexes."""
    op.add_column("package_lines", sa.Column("order_number", sa.Text(), nullable=True))
    op.execute("""
        UPDATE package_lines AS line
        SET order_number = item ->> 'orderNumber'
        FROM packages AS package
        JOIN marketplace_accounts AS account ON account.id = package.account_id AND account.kind = 'hepsiburada'
        CROSS JOIN LATERAL jsonb_array_elements(
            CASE WHEN jsonb_typeof(package.raw -> 'items') = 'array' THEN package.raw -> 'items' END
        ) AS item
        WHERE line.package_id = package.id
          AND COALESCE(item ->> 'id', item ->> 'lineItemId') = line.external_line_id
          AND item ->> 'orderNumber' IS NOT NULL
    """)
    op.create_index(
        "ix_package_lines_order_number",
        "package_lines",
        ["order_number"],
        postgresql_where=sa.text("order_number IS NOT NULL"),
    )
    op.create_index(
        "ix_packages_package_number_code",
        "packages",
        ["marketplace_package_number"],
        postgresql_where=sa.text("marketplace_package_number IS NOT NULL"),
    )


def downgrade() -> None:
    """Drop the indexes and the column."""
    op.drop_index("ix_packages_package_number_code", table_name="packages")
    op.drop_index("ix_package_lines_order_number", table_name="package_lines")
    op.drop_column("package_lines", "order_number")
