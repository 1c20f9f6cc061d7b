"""The packer-facing sentence for each scan outcome (English source text, translated through ``_``)."""

from __future__ import annotations

from typing import Protocol

from packstation.domain.outcomes import ScanOutcome
from packstation.domain.scan import InvalidReason
from packstation.i18n import N_, _


class ScanFacts(Protocol):
    """What a sentence needs from a scan's result (``domain.packing.ScanResult`` has these fields).

    A protocol rather than an import: ``domain.packing`` builds its results with :func:`message_for`,
    so importing it back here would make the two modules a cycle.
    """

    @property
    def outcome(self) -> ScanOutcome: ...
    @property
    def code(self) -> str: ...
    @property
    def line_id(self) -> str | None: ...
    @property
    def scanned(self) -> int: ...
    @property
    def required(self) -> int: ...
    @property
    def package_complete(self) -> bool: ...
    @property
    def invalid_reason(self) -> InvalidReason | None: ...


_INVALID_REASONS: dict[InvalidReason, str] = {
    InvalidReason.EMPTY: N_("Empty scan."),
    InvalidReason.TOO_LONG: N_("Scan too long: scan one barcode at a time."),
    InvalidReason.CONTROL_CHARACTER: N_(
        "Unreadable scan: it contains a control character. Check the scanner settings."
    ),
    InvalidReason.UNDECODABLE: N_("Unreadable scan: the scanner sent bytes that are not text. Rescan."),
    InvalidReason.BAD_CHECK_DIGIT: N_("Barcode check digit is wrong: rescan or type it carefully."),
    InvalidReason.MALFORMED_GS1: N_("GS1 barcode could not be read: rescan."),
}


def message_for(result: ScanFacts, *, line_name: str, multiplier: int, detail: str) -> str:
    """One short sentence for the big feedback banner; ``detail`` goes to logs, not to the packer."""
    del detail  # kept in the signature so callers pass it; the packer gets the plain reason only
    name = line_name or result.line_id or ""
    outcome = result.outcome
    if outcome is ScanOutcome.ACCEPTED:
        if result.package_complete:
            return _("Package complete: {name} ({scanned}/{required}).").format(
                name=name, scanned=result.scanned, required=result.required
            )
        return _("OK: {name} ({scanned}/{required}).").format(
            name=name, scanned=result.scanned, required=result.required
        )
    if outcome is ScanOutcome.WRONG_ITEM:
        return _("WRONG ITEM: this product is not in the package. Put it back.")
    if outcome is ScanOutcome.OVER_SCAN:
        remaining = result.required - result.scanned
        if multiplier > 1 and remaining > 0:
            return _("TOO MANY: this case holds {units}, only {remaining} still needed for {name}.").format(
                units=multiplier, remaining=remaining, name=name
            )
        return _("TOO MANY: {name} is already complete ({scanned}/{required}).").format(
            name=name, scanned=result.scanned, required=result.required
        )
    if outcome is ScanOutcome.UNKNOWN_BARCODE:
        return _("Unknown barcode {code}.").format(code=result.code)
    if outcome is ScanOutcome.PACKAGE_ALREADY_COMPLETE:
        return _("This package is already complete.")
    if outcome is ScanOutcome.PACKAGE_CANCELLED:
        return _("STOP: the order was cancelled. Do not ship this package.")
    reason = result.invalid_reason or InvalidReason.MALFORMED_GS1
    return _(_INVALID_REASONS[reason])


def invalid_message(reason: InvalidReason) -> str:
    """The packer's sentence for a scan refused as ``reason`` (translated)."""
    return _(_INVALID_REASONS[reason])
