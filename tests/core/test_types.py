"""The facade is typed for its callers (issue 25): mypy strict passes on the facade, the GUI and the CLI
(the configuration is pyproject's [tool.mypy]); the facade's public surface says no `Any`; the panes and
the commands hold the library by its capability Protocols, never as `Any`."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FACADE = REPO / "desktop" / "core" / "library"
# What the window and the command line reach: the Protocols, the Library class and its request mixins,
# and the functions the package exports.
SURFACE = ("protocols.py", "__init__.py", "server_requests.py", "tuning_requests.py", "people_requests.py")
FACADE_CLASSES = {"Library", "ServerRequests", "TuningRequests", "PeopleRequests"}
# Where the concrete Library may be named: the composition roots that open one.
COMPOSITION_ROOTS = ("desktop/app.py", "desktop/gui/shell/", "desktop/cli/main.py", "desktop/cli/library_cmd.py")
LIBRARY_NAMES = {"library", "lib", "library_now"}


def test_mypy_strict_reports_no_error() -> None:
    """CI's type check: `mypy` with pyproject's configuration (strict on desktop/core/library, desktop/gui,
    desktop/cli and desktop/app.py). Any error fails the run, with mypy's own report."""
    run = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context"], cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert run.returncode == 0 and not errors, "\n".join(errors) or run.stdout + run.stderr


def _mentions_any(node: ast.AST | None) -> bool:
    if node is None:
        return False
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and part.id == "Any":
            return True
        if isinstance(part, ast.Attribute) and part.attr == "Any":
            return True
        if isinstance(part, ast.Constant) and isinstance(part.value, str) and re.search(r"\bAny\b", part.value):
            return True  # a quoted annotation
    return False


def _annotations(function: ast.FunctionDef) -> list[ast.AST | None]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
             *(a for a in (arguments.vararg, arguments.kwarg) if a is not None)]
    return [a.annotation for a in every] + [function.returns]


def _public_surface(path: Path) -> list[tuple[str, ast.AST | None]]:
    """(where, annotation) for every annotation a caller of the facade sees in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, ast.AST | None]] = []
    protocols = path.name == "protocols.py"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            found += [(f"{path.name}:{node.name}", a) for a in _annotations(node)]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and protocols:  # the type aliases
            found.append((f"{path.name}:{ast.unparse(node)[:40]}", node.value))
        elif isinstance(node, ast.ClassDef) and (protocols or node.name in FACADE_CLASSES):
            for member in ast.walk(node):
                if isinstance(member, ast.FunctionDef) and (not member.name.startswith("_")
                                                            or member.name in ("__enter__", "__exit__", "__len__")):
                    found += [(f"{path.name}:{node.name}.{member.name}", a) for a in _annotations(member)]
                elif isinstance(member, ast.AnnAssign):
                    found.append((f"{path.name}:{node.name}.{ast.unparse(member.target)}", member.annotation))
    return found


def test_the_facades_public_surface_has_no_any() -> None:
    surface = [entry for name in SURFACE for entry in _public_surface(FACADE / name)]
    assert len(surface) > 200  # the walk sees the surface (every Protocol and request)
    assert [where for where, annotation in surface if _mentions_any(annotation)] == []


def test_the_check_sees_an_any() -> None:
    """The walk above is not blind: `Any` in a return, a parameter or a nested type is found."""
    source = "def f(a: int, *, b: dict[str, Any]) -> int: ...\ndef g() -> Job[typing.Any]: ...\n"
    functions = [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    assert [any(_mentions_any(a) for a in _annotations(f)) for f in functions] == [True, True]


def _library_annotations(path: Path) -> list[str]:
    """Each parameter or attribute named like a library (library, lib) whose annotation says Any."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.arg) and node.arg in LIBRARY_NAMES and _mentions_any(node.annotation):
            found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.arg}")
        elif isinstance(node, ast.AnnAssign) and _mentions_any(node.annotation):
            target = ast.unparse(node.target).removeprefix("self.")
            if target in LIBRARY_NAMES:
                found.append(f"{path.relative_to(REPO)}:{node.lineno} {target}")
    return found


def test_the_gui_and_cli_never_hold_the_library_as_any() -> None:
    desktop = REPO / "desktop"
    files = [*(desktop / "gui").rglob("*.py"), *(desktop / "cli").rglob("*.py"), desktop / "app.py"]
    assert [hit for path in files for hit in _library_annotations(path)] == []


def test_only_the_composition_roots_name_the_library_class() -> None:
    """Panes and commands know the library by its capabilities (`desktop.core.library.protocols`);
    only what opens a library names `Library`."""
    offenders = []
    for path in [*(REPO / "desktop" / "gui").rglob("*.py"), *(REPO / "desktop" / "cli").rglob("*.py")]:
        where = str(path.relative_to(REPO))
        if where.startswith(COMPOSITION_ROOTS):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "desktop.core.library" and \
                    any(alias.name == "Library" for alias in node.names):
                offenders.append(f"{where}:{node.lineno}")
    assert offenders == []


def test_a_candidate_from_elsewhere_is_refused_in_plain_words() -> None:
    """keep/discard/report take a candidate the window hands back; what `tune` did not make is refused
    before the tuning room half-uses it."""
    from desktop.core.library import tuning_outcome, tuning_report

    class Lookalike:
        target, undecided, improved, comparisons = "text", True, True, ()

        def to_json(self) -> dict[str, object]:
            return {}

    for request in (tuning_outcome, tuning_report):
        with pytest.raises(TypeError, match="not a trained candidate"):
            request(Lookalike())
