"""A station wired as the app wires it, against the Trendyol stand-in over HTTP, for the return tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import StockLevel
from packstation.db.models.sync import ClaimRow
from packstation.demo.marketplace import DemoMarketplace, start_demo_marketplace
from packstation.demo.station import demo_seed, demo_settings
from packstation.domain.events import EventBus
from packstation.simulators.trendyol.catalog import SimPackage

#: ``wait_until(condition, timeout_ms)``: qtbot.waitUntil, or a plain polling loop without Qt.
Waiter = Callable[[Callable[[], bool], int], None]
Bench = tuple[AppContext, DemoMarketplace]


@contextmanager
def return_bench(
    db_url: str, tmp_path: Path, *, station: str = "return-bench", camera_uri: str | None = None
) -> Iterator[tuple[AppContext, DemoMarketplace]]:
    """The services of one station (demo users: packer badge 1001, supervisor badge 9001 PIN 2580)."""
    marketplace = start_demo_marketplace(packages=12, seed=4, sync_interval_s=600)
    overrides: dict[str, Any] = {"station": {"name": station, "data_dir": str(tmp_path)}}
    if camera_uri is not None:
        overrides["camera"] = {"uri": camera_uri}
    settings = demo_settings(
        load_settings(environ={"XDG_CONFIG_HOME": str(tmp_path)}, overrides=overrides),
        marketplace=marketplace.account,
    )
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": db_url})})
    context = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=0), demo_marketplace=marketplace)
    try:
        yield context, marketplace
    finally:
        context.close()


def stock(context: AppContext, product_ids: set[int]) -> dict[int, int]:
    """Units on hand (sellable bins) of each product."""
    with context.database.sessions() as session:
        levels = select(StockLevel.product_id, StockLevel.quantity).where(StockLevel.product_id.in_(product_ids))
        found = {product_id: quantity for product_id, quantity in session.execute(levels)}
    return {product_id: found.get(product_id, 0) for product_id in product_ids}


def claimed_parcel(
    context: AppContext, marketplace: DemoMarketplace, wait: Waiter
) -> tuple[dict[str, Any], dict[int, int]]:
    """A synced parcel the customer sends back: its claim (as the stand-in holds it), synced, and units per product."""

    def synced() -> bool:
        with context.database.sessions() as session:
            return bool(session.scalar(select(func.count()).select_from(PackageRow)))

    assert context.jobs is not None
    wait(synced, 30_000)
    with context.database.sessions() as session:
        package = (
            session.scalars(
                select(PackageRow)
                .join(PackageLineRow)
                .where(PackageLineRow.quantity >= 2)
                .order_by(PackageRow.id)
                .limit(1)
            ).first()
            or session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        )
        units: dict[int, int] = {}
        for line in package.lines:
            assert line.product_id is not None
            units[line.product_id] = units.get(line.product_id, 0) + line.quantity
        external = int(package.external_id)
    simulated = marketplace.simulator.package(external)
    assert isinstance(simulated, SimPackage)
    claim = marketplace.simulator.claims.add(simulated)
    nudge = Nudge(context)

    def claim_synced() -> bool:
        nudge()  # a pull already running skips the one asked for: ask again until one ran after the claim
        with context.database.sessions() as session:
            return session.scalar(select(ClaimRow.id).where(ClaimRow.external_id == claim["id"])) is not None

    wait(claim_synced, 30_000)
    return claim, units


class Nudge:
    """Asks for a sync and push now, at most once a second (a running job skips a request made meanwhile)."""

    def __init__(self, context: AppContext) -> None:
        self._context = context
        self._last = 0.0

    def __call__(self) -> None:
        import time

        if time.monotonic() - self._last >= 1.0 and self._context.jobs is not None:
            self._last = time.monotonic()
            self._context.jobs.sync_now()


def poll(condition: Callable[[], bool], timeout_ms: int) -> None:
    """Wait for ``condition`` without an event loop (service tests)."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms")
        time.sleep(0.05)
