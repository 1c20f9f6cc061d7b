"""Packages a sync set aside, as exceptions on the supervisor's queue (Qt-free).

A package that cannot be read or stored must never stop an account's intake: the sync stores the rest,
advances its watermark, and records the package here as a ``sync_error`` exception naming the account
and the package id. There is one open exception per (account, package): a later sync that meets the
same package again updates it, and one that stores the package (the marketplace changed it, so its
new modification time brought it into a later window) resolves it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from packstation.db.models.packages import PackageRow, PackException
from packstation.domain.status import ExceptionKind
from packstation.domain.sync import SetAside
from packstation.i18n import _

log = logging.getLogger("packstation.services.sync.set_aside")

#: ``detail.source`` of the exceptions this module owns.
SOURCE = "sync_set_aside"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_OPEN = "kind = :kind AND resolved_at IS NULL AND detail->>'source' = :source AND detail->>'account_id' = :account_id"


def printable(value: str, limit: int) -> str:
    """Marketplace text for the exception row: no NUL (PostgreSQL refuses it), bounded."""
    return _CONTROL.sub("", value)[:limit]


def describe(account: str, item: SetAside) -> str:
    """The exception message: which account, which package, why."""
    return _("{account}: package {package} (order {order}) was set aside by the sync: {reason}").format(
        account=account,
        package=item.package_id or "?",
        order=item.order_number or "?",
        reason=item.reason,
    )


def open_set_aside(session: Session, account_id: int) -> set[str]:
    """Package ids of the account with an open set-aside exception (usually none)."""
    rows = session.execute(
        text(f"SELECT detail->>'external_id' FROM pack_exceptions WHERE {_OPEN}"),
        {"kind": ExceptionKind.SYNC_ERROR.value, "source": SOURCE, "account_id": str(account_id)},
    )
    return {str(external_id) for (external_id,) in rows if external_id is not None}


def record_set_aside(session: Session, account_id: int, account: str, items: Sequence[SetAside]) -> None:
    """Open (or refresh) one exception per set-aside package."""
    if not items:
        return
    latest = {item.package_id: item for item in items}  # the same package on two pages: one exception
    existing = {
        str(row.detail.get("external_id")): row
        for row in session.scalars(
            select(PackException).where(
                text(_OPEN).bindparams(kind=ExceptionKind.SYNC_ERROR.value, source=SOURCE, account_id=str(account_id))
            )
        )
    }
    stored = dict(
        session.execute(
            select(PackageRow.external_id, PackageRow.id).where(
                PackageRow.account_id == account_id, PackageRow.external_id.in_([key for key in latest if key])
            )
        ).all()
    )
    for package_id, item in latest.items():
        message = printable(describe(account, item), 2000)
        detail = {
            "source": SOURCE,
            "account_id": str(account_id),
            "account": account,
            "external_id": printable(package_id, 200),
            "order_number": printable(item.order_number, 200),
            "last_modified_ms": item.last_modified_ms,
            "reason": printable(item.reason, 2000),
        }
        row = existing.get(package_id)
        if row is None:
            session.add(
                PackException(
                    kind=ExceptionKind.SYNC_ERROR.value,
                    package_id=stored.get(package_id),
                    message=message,
                    detail=detail,
                )
            )
        else:
            row.message, row.detail = message, detail
        log.warning("package set aside account=%s package=%s reason=%s", account, package_id, item.reason)


def resolve_stored(session: Session, account_id: int, external_ids: Iterable[str], *, at: datetime) -> int:
    """Resolve the open set-aside exceptions of packages a later sync stored after all."""
    ids = sorted(set(external_ids))
    if not ids:
        return 0
    result = session.execute(
        text(
            f"UPDATE pack_exceptions SET resolved_at = :at, resolution = :resolution"
            f" WHERE {_OPEN} AND detail->>'external_id' = ANY(:ids)"
        ),
        {
            "at": at,
            "resolution": _("stored by a later sync after the marketplace changed it"),
            "kind": ExceptionKind.SYNC_ERROR.value,
            "source": SOURCE,
            "account_id": str(account_id),
            "ids": ids,
        },
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def summary(items: Sequence[SetAside]) -> str | None:
    """``last_error`` after a sync that set packages aside (None when it set none aside)."""
    if not items:
        return None
    named = ", ".join(item.package_id or "?" for item in items[:10])
    more = _(" and {n} more").format(n=len(items) - 10) if len(items) > 10 else ""
    return printable(
        _("{n} package(s) set aside (see the exception list): {ids}{more}").format(n=len(items), ids=named, more=more),
        2000,
    )
