"""Fuzzing the scan path: generated scans through interpretation, the packing engine, the journal and the
pump into a real PostgreSQL. Nothing may crash, every scan gets one clear outcome, nothing is left pending
that is not parked, and every parcel's state in PostgreSQL matches what the station acknowledged.

The default run feeds 5,000 scans (CI time); ``FUZZ_SCANS=100000`` runs the full 100,000 (``-m fuzz``
selects this test alone). It prints the count and the time it took. The journal sits on ``/dev/shm`` when
there is one: still SQLite with every fsync, only without a disk's latency per scan.
"""

import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent, ParkedOperation
from packstation.demo.data import seed_demo_data
from packstation.domain.command_barcodes import UnknownCommandError, parse_command
from packstation.domain.keyboard_layout import LayoutRepair, damage_as_turkish_q
from packstation.domain.outcomes import ScanOutcome
from packstation.domain.scan import GS
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Operation
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import OpenOutcome, PackingService
from packstation.services.station.heartbeat import StationService

pytestmark = pytest.mark.fuzz
SCANS = int(os.environ.get("FUZZ_SCANS", "5000"))
BATCH = 100
#: Drawn as a number: the n-th item of the open parcel (parcel codes at the home screen).
OWN_ITEM = st.integers(min_value=0, max_value=1000)
HUGE = ["7" * 100_000, "Ş" * 100_000, ("ABC " * 25_000), "\x00" * 100_000, "PSCMD" + "X" * 99_995]


class CountingJournal(Journal):
    """The real journal, counting what it durably accepted (the acknowledged operations)."""

    written: Counter[int | None]

    def append_many(self, operations: Iterable[Operation], *, flush: bool = True) -> None:
        ops = list(operations)
        super().append_many(ops, flush=flush)
        for op in ops:
            self.written[op.package_id] += 1


def _scan_strategy(codes: list[str], parcels: list[str]) -> st.SearchStrategy[str]:
    gs1 = st.builds(
        lambda gtin, lot, serial: f"]C101{gtin}10{lot}{GS}21{serial}",
        st.sampled_from([c.zfill(14) for c in codes if c.isdigit()] or ["08690000000005"]),
        st.text("ABCDEF0123456789", max_size=20),
        st.text("0123456789", max_size=20),
    )
    return st.one_of(
        *[st.sampled_from(codes)] * 6,  # real item barcodes: parcels get completed
        st.sampled_from(parcels),  # parcel codes: the next parcel opens
        st.binary(max_size=64).map(lambda raw: raw.decode("utf-8", errors="replace")),  # invalid UTF-8
        st.binary(max_size=64).map(lambda raw: raw.decode("utf-8", errors="surrogateescape")),
        st.text(max_size=80),  # any Unicode, controls and surrogates included
        st.text(" \t\r\n\u00a0\u3000", max_size=20),  # whitespace only
        gs1,
        st.text("0123456789", min_size=6, max_size=16).map(lambda s: f"(01){s}{GS}(10)X"),
        st.sampled_from([*codes, "PSCMDCOMPLETE", "PSCMDABORT"]).map(damage_as_turkish_q),  # Turkish-Q damage
        st.text("PSCMDABORTİıŞ ", min_size=5, max_size=20).map(lambda s: "PSCMD" + s),  # command lookalikes
        st.text("0123456789", min_size=3, max_size=8),  # badge lookalikes
        st.builds(lambda huge, tail: huge + tail, st.sampled_from(HUGE), st.text(max_size=5)),  # 100,000 characters
    )


