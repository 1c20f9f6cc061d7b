"""Qt side of translation: loads the screens' ``.qm`` catalogue and Qt's own, before any window is built.

Widgets translate their text when they are constructed (``self.tr()``), so the translators must be
installed first; a language change in the settings takes effect at the next start.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from packstation import i18n
from packstation.i18n import Language
from packstation.resources import resource_path

log = logging.getLogger("packstation.ui.platform.i18n")

CATALOGUE = "packstation"
# Qt's translations of its own widgets: the wizard's Next/Back/Cancel, message-box buttons, ...
QT_CATALOGUES = ("qtbase",)
_QT_LOCALES = {
    Language.TURKISH: QLocale(QLocale.Language.Turkish, QLocale.Country.Turkey),
    Language.ENGLISH: QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom),
}


class TranslationMissingError(RuntimeError):
    """The compiled screen catalogue for the chosen language is not in the build."""


def screen_catalogue(language: Language) -> Path:
    """The compiled ``.qm`` of the screens for ``language``."""
    return resource_path("translations", f"{CATALOGUE}_{language.value}.qm")


def _qt_translation_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    import PySide6

    # A frozen build may not carry qt.conf, so QLibraryInfo can point nowhere useful: look beside the module too.
    if PySide6.__file__:
        dirs.append(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")
    return dirs


class UiTranslators(QObject):
    """Owns the installed translators; :meth:`install` replaces them for another language."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._installed: list[QTranslator] = []
        self.language: Language | None = None

    def install(self, language: Language) -> None:
        """Install ``language`` for the screens, Qt's own dialogs and the services' messages.

        Raises :class:`TranslationMissingError` when the screens' catalogue for a non-source language is
        missing: a Turkish station must not quietly come up in English.
        """
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        catalogue = screen_catalogue(language)
        screens = QTranslator(self)
        if screens.load(str(catalogue)):
            self._add(screens)
        elif language is not Language.ENGLISH:
            raise TranslationMissingError(f"{catalogue} is missing; run scripts/update_translations.py")
        for name in QT_CATALOGUES:
            qt_own = QTranslator(self)
            if any(qt_own.load(f"{name}_{language.value}", str(folder)) for folder in _qt_translation_dirs()):
                self._add(qt_own)
            elif language is not Language.ENGLISH:
                log.warning("qt catalogue missing name=%s language=%s", name, language.value)
        QLocale.setDefault(_QT_LOCALES[language])
        i18n.set_language(language)
        self.language = language
        log.info("ui language=%s catalogues=%s", language.value, len(self._installed))

    def uninstall(self) -> None:
        """Back to the untranslated source text (tests, and a clean shutdown)."""
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed.clear()
        QLocale.setDefault(QLocale.system())
        i18n.set_language(None)
        self.language = None

    def _add(self, translator: QTranslator) -> None:
        self._app.installTranslator(translator)
        self._installed.append(translator)


def install_translators(app: QCoreApplication, configured: str | None) -> UiTranslators:
    """Resolve the language (setting, else the system's) and install it; call before building any window."""
    translators = UiTranslators(app)
    translators.install(i18n.resolve_language(configured))
    return translators
