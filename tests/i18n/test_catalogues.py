"""Every user-facing string has a Turkish translation with the same placeholders, and the compiled
catalogues match their sources. Extraction runs on the current code, so a new string fails here."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po, write_po

from tests.i18n.conftest import ROOT


@pytest.fixture(scope="module")
def check(tool: ModuleType) -> tuple[list[str], list[object]]:
    return tool.stale_files(ROOT)


def test_every_message_has_a_turkish_translation_with_the_same_placeholders(check: tuple[list, list]) -> None:
    _stale, problems = check
    assert not problems, "untranslated or mistranslated messages:\n" + "\n".join(map(str, problems))


def test_compiled_catalogues_match_the_current_sources(check: tuple[list, list]) -> None:
    stale, _problems = check
    assert not stale, f"run scripts/update_translations.py; stale: {stale}"


def test_both_catalogues_are_substantial(tool: ModuleType) -> None:
    layout = tool.Layout(ROOT)
    screens = tool.ts_messages(layout.ts("tr"))
    services = [m for m in tool.extract_gettext(ROOT) if m.id]
    # The screens and the services each have hundreds of strings; an empty extraction would pass vacuously.
    assert len(screens) > 150
    assert len(services) > 200
    assert all(translation for _c, _s, translation in tool.ts_messages(layout.ts("en")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Welcome, {0}", ["{0}"]),
        ("OK: {name} ({scanned}/{required}).", ["{name}", "{required}", "{scanned}"]),
        ("packed at {at:%H:%M}", ["{at:%H:%M}"]),
        ("value {value!r}", ["{value!r}"]),
        ("%1 of %2", ["%1", "%2"]),
        ("%(count)s left, %s", ["%(count)s", "%s"]),
        ("no placeholder", []),
    ],
)
def test_placeholders_are_recognised(tool: ModuleType, text: str, expected: list[str]) -> None:
    assert tool.placeholders(text) == sorted(expected)


def _scratch_tree(tmp_path: Path, tool: ModuleType) -> tuple[Path, ModuleType]:
    """A tiny package with one screen string and one service string, and copies of the real catalogues."""
    source = tmp_path / "src"
    (source / "packstation" / "ui").mkdir(parents=True)
    (source / "packstation" / "ui" / "view.py").write_text(
        "class FreshView:\n    def build(self):\n        return self.tr('A brand new screen string')\n"
    )
    (source / "packstation" / "service.py").write_text(
        "from packstation.i18n import _\n\ndef f():\n    return _('wrong PIN'), _('A brand new service message {n}')\n"
    )
    layout = tool.Layout(tmp_path / "out")
    for relative in tool.catalogue_files(tool.Layout(ROOT)):
        (layout.root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, layout.root / relative)
    return source, layout


def test_a_new_string_without_translation_is_reported(tool: ModuleType, tmp_path: Path) -> None:
    source, layout = _scratch_tree(tmp_path, tool)
    problems = [str(p) for p in tool.update(layout, source_root=source)]
    assert any("A brand new screen string" in p and "packstation_tr.ts" in p for p in problems), problems
    assert any("A brand new service message {n}" in p and "packstation.po" in p for p in problems), problems
    # The existing translation survives the merge, the English catalogue needs nothing.
    assert not any("'wrong PIN'" in p for p in problems)
    assert not any("/en/" in p or "_en.ts" in p for p in problems)


def test_a_translation_with_other_placeholders_is_reported(tool: ModuleType, tmp_path: Path) -> None:
    source, layout = _scratch_tree(tmp_path, tool)
    tool.update(layout, source_root=source)
    with layout.po("tr").open("rb") as handle:
        catalogue = read_po(handle, locale="tr")
    catalogue["A brand new service message {n}"].string = "Yepyeni bir servis iletisi {adet}"
    with layout.po("tr").open("wb") as handle:
        write_po(handle, catalogue)
    template = tool.extract_gettext(source)
    problems = [str(p) for p in tool.po_problems(layout, "tr", template)]
    assert problems == [
        "resources/locale/tr/LC_MESSAGES/packstation.po: placeholders differ: 'A brand new service message {n}'"
    ]