def test_generated_scans_never_stop_the_station(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=40, seed=5)
    with db.sessions() as session:
        packages = session.scalars(select(PackageRow).order_by(PackageRow.id)).all()
        codes = sorted({line.barcode for package in packages for line in package.lines})
        parcels = [p.cargo_tracking_number or p.external_id for p in packages]
    station_id = StationService(db.sessions, name="fuzz", audit=AuditLog(db.sessions)).register()
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path
    journal = CountingJournal(folder / "journal.sqlite3")
    journal.written = Counter()
    pump = JournalPump(journal, db.sessions, batch_size=2000)
    packing = PackingService(
        db.sessions,
        journal=journal,
        claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=30)),
        station="fuzz",
        clock=lambda: datetime.now(UTC),
        layout_repair=LayoutRepair(enabled=True),
    )
    anything = _scan_strategy(codes, parcels)
    half_own = st.tuples(st.booleans(), anything, OWN_ITEM).map(lambda t: t[2] if t[0] else t[1])
    outcomes: Counter[str] = Counter()
    accepted_since_open = scans_since_open = 0
    seen = 0

    @settings(
        max_examples=max(1, SCANS // BATCH),
        deadline=None,
        database=None,
        phases=[Phase.generate],  # a stream of scans, not one failing example to shrink
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(half_own, min_size=BATCH, max_size=BATCH))
    def scan_batch(batch: list[str | int]) -> None:
        nonlocal accepted_since_open, seen, scans_since_open
        for drawn in batch:
            seen += 1
            current = packing.current
            text = drawn
            if isinstance(drawn, int):
                # An item of the open parcel (or, at the home screen, a parcel's code): parcels get completed.
                own = [line.barcode for line in current.lines] if current is not None else parcels
                text = own[drawn % len(own)]
            scans_since_open += 1
            if scans_since_open > 40 and packing.session is not None and not packing.session.is_complete:
                packing.abort(user_id=None)  # the packer gives up and puts the parcel back
            outcome = _route(packing, str(text))
            outcomes[outcome] += 1
            if outcome == "opened":
                accepted_since_open = scans_since_open = 0
            if outcome == ScanOutcome.ACCEPTED.value:
                accepted_since_open += 1
                assert packing.session is not None
            session = packing.session
            if session is not None and not session.is_complete and accepted_since_open:
                assert sum(line.scanned for line in session.lines) >= accepted_since_open
        pump.drain_once()

    started = time.perf_counter()
    try:
        scan_batch()
        while pump.drain_once():
            pass
    finally:
        elapsed = time.perf_counter() - started
        journal.close()
        if folder != tmp_path:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\nfuzz: {seen} scans in {elapsed:.1f} s ({seen / elapsed:.0f}/s); outcomes {dict(outcomes)}")

    assert seen >= SCANS * 0.9, f"only {seen} scans ran"
    stats = journal.stats()
    assert stats.pending == stats.parked == 0, "nothing left pending, nothing parked"
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ParkedOperation)) == 0
        in_postgres = dict(
            session.execute(select(PackEvent.package_id, func.count()).group_by(PackEvent.package_id)).all()
        )
        packed = {pid for (pid,) in session.execute(select(PackageRow.id).where(PackageRow.packed_at.is_not(None)))}
    assert in_postgres == {pid: n for pid, n in journal.written.items()}, "every acknowledged operation, once"
    completed = {pid for pid in journal.written if pid is not None}
    assert packed <= completed
    assert outcomes[ScanOutcome.ACCEPTED.value] > 0 and outcomes["opened"] > 0
    assert sum(outcomes.values()) == seen, "every scan got exactly one outcome"


def _route(packing: PackingService, text: str) -> str:
    """What the main window does with a scan, minus the screen: one outcome name per scan."""
    try:
        command = parse_command(text)
    except UnknownCommandError:
        return "unknown_command"
    if command is not None:
        if packing.current is not None and command.value == "ABORT":
            packing.abort(user_id=None)
        return f"command:{command.value}"
    session = packing.session
    if packing.current is None or session is None or session.is_complete:
        result = packing.open(text, user_id=None)
        return "opened" if result.outcome is OpenOutcome.OPENED else f"open:{result.outcome.value}"
    return packing.scan(text, user_id=None).outcome.value
