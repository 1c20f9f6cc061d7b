"""Where the packing service reads packages from: PostgreSQL, or the station's offline cache when it is away.

:class:`PackageSource` is the seam; :class:`PostgresPackageSource` and the offline cache
(:class:`~packstation.services.packing.offline_cache.OfflineCache`) implement it, and
:class:`SourceFallback` is the one place that decides between them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.errors import is_connection_error
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.domain.catalogue import BarcodeIndex, CatalogueBarcode, CatalogueProduct
from packstation.services.packing.model import LoadedPackage
from packstation.services.packing.read_model import PackageQueries, PackageSummary

log = logging.getLogger("packstation.services.packing.source")
_LOAD = text("SELECT package_load(:package)")
T = TypeVar("T")


class PackageSource(Protocol):
    """Packages by scanned code, one package for opening, and the barcode catalogue."""

    def find_by_code(self, code: str) -> list[PackageSummary]:
        """Packages a scanned code can mean (tracking number, package id, order number, slip code)."""
        ...

    def load(self, package_id: int) -> LoadedPackage | None:
        """The package with its lines, account and sender; None when there is no such package."""
        ...

    def catalogue(self) -> BarcodeIndex:
        """Every product barcode."""
        ...


class OfflinePackageSource(PackageSource, Protocol):
    """The station's offline cache: a package source that also remembers what was packed here meanwhile."""

    def mark_packed(self, package_id: int) -> None:
        """Packed here while offline: a second scan of it must not pack it again."""
        ...


def catalogue_index(rows: list[tuple[int, str, str, str, int]]) -> BarcodeIndex:
    """The barcode index of ``(product_id, stock_code, name, barcode, multiplier)`` rows."""
    products: dict[int, tuple[str, str, list[CatalogueBarcode]]] = {}
    for product_id, stock_code, name, barcode, multiplier in rows:
        products.setdefault(product_id, (stock_code, name, []))[2].append(CatalogueBarcode(barcode, multiplier))
    return BarcodeIndex(
        CatalogueProduct(str(pid), stock, tuple(codes), name) for pid, (stock, name, codes) in products.items()
    )


class PostgresPackageSource:
    """The shared database; each read may run inside the caller's transaction (``session``)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._queries = PackageQueries(sessions)

    def find_by_code(self, code: str, *, session: Session | None = None) -> list[PackageSummary]:
        """Packages a scanned code can mean."""
        return self._queries.find_by_code(code, session=session)

    def load(self, package_id: int, *, session: Session | None = None) -> LoadedPackage | None:
        """The package, its account and client company (the label needs them) and its lines, in one round trip
        (the server function ``package_load()``, migration 0021)."""
        if session is None:
            with self._sessions() as own:
                return self.load(package_id, session=own)
        return LoadedPackage.from_document(session.execute(_LOAD, {"package": package_id}).scalar_one())

    def catalogue(self) -> BarcodeIndex:
        """Every product barcode, read afresh."""
        with self._sessions() as session:
            rows = session.execute(
                select(
                    ProductRow.id,
                    ProductRow.stock_code,
                    ProductRow.name,
                    ProductBarcode.barcode,
                    ProductBarcode.multiplier,
                ).join(ProductBarcode, ProductBarcode.product_id == ProductRow.id)
            ).all()
        return catalogue_index([tuple(row) for row in rows])  # type: ignore[misc]


class SourceFallback:
    """Try PostgreSQL, else the offline cache: the one place that decides, and remembers which it used."""

    def __init__(self, cache: OfflinePackageSource | None) -> None:
        self._cache = cache
        #: True when the last read had to use the offline cache.
        self.offline = False

    @property
    def cache(self) -> OfflinePackageSource | None:
        """The offline cache, when the station has one."""
        return self._cache

    def read(self, online: Callable[[], T], offline: Callable[[PackageSource], T], *, what: str) -> T:
        """``online()``; when PostgreSQL cannot be reached and there is a cache, ``offline(cache)`` instead.

        Any other error (a refused statement, a bug) is raised: the cache stands in only for an outage.
        """
        try:
            result = online()
        except Exception as exc:
            if not (is_connection_error(exc) and self._cache is not None):
                raise
            log.warning("database unreachable, reading the offline cache for %s", what)
            self.offline = True
            return offline(self._cache)
        self.offline = False
        return result
