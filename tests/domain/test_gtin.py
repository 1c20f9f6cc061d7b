from hypothesis import given
from hypothesis import strategies as st

from packstation.domain.gtin import gtin_check_digit, is_valid_gtin, normalize_gtin, with_check_digit


def test_known_codes() -> None:
    assert is_valid_gtin("8690000000005")
    assert not is_valid_gtin("8690000000009")
    assert is_valid_gtin("036000291452")  # UPC-A
    assert is_valid_gtin("96385074")  # EAN-8
    assert gtin_check_digit("869000000000") == 5


def test_upc_and_ean13_twin_normalize_equal() -> None:
    assert normalize_gtin("036000291452") == normalize_gtin("0036000291452") == "00036000291452"


def test_rejects_non_digits_and_lengths() -> None:
    for bad in ["", "abc", "869000000000٥", "12345", "869000000000 5"]:
        assert not is_valid_gtin(bad)
        assert normalize_gtin(bad) is None


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_with_check_digit_is_valid(body: str) -> None:
    assert is_valid_gtin(with_check_digit(body))
