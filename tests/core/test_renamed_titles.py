"""Issue 24: a renamed file is titled by its new name when its title was its name; a title of its
own (a heading, a <title>) stays. The rename still re-embeds nothing."""

from __future__ import annotations

from pathlib import Path

from desktop.core.library import Library
from tests.conftest import both_kinds, index
from tests.corpus import write_documents


def titles(library: Library, query: str) -> dict[str, str | None]:
    return {Path(h.path).name: h.title for h in library.search_documents(query)}


@both_kinds
def test_a_renamed_file_takes_its_new_name_as_title(library: Library, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bicycle.txt", "bread.md"])
    index(library, docs)
    assert titles(library, "bicycle chain")["bicycle.txt"] == "bicycle.txt"  # no title inside: its name

    (docs / "bicycle.txt").rename(docs / "cycling-notes.txt")
    (docs / "bread.md").rename(docs / "loaf.md")
    moved = index(library, docs)
    assert (moved.moved, moved.indexed) == (2, 0)
    assert titles(library, "bicycle chain")["cycling-notes.txt"] == "cycling-notes.txt"
    assert titles(library, "sourdough bread")["loaf.md"] == "Baking sourdough bread"  # its own heading stays
    # The old name no longer finds the file by its title words.
    assert "cycling-notes.txt" not in {Path(h.path).name for h in library.search_documents('"bicycle.txt"')}
