"""A compressed shift on one full station: the real window (Qt offscreen), the real pack screen.

The station packs ``--parcels`` parcels (3,000 by default, about 15,000 scans) synced from the simulated
Trendyol (a quarter of them with Trendyol's common label, see :data:`COMMON_LABEL_SHARE`), with the
marketplace sync and outbox running throughout, PostgreSQL restarted every sixth of the shift (the
station packs on from its offline cache meanwhile) and the TCP printer offline for a while (a minute
from 1,200 parcels on, less in a shorter shift: :func:`printer_offline_seconds`). RSS, threads and open
file handles are sampled every 500 parcels (twelve times in a shorter run), between restarts, with the
station's sockets by where they lead; threads and handles are also counted five times as often, so that
each third of the shift has ten counts, not two. The first third of the shift is the warm-up: RSS growth
is the last sample against the end of the warm-up, of RSS as the station holds it (sampled right after the
release of free memory the station runs every minute; ``rss_found_growth_pct`` is the same of RSS as
found, before it), thread and handle growth the median of the last third's counts against the median of
the first's (``fds_grown`` and ``threads_grown`` name what grew, by kind, end of shift against end of
warm-up). Scan latency is scan to the feedback painted.

Lost: a packed parcel without exactly one ``complete`` in PostgreSQL (missing or recorded twice), not
Picking at the marketplace stand-in once the outbox is empty, or Picking applied there twice. Every
parcel's label must have been made (``label_problems``: labels that could not be; ``labels_not_made``:
neither made nor refused once labels stopped coming for two minutes).

  python -m benchmarks soak --parcels 300
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import selectors
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The simulator's credentials, as a warehouse sets them (the station reads secrets from the environment).
os.environ.setdefault("PACKSTATION_SECRET_BENCH_API_KEY", "sim-api-key")
os.environ.setdefault("PACKSTATION_SECRET_BENCH_API_SECRET", "sim-api-secret")

import psutil

from benchmarks import stations_rig as rig
from benchmarks.common import percentiles, start_simulator
from packstation.db.local_server import LocalPostgres
from packstation.devices.printers.host_status import HOST_STATUS_QUERY, format_host_status
from packstation.domain.status import PICKING_OR_PAST, PackageStatus
from packstation.services.station.memory import release_free_memory

GOALS = {"rss_growth_pct": 10.0, "threads_growth": 0, "fds_growth": 0, "scan_p99_last_vs_first": 1.2, "lost": 0}
SEEDED = 1000  # parcels in PostgreSQL besides the marketplace's (the million is bench_stations' job)
OUTAGE_S = 2.0  # each PostgreSQL restart: down this long, then started again


#: Trendyol allows 100 common-label requests a minute (two per label: create, read), so a station gets at
#: most 50 common labels a minute: far above a packer's pace (one parcel every 20 s), far below a
#: compressed shift's. A quarter of the shift's parcels get one, which the limit lets through as fast as
#: the shift packs them; the rest are on carriers whose label the station prints itself.
COMMON_LABEL_SHARE = 0.25
COMMON_LABEL_CARRIERS = ("733", "726")
#: The issue's shift: 3,000 parcels, 15,000 scans (one scan a unit).
SCANS_PER_PARCEL = 5.0


def mixed(
    ready: list[dict[str, Any]], count: int, *, common_share: float, scans_per_parcel: float = SCANS_PER_PARCEL
) -> list[dict[str, Any]]:
    """``count`` parcels in their order, ``common_share`` of them with a common label, spread evenly, and
    about ``scans_per_parcel`` scans a parcel over the shift.

    The stand-in's parcels hold 3.6 units on average and few of them go by carriers without a common label,
    so the own-label parcels are taken as they come and the common-label parcels (plentiful) are chosen
    by size to bring the shift to its scans: those closest to the size still needed, in their order.
    """
    common = [p for p in ready if p["tracking"][:3] in COMMON_LABEL_CARRIERS]
    own = [p for p in ready if p["tracking"][:3] not in COMMON_LABEL_CARRIERS]
    wanted = round(count * common_share)
    if len(common) < wanted or len(own) < count - wanted:
        raise RuntimeError(f"the stand-in has too few ready parcels: {len(common)} common, {len(own)} own label")
    own = own[: count - wanted]
    if wanted:
        size = (count * scans_per_parcel - sum(len(p["scans"]) for p in own)) / wanted
        chosen = {id(p) for p in sorted(common, key=lambda p: abs(len(p["scans"]) - size))[:wanted]}
        common = [p for p in common if id(p) in chosen]
    shift: list[dict[str, Any]] = []
    taken = 0
    for index in range(count):
        if taken < wanted and (index + 1) * common_share >= taken + 1:
            shift.append(common[taken])
            taken += 1
        else:
            shift.append(own[index - taken])
    return shift


def printer_offline_seconds(parcels: int) -> float:
    """The printer's time offline, scaled to the shift: a minute for 1,200 parcels or more, 10 s for 200."""
    return float(min(60, max(5, round(parcels / 20))))


