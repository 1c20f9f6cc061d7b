"""A full disk under the journal: scans are refused with a clear message, never acknowledged unrecorded,
and packing resumes by itself when space returns. The disk is a real 1 MiB tmpfs (the test runs as root)."""

import errno
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import seed_demo_data
from packstation.domain.outcomes import ScanOutcome
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import NotRecordedError, OpenOutcome, PackingService
from packstation.services.station.heartbeat import StationService
from tests.support import wait_until


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a 1 MiB tmpfs here (needs root with CAP_SYS_ADMIN): {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 512)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_refuses_scans_clearly_and_packing_resumes_when_space_returns(
    db: Database, small_disk: Path
) -> None:
    seed_demo_data(db.sessions, packages=3)
    station_id = StationService(db.sessions, name="st-disk", audit=AuditLog(db.sessions)).register()
    journal = Journal(small_disk / "journal.sqlite3")
    pump = JournalPump(journal, db.sessions, idle_interval_s=0.05, max_backoff_s=0.5)
    packing = PackingService(
        db.sessions,
        journal=journal,
        claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="st-disk",
        clock=lambda: datetime.now(UTC),
        on_journaled=pump.wake,
    )
    pump.start()
    try:
        with db.sessions() as session:
            package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
            units = [line.barcode for line in package.lines for _ in range(line.quantity)]
        opened = packing.open_package(package.id, user_id=None)
        assert opened.outcome is OpenOutcome.OPENED
        acknowledged = 0
        assert packing.scan(units[0], user_id=None).outcome is ScanOutcome.ACCEPTED
        acknowledged += 1
        wait_until(lambda: journal.stats().pending == 0, timeout=10, what="the first scans uploaded")

        filler = _fill(small_disk)
        before = packing.session.verified_units
        for _ in range(3):
            with pytest.raises(NotRecordedError, match="DISK FULL"):
                packing.scan(units[1] if len(units) > 1 else "0000", user_id=None)
        assert packing.session.verified_units == before, "a scan that was not recorded does not count"

        filler.unlink()  # space returns: the very next scan goes through, nobody restarts anything
        for code in units[1:]:
            assert packing.scan(code, user_id=None).outcome is ScanOutcome.ACCEPTED
            acknowledged += 1
        assert packing.session.is_complete
        wait_until(lambda: journal.stats().pending == 0, timeout=15, what="everything uploaded")
    finally:
        pump.stop()
    with db.sessions() as session:
        scans = session.scalar(select(func.count()).where(PackEvent.package_id == package.id, PackEvent.kind == "scan"))
        assert scans == acknowledged, "every acknowledged scan reached PostgreSQL, and nothing else did"
        assert session.get(PackageRow, package.id).packed_at is not None
