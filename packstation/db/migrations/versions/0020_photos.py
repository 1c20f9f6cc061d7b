"""photos: JPEG photo evidence of parcels and returns; per client, a photo before sealing

Revision ID: photos
Revises: returns
Create Date: 2026-12-07 03:40:00

- ``photos``: one row per photo, linked to exactly one subject (a package or a claim), with who took
  it, at which station and when. Stations may only read it (grants in :mod:`packstation.db.roles`):
- ``photo_add(token, station, id, package, claim, jpeg, width, height, note, taken_at)`` (SECURITY DEFINER)
  adds one, taking the photographer from the session ``token`` names (started within 7 days, as for
  ``pack_apply``: a photo kept on a station while the database was away arrives later), refusing what
  is not a JPEG or is over 8 MB, and never replacing a photo (a retried upload of the same id changes nothing);
- ``photo_prune(keep_days)`` (SECURITY DEFINER) deletes the photos older than ``keep_days`` by the
  server's clock (at least one day), so no station can delete a fresh photo.
- ``client_companies.photo_before_sealing``: the client wants each parcel photographed before sealing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "photos"
down_revision: str | Sequence[str] | None = "returns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Mirrored by HARD_MAX_BYTES in packstation/domain/photos.py (a test compares them).
HARD_MAX_BYTES = 8 * 1024 * 1024

FUNCTIONS = rf"""
-- A photo taken while PostgreSQL was away waits on the station's disk and arrives later: like a
-- journaled operation (pack_apply), its session may have ended since, if it started within 7 days, and
-- its time is when it was taken (not before that session, never in the future).
CREATE FUNCTION photo_add(p_token text, p_station integer, p_id uuid, p_package bigint, p_claim bigint,
                          p_jpeg bytea, p_width integer, p_height integer, p_note text, p_taken_at timestamptz)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s auth_sessions;
    taken timestamptz := least(coalesce(p_taken_at, clock_timestamp()), clock_timestamp());
BEGIN
    IF p_token IS NOT NULL OR NOT ps_trusted() THEN
        SELECT * INTO s FROM auth_sessions
        WHERE token_hash = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
          AND started_at > clock_timestamp() - interval '7 days';
        IF NOT FOUND OR NOT EXISTS (SELECT FROM users WHERE id = s.user_id AND active) THEN
            RAISE EXCEPTION 'session_invalid' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF s.station_id IS NOT NULL AND s.station_id IS DISTINCT FROM p_station THEN
            RAISE EXCEPTION 'session_other_station' USING ERRCODE = 'insufficient_privilege';
        END IF;
        taken := greatest(taken, s.started_at);
    END IF;
    IF num_nonnulls(p_package, p_claim) <> 1 THEN
        RAISE EXCEPTION 'photo_subject' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'a photo is linked to exactly one package or one claim';
    END IF;
    IF p_jpeg IS NULL OR octet_length(p_jpeg) = 0 OR octet_length(p_jpeg) > {HARD_MAX_BYTES} THEN
        RAISE EXCEPTION 'photo_size' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'a photo is 1 byte to {HARD_MAX_BYTES // (1024 * 1024)} MB';
    END IF;
    IF substr(p_jpeg, 1, 3) <> '\xffd8ff'::bytea THEN
        RAISE EXCEPTION 'photo_not_jpeg' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The journal pump locks the station's row (its upsert) before the packages it applies; the foreign
    -- keys below would lock the package first and the station second. Take the station first, as the
    -- pump does, so a photo stored while the pump applies the same parcel waits instead of deadlocking.
    PERFORM FROM stations WHERE id = coalesce(s.station_id, p_station) FOR KEY SHARE;
    INSERT INTO photos (id, package_id, claim_id, station_id, taken_by_user_id, taken_at, note, byte_size, width,
                        height, jpeg)
    VALUES (p_id, p_package, p_claim, coalesce(s.station_id, p_station), s.user_id, taken, coalesce(p_note, ''),
            octet_length(p_jpeg), p_width, p_height, p_jpeg)
    ON CONFLICT (id) DO NOTHING;
    RETURN FOUND;
END $$;

CREATE FUNCTION photo_prune(p_keep_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM photos WHERE taken_at < clock_timestamp() - make_interval(days => greatest(coalesce(p_keep_days, 1), 1));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "client_companies",
        sa.Column("photo_before_sealing", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_table(
        "photos",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("package_id", sa.BigInteger(), nullable=True),
        sa.Column("claim_id", sa.BigInteger(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("taken_by_user_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False),
        sa.Column("note", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("jpeg", postgresql.BYTEA(), nullable=False),
        sa.CheckConstraint("num_nonnulls(package_id, claim_id) = 1", name=op.f("ck_photos_one_subject")),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_photos_package_id_packages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_photos_claim_id_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_photos_station_id_stations")),
        sa.ForeignKeyConstraint(["taken_by_user_id"], ["users.id"], name=op.f("fk_photos_taken_by_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_index(
        "ix_photos_package_id", "photos", ["package_id"], postgresql_where=sa.text("package_id IS NOT NULL")
    )
    op.create_index("ix_photos_claim_id", "photos", ["claim_id"], postgresql_where=sa.text("claim_id IS NOT NULL"))
    op.create_index("ix_photos_taken_at", "photos", ["taken_at"])
    op.execute(FUNCTIONS)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP FUNCTION IF EXISTS photo_prune(integer)")
    op.execute(
        "DROP FUNCTION IF EXISTS photo_add(text, integer, uuid, bigint, bigint, bytea, integer, integer, text, timestamptz)"
    )
    op.drop_table("photos")
    op.drop_column("client_companies", "photo_before_sealing")
