"""Hepsiburada claims (returns) over real HTTP against the strict stand-in, into real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.sync import ClaimItemRow, ClaimRow
from packstation.domain.returns import ClaimItemStatus
from packstation.domain.status import OutboxKind, OutboxState
from packstation.services.marketplaces import RetryPolicy, Timeouts
from packstation.services.marketplaces.errors import MalformedReply, Unsupported
from packstation.services.marketplaces.hepsiburada.claims import parse_claim
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.outbox.claims import send_claim_answer
from packstation.services.outbox.rows import Claimed
from packstation.services.sync.claims import ClaimSync
from packstation.simulators.hepsiburada import HbSimConfig, HepsiburadaServer, SimulatedHepsiburada, sim_credentials

ACCOUNT = "hb-iade"


@dataclass
class HbClaims:
    """The stand-in, the client and the account row."""

    sim: SimulatedHepsiburada
    client: HepsiburadaClient
    account_id: int


@pytest.fixture
def hb(db: Database) -> Iterator[HbClaims]:
    sim = SimulatedHepsiburada(HbSimConfig(orders=3, seed=5))
    with HepsiburadaServer(sim) as server:
        config = HepsiburadaConfig(
            oms_url=server.base_url,
            listing_url=server.base_url,
            claim_rejection_reason="Diğer",
            retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, max_total=5.0),
            timeouts=Timeouts(2, 5, 5, 2),
        )
        client = HepsiburadaClient(sim_credentials(sim), config=config)
        with db.sessions.begin() as session:
            company = ClientCompany(name="İade Deneme")
            session.add(company)
            session.flush()
            account = MarketplaceAccountRow(
                name=ACCOUNT,
                kind="hepsiburada",
                seller_id=sim.config.merchant_id,
                base_url=server.base_url,
                client_company_id=company.id,
            )
            session.add(account)
            session.flush()
            account_id = account.id
        try:
            yield HbClaims(sim, client, account_id)
        finally:
            client.close()


def _orders(sim: SimulatedHepsiburada) -> list[str]:
    return sorted({line["orderNumber"] for line in sim.open_lines.values()})


def _row(kind: OutboxKind, claim: ClaimRow, items: list[str], **payload: object) -> Claimed:
    body = {"claim": claim.external_id, "order_number": claim.order_number, "items": items, **payload}
    return Claimed(1, claim.account_id, kind, f"claim-{kind}-{claim.external_id}", None, body, 0)


def test_a_claim_reads_one_unit_per_item_and_the_return_leg() -> None:
    data = {
        "number": "123",
        "orderNumber": "450",
        "lineItemId": "L1",
        "sku": "HBV1",
        "MerchantSku": "SKU-1",
        "quantity": 2,
        "status": "AwaitingAction",
        "claimDate": "2026-08-25T10:21:33.45",
        "Reason": "Beden uymadı",
        "Deliveries": [
            {"Direction": "Outbound", "TrackingNumber": "OUT-1"},
            {"Direction": "return", "TrackingNumber": "RET-1", "CargoCompany": {"Name": "Aras Kargo"}},
        ],
    }
    claim = parse_claim(data)
    assert [item.item_id for item in claim.items] == ["123-1", "123-2"]
    assert {item.status for item in claim.items} == {ClaimItemStatus.WAITING_IN_ACTION}
    assert (claim.return_tracking_number, claim.cargo_provider) == ("RET-1", "Aras Kargo")
    assert claim.lines[0].stock_code == "SKU-1" and claim.lines[0].order_line_id == "L1"
    assert claim.claimed_at is not None and claim.claimed_at.hour == 7  # Turkey time read as UTC+3
    # Another direction name (a setting: HB's values are unpublished) finds no return leg.
    assert parse_claim(data, return_direction="Inbound").return_tracking_number == ""
    with pytest.raises(MalformedReply, match="quantity"):
        parse_claim({**data, "quantity": 0})


def test_claims_sync_into_postgres_and_are_answered_once(db: Database, hb: HbClaims) -> None:
    first, second, third = _orders(hb.sim)
    accept = hb.sim.claim(first, quantity=2)
    reject = hb.sim.claim(second)
    hb.sim.claim(third, status="NewRequest")  # not the seller's to answer yet: not listed for the bench
    sync = ClaimSync(db.sessions)
    result = sync.pull_if_supported(hb.client, account_id=hb.account_id, account=ACCOUNT)
    assert result is not None and (result.stored, result.items, result.set_aside) == (2, 3, 0)
    sync.pull(hb.client, account_id=hb.account_id, account=ACCOUNT)  # again: nothing doubles
    with db.sessions() as session:
        rows = {row.external_id: row for row in session.scalars(select(ClaimRow)).all()}
        assert set(rows) == {accept["number"], reject["number"]}
        mine = rows[accept["number"]]
        assert mine.return_tracking_number == accept["Deliveries"][0]["TrackingNumber"]
        assert mine.raw["MerchantSku"] == accept["MerchantSku"]
        units = sorted(item.external_id for item in mine.items)
        assert units == [f"{accept['number']}-1", f"{accept['number']}-2"]
        assert session.scalar(select(ClaimItemRow.reason_name).where(ClaimItemRow.claim_id == mine.id)) == (
            "Beden uymadı"
        )
        other = rows[reject["number"]]
        other_units = [item.external_id for item in other.items]
        session.expunge_all()

    # HB answers a claim whole: one unit of two is refused before anything is sent.
    with pytest.raises(Unsupported, match="whole"):
        send_claim_answer(hb.client, _row(OutboxKind.CLAIM_APPROVE, mine, units[:1]))
    approve = _row(OutboxKind.CLAIM_APPROVE, mine, units)
    assert send_claim_answer(hb.client, approve).sent
    again = send_claim_answer(hb.client, approve)
    assert again.state is OutboxState.DONE and not again.sent

    # HB publishes no reasons: the bench offers the configured one (and none when none is configured).
    (reason,) = hb.client.claim_issue_reasons()
    configured = hb.client.config
    hb.client.config = replace(configured, claim_rejection_reason="")
    assert hb.client.claim_issue_reasons() == []
    hb.client.config = configured
    rejection = _row(
        OutboxKind.CLAIM_REJECT, other, other_units, reason_id=reason.external_id, description="Ürün kullanılmış"
    )
    assert send_claim_answer(hb.client, rejection, read_photo=None).sent
    assert not send_claim_answer(hb.client, rejection).sent
    assert [(number, verb) for number, verb, _body in hb.sim.claims.answers] == [
        (accept["number"], "accept"),
        (reject["number"], "reject"),
    ]
    # No hosted photos: the inspection PDF the outbox makes is not sent, HB takes URLs only.
    assert hb.sim.claims.answers[1][2] == {
        "ClaimRejectionReason": "Diğer",
        "MerchantStatement": "Ürün kullanılmış",
        "Reports": [],
        "UploadedReportsUrls": [],
    }
    sync.pull(hb.client, account_id=hb.account_id, account=ACCOUNT)
    assert [c for page in hb.client.iter_claim_pages() for c in page.claims] == []


def test_the_stand_in_refuses_what_hb_does_not_publish(hb: HbClaims) -> None:
    import httpx

    claim = hb.sim.claim(_orders(hb.sim)[0])
    base = hb.client.config.oms_url
    auth = (hb.sim.config.merchant_id, hb.sim.config.service_key)
    headers = {"User-Agent": hb.sim.config.user_agent}
    with httpx.Client(base_url=base, auth=auth, headers=headers) as http:
        path = f"/claims/merchantId/{hb.sim.config.merchant_id}/status/AwaitingAction"
        assert http.get(path, params={"page": 0}).status_code == 400
        assert http.get(path, params={"beginDate": "2026-08-25T10:00:00"}).status_code == 400
        assert http.get(path.replace("AwaitingAction", "Waiting")).status_code == 400
        assert http.get(path.replace("merchantId", "merchantid")).status_code == 404
        accept = f"/claims/number/{claim['number']}/accept"
        assert http.post(accept, json={"claimLineItemIdList": ["x"]}).status_code == 400
        assert http.post(accept, json={}).status_code == 200
        assert http.post(accept, json={}).status_code == 400  # answered already
