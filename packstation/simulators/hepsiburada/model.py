"""The stand-in's values: a package HB made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class HbPackage:
    """A package HB made from open lines."""

    guid: str
    number: str
    barcode: str
    lines: list[dict[str, Any]]
    packaged_at: datetime
    status: str = "Packaged"
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    unpacked_at: datetime | None = None
    parcels: int = 1
    deci: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)
