"""The simulated Trendyol seller account: packages (lazy base + changed overlay), stock, labels.

Base packages are generated on demand from the seed; every package that changes (status, unsupplied,
cancel) or is added at runtime lives in the overlay with a fresh modification stamp, so listings sorted
by modification time put it first, as Trendyol's do. All times inside are true UTC epoch ms.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from packstation.domain.status import PackageStatus
from packstation.simulators.trendyol.catalog import (
    BASE_ORDER_NUMBER,
    BASE_PACKAGE_ID,
    CARRIERS,
    NEW_LINE_ID,
    NEW_PACKAGE_ID,
    Naming,
    SimLine,
    SimPackage,
    SimProduct,
    base_status,
    build_catalogue,
    generate_base_package,
    random_customer,
    random_lines,
    tracking_number,
)
from packstation.simulators.trendyol.claims import SimClaims
from packstation.simulators.trendyol.faults import FaultBook, FaultPlan
from packstation.simulators.trendyol.limits import BurstGuard

_DAY_MS = 86_400_000


@dataclass(frozen=True)
class SimulatorConfig:
    """The simulated account."""

    seed: int = 1
    packages: int = 200
    seller_id: str = "100200"
    api_key: str = "sim-api-key"
    api_secret: str = "sim-api-secret"
    naming: Naming = Naming.MIXED
    #: The generated orders spread over this many days before ``anchor_ms`` (default: start time).
    span_days: float = 10.0
    anchor_ms: int | None = None
    #: Requests allowed per endpoint within ``burst_seconds`` (Trendyol: 50 per 10 s); None: no limit
    #: (benchmarks measuring the client's own speed turn it off).
    burst_limit: int | None = 50
    burst_seconds: float = 10.0
    #: Answer the old paged list ``/order/sellers/{id}/orders`` with 426, as Trendyol does since the
    #: v2 list replaced it (switched off 15 Oct 2026, FACTS.md §1b).
    retire_old_paged: bool = True
    #: Read the stream's ``lastModifiedStartDate/EndDate`` as plain UTC epochs instead of "GMT+3" ones. The
    #: spec says only "Unix timestamp in milliseconds" (a third party says GMT+3): this is the misreading a
    #: client's window overlap must survive.
    stream_dates_as_utc: bool = False

    def __post_init__(self) -> None:
        if self.packages < 0:
            raise ValueError(f"package count must not be negative, got {self.packages}")


@dataclass(frozen=True)
class RecordedRequest:
    """What the simulator received (for tests to check what a client sent)."""

    method: str
    path: str
    query: str
    status: int
    user_agent: str
    body: bytes
    #: When it arrived (monotonic seconds): tests measure request rates from it.
    at: float = dataclasses.field(default_factory=time.monotonic)


@dataclass(frozen=True)
class ListFilter:
    """A listing's filters, in true UTC ms."""

    statuses: frozenset[PackageStatus] = frozenset()
    lm_from: int | None = None
    lm_to: int | None = None


