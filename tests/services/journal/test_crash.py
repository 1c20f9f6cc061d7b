"""SIGKILL at random points, 50 times: every acknowledged scan survives, the journal never corrupts,
and the whole journal replays into PostgreSQL exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import seed_demo_data
from packstation.local_store.journal import Journal
from packstation.services.journal.pump import JournalPump
from tests.support import wait_until

pytestmark = pytest.mark.slow
DRIVER = Path(__file__).with_name("crash_driver.py")
KILLS = 50


def _run_and_kill(journal_path: Path, package_ids: str, rng: random.Random) -> list[uuid.UUID]:
    process = subprocess.Popen(
        [sys.executable, str(DRIVER), str(journal_path), "crash-station", package_ids],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    acked: list[uuid.UUID] = []
    assert process.stdout is not None

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            if line.startswith("ACK "):
                acked.append(uuid.UUID(line.split()[1]))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    # Let it start and write for a random while, then pull the plug mid-write.
    wait_until(lambda: acked, timeout=10, interval=0.005, what="the writer's first acknowledged scan")
    time.sleep(rng.uniform(0.0, 0.08))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    reader.join(timeout=10)
    return acked


def test_sigkill_never_loses_an_acknowledged_scan(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=5)
    with db.sessions() as session:
        package_ids = ",".join(str(i) for i in session.scalars(select(PackageRow.id)).all())
    journal_path = tmp_path / "journal.sqlite3"
    rng = random.Random(20261122)
    acknowledged: list[uuid.UUID] = []
    for _ in range(KILLS):
        acknowledged.extend(_run_and_kill(journal_path, package_ids, rng))
        journal = Journal(journal_path)
        assert journal.integrity_ok()
        present = {op.op_id for op in journal.pending(limit=10_000_000)}
        missing = [op_id for op_id in acknowledged if op_id not in present]
        assert not missing, f"{len(missing)} acknowledged scans lost after a kill"
        journal.close()
    assert len(acknowledged) > KILLS

    journal = Journal(journal_path)
    pump = JournalPump(journal, db.sessions, batch_size=2000)
    while pump.drain_once():
        pass
    with db.sessions() as session:
        landed = set(session.scalars(select(PackEvent.op_id)).all())
    assert set(acknowledged) <= landed
    assert journal.stats().pending == 0
