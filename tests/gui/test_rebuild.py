"""A damaged catalog at start-up: the user is asked, the library is rebuilt in the window, marks come back."""

from __future__ import annotations

from pathlib import Path

from desktop.app import open_first_library
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.corpus import write_documents
from tests.damage import garbage_header
from tests.gui.conftest import wait_idle


def test_damaged_catalog_is_offered_a_rebuild(qtbot, make_window, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_documents(docs)
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as lib:
        run_job(lib.index([docs]))
        lib.mark("fix my bike", docs / "bicycle.txt", True)
    garbage_header(lib_path / "catalog.sqlite")

    shown: list[str] = []
    declined, rebuilt = open_first_library([str(lib_path)], shown.append, lambda problem: False)
    assert declined is None and not rebuilt
    assert len(shown) == 1 and "damaged" in shown[0]

    asked: list[str] = []
    library, rebuilt = open_first_library([str(lib_path)], shown.append, lambda problem: asked.append(problem) or True)
    assert rebuilt and isinstance(library, Library) and "damaged" in asked[0]
    assert list(lib_path.glob("catalog.damaged-*.sqlite")), "the damaged file is kept aside"
    window = make_window(library)
    window.indexer.rebuild()
    wait_idle(qtbot, window)
    marks = window.library.marks()
    restored = [(m.query, Path(m.path).name, m.file_id is not None) for m in marks]
    assert restored == [("fix my bike", "bicycle.txt", True)]
    assert Path(window.library.search_documents("bicycle chain")[0].path).name == "bicycle.txt"
