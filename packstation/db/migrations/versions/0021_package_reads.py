"""package reads: opening a parcel in one round trip, with plans PostgreSQL keeps

Revision ID: package_reads
Revises: photos
Create Date: 2026-12-07 07:00:00

Opening a parcel was five statements from the station (look-up, claim, reservation check, load,
commit), each parsed and planned afresh, and their rows built into ORM objects: 15-20 ms of which
PostgreSQL's own work was under 1 ms. With 20 stations on two cores that CPU is what the packers
waited on. These functions do the same in one call; PL/pgSQL keeps each statement's plan for the
connection's life. All are SECURITY INVOKER: they run with the station's own privileges, no more.

- ``pick_bin(product)``: the bin a product is picked from (the sellable, active bin holding most of it;
  among empty places the one used last; the code settles ties). The one definition:
  ``services/stock/places`` asks it for the pick bin's id and code.
- ``package_find(code, limit)``: the ids of the packages a scanned code can mean (tracking number,
  package id, order number of the package or of any of its lines, slip code, the marketplace's package
  number), oldest order first.
- ``package_summaries(ids)``: what a list or a choice shows of each, in the order given, as JSON whose
  keys are :class:`~packstation.services.packing.read_model.PackageSummary`'s fields.
- ``package_load(id)``: the package as the pack screen needs it, ``{"status", "package"}``, the package's
  keys being :class:`~packstation.services.packing.model.OpenedPackage`'s fields (the offline cache
  stores the same document).
- ``package_claim(id, station, user, lease, ready, held)``: take or renew the claim (as
  ``services/packing/claims`` describes); the loser learns who holds it, when it was packed, its
  status. ``settle`` says the package's reservations need settling (``services/stock/reservations``
  holds the rule and settles; this is its check). ``ready`` (the packable statuses) and ``held`` (the
  reservation state) come from the station's domain code, so no status is written here.
- ``package_open(code, station, user, lease, ready, held, limit)``: all of it for one scanned code:
  ``{"matches", "claim", "loaded"}``; the claim is taken only when the code means exactly one
  package whose status is ready.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "package_reads"
down_revision: str | Sequence[str] | None = "photos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURES = (
    "pick_bin(bigint)",
    "package_find(text, integer)",
    "package_summaries(bigint[])",
    "package_load(bigint)",
    "package_claim(bigint, integer, integer, interval, text[], text)",
    "package_open(text, integer, integer, interval, text[], text, integer)",
)

FUNCTIONS = r"""
CREATE FUNCTION pick_bin(p_product bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT l.id FROM stock_locations l JOIN location_stock s ON s.location_id = l.id
         WHERE s.product_id = p_product AND l.sellable AND l.active
         ORDER BY s.quantity > 0 DESC, s.quantity DESC, s.updated_at DESC, l.code
         LIMIT 1);
END $$;

-- A union of index look-ups: an OR across the two tables would make PostgreSQL filter every package.
CREATE FUNCTION package_find(p_code text, p_limit integer) RETURNS bigint[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN ARRAY(
        SELECT p.id FROM packages p
         WHERE p.id IN (SELECT id FROM packages
                         WHERE cargo_tracking_number = p_code OR external_id = p_code OR order_number = p_code
                            OR packing_slip_code = p_code OR marketplace_package_number = p_code
                        UNION
                        SELECT package_id FROM package_lines WHERE order_number = p_code)
         ORDER BY p.order_date ASC NULLS LAST, p.id
         LIMIT p_limit);
END $$;

CREATE FUNCTION package_summaries(p_ids bigint[]) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'id', p.id, 'account', a.name, 'external_id', p.external_id, 'order_number', p.order_number,
                   'status', p.status, 'cargo_tracking_number', p.cargo_tracking_number,
                   'cargo_provider', p.cargo_provider, 'customer_name', p.customer_name, 'city', p.city,
                   'district', p.district, 'line_count', c.line_count, 'item_count', c.item_count,
                   'order_date', p.order_date) ORDER BY wanted.n), '[]'::jsonb)
          FROM unnest(p_ids) WITH ORDINALITY AS wanted(id, n)
          JOIN packages p ON p.id = wanted.id
          JOIN marketplace_accounts a ON a.id = p.account_id
          CROSS JOIN LATERAL (SELECT count(*) AS line_count, coalesce(sum(l.quantity), 0) AS item_count
                                FROM package_lines l WHERE l.package_id = p.id) c);
END $$;

CREATE FUNCTION package_load(p_package bigint) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object('status', p.status, 'package', jsonb_build_object(
                   'id', p.id, 'external_id', p.external_id, 'order_number', p.order_number, 'account', a.name,
                   'customer_name', p.customer_name, 'city', p.city, 'district', p.district,
                   'address_line', p.address_line, 'cargo_provider', coalesce(p.cargo_provider, ''),
                   'cargo_tracking_number', coalesce(p.cargo_tracking_number, ''),
                   'marketplace', a.kind, 'sender_name', c.name, 'sender_address', coalesce(c.address, ''),
                   'sender_phone', coalesce(c.phone, ''), 'phone', coalesce(p.phone, ''),
                   'lines', coalesce((
                       SELECT jsonb_agg(jsonb_build_object(
                                  'line_id', l.external_line_id, 'db_id', l.id, 'product_id', l.product_id,
                                  'barcode', l.barcode, 'name', l.product_name, 'colour', coalesce(l.colour, ''),
                                  'size', coalesce(l.size, ''), 'quantity', l.quantity,
                                  'bin_location', coalesce((SELECT b.code FROM stock_locations b
                                                             WHERE b.id = pick_bin(l.product_id)), ''),
                                  'image_url', coalesce(pr.image_url, '')) ORDER BY l.id)
                         FROM package_lines l LEFT JOIN products pr ON pr.id = l.product_id
                        WHERE l.package_id = p.id), '[]'::jsonb)))
          FROM packages p
          JOIN marketplace_accounts a ON a.id = p.account_id
          JOIN client_companies c ON c.id = a.client_company_id
         WHERE p.id = p_package);
END $$;

CREATE FUNCTION package_claim(p_package bigint, p_station integer, p_user integer, p_lease interval,
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
        -- reservation, a short one, or one for another quantity (services/stock/reservations.py).
        RETURN jsonb_build_object('won', true, 'expires_at', expires, 'settle', EXISTS (
            SELECT FROM package_lines l LEFT JOIN stock_reservations r ON r.package_line_id = l.id
             WHERE l.package_id = p_package AND l.product_id IS NOT NULL
               AND (r.id IS NULL OR r.state <> p_held OR r.quantity < r.requested OR r.requested <> l.quantity)));
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

CREATE FUNCTION package_open(p_code text, p_station integer, p_user integer, p_lease interval, p_ready text[],
                             p_held text, p_limit integer) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := package_find(p_code, p_limit);
    claim jsonb;
    loaded jsonb;
BEGIN
    IF cardinality(ids) = 1 AND EXISTS (SELECT FROM packages WHERE id = ids[1] AND status = ANY(p_ready)) THEN
        claim := package_claim(ids[1], p_station, p_user, p_lease, p_ready, p_held);
        IF (claim ->> 'won')::boolean THEN
            loaded := package_load(ids[1]);
        END IF;
    END IF;
    RETURN jsonb_build_object('matches', package_summaries(ids), 'claim', claim, 'loaded', loaded);
END $$;
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(FUNCTIONS)


def downgrade() -> None:
    """Downgrade schema."""
    for signature in reversed(SIGNATURES):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
