"""NUL in JSON text: found where it is, and not in the six characters \\u0000 written out."""

import json

import pytest

from packstation.db.storable import json_holds_nul


@pytest.mark.parametrize(
    "value",
    ["\x00", "869\x00\x00", "a\\\x00", "\\\\\x00", {"k\x00": 1}, ["ok", {"deep": ["\x00"]}]],
)
def test_a_nul_anywhere_is_found(value: object) -> None:
    document = json.dumps(value, ensure_ascii=False)
    assert json_holds_nul(document)
    assert json_holds_nul(document.encode())


@pytest.mark.parametrize("value", ["\\u0000", "\\\\u0000", "a\\u0000b", "Ş\\u0000ğ", {"\\u0000": "\\u0000"}])
def test_a_backslash_written_out_before_u0000_is_text(value: object) -> None:
    document = json.dumps(value, ensure_ascii=False)
    assert "\\u0000" in document, "a plain search for the escape would call this a NUL"
    assert not json_holds_nul(document)
    assert not json_holds_nul(document.encode())
