"""Undo what a Turkish-Q keyboard layout does to a wedge scanner configured for US English.

A wedge scanner sends key *positions*; the host's layout turns them into characters. A scanner left
on its US default, plugged into a Turkish-Q station, types ``TRK*123.45`` for ``TRK-123/45`` and
``)01=08690000000005`` for ``(01)08690000000005``. Both directions are derived from one table of key
positions (from ``/usr/share/X11/xkb/symbols/tr``, ``xkb_symbols "basic"``), so the damage and the
repair cannot drift apart. Only the keys that differ are listed: A–Z (except ``i``), digits, space
and Tab are the same on both layouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

# xkb key name: ((US unshifted, US shifted), (TR-Q unshifted, TR-Q shifted))
US_TO_TURKISH_Q_KEYS: tuple[tuple[str, tuple[str, str], tuple[str, str]], ...] = (
    ("TLDE", ("`", "~"), ('"', "é")),
    ("AE02", ("2", "@"), ("2", "'")),
    ("AE03", ("3", "#"), ("3", "^")),
    ("AE04", ("4", "$"), ("4", "+")),
    ("AE06", ("6", "^"), ("6", "&")),
    ("AE07", ("7", "&"), ("7", "/")),
    ("AE08", ("8", "*"), ("8", "(")),
    ("AE09", ("9", "("), ("9", ")")),
    ("AE10", ("0", ")"), ("0", "=")),
    ("AE11", ("-", "_"), ("*", "?")),
    ("AE12", ("=", "+"), ("-", "_")),
    ("AD08", ("i", "I"), ("ı", "I")),
    ("AD11", ("[", "{"), ("ğ", "Ğ")),
    ("AD12", ("]", "}"), ("ü", "Ü")),
    ("AC10", (";", ":"), ("ş", "Ş")),
    ("AC11", ("'", '"'), ("i", "İ")),
    ("BKSL", ("\\", "|"), (",", ";")),
    ("AB08", (",", "<"), ("ö", "Ö")),
    ("AB09", (".", ">"), ("ç", "Ç")),
    ("AB10", ("/", "?"), (".", ":")),
)


def _character_map(*, reverse: bool) -> MappingProxyType[str, str]:
    mapping: dict[str, str] = {}
    for _key, us, turkish in US_TO_TURKISH_Q_KEYS:
        for sent, shown in zip(us, turkish, strict=True):
            if sent == shown:
                continue
            source, target = (shown, sent) if reverse else (sent, shown)
            if source in mapping and mapping[source] != target:
                raise AssertionError(f"layout table maps {source!r} twice")  # a typo in the table above
            mapping[source] = target
    return MappingProxyType(mapping)


US_TO_TURKISH_Q: MappingProxyType[str, str] = _character_map(reverse=False)
"""Character a US-configured scanner means -> character a Turkish-Q host shows."""
TURKISH_Q_TO_US: MappingProxyType[str, str] = _character_map(reverse=True)
"""The inverse: character shown on a Turkish-Q host -> character the scanner meant."""

_DAMAGE = str.maketrans(dict(US_TO_TURKISH_Q))
_REPAIR = str.maketrans(dict(TURKISH_Q_TO_US))


def damage_as_turkish_q(text: str) -> str:
    """What ``text`` looks like when a US-configured wedge scanner types it on a Turkish-Q host."""
    return text.translate(_DAMAGE)


def repair_turkish_q(text: str) -> str:
    """Undo :func:`damage_as_turkish_q`: ``)01=08690000000005`` -> ``(01)08690000000005``."""
    return text.translate(_REPAIR)


@dataclass(frozen=True)
class LayoutRepair:
    """Station setting: repair Turkish-Q damage or not. Callable, so it plugs into ``PackSession``.

    Turn it off when the scanners are set to the Turkish keyboard country (or run in serial mode):
    the repair would otherwise turn a correct ``-`` into ``=``. ``PackSession`` only tries the repaired
    text when the text as typed matched nothing, which makes leaving it on the safe default.
    """

    enabled: bool = True

    def __call__(self, text: str) -> str:
        """The repaired text, or ``text`` unchanged when the repair is off."""
        return repair_turkish_q(text) if self.enabled else text
