"""The stock CSV files: what their columns are, and reading them strictly (no database here).

Two kinds of file, told apart by their header row:

* **locations**: ``warehouse, zone, bin, barcode, name, sellable`` (a row with only a warehouse, or a
  warehouse and a zone, makes just those);
* **stock**: ``client, stock_code, name, colour, size, barcodes, warehouse, zone, bin, quantity,
  low_stock_threshold``: one row per product per bin; ``barcodes`` is ``|``-separated, ``CODE*6`` for a
  case of six; an empty ``quantity`` leaves the level as it is (the row only places the product there).

Headers may be in English or Turkish (``depo, bölge, raf, barkod, ad, satılabilir, müşteri, stok_kodu,
renk, beden, barkodlar, miktar, düşük_stok_eşiği``), in any order, any case. The separator is found from
the header: ``;`` (Turkish Excel), ``,`` or Tab. A UTF-8 byte order mark is fine; empty lines are
skipped. What cannot be read is reported line by line (the file's own line numbers) and nothing is
imported: a file in another encoding, UTF-16, a NUL byte, a missing column, a quantity that is not a
whole number, the same product twice in one bin.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from packstation.i18n import _

MAX_FIELD = 500


class CsvKind(StrEnum):
    """Which file it is (by its header)."""

    LOCATIONS = "locations"
    STOCK = "stock"


LOCATION_COLUMNS = ("warehouse", "zone", "bin", "barcode", "name", "sellable")
STOCK_COLUMNS = (
    "client",
    "stock_code",
    "name",
    "colour",
    "size",
    "barcodes",
    "warehouse",
    "zone",
    "bin",
    "quantity",
    "low_stock_threshold",
)
_REQUIRED = {CsvKind.LOCATIONS: ("warehouse",), CsvKind.STOCK: ("stock_code",)}
_ALIASES = {
    "depo": "warehouse",
    "bölge": "zone",
    "bolge": "zone",
    "raf": "bin",
    "barkod": "barcode",
    "ad": "name",
    "adı": "name",
    "isim": "name",
    "satılabilir": "sellable",
    "satilabilir": "sellable",
    "müşteri": "client",
    "musteri": "client",
    "stok_kodu": "stock_code",
    "stok kodu": "stock_code",
    "renk": "colour",
    "color": "colour",
    "beden": "size",
    "barkodlar": "barcodes",
    "miktar": "quantity",
    "adet": "quantity",
    "düşük_stok_eşiği": "low_stock_threshold",
    "dusuk_stok_esigi": "low_stock_threshold",
    "eşik": "low_stock_threshold",
}
_TRUE = {"1", "true", "yes", "evet", "e", "y", "doğru", "x"}
_FALSE = {"0", "false", "no", "hayır", "hayir", "h", "n", "yanlış", ""}


@dataclass(frozen=True)
class RowError:
    """One problem, at one line of the file (0: the file as a whole)."""

    line: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        return _("line {line}: {message}").format(line=self.line, message=self.message)


@dataclass(frozen=True)
class LocationRow:
    """A location to make or update: a warehouse, a zone in it, or a bin in that zone."""

    line: int
    warehouse: str
    zone: str = ""
    bin: str = ""
    barcode: str = ""
    name: str = ""
    sellable: bool = True


@dataclass(frozen=True)
class StockRow:
    """A product (made or updated), its barcodes, and optionally its units in one bin."""

    line: int
    stock_code: str
    client: str = ""
    name: str = ""
    colour: str = ""
    size: str = ""
    barcodes: tuple[tuple[str, int], ...] = ()
    warehouse: str = ""
    zone: str = ""
    bin: str = ""
    quantity: int | None = None
    threshold: int | None = None

    @property
    def path(self) -> tuple[str, str, str] | None:
        """(warehouse, zone, bin) when the row names a bin."""
        return (self.warehouse, self.zone, self.bin) if self.bin else None


@dataclass
class ParsedCsv:
    """What a file held: its kind, the rows, and every problem found."""

    kind: CsvKind | None
    delimiter: str = ","
    locations: list[LocationRow] = field(default_factory=list)
    stock: list[StockRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows read (of either kind)."""
        return len(self.locations) + len(self.stock)


