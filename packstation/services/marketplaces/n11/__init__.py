"""N11's seller REST API: client, reply parser and settings."""
