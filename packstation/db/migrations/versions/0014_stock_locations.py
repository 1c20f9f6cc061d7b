"""stock locations (warehouse → zone → bin), stock per bin, reservations, low-stock thresholds

* ``stock_locations``: warehouses, zones and bins, each with a unique barcode; ``sellable`` false is quarantine;
* ``location_stock``: units of a product in a bin;
* ``stock_levels.reserved``: units held for packages not packed yet (``stock_reservations``, one row per line);
* ``stock_movements.location_id`` and ``note``: every movement names its bin;
* ``products.low_stock_threshold`` and ``stock_settings`` (the default threshold);
* ``products.bin_location`` (free text) becomes bins: each distinct text a bin in ``MAIN / GENERAL``, and
  the product's stock is put there (stock without a bin goes to ``MAIN / GENERAL / UNPLACED``).

Revision ID: stock_locations
Revises: package_lines_external_line_id
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "stock_locations"
down_revision: str | Sequence[str] | None = "package_lines_external_line_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEXT = "nextval(pg_get_serial_sequence('stock_locations', 'id'))"


def upgrade() -> None:
    """Create the tables and columns, then place the stock that exists in bins."""
    op.create_table(
        "stock_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("barcode", sa.Text(), nullable=False),
        sa.Column("sellable", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "(kind = 'warehouse') = (parent_id IS NULL)", name=op.f("ck_stock_locations_parent_matches_kind")
        ),
        sa.CheckConstraint("kind IN ('warehouse', 'zone', 'bin')", name=op.f("ck_stock_locations_kind_valid")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["stock_locations.id"], name=op.f("fk_stock_locations_parent_id_stock_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_locations")),
        sa.UniqueConstraint("barcode", name=op.f("uq_stock_locations_barcode")),
        sa.UniqueConstraint("parent_id", "code", name=op.f("uq_stock_locations_parent_id_code")),
    )
    op.create_index(op.f("ix_stock_locations_parent_id"), "stock_locations", ["parent_id"], unique=False)
    op.create_index(
        "ix_stock_locations_warehouse_code",
        "stock_locations",
        ["code"],
        unique=True,
        postgresql_where=sa.text("parent_id IS NULL"),
    )
    op.create_table(
        "location_stock",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["stock_locations.id"], name=op.f("fk_location_stock_location_id_stock_locations")
        ),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_location_stock_product_id_products")),
        sa.PrimaryKeyConstraint("location_id", "product_id", name=op.f("pk_location_stock")),
    )
    op.create_index(op.f("ix_location_stock_product_id"), "location_stock", ["product_id"], unique=False)
    op.create_table(
        "stock_reservations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("package_line_id", sa.BigInteger(), nullable=False),
        sa.Column("package_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "quantity >= 0 AND quantity <= requested", name=op.f("ck_stock_reservations_quantity_within_requested")
        ),
        sa.CheckConstraint("state IN ('held', 'consumed', 'released')", name=op.f("ck_stock_reservations_state_valid")),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_stock_reservations_package_id_packages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["package_line_id"],
            ["package_lines.id"],
            name=op.f("fk_stock_reservations_package_line_id_package_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_reservations_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reservations")),
        sa.UniqueConstraint("package_line_id", name=op.f("uq_stock_reservations_package_line_id")),
    )
    op.create_index(op.f("ix_stock_reservations_package_id"), "stock_reservations", ["package_id"], unique=False)
    op.create_index(op.f("ix_stock_reservations_product_id"), "stock_reservations", ["product_id"], unique=False)
    op.create_index(
        "ix_stock_reservations_short",
        "stock_reservations",
        ["product_id", "id"],
        unique=False,
        postgresql_where=sa.text("state = 'held' AND quantity < requested"),
    )
    op.create_table(
        "stock_settings",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stock_settings")),
    )
    op.add_column("stock_levels", sa.Column("reserved", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.create_check_constraint(op.f("ck_stock_levels_reserved_not_negative"), "stock_levels", "reserved >= 0")
    op.add_column("stock_movements", sa.Column("location_id", sa.Integer(), nullable=True))
    op.add_column("stock_movements", sa.Column("note", sa.Text(), nullable=True))
    op.create_foreign_key(
        op.f("fk_stock_movements_location_id_stock_locations"),
        "stock_movements",
        "stock_locations",
        ["location_id"],
        ["id"],
    )
    op.create_index("ix_stock_movements_created", "stock_movements", ["created_at"], unique=False)
    op.add_column("products", sa.Column("low_stock_threshold", sa.Integer(), nullable=True))
    op.create_check_constraint(op.f("ck_products_low_stock_threshold_valid"), "products", "low_stock_threshold >= 0")
    _place_existing_stock()
    op.drop_column("products", "bin_location")


def _place_existing_stock() -> None:
    """Each distinct ``bin_location`` text becomes a bin of ``MAIN / GENERAL``; stock goes into it."""
    bind = op.get_bind()
    # A bin's code: the text with runs of spaces as one '-', at most 40 characters.
    bind.execute(
        sa.text(
            "UPDATE products SET bin_location = left(regexp_replace(btrim(bin_location), '\\s+', '-', 'g'), 40) "
            "WHERE bin_location IS NOT NULL"
        )
    )
    needed = bind.execute(
        sa.text(
            "SELECT EXISTS (SELECT 1 FROM products WHERE COALESCE(bin_location, '') <> '') "
            "OR EXISTS (SELECT 1 FROM stock_levels WHERE quantity <> 0)"
        )
    ).scalar_one()
    if not needed:
        return
    bind.execute(
        sa.text(
            "INSERT INTO stock_locations (id, kind, code, barcode) "
            f"SELECT n, 'warehouse', 'MAIN', 'PSLOC' || lpad(n::text, 6, '0') FROM (SELECT {_NEXT} AS n) s"
        )
    )
    bind.execute(
        sa.text(
            "INSERT INTO stock_locations (id, parent_id, kind, code, barcode) "
            "SELECT n, w.id, 'zone', 'GENERAL', 'PSLOC' || lpad(n::text, 6, '0') "
            f"FROM (SELECT {_NEXT} AS n) s, stock_locations w WHERE w.parent_id IS NULL AND w.code = 'MAIN'"
        )
    )
    bind.execute(
        sa.text(
            "INSERT INTO stock_locations (id, parent_id, kind, code, barcode) "
            "SELECT n, z.id, 'bin', code, 'PSLOC' || lpad(n::text, 6, '0') "
            f"FROM (SELECT {_NEXT} AS n, code FROM ("
            "  SELECT DISTINCT bin_location AS code FROM products WHERE COALESCE(bin_location, '') <> '' "
            "  UNION SELECT 'UNPLACED') c ORDER BY code) s "
            "JOIN stock_locations z ON z.kind = 'zone' AND z.code = 'GENERAL' "
            "JOIN stock_locations w ON w.id = z.parent_id AND w.code = 'MAIN'"
        )
    )
    bind.execute(
        sa.text(
            "INSERT INTO location_stock (location_id, product_id, quantity) "
            "SELECT b.id, p.id, COALESCE(l.quantity, 0) "
            "FROM products p LEFT JOIN stock_levels l ON l.product_id = p.id "
            "JOIN stock_locations b ON b.kind = 'bin' AND b.code = COALESCE(NULLIF(p.bin_location, ''), 'UNPLACED') "
            "JOIN stock_locations z ON z.id = b.parent_id AND z.code = 'GENERAL' "
            "WHERE COALESCE(p.bin_location, '') <> '' OR COALESCE(l.quantity, 0) <> 0"
        )
    )


def downgrade() -> None:
    """Back to one free-text bin per product (the bin holding most of it) and one number per product."""
    op.add_column("products", sa.Column("bin_location", sa.Text(), nullable=True))
    op.get_bind().execute(
        sa.text(
            "UPDATE products p SET bin_location = ("
            "  SELECT b.code FROM location_stock s JOIN stock_locations b ON b.id = s.location_id "
            "  WHERE s.product_id = p.id AND b.code <> 'UNPLACED' ORDER BY s.quantity DESC, b.code LIMIT 1)"
        )
    )
    op.drop_constraint(op.f("ck_products_low_stock_threshold_valid"), "products", type_="check")
    op.drop_column("products", "low_stock_threshold")
    op.drop_index("ix_stock_movements_created", table_name="stock_movements")
    op.drop_constraint(op.f("fk_stock_movements_location_id_stock_locations"), "stock_movements", type_="foreignkey")
    op.drop_column("stock_movements", "note")
    op.drop_column("stock_movements", "location_id")
    op.drop_constraint(op.f("ck_stock_levels_reserved_not_negative"), "stock_levels", type_="check")
    op.drop_column("stock_levels", "reserved")
    op.drop_table("stock_settings")
    op.drop_index("ix_stock_reservations_short", table_name="stock_reservations")
    op.drop_index(op.f("ix_stock_reservations_product_id"), table_name="stock_reservations")
    op.drop_index(op.f("ix_stock_reservations_package_id"), table_name="stock_reservations")
    op.drop_table("stock_reservations")
    op.drop_index(op.f("ix_location_stock_product_id"), table_name="location_stock")
    op.drop_table("location_stock")
    op.drop_index("ix_stock_locations_warehouse_code", table_name="stock_locations")
    op.drop_index(op.f("ix_stock_locations_parent_id"), table_name="stock_locations")
    op.drop_table("stock_locations")
