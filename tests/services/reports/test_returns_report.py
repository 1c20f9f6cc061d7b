"""Return figures and `report returns`: per reason, client and product, return rates, bench time; CSV, XLSX, PDF."""

from __future__ import annotations

import csv
import io
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import update
from sqlalchemy.orm import Session

from packstation.db.connect import Database
from packstation.db.models.catalog import ProductRow
from packstation.db.models.stock import StockMovement
from packstation.db.models.sync import ClaimItemRow, ClaimRow, ReturnEventRow
from packstation.domain.stock import StockReason
from packstation.services.reports.model import DEFAULT_TIME_ZONE
from packstation.services.reports.returns import ReturnsGrouping, return_figures
from packstation.services.stock.movements import StockMove, apply_movements
from tests.services.reports.conftest import DAY, Seeded, add_parties, local
from tests.services.reports.test_cli import run


def _return(session: Session, s: Seeded, claim: str, units: list[tuple[int, str, str]], *, not_ours: int = 0) -> None:
    """A processed return of ``units`` (product id, condition, customer's reason), 90 s at the bench."""
    row = ClaimRow(
        account_id=s.trendyol, external_id=claim, order_number=f"O-{claim}", claimed_at=local(-2, 9, 0), raw={}
    )
    session.add(row)
    session.flush()
    detail_units = []
    for index, (product_id, condition, reason) in enumerate(units):
        item = ClaimItemRow(
            claim_id=row.id, external_id=f"{claim}-{index}", order_line_id="1", status="Accepted", reason_name=reason
        )
        session.add(item)
        session.flush()
        detail_units.append({"claim_item_id": item.id, "condition": condition, "product_id": product_id})
    done = local(0, 11, 0)
    counts = {
        c: sum(1 for _p, cond, _r in units if cond == c) for c in ("resellable", "damaged", "wrong_item", "missing")
    }
    session.add(
        ReturnEventRow(
            op_id=uuid.uuid4(),
            claim_id=row.id,
            station_id=s.station_1,
            user_id=s.ayse,
            opened_at=done - timedelta(seconds=90),
            occurred_at=done,
            not_ours=not_ours,
            detail={"units": detail_units, "claim_external_id": claim},
            **counts,
        )
    )


def _seed(db: Database) -> tuple[Seeded, int, int]:
    with db.sessions.begin() as session:
        s = add_parties(session)
        boots = ProductRow(client_company_id=s.gullu, stock_code="BOT-1", name="Bot Çizme")
        shirt = ProductRow(client_company_id=s.gullu, stock_code="GMLK-2", name="Gömlek")
        session.add_all([boots, shirt])
        session.flush()
        # Ten boots and ten shirts were sent that day.
        apply_movements(
            session,
            [StockMove(boots.id, -10, StockReason.PACKED), StockMove(shirt.id, -10, StockReason.PACKED)],
        )
        session.execute(update(StockMovement).values(created_at=local(0, 10, 0)))  # sent on the report's day
        _return(session, s, "C1", [(boots.id, "resellable", "Beden uymadı"), (boots.id, "damaged", "Beden uymadı")])
        _return(session, s, "C2", [(shirt.id, "wrong_item", "Vazgeçtim")], not_ours=1)
        return s, boots.id, shirt.id


def test_figures_per_reason_product_and_client(db: Database) -> None:
    _s, _boots, _shirt = _seed(db)
    with db.sessions() as session:
        by_reason = {f.key: f for f in return_figures(session, DAY, DAY, ReturnsGrouping.REASON, tz=DEFAULT_TIME_ZONE)}
        by_product = {
            f.key: f for f in return_figures(session, DAY, DAY, ReturnsGrouping.PRODUCT, tz=DEFAULT_TIME_ZONE)
        }
        [client] = return_figures(session, DAY, DAY, ReturnsGrouping.CLIENT, tz=DEFAULT_TIME_ZONE)
        assert (
            return_figures(
                session, DAY + timedelta(days=1), DAY + timedelta(days=1), ReturnsGrouping.DAY, tz=DEFAULT_TIME_ZONE
            )
            == []
        )
    assert (by_reason["Beden uymadı"].returns, by_reason["Beden uymadı"].units, by_reason["Beden uymadı"].rejected) == (
        1,
        2,
        1,
    )
    assert by_reason["Vazgeçtim"].wrong_item == 1 and by_reason["Vazgeçtim"].not_ours == 1
    boots = by_product["BOT-1 Bot Çizme"]
    assert (boots.units, boots.sent, boots.rate, boots.resellable, boots.damaged) == (2, 10, 20.0, 1, 1)
    assert by_product["GMLK-2 Gömlek"].rate == 10.0
    assert (client.key, client.returns, client.units, client.sent, client.rate) == ("Güllü Ayakkabı", 2, 3, 20, 15.0)
    assert client.bench_median_s == 90.0 and client.claim_to_done_median_h == 50.0


def test_report_returns_csv_xlsx_pdf(db: Database, db_url: str, tmp_path: Path) -> None:
    _seed(db)
    day = DAY.isoformat()
    result = run(db_url, tmp_path, "returns", "--from", day, "--to", day, "--by", "reason")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:4] == ["Reason", "Returns", "Units", "Resellable"]
    assert {row[0] for row in rows[1:]} == {"Beden uymadı", "Vazgeçtim"}
    xlsx = tmp_path / "returns.xlsx"
    result = run(db_url, tmp_path, "returns", "--from", day, "--by", "product", "--format", "xlsx", "--out", str(xlsx))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and [c.value for c in sheet[2]][:3] == ["BOT-1 Bot Çizme", 1, 2]
    pdf = tmp_path / "returns.pdf"
    result = run(db_url, tmp_path, "returns", "--from", day, "--by", "client", "--format", "pdf", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Güllü Ayakkabı" in text and "Returns 2026-03-10" in text
    result = run(db_url, tmp_path, "returns", "--from", day, "--by", "colour")
    assert result.returncode != 0 and "invalid choice" in result.stderr


def test_a_billing_plan_charges_a_fee_per_processed_return(db: Database, db_url: str, tmp_path: Path) -> None:
    _seed(db)
    plan = run(db_url, tmp_path, "billing-plan", "set", "--tiers", "*:4.00", "--return-fee", "7.50")
    assert plan.returncode == 0, plan.stderr
    assert "return_fee=7.50" in run(db_url, tmp_path, "billing-plan", "show").stdout
    result = run(db_url, tmp_path, "billing", "--period", DAY.strftime("%Y-%m"))
    assert result.returncode == 0, result.stderr
    rows = {row[0]: row for row in csv.reader(io.StringIO(result.stdout))}
    assert rows["Client"][11:] == ["Returns", "Return fees"]
    assert rows["Güllü Ayakkabı"][11:] == ["2", "15.00"]  # two returns at 7.50, on top of the parcels
    assert rows["Güllü Ayakkabı"][9] == "15.00"  # no parcels were packed (pack events) in the seed
    assert rows["Çiçek Tekstil"][11:] == ["0", "0.00"]
