"""Which language a station runs in, and the services' messages in it."""

from __future__ import annotations

import pytest

from packstation import i18n
from packstation.i18n import CatalogueMissingError, Language, _, language_from_locale_name, resolve_language
from packstation.resources import resource_path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tr_TR.UTF-8", Language.TURKISH),
        ("tr-TR", Language.TURKISH),
        ("Turkish_Turkey.1254", Language.TURKISH),
        ("en_GB.UTF-8", Language.ENGLISH),
        ("de_DE.UTF-8", None),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
    ],
)
def test_locale_names_map_to_shipped_languages(name: str, expected: Language | None) -> None:
    assert language_from_locale_name(name) is expected


def test_the_setting_wins_over_the_system() -> None:
    assert resolve_language("en", environ={"LANG": "tr_TR.UTF-8"}) is Language.ENGLISH
    assert resolve_language("tr", environ={"LANG": "en_US.UTF-8"}) is Language.TURKISH


def test_without_a_setting_the_system_language_is_used() -> None:
    assert resolve_language(None, environ={"LANG": "tr_TR.UTF-8"}) is Language.TURKISH
    # LANGUAGE is a priority list: the first language we ship wins, even after one we do not.
    assert resolve_language(None, environ={"LANGUAGE": "de:tr:en", "LANG": "en_US.UTF-8"}) is Language.TURKISH
    assert resolve_language(None, environ={"LC_ALL": "en_GB.UTF-8", "LANG": "tr_TR.UTF-8"}) is Language.ENGLISH


def test_a_system_language_we_do_not_ship_falls_back_to_english() -> None:
    assert resolve_language(None, environ={"LANG": "de_DE.UTF-8"}) is Language.ENGLISH
    assert resolve_language(None, environ={"LANG": "C.UTF-8"}) is Language.ENGLISH


def test_an_unsupported_setting_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        resolve_language("de", environ={})


@pytest.mark.usefixtures("service_language")
def test_service_messages_come_out_in_turkish() -> None:
    i18n.set_language(Language.TURKISH)
    assert i18n.current_language() is Language.TURKISH
    assert _("wrong PIN") == "yanlış PIN"
    assert _("Unknown barcode {code}.").format(code="869") == "Bilinmeyen barkod 869."
    i18n.set_language("en")
    assert _("wrong PIN") == "wrong PIN"
    i18n.set_language(None)
    assert _("wrong PIN") == "wrong PIN"


@pytest.mark.usefixtures("service_language")
def test_scan_messages_marked_for_later_translation_are_translated() -> None:
    from packstation.domain.scan_messages import _INVALID_REASONS

    i18n.set_language(Language.TURKISH)
    translated = {_(text) for text in _INVALID_REASONS.values()}
    assert "Boş okutma." in translated
    assert not translated & set(_INVALID_REASONS.values())


@pytest.mark.usefixtures("service_language")
def test_a_missing_turkish_catalogue_is_an_error_not_silent_english(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    with pytest.raises(CatalogueMissingError, match="no compiled 'tr' catalogue"):
        i18n.set_language("tr")
    i18n.set_language("en")  # English is the source text: no catalogue needed
    assert _("wrong PIN") == "wrong PIN"


def test_resource_paths_stay_inside_the_resources_folder() -> None:
    assert resource_path("fonts", "DejaVuSans.ttf").is_file()
    with pytest.raises(ValueError, match="inside the resources folder"):
        resource_path("..", "pyproject.toml")
