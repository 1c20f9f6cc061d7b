"""The SQL helpers behind TOTP and the audit chain agree with Python's hashlib, hmac and pyotp."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pyotp
import pytest
from sqlalchemy import text

from packstation.db.connect import Database

MESSAGES = [b"", b"abc", b"x" * 55, b"y" * 64, bytes(range(256))]


@pytest.mark.parametrize("message", MESSAGES)
def test_sha1_and_hmac_match_python(db: Database, message: bytes) -> None:
    with db.sessions() as session:
        assert bytes(session.scalar(text("SELECT ps_sha1(:m)"), {"m": message})) == hashlib.sha1(message).digest()
        for key in (b"k", b"K" * 80):
            for algorithm in ("sha1", "sha256"):
                got = session.scalar(text("SELECT ps_hmac(:k, :m, :a)"), {"k": key, "m": message, "a": algorithm})
                assert bytes(got) == hmac.new(key, message, algorithm).digest()


def test_totp_matches_pyotp_and_refuses_odd_codes(db: Database) -> None:
    secret = pyotp.random_base32(length=32)
    step = int(time.time()) // 30
    with db.sessions() as session:
        decoded = session.scalar(text("SELECT ps_base32_decode(:s)"), {"s": secret})
        assert bytes(decoded) == base64.b32decode(secret)
        for offset in (-1, 0, 1):
            code = pyotp.TOTP(secret).at((step + offset) * 30)
            found = session.scalar(text("SELECT ps_totp_match(:s, :c, NULL)"), {"s": secret, "c": code})
            assert found == step + offset
        two_away = pyotp.TOTP(secret).at((step + 3) * 30)
        for odd in (two_away, "١٢٣٤٥٦", "12345", "1234567", "12a456", ""):
            assert session.scalar(text("SELECT ps_totp_match(:s, :c, NULL)"), {"s": secret, "c": odd}) is None
        # A step at or before the last accepted one is never accepted again.
        code = pyotp.TOTP(secret).at(step * 30)
        assert session.scalar(text("SELECT ps_totp_match(:s, :c, :a)"), {"s": secret, "c": code, "a": step}) is None
