"""The stand-in's request checks, strict as HB's spec, and HB's date texts (Turkey time, no offset)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from packstation.services.marketplaces.fields import ISTANBUL
from packstation.simulators.errors import SimError

LIMIT_OFFSET = {"message": "Bad Request limit and offset parameters are required"}
LABEL_FORMATS = ("zpl", "base64zpl", "pdf", "png", "jpg")
_HB_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
CREATE_FIELDS = {
    "lineItemRequests",
    "parcelQuantity",
    "deci",
    "barcode",
    "cargoCompany",
    "carrier",
    "creationReason",
    "warehouse",
}
LINE_REQUEST_FIELDS = {"id", "quantity", "serialNumbers"}


def cancel_reason(raw: bytes) -> int:
    """The ``reasonId`` of a ``cancelbymerchant`` body: exactly ``{"reasonId": <integer>}`` (SPEC
    ``CancelByMerchantRequest``); a missing body, another field (``reason``) or a text id is refused."""
    try:
        body = json.loads(raw) if raw else None
    except ValueError as exc:
        raise SimError(400, "request body is not JSON") from exc
    if not isinstance(body, dict) or set(body) != {"reasonId"}:
        raise SimError(400, 'the body must be {"reasonId": <integer>}')
    reason = body["reasonId"]
    if not isinstance(reason, int) or isinstance(reason, bool):
        raise SimError(400, "reasonId must be an integer")
    return reason


_STOCK_FIELDS = {"hepsiburadaSku", "merchantSku", "availableStock", "maximumPurchasableQuantity"}


def stock_rows(raw: bytes) -> list[dict[str, Any]]:
    """A stock upload body: a bare array of ``{hepsiburadaSku?, merchantSku?, availableStock}`` (SPEC listing)."""
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise SimError(400, "request body is not JSON") from exc
    if not isinstance(body, list) or not body:
        raise SimError(400, "the body must be a non-empty array of stock rows")
    for row in body:
        if not isinstance(row, dict) or set(row) - _STOCK_FIELDS:
            raise SimError(400, f"stock row {row!r} has unknown fields")
        if not (row.get("hepsiburadaSku") or row.get("merchantSku")) or not isinstance(row.get("availableStock"), int):
            raise SimError(400, f"stock row {row!r} needs hepsiburadaSku or merchantSku, and availableStock")
    return body


def allow(params: dict[str, str], allowed: set[str]) -> None:
    """Refuse a parameter the endpoint does not take (HB ignores some; refusing shows a client's mistake)."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise SimError(400, f"Unknown parameter(s): {', '.join(unknown)}")


def int_param(params: dict[str, str], name: str, low: int, high: int) -> int:
    """Integer parameter ``name`` within ``low``..``high``; 400 otherwise."""
    try:
        value = int(params[name])
    except (KeyError, ValueError) as exc:
        raise SimError(400, LIMIT_OFFSET) from exc
    if not low <= value <= high:
        raise SimError(400, f"{name} must be between {low} and {high}")
    return value


def hb_date(value: str) -> datetime | None:
    """``yyyy-MM-dd HH:mm`` read as Turkey time; None for anything else (ISO: silently matches nothing)."""
    if not _HB_DATE.fullmatch(value):
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=ISTANBUL)


def line_time(text: str) -> datetime:
    """A line's date text (as :func:`hb_time` writes it) as an aware time."""
    return datetime.fromisoformat(text).replace(tzinfo=ISTANBUL)


def hb_time(moment: datetime) -> str:
    """HB's line/package date text (Turkey local, no offset), e.g. ``2026-09-14T10:21:33.45``."""
    return moment.astimezone(ISTANBUL).replace(tzinfo=None).isoformat(timespec="milliseconds")[:-1]
