"""`packstation stock import|export` and `packstation report stock --below-threshold`, run as a user runs them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from packstation.db.connect import Database
from tests.cli.test_cli import run
from tests.services.stock.conftest import Warehouse


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {"PACKSTATION_DATABASE_URL": db_url, "PACKSTATION_STATION_DATA_DIR": str(tmp_path / "data")}


def test_import_check_import_export_and_the_low_stock_report(
    db: Database, db_url: str, warehouse: Warehouse, tmp_path: Path
) -> None:
    env = _env(db_url, tmp_path)
    stock = tmp_path / "stok.csv"
    stock.write_text(
        "stok_kodu;ad;barkodlar;depo;bölge;raf;miktar;düşük_stok_eşiği\n"
        "BOT-1;Süet Bağcıklı Bot;8690000000011;MAIN;A;A-01;2;5\n"
        "SHOE-1;;;MAIN;B;B-01;40;\n",
        encoding="utf-8-sig",
    )
    checked = run("stock", "import", str(stock), "--check", env=env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("would import stok.csv: 2 rows: 1 products new")
    assert "BOT-1" not in run("stock", "export", env=env).stdout  # --check changed nothing
    done = run("stock", "import", str(stock), env=env)
    assert done.returncode == 0, done.stderr
    assert "2 stock changes (+42 / -0 units)" in done.stdout
    out = tmp_path / "export.csv"
    assert run("stock", "export", "--out", str(out), env=env).returncode == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfclient;stock_code;")  # Excel reads it as UTF-8
    assert "Güllü Ayakkabı;BOT-1;Süet Bağcıklı Bot;;;8690000000011;MAIN;A;A-01;2;5" in out.read_text("utf-8-sig")
    report = run("report", "stock", "--below-threshold", env=env)
    assert report.returncode == 0, report.stderr
    rows = list(csv.reader(io.StringIO(report.stdout)))
    assert rows[0][:7] == ["Client", "Stock code", "Product", "Variant", "On hand", "Reserved", "Available"]
    assert [(row[1], row[6], row[7]) for row in rows[1:]] == [("BOT-1", "2", "5")]
    assert rows[1][10] == "MAIN / A / A-01 (2)"


def test_a_bad_file_lists_every_line_and_exits_1(
    db: Database, db_url: str, warehouse: Warehouse, tmp_path: Path
) -> None:
    env = _env(db_url, tmp_path)
    bad = tmp_path / "bozuk.csv"
    bad.write_bytes(b"stock_code,name,warehouse,zone,bin,quantity\nBOT-1,Bot,MAIN,A,A-01,-2\n\nBOT-2,,MAIN,A,A-01,x\n")
    result = run("stock", "import", str(bad), env=env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "line 2: quantity -2 is below 0",
        "line 4: quantity 'x' is not a whole number",
        f"error: 2 problem(s) in {bad}: nothing was imported",
    ]
    missing = run("stock", "import", str(tmp_path / "yok.csv"), env=env)
    assert missing.returncode == 1 and "cannot read" in missing.stderr
