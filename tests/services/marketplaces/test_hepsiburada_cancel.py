"""Hepsiburada: a line the seller cannot supply is cancelled with ``cancelbymerchant``, once, and left out of
the package the station creates. Over real HTTP against the strict HB stand-in (SPEC's path and body only),
then end to end at a station: real PostgreSQL, the journal pump, the outbox pusher, labels on a TCP printer."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import User
from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.status import PackageStatus, Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import LoginMethod, UserSession
from packstation.services.marketplaces.errors import NotFound, Unsupported
from packstation.services.marketplaces.models import PackageQuery, RemotePackage
from packstation.services.marketplaces.writes import UnsuppliedLine
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.packing.service import ScanOutcome
from tests.services.marketplaces.hb_rig import Rig, drain, rig, stored, sync
from tests.support import wait_until

__all__ = ["rig"]  # the fixture, imported for pytest


def _open_package(rig: Rig, order: str) -> RemotePackage:
    (package,) = (p for p in rig.client.iter_packages(PackageQuery()) if p.order_number == order)
    return package


def _cancel_posts(rig: Rig) -> list[str]:
    return [path for method, path, _params in rig.sim.requests if method == "POST" and "cancelbymerchant" in path]


def test_cancelbymerchant_goes_out_once_with_the_published_body(rig: Rig) -> None:
    order = rig.sim.add_order(lines=2, carrier="Aras Kargo")
    package = _open_package(rig, order)
    gone, kept = package.lines
    outcome = rig.client.report_unsupplied(
        package, [UnsuppliedLine(gone.line_id, gone.quantity)], reason=UnsuppliedReason.OUT_OF_STOCK, business_key="k1"
    )
    assert outcome.sent
    merchant = rig.sim.config.merchant_id
    assert _cancel_posts(rig) == [f"/lineitems/merchantid/{merchant}/id/{gone.line_id}/cancelbymerchant"]
    assert rig.sim.merchant_cancels == [(gone.line_id, 83)]
    assert [line["id"] for line in rig.sim.lines_of(order)] == [kept.line_id]  # the other line stays open
    # An outbox retry after a lost answer: HB refuses the repeat, the cancelled feed shows it done.
    again = rig.client.report_unsupplied(
        package, [UnsuppliedLine(gone.line_id, gone.quantity)], reason=UnsuppliedReason.OUT_OF_STOCK, business_key="k1"
    )
    assert not again.sent and rig.sim.merchant_cancels == [(gone.line_id, 83)]


def test_what_hb_cannot_take_is_refused_before_anything_is_sent(rig: Rig) -> None:
    order = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    package = _open_package(rig, order)
    (line,) = package.lines
    with pytest.raises(Unsupported, match="one reason"):  # HB publishes no 'defective'
        rig.client.report_unsupplied(
            package, [UnsuppliedLine(line.line_id, line.quantity)], reason=UnsuppliedReason.DEFECTIVE, business_key="a"
        )
    if line.quantity > 1:
        with pytest.raises(ValueError, match="whole lines"):
            rig.client.report_unsupplied(
                package, [UnsuppliedLine(line.line_id, 1)], reason=UnsuppliedReason.OUT_OF_STOCK, business_key="b"
            )
    assert not _cancel_posts(rig)
    # A guessed spelling of the path is no route at the strict stand-in.
    rig.client.config = replace(
        rig.client.config, cancel_line_path="/lineItems/merchantId/{merchant_id}/id/{line_id}/cancelByMerchant"
    )
    with pytest.raises(NotFound):
        rig.client.report_unsupplied(
            package,
            [UnsuppliedLine(line.line_id, line.quantity)],
            reason=UnsuppliedReason.OUT_OF_STOCK,
            business_key="c",
        )
    assert rig.sim.merchant_cancels == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (None, 400),
        ({"reason": "stok yok"}, 400),
        ({"reasonId": "83"}, 400),
        ({"reasonId": 84}, 400),
        ({"reasonId": 83}, 200),
    ],
)
def test_the_stand_in_takes_only_the_published_body(rig: Rig, body: object, status: int) -> None:
    order = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    (line,) = rig.sim.lines_of(order)
    config = rig.sim.config
    request = urllib.request.Request(
        f"{rig.client.config.oms_url}/lineitems/merchantid/{config.merchant_id}/id/{line['id']}/cancelbymerchant",
        data=json.dumps(body).encode() if body is not None else b"",
        method="POST",
        headers={
            "Authorization": "Basic "
            + base64.b64encode(f"{config.merchant_id}:{config.service_key}".encode()).decode(),
            "User-Agent": config.user_agent,
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            got = reply.status
    except urllib.error.HTTPError as error:
        got = error.code
    assert got == status
    assert (rig.sim.lines_of(order) == []) is (status == 200)


def _supervisor(db: Database) -> UserSession:
    with db.sessions.begin() as session:
        user = User(username="sup", role="supervisor", password_hash="x")
        session.add(user)
        session.flush()
        user_id = user.id
    return UserSession(
        user_id=user_id,
        username="sup",
        full_name="Sup",
        role=Role.SUPERVISOR,
        station_id=None,
        method=LoginMethod.BADGE,
        started_at=datetime.now(UTC),
        session_id=uuid.uuid4(),
    )


def test_an_unsupplied_line_is_cancelled_at_hb_and_left_out_of_the_parcel(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=2, carrier="HepsiJet")
    kept, gone = rig.sim.lines_of(order)
    sync(db, rig)
    opened = rig.packing.open(order, user_id=None)
    assert opened.package is not None
    for _ in range(kept["quantity"]):
        assert rig.packing.scan(kept["productBarcode"], user_id=None).outcome is ScanOutcome.ACCEPTED
    supervisor = _supervisor(db)
    rig.packing.audit = AuditLog(db.sessions)  # a supervisor's decision is audited
    assert rig.packing.mark_unsupplied(supervisor, gone["id"], gone["quantity"], UnsuppliedReason.OUT_OF_STOCK)
    # The label dispatcher packs what went out: the kept line alone.
    wait_until(lambda: stored(db, rig, order).marketplace_package_number, timeout=20, what="the HB package")
    number = str(stored(db, rig, order).marketplace_package_number)
    assert [line["id"] for line in rig.sim.packages[number].lines] == [kept["id"]]
    wait_until(lambda: f"Paket: {number}".encode() in rig.zebra.received, timeout=20, what="HB's label")
    drain(rig)

    pusher = OutboxPusher(db.sessions, lambda _account: rig.client)
    pusher.push()
    assert rig.sim.merchant_cancels == [(gone["id"], 83)]
    pusher.push()  # nothing left to send: cancelled once
    assert len(_cancel_posts(rig)) == 1
    with db.sessions() as session:
        states = session.scalars(select(OutboxEntry.state).where(OutboxEntry.kind == "unsupplied")).all()
    assert states == ["done"]

    # HB lists the line as cancelled (by the merchant): the parcel it was left out of still goes out.
    sync(db, rig)
    assert stored(db, rig, order).status == PackageStatus.PICKING.value
    with db.sessions() as session:
        keys = session.scalars(select(PackageRow.external_id).where(PackageRow.account_id == rig.account_id)).all()
    assert keys == [order]  # and nothing came back as new work
    rig.sim.ship(number)
    sync(db, rig)
    assert stored(db, rig, order).status == PackageStatus.SHIPPED.value
