"""Shared helpers for the translation tests: the catalogue tool, loaded from scripts/."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from packstation import i18n

ROOT = Path(__file__).resolve().parents[2]


def load_catalogue_tool() -> ModuleType:
    """``scripts/update_translations.py`` as a module (scripts/ is not a package)."""
    name = "update_translations"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tool() -> ModuleType:
    return load_catalogue_tool()


@pytest.fixture
def service_language() -> Iterator[None]:
    """Leave the process-wide service language as the other tests expect it: untranslated."""
    yield
    i18n.set_language(None)
