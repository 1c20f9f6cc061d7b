"""Scan-to-verify: the pure state machine that checks every item going into a parcel.

``PackSession`` takes a package and a catalogue view, and answers each scan with a frozen
:class:`ScanResult`. It does no I/O and never reads the clock: the caller passes ``at=``. Services
journal the results, devices and the UI turn them into sounds and colours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from packstation.domain.boxes import BoxType
from packstation.domain.catalogue import BarcodeIndex
from packstation.domain.outcomes import PackState, ScanOutcome, UnsuppliedReason
from packstation.domain.package import Package
from packstation.domain.scan import (
    InvalidReason,
    recordable,
)
from packstation.domain.scan_matching import LineMatch, LineMatcher
from packstation.domain.scan_messages import message_for
from packstation.i18n import _


class PackSessionError(RuntimeError):
    """An operation the session's state does not allow; the message says why."""


class UnknownLineError(KeyError):
    """``mark_unsupplied`` named a line that is not in the package."""


@dataclass(frozen=True)
class LineProgress:
    """How far one line is: units scanned and units declared unsupplied, out of ``required``."""

    line_id: str
    scanned: int
    unsupplied: int
    required: int

    @property
    def remaining(self) -> int:
        """Units still to scan (or declare unsupplied)."""
        return self.required - self.scanned - self.unsupplied

    @property
    def is_done(self) -> bool:
        """True when nothing of the line is left to verify."""
        return self.remaining == 0


@dataclass(frozen=True)
class UnsuppliedMark:
    """A quantity of a line the packer declared unsupplied."""

    line_id: str
    quantity: int
    reason: UnsuppliedReason
    note: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class ScanResult:
    """The answer to one scan: plain fields, so a journal or a signal can carry it as is.

    ``line_id``/``scanned``/``required`` describe the line the scan concerned (None/0 when there is
    none); ``units`` is what this scan counted (the case multiplier, 0 unless ACCEPTED);
    ``verified_units``/``total_units`` is the package's progress after the scan.
    """

    outcome: ScanOutcome
    message: str
    package_id: str
    text: str
    code: str = ""
    line_id: str | None = None
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
    #: The box the scan's units went into (1-based; the packer opens the next one with NEXTBOX).
    box: int = 1

    @property
    def progress(self) -> float:
        """Share of the package verified, 0.0 to 1.0."""
        return self.verified_units / self.total_units if self.total_units else 0.0

    def as_record(self) -> dict[str, object]:
        """Plain JSON-friendly dict (enums as their values, time as ISO 8601) for the journal."""
        return {
            "outcome": self.outcome.value,
            "message": self.message,
            "package_id": self.package_id,
            "text": self.text,
            "code": self.code,
            "line_id": self.line_id,
            "product_id": self.product_id,
            "scanned": self.scanned,
            "required": self.required,
            "units": self.units,
            "verified_units": self.verified_units,
            "total_units": self.total_units,
            "package_complete": self.package_complete,
            "invalid_reason": self.invalid_reason.value if self.invalid_reason else None,
            "repaired_text": self.repaired_text,
            "at": self.at.isoformat() if self.at else None,
            "box": self.box,
        }


@dataclass(frozen=True)
class BoxContents:
    """One box of a parcel: its number and the units of each line verified into it."""

    index: int
    units: tuple[tuple[str, int], ...]
    #: The box size the packer scanned for it, if any.
    box_type: BoxType | None = None

    @property
    def total_units(self) -> int:
        """Units in the box."""
        return sum(units for _line, units in self.units)


@dataclass
class _LineCount:
    scanned: int = 0
    unsupplied: int = 0
    marks: list[UnsuppliedMark] = field(default_factory=list)


#: A session's state at one moment (see :meth:`PackSession.checkpoint`): its state, when it completed,
#: and each line's scanned and unsupplied counts with the unsupplied declarations.
SessionCheckpoint = tuple[PackState, datetime | None, tuple[tuple[int, int, tuple[UnsuppliedMark, ...]], ...]]


