"""Layering rules from DESIGN.md, checked on the source so they cannot rot."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

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


def _import_cycles() -> list[list[str]]:
    """Strongly connected groups of desktop's modules, counting every import: top-level, inside
    functions and under TYPE_CHECKING (each is a dependency a reader has to follow)."""
    import grimp

    graph = grimp.build_graph("desktop", exclude_type_checking_imports=False)
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm, on a graph of a few hundred modules
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycles() -> None:
    assert _import_cycles() == []


def test_the_cycle_check_sees_function_level_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself must find a cycle hidden in a function, or it proves nothing."""
    package = tmp_path / "desktop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from desktop import b\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from desktop import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "desktop" or m.startswith("desktop.")]:
        monkeypatch.delitem(sys.modules, name)
    assert _import_cycles() == [["desktop.a", "desktop.b"]]


def test_import_contracts_hold() -> None:
    """The layers in pyproject.toml's [tool.importlinter] (ARCHITECTURE.md), checked by import-linter."""
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        cwd=ROOT.parent, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]


MAX_FUNCTION_LINES = 60  # issue 25: past this a function does several things a reader must hold at once


def function_lengths(path: Path, root: Path = ROOT) -> dict[str, int]:
    """"file::Class.function" -> lines from its `def` to its last line, for every function in one file
    (nested ones too, named after what encloses them)."""
    lengths: dict[str, int] = {}
    prefix = path.relative_to(root).as_posix()

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = getattr(child, "name", "")
            inner = f"{scope}.{name}" if scope else name
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                lengths[f"{prefix}::{inner}"] = (child.end_lineno or child.lineno) - child.lineno + 1
            visit(child, inner if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) else scope)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return lengths


def test_no_function_is_longer_than_60_lines() -> None:
    lengths = {k: v for p in sorted(ROOT.rglob("*.py")) for k, v in function_lengths(p).items()}
    long = {name: n for name, n in lengths.items() if n > MAX_FUNCTION_LINES}
    assert long == {}, f"functions over {MAX_FUNCTION_LINES} lines: split them into named steps {long}"


def test_the_length_check_sees_methods_and_nested_functions(tmp_path: Path) -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(61))
    source = tmp_path / "m.py"
    source.write_text(f"class A:\n    def f(self):\n        def g():\n            pass\n{body}\n", encoding="utf-8")
    assert function_lengths(source, tmp_path) == {"m.py::A.f": 64, "m.py::A.f.g": 2}
