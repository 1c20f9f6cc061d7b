"""Photo before sealing: which client companies want each outgoing parcel photographed before it is sealed.

A per-client setting (``client_companies.photo_before_sealing``), because it is the seller who asks for
it (shoe sellers who lose disputes over "the box was empty"), not the station. The packing thread asks
:meth:`SealingPhotos.requires` at the last item of every parcel, so the answer comes from memory:
the setting of every account is read at start and refreshed by the scheduler; a station that cannot
read it (offline since start) seals as usual rather than stopping the bench.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.i18n import _
from packstation.services.access.audit import AuditAction
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged

if TYPE_CHECKING:
    from packstation.services.access.audit import AuditLog
    from packstation.services.packing.model import OpenedPackage

log = logging.getLogger("packstation.services.photos.sealing")


class UnknownClientError(LookupError):
    """No client company by that name."""


@dataclass(frozen=True)
class ClientPhotoSetting:
    """One client company and whether it wants a photo before sealing."""

    id: int
    name: str
    photo_before_sealing: bool


class SealingPhotos:
    """Reads and sets the photo-before-sealing setting of each client company."""

    def __init__(self, sessions: sessionmaker[Session], *, audit: AuditLog, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self.audit, self.clock = audit, clock  # read by @privileged
        self._by_account: dict[str, bool] | None = None
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Read every account's setting (scheduler thread, or the packing thread once at first use)."""
        with self._sessions() as session:
            rows = session.execute(
                select(MarketplaceAccountRow.name, ClientCompany.photo_before_sealing).join(
                    ClientCompany, ClientCompany.id == MarketplaceAccountRow.client_company_id
                )
            ).all()
        with self._lock:
            self._by_account = {name: bool(wanted) for name, wanted in rows}

    def refresh_while_online(self) -> None:
        """:meth:`refresh` for the scheduler: offline, keep what was read last (logged, not raised)."""
        try:
            self.refresh()
        except Exception as exc:
            log.warning("photo-before-sealing settings not refreshed reason=%s", exc)

    def requires(self, package: OpenedPackage) -> bool:
        """Whether ``package``'s client wants it photographed before it is sealed."""
        if self._by_account is None:
            try:
                self.refresh()
            except Exception as exc:  # offline since start: seal as usual, say so in the log
                log.warning("photo-before-sealing setting unavailable package=%s reason=%s", package.external_id, exc)
                return False
        with self._lock:
            return bool(self._by_account and self._by_account.get(package.account, False))

    def clients(self) -> list[ClientPhotoSetting]:
        """Every client company with its setting, by name."""
        with self._sessions() as session:
            rows = session.execute(
                select(ClientCompany.id, ClientCompany.name, ClientCompany.photo_before_sealing).order_by(
                    ClientCompany.name
                )
            ).all()
        return [ClientPhotoSetting(row.id, row.name, bool(row.photo_before_sealing)) for row in rows]

    @privileged(Permission.CHANGE_SETTINGS)
    def set(self, actor: UserSession, client_name: str, wanted: bool, *, approval: Approval | None = None) -> None:
        """Switch photo before sealing on or off for ``client_name``; audited."""
        self._set(client_name, wanted, actor=actor)

    def set_from_command_line(self, client_name: str, wanted: bool) -> None:
        """The same, from ``packstation client photos`` (the owner's connection; audited without an actor)."""
        self._set(client_name, wanted, actor=None)

    def _set(self, client_name: str, wanted: bool, *, actor: UserSession | None) -> None:
        with self._sessions.begin() as session:
            client_id = session.scalar(
                update(ClientCompany)
                .where(ClientCompany.name == client_name)
                .values(photo_before_sealing=wanted)
                .returning(ClientCompany.id)
            )
            if client_id is None:
                raise UnknownClientError(_("no client company named {name!r}").format(name=client_name))
            self.audit.record(
                AuditAction.SETTINGS_CHANGED,
                actor=actor,
                subject=f"client:{client_id}",
                detail={"photo_before_sealing": wanted},
                session=session,
            )
        self._by_account = None  # read again at the next parcel
        log.info("photo before sealing client=%s on=%s", client_name, wanted)
