"""claim settles a short line only when its product has free units

Revision ID: claim_settle
Revises: package_reads
Create Date: 2026-12-07 13:40:00

``package_claim()`` told the station to settle a parcel's reservations whenever a line was short. Where
products have no stock in PackStation (kept elsewhere, not counted yet) every line of every parcel is
short, so every open paid four more statements and the station's CPU to learn that nothing could be
granted: 7 of an open's 12 ms in the stations benchmark, whose synced products have no stock. A short
line now needs settling only while its product has free units (on hand above reserved). Stock that
arrives later reaches short lines by itself (``fill_short`` after every gain, services/stock/movements).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "claim_settle"
down_revision: str | Sequence[str] | None = "package_reads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIM = r"""
CREATE OR REPLACE FUNCTION package_claim(p_package bigint, p_station integer, p_user integer, p_lease interval,
                              p_ready text[], p_held text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    expires timestamptz;
    loser record;
BEGIN
    UPDATE packages
       SET claimed_by_station_id = p_station, claimed_by_user_id = p_user, claim_expires_at = now() + p_lease,
           updated_at = now()
     WHERE id = p_package AND status = ANY(p_ready) AND packed_at IS NULL
       AND (claimed_by_station_id IS NULL OR claimed_by_station_id = p_station OR claim_expires_at < now())
    RETURNING claim_expires_at INTO expires;
    IF FOUND THEN
        -- Won, so the package is ready and not packed: its lines need settling when one has no held
        -- reservation, one for another quantity, or a short one {short_why}
        -- (services/stock/reservations.py).
        RETURN jsonb_build_object('won', true, 'expires_at', expires, 'settle', EXISTS (
            SELECT FROM package_lines l LEFT JOIN stock_reservations r ON r.package_line_id = l.id
             WHERE l.package_id = p_package AND l.product_id IS NOT NULL
               AND (r.id IS NULL OR r.state <> p_held OR r.requested <> l.quantity OR {short})));
    END IF;
    SELECT p.packed_at, p.status, p.claim_expires_at, s.name AS station, u.full_name AS "user" INTO loser
      FROM packages p
      LEFT JOIN stations s ON s.id = p.claimed_by_station_id
      LEFT JOIN users u ON u.id = p.claimed_by_user_id
     WHERE p.id = p_package;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('won', false);
    END IF;
    RETURN jsonb_build_object('won', false, 'expires_at', loser.claim_expires_at, 'holder_station', loser.station,
                              'holder_user', loser."user", 'packed_at', loser.packed_at, 'status', loser.status);
END $$;
"""

#: A short line worth settling: its product has units nobody holds.
SHORT_WITH_FREE_STOCK = (
    "(r.quantity < r.requested AND EXISTS (SELECT FROM stock_levels s"
    " WHERE s.product_id = l.product_id AND s.quantity > s.reserved))"
)


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(CLAIM.format(short=SHORT_WITH_FREE_STOCK, short_why="whose product has free units"))


def downgrade() -> None:
    """Downgrade schema."""
    op.execute(CLAIM.format(short="r.quantity < r.requested", short_why="(any)"))
