"""The claims of ARCHITECTURE.md about seams, checked on the source: storage behind ports (no
capability imports the server package or asks which database it runs on), one place that makes
thread pools."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "desktop"
CAPABILITIES = ("indexing", "retrieval", "marks", "maps", "tuning", "recovery", "duplicates", "watching", "people")


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
