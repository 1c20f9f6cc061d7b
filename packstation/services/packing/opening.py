"""Opening a parcel: the package a scanned code means, its claim and its contents, and the packer's
words when it may not be opened. PostgreSQL first; the offline cache when PostgreSQL is away."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageRow
from packstation.domain.package import Package, PackageLine
from packstation.domain.scan import clean_scan, unreadable
from packstation.domain.scan_messages import invalid_message
from packstation.domain.status import PackageStatus, why_not_packable
from packstation.i18n import _
from packstation.services.packing.claims import ClaimResult, ClaimService
from packstation.services.packing.model import LoadedPackage, OpenedPackage, OpenOutcome, OpenResult
from packstation.services.packing.read_model import PackageSummary
from packstation.services.packing.source import PackageSource, PostgresPackageSource, SourceFallback

#: At most this many packages are offered when a code means several (an order split into parcels).
MATCH_LIMIT = 20


class ClaimedPackage(NamedTuple):
    """A claim taken in PostgreSQL and, when won, the package as loaded in the same transaction."""

    claim: ClaimResult
    loaded: LoadedPackage | None


class Found(NamedTuple):
    """The one package a code means; ``claimed`` is None when PostgreSQL was unreachable."""

    package_id: int
    claimed: ClaimedPackage | None


class Admitted(NamedTuple):
    """A package the station may pack: its claim won (``provisional`` when taken offline) and its contents."""

    package: OpenedPackage
    claim: ClaimResult
    provisional: bool


def only_open(matches: list[PackageSummary]) -> PackageSummary | None:
    """The package to open: the only match, if its status lets it be packed."""
    if len(matches) == 1 and PackageStatus.of(matches[0].status).is_packable:
        return matches[0]
    return None


def not_packable(order_number: str, status: str) -> OpenResult:
    """The refusal for a parcel whose status forbids packing it, in the packer's words."""
    reason = why_not_packable(PackageStatus.of(status)) or ""
    return OpenResult(
        OpenOutcome.NOT_PACKABLE,
        _("Order {order} — {reason}.").format(order=order_number, reason=reason),
    )


def domain_package(package: OpenedPackage) -> Package:
    """What the scan-to-verify rules need of an opened package."""
    return Package(
        package_id=package.external_id,
        order_number=package.order_number,
        lines=tuple(
            PackageLine(line.line_id, line.barcode, line.quantity, name=line.name, colour=line.colour, size=line.size)
            for line in package.lines
        ),
    )


class PackageOpener:
    """Finds, claims and loads the package to open; the fallback to the offline cache is ``sources``'."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        claims: ClaimService,
        postgres: PostgresPackageSource,
        sources: SourceFallback,
    ) -> None:
        self._sessions = sessions
        self._claims = claims
        self._postgres = postgres
        self._sources = sources

    def find(self, code: str, *, user_id: int | None) -> OpenResult | Found:
        """The package ``code`` means, claimed where PostgreSQL answers; or why none opens (not found,
        several to choose from, not packable, unreadable)."""
        refused = unreadable(code)
        if refused is not None:
            # Refused before any look-up or journal write: a NUL or a control character reaches neither.
            return OpenResult(OpenOutcome.UNREADABLE, invalid_message(refused.reason))
        code = clean_scan(code).strip()

        def online() -> tuple[list[PackageSummary], ClaimedPackage | None]:
            # Look-up, claim and load share one connection and transaction: every round trip is time
            # the packer waits, and more so while a sync keeps the CPUs busy.
            with self._sessions.begin() as session:
                answer = self._claims.open_by_code(session, code, user_id=user_id, limit=MATCH_LIMIT)
                chosen = only_open(answer.matches)
                if answer.claim is not None:
                    loaded = LoadedPackage.from_document(answer.loaded) if answer.claim.won else None
                    claimed: ClaimedPackage | None = ClaimedPackage(answer.claim, loaded)
                else:  # the server claims what the station's rule calls ready; were they ever to differ, ask again
                    claimed = self._claim_and_load(session, chosen.id, user_id=user_id) if chosen else None
            return answer.matches, claimed

        def offline(cache: PackageSource) -> tuple[list[PackageSummary], ClaimedPackage | None]:
            return cache.find_by_code(code), None

        # The code is not named in the log: on the home screen it may be someone's badge.
        matches, claimed = self._sources.read(online, offline, what="a scanned code")
        if not matches:
            return OpenResult(OpenOutcome.NOT_FOUND, _("No package found for “{code}”.").format(code=code), code=code)
        if len(matches) > 1:
            return OpenResult(
                OpenOutcome.CHOOSE,
                _("{n} packages share “{code}”: choose one.").format(n=len(matches), code=code),
                choices=tuple(matches),
            )
        chosen = only_open(matches)
        if chosen is None:
            return not_packable(matches[0].order_number, matches[0].status)
        return Found(chosen.id, claimed)

    def claim(self, package_id: int, *, user_id: int | None) -> ClaimedPackage | None:
        """Claim and load one package by its database id (None: PostgreSQL was unreachable)."""

        def online() -> ClaimedPackage | None:
            with self._sessions.begin() as session:
                return self._claim_and_load(session, package_id, user_id=user_id)

        return self._sources.read(online, lambda _cache: None, what=f"package {package_id}")

    def admit(self, package_id: int, claimed: ClaimedPackage | None) -> OpenResult | Admitted:
        """The package to pack once its claim is known, or why it may not be packed."""
        provisional = claimed is None
        if claimed is None:
            # Offline: claim provisionally; the pump confirms it, or reports a conflict, once PostgreSQL is back.
            claim, loaded = ClaimResult(won=True, package_id=package_id), self._load_offline(package_id)
        else:
            claim, loaded = claimed
        if not claim.won:
            return self._refusal(package_id, claim)
        if loaded is None:
            if not provisional:
                self._claims.release(package_id)
            return OpenResult(OpenOutcome.NOT_FOUND, _("That package no longer exists."))
        if loaded.packed_here:
            return OpenResult(OpenOutcome.ALREADY_PACKED, _("This parcel was already packed at this station."))
        if not PackageStatus.of(loaded.status).is_packable:
            # The claim refuses these online; this is the offline cache's copy saying the same.
            return not_packable(loaded.package.order_number, loaded.status)
        return Admitted(loaded.package, claim, provisional)

    def _refusal(self, package_id: int, claim: ClaimResult) -> OpenResult:
        if claim.already_packed_at is not None:
            return OpenResult(
                OpenOutcome.ALREADY_PACKED,
                _("This parcel was already packed at {at:%H:%M}.").format(at=claim.already_packed_at),
                claim=claim,
            )
        if claim.refused_status is not None:
            return not_packable(self._order_number(package_id), claim.refused_status.value)
        return OpenResult(
            OpenOutcome.TAKEN,
            _("Station {station} ({user}) is packing this parcel.").format(
                station=claim.holder_station or "?", user=claim.holder_user or _("unknown packer")
            ),
            claim=claim,
        )

    def _claim_and_load(self, session: Session, package_id: int, *, user_id: int | None) -> ClaimedPackage:
        claim = self._claims.claim(package_id, user_id=user_id, session=session)
        return ClaimedPackage(claim, self._postgres.load(package_id, session=session) if claim.won else None)

    def _load_offline(self, package_id: int) -> LoadedPackage | None:
        cache = self._sources.cache
        return cache.load(package_id) if cache is not None else None

    def _order_number(self, package_id: int) -> str:
        """The order number of a package whose claim was refused (for the packer's message)."""
        with self._sessions() as session:
            return session.scalar(select(PackageRow.order_number).where(PackageRow.id == package_id)) or "?"