class SimulatedMarketplace:
    """The account's state; thread-safe (the HTTP server serves requests on many threads)."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        limit = self.config.burst_limit
        self.burst = BurstGuard(limit, self.config.burst_seconds) if limit else None
        self.catalogue: tuple[SimProduct, ...] = build_catalogue(self.config.seed)
        self.products_by_barcode = {product.barcode: product for product in self.catalogue}
        self.faults = FaultBook()
        self.claims = SimClaims()
        self.requests: list[RecordedRequest] = []
        self.stock: dict[str, int] = {}
        self.batches: dict[str, dict[str, object]] = {}
        self.recent_stock_bodies: dict[bytes, float] = {}
        #: Common labels by tracking number, one ZPL per box.
        self.labels: dict[str, list[str]] = {}
        #: Every common-label request body received (with its tracking number), in order.
        self.label_requests: list[dict[str, Any]] = []
        #: Each package's newest version as encoded JSON: id -> (stamp, status, bytes); see ``render``.
        self.rendered: dict[int, tuple[int, str, bytes]] = {}
        self.lock = threading.RLock()
        anchor = self.config.anchor_ms or (int(time.time()) // 60) * 60_000
        span = int(self.config.span_days * _DAY_MS)
        self.anchor_ms = anchor
        self.step_ms = max(1000, span // max(1, self.config.packages))
        self.first_ms = anchor - self.step_ms * self.config.packages
        self._overlay: dict[int, SimPackage] = {}
        self._touched: list[tuple[int, int]] = []  # (last_modified_ms, package id), rising
        self._last_stamp = anchor
        self._next_new = 0
        self.rng = random.Random(self.config.seed * 7919)
        self.version = 0

    # -- faults and records ----------------------------------------------------------------------

    def inject(self, plan: FaultPlan) -> None:
        """Arm a fault for the next matching requests."""
        self.faults.add(plan)

    def record(self, request: RecordedRequest) -> None:
        """Keep a received request (the newest 20,000)."""
        with self.lock:
            self.requests.append(request)
            if len(self.requests) > 20_000:
                del self.requests[:10_000]

    def requests_to(self, method: str, path_contains: str) -> list[RecordedRequest]:
        """The recorded requests with this method whose path contains the text."""
        with self.lock:
            return [r for r in self.requests if r.method == method and path_contains in r.path]

    # -- packages --------------------------------------------------------------------------------

    def _base(self, index: int) -> SimPackage:
        return generate_base_package(
            self.config.seed,
            index,
            catalogue=self.catalogue,
            first_ms=self.first_ms,
            step_ms=self.step_ms,
            naming=self.config.naming,
        )

    def _base_lm(self, index: int) -> int:
        return self.first_ms + index * self.step_ms + self.step_ms // 2

    def package(self, package_id: int) -> SimPackage | None:
        """The current state of a package, or None."""
        with self.lock:
            if package_id in self._overlay:
                return self._overlay[package_id]
        index = package_id - BASE_PACKAGE_ID
        if 0 <= index < self.config.packages:
            return self._base(index)
        return None

    def store_change(self, package: SimPackage, *, status_note: str = "") -> SimPackage:
        """Save a changed package with a new modification stamp (caller holds the lock)."""
        stamp = max(int(time.time() * 1000), self._last_stamp + 1)
        self._last_stamp = stamp
        history = (*package.history, (stamp, status_note)) if status_note else package.history
        package = dataclasses.replace(package, last_modified_ms=stamp, history=history)
        self._overlay[package.package_id] = package
        self._touched.append((stamp, package.package_id))
        self.version += 1
        return package

    def set_status(self, package_id: int, status: PackageStatus) -> SimPackage:
        """Change a package's status as Trendyol would (e.g. a customer cancels, a carrier collects)."""
        with self.lock:
            package = self.package(package_id)
            if package is None:
                raise KeyError(f"no package {package_id}")
            return self.store_change(dataclasses.replace(package, status=status), status_note=status.value)

    def cancel_package(self, package_id: int) -> SimPackage:
        """The customer cancels the order."""
        return self.set_status(package_id, PackageStatus.CANCELLED)

    def add_package(self, *, lines: tuple[SimLine, ...] = (), status: PackageStatus = PackageStatus.CREATED) -> int:
        """A new order arrives; returns its package id."""
        with self.lock:
            package_id, first_line = self._new_ids()
            rng = self.rng
            prefix, carrier, _share = rng.choice(CARRIERS[:2])  # label-capable carriers, for demos
            now = int(time.time() * 1000)
            package = SimPackage(
                package_id=package_id,
                order_number=str(BASE_ORDER_NUMBER + 5_000_000 + self._next_new),
                status=status,
                lines=lines or random_lines(rng, self.catalogue, first_line),
                customer=random_customer(rng),
                carrier_prefix=prefix,
                carrier_name=carrier,
                tracking_number=tracking_number(prefix, package_id, rng),
                order_ms=now,
                last_modified_ms=now,
                naming=Naming.NEW if self.config.naming is Naming.MIXED else self.config.naming,
                history=((now, status.value),),
            )
            self.store_change(package)
            return package_id

    def _new_ids(self) -> tuple[int, int]:
        self._next_new += 1
        return NEW_PACKAGE_ID + self._next_new, NEW_LINE_ID + self._next_new * 10

    def successor_for_unsupplied(self, package: SimPackage, cut: dict[int, int]) -> SimPackage | None:
        """Mark ``package`` UnSupplied and create the package for what remains (caller holds the lock)."""
        self.store_change(dataclasses.replace(package, status=PackageStatus.UNSUPPLIED), status_note="UnSupplied")
        remaining = [(line, line.quantity - cut.get(line.line_id, 0)) for line in package.lines]
        remaining = [(line, quantity) for line, quantity in remaining if quantity > 0]
        if not remaining:
            return None
        package_id, first_line = self._new_ids()
        lines = tuple(SimLine(first_line + n, line.product, quantity) for n, (line, quantity) in enumerate(remaining))
        successor = dataclasses.replace(
            package,
            package_id=package_id,
            status=PackageStatus.CREATED,
            lines=lines,
            tracking_number=tracking_number(package.carrier_prefix, package_id, self.rng),
            created_by="cancel",
            origin_ids=(package.package_id,),
            history=(),
        )
        return self.store_change(successor, status_note="Created")

    # -- listings --------------------------------------------------------------------------------

    def iter_desc(self, flt: ListFilter, after: tuple[int, int] | None = None) -> Iterator[SimPackage]:
        """Matching packages by (modification stamp, id) descending, strictly after the cursor key."""
        with self.lock:
            touched = list(self._touched)
            overlay = dict(self._overlay)
        for stamp, package_id in reversed(touched):
            package = overlay.get(package_id)
            if package is None or package.last_modified_ms != stamp:
                continue  # an older stamp of a package changed again since
            if after is not None and (stamp, package_id) >= after:
                continue
            if self._passes(flt, stamp, package.status):
                yield package
        for index in self._base_indices_desc(flt, after):
            package_id = BASE_PACKAGE_ID + index
            if package_id in overlay:
                continue
            if flt.statuses and base_status(self.config.seed, index) not in flt.statuses:
                continue
            yield self._base(index)

    def _base_indices_desc(self, flt: ListFilter, after: tuple[int, int] | None) -> range:
        half = self.step_ms // 2
        high = self.config.packages - 1
        low = 0
        if flt.lm_to is not None:
            high = min(high, (flt.lm_to - self.first_ms - half) // self.step_ms)
        if flt.lm_from is not None:
            low = max(low, -((self.first_ms + half - flt.lm_from) // self.step_ms))
        if after is not None:
            high = min(high, (after[0] - self.first_ms - half) // self.step_ms)
            while high >= 0 and (self._base_lm(high), BASE_PACKAGE_ID + high) >= after:
                high -= 1
        return range(high, low - 1, -1)

    @staticmethod
    def _passes(flt: ListFilter, stamp: int, status: PackageStatus) -> bool:
        if flt.lm_from is not None and stamp < flt.lm_from:
            return False
        if flt.lm_to is not None and stamp > flt.lm_to:
            return False
        return not flt.statuses or status in flt.statuses

    def matching_ids(self, flt: ListFilter = ListFilter()) -> list[int]:
        """Every matching package id, newest change first (for the paged list and for tests)."""
        ids: list[int] = []
        with self.lock:
            touched = list(self._touched)
            overlay = dict(self._overlay)
        for stamp, package_id in reversed(touched):
            package = overlay[package_id]
            if package.last_modified_ms == stamp and self._passes(flt, stamp, package.status):
                ids.append(package_id)
        for index in self._base_indices_desc(flt, None):
            package_id = BASE_PACKAGE_ID + index
            if package_id in overlay:
                continue
            if not flt.statuses or base_status(self.config.seed, index) in flt.statuses:
                ids.append(package_id)
        return ids

    def packages_of_order(self, order_number: str) -> list[SimPackage]:
        """Every package (old and successors) of one order."""
        with self.lock:
            found = [p for p in self._overlay.values() if p.order_number == order_number]
        if order_number.isdigit():
            index = int(order_number) - BASE_ORDER_NUMBER
            if 0 <= index < self.config.packages and BASE_PACKAGE_ID + index not in self._overlay:
                found.append(self._base(index))
        return found


def now_iso() -> str:
    """The current time the way Trendyol writes batch item dates."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")
