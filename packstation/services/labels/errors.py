"""Typed errors of the label service: each says what is wrong with which field."""

from __future__ import annotations


class LabelError(ValueError):
    """A label or packing slip that cannot be produced; the message is for the user."""


class LabelValidationError(LabelError):
    """The label data is wrong (missing tracking number, bad GTIN, ...); ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class TextDoesNotFitError(LabelError):
    """Text that stays too long even at the smallest readable size; it is never cut off silently."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
