"""Translation for messages produced outside the GUI (services, devices, command line).

Services return user-facing text through :func:`_`; the GUI translates its own strings with Qt's
``tr()`` (see ``packstation/ui/platform/i18n.py``, which also calls :func:`set_language`). Catalogues are gettext
``.mo`` files under ``resources/locale/<lang>/LC_MESSAGES``, compiled from the ``.po`` files beside them by
``scripts/update_translations.py``.

Strings that are defined in one place and translated in another (tables of messages) are marked with
:func:`N_` so the extractor still finds them.
"""

from __future__ import annotations

import gettext
import locale
import logging
import os
import sys
from collections.abc import Mapping
from enum import StrEnum

from packstation.resources import resource_path

log = logging.getLogger("packstation.i18n")

DOMAIN = "packstation"
LOCALE_DIR = resource_path("locale")


class Language(StrEnum):
    """The languages the station ships complete catalogues for."""

    TURKISH = "tr"
    ENGLISH = "en"


# The source language, for a system whose language we do not ship (a Turkish system resolves to Turkish).
DEFAULT_LANGUAGE = Language.ENGLISH

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language: Language | None = None


class CatalogueMissingError(RuntimeError):
    """A shipped language's compiled catalogue is not where the build put it."""


def set_language(language: str | Language | None) -> None:
    """Switch the message catalogue (``"tr"``, ``"en"``; None keeps the source text).

    Raises ValueError for a language we do not ship and :class:`CatalogueMissingError` when the compiled
    Turkish catalogue is absent (a broken build must not silently show English to Turkish packers).
    """
    global _translation, _language  # noqa: PLW0603 - one process-wide language, set by the composition root
    if language is None:
        _translation, _language = gettext.NullTranslations(), None
        return
    chosen = _parse_language(language)
    try:
        _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[chosen.value])
    except FileNotFoundError as exc:
        if chosen is not Language.ENGLISH:
            raise CatalogueMissingError(
                f"no compiled {chosen.value!r} catalogue in {LOCALE_DIR}; run scripts/update_translations.py"
            ) from exc
        # English is the source text: without its catalogue the messages are still right.
        _translation = gettext.NullTranslations()
    _language = chosen
    log.info("service language=%s", chosen.value)


def current_language() -> Language | None:
    """The language :func:`set_language` chose last (None: untranslated source text)."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language (identity until catalogues are loaded)."""
    return _translation.gettext(message)


def N_(message: str) -> str:  # the conventional gettext name the extractor looks for
    """Mark ``message`` for extraction without translating it yet (translate later with :func:`_`)."""
    return message


def _parse_language(value: str | Language) -> Language:
    try:
        return Language(str(value).strip().lower())
    except ValueError:
        known = ", ".join(repr(lang.value) for lang in Language)
        raise ValueError(f"unsupported language {value!r}: expected one of {known}") from None


def language_from_locale_name(name: str | None) -> Language | None:
    """Map a locale name such as ``tr_TR.UTF-8``, ``en-GB`` or ``Turkish_Turkey.1254`` to a shipped language."""
    if not name:
        return None
    code = name.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    # Windows' Python reports long names ("Turkish_Turkey") rather than ISO codes.
    aliases = {"turkish": "tr", "english": "en", "c": "", "posix": ""}
    code = aliases.get(code, code)
    try:
        return Language(code)
    except ValueError:
        return None


def system_language(environ: Mapping[str, str] | None = None) -> Language | None:
    """The operating system's user-interface language, when it is one we ship; None otherwise.

    POSIX: ``LANGUAGE`` (a priority list), then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``. Windows: the
    user's UI language from the system. Either way the first shipped language in the list wins.
    """
    environ = os.environ if environ is None else environ
    candidates: list[str] = []
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            candidates.extend(value.split(":") if variable == "LANGUAGE" else [value])
    if not candidates and sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        candidates.append(_windows_ui_language())
    if not candidates:
        candidates.append(locale.getlocale()[0] or "")
    for candidate in candidates:
        found = language_from_locale_name(candidate)
        if found is not None:
            return found
    return None


def _windows_ui_language() -> str:  # pragma: no cover - Windows only
    import ctypes

    lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    return locale.windows_locale.get(lcid, "")


def resolve_language(configured: str | None, *, environ: Mapping[str, str] | None = None) -> Language:
    """The language to run in: ``[station] language`` when set, else the system's, else English."""
    if configured:
        return _parse_language(configured)
    return system_language(environ) or DEFAULT_LANGUAGE
