"""Shared PostgreSQL: models, engine factory, migrations and the embedded default server."""
