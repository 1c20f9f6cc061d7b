#!/usr/bin/env python3
"""Extract, merge and compile PackStation's translations (re-runnable; run it after changing any string).

Two catalogues, one per mechanism:

* screens (``self.tr()`` in ``packstation/ui``): Qt Linguist ``resources/translations/packstation_<lang>.ts``,
  compiled to ``.qm`` with ``pyside6-lrelease``; extraction is ``pyside6-lupdate``.
* service messages (``_()`` / ``N_()`` anywhere in ``packstation``): gettext
  ``resources/locale/<lang>/LC_MESSAGES/packstation.po``, compiled to ``.mo``; extraction is Babel.

Usage::

    .venv/bin/python scripts/update_translations.py            # extract, merge, compile, list what is untranslated
    .venv/bin/python scripts/update_translations.py --check    # exit 1 if the catalogues are stale or incomplete
    .venv/bin/python scripts/update_translations.py --compile-only

English is the source language: its catalogues are filled with the source text, so they are complete by
construction. Turkish translations are written by people, in the ``.po`` and ``.ts`` files (Qt Linguist or
any PO editor); this script never invents one. A message whose source text changes loses its translation
(no fuzzy matching: a stale Turkish sentence on a packer's screen is worse than a visible gap, and the
catalogue test names the gap).
"""

from __future__ import annotations

import argparse
import filecmp
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "packstation"
DOMAIN = "packstation"
LANGUAGES = ("tr", "en")
SOURCE_LANGUAGE = "en"
GETTEXT_KEYWORDS = {"_": None, "N_": None}
# Fixed so that re-running on unchanged sources produces byte-identical files (the --check relies on it).
CREATION_DATE = datetime(2025, 1, 1, tzinfo=UTC)
PLACEHOLDER = re.compile(r"\{[A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}|%L?\d+|%n|%\([A-Za-z_]+\)[sdfr]|%[sdfr]")


@dataclass(frozen=True)
class Layout:
    """Where the catalogues of one tree (the checkout, or a scratch copy for --check) live."""

    root: Path

    @property
    def locale_dir(self) -> Path:
        """Folder of the gettext catalogues."""
        return self.root / "resources" / "locale"

    @property
    def translations_dir(self) -> Path:
        """Folder of the Qt Linguist catalogues."""
        return self.root / "resources" / "translations"

    def po(self, lang: str) -> Path:
        """The gettext source catalogue for ``lang``."""
        return self.locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo(self, lang: str) -> Path:
        """The compiled gettext catalogue for ``lang``."""
        return self.po(lang).with_suffix(".mo")

    def ts(self, lang: str) -> Path:
        """The Qt Linguist source catalogue for ``lang``."""
        return self.translations_dir / f"{DOMAIN}_{lang}.ts"

    def qm(self, lang: str) -> Path:
        """The compiled Qt catalogue for ``lang``."""
        return self.ts(lang).with_suffix(".qm")


@dataclass(frozen=True)
class Problem:
    """One message that is not properly translated."""

    catalogue: str
    context: str
    source: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.catalogue} [{self.context}]" if self.context else self.catalogue
        return f"{where}: {self.reason}: {self.source!r}"


def placeholders(text: str) -> list[str]:
    """The placeholders in ``text`` ({0}, {name}, {v:.1f}, %1, %(name)s, %s), sorted, with repeats."""
    return sorted(PLACEHOLDER.findall(text))


# ---------------------------------------------------------------- gettext


