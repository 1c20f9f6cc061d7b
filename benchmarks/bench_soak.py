"""A compressed shift on one full station: the real window (Qt offscreen), the real pack screen.

The station packs ``--parcels`` parcels (3,000 by default, about 15,000 scans) synced from the simulated
Trendyol, with the marketplace sync and outbox running throughout, PostgreSQL restarted every sixth of
the shift (the station packs on from its offline cache meanwhile) and the TCP printer offline for a
minute. RSS, threads and open file handles are sampled every 500 parcels (every sixth of a shorter
run); the first third of the shift is the warm-up: RSS growth is the last sample against the end of
the warm-up, thread and handle growth the peak of the last third against the peak of the first.
Scan latency is scan to the feedback painted.

Lost: a packed parcel without exactly one ``complete`` in PostgreSQL (missing or recorded twice), or
not Picking at the marketplace stand-in once the outbox is empty.

  python -m benchmarks soak --parcels 300
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The simulator's credentials, as a warehouse sets them (the station reads secrets from the environment).
os.environ.setdefault("PACKSTATION_SECRET_BENCH_API_KEY", "sim-api-key")
os.environ.setdefault("PACKSTATION_SECRET_BENCH_API_SECRET", "sim-api-secret")

import psutil

from benchmarks import stations_rig as rig
from benchmarks.common import percentiles, start_simulator
from packstation.db.local_server import LocalPostgres
from packstation.devices.printers.host_status import HOST_STATUS_QUERY, format_host_status

GOALS = {"rss_growth_pct": 10.0, "threads_growth": 0, "fds_growth": 0, "scan_p99_last_vs_first": 1.2, "lost": 0}
SEEDED = 1000  # parcels in PostgreSQL besides the marketplace's (the million is bench_stations' job)


class SwitchablePrinter:
    """A TCP printer on loopback that can be switched off (listener closed, connections dropped)."""

    def __init__(self) -> None:
        self.port = 0
        self.received = 0
        self._listener: Any = None
        self._stop = threading.Event()
        self.switch(on=True)

    def switch(self, *, on: bool) -> None:
        import socket

        if not on:
            listener, self._listener = self._listener, None
            if listener is not None:
                listener.close()
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(4)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: Any) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(client, listener), daemon=True).start()

    def _read(self, client: Any, listener: Any) -> None:
        with client:
            client.settimeout(1.0)
            while self._listener is listener:
                try:
                    data = client.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                if HOST_STATUS_QUERY in data:  # a ready Zebra answers the print queue's status query
                    client.sendall(format_host_status())
                self.received += len(data)


def _process_sample(process: psutil.Process) -> dict[str, float]:
    return {
        "rss_mb": round(process.memory_info().rss / 2**20, 1),
        "threads": process.num_threads(),
        "fds": process.num_fds(),
    }


def _outage(server: LocalPostgres, seconds: float) -> threading.Thread:
    def cycle() -> None:
        server.stop("fast")
        time.sleep(seconds)
        server.start()

    thread = threading.Thread(target=cycle, name="pg-restart", daemon=True)
    thread.start()
    return thread


def _printer_offline(printer: SwitchablePrinter, seconds: float) -> None:
    printer.switch(on=False)
    threading.Timer(seconds, lambda: printer.switch(on=True)).start()


def _shift(url: str, server: LocalPostgres, simulator: str, parcels: list[dict[str, Any]], folder: Path) -> dict:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from packstation.composition import start_services
    from packstation.domain.events import EventBus
    from packstation.local_store.journal import Journal
    from packstation.ui.platform.sounds import SoundBoard
    from packstation.ui.shell.bridge import Bridge
    from packstation.ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    printer = SwitchablePrinter()
    settings = rig.station_settings(
        {
            "url": url,
            "name": "soak-station",
            "folder": str(folder),
            "printer": f"tcp://127.0.0.1:{printer.port}",
            "simulator": simulator,
        }
    )
    context = start_services(settings, EventBus(), demo=False)
    window = MainWindow(station_name="soak", bridge=Bridge(context.bus), demo=False, sounds=SoundBoard(enabled=False))
    window.show()
    window.attach(context)

    def wait_until(condition: Any, what: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        if not condition():
            shown = window.pack.package.external_id if window.pack.package is not None else None
            raise TimeoutError(f"the station did not answer in time: {what} (on screen: {shown})")

    window.handle_scan("424242")
    wait_until(lambda: window.user is not None, "login")
    done = [0]
    window.worker.scanned.connect(lambda *_args: done.__setitem__(0, done[0] + 1))  # type: ignore[union-attr]
    process = psutil.Process()
    every = 500 if len(parcels) >= 3000 else max(1, len(parcels) // 6)
    restart_every = max(1, len(parcels) // 6)
    samples: list[dict[str, float]] = []
    per_parcel: list[list[float]] = []
    packed: list[str] = []
    offline_printer_at = len(parcels) // 3
    outages: list[threading.Thread] = []
    try:
        for index, parcel in enumerate(parcels):
            if index and index % restart_every == 0:
                outages.append(_outage(server, 3.0))
            if index == offline_printer_at:
                _printer_offline(printer, 60.0)
            window.handle_scan(parcel["tracking"])
            wait_until(
                lambda p=parcel: (
                    window.pack.package is not None and window.pack.package.external_id == p["external_id"]
                ),
                f"open parcel {index} {parcel['external_id']}",
            )
            times = []
            for code in parcel["scans"]:
                before = done[0]
                started = time.perf_counter()
                window.handle_scan(code)
                wait_until(lambda before=before: done[0] > before, f"scan {code} of parcel {index}")
                window.pack.feedback.repaint()
                times.append(time.perf_counter() - started)
            wait_until(lambda: not window.pack.is_packing, f"parcel {index} complete on screen")
            per_parcel.append(times)
            packed.append(parcel["external_id"])
            if (index + 1) % every == 0:
                samples.append({"parcels": index + 1, **_process_sample(process)})
        for outage in outages:  # PostgreSQL is up again before the shift is judged
            outage.join(timeout=120)
        # The station stays up, as at the end of a real shift, until the journal reached PostgreSQL and the
        # outbox reached the marketplace (the leader pushes every 10 s).
        journal = Journal(settings.data_dir() / "journal.sqlite3")
        wait_until(lambda: journal.stats().pending == 0, "journal drained", timeout_s=180)
        journal.close()
        drained = _drained(server, wait=lambda: app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100))
    finally:
        for outage in outages:
            outage.join(timeout=120)
        window.shutdown()
        window.close()
        context.close()
        app.processEvents()
        printer.switch(on=False)
    return {"samples": samples, "per_parcel": per_parcel, "packed": packed, "outages": len(outages), "drained": drained}


def _picked() -> set[Any]:
    from packstation.services.marketplaces.models import PackageStatus

    return {PackageStatus.PICKING, PackageStatus.INVOICED, PackageStatus.SHIPPED}


def _lost(server: LocalPostgres, simulator: str, packed: list[str]) -> dict[str, int]:
    """Parcels packed on screen but not exactly once in PostgreSQL, or not Picking at the marketplace."""
    from packstation.services.marketplaces import TrendyolCredentials
    from packstation.services.marketplaces.trendyol.client import TrendyolClient
    from packstation.services.marketplaces.trendyol.config import TrendyolConfig

    connection = rig.admin(server)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.external_id, count(e.op_id) FROM packages p LEFT JOIN pack_events e"
            " ON e.package_id = p.id AND e.kind = 'complete' WHERE p.external_id = ANY(%s) GROUP BY 1",
            (packed,),
        )
        completes = dict(cursor.fetchall())
    connection.close()
    client = TrendyolClient(
        TrendyolCredentials("100200", "sim-api-key", "sim-api-secret"), config=TrendyolConfig(base_url=simulator)
    )
    picked = _picked()
    try:
        not_picking = 0
        for external_id in packed:
            remote = client.get_package(external_id)
            if remote is None or remote.status not in picked:
                not_picking += 1
    finally:
        client.close()
    return {
        "missing_in_postgres": sum(1 for e in packed if completes.get(e, 0) == 0),
        "recorded_twice": sum(1 for e in packed if completes.get(e, 0) > 1),
        "missing_at_marketplace": not_picking,
    }


def _drained(server: LocalPostgres, wait: Callable[[], None], timeout_s: float = 180) -> bool:
    """Every parcel's statuses pushed: no outbox row still pending (the leader pushes every 10 s)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        connection = rig.admin(server)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM marketplace_outbox WHERE state IN ('pending', 'in_flight')")
            pending = cursor.fetchone()[0]
        connection.close()
        if pending == 0:
            return True
        deadline_step = time.monotonic() + 1
        while time.monotonic() < deadline_step:
            wait()
    return False


