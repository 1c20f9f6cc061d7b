"""`packstation sync --once` as an operator runs it: a subprocess against the simulator and PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry, SyncState
from packstation.domain.status import OutboxKind, OutboxState, PackageStatus
from packstation.simulators.trendyol import (
    FaultKind,
    FaultPlan,
    SimulatedMarketplace,
    SimulatorServer,
)

ACCOUNT = "adim-trendyol"


def _config(path: Path, base_url: str, seller_id: str) -> Path:
    path.write_text(
        f"""
[[marketplaces]]
name = "{ACCOUNT}"
kind = "trendyol"
base_url = "{base_url}"
seller_id = "{seller_id}"
client = "Adım Ayakkabı"
""",
        encoding="utf-8",
    )
    return path


def _sync(config: Path, db_url: str, sim: SimulatedMarketplace, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    env["PACKSTATION_SECRET_ADIM_TRENDYOL_API_KEY"] = sim.config.api_key
    env["PACKSTATION_SECRET_ADIM_TRENDYOL_API_SECRET"] = sim.config.api_secret
    command = [sys.executable, "-m", "packstation", "--config", str(config), "--database-url", db_url]
    return subprocess.run(
        [*command, "sync", "--once", "--max-wait", "4", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )


def _counts(output: str) -> dict[str, int]:
    found = re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged", output)
    assert found, output
    return dict(zip(("new", "updated", "unchanged"), map(int, found.groups()), strict=True))


def _queue_picking(db: Database, sim: SimulatedMarketplace) -> tuple[int, int]:
    """What the pump writes when a parcel is opened: (outbox id, simulator package id)."""
    remote_id = next(i for i in sim.matching_ids() if sim.package(i).status is PackageStatus.CREATED)  # type: ignore[union-attr]
    with db.sessions.begin() as session:
        package = session.scalars(select(PackageRow).where(PackageRow.external_id == str(remote_id))).one()
        entry = OutboxEntry(
            account_id=package.account_id,
            kind=OutboxKind.STATUS.value,
            business_key=f"{package.id}:picking",
            package_id=package.id,
            payload={"status": "Picking"},
        )
        session.add(entry)
        session.flush()
        return entry.id, remote_id


def test_sync_once_pulls_pushes_survives_faults_and_loses_nothing_when_down(
    db: Database, db_url: str, sim: SimulatedMarketplace, server: SimulatorServer, tmp_path: Path
) -> None:
    config = _config(tmp_path / "config.toml", server.base_url, sim.config.seller_id)

    first = _sync(config, db_url, sim)
    assert first.returncode == 0, first.stderr
    assert _counts(first.stdout) == {"new": sim.config.packages, "updated": 0, "unchanged": 0}
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PackageRow)) == sim.config.packages

    second = _sync(config, db_url, sim)
    assert second.returncode == 0, second.stderr
    counts = _counts(second.stdout)
    assert counts["new"] == counts["updated"] == 0  # the overlap re-reads a few, and changes nothing
    assert "0 sent" in second.stdout

    # 429s and 5xx on the listing and on the status call: the cycle still completes.
    entry_id, remote_id = _queue_picking(db, sim)
    sim.inject(FaultPlan(FaultKind.RATE_LIMIT, count=2, path_contains="/orders", retry_after=0.05))
    sim.inject(FaultPlan(FaultKind.SERVER_ERROR, count=2, method="PUT"))
    faulty = _sync(config, db_url, sim)
    assert faulty.returncode == 0, faulty.stdout + faulty.stderr
    assert "1 sent" in faulty.stdout
    assert sim.package(remote_id).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert len([r for r in sim.requests_to("PUT", f"/shipment-packages/{remote_id}") if r.status == 200]) == 1
    with db.sessions() as session:
        done = session.get(OutboxEntry, entry_id)
        assert done is not None and done.state == OutboxState.DONE.value
        watermark = session.get(SyncState, done.account_id).watermark  # type: ignore[union-attr]

    # The marketplace goes away with a push queued: exit 1, the error shown, the row kept for later.
    second_entry, second_remote = _queue_picking(db, sim)
    server.stop()
    down = _sync(config, db_url, sim)
    assert down.returncode == 1
    assert f"{ACCOUNT}: FAILED" in down.stdout and "Trendyol did not answer" in down.stdout
    with db.sessions() as session:
        kept = session.get(OutboxEntry, second_entry)
        assert kept is not None and kept.state == OutboxState.PENDING.value
        assert kept.attempts == 1 and kept.last_error
        assert session.get(SyncState, kept.account_id).watermark == watermark  # type: ignore[union-attr]

    # Back up (on another port): the kept row goes out.
    with SimulatorServer(sim) as again:
        _config(config, again.base_url, sim.config.seller_id)
        recovered = _sync(config, db_url, sim)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    assert sim.package(second_remote).status is PackageStatus.PICKING  # type: ignore[union-attr]


def test_sync_once_names_the_missing_secret(db_url: str, sim: SimulatedMarketplace, tmp_path: Path) -> None:
    config = _config(tmp_path / "config.toml", "http://127.0.0.1:9/integration", sim.config.seller_id)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    result = subprocess.run(
        [sys.executable, "-m", "packstation", "--config", str(config), "--database-url", db_url, "sync", "--once"],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert result.returncode == 1
    assert "PACKSTATION_SECRET_ADIM_TRENDYOL_API_KEY" in result.stdout