def extract_gettext(source_root: Path = ROOT) -> Catalog:
    """Every ``_()``/``N_()`` message in the package, as a template catalogue."""
    template = Catalog(project="PackStation", domain=DOMAIN, creation_date=CREATION_DATE, fuzzy=False)
    package = source_root / PACKAGE
    for filename, lineno, message, comments, context in extract_from_dir(
        package, method_map=[("**.py", "python")], keywords=GETTEXT_KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        if not message:
            continue
        template.add(message, None, [(f"{PACKAGE}/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def _new_catalogue(lang: str) -> Catalog:
    return Catalog(locale=lang, project="PackStation", domain=DOMAIN, creation_date=CREATION_DATE, fuzzy=False)


def update_po(layout: Layout, lang: str, template: Catalog) -> None:
    """Merge ``template`` into ``lang``'s .po: new messages appear untranslated, vanished ones go."""
    path = layout.po(lang)
    if path.exists():
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=lang, domain=DOMAIN)
    else:
        catalogue = _new_catalogue(lang)
    catalogue.update(template, no_fuzzy_matching=True, update_creation_date=True)
    catalogue.obsolete.clear()
    catalogue.revision_date = CREATION_DATE
    catalogue.fuzzy = False
    for message in catalogue:
        if not message.id:
            continue
        if lang == SOURCE_LANGUAGE and not message.string:
            message.string = message.id
        message.locations = []  # line numbers churn on every edit; the msgid is the key
        if "fuzzy" in message.flags:
            message.flags.discard("fuzzy")
            message.string = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=100, sort_output=True, omit_header=False, include_lineno=False)


def compile_po(layout: Layout, lang: str) -> None:
    """Write the .mo beside the .po (untranslated messages are left out: gettext shows the source)."""
    with layout.po(lang).open("rb") as handle:
        catalogue = read_po(handle, locale=lang, domain=DOMAIN)
    with layout.mo(lang).open("wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=False)


def po_problems(layout: Layout, lang: str, template: Catalog) -> list[Problem]:
    """Messages of ``template`` missing from, untranslated in, or mistranslated in ``lang``'s .po."""
    name = layout.po(lang).relative_to(layout.root).as_posix()
    if not layout.po(lang).exists():
        return [Problem(name, "", "*", "catalogue missing")]
    with layout.po(lang).open("rb") as handle:
        catalogue = read_po(handle, locale=lang, domain=DOMAIN)
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id, context=wanted.context)
        if message is None or not message.string or message.fuzzy:
            problems.append(Problem(name, wanted.context or "", str(wanted.id), "no translation"))
        elif placeholders(str(message.id)) != placeholders(str(message.string)):
            problems.append(Problem(name, wanted.context or "", str(wanted.id), "placeholders differ"))
    return problems


# ---------------------------------------------------------------- Qt


def _tool(name: str) -> str:
    """A PySide6 tool from the same environment as this interpreter."""
    candidate = Path(sys.executable).with_name(name + (".exe" if sys.platform == "win32" else ""))
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 into the project environment (./dev test does)")
    return found


def ui_sources(source_root: Path = ROOT) -> list[str]:
    """The GUI's Python files, relative and sorted (lupdate's output follows its input order)."""
    return sorted(p.relative_to(source_root).as_posix() for p in (source_root / PACKAGE / "ui").rglob("*.py"))


def update_ts(layout: Layout, lang: str, *, source_root: Path = ROOT) -> None:
    """Run lupdate on the GUI sources into ``lang``'s .ts, then fill English with the source text."""
    path = layout.ts(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-silent",
            "-locations",
            "none",
            "-no-obsolete",
            "-source-language",
            "en_GB",
            "-target-language",
            {"tr": "tr_TR", "en": "en_GB"}[lang],
            *ui_sources(source_root),
            "-ts",
            str(path),
        ],
        cwd=source_root,
        check=True,
        capture_output=True,
    )
    if lang == SOURCE_LANGUAGE:
        tree = ET.parse(path)
        for message in tree.iter("message"):
            translation = message.find("translation")
            source = message.findtext("source") or ""
            if translation is not None and translation.get("type") == "unfinished":
                translation.text = source
                del translation.attrib["type"]
        _write_ts(tree, path)


def _write_ts(tree: ET.ElementTree, path: Path) -> None:
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def compile_ts(layout: Layout, lang: str) -> None:
    """Write the .qm beside the .ts."""
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(layout.ts(lang)), "-qm", str(layout.qm(lang))],
        check=True,
        capture_output=True,
    )


def ts_messages(path: Path) -> list[tuple[str, str, str | None]]:
    """(context, source, translation or None when unfinished/absent) for every live message of a .ts."""
    out: list[tuple[str, str, str | None]] = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            text = translation.text if translation is not None else None
            out.append((name, message.findtext("source") or "", None if kind == "unfinished" or not text else text))
    return out


def ts_problems(layout: Layout, lang: str) -> list[Problem]:
    """Messages of ``lang``'s .ts with no translation or with placeholders unlike the source's."""
    name = layout.ts(lang).relative_to(layout.root).as_posix()
    if not layout.ts(lang).exists():
        return [Problem(name, "", "*", "catalogue missing")]
    problems = []
    for context, source, translation in ts_messages(layout.ts(lang)):
        if translation is None:
            problems.append(Problem(name, context, source, "no translation"))
        elif placeholders(source) != placeholders(translation):
            problems.append(Problem(name, context, source, "placeholders differ"))
    return problems


# ---------------------------------------------------------------- the commands


def update(layout: Layout, *, source_root: Path = ROOT) -> list[Problem]:
    """Extract from ``source_root``, merge into ``layout``'s catalogues, compile; returns what is untranslated."""
    template = extract_gettext(source_root)
    problems: list[Problem] = []
    for lang in LANGUAGES:
        update_po(layout, lang, template)
        update_ts(layout, lang, source_root=source_root)
        problems += po_problems(layout, lang, template) + ts_problems(layout, lang)
    compile_all(layout)
    return problems


def compile_all(layout: Layout) -> None:
    """Compile every .po and .ts of ``layout``."""
    for lang in LANGUAGES:
        compile_po(layout, lang)
        compile_ts(layout, lang)


def catalogue_files(layout: Layout) -> list[Path]:
    """Every file this script writes, relative to the layout's root."""
    files = []
    for lang in LANGUAGES:
        files += [layout.po(lang), layout.mo(lang), layout.ts(lang), layout.qm(lang)]
    return [f.relative_to(layout.root) for f in files]


def stale_files(source_root: Path = ROOT) -> tuple[list[str], list[Problem]]:
    """Re-run the whole update on a scratch copy; the files that would change, and the untranslated messages."""
    here = Layout(source_root)
    with tempfile.TemporaryDirectory(prefix="packstation-i18n-") as scratch:
        copy = Layout(Path(scratch))
        for relative in catalogue_files(here):
            if (source_root / relative).exists():
                (copy.root / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source_root / relative, copy.root / relative)
        problems = update(copy, source_root=source_root)
        changed = [
            relative.as_posix()
            for relative in catalogue_files(here)
            if not (source_root / relative).exists()
            or not filecmp.cmp(source_root / relative, copy.root / relative, shallow=False)
        ]
    return changed, problems


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale or incomplete")
    mode.add_argument("--compile-only", action="store_true", help="only compile .po/.ts into .mo/.qm")
    args = parser.parse_args(argv)
    layout = Layout(ROOT)
    if args.compile_only:
        compile_all(layout)
        return 0
    if args.check:
        changed, problems = stale_files(ROOT)
        for name in changed:
            print(f"stale: {name} (run scripts/update_translations.py)")
        for problem in problems:
            print(problem)
        return 1 if changed or problems else 0
    problems = update(layout)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} message(s) need a translation" if problems else "all catalogues complete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
