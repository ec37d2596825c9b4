"""What the commands print besides their answers: JSON, and a progress line on stderr."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from desktop.core.common.jobs import Progress


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=True))


class ProgressLine:
    """One self-overwriting line on a terminal; plain lines every few seconds otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if self.tty:
            sys.stderr.write("\r\x1b[K" + progress.describe()[:160])
            sys.stderr.flush()
        elif now - self.last > 5:
            print(progress.describe(), file=sys.stderr)
            self.last = now

    def finish(self) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[K")
