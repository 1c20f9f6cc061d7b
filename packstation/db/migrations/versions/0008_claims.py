"""claims, claim_items: marketplace return requests and their returned units

Revision ID: claims
Revises: leadership_lease
Create Date: 2026-12-06 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "claims"
down_revision: str | Sequence[str] | None = "leadership_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "claims",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("order_number", sa.Text(), nullable=False),
        sa.Column("return_tracking_number", sa.Text(), nullable=True),
        sa.Column("cargo_provider", sa.Text(), nullable=True),
        sa.Column("customer_name", sa.Text(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "raw", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["marketplace_accounts.id"], name=op.f("fk_claims_account_id_marketplace_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("account_id", "external_id", name=op.f("uq_claims_account_id_external_id")),
    )
    op.create_index("ix_claims_return_tracking", "claims", ["return_tracking_number"], unique=False)
    op.create_index("ix_claims_order_number", "claims", ["order_number"], unique=False)
    op.create_table(
        "claim_items",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("order_line_id", sa.Text(), nullable=False),
        sa.Column("barcode", sa.Text(), nullable=True),
        sa.Column("stock_code", sa.Text(), nullable=True),
        sa.Column("product_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=True),
        sa.Column("reason_name", sa.Text(), nullable=True),
        sa.Column("customer_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_items_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_items")),
        sa.UniqueConstraint("claim_id", "external_id", name=op.f("uq_claim_items_claim_id_external_id")),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("claim_items")
    op.drop_index("ix_claims_order_number", table_name="claims")
    op.drop_index("ix_claims_return_tracking", table_name="claims")
    op.drop_table("claims")
