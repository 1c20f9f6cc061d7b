"""marketplace_outbox: the unsupplied rows indexed by package

A Hepsiburada line the station cannot supply is cancelled at HB (``cancelbymerchant``) and then listed
in HB's cancelled feed; the sync must not stop the parcel it was left out of. Each sync reads which
lines the station cancelled itself from the outbox's unsupplied rows, by package.

Revision ID: outbox_unsupplied
Revises: package_lines_order_number
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "outbox_unsupplied"
down_revision: str | Sequence[str] | None = "package_lines_order_number"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the index."""
    op.create_index(
        "ix_outbox_unsupplied",
        "marketplace_outbox",
        ["package_id"],
        postgresql_where=sa.text("kind = 'unsupplied'"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_outbox_unsupplied", table_name="marketplace_outbox")