class PackSession:
    """Verifies one package scan by scan. Not thread-safe: one owner (the packing service) drives it."""

    def __init__(
        self,
        package: Package,
        *,
        catalogue: BarcodeIndex | None = None,
        layout_repair: Callable[[str], str] | None = None,
        opened_at: datetime | None = None,
    ) -> None:
        self.package = package
        self.opened_at = opened_at
        self.completed_at: datetime | None = None
        self._catalogue = catalogue or BarcodeIndex()
        # Tried only when the text as typed means nothing: a scanner set up for the right layout
        # must never have its good scans "repaired" into bad ones.
        self._layout_repair = layout_repair
        self._state = PackState.OPEN
        self._counts = [_LineCount() for _ in package.lines]
        # Units per line in each box, in the order the boxes were opened; the last one is being filled.
        self._boxes: list[dict[str, int]] = [{}]
        self._box_types: dict[int, BoxType] = {}
        self._matcher = LineMatcher(package, self._catalogue)

    # -- state -------------------------------------------------------------------------------------

    @property
    def state(self) -> PackState:
        """Current state."""
        return self._state

    @property
    def is_complete(self) -> bool:
        """True once every line is scanned or declared unsupplied (and not cancelled or aborted since)."""
        return self._state is PackState.COMPLETE

    @property
    def lines(self) -> tuple[LineProgress, ...]:
        """Progress of every line, in package order."""
        return tuple(self._progress(i) for i in range(len(self.package.lines)))

    @property
    def verified_units(self) -> int:
        """Units scanned or declared unsupplied so far."""
        return sum(c.scanned + c.unsupplied for c in self._counts)

    @property
    def unsupplied_marks(self) -> tuple[UnsuppliedMark, ...]:
        """Every unsupplied declaration, in the order made (for the marketplace notice)."""
        return tuple(mark for count in self._counts for mark in count.marks)

    @property
    def current_box(self) -> int:
        """The box being filled (1-based)."""
        return len(self._boxes)

    @property
    def boxes(self) -> tuple[BoxContents, ...]:
        """Every box that holds something, numbered 1..n in the order they were filled (at least one)."""
        filled = [(number, box) for number, box in enumerate(self._boxes, start=1) if box] or [(1, {})]
        return tuple(
            BoxContents(index, tuple(box.items()), self._box_types.get(number))
            for index, (number, box) in enumerate(filled, start=1)
        )

    @property
    def box_count(self) -> int:
        """How many boxes the parcel goes out in: one label each."""
        return len(self.boxes)

    def _progress(self, index: int) -> LineProgress:
        count = self._counts[index]
        line = self.package.lines[index]
        return LineProgress(line.line_id, count.scanned, count.unsupplied, line.quantity)

    def _remaining(self, index: int) -> int:
        return self._progress(index).remaining

    def _check_complete(self, at: datetime | None) -> None:
        if self._state is PackState.OPEN and all(self._progress(i).is_done for i in range(len(self._counts))):
            self._state = PackState.COMPLETE
            self.completed_at = at

    def checkpoint(self) -> SessionCheckpoint:
        """The session's state now, for :meth:`restore` when what followed could not be recorded."""
        counts = tuple((c.scanned, c.unsupplied, tuple(c.marks)) for c in self._counts)
        return (self._state, self.completed_at, counts)

    def restore(self, checkpoint: SessionCheckpoint) -> None:
        """Go back to a :meth:`checkpoint`: a scan the journal could not keep must not count."""
        state, completed_at, counts = checkpoint
        self._state, self.completed_at = state, completed_at
        for count, (scanned, unsupplied, marks) in zip(self._counts, counts, strict=True):
            count.scanned, count.unsupplied, count.marks = scanned, unsupplied, list(marks)

    # -- commands from outside ---------------------------------------------------------------------

    def abort(self) -> None:
        """Stop packing this package without completing it; later scans raise :class:`PackSessionError`."""
        if self._state is PackState.CANCELLED:
            raise PackSessionError(_("The package was cancelled; it cannot be aborted."))
        self._state = PackState.ABORTED

    def cancel(self) -> None:
        """The marketplace cancelled the order: every later scan answers PACKAGE_CANCELLED (loud stop)."""
        self._state = PackState.CANCELLED

    def next_box(self) -> int:
        """Close the box being filled and start the next one; returns the new box's number.

        Verification stays per parcel: a box is only where the units went. An empty box is never closed,
        so every box gets at least one unit (and its own label).
        """
        if self._state is not PackState.OPEN:
            raise PackSessionError(
                _("Cannot start another box: the package is {state}.").format(state=self._state.value)
            )
        if not self._boxes[-1]:
            raise PackSessionError(
                _("Box {index} is still empty: scan an item into it first.").format(index=self.current_box)
            )
        self._boxes.append({})
        return self.current_box

    def choose_box_type(self, box_type: BoxType) -> int:
        """The box being filled is of ``box_type`` (its barcode was scanned); returns the box's number."""
        if self._state is not PackState.OPEN:
            raise PackSessionError(_("Cannot choose a box: the package is {state}.").format(state=self._state.value))
        self._box_types[self.current_box] = box_type
        return self.current_box

    def mark_unsupplied(
        self,
        line_id: str,
        quantity: int,
        reason: UnsuppliedReason,
        *,
        note: str = "",
        at: datetime | None = None,
    ) -> LineProgress:
        """Declare ``quantity`` units of a line unsupplied; they count as verified for completion."""
        if self._state is not PackState.OPEN:
            raise PackSessionError(
                _("Cannot mark items unsupplied: the package is {state}.").format(state=self._state.value)
            )
        index = next((i for i, line in enumerate(self.package.lines) if line.line_id == line_id), None)
        if index is None:
            raise UnknownLineError(f"line {line_id!r} is not in package {self.package.package_id!r}")
        left = self._progress(index).remaining
        if not 1 <= quantity <= left:
            raise ValueError(f"cannot mark {quantity} unsupplied on line {line_id!r}: {left} left to verify")
        count = self._counts[index]
        count.unsupplied += quantity
        count.marks.append(UnsuppliedMark(line_id, quantity, reason, note, at))
        self._check_complete(at)
        return self._progress(index)

    # -- scanning ----------------------------------------------------------------------------------

    def scan(self, text: str, *, at: datetime | None = None) -> ScanResult:
        """Verify one scanned text. Never raises for any input while the session is open or finished."""
        if self._state is PackState.ABORTED:
            raise PackSessionError(_("This packing session was aborted; open the package again."))
        if self._state is PackState.CANCELLED:
            return self._result(LineMatch(ScanOutcome.PACKAGE_CANCELLED), text, at)
        if self._state is PackState.COMPLETE:
            return self._result(LineMatch(ScanOutcome.PACKAGE_ALREADY_COMPLETE), text, at)
        match = self._matcher.match(text, self._remaining)
        repaired: str | None = None
        if self._layout_repair is not None and match.outcome in (
            ScanOutcome.UNKNOWN_BARCODE,
            ScanOutcome.INVALID,
        ):
            candidate = self._layout_repair(text)
            if candidate != text:
                retry = self._matcher.match(candidate, self._remaining)
                if retry.outcome not in (ScanOutcome.UNKNOWN_BARCODE, ScanOutcome.INVALID):
                    match, repaired = retry, candidate
        if match.outcome is ScanOutcome.ACCEPTED and match.line_index is not None:
            self._counts[match.line_index].scanned += match.units
            line_id = self.package.lines[match.line_index].line_id
            box = self._boxes[-1]
            box[line_id] = box.get(line_id, 0) + match.units
            self._check_complete(at)
        return self._result(match, text, at, repaired=repaired)

    def _result(self, match: LineMatch, text: str, at: datetime | None, *, repaired: str | None = None) -> ScanResult:
        line = self.package.lines[match.line_index] if match.line_index is not None else None
        progress = self._progress(match.line_index) if match.line_index is not None else None
        result = ScanResult(
            outcome=match.outcome,
            message="",
            package_id=self.package.package_id,
            # What is journaled and shown: a NUL or a 100,000-character paste must reach neither.
            text=recordable(text),
            code=match.code,
            line_id=line.line_id if line else None,
            product_id=match.product_id,
            scanned=progress.scanned if progress else 0,
            required=progress.required if progress else 0,
            units=match.units if match.outcome is ScanOutcome.ACCEPTED else 0,
            verified_units=self.verified_units,
            total_units=self.package.total_units,
            package_complete=self._state is PackState.COMPLETE,
            invalid_reason=match.invalid_reason,
            # The repair of a scan padded with NUL (a serial scanner) carries the NUL too: journal it clean.
            repaired_text=recordable(repaired) if repaired is not None else None,
            at=at,
            box=self.current_box,
        )
        message = message_for(result, line_name=line.name if line else "", multiplier=match.units, detail=match.detail)
        return replace(result, message=message)
