"""Trendyol claims (returns): the parser against the published example, the client against the stand-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from packstation.domain.marketplace import Marketplace
from packstation.domain.returns import ClaimItemStatus
from packstation.services.marketplaces import TrendyolClient
from packstation.services.marketplaces.errors import MalformedReply, Rejected
from packstation.services.marketplaces.transport import parse_json
from packstation.services.marketplaces.trendyol.claims import parse_claim
from packstation.simulators.trendyol import SimulatedMarketplace

FIXTURES = Path(__file__).parent / "fixtures" / "trendyol"


def _published_page() -> dict[str, object]:
    raw = (FIXTURES / "GET_order_sellers_claims.page0.json").read_bytes()
    return parse_json(raw, marketplace=Marketplace.TRENDYOL, endpoint="claims")  # type: ignore[no-any-return]


def test_the_published_example_reads_exactly() -> None:
    first, second = (parse_claim(element) for element in _published_page()["content"])  # type: ignore[attr-defined]
    # The spec's own example tracking number is wider than int64: kept as exact text.
    assert first.return_tracking_number == "72602420957047276000"
    assert first.claim_id == "f9da2317-876b-4b86-b8f7-0535c3b65731" and first.order_number == "65745805"
    assert first.customer_name == "John Doe"
    assert [(line.barcode, line.stock_code, len(line.items)) for line in first.lines] == [
        ("99999999999", "2083667", 1),
        ("99999999998", "2052551", 2),
    ]
    assert [item.status for item in first.items] == [
        ClaimItemStatus.WAITING_IN_ACTION,
        ClaimItemStatus.WAITING_IN_ACTION,
        ClaimItemStatus.ACCEPTED,
    ]
    reason = first.items[0].customer_reason
    assert reason is not None and (reason.name, reason.code, reason.external_id) == ("Beden uymama", "UNFIT", "23")
    assert first.lines[0].size == "21"  # the example's leading space is not part of the size
    assert [item.status for item in second.items] == [ClaimItemStatus.REJECTED]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c.pop("items"), "items"),
        (lambda c: c["items"][0].pop("claimItems"), "claimItems"),
        (lambda c: c["items"][0]["claimItems"][0].pop("id"), "id"),
        (lambda c: c.update(orderNumber="\x00" * 3), "orderNumber"),
    ],
)
def test_a_broken_claim_names_the_field(change, field) -> None:  # type: ignore[no-untyped-def]
    claim = json.loads((FIXTURES / "GET_order_sellers_claims.page0.json").read_text())["content"][0]
    change(claim)
    with pytest.raises(MalformedReply, match=field):
        parse_claim(claim)


def test_claims_are_listed_and_approved_once(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = sim.package(sim.matching_ids()[0])
    assert package is not None
    claim = sim.claims.add(package)
    sim.claims.add(sim.package(sim.matching_ids()[1]), status="Created")  # type: ignore[arg-type]
    claims = [c for page in client.iter_claim_pages() for c in page.claims]
    assert {c.claim_id for c in claims} == set(sim.claims.claims)
    mine = next(c for c in claims if c.claim_id == claim["id"])
    assert mine.return_tracking_number == str(claim["cargoTrackingNumber"])
    assert len(mine.items) == sum(line.quantity for line in package.lines)
    ids = [item.item_id for item in mine.items]
    first = client.approve_claim_items(mine.claim_id, ids, order_number=mine.order_number, business_key="claim-1")
    again = client.approve_claim_items(mine.claim_id, ids, order_number=mine.order_number, business_key="claim-1")
    assert first.sent and not again.sent
    assert sim.claims.approvals == [(mine.claim_id, tuple(ids))]
    waiting = [c for page in client.iter_claim_pages(status=ClaimItemStatus.WAITING_IN_ACTION) for c in page.claims]
    assert waiting == []


def test_an_item_not_waiting_for_a_decision_is_refused(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    claim = sim.claims.add(sim.package(sim.matching_ids()[0]), status="Created")  # type: ignore[arg-type]
    item = claim["items"][0]["claimItems"][0]["id"]
    with pytest.raises(Rejected, match="onaylanamaz"):
        client.approve_claim_items(claim["id"], [item], order_number=claim["orderNumber"], business_key="claim-2")
    assert sim.claims.approvals == []


def test_claim_issue_reasons_come_from_trendyol_in_turkish(client: TrendyolClient) -> None:
    reasons = {reason.external_id: reason.name for reason in client.claim_issue_reasons()}
    assert reasons["251"] == "İade gelen ürün defolu / zarar görmüş" and "1651" in reasons


def test_a_rejection_is_a_multipart_claim_issue_sent_once(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    claim = sim.claims.add(sim.package(sim.matching_ids()[0]))  # type: ignore[arg-type]
    ids = [item["id"] for line in claim["items"] for item in line["claimItems"]]
    photo = ("topuk.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")
    kwargs = {"reason_id": "251", "description": "Topuk kırık, kutu ezik", "order_number": claim["orderNumber"]}
    first = client.reject_claim_items(claim["id"], ids[:1], files=[photo], business_key="reject-1", **kwargs)
    again = client.reject_claim_items(claim["id"], ids[:1], files=[photo], business_key="reject-1", **kwargs)
    assert first.sent and not again.sent
    [issue] = sim.claims.issues
    assert (issue.item_ids, issue.reason_id, issue.description, issue.files) == (
        (ids[0],),
        251,
        "Topuk kırık, kutu ezik",
        ("topuk.jpg",),
    )
    request = next(r for r in sim.requests if r.path.endswith("/issue"))
    assert b'name="claimItemIdList"' in request.body and b"[" not in request.body.split(b"claimItemIdList")[1][:60]
    state = {i["id"]: i["claimItemStatus"]["name"] for line in claim["items"] for i in line["claimItems"]}
    assert state[ids[0]] == "Unresolved"
    # An item already disputed cannot be approved afterwards: only WaitingInAction items can.
    with pytest.raises(Rejected, match="onaylanamaz"):
        client.approve_claim_items(claim["id"], ids[:1], order_number=claim["orderNumber"], business_key="a-1")


@pytest.mark.parametrize(
    ("reason", "files", "refusal"),
    [
        ("251", [], "dosya"),  # a file is required for this reason
        ("999", [("a.pdf", b"%PDF", "application/pdf")], "claimIssueReasonId"),
    ],
)
def test_the_stand_in_refuses_a_rejection_trendyol_refuses(
    client: TrendyolClient, sim: SimulatedMarketplace, reason: str, files: list, refusal: str
) -> None:
    claim = sim.claims.add(sim.package(sim.matching_ids()[0]))  # type: ignore[arg-type]
    item = claim["items"][0]["claimItems"][0]["id"]
    with pytest.raises(Rejected, match=refusal):
        client.reject_claim_items(
            claim["id"],
            [item],
            reason_id=reason,
            description="kırık",
            files=files,
            order_number=claim["orderNumber"],
            business_key="reject-2",
        )
    assert sim.claims.issues == []


def test_a_description_over_500_characters_never_leaves(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    claim = sim.claims.add(sim.package(sim.matching_ids()[0]))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="500"):
        client.reject_claim_items(
            claim["id"], ["x"], reason_id="451", description="ü" * 501, order_number="1", business_key="k"
        )
    assert not any(r.path.endswith("/issue") for r in sim.requests)
