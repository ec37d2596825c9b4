"""The real app (`desktop.app.main`, as `python -m desktop.app` runs it) with a read-only probe, for
the window-manager tests (test_window_manager_fit.py, test_window_manager_drag.py).

The probe only watches: every 200 ms it prints the main window's state as one JSON line on stdout
(its X window id, whether a drag is over it (the drop overlay shows), the tab, whether the map is
laid out, the results, the preview, the summary line), so a test outside the process knows when a
state the issue names has been reached. Everything the test does to the window comes from outside:
keys through xdotool, a file through a second launch, a drag from another X client. Nothing in desktop/ knows about it.

    python -m tests.gui.wm_probe --library LIB
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QTimer

from desktop import app
from desktop.gui.shell.main_window import MainWindow

PERIOD_MS = 200
_init = MainWindow.__init__


def _state(window: Any) -> dict[str, Any]:
    built = window.library is not None and hasattr(window, "map_tab")
    state: dict[str, Any] = {"wid": int(window.winId()), "built": built, "width": window.width(),
                             "min_hint": window.minimumSizeHint().width(),
                             "drag_over": window.drop_zone.overlay.isVisible()}
    if built:
        current = window.results.current
        state.update(
            tab=window.tabs.currentIndex(), map_tab=window.tabs.indexOf(window.map_tab),
            map_ready=window.map_tab.current is not None and window.map_tab.running is None,
            query=current.query, similar=current.similar, documents=len(current.documents),
            summary=window.results.summary.full_text(),
            preview=window.preview.hit.path if window.preview.hit is not None else None,
            focus=type(window.focusWidget()).__name__ if window.focusWidget() else None,
        )
    return state


def _watched_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _init(self, *args, **kwargs)
    timer = QTimer(self)
    timer.timeout.connect(lambda: print(json.dumps(_state(self)), flush=True))
    timer.start(PERIOD_MS)


MainWindow.__init__ = _watched_init  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(app.main(sys.argv[1:]))
