"""In Turkish, the screens show no English: every visible text of the main screens is checked against
the English source strings that have a different Turkish translation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from packstation.config import Settings
from packstation.domain.events import EventBus
from packstation.i18n import Language, _
from packstation.ui.admin.first_run import FirstRunWizard
from packstation.ui.admin.setup_wizard import StationSetupWizard
from packstation.ui.packing.home_view import HomeView
from packstation.ui.packing.pack_view import PackView
from packstation.ui.platform.i18n import TranslationMissingError, UiTranslators
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.login import LoginView
from packstation.ui.shell.main_window import MainWindow
from tests.i18n.conftest import ROOT

pytestmark = pytest.mark.gui


@pytest.fixture
def turkish(qapp: QApplication) -> Iterator[UiTranslators]:
    translators = UiTranslators(qapp)
    translators.install(Language.TURKISH)
    yield translators
    translators.uninstall()


@pytest.fixture(scope="module")
def english_only(tool: ModuleType) -> set[str]:
    """English source texts whose Turkish differs (so seeing one on a Turkish screen is a bug)."""
    layout = tool.Layout(ROOT)
    texts = {source for _c, source, tr in tool.ts_messages(layout.ts("tr")) if tr and tr != source}
    return {t for t in texts if "{" not in t}  # templates are filled in, so they cannot match verbatim


def visible_texts(root: QWidget) -> list[str]:
    """Every human-readable text a widget tree shows: labels, buttons, fields, titles, headers, lists."""
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text().replace("&", ""))
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [
                str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
                for c in range(model.columnCount())
            ]
    if isinstance(root, QWizard):
        for page_id in root.pageIds():
            page = root.page(page_id)
            texts += [page.title(), page.subTitle()]
    return [t.strip() for t in texts if t and t.strip()]


def _english_on(widget: QWidget, english_only: set[str]) -> list[str]:
    return sorted({t for t in visible_texts(widget) if t in english_only})


def test_main_screens_show_no_english(
    qtbot: QtBot, turkish: UiTranslators, english_only: set[str], tmp_path: Path
) -> None:
    window = MainWindow(
        station_name="istasyon-1", bridge=Bridge(EventBus()), demo=True, sounds=SoundBoard(enabled=False)
    )
    login = LoginView(login_badge=lambda badge, pin: None, login_password=lambda u, p, c: None)  # type: ignore[arg-type,return-value]
    screens: list[QWidget] = [
        window,
        login,
        HomeView(),
        PackView(),
        FirstRunWizard(create_first_admin=lambda *args: 1, issuer="PackStation"),
        StationSetupWizard(config_path=tmp_path / "c.toml", settings=Settings(), print_test=lambda *a: ""),
    ]
    for screen in screens:
        qtbot.addWidget(screen)
    found = {type(s).__name__: _english_on(s, english_only) for s in screens}
    assert all(not texts for texts in found.values()), found
    # And the check can see: the window's status bar really is in Turkish.
    assert any("Veritabanı" in t for t in visible_texts(window))
    assert "Kartınızı okutun" in visible_texts(login)


def test_qt_own_buttons_are_turkish_too(qtbot: QtBot, turkish: UiTranslators) -> None:
    wizard = FirstRunWizard(create_first_admin=lambda *args: 1, issuer="PackStation")
    qtbot.addWidget(wizard)
    cancel = wizard.button(QWizard.WizardButton.CancelButton).text().replace("&", "")
    assert cancel not in {"Cancel", ""}, cancel


def test_switching_back_to_english(qtbot: QtBot, turkish: UiTranslators) -> None:
    turkish.install(Language.ENGLISH)
    view = HomeView()
    qtbot.addWidget(view)
    assert "Waiting to be packed (oldest first)" in visible_texts(view)
    assert _("wrong PIN") == "wrong PIN"
    turkish.install(Language.TURKISH)
    assert _("wrong PIN") == "yanlış PIN"


def test_a_missing_screen_catalogue_stops_a_turkish_start(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import packstation.ui.platform.i18n as ui_i18n

    monkeypatch.setattr(ui_i18n, "screen_catalogue", lambda language: tmp_path / "absent.qm")
    translators = UiTranslators(qapp)
    try:
        with pytest.raises(TranslationMissingError, match=r"absent\.qm"):
            translators.install(Language.TURKISH)
    finally:
        translators.uninstall()
