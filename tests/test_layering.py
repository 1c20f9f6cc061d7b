"""Only packstation/ui may import PySide6 (the library layers stay headless and testable)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "packstation"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_pyside6_is_imported_only_under_ui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and any(name == "PySide6" or name.startswith("PySide6.") for name in _imports(path))
    ]
    assert offenders == []


def test_the_checker_sees_an_offender(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(sample)
