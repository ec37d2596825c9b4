"""Run the semdesk CLI in this process, but SIGKILL it at a chosen point: a crash, deterministically.

    python -m tests.reliability.crash_runner POINT N -- [semdesk arguments]

The hooks live here, not in the core: each wraps one core function so the process kills
itself with SIGKILL (no cleanup, no finally blocks, no atexit) the Nth time execution
reaches that point. POINTS lists them.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _on_nth_call(owner: Any, name: str, n: int, *, before: bool) -> None:
    """Replace owner.name with a wrapper that dies before (or after) its nth call."""
    original: Callable[..., Any] = getattr(owner, name)
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if before and calls == n:
            _die()
        result = original(*args, **kwargs)
        if not before and calls == n:
            _die()
        return result

    setattr(owner, name, wrapper)


def install(point: str, n: int) -> None:
    from desktop.core.common import atomic
    from desktop.core.indexing import commit as store
    from desktop.core.indexing import job as pipeline
    from desktop.core.vectors import hnsw_index as vector_store
    from desktop.core.vectors import hnswfile
    from desktop.core.workspace import Workspace

    if point == "after-batch-commit":  # catalog committed, HNSW cache not yet saved
        _on_nth_call(pipeline, "store_batch", n, before=False)
    elif point == "inside-batch-transaction":  # chunks flushed, transaction not committed
        _on_nth_call(store, "_add_chunks", n, before=False)
    elif point == "hnsw-temp-written":  # the new index is in a temp file, not yet renamed
        real = hnswfile.write_atomically

        def die_after_write(target: Any, write: Callable[[str], None]) -> str:
            return real(target, lambda path: (write(path), _die()))  # type: ignore[func-returns-value]

        vector_store.write_atomically = die_after_write
    elif point == "hnsw-renamed-not-stamped":  # new file in place, its stamp still the old one
        _on_nth_call(vector_store, "write_atomically", n, before=False)
    elif point == "marks-export-before-rename":  # marks.jsonl temp written, not yet renamed
        _on_nth_call(atomic.os, "replace", n, before=True)
    elif point == "marks-after-commit":  # the mark is committed, marks.jsonl not yet rewritten
        _on_nth_call(Workspace, "export_marks", n, before=True)
    elif point == "model-installed-not-recorded":  # version row written and tuned folder renamed, not yet activated
        import os

        _on_nth_call(os, "replace", n, before=False)
    elif point == "model-reembedding":  # the kept model's vectors half written, not yet active
        import importlib

        from desktop.core.common.jobs import RateMeter

        # Several batches even for a small library.
        importlib.import_module("desktop.core.tuning.versions").EMBED_BATCH = 4
        _on_nth_call(RateMeter, "progress", n, before=False)
    elif point == "model-active-index-unsaved":  # the switch committed, the HNSW cache not yet rebuilt
        from desktop.core.workspace.encoders import Encoders

        _on_nth_call(Encoders, "reset", n, before=True)
    else:
        raise SystemExit(f"unknown crash point {point!r}")


def main(argv: list[str]) -> int:
    point, n, separator, *rest = argv
    assert separator == "--"
    install(point, int(n))
    if rest[:1] == ["mark-chunk"]:  # a mark without the text model: LIB QUERY PATH CHUNK_ID
        from desktop.core.library import Library

        library, query, path, chunk_id = rest[1:]
        with Library.open(library) as lib:
            lib.mark(query, path, True, chunk_id=int(chunk_id))
        return 0
    if rest[:1] == ["keep-model"]:  # install a tuned model folder and switch to it: LIB FOLDER
        return keep_model(*rest[1:])
    from desktop.cli import main as cli_main

    return cli_main(rest)


def keep_model(library: str, folder: str) -> int:
    """What the wizard's Keep does: tuning.keep_job minus the Candidate (no training needed here)."""
    from pathlib import Path

    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from desktop.core.tuning.versions import activate_job, install

    with Library.open(library) as lib:
        version = install(lib.workspace, "text", Path(folder), name=lib.get_setting("text_model"),
                          base_model=lib.get_setting("text_model"), dim=384, data_size=1, metrics={})
        run_job(activate_job(lib.workspace, version))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
