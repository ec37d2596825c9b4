"""Layering rules from DESIGN.md, checked on the source so they cannot rot."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "desktop"
HEAVY = {"torch", "sentence_transformers", "open_clip", "umap", "transformers", "openvino", "nncf"}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def top_level_imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt() -> None:
    offenders = [str(p) for p in (ROOT / "core").rglob("*.py") if imports_of(p) & {"PySide6", "shiboken6", "PyQt6"}]
    assert offenders == []


def test_gui_holds_no_sql_or_vector_maths() -> None:
    gui = ROOT / "gui"
    if not gui.exists():
        return
    offenders = [str(p) for p in gui.rglob("*.py") if imports_of(p) & {"sqlalchemy", "sqlite3", "hnswlib", "numpy"}]
    assert offenders == []


def test_heavy_libraries_are_imported_lazily() -> None:
    """Importing torch & co at module level would put seconds between a double-click and the window."""
    offenders = [str(p) for p in ROOT.rglob("*.py") if top_level_imports_of(p) & HEAVY]
    assert offenders == []
