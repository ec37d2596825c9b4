"""What a `semdesk search` process loads (issue 14: a whole search within 1.5x the CPU of the bare
torch-free query). Timings belong in the bench (scripts/benchmarks/latency.py); these tests pin the
causes instead, which cannot be flaky: the rooms, libraries and files a text query does not need
stay unloaded, and OpenVINO's usage reports (a forked sender trying the network) stay off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.core.embed.hf_tokenize import SentenceTokenizer, read_layout
from desktop.core.embed.text import default_text_model_path
from tests.conftest import index

ROOT = Path(__file__).resolve().parents[2]

# Imported by a search before, and by nothing a text query needs.
NOT_FOR_A_QUERY = (
    "desktop.core.tuning",  # the fine-tuning room (the facade read one constant from it)
    "desktop.core.indexing",
    "desktop.core.maps",
    "desktop.core.ocr",
    "desktop.core.duplicates",
    "desktop.core.watching",
    "desktop.core.server.catalog",  # psycopg: server libraries only
    "sqlalchemy",  # ~0.4 s of CPU: a folder library's reads run on sqlite3 (catalog/reads.py)
    "desktop.core.catalog.tables",  # the ORM models: writes only
    "huggingface_hub.file_download",  # ~0.15 s of imports to learn that no CLIP weights are cached
    "httpx2",
    "torch",
    "PIL",
    "pypdfium2",
    "umap",
    "numba",
)

PROBE = """
import json, sys
from desktop.cli.main import main
code = main(sys.argv[1:])
blocked = "openvino_telemetry" in sys.modules and sys.modules["openvino_telemetry"] is None
modules = sorted(m for m, v in sys.modules.items() if v is not None)
print(json.dumps({"code": code, "modules": modules, "telemetry_blocked": blocked}), file=sys.stderr)
"""


def _search_process(library: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE, "--library", str(library), *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stderr.strip().splitlines()[-1])
    report["stdout"] = done.stdout
    return report


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_a_search_process_loads_only_what_a_query_needs(tmp_path: Path) -> None:
    from desktop.core.library import Library

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "files.txt").write_text("To read a file line by line, open it and loop over the file object.\n")
    (docs / "cats.md").write_text("# Cats\n\nCats sleep most of the day and purr when content.\n")
    with Library.open(tmp_path / "lib") as library:
        index(library, docs)
    report = _search_process(tmp_path / "lib", "search", "how do I read a file line by line")
    assert report["code"] == 0
    assert "files.txt" in report["stdout"].split("cats.md")[0]  # it did search: the right note first
    modules = report["modules"]
    assert _loaded(modules, "openvino") and _loaded(modules, "desktop.core.retrieval")  # the probe sees imports
    assert [name for name in NOT_FOR_A_QUERY if _loaded(modules, name)] == []
    assert report["telemetry_blocked"], "openvino was imported before go_offline(): its usage reports are on"


WRITES_ONLY = ("sqlalchemy", "desktop.core.catalog.tables")  # loaded by a write, never by a search
GUI_SEARCH = """
import json, sys
from desktop.core.common.records import Filters
from desktop.core.library import Library
from desktop.gui.search.controller import SearchController
with Library.open(sys.argv[1]) as library:
    results = SearchController._search(library, sys.argv[2], Filters(), "all", like=sys.argv[3])
modules = sorted(m for m, v in sys.modules.items() if v is not None)
print(json.dumps({"documents": [h.path for h in results.documents], "marks": sorted(results.marks),
                  "modules": modules}), file=sys.stderr)
"""


def _marked_library(tmp_path: Path) -> tuple[Path, Path]:
    """A library of three notes, one marked relevant for "cats"; and a note outside it to search like."""
    from desktop.core.library import Library

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "files.txt").write_text("To read a file line by line, open it and loop over the file object.\n")
    (docs / "cats.md").write_text("# Cats\n\nCats sleep most of the day and purr when content.\n")
    (docs / "kittens.md").write_text("# Kittens\n\nKittens play, then sleep curled up and purr.\n")
    outside = tmp_path / "tabby.txt"
    outside.write_text("My tabby cat naps all afternoon in the sun and purrs.\n")
    with Library.open(tmp_path / "lib") as library:
        index(library, docs)
        library.mark("cats", docs / "cats.md", True)
    return docs, outside


def test_a_like_search_loads_no_sqlalchemy(tmp_path: Path) -> None:
    """ARCHITECTURE.md: a search never imports SQLAlchemy; `--like` too (an indexed example and an outside one)."""
    docs, outside = _marked_library(tmp_path)
    for example in (docs / "cats.md", outside):
        report = _search_process(tmp_path / "lib", "search", "purring", "--like", str(example))
        assert report["code"] == 0
        assert "kittens.md" in report["stdout"]  # it did search like the example
        assert [name for name in WRITES_ONLY if _loaded(report["modules"], name)] == []


def test_the_windows_search_and_its_marks_read_load_no_sqlalchemy(tmp_path: Path) -> None:
    """Every search in the window reads the query's marks (gui/search/controller.py): on sqlite3."""
    docs, outside = _marked_library(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", GUI_SEARCH, str(tmp_path / "lib"), "cats", str(outside)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["marks"] == [str(docs / "cats.md")]  # the mark was read
    assert any(path.endswith("kittens.md") for path in report["documents"])
    assert [name for name in WRITES_ONLY if _loaded(report["modules"], name)] == []


def test_a_query_reads_the_tokenizer_once_and_the_chunker_still_gets_its_own() -> None:
    tokenizer = SentenceTokenizer(read_layout(default_text_model_path()))
    batch = tokenizer.batch(["how do I read a file line by line"])
    assert batch["input_ids"].shape[0] == 1
    assert tokenizer._offsets is None  # the untruncated copy (a second tokenizer.json read) is not made
    offsets = tokenizer.offsets("read a file")
    assert [("read a file")[a:b] for a, b in offsets] == ["read", "a", "file"]
    assert tokenizer.special_tokens_count == 2  # [CLS] and [SEP]
    long = "word " * 600
    assert len(tokenizer.offsets(long)) == 600  # not truncated to the model's 256
