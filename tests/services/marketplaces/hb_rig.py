"""A Hepsiburada rig for end-to-end tests: the strict HB stand-in, the real client and sync, real
PostgreSQL, one station packing (PackingService), labels to a TCP printer stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.packages import PackageRow
from packstation.devices.printers.print_queue import PrintQueue
from packstation.domain.events import LabelPreview, LabelProblem
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.labels import LabelService
from packstation.services.marketplaces import RetryPolicy, Timeouts
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import OpenOutcome, PackingService, ScanOutcome
from packstation.services.printing.dispatch import LabelDispatcher
from packstation.services.printing.marketplace_label import marketplace_label_source
from packstation.services.station.heartbeat import StationService
from packstation.services.sync.pull import PackageSync
from packstation.simulators.hepsiburada import HbSimConfig, HepsiburadaServer, SimulatedHepsiburada, sim_credentials
from tests.support import wait_until
from tests.support.zebra_sim import ZebraSimulator

ACCOUNT = "hb-magaza"


@dataclass
class Rig:
    """The stand-in, the client, the database account and one station."""

    sim: SimulatedHepsiburada
    client: HepsiburadaClient
    account_id: int
    packing: PackingService
    zebra: ZebraSimulator
    journal: Journal
    pump: JournalPump
    previews: list[LabelPreview]
    problems: list[LabelProblem]
    #: Order (or package key) -> the sim's lines a packer scans for it.
    sim_lines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@pytest.fixture
def rig(db: Database, tmp_path: Path) -> Iterator[Rig]:
    """The rig (a test changes the client's settings with ``rig.client.config = replace(...)``)."""
    sim = SimulatedHepsiburada(HbSimConfig(orders=0, seed=3))
    with HepsiburadaServer(sim) as server:
        config = HepsiburadaConfig(
            oms_url=server.base_url,
            listing_url=server.base_url,  # the stand-in serves the listing host's stock uploads too
            retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, max_total=5.0),
            timeouts=Timeouts(2, 5, 5, 2),
        )
        client = HepsiburadaClient(sim_credentials(sim), config=config)
        with db.sessions.begin() as session:
            company = ClientCompany(name="Güllü Ayakkabı")
            session.add(company)
            session.flush()
            account = MarketplaceAccountRow(
                name=ACCOUNT,
                kind="hepsiburada",
                seller_id=sim.config.merchant_id,
                base_url=server.base_url,
                client_company_id=company.id,
            )
            session.add(account)
            session.flush()
            account_id = account.id
        zebra = ZebraSimulator()
        labels = LabelService()
        queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
        queue.start()
        previews: list[LabelPreview] = []
        problems: list[LabelProblem] = []
        dispatcher = LabelDispatcher(
            labels,
            queue,
            printer_uri=zebra.uri,
            on_preview=previews.append,
            on_problem=problems.append,
            marketplace_label=marketplace_label_source(lambda _account: client, db.sessions),
        )
        station_id = StationService(db.sessions, name="istasyon-1", audit=AuditLog(db.sessions)).register()
        journal = Journal(tmp_path / "journal.sqlite3")
        pump = JournalPump(journal, db.sessions, idle_interval_s=0.1, max_backoff_s=0.5)
        packing = PackingService(
            db.sessions,
            journal=journal,
            claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
            station="istasyon-1",
            clock=lambda: datetime.now(UTC),
            on_journaled=pump.wake,
            on_completed=dispatcher.on_completed,
        )
        pump.start()
        try:
            yield Rig(sim, client, account_id, packing, zebra, journal, pump, previews, problems)
        finally:
            pump.stop()
            dispatcher.close()
            queue.stop()
            zebra.close()
            client.close()


def pack(rig: Rig, order_number: str) -> None:
    """Open ``order_number`` (or a package key) at the station and scan every item of ``rig.sim_lines``."""
    opened = rig.packing.open(order_number, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED, opened.message
    for line in rig.sim_lines[order_number]:
        for _ in range(line["quantity"]):
            result = rig.packing.scan(line["productBarcode"], user_id=None)
            assert result.outcome is ScanOutcome.ACCEPTED, result.message
    assert rig.packing.session is not None and rig.packing.session.is_complete


def sync(db: Database, rig: Rig) -> None:
    """One sync of the rig's account."""
    PackageSync(db.sessions).sync_account(rig.account_id, rig.client)


def stored(db: Database, rig: Rig, order_number: str) -> PackageRow:
    """The stored package keyed ``order_number``, detached."""
    with db.sessions() as session:
        package = session.scalars(
            select(PackageRow).where(PackageRow.account_id == rig.account_id, PackageRow.external_id == order_number)
        ).one()
        session.expunge(package)
        return package


def drain(rig: Rig) -> None:
    """Wait for the station's journal to reach PostgreSQL."""
    wait_until(lambda: not rig.journal.stats().pending, timeout=30, interval=0.1, what="the journal to drain")
