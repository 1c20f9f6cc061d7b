"""Local keys for what Hepsiburada lists, shaped around what the station already holds.

HB's open lines have no package until they are packed, so the station decides what a parcel is. Two
rules here, both read against a :class:`LocalView` of the shared database:

**Unpacked lines are new work.** When HB unpacks a package (``…/status/unpacked``: a seller on the panel,
or HB itself), its lines return to the open queue and its delivery barcode is void. The station's package
that carried it is *spent*: it keeps its history (packed, labelled) and stops, and the lines that came back
are a new package keyed ``<spent key>/<unpacked package number>``, linked to the spent one as its successor,
so the packer packs and labels them again. A package is spent when it carries a package number that HB
unpacked: one in the unpacked feed, or one the station already stopped (Cancelled) for it. The same chain
keys a package HB makes again from those lines (an auto-packing merchant).

**Lines of several orders to one delivery are one parcel.** HB packs "one or more line items" in one
``POST /packages`` and lists, per line, the lines of any order that may share its package
(``GET …/packageablewith``: SPEC "Ayni Pakete Konulabilecek Kalemleri Listeleme", each with its
``orderNumber``). So open orders with the same customer, address, carrier and warehouse are offered to HB
as one package: the lines HB names as packable with the oldest order's first line join it, and the
parcel keeps that order's key. HB publishes no rule of its own beyond ``packageablewith``; which orders are
even asked about, and whether to combine at all (``HepsiburadaConfig.combine_orders``), are ours
(sources silent). Packages the station already holds are never re-cut: an order stored on its own stays
on its own, and lines join only a held package nobody has claimed, packed or sent to HB.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

from packstation.domain.status import PackageStatus
from packstation.services.marketplaces.hepsiburada.parser import lines_digest
from packstation.services.marketplaces.models import HeldPackage, LocalView, RemotePackage

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.arrange")

#: Most successive unpacks of one order's lines followed (a guard against a loop, not a business rule).
MAX_CHAIN = 20
_OPEN = (PackageStatus.CREATED, PackageStatus.AWAITING)
#: Stored statuses of a package the station stopped: lines listed under its key again are new work.
_STOPPED = (PackageStatus.CANCELLED, PackageStatus.UNSUPPLIED)


@dataclass(frozen=True)
class Gone:
    """What HB took back, from its feeds read before the listing: packages unpacked, lines cancelled."""

    unpacked: frozenset[str] = frozenset()
    cancelled_lines: frozenset[str] = frozenset()


def is_spent(held: HeldPackage, gone: Gone) -> bool:
    """True when lines of ``held`` that are listed again are a new package, not ``held`` itself.

    HB unpacked the package it carries (its number is in the unpacked feed), a line it holds was cancelled
    (orders combined into one parcel: the other order's lines go on without it), or the station stopped it
    already (the same, seen by an earlier sync, or an unpack the feed no longer shows).
    """
    if held.package_number and held.package_number in gone.unpacked:
        return True
    return held.status in _STOPPED or not held.line_ids.isdisjoint(gone.cancelled_lines)


@dataclass(frozen=True)
class Live:
    """Where a base key's lines live now: the key, what is held there, and the spent key before it."""

    key: str
    held: HeldPackage | None
    origin: str = ""


def live_keys(bases: Mapping[str, Collection[str]], local: LocalView, gone: Gone) -> dict[str, Live]:
    """Follow each base key (with the line ids listed under it) past spent packages to its live key.

    The key after a spent one names what replaced it: ``<spent>/<unpacked package number>``, or for a
    stopped package without a number ``<spent>/<digest of the lines>`` (as lines left after a cancellation
    are keyed, :func:`.parser.local_key`).
    """
    result: dict[str, Live] = {}
    pending = {base: base for base in bases}
    origins: dict[str, str] = {}
    for _step in range(MAX_CHAIN):
        if not pending:
            return result
        held = local.held(set(pending.values()))
        following: dict[str, str] = {}
        for base, key in pending.items():
            found = held.get(key)
            if found is not None and is_spent(found, gone):
                following[base] = f"{key}/{found.package_number or lines_digest(bases[base])}"
                origins[base] = key
            else:
                result[base] = Live(key, found, origins.get(base, ""))
        pending = following
    for base, key in pending.items():  # pragma: no cover - MAX_CHAIN unpacks of one order
        log.error("unpack chain too long base=%s key=%s", base, key)
        result[base] = Live(key, None, origins.get(base, ""))
    return result


def _moved(package: RemotePackage, live: Live) -> RemotePackage:
    if live.key == package.package_id and not live.origin:
        return package
    origins = (live.origin,) if live.origin else package.origin_package_ids
    return replace(package, package_id=live.key, origin_package_ids=origins)


def arrange_packed(packages: Sequence[RemotePackage], local: LocalView, gone: Gone) -> list[RemotePackage]:
    """Key packed packages (``/packages``) by the held package that carries their number, else by their
    order's live key; a second live package of one order (an HB split) is keyed by its own number."""
    numbers = local.keys_by_number([p.package_number for p in packages if p.package_number])
    by_order = [p for p in packages if p.package_number not in numbers and p.package_id != p.package_number]
    lives = live_keys({p.package_id: _line_ids(p) for p in by_order}, local, gone)
    arranged = []
    for package in packages:
        known = numbers.get(package.package_number)
        live = lives.get(package.package_id)
        if known is not None:
            arranged.append(replace(package, package_id=known))
        elif live is None:  # keyed by its own number already (several orders HB packed together)
            arranged.append(package)
        elif live.held is not None and live.held.package_number not in ("", package.package_number):
            # The order's package there carries another live number: this one is a second package.
            arranged.append(replace(package, package_id=package.package_number))
        else:
            arranged.append(_moved(package, live))
    return arranged


PackableWith = Callable[[str], Collection[str] | None]


def arrange_open(
    packages: Sequence[RemotePackage],
    local: LocalView,
    gone: Gone,
    *,
    combine: bool,
    packable_with: PackableWith,
) -> list[RemotePackage]:
    """Key the open queue's per-order packages by their live keys, then combine orders to one delivery.

    Lines a held package already holds stay in it whatever else happens (combining switched off, HB not
    answering): the station never lists one line in two packages. ``packable_with(line_id)``: the lines HB
    says may share a package with ``line_id`` (None: not known now, so nothing new joins it this time).
    """
    lives = live_keys({p.package_id: _line_ids(p) for p in packages}, local, gone)
    keyed = [(_moved(p, lives[p.package_id]), lives[p.package_id].held) for p in packages]
    kept = _fold_into_holders(keyed)
    if not combine:
        return [package for package, _held in kept]
    groups: dict[tuple[str, ...], list[tuple[RemotePackage, HeldPackage | None]]] = {}
    arranged: list[RemotePackage] = []
    for package, held in kept:
        delivery = delivery_key(package) if package.status is PackageStatus.CREATED else None
        if delivery is None:
            arranged.append(package)
        else:
            groups.setdefault(delivery, []).append((package, held))
    for members in groups.values():
        arranged.extend(_combine(members, packable_with) if len(members) > 1 else [members[0][0]])
    return arranged


Member = tuple[RemotePackage, HeldPackage | None]


def _fold_into_holders(keyed: Sequence[Member]) -> list[Member]:
    """Orders whose open lines a held package of the listing already holds, put back into it."""
    holder: dict[str, int] = {}
    for index, (_package, held) in enumerate(keyed):
        for line_id in held.line_ids if held is not None else ():
            holder[line_id] = index
    folded: dict[int, list[RemotePackage]] = {}
    rest: list[int] = []
    for index, (package, held) in enumerate(keyed):
        owners = {holder.get(line.line_id) for line in package.lines}
        owner = owners.pop() if len(owners) == 1 else None
        if held is None and owner is not None and owner != index:
            folded.setdefault(owner, []).append(package)
        else:
            rest.append(index)
    return [(combined(keyed[i][0], folded[i]) if i in folded else keyed[i][0], keyed[i][1]) for i in rest]


def _combine(members: list[Member], packable_with: PackableWith) -> list[RemotePackage]:
    """One delivery's orders: the ones HB lets join the oldest free package as one package, the others alone."""
    members = sorted(members, key=lambda member: _age(member[0]))
    free = [p for p, held in members if held is not None and _untouched(held)]
    anchor = free[0] if free else next((p for p, held in members if held is None), None)
    candidates = [p for p, held in members if held is None and p is not anchor]
    if anchor is None or not candidates:
        return [p for p, _held in members]
    joinable = packable_with(anchor.lines[0].line_id)
    joiners = [p for p in candidates if joinable is not None and {line.line_id for line in p.lines} <= set(joinable)]
    if not joiners:
        return [p for p, _held in members]
    log.info(
        "orders combined into one package key=%s orders=%s",
        anchor.package_id,
        ",".join(p.order_number for p in (anchor, *joiners)),
    )
    rest = [p for p, _held in members if p is not anchor and p not in joiners]
    return [combined(anchor, joiners), *rest]


def combined(anchor: RemotePackage, joiners: Sequence[RemotePackage]) -> RemotePackage:
    """``anchor`` holding the lines of ``joiners`` too (its key, order number and address stay)."""
    parts = (anchor, *joiners)
    items: list[Any] = [item for p in parts for item in _items(p)]
    dues = [p.ship_by for p in parts if p.ship_by is not None]
    orders = dict.fromkeys(str(item.get("orderNumber")) for item in items if isinstance(item, Mapping))
    return replace(
        anchor,
        lines=tuple(line for p in parts for line in p.lines),
        ship_by=min(dues) if dues else None,
        raw={"items": items, "orderNumbers": list(orders)},
    )


def delivery_key(package: RemotePackage) -> tuple[str, ...] | None:
    """Customer, address, carrier, warehouse and export kind of an open package; None when its own lines
    disagree (an order going out from two warehouses is packed per warehouse, DOCS-TXT) or say nothing."""
    keys = {_line_delivery(item) for item in _items(package)}
    if len(keys) != 1:
        return None
    (key,) = keys
    return key if key[0] and key[1] else None


def _line_delivery(item: Any) -> tuple[str, ...]:
    if not isinstance(item, Mapping):
        return ("", "")
    address = item.get("shippingAddress")
    warehouse = item.get("warehouse")
    return (
        str(item.get("customerId") or ""),
        str(address.get("addressId") or "") if isinstance(address, Mapping) else "",
        str(item.get("cargoCompany") or ""),
        str(warehouse.get("shippingAddressLabel") or "") if isinstance(warehouse, Mapping) else "",
        str(bool(item.get("isMicroExport"))),
    )


def _line_ids(package: RemotePackage) -> frozenset[str]:
    return frozenset(line.line_id for line in package.lines)


def _items(package: RemotePackage) -> list[Any]:
    items = package.raw.get("items")
    return list(items) if isinstance(items, list) else []


def _untouched(held: HeldPackage) -> bool:
    """Nobody works on it and HB has not packed it: lines may still join it."""
    return not held.busy and not held.package_number and held.status in _OPEN


def _age(package: RemotePackage) -> tuple[str, int, str]:
    """Oldest first: by order date, then order number (HB's grow over time; the tie-break only)."""
    when = package.order_date.astimezone(UTC).isoformat() if package.order_date is not None else "9999"
    return (when, len(package.order_number), package.order_number)