def parse_csv(data: bytes) -> ParsedCsv:
    """Read a stock or locations CSV; every problem goes into ``errors`` with its line number."""
    text = _decode(data)
    if isinstance(text, RowError):
        return ParsedCsv(None, errors=[text])
    lines = text.splitlines()
    header_index = next((index for index, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        return ParsedCsv(None, errors=[RowError(0, _("the file is empty"))])
    found = _header(lines[header_index])
    if isinstance(found, RowError):
        return ParsedCsv(None, errors=[RowError(header_index + 1, found.message)])
    kind, delimiter, columns = found
    parsed = ParsedCsv(kind, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for line, cells in _records(reader, header_index + 1):
            if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
                parsed.errors.append(
                    RowError(
                        line,
                        _("{n} values for {m} columns (a separator inside a value needs quotes)").format(
                            n=len(cells), m=len(columns)
                        ),
                    )
                )
                continue
            values = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(columns)}
            too_long = next((c for c, v in values.items() if len(v) > MAX_FIELD), None)
            if too_long:
                parsed.errors.append(
                    RowError(line, _("{column} is longer than {n} characters").format(column=too_long, n=MAX_FIELD))
                )
                continue
            if kind is CsvKind.LOCATIONS:
                _location_row(parsed, line, values)
            else:
                _stock_row(parsed, line, values)
    except csv.Error as exc:
        parsed.errors.append(RowError(reader.line_num, _("the CSV cannot be read here: {error}").format(error=exc)))
    _duplicates(parsed)
    return parsed


def _decode(data: bytes) -> str | RowError:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return RowError(0, _("the file is UTF-16: save it as “CSV UTF-8” and import that"))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return RowError(line, _("a NUL byte: this is not a text file (or it is UTF-16); save it as “CSV UTF-8”"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return RowError(
            line,
            _("not UTF-8 (byte 0x{byte:02X}): the file is probably Windows-1254; save it as “CSV UTF-8”").format(
                byte=data[exc.start]
            ),
        )
    bad = next((ch for ch in text if ch in "\ufeff\ufffe"), None)
    if bad:
        return RowError(text[: text.index(bad)].count("\n") + 1, _("a second byte order mark inside the file"))
    return text


def _header(line: str) -> tuple[CsvKind, str, list[str]] | RowError:
    best: tuple[CsvKind, str, list[str]] | None = None
    for delimiter in (";", ",", "\t"):
        columns = [_column(cell) for cell in next(csv.reader([line], delimiter=delimiter))]
        for kind, known in ((CsvKind.STOCK, STOCK_COLUMNS), (CsvKind.LOCATIONS, LOCATION_COLUMNS)):
            if all(column in known for column in columns) and all(r in columns for r in _REQUIRED[kind]):
                if len(set(columns)) != len(columns):
                    return RowError(0, _("a column appears twice in the header"))
                if best is None or len(columns) > len(best[2]):
                    best = (kind, delimiter, columns)
    if best is not None:
        # "warehouse" alone fits both kinds; "stock_code" decides for stock files.
        return best
    return RowError(
        0,
        _(
            "the header is not one of a stock file ({stock}) or a locations file ({locations}), "
            "separated by ';', ',' or Tab"
        ).format(stock=", ".join(STOCK_COLUMNS), locations=", ".join(LOCATION_COLUMNS)),
    )


def _column(cell: str) -> str:
    name = cell.strip().strip('"').casefold().replace("-", "_")
    name = name.replace("i̇", "i")  # "İ".casefold() keeps a combining dot
    return _ALIASES.get(name, _ALIASES.get(name.replace(" ", "_"), name.replace(" ", "_")))


def _records(reader: Iterator[list[str]], header_line: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-empty record after the header; the line is where the record starts."""
    start = 1
    for cells in reader:
        line = start
        start = reader.line_num + 1  # type: ignore[attr-defined]
        if line <= header_line or not any(cell.strip() for cell in cells):
            continue
        yield line, cells


def _whole(value: str, what: str, line: int, parsed: ParsedCsv, *, minimum: int) -> int | None:
    if value.lstrip("+-").isdigit() and value.isascii():
        number = int(value)
        if number >= minimum:
            return number
        parsed.errors.append(
            RowError(line, _("{what} {value} is below {minimum}").format(what=what, value=value, minimum=minimum))
        )
        return None
    parsed.errors.append(RowError(line, _("{what} {value!r} is not a whole number").format(what=what, value=value)))
    return None


def _location_row(parsed: ParsedCsv, line: int, values: dict[str, str]) -> None:
    sellable_text = values.get("sellable", "").casefold()
    if sellable_text not in _TRUE | _FALSE:
        parsed.errors.append(RowError(line, _("sellable {value!r} is not yes or no").format(value=values["sellable"])))
        return
    if not values["warehouse"]:
        parsed.errors.append(RowError(line, _("a location needs its warehouse")))
        return
    if values.get("bin") and not values.get("zone"):
        parsed.errors.append(RowError(line, _("bin {bin} needs its zone").format(bin=values["bin"])))
        return
    parsed.locations.append(
        LocationRow(
            line,
            values["warehouse"],
            values.get("zone", ""),
            values.get("bin", ""),
            values.get("barcode", ""),
            values.get("name", ""),
            sellable_text in _TRUE or "sellable" not in values or sellable_text == "",
        )
    )


def _stock_row(parsed: ParsedCsv, line: int, values: dict[str, str]) -> None:
    errors = len(parsed.errors)
    if not values["stock_code"]:
        parsed.errors.append(RowError(line, _("the stock code is empty")))
    location = [values.get("warehouse", ""), values.get("zone", ""), values.get("bin", "")]
    if any(location) and not all(location):
        parsed.errors.append(RowError(line, _("a bin is given as warehouse, zone and bin (all three)")))
    quantity = values.get("quantity", "")
    amount = _whole(quantity, _("quantity"), line, parsed, minimum=0) if quantity else None
    if quantity and not all(location):
        parsed.errors.append(RowError(line, _("a quantity needs the bin it lies in")))
    threshold_text = values.get("low_stock_threshold", "")
    threshold = _whole(threshold_text, _("low-stock threshold"), line, parsed, minimum=0) if threshold_text else None
    barcodes: list[tuple[str, int]] = []
    for item in filter(None, (part.strip() for part in values.get("barcodes", "").split("|"))):
        code, _star, times = item.partition("*")
        multiplier = _whole(times.strip(), _("case size"), line, parsed, minimum=1) if times else 1
        if not code.strip() or any(ch.isspace() for ch in code.strip()):
            parsed.errors.append(RowError(line, _("barcode {code!r} is empty or has spaces").format(code=item)))
        elif multiplier is not None:
            barcodes.append((code.strip(), multiplier))
    if len(parsed.errors) > errors:
        return
    parsed.stock.append(
        StockRow(
            line,
            values["stock_code"],
            values.get("client", ""),
            values.get("name", ""),
            values.get("colour", ""),
            values.get("size", ""),
            tuple(barcodes),
            location[0],
            location[1],
            location[2],
            amount,
            threshold,
        )
    )


def _duplicates(parsed: ParsedCsv) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for row in parsed.stock:
        if row.path is None:
            continue
        key = (row.client.casefold(), row.stock_code, *row.path)
        if key in seen:
            parsed.errors.append(
                RowError(
                    row.line,
                    _("{code} in {path} is already on line {first}").format(
                        code=row.stock_code, path=" / ".join(row.path), first=seen[key]
                    ),
                )
            )
        seen.setdefault(key, row.line)
    places: dict[tuple[str, str, str], int] = {}
    for location in parsed.locations:
        place = (location.warehouse, location.zone, location.bin)
        if place in places:
            parsed.errors.append(
                RowError(
                    location.line,
                    _("{path} is already on line {first}").format(
                        path=" / ".join(p for p in place if p), first=places[place]
                    ),
                )
            )
        places.setdefault(place, location.line)
    parsed.errors.sort(key=lambda error: error.line)
