"""Translation for messages produced outside the GUI (services, devices, command line).

Services return user-facing text through :func:`_`; the GUI translates its own strings with Qt's
``tr()``. Catalogues are gettext ``.mo`` files under ``resources/locale/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "packstation"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()


def set_language(language: str | None) -> None:
    """Switch the message catalogue (``"tr"``, ``"en"``; None keeps the source text)."""
    global _translation  # noqa: PLW0603 - one process-wide language, set by the composition root
    if language is None:
        _translation = gettext.NullTranslations()
        return
    _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the current language (identity until catalogues are loaded)."""
    return _translation.gettext(message)
