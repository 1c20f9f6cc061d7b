"""A serial scanner on a pty feeds the real main window hostile scans between real packing (issue 16).

The station is the real one (``start_services``: journal, pump, label dispatcher, print queue, marketplace
jobs) on the test's PostgreSQL; its parcels are synced from the Trendyol stand-in over HTTP and their
labels are Trendyol's common labels, printed on a TCP printer stand-in. Between the parcel scans and
the item scans the scanner sends NUL bytes, control characters, a 100,000-character run, half-lines
glued to the next scan and badge-like codes. Afterwards every completion is in PostgreSQL once (the
pump did not stall, nothing valid was parked), Trendyol heard each parcel's Picking once, every label
printed, and the window is the size it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli_w
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from packstation.composition import AppContext, start_services
from packstation.config import Settings, load_settings
from packstation.db.connect import Database
from packstation.db.models.packages import PackageLineRow, PackageRow, PackEvent
from packstation.db.models.sync import OutboxEntry
from packstation.devices.scanners.base import Scanner
from packstation.domain.events import EventBus, LabelPreview, LabelProblem
from packstation.domain.status import OutboxState, PackageStatus, Role
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.access.users import Credentials, UserService
from packstation.services.marketplaces import TrendyolClient
from packstation.services.marketplaces.trendyol.config import TrendyolConfig
from packstation.services.sync.accounts import ensure_accounts
from packstation.services.sync.pull import PackageSync
from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorConfig, SimulatorServer, sim_credentials
from packstation.simulators.trendyol.trendyol_api import LABEL_PREFIXES
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.application import install_scanners
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from tests.devices.scanners.test_serial_scanner import Pty
from tests.support.zebra_sim import ZebraSimulator

pytestmark = pytest.mark.gui

ACCOUNT = "hostile-trendyol"
BADGE = "735519"
PARCELS = 4

#: What a misbehaving scanner, cable or customer puts on the wire (each ends a line unless it is a half-line).
HOSTILE: tuple[bytes, ...] = (
    b"\x00\x00\x00\x00\r",  # NUL padding only
    b"8690\x00\x00123\x00\r",  # NUL inside a code
    b"\x01\x02\x1b[31m\x07\x7f\r",  # C0 controls and an escape sequence
    b"\xc2\x85\xc2\x9bPSCMD\r",  # C1 controls before a command lookalike
    b"\xff\xfe\xfd invalid utf-8 \xc3\x28\r",
    b"A" * 100_000 + b"\r",  # a stuck trigger: 100,000 characters
    b"   \t  \r",  # whitespace only
    b"9" * 6 + b"\r",  # a badge lookalike nobody owns
    b"\x00" * 5_000 + b"B" * 20_000 + b"\r",
)
HALF_LINE = b"86912345"  # no terminator: glued to the next scan, which is then not a real code


@dataclass(frozen=True)
class Parcel:
    """A synced parcel to pack: its ids, tracking number and the item scans it needs."""

    package_id: int
    external_id: str
    tracking: str
    scans: tuple[str, ...]


@pytest.fixture
def trendyol() -> Iterator[tuple[SimulatedMarketplace, SimulatorServer]]:
    sim = SimulatedMarketplace(SimulatorConfig(seed=16, packages=80))
    with SimulatorServer(sim) as server:
        yield sim, server


@pytest.fixture
def pty() -> Iterator[Pty]:
    terminal = Pty()
    yield terminal
    with contextlib.suppress(OSError):  # already closed
        terminal.unplug()


@pytest.fixture
def settings(
    db_url: str, tmp_path: Path, trendyol: tuple[SimulatedMarketplace, SimulatorServer], pty: Pty, monkeypatch
) -> Iterator[tuple[Settings, ZebraSimulator]]:
    sim, server = trendyol
    monkeypatch.setenv("PACKSTATION_SECRET_HOSTILE_TRENDYOL_API_KEY", sim.config.api_key)
    monkeypatch.setenv("PACKSTATION_SECRET_HOSTILE_TRENDYOL_API_SECRET", sim.config.api_secret)
    printer = ZebraSimulator()
    config = {
        "database": {"url": db_url},
        "station": {"name": "hostile-station", "data_dir": str(tmp_path / "station")},
        "printer": {"uri": printer.uri},
        "scanner": {"uri": f"serial://{pty.path}?baud=9600"},
        "marketplaces": [
            {
                "name": ACCOUNT,
                "kind": "trendyol",
                "base_url": server.base_url,
                "seller_id": sim.config.seller_id,
                "client": "Hostile Scans Ltd.",
                "sync_interval_s": 600,
            }
        ],
    }
    path = tmp_path / "config.toml"
    path.write_bytes(tomli_w.dumps(config).encode("utf-8"))
    yield load_settings(path, environ={"XDG_CONFIG_HOME": str(tmp_path)}), printer
    printer.close()


def _synced_parcels(db: Database, settings: Settings, sim: SimulatedMarketplace, base_url: str) -> list[Parcel]:
    """Sync the stand-in into PostgreSQL; the Created parcels that get Trendyol's common label."""
    account_id = ensure_accounts(settings, db.sessions)[ACCOUNT]
    with TrendyolClient(sim_credentials(sim), config=TrendyolConfig(base_url=base_url)) as client:
        PackageSync(db.sessions).sync_account(account_id, client)
    wanted = [
        str(i)
        for i in sim.matching_ids()
        if (p := sim.package(i)) is not None
        and p.status is PackageStatus.CREATED
        and p.carrier_prefix in LABEL_PREFIXES
        and not p.seller_pays
    ]
    parcels = []
    with db.sessions() as session:
        for row in session.scalars(select(PackageRow).where(PackageRow.external_id.in_(wanted))):
            lines = session.scalars(select(PackageLineRow).where(PackageLineRow.package_id == row.id)).all()
            scans = tuple(line.barcode for line in lines for _ in range(line.quantity))
            if row.cargo_tracking_number and 0 < len(scans) <= 4:
                parcels.append(Parcel(row.id, row.external_id, row.cargo_tracking_number, scans))
    assert len(parcels) >= PARCELS, "the stand-in's seed has too few parcels with a common label"
    return parcels[:PARCELS]


