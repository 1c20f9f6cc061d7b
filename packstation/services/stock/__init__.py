"""Stock: locations (warehouse → zone → bin), stock per bin, movements, reservations, counts, CSV."""
