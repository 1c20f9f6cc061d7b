"""The journal's operations, one frozen type per kind, encoded and decoded here and nowhere else.

An operation is an envelope (its UUID, station, time, package and user) around a body whose type
says what happened: :class:`Opened`, :class:`Scanned`, :class:`Unsupplied`, :class:`Completed`,
:class:`Aborted` or :class:`CancelledNotice`. The journal stores the body as JSON beside its kind.
The field names are the keys an earlier release wrote as plain dicts, fields it could leave out have
defaults, and unknown keys are ignored: a journal written before an upgrade still decodes after it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

import msgspec

from packstation.domain.outcomes import ScanOutcome, UnsuppliedReason
from packstation.domain.packing import ScanResult
from packstation.domain.returns import ReturnCondition
from packstation.domain.scan import InvalidReason


class OperationKind(StrEnum):
    """What a journaled operation records (stored in the journal and in ``pack_events.kind``)."""

    OPEN = "open"
    SCAN = "scan"
    UNSUPPLIED = "unsupplied"
    COMPLETE = "complete"
    ABORT = "abort"
    CANCELLED_NOTICE = "cancelled_notice"
    RETURN_COMPLETE = "return_complete"


class _Body(msgspec.Struct, frozen=True, kw_only=True):
    """Common base: immutable, every field written, unknown keys ignored when read."""

    kind: ClassVar[OperationKind]


class Opened(_Body, frozen=True, kw_only=True):
    """The station opened a parcel; ``provisional`` when it was claimed offline and the pump confirms it."""

    kind: ClassVar[OperationKind] = OperationKind.OPEN
    external_id: str = ""
    provisional: bool = False


class Scanned(_Body, frozen=True, kw_only=True):
    """One item scan and what it meant (the fields of :class:`ScanResult`, plus the line's database id)."""

    kind: ClassVar[OperationKind] = OperationKind.SCAN
    outcome: ScanOutcome | None = None
    message: str = ""
    package_id: str = ""
    text: str = ""
    code: str = ""
    line_id: str | None = None
    line_db_id: int | None = None
    product_id: str | None = None
    scanned: int = 0
    required: int = 0
    units: int = 0
    verified_units: int = 0
    total_units: int = 0
    package_complete: bool = False
    invalid_reason: InvalidReason | None = None
    repaired_text: str | None = None
    at: datetime | None = None
    box: int = 1

    @classmethod
    def of(cls, result: ScanResult, *, line_db_id: int | None) -> Scanned:
        """The journal record of ``result``: every field of it, and the line's database id."""
        return cls(line_db_id=line_db_id, **{name.name: getattr(result, name.name) for name in fields(result)})

    @property
    def barcode(self) -> str:
        """What ``pack_events.barcode`` records: the code the scan was read as, else the raw text
        (a garbled scan has no code, and the supervisor still wants to see what was scanned)."""
        return self.code or self.text


class Unsupplied(_Body, frozen=True, kw_only=True):
    """Units of a line declared unsupplied; this body is also the marketplace outbox entry's payload."""

    kind: ClassVar[OperationKind] = OperationKind.UNSUPPLIED
    line_id: str
    quantity: int
    reason: UnsuppliedReason
    note: str = ""
    approved_by: int | None = None
    #: The supervisor's approval (its token) when a packer declared it; the server checks it was spent for this.
    approval: str | None = None


class PackedLine(msgspec.Struct, frozen=True, kw_only=True):
    """How many units of one line went into the parcel (they leave stock when the pump applies it)."""

    line_id: str = ""
    product_id: int | None = None
    units: int = 0


class PackedBox(msgspec.Struct, frozen=True, kw_only=True):
    """One box of a parcel: the units of each line in it and what the scale read for it."""

    box: int = 1
    units: dict[str, int] = msgspec.field(default_factory=dict)
    weight_grams: int | None = None
    #: The box size the packer scanned (``[[boxes]]``) and its desi, as text to keep it exact.
    box_type: str | None = None
    desi: str | None = None


class Completed(_Body, frozen=True, kw_only=True):
    """The parcel is packed; ``forced`` when a supervisor completed it with ``unverified`` units left."""

    kind: ClassVar[OperationKind] = OperationKind.COMPLETE
    box_count: int = 1
    lines: tuple[PackedLine, ...] = ()
    #: The boxes in the order they were filled (absent in journals written before parcels had boxes).
    boxes: tuple[PackedBox, ...] = ()
    weight_grams: int | None = None
    forced: bool = False
    unverified: dict[str, int] = msgspec.field(default_factory=dict)
    reason: str = ""
    approved_by: int | None = None
    #: The supervisor's approval (its token) of a packer's forced completion.
    approval: str | None = None


class Aborted(_Body, frozen=True, kw_only=True):
    """The parcel was put back unfinished; the pump releases the claim."""

    kind: ClassVar[OperationKind] = OperationKind.ABORT


class CancelledNotice(_Body, frozen=True, kw_only=True):
    """The marketplace cancelled the open parcel while it was on the station."""

    kind: ClassVar[OperationKind] = OperationKind.CANCELLED_NOTICE


class ReturnedUnit(msgspec.Struct, frozen=True, kw_only=True):
    """One claimed unit of a processed return and the packer's judgement of it."""

    claim_item_id: int
    external_id: str
    condition: ReturnCondition
    scanned: bool = True
    product_id: int | None = None
    barcode: str = ""


class ReturnCompleted(_Body, frozen=True, kw_only=True):
    """A return parcel was judged at the bench (``returns`` applies it: stock, claim, marketplace answers).

    ``reject_reason_id``/``reject_reason`` are the marketplace's own (its served list), ``photos`` the ids or
    paths of the evidence attached to the rejection; ``approval`` the supervisor's approval of a rejection.
    """

    kind: ClassVar[OperationKind] = OperationKind.RETURN_COMPLETE
    claim_id: int
    claim_external_id: str
    account_id: int
    order_number: str = ""
    package_id: int | None = None
    units: tuple[ReturnedUnit, ...] = ()
    not_ours: tuple[str, ...] = ()
    opened_at: datetime | None = None
    reject_reason_id: str = ""
    reject_reason: str = ""
    description: str = ""
    photos: tuple[str, ...] = ()
    approved_by: int | None = None
    approval: str | None = None


OperationBody = Opened | Scanned | Unsupplied | Completed | Aborted | CancelledNotice | ReturnCompleted

_BODY_TYPES: dict[OperationKind, type[OperationBody]] = {
    body.kind: body for body in (Opened, Scanned, Unsupplied, Completed, Aborted, CancelledNotice, ReturnCompleted)
}
_ENCODER = msgspec.json.Encoder()
_DECODERS = {kind: msgspec.json.Decoder(body) for kind, body in _BODY_TYPES.items()}


@dataclass(frozen=True)
class Operation:
    """One business operation, identified by a UUID created when it happened.

    ``token`` is the server-side session of the user who did it: the server takes the actor from that
    session when the operation is applied (also later, from the offline journal), never from ``user_id``.
    """

    body: OperationBody
    station: str
    occurred_at: datetime
    package_id: int | None = None
    user_id: int | None = None
    op_id: uuid.UUID = field(default_factory=uuid.uuid4)
    token: str | None = field(default=None, repr=False)

    @property
    def kind(self) -> OperationKind:
        """What the operation records."""
        return self.body.kind


class OperationDecodeError(ValueError):
    """A stored operation body does not fit its kind; the message names the kind and the problem."""


def encode_body(body: OperationBody) -> str:
    """The body as the journal stores it (JSON text; Turkish letters kept as they are)."""
    return _ENCODER.encode(body).decode("utf-8")


def decode_body(kind: str, payload: str | bytes) -> OperationBody:
    """The typed body of a stored operation of ``kind``."""
    try:
        decoder = _DECODERS[OperationKind(kind)]
    except ValueError as exc:
        raise OperationDecodeError(f"unknown operation kind {kind!r}") from exc
    try:
        body: OperationBody = decoder.decode(payload)
    except msgspec.DecodeError as exc:
        raise OperationDecodeError(f"{kind} operation does not decode: {exc}") from exc
    return body


def body_as_dict(body: OperationBody) -> dict[str, object]:
    """The body as plain JSON values, for the ``detail`` columns and the outbox payload."""
    built: dict[str, object] = msgspec.to_builtins(body)
    return built
