"""Use cases: packing, sync, labels, journal, auth, audit, reports, stock. Plain Python, no Qt."""
