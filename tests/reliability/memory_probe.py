"""Index one big text file in a fresh process and report its peak memory, as JSON on stdout.

    python -m tests.reliability.memory_probe LIBRARY FILE MAX_TEXT_MB [--whole]

The text model is replaced by a tiny fake (fixed 16-character tokens, 8-d vectors) so only
reading, extraction, chunking and storing are measured, in seconds rather than hours.
`--whole` chunks the text in one piece, as semdesk did before chunk_spans_in_pieces.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np


class FakeEncoder:
    dim = 8
    max_tokens = 256
    special_tokens_count = 2

    def load(self) -> None:
        pass

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [(i, min(i + 16, len(text))) for i in range(0, len(text), 16)]

    def count_tokens(self, text: str) -> int:
        return len(self.token_offsets(text))

    def encode(self, texts: list[str], *, batch_size: int = 32, queries: bool = False) -> np.ndarray:
        vectors = np.ones((len(texts), self.dim), dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def peak_mb() -> float:
    """Peak RSS of this process. VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec, so a
    child of a big pytest process would report its parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    library, file, max_mb, *flags = argv
    from desktop.core.common.jobs import run_job
    from desktop.core.ingest import prepared as prepare
    from desktop.core.ingest.chunk import chunk_spans
    from desktop.core.library import Library
    from desktop.core.workspace.encoders import Encoders

    fake = FakeEncoder()
    Encoders.text = lambda self: fake  # type: ignore[method-assign]
    Encoders.query = lambda self: fake  # type: ignore[method-assign]
    if "--whole" in flags:
        prepare.chunk_spans_in_pieces = chunk_spans  # type: ignore[assignment]
    with Library.open(library) as lib:
        lib.set_setting("max_text_mb", int(max_mb))
        baseline = peak_mb()
        started = time.monotonic()
        summary = run_job(lib.index([Path(file)]))
        seconds = time.monotonic() - started
        status = lib.status()
    print(json.dumps({
        "baseline_mb": round(baseline), "peak_mb": round(peak_mb()), "seconds": round(seconds, 1),
        "indexed": summary.indexed, "skipped": [s.reason for s in summary.problems], "chunks": status.chunks,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
