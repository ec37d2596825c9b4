"""`semdesk watch`: keep the library up to date with its folders until Ctrl-C, no display needed.

It first catches up with what changed while nothing watched, then prints one line per batch
of changes it indexes. When another process is writing to the library it waits and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from typing import TYPE_CHECKING

from desktop.cli.output import ProgressLine
from desktop.core.common.jobs import CancelToken
from desktop.core.common.records import WatchReport

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi

SHOWN_PATHS = 10


def cmd_watch(library: LibraryApi, args: argparse.Namespace) -> int:
    stop = CancelToken()
    show = ProgressLine()
    busy = False

    def report(event: WatchReport) -> None:
        nonlocal busy
        show.finish()
        if args.json:
            print(json.dumps({"event": event.kind, "paths": list(event.paths), "message": event.message,
                              "summary": None if event.summary is None else
                              {k: v for k, v in event.summary.__dict__.items() if k != "problems"}},
                             ensure_ascii=True))  # one JSON object a line, as the events come
        elif event.kind == "busy":
            if not busy:
                print(f"Waiting: {event.message}")
        else:
            print(_line(event))
        busy = event.kind == "busy"
        sys.stdout.flush()

    if not library.folders():
        print("semdesk: the library has no folders to watch; add one with `semdesk index FOLDER`.", file=sys.stderr)
        return 1
    if not args.json:
        print("Catching up with changes made while nothing watched...", flush=True)
    # `kill` (or a service manager) stops it as cleanly as Ctrl-C: the batch in hand ends, caches are saved.
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.cancel())
    try:
        library.watch(stop, report, progress=None if args.json else show)
    except KeyboardInterrupt:
        stop.cancel()
    finally:
        signal.signal(signal.SIGTERM, previous)
    show.finish()
    if not args.json:
        print("Stopped watching.")
    return 0


def _line(event: WatchReport) -> str:
    s = event.summary
    if event.kind == "caught up" and s is not None:
        return (f"Caught up: {s.indexed} indexed, {s.unchanged} unchanged, {s.removed} removed, "
                f"{s.moved} moved ({s.seconds:.1f} s).")
    if event.kind == "watching":
        lines = [f"Watching {len(event.paths)} folder{'s' if len(event.paths) != 1 else ''} (Ctrl-C to stop)."]
        lines += [f"  {line}" for line in event.message.splitlines()]
        return "\n".join(lines)
    if event.kind == "indexed" and s is not None:
        names = ", ".join(os.path.basename(p) or p for p in event.paths[:SHOWN_PATHS])
        more = f" and {len(event.paths) - SHOWN_PATHS} more" if len(event.paths) > SHOWN_PATHS else ""
        return (f"{time.strftime('%H:%M:%S')}  {s.indexed} indexed, {s.removed} removed, {s.moved} moved, "
                f"{s.skipped} skipped: {names}{more}")
    return f"{time.strftime('%H:%M:%S')}  {event.message}"