def _badge_user(db: Database) -> None:
    users = UserService(db.sessions, credentials=Credentials(db.sessions), audit=AuditLog(db.sessions))
    users.add_user("serial", role=Role.PACKER, password="serial-password", full_name="Şeyma Seri", badge=BADGE)


def _send(pty: Pty, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(pty.master, view)
        view = view[written:]


def _port_open(path: str) -> bool:
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == path:
                return True
        except OSError:
            continue
    return False


def test_hostile_serial_scans_between_real_packing_stop_nothing(
    qtbot: QtBot,
    db: Database,
    settings: tuple[Settings, ZebraSimulator],
    trendyol: tuple[SimulatedMarketplace, SimulatorServer],
    pty: Pty,
) -> None:
    station, printer = settings
    sim, server = trendyol
    parcels = _synced_parcels(db, station, sim, server.base_url)
    _badge_user(db)
    bus = EventBus()
    previews: list[str] = []
    problems: list[tuple[str, str]] = []
    bus.subscribe(lambda e: previews.append(e.package_external_id) if isinstance(e, LabelPreview) else None)
    bus.subscribe(
        lambda e: problems.append((e.package_external_id, e.message)) if isinstance(e, LabelProblem) else None
    )
    context: AppContext = start_services(station, bus, demo=False)
    scanners: list[Scanner] = []
    window = MainWindow(
        station_name="hostile-station", bridge=Bridge(context.bus), demo=False, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    try:
        window.show()
        window.attach(context)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        scanners = install_scanners(app, window, station)
        qtbot.waitUntil(lambda: _port_open(pty.path), timeout=10_000)
        qtbot.wait(300)  # pyserial sets the port raw and flushes it right after opening
        for _ in range(5):  # a scan sent while the port was still being set up is flushed with it
            _send(pty, BADGE.encode() + b"\r")
            try:
                qtbot.waitUntil(lambda: window.user is not None, timeout=3_000)
                break
            except qtbot.TimeoutError:
                continue
        assert window.user is not None, "the badge scanned on the serial scanner logged nobody in"
        qtbot.wait(200)
        before = window.size()
        screen = window.screen().availableGeometry()

        for number, parcel in enumerate(parcels):
            _send(pty, HOSTILE[number % len(HOSTILE)])
            _send(pty, HOSTILE[(number + 5) % len(HOSTILE)])
            _send(pty, parcel.tracking.encode() + b"\r")
            qtbot.waitUntil(
                lambda p=parcel: window.pack.package is not None and window.pack.package.external_id == p.external_id,
                timeout=15_000,
            )
            for index, code in enumerate(parcel.scans):
                for hostile in HOSTILE[index % 3 :: 3]:
                    _send(pty, hostile)
                if index == 0:
                    _send(pty, HALF_LINE)  # glued to the next line: a code that is no item
                    _send(pty, b"\r")
                _send(pty, code.encode() + b"\r")
                qtbot.waitUntil(lambda i=index: window.pack.progress.value() >= i + 1, timeout=15_000)
            qtbot.waitUntil(lambda: not window.pack.is_packing, timeout=15_000)
            assert window.size() == before, f"the window changed size while packing parcel {number}"
            assert window.width() <= screen.width() and window.height() <= screen.height()

        external_ids = [p.external_id for p in parcels]
        qtbot.waitUntil(lambda: set(previews) | {e for e, _m in problems} >= set(external_ids), timeout=30_000)
        assert problems == [], f"labels failed: {problems}"
        journal = Journal(station.data_dir() / "journal.sqlite3")
        try:
            qtbot.waitUntil(lambda: journal.stats().pending == 0, timeout=30_000)
            assert journal.parked_entries() == [], "the pump parked operations"
        finally:
            journal.close()

        def outbox_open() -> int:
            with db.sessions() as session:
                return int(
                    session.scalar(
                        select(func.count()).where(
                            OutboxEntry.state.in_([OutboxState.PENDING.value, OutboxState.IN_FLIGHT.value])
                        )
                    )
                    or 0
                )

        assert context.jobs is not None
        for _ in range(60):  # the leader pushes every 10 s; ask it now, until the outbox is empty
            context.jobs.sync_now()
            qtbot.wait(500)
            if outbox_open() == 0:
                break
        assert outbox_open() == 0, "the outbox did not drain"
    finally:
        for scanner in scanners:
            scanner.stop()
        window.shutdown()
        context.close()

    with db.sessions() as session:
        completes = dict(
            session.execute(
                select(PackEvent.package_id, func.count())
                .where(PackEvent.kind == "complete", PackEvent.package_id.in_([p.package_id for p in parcels]))
                .group_by(PackEvent.package_id)
            ).all()
        )
    assert completes == {p.package_id: 1 for p in parcels}, "every completion in PostgreSQL exactly once"
    for parcel in parcels:
        puts = sim.requests_to("PUT", f"/shipment-packages/{parcel.external_id}")
        assert [r.status < 300 for r in puts] == [True], f"Trendyol heard {parcel.external_id} {len(puts)} times"
        assert sim.package(int(parcel.external_id)).status is PackageStatus.PICKING  # type: ignore[union-attr]
        assert parcel.tracking.encode() in printer.received, f"no label for {parcel.external_id} at the printer"
    assert sorted(previews) == sorted(external_ids), "one label per parcel"
