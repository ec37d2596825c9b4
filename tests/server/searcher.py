"""A second desktop that only searches: `python -m tests.server.searcher URL STOP_FILE` searches until
STOP_FILE exists, then prints how many searches it made and the slowest one, as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from desktop.core.library import Library

QUERIES = ["minutes of the meeting about the budget", "bake bread", "bicycle chain", "travel plans"]


def main(url: str, stop: str) -> int:
    searches, slowest, answered = 0, 0.0, 0
    with Library.open(url) as lib:
        while not Path(stop).exists():
            started = time.monotonic()
            hits = lib.search_documents(QUERIES[searches % len(QUERIES)], top=10)
            slowest = max(slowest, time.monotonic() - started)
            searches += 1
            answered += bool(hits)
            time.sleep(0.05)
    print(json.dumps({"searches": searches, "answered": answered, "slowest": slowest}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
