"""Stock and locations CSV: hostile files get line-numbered reasons and import nothing; good ones round-trip."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.stock import StockLocation, StockMovement
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.stock.csv_format import CsvKind, parse_csv
from packstation.services.stock.importer import StockImporter
from tests.services.stock.conftest import Warehouse, in_bin, level

LOCATIONS = (
    "depo;bölge;raf;barkod;ad;satılabilir\r\n"
    "İZMİR;;;;İzmir deposu;evet\r\n"
    "İZMİR;Ş;;;Şeffaf raflar;\r\n"
    "İZMİR;Ş;Ş-01;RAF-S01;Üst göz;evet\r\n"
    "\r\n"
    "İZMİR;Ş;Ş-02;;;evet\r\n"
    "İZMİR;KARANTİNA;KRN-1;;Hasarlı;hayır\r\n"
)


def _importer(db: Database) -> StockImporter:
    return StockImporter(db.sessions, audit=AuditLog(db.sessions))


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(StockLocation)) or 0,
            session.scalar(select(func.count()).select_from(ProductRow)) or 0,
            session.scalar(select(func.count()).select_from(ProductBarcode)) or 0,
            session.scalar(select(func.count()).select_from(StockMovement)) or 0,
        )


def test_a_turkish_excel_locations_file_with_bom_and_empty_lines_imports(db: Database, warehouse: Warehouse) -> None:
    importer = _importer(db)
    data = ("\ufeff" + LOCATIONS).encode("utf-8")
    checked = importer.import_from_command_line(data, source="raflar.csv", check=True)
    assert checked.errors == () and not checked.applied and checked.locations_created == 6
    before = _counts(db)
    assert before[0] == 6  # warehouse fixture: MAIN, zones A and B, three bins; nothing added by --check
    summary = importer.import_from_command_line(data, source="raflar.csv")
    assert summary.applied and summary.kind is CsvKind.LOCATIONS and summary.locations_created == 6
    with db.sessions() as session:
        made = dict(session.execute(select(StockLocation.code, StockLocation.sellable)).all())
        barcode = session.scalar(select(StockLocation.barcode).where(StockLocation.code == "Ş-01"))
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.STOCK_IMPORTED.value)).one()
    assert made["KRN-1"] is False and made["Ş-02"] is True and barcode == "RAF-S01"
    assert audited.detail["file"] == "raflar.csv" and audited.detail["via"].startswith("command line")
    again = importer.import_from_command_line(data, source="raflar.csv")
    assert again.applied and again.locations_created == 0 and again.locations_updated == 0


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        ("warehouse,zone\r\n".encode("utf-16"), "the file is UTF-16"),
        (b"warehouse;zone;bin\r\nMAIN;A;A\x00-9\r\n", "line 2: a NUL byte"),
        ("depo;bölge;raf\r\nİZMİR;Ş;Ş-01\r\n".encode("cp1254"), "line 1: not UTF-8 (byte 0xF6)"),
        (b"where;what\r\nx;y\r\n", "the header is not one of a stock file"),
        (b"warehouse;zone;bin;sellable\r\nMAIN;A;A-9;maybe\r\n", "line 2: sellable 'maybe' is not yes or no"),
        (b"warehouse;zone;bin\r\nMAIN;;A-9\r\n", "line 2: bin A-9 needs its zone"),
        (b"warehouse;zone;bin\r\n\r\nMAIN;A;A-9\r\nMAIN;A;A-9\r\n", "line 4: MAIN / A / A-9 is already on line 3"),
        (b'warehouse;zone;bin\r\nMAIN;A;"A-9\r\n', "line 2: the CSV cannot be read here"),
    ],
)
def test_hostile_files_say_where_and_why(db: Database, warehouse: Warehouse, data: bytes, expected: str) -> None:
    before = _counts(db)
    summary = _importer(db).import_from_command_line(data, source="x.csv")
    assert not summary.applied
    assert any(expected in str(error) for error in summary.errors), [str(e) for e in summary.errors]
    assert _counts(db) == before


def test_one_bad_row_among_good_ones_imports_nothing(db: Database, warehouse: Warehouse) -> None:
    data = (
        "client,stock_code,name,colour,size,barcodes,warehouse,zone,bin,quantity,low_stock_threshold\n"
        "Güllü Ayakkabı,BOT-1,Süet Bot,Taba,38,8690000000011|8690000000028*6,MAIN,A,A-01,12,4\n"
        'Güllü Ayakkabı,BOT-2,Çizme,Siyah,39,8690000000035,MAIN,A,A-02,"1,5",\n'
        "Güllü Ayakkabı,BOT-3,,,,,MAIN,A,A-01,3,\n"
        "Çiçek Tekstil,BOT-4,Terlik,,,,MAIN,A,A-01,3,\n"
        "Güllü Ayakkabı,BOT-5,Babet,,,,MAIN,Z,Z-01,3,\n"
        f"Güllü Ayakkabı,SHOE-2,,,,869{warehouse.products['SHOE-1']:010d},,,,,\n"
    ).encode()
    before = _counts(db)
    summary = _importer(db).import_from_command_line(data, source="stok.csv")
    assert not summary.applied
    assert [str(error) for error in summary.errors] == [
        "line 3: quantity '1,5' is not a whole number",
    ]  # the file's own rules first: the database is not asked while the file itself is wrong
    fixed = data.replace(b'"1,5"', b"2")
    summary = _importer(db).import_from_command_line(fixed, source="stok.csv")
    assert [str(error) for error in summary.errors] == [
        "line 4: BOT-3 is a new product: it needs a name",
        "line 5: no client company Çiçek Tekstil",
        "line 6: there is no bin MAIN / Z / Z-01: import the locations file first",
        f"line 7: barcode 869{warehouse.products['SHOE-1']:010d} belongs to SHOE-1",
    ]
    assert _counts(db) == before


def test_stock_import_sets_levels_through_movements_and_round_trips(db: Database, warehouse: Warehouse) -> None:
    importer = _importer(db)
    data = (
        "stok kodu;ad;renk;beden;barkodlar;depo;bölge;raf;miktar;düşük stok eşiği\n"
        "BOT-1;Süet Bağcıklı Bot;Taba;38;8690000000011|8690000000028*6;MAIN;A;A-01;12;4\n"
        "BOT-1;;;;;MAIN;B;B-01;3;\n"
        "SHOE-1;;;;;MAIN;A;A-02;;\n"
    ).encode()
    summary = importer.import_from_command_line(data, source="stok.csv")
    assert summary.errors == () and summary.applied
    assert (summary.products_created, summary.barcodes_added, summary.movements, summary.units_in) == (1, 2, 2, 15)
    with db.sessions() as session:
        bot = session.scalars(select(ProductRow).where(ProductRow.stock_code == "BOT-1")).one()
        case = session.scalar(select(ProductBarcode.multiplier).where(ProductBarcode.barcode == "8690000000028"))
        reasons = set(session.scalars(select(StockMovement.reason)))
    assert (bot.name, bot.colour, bot.size, bot.low_stock_threshold, case) == ("Süet Bağcıklı Bot", "Taba", "38", 4, 6)
    assert in_bin(db.sessions, warehouse.bins["A-01"], bot.id) == 12 and level(db.sessions, bot.id) == (15, 0)
    assert reasons == {"import"}
    exported = importer.export_stock(delimiter=";")
    assert "BOT-1;Süet Bağcıklı Bot;Taba;38;8690000000011|8690000000028*6;MAIN;A;A-01;12;4" in exported
    assert "SHOE-1;Deri Babet SHOE-1;;;" in exported and ";MAIN;A;A-02;0;" in exported
    again = importer.import_from_command_line(exported.encode("utf-8-sig"), source="export.csv")
    assert again.errors == () and (again.products_created, again.products_updated, again.movements) == (0, 0, 0)
    lowered = exported.replace(";MAIN;A;A-01;12;4", ";MAIN;A;A-01;10;4")
    assert importer.import_from_command_line(lowered.encode(), source="e.csv").units_out == 2
    assert in_bin(db.sessions, warehouse.bins["A-01"], bot.id) == 10
    tab = _importer(db).export_locations(delimiter="\t")
    assert tab.splitlines()[0] == "warehouse\tzone\tbin\tbarcode\tname\tsellable"
    assert parse_csv(tab.encode()).kind is CsvKind.LOCATIONS
