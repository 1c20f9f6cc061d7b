"""SQLAlchemy 2 models of the shared PostgreSQL: the source of truth across stations, one module per area.

Import each model from the module that defines it (``packstation.db.models.packages`` ...); this
package re-exports nothing. It imports every module so that ``Base.metadata`` (Alembic, the tests)
always holds every table and every relationship's target is registered, whichever module a caller
names first.

Identifiers that come from outside (marketplace package ids, line ids, cargo tracking numbers,
barcodes) are TEXT: they are often longer than 64-bit integers allow and leading zeros matter.
Timestamps are ``timestamptz``. Schema changes go through Alembic revisions in ``migrations/``.
"""

from packstation.db.models import access, accounts, catalog, packages, photos, reports, stock, sync  # noqa: F401
