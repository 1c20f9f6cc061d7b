"""Photo evidence: what a photo is about (its *subject*), and what counts as a photo we keep.

A photo shows an outgoing parcel before it is sealed, or a returned parcel and its items. Either way
it is linked to exactly one subject: a package (``packages.id``) or a marketplace claim
(``claims.id``: the return). The returns screen and the pack screen speak of subjects only, so a
new kind of subject is one enum member here and one column in the table.

A photo is a JPEG. :func:`check_jpeg` reads the file's structure (markers up to the frame header)
without decoding pixels: enough to refuse an empty file, a PNG renamed ``.jpg``, a truncated
download or a file over the size limit with a message that says which, before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from packstation.i18n import _

#: The largest photo a station stores unless ``[camera] max_kb`` says otherwise: a 1920×1080 JPEG at
#: ordinary quality is 300 to 800 KB, so 2 MB leaves room without letting a 20 MB raw still in.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
#: The server refuses anything larger whatever a station's setting says (migration ``photos``).
HARD_MAX_BYTES = 8 * 1024 * 1024
JPEG_CONTENT_TYPE = "image/jpeg"

_SOI = b"\xff\xd8"
_EOI = b"\xff\xd9"
# Start-of-frame markers (baseline, progressive, lossless ...); C4, C8 and CC are other tables.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


class PhotoSubjectKind(StrEnum):
    """What a photo can be evidence of."""

    PACKAGE = "package"  # an outgoing parcel (photo before sealing), or the original of a return
    CLAIM = "claim"  # a return: the marketplace's claim the returned parcel answers


@dataclass(frozen=True)
class PhotoSubject:
    """The one thing a photo is linked to."""

    kind: PhotoSubjectKind
    id: int

    @classmethod
    def package(cls, package_id: int) -> PhotoSubject:
        """A package (``packages.id``)."""
        return cls(PhotoSubjectKind.PACKAGE, package_id)

    @classmethod
    def claim(cls, claim_id: int) -> PhotoSubject:
        """A return, by its marketplace claim (``claims.id``)."""
        return cls(PhotoSubjectKind.CLAIM, claim_id)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True)
class PhotoInfo:
    """A stored photo without its bytes: enough to list it and to show who took it, where and when."""

    id: UUID
    subject: PhotoSubject
    taken_at: datetime
    byte_size: int
    width: int
    height: int
    station: str | None = None
    taken_by: str | None = None
    note: str = ""

    @property
    def file_name(self) -> str:
        """The name the photo travels under (a marketplace upload, a saved copy)."""
        return f"photo-{self.subject.kind.value}-{self.subject.id}-{self.id.hex[:12]}.jpg"


@dataclass(frozen=True)
class PhotoFile:
    """A photo ready to upload as one part of a multipart request (``files=`` of httpx)."""

    name: str
    data: bytes
    content_type: str = JPEG_CONTENT_TYPE


class PhotoRejected(ValueError):
    """The bytes are not a photo we keep (empty, not a JPEG, damaged, too large); the message says which."""


@dataclass(frozen=True)
class JpegShape:
    """What :func:`check_jpeg` learned: the picture's size in pixels."""

    width: int
    height: int


def check_jpeg(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> JpegShape:
    """The JPEG's size in pixels; raises :class:`PhotoRejected` naming the problem."""
    if not data:
        raise PhotoRejected(_("the photo is empty"))
    if len(data) > max_bytes:
        raise PhotoRejected(
            _(
                "the photo is {size} KB; the limit is {limit} KB ([camera] max_kb): lower the camera's resolution"
            ).format(size=_kb(len(data)), limit=_kb(max_bytes))
        )
    if not data.startswith(_SOI + b"\xff"):
        raise PhotoRejected(_("the photo is not a JPEG picture ({what})").format(what=_sniff(data)))
    if _EOI not in data[-64:]:
        raise PhotoRejected(_("the photo is cut short: a JPEG picture ends with FFD9 and this one does not"))
    shape = _frame_shape(data)
    if shape is None:
        raise PhotoRejected(_("the photo is a damaged JPEG: no frame header before the picture data"))
    return shape


def _frame_shape(data: bytes) -> JpegShape | None:
    """Walk the marker segments after SOI up to the first start-of-frame; None if the structure breaks."""
    pos = 2
    end = len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD8 or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end, or picture data before any frame header
            return None
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > end:
            return None
        if marker in _SOF:
            if length < 7:
                return None
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            width = int.from_bytes(data[pos + 7 : pos + 9], "big")
            return JpegShape(width, height) if width and height else None
        pos += 2 + length
    return None


def _kb(size: int) -> int:
    return (size + 1023) // 1024


def _sniff(data: bytes) -> str:
    """A short guess at what the bytes are instead, for the message."""
    for magic, kind in (
        (b"\x89PNG", "PNG"),
        (b"GIF8", "GIF"),
        (b"%PDF", "PDF"),
        (b"RIFF", "RIFF/WebP"),
        (b"BM", "BMP"),
    ):
        if data.startswith(magic):
            return _("it is a {kind} file").format(kind=kind)
    if all(32 <= byte < 127 or byte in (9, 10, 13) for byte in data[:64]):
        return _("it is text")
    return _("it starts with {bytes}").format(bytes=data[:4].hex(" "))