class SwitchablePrinter:
    """A TCP printer on loopback that can be switched off for a while (listener closed, connections dropped).

    It runs in the measured process, so it is built not to blur the measurement: one thread serves it (a
    selector), a constant in the thread count, and its own sockets (:meth:`own_fds`) are taken off the
    station's open handles.
    """

    def __init__(self) -> None:
        self.port = 0
        self.received = 0
        self._selector = selectors.DefaultSelector()
        self._listener: socket.socket | None = None
        self._clients: set[socket.socket] = set()
        self._off_until = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listen()
        self._thread = threading.Thread(target=self._serve, name="bench-printer", daemon=True)
        self._thread.start()

    def offline_for(self, seconds: float) -> None:
        """Switch the printer off now, and on again ``seconds`` later."""
        with self._lock:
            self._off_until = time.monotonic() + seconds

    def own_fds(self) -> set[int]:
        """Open handles that are the stand-in's, not the station's: its listener and accepted connections."""
        with self._lock:
            return {sock.fileno() for sock in (*self._clients, *([self._listener] if self._listener else []))}

    def close(self) -> None:
        """Stop serving and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._switch_off()
        self._selector.close()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        listener.setblocking(False)
        self._selector.register(listener, selectors.EVENT_READ)
        with self._lock:
            self.port = listener.getsockname()[1]
            self._listener = listener

    def _switch_off(self) -> None:
        with self._lock:
            doomed = [*self._clients, *([self._listener] if self._listener is not None else [])]
            self._clients.clear()
            self._listener = None
        for sock in doomed:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)
            sock.close()

    def _drop(self, client: socket.socket) -> None:
        with self._lock:
            self._clients.discard(client)
        self._selector.unregister(client)
        client.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                off, listening = time.monotonic() < self._off_until, self._listener is not None
            if off and listening:
                self._switch_off()
            elif not off and not listening:
                self._listen()
            if off:
                self._stop.wait(0.05)
                continue
            for key, _mask in self._selector.select(timeout=0.1):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self._listener:
                    with contextlib.suppress(BlockingIOError):
                        client, _address = sock.accept()
                        client.setblocking(False)
                        self._selector.register(client, selectors.EVENT_READ)
                        with self._lock:
                            self._clients.add(client)
                    continue
                try:
                    data = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    self._drop(sock)
                    continue
                if HOST_STATUS_QUERY in data:  # a ready Zebra answers the print queue's status query
                    with contextlib.suppress(OSError):
                        sock.sendall(format_host_status())
                self.received += len(data)


def _count(process: psutil.Process, printer: SwitchablePrinter) -> dict[str, int]:
    """The station's threads and open handles (the printer stand-in's sockets taken off)."""
    return {"threads": process.num_threads(), "fds": process.num_fds() - len(printer.own_fds())}


def _process_sample(process: psutil.Process, printer: SwitchablePrinter, ports: Mapping[int, str]) -> dict[str, object]:
    """RSS as found and as the station holds it (right after its own minute's release of free memory,
    run now: what it found depends on how long ago the last one ran), threads, open handles, and its
    sockets by where they lead (what a handle more or less at one sample was)."""
    found = process.memory_info().rss
    release_free_memory()
    kinds = fd_kinds(process, ports, besides=printer.own_fds())
    return {
        "rss_found_mb": round(found / 2**20, 1),
        "rss_mb": round(process.memory_info().rss / 2**20, 1),
        **_count(process, printer),
        "sockets": {kind: n for kind, n in sorted(kinds.items()) if kind.startswith("socket")},
    }


def fd_kinds(
    process: psutil.Process, ports: Mapping[int, str] | None = None, *, besides: Collection[int] = ()
) -> Counter[str]:
    """The process's open handles but ``besides`` by kind: a file by name, a socket by where it leads
    (``ports`` names the ports it knows: PostgreSQL, the marketplace, the printer), pipes, event fds.

    Two of these taken apart show what a handle leak is made of (``fds_grown``).
    """
    sockets = {}
    for connection in process.net_connections(kind="all"):
        remote = connection.raddr
        if isinstance(remote, tuple) and remote:
            sockets[connection.fd] = f"socket to {(ports or {}).get(remote[1], f'port {remote[1]}')}"
        elif connection.laddr and isinstance(connection.laddr, tuple):
            sockets[connection.fd] = "listening socket"
        else:
            sockets[connection.fd] = "socket (unix)"
    kinds: Counter[str] = Counter()
    for name in os.listdir(f"/proc/{process.pid}/fd"):
        if int(name) in besides:
            continue
        try:
            target = os.readlink(f"/proc/{process.pid}/fd/{name}")
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:"):
            kinds[sockets.get(int(name), "socket")] += 1
        elif target.startswith(("pipe:", "anon_inode:")):
            kinds[target.split("[")[0].rstrip(":") if target.startswith("pipe:") else target] += 1
        else:
            kinds[Path(target).name] += 1
    return kinds


def thread_kinds(process: psutil.Process) -> Counter[str]:
    """The process's threads by name: Python's name where the thread is Python's, else the name the system
    knows it by (Qt names its pool's threads), with numbers taken out (``ThreadPoolExecutor-3_1`` is one
    of ``ThreadPoolExecutor-#_#``).

    Two of these taken apart show what thread growth is made of (``threads_grown``).
    """
    python = {thread.native_id: thread.name for thread in threading.enumerate()}
    kinds: Counter[str] = Counter()
    for thread in process.threads():
        name = python.get(thread.id)
        if name is None:
            try:
                name = Path(f"/proc/{process.pid}/task/{thread.id}/comm").read_text().strip()
            except OSError:
                continue  # ended meanwhile
        kinds[re.sub(r"\d+", "#", name)] += 1
    return kinds


def growth(counts: Sequence[Mapping[str, int]], key: str, *, warm_to: int, late_from: int) -> float:
    """How far ``key`` (threads, handles) rose: the median of the counts after ``late_from`` parcels
    against the median of those up to ``warm_to``.

    Medians, not peaks: a thread of Qt's pool or a connection open for a moment at one count is not growth,
    while a leak moves the whole last third up.
    """
    early = [count[key] for count in counts if count["parcels"] <= warm_to]
    late = [count[key] for count in counts if count["parcels"] > late_from]
    return statistics.median(late) - statistics.median(early)


def _outage(server: LocalPostgres, seconds: float) -> threading.Thread:
    def cycle() -> None:
        server.stop("fast")
        time.sleep(seconds)
        server.start()

    thread = threading.Thread(target=cycle, name="pg-restart", daemon=True)
    thread.start()
    return thread


def _shift(
    url: str,
    server: LocalPostgres,
    simulator: str,
    parcels: list[dict[str, Any]],
    folder: Path,
    *,
    printer_offline_s: float,
) -> dict:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from packstation.composition import start_services
    from packstation.domain.events import EventBus, LabelPreview, LabelProblem
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
    bus = EventBus()
    labelled: Counter[str] = Counter()
    label_problems: dict[str, str] = {}

    def on_event(event: object) -> None:
        if isinstance(event, LabelPreview):
            labelled[event.package_external_id] += 1
        elif isinstance(event, LabelProblem):
            label_problems[event.package_external_id] = event.message

    bus.subscribe(on_event)
    context = start_services(settings, bus, demo=False)
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

    def wait_while_coming(count: Callable[[], int], target: int, stall_s: float) -> None:
        """Wait until ``count()`` reaches ``target`` for as long as it keeps rising (``stall_s`` at most
        without a step): Trendyol's 50 common labels a minute, not the station, set how long a compressed
        shift's labels take to catch up."""
        seen, moved = count(), time.monotonic()
        while count() < target:
            if count() != seen:
                seen, moved = count(), time.monotonic()
            elif time.monotonic() - moved > stall_s:
                return
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)

    window.handle_scan("424242")
    wait_until(lambda: window.user is not None, "login")
    done = [0]
    window.worker.scanned.connect(lambda *_args: done.__setitem__(0, done[0] + 1))  # type: ignore[union-attr]
    process = psutil.Process()
    # Every 500 parcels in a full shift; a short one is sampled twelve times, so that the peaks of its first
    # and last thirds compare four samples each rather than two (a connection opened for a moment is not a leak).
    every = 500 if len(parcels) >= 3000 else max(1, len(parcels) // 12)
    # Threads and handles are also counted five times as often: a median of two counts (a third of a full
    # shift's samples) is their mean, and one keep-alive connection open at one of them would read as growth.
    count_every = max(1, every // 5)
    warm_samples = max(1, len(parcels) // every // 3)
    restart_every = max(1, len(parcels) // 6)
    samples: list[dict[str, Any]] = []
    counts: list[dict[str, int]] = []
    count_due = False
    per_parcel: list[list[float]] = []
    packed: list[str] = []
    offline_printer_at = len(parcels) // 3
    outages: list[threading.Thread] = []
    restarts_due = 0
    handles: dict[str, Counter[str]] = {}
    threads: dict[str, Counter[str]] = {}
    ports = {server.port: "PostgreSQL", urlsplit(simulator).port or 0: "the marketplace", printer.port: "the printer"}

    def take_stock(when: str) -> None:
        """The station's open handles and threads by kind, kept as ``when`` (``warm``, ``end``)."""
        handles[when] = fd_kinds(process, ports, besides=printer.own_fds())
        threads[when] = thread_kinds(process)

    phases: dict[str, float] = {}
    shift_started = time.monotonic()
    try:
        for index, parcel in enumerate(parcels):
            if index and index % restart_every == 0:
                restarts_due += 1
            if restarts_due and (not outages or not outages[-1].is_alive()):  # one outage at a time
                restarts_due -= 1
                outages.append(_outage(server, OUTAGE_S))
            if index == offline_printer_at:
                printer.offline_for(printer_offline_s)
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
            count_due = count_due or (index + 1) % count_every == 0
            if (index + 1) % every == 0:
                if outages:
                    # The restart's own pg_ctl (its pipes) belongs to the benchmark, not the station: sample
                    # between restarts.
                    outages[-1].join(timeout=120)
                samples.append({"parcels": index + 1, **_process_sample(process, printer, ports)})
                counts.append({key: samples[-1][key] for key in ("parcels", "threads", "fds")})
                count_due = False
                if len(samples) == warm_samples:
                    take_stock("warm")
            elif count_due and not (outages and outages[-1].is_alive()):  # a count waits for the restart's end
                counts.append({"parcels": index + 1, **_count(process, printer)})
                count_due = False
        for outage in outages:
            outage.join(timeout=120)
        take_stock("end")
        phases["packing_s"] = time.monotonic() - shift_started
        for outage in outages:  # PostgreSQL is up again before the shift is judged
            outage.join(timeout=120)
        # The station stays up, as at the end of a real shift, until the journal reached PostgreSQL, every
        # label reached the printer and the outbox reached the marketplace (the leader pushes every 10 s).
        journal = Journal(settings.data_dir() / "journal.sqlite3")
        wait_until(lambda: journal.stats().pending == 0, "journal drained", timeout_s=180)
        journal.close()
        wait_while_coming(lambda: len(labelled) + len(label_problems), len(packed), stall_s=120)
        phases["journal_and_labels_s"] = time.monotonic() - shift_started - phases["packing_s"]
        jobs = context.jobs
        assert jobs is not None, "the soak station syncs a marketplace"
        drained, outbox_left = _drained(
            server,
            wait=lambda: app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100),
            push_now=lambda: jobs.push_now(include_waiting=True),
        )
        phases["outbox_s"] = time.monotonic() - shift_started - sum(phases.values())
    finally:
        for outage in outages:
            outage.join(timeout=120)
        window.shutdown()
        window.close()
        context.close()
        app.processEvents()
        printer.close()
    grown = handles.get("end", Counter()) - handles.get("warm", Counter())
    threads_grown = threads.get("end", Counter()) - threads.get("warm", Counter())
    return {
        "samples": samples,
        "counts": counts,
        "per_parcel": per_parcel,
        "packed": packed,
        "outages": len(outages),
        "drained": drained,
        "outbox_left": outbox_left,
        "label_problems": label_problems,
        "labels_not_made": [p for p in packed if p not in labelled and p not in label_problems],
        "labelled_twice": sorted(e for e, n in labelled.items() if n > 1),
        "fds_grown": dict(grown),
        "threads_grown": dict(threads_grown),
        "phases": {name: round(seconds, 1) for name, seconds in phases.items()},
    }


def _lost(server: LocalPostgres, simulator: str, packed: list[str]) -> dict[str, int]:
    """Parcels packed on screen but not exactly once in PostgreSQL, or not Picking at the marketplace."""
    from packstation.services.marketplaces import TrendyolCredentials
    from packstation.services.marketplaces.ratelimit import RateLimit
    from packstation.services.marketplaces.trendyol.client import TrendyolClient
    from packstation.services.marketplaces.trendyol.config import TrendyolConfig, TrendyolLimits

    connection = rig.admin(server)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.external_id, count(e.op_id) FROM packages p LEFT JOIN pack_events e"
            " ON e.package_id = p.id AND e.kind = 'complete' WHERE p.external_id = ANY(%s) GROUP BY 1",
            (packed,),
        )
        completes = dict(cursor.fetchall())
    connection.close()
    # The judge reads the stand-in without the station's client-side limits (30 listings a minute would
    # make reading 3,000 parcels back take longer than the shift).
    unlimited = TrendyolLimits(**{name: RateLimit(100_000, 1.0) for name in TrendyolLimits.__dataclass_fields__})
    client = TrendyolClient(
        TrendyolCredentials("100200", "sim-api-key", "sim-api-secret"),
        config=TrendyolConfig(base_url=simulator, limits=unlimited),
    )
    not_picking = twice_at_marketplace = 0
    try:
        for external_id in packed:
            remote = client.get_package(external_id)
            if remote is None or remote.status not in PICKING_OR_PAST:
                not_picking += 1
                continue
            # The stand-in's history of the package: each status it applied, when. Picking applied twice
            # (it refuses Picking on Picking, so only a reset in between could) would be a status sent twice.
            history = [entry.get("status") for entry in remote.raw.get("packageHistories") or ()]
            if history.count(PackageStatus.PICKING.value) > 1:
                twice_at_marketplace += 1
    finally:
        client.close()
    return {
        "missing_in_postgres": sum(1 for e in packed if completes.get(e, 0) == 0),
        "recorded_twice": sum(1 for e in packed if completes.get(e, 0) > 1),
        "missing_at_marketplace": not_picking,
        "twice_at_marketplace": twice_at_marketplace,
    }


def _drained(
    server: LocalPostgres, wait: Callable[[], None], push_now: Callable[[], None], timeout_s: float = 180
) -> tuple[bool, list[str]]:
    """Every parcel's statuses pushed: no outbox row still pending. The leader pushes every 10 s; at the end
    of the shift it is asked every 5 s to push now, rows in back-off included, as "send now" would.

    Returns whether it drained, and the rows still open if not (state, attempts, last error).
    """
    deadline = time.monotonic() + timeout_s
    nudged = 0.0
    left: list[str] = []
    while time.monotonic() < deadline:
        if time.monotonic() - nudged >= 5:
            push_now()
            nudged = time.monotonic()
        connection = rig.admin(server)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT business_key, state, attempts, left(coalesce(last_error, ''), 160),"
                " round(extract(epoch FROM next_attempt_at - now())) FROM marketplace_outbox"
                " WHERE state IN ('pending', 'in_flight') ORDER BY id"
            )
            left = [" ".join(str(value) for value in row) for row in cursor.fetchall()]
        connection.close()
        if not left:
            return True, []
        deadline_step = time.monotonic() + 1
        while time.monotonic() < deadline_step:
            wait()
    return False, [f"{len(left)} open, e.g.", *left[:5]]


def run(argv: list[str] | None = None) -> dict[str, object]:
    """Seed, sync, run the shift, and judge it against the goals."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks soak", description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=3000)
    parser.add_argument(
        "--common-labels",
        type=float,
        default=COMMON_LABEL_SHARE,
        help="share of parcels with Trendyol's common label (default %(default)s; see mixed())",
    )
    parser.add_argument(
        "--printer-offline-s",
        type=float,
        default=None,
        help="seconds the printer is offline (default: scaled to the shift, 60 s from 1,200 parcels)",
    )
    args = parser.parse_args(argv or [])
    offline_s = args.printer_offline_s if args.printer_offline_s is not None else printer_offline_seconds(args.parcels)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = LocalPostgres(folder / "pg", durable=True)
        server.init()
        server.start()
        simulator_process = None
        try:
            url, _users = rig.seed(server, packers=0, packages=SEEDED)
            rig.add_badge_user(url, "424242")
            # Enough of the marketplace's parcels for the own-label share (a fifth of its parcels go by carriers
            # without a common label).
            simulator_process, simulator = start_simulator(seed=23, packages=args.parcels * 5 + 100)
            rig.sync_marketplace(url, simulator)
            ready = rig.ready_parcels(server, SEEDED, units=(1, 99), own_label_only=False)
            parcels = mixed(ready, args.parcels, common_share=args.common_labels)
            started = time.perf_counter()
            shift = _shift(url, server, simulator, parcels, folder / "station", printer_offline_s=offline_s)
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
    late_from = samples[-third - 1]["parcels"] if len(samples) > third else 0  # the sample that opens the last third
    result: dict[str, object] = {
        "parcels": len(per_parcel),
        "scans": sum(len(p) for p in per_parcel),
        "seconds": round(seconds, 1),
        "postgres_restarts": shift["outages"],
        "printer_offline_s": offline_s,
        "common_label_parcels": sum(1 for p in parcels if p["tracking"][:3] in COMMON_LABEL_CARRIERS),
        "rss_growth_pct": round((end["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"] * 100, 1),
        # The same, sampled as found: a minute's freed memory more or less, by when the last release ran.
        "rss_found_growth_pct": round((end["rss_found_mb"] - warm["rss_found_mb"]) / warm["rss_found_mb"] * 100, 1),
        "threads_growth": growth(shift["counts"], "threads", warm_to=warm["parcels"], late_from=late_from),
        "fds_growth": growth(shift["counts"], "fds", warm_to=warm["parcels"], late_from=late_from),
        "fds_grown": shift["fds_grown"],
        "threads_grown": shift["threads_grown"],
        "fds_counted": [c["fds"] for c in shift["counts"]],
        "threads_counted": [c["threads"] for c in shift["counts"]],
        "scan_p99_first_ms": first["p99_ms"],
        "scan_p99_last_ms": last["p99_ms"],
        "first_last_parcels": edge,
        "lost": sum(lost.values()),
        "lost_detail": lost,
        "outbox_drained": shift["drained"],
        "outbox_left": shift["outbox_left"],
        "label_problems": len(shift["label_problems"]),
        "labels_not_made": len(shift["labels_not_made"]),
        "labels_not_made_examples": shift["labels_not_made"][:5],
        "label_problem_examples": dict(list(shift["label_problems"].items())[:3]),
        "labelled_twice": len(shift["labelled_twice"]),
        "phases_s": shift["phases"],
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
