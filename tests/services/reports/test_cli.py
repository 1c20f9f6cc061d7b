"""`report` commands as a user runs them: subprocesses, files read back with openpyxl and poppler."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from packstation.db.connect import Database
from tests.services.reports.conftest import DAY, Seeded, seed_day
from tests.services.reports.test_billing import TIERS, seed_month


def run(db_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    environment["PACKSTATION_STATION_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "packstation.cli.reports", "--database-url", db_url, "report", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=90,
    )


def test_throughput_csv_xlsx_and_pdf(db: Database, db_url: str, tmp_path: Path) -> None:
    seed_day(db)
    day = DAY.isoformat()
    result = run(db_url, tmp_path, "throughput", "--from", day, "--to", day, "--by", "packer")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["Packer", "Parcels", "Items"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Şükrü Öztürk"][1:] == ["3", "2", "2", "1.5", "240.0", "2", "1", "1", "200.0"]
    assert by_name["Ayşe Yılmaz"][1:4] == ["3", "6", "4"]

    xlsx = tmp_path / "out" / "throughput.xlsx"
    result = run(
        db_url, tmp_path, "throughput", "--from", day, "--by", "station", "--format", "xlsx", "--out", str(xlsx)
    )
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(xlsx)
    sheet = book[book.sheetnames[0]]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["İstasyon 1", 3, 6] and values[2][:3] == ["İstasyon 2", 3, 2]
    assert [c.value for c in book["Total"][2]][1:3] == [6, 8]

    pdf = tmp_path / "daily.pdf"
    result = run(db_url, tmp_path, "throughput", "--from", day, "--format", "pdf", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ["Şükrü Öztürk", "Ayşe Yılmaz", "İstasyon 1", "Packing report 10.03.2026", "Parcels per hour"]:
        assert expected in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts  # embedded: Turkish glyphs come from DejaVu
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_parcels_export_filtered_by_client(db: Database, db_url: str, tmp_path: Path) -> None:
    seed_day(db)
    result = run(db_url, tmp_path, "parcels", "--from", DAY.isoformat(), "--client", "Çiçek Tekstil")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [(r[1], r[0], r[3], r[8]) for r in rows[1:]] == [
        ("EXT-P4", "2026-03-10 00:02:00", "Çiçek Tekstil", "240.0"),
        ("EXT-P3", "2026-03-10 10:03:00", "Çiçek Tekstil", "180.0"),
    ]


def test_billing_plan_and_billing_outputs(db: Database, db_url: str, tmp_path: Path) -> None:
    seed_month(db)
    assert run(db_url, tmp_path, "billing", "--period", "2026-03").returncode == 1
    result = run(db_url, tmp_path, "billing-plan", "set", "--tiers", TIERS, "--start-day", "15")
    assert result.returncode == 0, result.stderr
    override = ("--client", "Çiçek Tekstil", "--tiers", TIERS, "--pricing", "graduated", "--storage", "1500")
    assert run(db_url, tmp_path, "billing-plan", "set", *override).returncode == 0
    shown = run(db_url, tmp_path, "billing-plan", "show")
    assert "default: tiers=100:5.00,250:4.50" in shown.stdout and "start_day=15" in shown.stdout
    assert "Çiçek Tekstil: tiers=" in shown.stdout and "pricing=graduated" in shown.stdout

    result = run(db_url, tmp_path, "billing", "--period", "2026-03")
    assert result.returncode == 0, result.stderr
    rows = {r[0]: r for r in csv.reader(io.StringIO(result.stdout))}
    assert rows["Güllü Ayakkabı"][1:5] == ["2026-03-15", "2026-04-14", "260", "251–500"]
    assert rows["Güllü Ayakkabı"][9] == "1040.00" and rows["Çiçek Tekstil"][9] == "2715.00"
    assert rows["Öz Kozmetik"][3] == "0"

    xlsx = tmp_path / "billing.xlsx"
    assert (
        run(db_url, tmp_path, "billing", "--period", "2026-03", "--format", "xlsx", "--out", str(xlsx)).returncode == 0
    )
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    amounts = {row[0].value: row[9].value for row in sheet.iter_rows(min_row=2)}
    assert float(amounts["Çiçek Tekstil"]) == 2715.0 and sheet.cell(2, 10).number_format == "#,##0.00"

    pdf = tmp_path / "billing.pdf"
    assert run(db_url, tmp_path, "billing", "--period", "2026-03", "--format", "pdf", "--out", str(pdf)).returncode == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Güllü Ayakkabı" in text and "Öz Kozmetik" in text and "3,755.00 TRY" in text

    cleared = run(db_url, tmp_path, "billing-plan", "clear", "--client", "Çiçek Tekstil")
    assert cleared.returncode == 0 and "default plan again" in cleared.stdout


def test_mistakes_get_specific_errors(db_url: str, tmp_path: Path, seeded: Seeded) -> None:
    no_out = run(db_url, tmp_path, "throughput", "--format", "pdf")
    assert no_out.returncode == 1 and "--format pdf needs --out FILE" in no_out.stderr
    bad_date = run(db_url, tmp_path, "throughput", "--from", "10.03.2026")
    assert bad_date.returncode == 2 and "is not a date like 2026-03-10" in bad_date.stderr
    unknown = run(db_url, tmp_path, "throughput", "--client", "Yok Böyle Firma")
    assert unknown.returncode == 1 and "no client company named 'Yok Böyle Firma'" in unknown.stderr
    backwards = run(db_url, tmp_path, "throughput", "--from", "2026-03-10", "--to", "2026-03-01")
    assert backwards.returncode == 1 and "before it starts" in backwards.stderr
    bad_tiers = run(db_url, tmp_path, "billing-plan", "set", "--tiers", "100:5,50:4,*:3")
    assert bad_tiers.returncode == 1 and "must rise" in bad_tiers.stderr
    bad_period = run(db_url, tmp_path, "billing", "--period", "2026-3")
    assert bad_period.returncode == 1
