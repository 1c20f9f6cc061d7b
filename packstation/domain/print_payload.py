"""What the bytes sent to a printer are: shared by the printers (devices) and the print-job store (local_store)."""

from __future__ import annotations

import enum


class PayloadKind(enum.Enum):
    """What the bytes sent to a printer are; transports use it for file names and spooler options."""

    ZPL = "zpl"
    PDF = "pdf"

    @property
    def extension(self) -> str:
        """File extension for a spooled job of this kind."""
        return self.value
