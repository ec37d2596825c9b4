"""Changes heard from the file system, held until they settle, then handed out as one batch.

An editor's save is a little dance (write a temporary file, rename it over the old one,
perhaps keep a backup) and a copy of 5,000 photos is 15,000 events: both must become one
batch. So a batch is ready once nothing was heard for `settle` seconds, or once the oldest
change has waited `max_hold` seconds (a copy that never pauses still shows up in batches).
Only paths are kept, never what happened to them: the indexer looks at each path as it is
when the batch is applied, so the order and kind of the events do not matter, except for
renames, kept as (from, to) pairs so that the row can follow the file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.core.common.records import ChangeSet  # a plain record: it crosses the facade to the window


@dataclass
class _Pending:
    touched: set[str] = field(default_factory=set)
    moves: list[tuple[str, str]] = field(default_factory=list)
    first: float | None = None
    last: float = 0.0


class ChangeBuffer:
    """Thread-safe: the observer's threads add, the indexing side takes."""

    def __init__(self, settle: float = 0.5, max_hold: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.settle = settle
        self.max_hold = max_hold
        self._clock = clock
        self._pending = _Pending()
        self._ready = threading.Condition()

    def touch(self, path: str) -> None:
        with self._ready:
            self._pending.touched.add(path)
            self._heard()

    def move(self, src: str, dest: str) -> None:
        with self._ready:
            moves = self._pending.moves
            # a -> b then b -> c is a -> c: the row at a must end at c (and a rename back is no move)
            for i, (first, then) in enumerate(moves):
                if then == src:
                    moves[i] = (first, dest)
                    break
            else:
                moves.append((src, dest))
            self._heard()

    def _heard(self) -> None:
        now = self._clock()
        if self._pending.first is None:
            self._pending.first = now
        self._pending.last = now
        self._ready.notify_all()

    def pending(self) -> int:
        """How many distinct paths wait to be looked at."""
        with self._ready:
            p = self._pending
            return len(p.touched | {dest for _, dest in p.moves})

    def _wait_left(self) -> float | None:
        """Seconds until the pending changes are ready (0: now); None when there are none."""
        p = self._pending
        if p.first is None:
            return None
        now = self._clock()
        return max(0.0, min(p.last + self.settle, p.first + self.max_hold) - now)

    def take(self, timeout: float) -> ChangeSet | None:
        """The settled changes, waiting at most `timeout` seconds for them; None if none are ready."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while True:
                left = self._wait_left()
                if left == 0.0:
                    p, self._pending = self._pending, _Pending()
                    return ChangeSet(frozenset(p.touched), tuple(p.moves))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._ready.wait(remaining if left is None else min(left, remaining))

    def put_back(self, changes: ChangeSet) -> None:
        """A batch that could not be applied (the library was busy) waits again, ready at once."""
        with self._ready:
            self._pending.touched |= changes.touched
            self._pending.moves[:0] = list(changes.moves)
            self._pending.first = self._clock() - self.max_hold
            self._ready.notify_all()
