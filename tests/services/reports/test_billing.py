"""3PL billing: tier pricing by hand, periods, plans in the database, and a seeded month."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow, Station
from packstation.db.models.reports import PricingMode
from packstation.services.access.audit import AuditLog
from packstation.services.reports.billing import (
    BillingError,
    BillingPlans,
    BillingService,
    Plan,
    billing_period,
    format_tiers,
    parse_tiers,
)
from tests.services.reports.conftest import IST

TIERS = "100:5.00,250:4.50,500:4.00,750:3.50,1000:3.00,*:2.50"


def plan(pricing: PricingMode = PricingMode.VOLUME, **kwargs: object) -> Plan:
    return Plan(tiers=parse_tiers(TIERS), pricing=pricing, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("parcels", "tier", "amount"),
    [(0, "0–100", "0.00"), (100, "0–100", "500.00"), (101, "101–250", "454.50"), (1000, "751–1000", "3000.00")],
)
def test_volume_pricing_prices_every_parcel_at_the_reached_tier(parcels: int, tier: str, amount: str) -> None:
    p = plan()
    assert p.tier_label(p.tier_index(parcels)) == tier
    assert p.parcel_amount(parcels) == Decimal(amount)


def test_volume_pricing_above_the_last_limit() -> None:
    p = plan()
    assert p.tier_label(p.tier_index(1001)) == "1001+"
    assert p.parcel_amount(1001) == Decimal("2502.50")


def test_graduated_pricing_prices_each_band_at_its_own_price() -> None:
    p = plan(PricingMode.GRADUATED)
    assert p.parcel_amount(100) == Decimal("500.00")
    assert p.parcel_amount(260) == Decimal("1215.00")  # 100 × 5 + 150 × 4.50 + 10 × 4
    assert p.parcel_amount(1001) == Decimal("3802.50")  # 500 + 675 + 1000 + 875 + 750 + 2.50


def test_amounts_round_half_up_to_the_cent() -> None:
    p = Plan(tiers=parse_tiers("*:0.0125"))
    assert p.parcel_amount(1) == Decimal("0.01") and p.parcel_amount(2) == Decimal("0.03")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("100:5,50:4,*:3", "must rise"),
        ("100:5,*:4,500:3", "only the last tier"),
        ("100:5,250:4", "must be open-ended"),
        ("100:-1,*:3", "cannot be negative"),
        ("100=5", "not LIMIT:PRICE"),
        ("abc:5", "not LIMIT:PRICE"),
        ("", "at least one tier"),
    ],
)
def test_bad_tiers_are_refused(spec: str, message: str) -> None:
    with pytest.raises(BillingError, match=message):
        Plan(tiers=parse_tiers(spec))


def test_periods_start_on_the_plans_day() -> None:
    assert billing_period("2026-03", 15) == billing_period("2026-03", 15)
    period = billing_period("2026-12", 15)
    assert (period.start, period.end) == (date(2026, 12, 15), date(2027, 1, 15))
    assert billing_period("2026-02", 1).end == date(2026, 3, 1)
    for bad in ("2026-13", "2026-3", "march"):
        with pytest.raises(BillingError, match="YYYY-MM"):
            billing_period(bad, 1)
    with pytest.raises(BillingError, match="day 1 to 28"):
        Plan(tiers=parse_tiers("*:1"), period_start_day=31)


def add_parcels(db: Database, account: int, station: int, count: int, *, at: datetime, tag: str) -> None:
    """``count`` completed parcels of ``account`` at ``at``, through pack_events like the pump writes them."""
    with db.sessions.begin() as session:
        session.execute(
            text(
                "WITH p AS (INSERT INTO packages (account_id, external_id, order_number, status)"
                " SELECT :account, :tag || g, :tag || g, 'Picking' FROM generate_series(1, :n) g RETURNING id)"
                " INSERT INTO pack_events (op_id, package_id, station_id, kind, occurred_at)"
                " SELECT gen_random_uuid(), id, :station, 'complete', :at FROM p"
            ),
            {"account": account, "station": station, "n": count, "at": at, "tag": tag},
        )


def seed_month(db: Database) -> dict[str, int]:
    with db.sessions.begin() as session:
        clients = [ClientCompany(name=n) for n in ("Güllü Ayakkabı", "Çiçek Tekstil", "Öz Kozmetik")]
        station = Station(name="İstasyon 1")
        session.add_all([*clients, station])
        session.flush()
        accounts = [
            MarketplaceAccountRow(name=f"a{c.id}", kind="trendyol", seller_id="1", base_url="x", client_company_id=c.id)
            for c in clients
        ]
        session.add_all(accounts)
        session.flush()
        ids = {c.name: c.id for c in clients} | {"station": station.id}
        ids |= {f"acc:{c.name}": a.id for c, a in zip(clients, accounts, strict=True)}
    g, c, st = ids["acc:Güllü Ayakkabı"], ids["acc:Çiçek Tekstil"], ids["station"]
    add_parcels(db, g, st, 7, at=datetime(2026, 3, 14, 23, 59, 59, tzinfo=IST), tag="before-")
    add_parcels(db, g, st, 200, at=datetime(2026, 3, 15, 0, 0, 0, tzinfo=IST), tag="first-")  # the boundary belongs in
    add_parcels(db, g, st, 60, at=datetime(2026, 4, 14, 23, 59, 59, tzinfo=IST), tag="last-")
    add_parcels(db, g, st, 5, at=datetime(2026, 4, 15, 0, 0, 0, tzinfo=IST), tag="after-")
    add_parcels(db, c, st, 150, at=datetime(2026, 3, 10, 12, 0, tzinfo=IST), tag="c1-")
    add_parcels(db, c, st, 110, at=datetime(2026, 3, 31, 23, 30, tzinfo=IST), tag="c2-")
    return ids


def test_a_month_per_client_with_a_default_plan_and_an_override(db: Database) -> None:
    ids = seed_month(db)
    plans = BillingPlans(db.sessions, audit=AuditLog(db.sessions))
    service = BillingService(db.sessions, plans=plans, tz=IST)
    with pytest.raises(BillingError, match="no billing plan is set"):
        service.invoice("2026-03")
    plans.set_from_command_line(plan(period_start_day=15))
    own = plan(PricingMode.GRADUATED, period_start_day=1, storage_charge=Decimal("1500.00"))
    plans.set_from_command_line(own, client_company_id=ids["Çiçek Tekstil"])
    lines = {line.client: line for line in service.invoice("2026-03")}
    assert list(lines) == ["Çiçek Tekstil", "Güllü Ayakkabı", "Öz Kozmetik"]
    gullu, cicek, oz = lines["Güllü Ayakkabı"], lines["Çiçek Tekstil"], lines["Öz Kozmetik"]
    assert (gullu.period.start, gullu.period.end) == (date(2026, 3, 15), date(2026, 4, 15))
    assert (gullu.parcels, gullu.tier, gullu.amount, gullu.custom_plan) == (260, "251–500", Decimal("1040.00"), False)
    assert (cicek.period.start, cicek.period.end) == (date(2026, 3, 1), date(2026, 4, 1))
    assert (cicek.parcels, cicek.tier, cicek.parcel_amount) == (260, "251–500", Decimal("1215.00"))
    assert cicek.amount == Decimal("2715.00") and cicek.custom_plan
    assert (oz.parcels, oz.tier, oz.amount) == (0, "0–100", Decimal("0.00"))
    # Replacing and clearing plans
    assert format_tiers(plans.get(ids["Çiçek Tekstil"])) == format_tiers(own)  # type: ignore[arg-type]
    assert plans.clear_from_command_line(ids["Çiçek Tekstil"]) and not plans.clear_from_command_line(
        ids["Çiçek Tekstil"]
    )
    # Back on the default plan: 15 March to 15 April holds only the 110 parcels of 31 March, at 4.50.
    back = {line.client: line for line in service.invoice("2026-03")}["Çiçek Tekstil"]
    assert (back.parcels, back.amount, back.custom_plan) == (110, Decimal("495.00"), False)
    with pytest.raises(BillingError, match="does not exist"):
        plans.set_from_command_line(plan(), client_company_id=999_999)


def test_a_conflicting_complete_is_not_billed(db: Database) -> None:
    ids = seed_month(db)
    plans = BillingPlans(db.sessions, audit=AuditLog(db.sessions))
    plans.set_from_command_line(plan(period_start_day=15))
    with db.sessions.begin() as session:
        op_id, package_id = session.execute(
            text(
                "SELECT e.op_id, e.package_id FROM pack_events e JOIN packages p ON p.id = e.package_id"
                " WHERE p.external_id = 'first-1'"
            )
        ).one()
        session.execute(
            text(
                "INSERT INTO pack_exceptions (kind, package_id, op_id, message)"
                " VALUES ('conflict', :package, :op, 'already packed')"
            ),
            {"package": package_id, "op": op_id},
        )
    lines = {line.client: line for line in BillingService(db.sessions, plans=plans, tz=IST).invoice("2026-03")}
    assert lines["Güllü Ayakkabı"].parcels == 259
    assert ids
