"""Text size and high contrast, as the settings ask for them at start-up."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication

from packstation.config import load_settings
from packstation.ui.shell.theme import HIGH_CONTRAST_STYLE, STYLE, ThemeChoice, apply_theme, style_sheet

SIZES = re.compile(r"font-size:\s*(\d+)pt")


def _sizes(css: str) -> list[int]:
    return [int(s) for s in SIZES.findall(css)]


def test_text_scale_multiplies_every_font_size() -> None:
    normal, large = _sizes(style_sheet(ThemeChoice())), _sizes(style_sheet(ThemeChoice(text_scale=1.5)))
    assert normal == _sizes(STYLE)
    assert large == [round(size * 1.5) for size in normal]
    assert max(large) == 66  # the STOP overlay, 44 pt, at 150 %


def test_high_contrast_has_its_own_colours_and_keeps_every_object() -> None:
    css = style_sheet(ThemeChoice(high_contrast=True))
    assert "background: black" in css and "#ffff00" in css
    assert "#f4f5f7" not in css  # none of the normal theme's pale greys
    # Every widget the normal theme styles is styled in high contrast too (none falls back to pale defaults).
    selectors = set(re.findall(r"(Q\w+#\w+)", STYLE))
    assert selectors <= set(re.findall(r"(Q\w+#\w+)", HIGH_CONTRAST_STYLE)), selectors - set(
        re.findall(r"(Q\w+#\w+)", HIGH_CONTRAST_STYLE)
    )


def test_out_of_range_scale_is_refused() -> None:
    with pytest.raises(ValueError, match=r"text_scale must be between 0\.8 and 2\.0"):
        ThemeChoice(text_scale=3.0)


@pytest.mark.gui
def test_settings_reach_the_application(qapp: QApplication, tmp_path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[station]\ntext_scale = 1.5\nhigh_contrast = true\n", encoding="utf-8")
    station = load_settings(config, environ={}).station
    before_font, before_sheet = qapp.font(), qapp.styleSheet()
    try:
        apply_theme(qapp, ThemeChoice(text_scale=station.text_scale, high_contrast=station.high_contrast))
        assert qapp.font().pointSize() == 18
        assert "font-size: 33pt" in qapp.styleSheet()  # the 22 pt scan field
        assert "background: black" in qapp.styleSheet()
    finally:
        qapp.setFont(before_font)
        qapp.setStyleSheet(before_sheet)


def test_a_bad_scale_in_the_file_names_the_key(tmp_path) -> None:
    from packstation.config import ConfigError

    config = tmp_path / "c.toml"
    config.write_text("[station]\ntext_scale = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"station\.text_scale"):
        load_settings(config, environ={})
