"""Photo evidence: add, list, read and prune the photos of parcels and returns in the shared database."""