def run(argv: list[str] | None = None) -> dict[str, object]:
    """Seed, sync, run the shift, and judge it against the goals."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks soak", description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=3000)
    args = parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = LocalPostgres(folder / "pg", durable=True)
        server.init()
        server.start()
        simulator_process = None
        try:
            url, _users = rig.seed(server, packers=0, packages=SEEDED)
            rig.add_badge_user(url, "424242")
            simulator_process, simulator = start_simulator(seed=23, packages=int(args.parcels / 0.6) + 100)
            rig.sync_marketplace(url, simulator)
            parcels = rig.ready_parcels(server, SEEDED, units=(1, 99), own_label_only=False)[: args.parcels]
            started = time.perf_counter()
            shift = _shift(url, server, simulator, parcels, folder / "station")
            seconds = time.perf_counter() - started
            lost = _lost(server, simulator, shift["packed"])
        finally:
            if simulator_process is not None:
                simulator_process.terminate()
                simulator_process.wait(timeout=10)
            server.destroy()
    per_parcel, samples = shift["per_parcel"], shift["samples"]
    edge = min(500, max(1, len(per_parcel) // 3))
    first = percentiles([s for p in per_parcel[:edge] for s in p])
    last = percentiles([s for p in per_parcel[-edge:] for s in p])
    # Warm-up is the first third of the shift (thread pools and caches fill on first use); a leak shows as
    # the last third above it.
    third = max(1, len(samples) // 3)
    warm, end = samples[third - 1], samples[-1]
    early, late = samples[:third], samples[-third:]
    result: dict[str, object] = {
        "parcels": len(per_parcel),
        "scans": sum(len(p) for p in per_parcel),
        "seconds": round(seconds, 1),
        "postgres_restarts": shift["outages"],
        "printer_offline_s": 60,
        "rss_growth_pct": round((end["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"] * 100, 1),
        "threads_growth": max(s["threads"] for s in late) - max(s["threads"] for s in early),
        "fds_growth": max(s["fds"] for s in late) - max(s["fds"] for s in early),
        "scan_p99_first_ms": first["p99_ms"],
        "scan_p99_last_ms": last["p99_ms"],
        "first_last_parcels": edge,
        "lost": sum(lost.values()),
        "lost_detail": lost,
        "outbox_drained": shift["drained"],
        "samples": samples,
        "goals": GOALS,
    }
    result["met"] = {
        "rss_growth_pct": result["rss_growth_pct"] <= GOALS["rss_growth_pct"],  # type: ignore[operator]
        "threads_growth": result["threads_growth"] <= 0,  # type: ignore[operator]
        "fds_growth": result["fds_growth"] <= 0,  # type: ignore[operator]
        "scan_p99_last_vs_first": last["p99_ms"] <= first["p99_ms"] * GOALS["scan_p99_last_vs_first"],
        "lost": result["lost"] == 0,
    }
    return result


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(sys.argv[1:]), indent=2, ensure_ascii=False))
