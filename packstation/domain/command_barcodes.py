"""Command barcodes: a printed sheet lets a packer complete, abort, reprint... without a keyboard.

Payload scheme: ``PSCMD`` followed by the command's name, e.g. ``PSCMDCOMPLETE``, ``PSCMDNEXTBOX``.
Only uppercase A–Z and digits, on purpose: a keyboard-wedge scanner types key *positions*, and only
A–Z, 0–9, space and Tab come out the same on every host layout. A ``PSCMD:COMPLETE`` would arrive
as ``PSCMDŞCOMPLETE`` on a Turkish-Q station with a US-configured scanner; ``PSCMDCOMPLETE`` arrives
intact on any layout. Parsing also ignores case (Caps Lock inverts it) and maps the Turkish dotless
and dotted i back to ``I``, so ``pscmdlogout`` typed with Caps Lock on a Turkish host still works.
The ``PSCMD`` prefix is not a valid GTIN and no marketplace issues it, so a product never collides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from packstation.domain.scan import recordable

COMMAND_PREFIX = "PSCMD"

# Case folding that knows Turkish: str.upper() maps "ı" to "I" but leaves "İ" alone, and Caps Lock on a
# Turkish-Q host turns the I key into "ı"; both spell the letter I.
_FOLD = str.maketrans({"ı": "I", "i": "I", "İ": "I"})
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


class UnknownCommandError(ValueError):
    """A scan with the command prefix but no known command (an old or damaged command sheet)."""


class Command(Enum):
    """What a command barcode asks the station to do; the value is the payload after ``PSCMD``."""

    COMPLETE = "COMPLETE"
    ABORT = "ABORT"
    REPRINT = "REPRINT"
    NEXT_BOX = "NEXTBOX"
    LOG_OUT = "LOGOUT"
    UNSUPPLIED = "UNSUPPLIED"
    # Returns (#18): the condition of the item scanned last; MISSING declares the units not in the box.
    RESELLABLE = "RESELLABLE"
    DAMAGED = "DAMAGED"
    WRONG_ITEM = "WRONGITEM"
    MISSING = "MISSING"
    #: Take a photo with the station's camera (photo evidence: a parcel before sealing, a return).
    PHOTO = "PHOTO"

    @property
    def payload(self) -> str:
        """The exact text encoded in the barcode."""
        return COMMAND_PREFIX + self.value


@dataclass(frozen=True)
class CommandLabel:
    """How a command is named on the printed sheet, in both languages of the warehouse."""

    command: Command
    turkish: str
    english: str


# The sheet shows both languages at once, whatever the UI language, so these are data, not ``_()``.
COMMAND_LABELS: tuple[CommandLabel, ...] = (
    CommandLabel(Command.COMPLETE, "Paketi tamamla", "Complete package"),
    CommandLabel(Command.ABORT, "Paketlemeyi bırak", "Abort packing"),
    CommandLabel(Command.REPRINT, "Etiketi yeniden yazdır", "Reprint label"),
    CommandLabel(Command.NEXT_BOX, "Sonraki koli", "Next box"),
    CommandLabel(Command.UNSUPPLIED, "Tedarik edilemeyen ürün", "Item cannot be supplied"),
    CommandLabel(Command.PHOTO, "Fotoğraf çek", "Take a photo"),
    CommandLabel(Command.LOG_OUT, "Oturumu kapat", "Log out"),
    CommandLabel(Command.RESELLABLE, "İade: satılabilir", "Return: resellable"),
    CommandLabel(Command.DAMAGED, "İade: hasarlı", "Return: damaged"),
    CommandLabel(Command.WRONG_ITEM, "İade: yanlış ürün", "Return: wrong item"),
    CommandLabel(Command.MISSING, "İade: eksik ürün", "Return: missing item"),
)


def parse_command(text: str) -> Command | None:
    """The command a scan encodes; None for anything without the ``PSCMD`` prefix (an ordinary scan).

    Raises :class:`UnknownCommandError` for ``PSCMD`` followed by something unknown, so the packer
    hears "unknown command" rather than "unknown barcode".
    """
    candidate = _AIM_PREFIX.sub("", text.strip()).translate(_FOLD).upper()
    if not candidate.startswith(COMMAND_PREFIX):
        return None
    name = candidate.removeprefix(COMMAND_PREFIX)
    for command in Command:
        if command.value == name:
            return command
    raise UnknownCommandError(f"unknown command barcode {recordable(text.strip(), 60)!r}")
