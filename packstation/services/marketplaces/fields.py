"""Checked field readers for marketplace JSON, and the time encodings the marketplaces use.

Readers raise :class:`FieldProblem` with the field's name; the package parsers turn it into a
``MalformedReply`` naming the package, so a bad package is refused whole, never half-read (the sync
then sets that one package aside and stores the rest of the page).

Bounds at parse time, because one bad value must not stop an account's intake: PostgreSQL refuses a
NUL in text and jsonb, and an index row over ~2.7 kB (a 10,000-character tracking number) fails the
whole statement. So identifiers (ids, barcodes, tracking numbers) with control characters or longer
than :data:`MAX_ID` are refused; free text has its control characters stripped and is cut at
:data:`MAX_TEXT`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from packstation.domain.sync import SetAside
from packstation.services.marketplaces.errors import MalformedReply

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _istanbul() -> tzinfo:
    try:
        return ZoneInfo("Europe/Istanbul")
    except ZoneInfoNotFoundError:
        # Windows without the tzdata package; Turkey has kept UTC+3 all year since 2016.
        return timezone(timedelta(hours=3), "TRT")


ISTANBUL = _istanbul()


#: Longest identifier accepted (package/line ids, barcodes, tracking numbers). Trendyol's are at most
#: 20 digits, N11's order numbers 13; a GTIN is 14. 64 leaves room and stays far below index limits.
MAX_ID = 64
_ID_INT_LIMIT = 10**MAX_ID
#: Longest free text accepted (names, addresses). Longer is a broken reply, not an address.
MAX_TEXT = 2_000
# C0 controls except tab/newline/carriage return, DEL, and the C1 block: never meaningful in a name
# or an address, and NUL cannot be stored at all.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str, field: str = "text") -> str:
    """Free text without control characters, stripped, cut to :data:`MAX_TEXT`."""
    # isprintable() is one C loop and true for almost every name and address (Turkish letters
    # included), so the regular expression runs only on the rare text that needs it.
    if not value.isprintable():
        value = _CONTROL.sub("", value)
    # Longer is a broken reply, not a name or an address; cut (with a mark) rather than refuse the
    # package, as the text is for people, not a key. ``field`` is kept for a stricter caller.
    value = value.strip()
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def clean_id(value: str, field: str = "id") -> str:
    """An identifier, stripped; refused (FieldProblem) with control characters or above :data:`MAX_ID`."""
    value = value.strip()
    if len(value) > MAX_ID:
        raise FieldProblem(field, f"is {len(value)} characters long, more than {MAX_ID}")
    if not value.isprintable():
        raise FieldProblem(field, f"contains control characters ({value!r})")
    return value


def without_nul(value: Any) -> Any:
    """``value`` (parsed JSON) with NUL removed from every string and key: PostgreSQL stores no NUL."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, Mapping):
        return {str(key).replace("\x00", ""): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


class FieldProblem(ValueError):
    """A field is missing or has the wrong shape."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def first_present(data: Mapping[str, Any], *names: str) -> tuple[str, Any]:
    """The first of ``names`` (newest spelling first) whose value is not null, and its value."""
    for name in names:
        value = data.get(name)
        if value is not None:
            return name, value
    return names[0], None


def id_text(data: Mapping[str, Any], *names: str, required: bool = True) -> str:
    """An identifier as text, exact even when the JSON sends it as a number wider than int64."""
    name, value = first_present(data, *names)
    if value is None or value == "":
        if required:
            raise FieldProblem("/".join(names), "is missing")
        return ""
    if isinstance(value, bool):
        raise FieldProblem(name, f"is a boolean ({value!r}), expected an id")
    if isinstance(value, int):
        if -_ID_INT_LIMIT < value < _ID_INT_LIMIT:
            return str(value)
        raise FieldProblem(name, f"is a number longer than {MAX_ID} digits")
    if isinstance(value, Decimal):
        # 7.26e19 would have lost digits as a float; as Decimal it is exact if it is integral.
        if value != value.to_integral_value():
            raise FieldProblem(name, f"is a fraction ({value}), expected an id")
        if value.adjusted() >= MAX_ID:
            raise FieldProblem(name, f"is a number longer than {MAX_ID} digits")
        return str(int(value))
    if isinstance(value, str):
        text = clean_id(value, name)
        if not text and required:
            raise FieldProblem(name, "is empty")
        return text
    raise FieldProblem(name, f"is a {type(value).__name__}, expected an id")


def text(data: Mapping[str, Any], *names: str) -> str:
    """An optional free-text field ("" when absent); numbers become their exact text."""
    # The hot path of every parser (dozens of calls per package), hence no helper calls.
    for name in names:
        value = data.get(name)
        if value is None:
            continue
        if type(value) is str:
            if len(value) < 200 and value.isprintable():  # the usual case, without a call
                return value.strip()
            return clean_text(value, name)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        raise FieldProblem(name, f"is a {type(value).__name__}, expected text")
    return ""


def positive_int(data: Mapping[str, Any], *names: str) -> int:
    """A required whole number above zero (quantities)."""
    name, value = first_present(data, *names)
    if type(value) is int and value > 0:  # the usual case, without the round trip through Decimal
        return value
    if value is None:
        raise FieldProblem("/".join(names), "is missing")
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise FieldProblem(name, f"is {value!r}, expected a whole number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise FieldProblem(name, f"is {value!r}, expected a whole number") from exc
    if number != number.to_integral_value() or number <= 0:
        raise FieldProblem(name, f"is {value!r}, expected a whole number above zero")
    return int(number)


def money(data: Mapping[str, Any], *names: str) -> Decimal | None:
    """An optional amount; a nested ``{"amount": x}`` (Hepsiburada) is unwrapped."""
    name, value = first_present(data, *names)
    if type(value) is Decimal:  # parse_json's own numbers: already exact
        return value
    if isinstance(value, Mapping):
        value = value.get("amount")
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldProblem(name, f"is {value!r}, expected an amount")
    try:
        # HB product import sends "130,50"; accept the comma.
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise FieldProblem(name, f"is {value!r}, expected an amount") from exc


def epoch_ms(data: Mapping[str, Any], *names: str) -> int | None:
    """An optional epoch-milliseconds field as an int."""
    name, value = first_present(data, *names)
    if type(value) is int:  # the usual case, without the round trip through Decimal
        return value
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise FieldProblem(name, f"is {value!r}, expected epoch milliseconds")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise FieldProblem(name, f"is {value!r}, expected epoch milliseconds") from exc
    if number != number.to_integral_value():
        raise FieldProblem(name, f"is {value!r}, expected whole epoch milliseconds")
    return int(number)


def gmt3_epoch_to_utc(ms: int) -> datetime:
    """Decode Trendyol/N11 "GMT+3" epoch ms: the digits are Istanbul wall-clock time read as if UTC.

    ``1762253333685`` reads as 2025-11-04 10:48:53.685 "UTC", which is really 10:48:53.685 in
    Istanbul, i.e. 07:48:53.685 UTC.
    """
    wall = (_EPOCH + timedelta(milliseconds=ms)).replace(tzinfo=None)
    return wall.replace(tzinfo=ISTANBUL).astimezone(UTC)


def utc_to_gmt3_epoch_ms(moment: datetime) -> int:
    """Encode an aware datetime the way Trendyol/N11 expect query dates ("GMT+3" epoch ms)."""
    if moment.tzinfo is None:
        raise ValueError(f"need an aware datetime, got {moment!r}")
    wall = moment.astimezone(ISTANBUL).replace(tzinfo=UTC)
    return (wall - _EPOCH) // timedelta(milliseconds=1)


def utc_epoch_to_utc(ms: int) -> datetime:
    """Decode true epoch ms (Trendyol ``packageHistories.createdDate`` is GMT)."""
    return _EPOCH + timedelta(milliseconds=ms)


def utc_to_epoch_ms(moment: datetime) -> int:
    """Encode an aware datetime as true epoch ms."""
    if moment.tzinfo is None:
        raise ValueError(f"need an aware datetime, got {moment!r}")
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def turkish_local_time(value: str, field: str = "date") -> datetime | None:
    """Parse a Turkey-local date text ("2018-12-23T13:28:27.45", "23-11-2025 14:05:00") to aware UTC."""
    raw = value.strip()
    if not raw:
        return None
    for pattern in ("%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(raw, pattern).replace(tzinfo=ISTANBUL).astimezone(UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise FieldProblem(field, f"is {value!r}, not a date") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ISTANBUL)
    return parsed.astimezone(UTC)


#: What a listing parser makes of one element (a package, a claim).
Parsed = TypeVar("Parsed")


def read_packages(
    items: Sequence[Any], parse: Callable[[Any], Parsed], *, id_names: Sequence[str] = ("id",)
) -> tuple[tuple[Parsed, ...], tuple[SetAside, ...]]:
    """Parse each package of a listing; a package that fails is set aside, the others are kept.

    ``id_names``: where the package id may be, so a set-aside package is named even when unreadable.
    """
    packages: list[Parsed] = []
    set_aside: list[SetAside] = []
    for item in items:
        try:
            packages.append(parse(item))
        except MalformedReply as error:
            set_aside.append(_set_aside(item, error, id_names))
    return tuple(packages), tuple(set_aside)


def _set_aside(item: Any, error: MalformedReply, id_names: Sequence[str]) -> SetAside:
    data = item if isinstance(item, Mapping) else {}

    def loose(*names: str) -> str:
        # Best effort for naming only: the value may be the very thing that is broken.
        for name in names:
            value = data.get(name)
            if value is not None and not isinstance(value, Mapping | list):
                return _CONTROL.sub("", str(value))[:MAX_ID]
        return ""

    try:
        stamp = epoch_ms(data, "lastModifiedDate")
    except FieldProblem:
        stamp = None
    return SetAside(
        package_id=error.package_id or loose(*id_names),
        reason=str(error),
        order_number=loose("orderNumber"),
        last_modified_ms=stamp,
    )
