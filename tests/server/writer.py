"""A desktop that indexes, and says when: `python -m tests.server.writer LOG BARRIER N -- [semdesk arguments]`
runs the semdesk CLI in this process and appends to LOG one JSON line per event: "start" when its
indexing begins (after planning), "batch" with the file ids each time a batch commits, "end" when it is
done. Before starting it waits (at most WAIT seconds) until N writers have reached that point (a file
each in the folder BARRIER), so the writers of a test start their batches together: whether they then
run at the same time is the library's doing, not the start-up's."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

WAIT = 30.0


def main(argv: list[str]) -> int:
    log, barrier, n, separator, *rest = argv
    assert separator == "--"
    from desktop.cli import main as cli_main
    from desktop.core.indexing import job as pipeline

    def note(event: str, **data: Any) -> None:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"event": event, "t": time.time(), **data}) + "\n")

    real_store, real_process = pipeline.store_batch, pipeline.process_selected

    def store_batch(ws: Any, writes: list[Any], **kwargs: Any) -> None:
        real_store(ws, writes, **kwargs)  # returns once the batch's transaction has committed
        if writes:
            note("batch", files=[w.prepared.file_id for w in writes])

    def process_selected(*args: Any, **kwargs: Any) -> Any:
        Path(barrier, str(os.getpid())).touch()
        deadline = time.monotonic() + WAIT
        while len(os.listdir(barrier)) < int(n) and time.monotonic() < deadline:
            time.sleep(0.05)
        note("start")
        counts = yield from real_process(*args, **kwargs)
        note("end")
        return counts

    pipeline.store_batch, pipeline.process_selected = store_batch, process_selected
    return cli_main(rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
