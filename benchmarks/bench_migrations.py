"""Migration time on an empty database, beside ``metadata.create_all`` of the same schema."""

from __future__ import annotations

import time

import psycopg2

from benchmarks.common import percentiles
from packstation.db.engine import create_db_engine
from packstation.db.local_server import LocalPostgres
from packstation.db.migrate import upgrade
from packstation.db.models.base import Base

RUNS = 7


def run() -> dict[str, object]:
    """Alternate Alembic upgrades and create_all on fresh databases of one throwaway server."""
    server = LocalPostgres()
    server.init()
    server.start()
    try:
        admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=server.port)
        admin.autocommit = True
        alembic_samples: list[float] = []
        create_all_samples: list[float] = []
        for index in range(RUNS):
            for kind, samples in (("alembic", alembic_samples), ("create_all", create_all_samples)):
                name = f"{kind}_{index}"
                with admin.cursor() as cursor:
                    cursor.execute(f"CREATE DATABASE {name}")
                engine = create_db_engine(server.url(name))
                with engine.connect():
                    pass  # connect outside the timed part
                started = time.perf_counter()
                if kind == "alembic":
                    upgrade(engine)
                else:
                    Base.metadata.create_all(engine)
                samples.append(time.perf_counter() - started)
                engine.dispose()
        admin.close()
    finally:
        server.destroy()
    alembic, create_all = percentiles(alembic_samples), percentiles(create_all_samples)
    return {
        "alembic_upgrade_empty_db": alembic,
        "baseline_create_all": create_all,
        "ratio_p50_vs_create_all": round(alembic["p50_ms"] / create_all["p50_ms"], 2),
    }
