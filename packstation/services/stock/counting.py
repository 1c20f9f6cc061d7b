"""Count mode: a supervisor lets the station count bins; each confirmed count adjusts the books.

:meth:`CountService.enable` is the privileged step (a supervisor, or a packer with a supervisor's badge
and PIN): it gives a :class:`CountPermit` for a while. With it the station starts a count by a bin's
barcode (:meth:`CountService.start`), the packer scans what is in the bin (:class:`BinCount`), and
:meth:`CountService.confirm` turns every difference into a movement with reason ``count`` in one
transaction, each audited (``stock.adjusted``) with the bin, the books, the count and who allowed it,
plus one ``stock.counted`` entry for the whole bin.

The difference is taken against the books *at confirmation* (under the products' locks): a parcel
packed out of the bin while it was being counted is not counted twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.catalog import ProductRow
from packstation.db.models.stock import LocationStock
from packstation.domain.catalogue import BarcodeIndex
from packstation.domain.clock import now_utc
from packstation.domain.stock import LocationKind, StockReason
from packstation.domain.stock_count import BinCount, CountDifference
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.stock.levels import lock_levels
from packstation.services.stock.locations import LocationInfo, locations
from packstation.services.stock.movements import (
    AppliedMove,
    StockError,
    StockMove,
    allow_stock_changes,
    apply_movements,
)

#: How long count mode stays on after a supervisor enabled it.
PERMIT_LIFETIME = timedelta(hours=2)


@dataclass(frozen=True)
class CountPermit:
    """Count mode at this station, for one user, until ``expires_at``."""

    actor: UserSession
    approved_by: int | None
    expires_at: datetime
    #: The supervisor's approval (its token) a packer's count mode was enabled with; the server lets each
    #: confirmed count of this permit change stock on the strength of it.
    approval: uuid.UUID | None = None
    permit_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class CountResult:
    """A confirmed count: the differences and the movements that settled them."""

    bin: LocationInfo
    differences: tuple[CountDifference, ...]
    movements: tuple[AppliedMove, ...]


class CountService:
    """Starts and confirms bin counts (see the module docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        audit: AuditLog,
        catalogue: Callable[[], BarcodeIndex],
        clock: Callable[[], datetime] = now_utc,
        layout_repair: Callable[[str], str] | None = None,
    ) -> None:
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self.clock = clock
        self._catalogue = catalogue
        self._layout_repair = layout_repair

    @privileged(Permission.ADJUST_STOCK)
    def enable(self, actor: UserSession, *, approval: Approval | None = None) -> CountPermit:
        """Turn count mode on for ``actor`` (for :data:`PERMIT_LIFETIME`)."""
        return CountPermit(
            actor,
            approval.approver_id if approval else None,
            self.clock() + PERMIT_LIFETIME,
            approval=approval.token if approval else None,
        )

    def start(self, permit: CountPermit, bin_barcode: str) -> tuple[LocationInfo, BinCount]:
        """Begin counting the bin whose barcode was scanned."""
        self._check(permit)
        wanted = bin_barcode.strip()
        with self._sessions() as session:
            found = next((loc for loc in locations(session) if loc.barcode == wanted), None)
            if found is None:
                raise StockError(_("{code} is not the barcode of a location: scan the bin's label").format(code=wanted))
            if found.kind is not LocationKind.BIN:
                raise StockError(
                    _("{path} is a {kind}: scan a bin's label to count it").format(
                        path=found.path, kind=found.kind.label
                    )
                )
            rows = session.execute(
                select(LocationStock.product_id, LocationStock.quantity, ProductRow.stock_code, ProductRow.name)
                .join(ProductRow, ProductRow.id == LocationStock.product_id)
                .where(LocationStock.location_id == found.id)
                .order_by(ProductRow.stock_code)
            ).all()
        count = BinCount(
            found.id,
            found.code,
            self._catalogue(),
            {pid: qty for pid, qty, _code, _name in rows},
            names={pid: f"{code} {name}" for pid, _qty, code, name in rows},
            layout_repair=self._layout_repair,
        )
        return found, count

    def names(self, product_ids: list[int]) -> dict[int, str]:
        """``stock code + name`` of products scanned that the bin did not expect."""
        with self._sessions() as session:
            rows = session.execute(
                select(ProductRow.id, ProductRow.stock_code, ProductRow.name).where(ProductRow.id.in_(product_ids))
            ).all()
        return {pid: f"{code} {name}" for pid, code, name in rows}

    def confirm(self, permit: CountPermit, count: BinCount, *, note: str = "") -> CountResult:
        """Settle the count: each difference against the books now becomes an audited ``count`` movement."""
        self._check(permit)
        actor = permit.actor
        with self._sessions.begin() as session:
            allow_stock_changes(session, actor, permit.approval, for_=f"count:{permit.permit_id}")
            products = sorted(set(count.expected) | set(count.counted))
            lock_levels(session, products)
            books = dict(
                session.execute(
                    select(LocationStock.product_id, LocationStock.quantity).where(
                        LocationStock.location_id == count.bin_id, LocationStock.product_id.in_(products)
                    )
                ).all()
            )
            differences = count.differences(books)
            text = note or _("count of {bin}").format(bin=count.bin_code)
            moves = [
                StockMove(
                    d.product_id,
                    d.delta,
                    StockReason.COUNT,
                    location_id=count.bin_id,
                    user_id=actor.user_id,
                    note=f"{text}: {d.expected} → {d.counted}",
                )
                for d in differences
            ]
            applied = apply_movements(session, moves)
            info = next(loc for loc in locations(session, include_inactive=True) if loc.id == count.bin_id)
            codes = dict(
                session.execute(select(ProductRow.id, ProductRow.stock_code).where(ProductRow.id.in_(products))).all()
            )
            for difference, move in zip(differences, applied, strict=True):
                self.audit.record(
                    AuditAction.STOCK_ADJUSTED,
                    actor=actor,
                    subject=f"product:{difference.product_id}",
                    detail={
                        "stock_code": codes.get(difference.product_id, ""),
                        "reason": StockReason.COUNT.value,
                        "bins": [info.path],
                        "deltas": [difference.delta],
                        "before": [difference.expected],
                        "after": [difference.counted],
                        "movements": [move.movement_id],
                        "note": note or None,
                        "via": "count",
                        "approved_by": permit.approved_by,
                    },
                    session=session,
                )
            self.audit.record(
                AuditAction.STOCK_COUNTED,
                actor=actor,
                subject=f"location:{count.bin_id}",
                detail={
                    "bin": info.path,
                    "products": len(products),
                    "units_counted": sum(count.counted.values()),
                    "differences": len(differences),
                    "approved_by": permit.approved_by,
                },
                session=session,
            )
        return CountResult(info, tuple(differences), tuple(applied))

    def _check(self, permit: CountPermit) -> None:
        if permit.expires_at <= self.clock():
            raise StockError(_("count mode has ended: ask a supervisor to turn it on again"))
