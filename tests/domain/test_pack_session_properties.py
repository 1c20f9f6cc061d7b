"""Property tests of the scan-to-verify engine: invariants that hold for any sequence of scans."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packstation.domain.catalogue import BarcodeIndex, CatalogueBarcode, CatalogueProduct
from packstation.domain.gtin import with_check_digit
from packstation.domain.keyboard_layout import LayoutRepair
from packstation.domain.package import Package, PackageLine
from packstation.domain.packing import PackSession, PackState, ScanOutcome

# A small world of barcodes so random sequences hit lines, cases, wrong items and garbage alike.
UNIT = [with_check_digit(f"86900000000{i}") for i in range(4)]
CASES = [with_check_digit(f"1869000000{i}0") for i in range(4)]
STRANGER = with_check_digit("590123412345")
SELLER = ["SKU-a1", "SKU-b2"]


@st.composite
def packages(draw: st.DrawFn) -> tuple[Package, BarcodeIndex]:
    """A package of 1-4 lines (maybe two lines of one product) and a catalogue with case barcodes."""
    count = draw(st.integers(1, 4))
    barcodes = draw(st.lists(st.sampled_from(UNIT + SELLER), min_size=count, max_size=count))
    lines = tuple(
        PackageLine(f"L{i}", barcode, draw(st.integers(1, 7)), stock_code=f"S-{barcode}")
        for i, barcode in enumerate(barcodes)
    )
    products = [
        CatalogueProduct(
            f"p{i}",
            f"S-{unit}",
            (CatalogueBarcode(unit), CatalogueBarcode(CASES[i], multiplier=draw(st.integers(2, 6)))),
        )
        for i, unit in enumerate(UNIT)
    ]
    products.append(CatalogueProduct("stranger", "S-X", (CatalogueBarcode(STRANGER),)))
    return Package("P", lines), BarcodeIndex(products)


scan_texts = st.one_of(
    st.sampled_from(UNIT + CASES + SELLER + [STRANGER, "(01)0" + UNIT[0], "]C101" + "0" + UNIT[1]]),
    st.text(max_size=40),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packages(), st.lists(scan_texts, max_size=40), st.booleans())
def test_no_line_is_ever_over_counted_and_completion_is_exact(
    world: tuple[Package, BarcodeIndex], scans: list[str], repair: bool
) -> None:
    package, catalogue = world
    session = PackSession(package, catalogue=catalogue, layout_repair=LayoutRepair() if repair else None)
    completions = 0
    for text in scans:
        before = session.verified_units
        result = session.scan(text)
        for progress in session.lines:
            assert 0 <= progress.scanned <= progress.required
        all_done = all(p.is_done for p in session.lines)
        assert session.is_complete == all_done
        assert result.package_complete == all_done
        assert session.verified_units == before + result.units
        if result.outcome is ScanOutcome.ACCEPTED:
            assert result.units >= 1 and result.line_id is not None
            completions += int(result.package_complete and before + result.units == package.total_units)
        else:
            assert result.units == 0
        if before == package.total_units:
            assert result.outcome is ScanOutcome.PACKAGE_ALREADY_COMPLETE
    assert completions == int(session.is_complete)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(list(PackState)))
def test_any_text_never_raises(text: str, state: PackState) -> None:
    session = PackSession(Package("P", (PackageLine("L", UNIT[0], 1), PackageLine("M", "SKU-a1", 2))))
    if state is PackState.CANCELLED:
        session.cancel()
    elif state is PackState.COMPLETE:
        session.scan(UNIT[0])
        session.scan("SKU-a1")
        session.scan("SKU-a1")
    elif state is PackState.ABORTED:
        return  # scanning an aborted session is a caller error and raises on purpose (tested elsewhere)
    result = session.scan(text)
    assert isinstance(result.outcome, ScanOutcome) and isinstance(result.message, str)
    assert result.as_record()["outcome"] == result.outcome.value


@settings(max_examples=100, deadline=None)
@given(packages())
def test_scanning_every_unit_once_completes(world: tuple[Package, BarcodeIndex]) -> None:
    package, catalogue = world
    session = PackSession(package, catalogue=catalogue)
    for line in package.lines:
        for _ in range(line.quantity):
            assert session.scan(line.barcode).outcome is ScanOutcome.ACCEPTED
    assert session.is_complete and session.verified_units == package.total_units
