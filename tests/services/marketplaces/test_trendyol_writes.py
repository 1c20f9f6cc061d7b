"""Trendyol writes against the simulator: statuses, unsupplied lines, stock batches, labels, auth."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from decimal import Decimal

import pytest

from packstation.domain.marketplace import LabelFormat
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import (
    AuthError,
    BatchState,
    ItemState,
    PackageQuery,
    Rejected,
    RemotePackage,
    StockUpdate,
    Timeouts,
    TrendyolClient,
    TrendyolConfig,
    TrendyolCredentials,
    UnsuppliedLine,
    Unsupported,
)
from packstation.services.marketplaces.trendyol.client import REASON_IDS
from packstation.services.marketplaces.trendyol.config import TrendyolLimits
from packstation.simulators.trendyol import (
    FaultKind,
    FaultPlan,
    SimulatedMarketplace,
    SimulatorServer,
    sim_credentials,
)


def _created(client: TrendyolClient, predicate: Callable[[RemotePackage], bool] = lambda p: True) -> RemotePackage:
    query = PackageQuery(statuses=frozenset({PackageStatus.CREATED}))
    return next(p for p in client.iter_packages(query) if predicate(p))


def _puts(sim: SimulatedMarketplace, package: RemotePackage) -> list[int]:
    return [r.status for r in sim.requests_to("PUT", f"shipment-packages/{package.package_id}")]


def test_picking_then_invoiced(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client)
    assert client.mark_picking(package, business_key="op-1").sent
    assert sim.package(int(package.package_id)).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert client.mark_invoiced(package, invoice_number="EME2026000025208", business_key="op-2").sent
    fresh = client.get_package(package.package_id)
    assert fresh is not None and fresh.status is PackageStatus.INVOICED
    body = sim.requests_to("PUT", f"shipment-packages/{package.package_id}")[-1].body
    assert b'"params":{"invoiceNumber":"EME2026000025208"}' in body


def test_invoiced_before_picking_is_rejected_once_with_the_marketplace_message(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    package = _created(client)
    with pytest.raises(Rejected) as caught:
        client.mark_invoiced(package, invoice_number="EME1", business_key="op-3")
    assert caught.value.status == 400
    assert "Created statüsündeyken Invoiced" in caught.value.marketplace_message
    assert _puts(sim, package) == [400]  # a 4xx is never retried


def test_repeated_picking_is_recognised_as_done(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client)
    assert client.mark_picking(package, business_key="op-4").sent
    again = client.mark_picking(package, business_key="op-4")  # e.g. the outbox after a crash
    assert not again.sent and again.business_key == "op-4"
    assert _puts(sim, package) == [200, 400]


def test_timeout_after_the_write_applied_does_not_resend(
    sim: SimulatedMarketplace,
    server: SimulatorServer,
    config_for: Callable[..., TrendyolConfig],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = config_for(server, timeouts=Timeouts(connect=2.0, read=0.3, write=2.0, pool=2.0))
    with TrendyolClient(sim_credentials(sim), config=config) as client:
        package = _created(client)
        sim.inject(FaultPlan(FaultKind.SLOW, method="PUT", delay=0.8))  # applied, then the reply stalls
        with caplog.at_level(logging.INFO, logger="packstation.services.marketplaces"):
            outcome = client.mark_picking(package, business_key="op-timeout-5")
    assert not outcome.sent
    assert len(_puts(sim, package)) == 1
    assert sim.package(int(package.package_id)).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert "business_key=op-timeout-5" in caplog.text


def test_unsupplied_line_replaces_the_package(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client, lambda p: len(p.lines) >= 2)
    cut = package.lines[0]
    outcome = client.report_unsupplied(
        package,
        [UnsuppliedLine(cut.line_id, cut.quantity)],
        reason=UnsuppliedReason.OUT_OF_STOCK,
        business_key="op-6",
    )
    assert outcome.sent
    body = sim.requests_to("PUT", "items/unsupplied")[-1].body
    assert b'"reasonId":500' in body
    old = client.get_package(package.package_id)
    assert old is not None and old.status is PackageStatus.UNSUPPLIED and old.status.is_superseded
    (successor,) = client.successors_of(package)
    assert successor.is_successor and successor.origin_package_ids == (package.package_id,)
    assert successor.package_id != package.package_id
    assert successor.order_number == package.order_number
    assert successor.cargo_tracking_number != package.cargo_tracking_number
    assert successor.created_by == "cancel" and successor.status is PackageStatus.CREATED
    assert [(x.barcode, x.quantity) for x in successor.lines] == [(x.barcode, x.quantity) for x in package.lines[1:]]
    # The sync sees the successor first, as the newest change.
    assert next(iter(client.iter_packages(PackageQuery()))).package_id == successor.package_id


def test_unsupplied_input_is_checked_before_sending(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client)
    with pytest.raises(ValueError, match="not in package"):
        client.report_unsupplied(
            package,
            [UnsuppliedLine(package.lines[0].line_id, package.lines[0].quantity + 1)],
            reason=UnsuppliedReason.DEFECTIVE,
            business_key="op-7",
        )
    assert sim.requests_to("PUT", "items/unsupplied") == []
    with pytest.raises(ValueError, match="positive"):
        UnsuppliedLine("1", 0)


def test_stock_batch_and_result(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    first, second = sim.catalogue[0], sim.catalogue[1]
    items = [
        StockUpdate(barcode=first.barcode, quantity=12),
        StockUpdate(barcode=second.barcode, quantity=3, sale_price=Decimal("899.90"), list_price=Decimal("999.90")),
        StockUpdate(barcode="8690000000005", quantity=1),  # not in the catalogue
    ]
    (receipt,) = client.push_stock(items, business_key="stock-8")
    assert receipt.batch_id and receipt.item_count == 3 and not receipt.already_accepted
    result = client.stock_result(receipt.batch_id)
    assert result.state is BatchState.COMPLETED
    assert [i.state for i in result.items] == [ItemState.SUCCESS, ItemState.SUCCESS, ItemState.FAILED]
    assert result.failed[0].key == "8690000000005" and result.failed[0].reasons == ("Ürün bulunamadı.",)
    assert sim.stock == {first.barcode: 12, second.barcode: 3}


def test_identical_stock_body_within_15_minutes_counts_as_accepted(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    items = [StockUpdate(barcode=sim.catalogue[5].barcode, quantity=7)]
    client.push_stock(items, business_key="stock-9")
    (again,) = client.push_stock(items, business_key="stock-9")
    assert again.already_accepted and again.batch_id == ""
    assert [r.status for r in sim.requests_to("POST", "price-and-inventory")] == [200, 400]


def test_stock_is_split_into_batches_and_checked(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> None:
    items = [StockUpdate(barcode=product.barcode, quantity=n) for n, product in enumerate(sim.catalogue[:5])]
    with TrendyolClient(sim_credentials(sim), config=config_for(server, stock_batch_size=2)) as client:
        receipts = client.push_stock(items, business_key="stock-10")
        assert [r.item_count for r in receipts] == [2, 2, 1]
        assert [r.business_key for r in receipts] == ["stock-10/0", "stock-10/1", "stock-10/2"]
        with pytest.raises(ValueError, match="above Trendyol"):
            client.push_stock([StockUpdate(barcode="1", quantity=20_001)], business_key="stock-11")
    with pytest.raises(ValueError, match="together"):
        StockUpdate(barcode="1", sale_price=Decimal(1))


def test_common_label_is_zpl_with_the_tracking_barcode(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client, lambda p: p.cargo_tracking_number.startswith("733") and p.marketplace_pays_shipping)
    with pytest.raises(Rejected, match="Picking or Invoiced"):
        client.fetch_label(package)  # Trendyol issues the label only once packing has started
    client.mark_picking(package, business_key="op-12")
    label = client.fetch_label(package)
    assert label is not None and label.format is LabelFormat.ZPL
    (zpl,) = label.documents
    text = zpl.decode("ascii")  # plain ASCII: Turkish letters folded
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ")
    assert f"^BCN,220,Y,N,N^FD{package.cargo_tracking_number}^FS" in text


def test_common_label_for_two_boxes_asks_for_two_and_gets_one_per_box(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    package = _created(client, lambda p: p.cargo_tracking_number.startswith("733") and p.marketplace_pays_shipping)
    client.mark_picking(package, business_key="op-13")
    label = client.fetch_label(package, box_count=2)
    assert label is not None and len(label.documents) == 2
    assert sim.label_requests[-1] == {"tracking": package.cargo_tracking_number, "format": "ZPL", "boxQuantity": 2}
    assert [b"Koli 1/2" in zpl for zpl in label.documents] == [True, False]
    assert b"Koli 2/2" in label.documents[1]


def test_no_common_label_for_other_carriers(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client, lambda p: p.cargo_tracking_number.startswith(("725", "728")))
    assert client.fetch_label(package) is None
    assert sim.requests_to("POST", "common-label") == []


def test_wrong_secret_is_an_auth_error_with_the_marketplace_message(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> None:
    credentials = TrendyolCredentials(sim.config.seller_id, "sim-api-key", "wrong-secret-xyz")
    assert "wrong-secret-xyz" not in repr(credentials)
    with TrendyolClient(credentials, config=config_for(server)) as client, pytest.raises(AuthError) as caught:
        list(client.iter_packages(PackageQuery()))
    assert caught.value.status == 401
    assert caught.value.marketplace_message == "ClientApiAuthenticationException"
    assert "wrong-secret-xyz" not in str(caught.value)
    assert len(sim.requests) == 1  # never retried


def test_user_agent_for_another_seller_is_refused_403(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> None:
    credentials = TrendyolCredentials("999", sim.config.api_key, sim.config.api_secret)
    with TrendyolClient(credentials, config=config_for(server)) as client, pytest.raises(AuthError) as caught:
        list(client.iter_packages(PackageQuery()))
    assert caught.value.status == 403
    assert "User-Agent" in caught.value.marketplace_message
    assert sim.requests[0].user_agent == "999 - SelfIntegration"


def test_credentials_are_validated() -> None:
    with pytest.raises(ValueError, match="digits"):
        TrendyolCredentials("abc", "k", "s")
    with pytest.raises(ValueError, match="integrator"):
        TrendyolCredentials("1", "k", "s", integrator="Bad Name!")


OLD_PAGED = "/order/sellers/{seller_id}/orders"


def _old_list_calls(sim: SimulatedMarketplace) -> list[int]:
    """Requests to the retired paged list (``.../orders`` exactly, not the stream or v2)."""
    return [r.status for r in sim.requests if r.method == "GET" and r.path.endswith(f"/{sim.config.seller_id}/orders")]


def test_common_label_needs_only_the_tracking_number_and_follows_the_box_count(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    package = _created(client, lambda p: p.cargo_tracking_number.startswith("726") and p.marketplace_pays_shipping)
    client.mark_picking(package, business_key="op-label-1")
    listings_before = len(sim.requests_to("GET", "/orders"))
    label = client.label_for(package.package_id, package.cargo_tracking_number, box_count=2)
    assert label is not None and len(label.documents) == 2  # Trendyol: one label per box
    assert len(sim.requests_to("GET", "/orders")) == listings_before  # no listing read at all
    assert b'"boxQuantity":2' in sim.requests_to("POST", "common-label")[-1].body
    assert client.label_for(package.package_id, "725" + package.cargo_tracking_number[3:]) is None  # Yurtiçi
    with pytest.raises(ValueError, match="box count"):
        client.label_for(package.package_id, package.cargo_tracking_number, box_count=0)
    assert _old_list_calls(sim) == []


def test_write_check_uses_the_stream_when_the_paged_path_answers_426(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> None:
    """A seller still configured on the old list: its 426 must not turn a applied write into FAILED."""
    config = config_for(server, paged_path=OLD_PAGED, timeouts=Timeouts(connect=2.0, read=0.3, write=2.0, pool=2.0))
    with TrendyolClient(sim_credentials(sim), config=config) as client:
        package = _created(client)
        sim.inject(FaultPlan(FaultKind.SLOW, method="PUT", delay=0.8))  # applied, then the reply stalls
        outcome = client.mark_picking(package, business_key="op-426-1")
        assert not outcome.sent  # the stream showed the change: nothing was resent
        assert len(_puts(sim, package)) == 1
        assert _old_list_calls(sim) == [426]
        # A refusal answered by our own earlier success is also settled through the stream.
        again = client.mark_picking(package, business_key="op-426-1")
        assert not again.sent
    assert sim.package(int(package.package_id)).status is PackageStatus.PICKING  # type: ignore[union-attr]


def test_v2_is_the_default_paged_path(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = _created(client)
    assert client.get_package(package.package_id) == package
    assert sim.requests_to("GET", "/v2/orders") and _old_list_calls(sim) == []


def test_every_unsupplied_reason_is_faithful_and_other_is_refused(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    # The spec's enum, exactly: no 503, and nothing stands for "other".
    assert sorted(REASON_IDS.values()) == [500, 501, 502, 504, 505, 506]
    assert set(REASON_IDS) == set(UnsuppliedReason) - {UnsuppliedReason.OTHER}
    package = _created(client)
    line = package.lines[0]
    with pytest.raises(Unsupported, match="no unsupplied reason matching 'other'"):
        client.report_unsupplied(
            package, [UnsuppliedLine(line.line_id, 1)], reason=UnsuppliedReason.OTHER, business_key="op-other"
        )
    assert sim.requests_to("PUT", "items/unsupplied") == []
    client.report_unsupplied(
        package, [UnsuppliedLine(line.line_id, 1)], reason=UnsuppliedReason.FORCE_MAJEURE, business_key="op-fm"
    )
    assert b'"reasonId":506' in sim.requests_to("PUT", "items/unsupplied")[-1].body


def test_the_client_never_sends_more_than_fifty_within_ten_seconds(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> None:
    """With the shipped limits (stock: 350/min AND 50 per 10 s), 60 stock writes in a row: the stand-in
    answers the 51st within 10 s with 429, so none may arrive that fast; counted over a sliding 10 s."""
    with TrendyolClient(sim_credentials(sim), config=config_for(server, limits=TrendyolLimits())) as client:
        started = time.monotonic()
        for index in range(60):
            client.push_stock([StockUpdate(barcode=f"86900000{index:05d}", quantity=index)], business_key=f"b-{index}")
        elapsed = time.monotonic() - started
    posts = sim.requests_to("POST", "price-and-inventory")
    assert len(posts) == 60 and all(r.status == 200 for r in posts)  # no 429: nothing was refused
    stamps = sorted(r.at for r in posts)
    busiest = max(sum(1 for later in stamps[i:] if later - first < 10.0) for i, first in enumerate(stamps))
    assert busiest == 50  # the window is used in full, never exceeded
    assert elapsed >= 10.0


def test_a_parcel_trendyol_refuses_a_common_label_for_gets_our_label(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    """A seller-paid TEX/Aras parcel: Trendyol answers "not available for this carrier"; we print ours."""
    package = _created(
        client, lambda p: p.cargo_tracking_number.startswith(("733", "726")) and not p.marketplace_pays_shipping
    )
    client.mark_picking(package, business_key="op-label-seller-pays")
    assert client.label_for(package.package_id, package.cargo_tracking_number) is None
    (refused,) = sim.requests_to("POST", "common-label")
    assert refused.status == 400  # asked (the sources disagree on who gets one), refused, and no retry
