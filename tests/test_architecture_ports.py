"""The claims of ARCHITECTURE.md about seams, checked on the source: storage behind ports (no
capability imports the server package or asks which database it runs on), one place that makes
thread pools."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "desktop"
CAPABILITIES = ("indexing", "retrieval", "marks", "maps", "tuning", "recovery", "duplicates", "watching", "people",
                "transfer")
DIALECTS = {"postgresql", "sqlite"}


def calls_named(path: Path, name: str) -> list[int]:
    """Lines where `name(...)` or `x.name(...)` is called."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called == name:
                lines.append(node.lineno)
    return lines


def test_thread_pools_are_made_in_workers_only() -> None:
    """gui/common/workers.py is the one place a QThreadPool is constructed (a window's own pool
    for its long jobs comes from Workers.own_pool)."""
    made = {str(p.relative_to(ROOT)): calls_named(p, "QThreadPool") for p in ROOT.rglob("*.py")}
    assert {path for path, lines in made.items() if lines} == {"gui/common/workers.py"}


def test_the_pool_check_sees_a_construction(tmp_path: Path) -> None:
    source = tmp_path / "pane.py"
    source.write_text("from PySide6 import QtCore\nclass P:\n    def __init__(self):\n"
                      "        self.pool = QtCore.QThreadPool(self)\n", encoding="utf-8")
    assert calls_named(source, "QThreadPool") == [4]


def storage_questions(path: Path) -> list[str]:
    """Where a module imports the server room (at any level, inside functions too) or asks which
    database it runs on (`.dialect`, or a dialect's name as a value to compare with)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            names = []
        found += [f"{node.lineno}: imports {n}" for n in names if n.startswith("desktop.core.server")]
        if isinstance(node, ast.Attribute) and node.attr == "dialect":
            found.append(f"{node.lineno}: reads .dialect")
        if isinstance(node, ast.Constant) and node.value in DIALECTS:
            found.append(f"{node.lineno}: names {node.value!r}")
    return found


def test_capabilities_never_ask_which_storage_they_run_on() -> None:
    """ARCHITECTURE.md: a new kind of storage changes no capability. The workspace picks the ports'
    implementations when a library is opened (workspace/workspace.py, workspace/server.py)."""
    offenders = {
        str(path.relative_to(ROOT)): questions
        for room in CAPABILITIES
        for path in (ROOT / "core" / room).rglob("*.py")
        if (questions := storage_questions(path))
    }
    assert offenders == {}


def test_the_storage_check_sees_a_dialect_test_and_a_late_import(tmp_path: Path) -> None:
    source = tmp_path / "capability.py"
    source.write_text("def f(reader):\n    if reader.dialect != 'postgresql':\n        return None\n"
                      "    from desktop.core.server import keywords\n    return keywords\n", encoding="utf-8")
    assert set(storage_questions(source)) == {
        "2: reads .dialect", "2: names 'postgresql'", "4: imports desktop.core.server",
        "4: imports desktop.core.server.keywords"}
