"""Issue 13, item 1, under a real window manager: the window fits a 1366 x 768 screen at every moment.

The issue saw the minimum width in WM_NORMAL_HINTS reach 1713 px after the map, a drop on the search
box and a preview, so the window refused to shrink. The in-process test (test_first_hour.py) checks
the widgets' size hints offscreen; this one reads what the window manager is told. A real X server
(Xvfb, one 1366 x 768 screen) and window manager (openbox) run the real app as a process
(tests/gui/wm_probe.py: `desktop.app.main` plus a probe that only reports the window's state), and
the test drives it from outside as a user would:

- the app starts on the map tab (as it reopens where it was left) and lays out the map;
- keys through xdotool: Ctrl+1, Ctrl+L, a query, Enter, Down (a result and its preview);
- a file handed to the running window by a second launch, the path a drop on the search box takes
  (MainWindow.find_similar_to_file): "Similar to <a long file name>", then Down again (its preview).

All the while `xprop WM_NORMAL_HINTS` is sampled; the program's minimum width must never pass 1366 and
the window, with its frame, must stay on the screen (on the first start it opened 1280 x 800, taller
than the screen).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.core.library import Library
from tests.conftest import index
from tests.gui.corpus import write_documents
from tests.system_packages import need_qt_xcb, need_tools

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1366, 768)
LONG_NAME = "Quarterly report of the regional water board on the maintenance of the northern canals, final v3.txt"
MIN_SIZE = re.compile(r"program specified minimum size: (\d+) by (\d+)")


class Display:
    """A private Xvfb with openbox on it; every process it starts is ended in `close`, by its id."""

    def __init__(self, home: Path) -> None:
        self.processes: list[subprocess.Popen[Any]] = []
        server = self.start(["Xvfb", "-displayfd", "1", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                             "-nolisten", "tcp"], stdout=subprocess.PIPE)
        number = server.stdout.readline().strip() if server.stdout else b""
        if not number:
            raise AssertionError("Xvfb did not start")
        self.env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        self.env.update(DISPLAY=f":{number.decode()}", HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                        XDG_DATA_HOME=str(home / "data"), XDG_RUNTIME_DIR=str(home / "run"),
                        PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", QT_QPA_PLATFORM="xcb")
        (home / "run").mkdir(mode=0o700, exist_ok=True)
        self.start(["openbox", "--sm-disable"], env=self.env)
        wait_for(lambda: "window id" in self.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK"), 20, "openbox")

    def start(self, argv: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        process = subprocess.Popen(argv, stderr=subprocess.DEVNULL, start_new_session=True, **kwargs)
        self.processes.append(process)
        return process

    def run(self, *argv: str) -> str:
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=20).stdout

    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Watch:
    """The app's probe lines (its latest state) and WM_NORMAL_HINTS / geometry samples, on threads."""

    def __init__(self, display: Display, app: subprocess.Popen[str]) -> None:
        self.display, self.app = display, app
        self.state: dict[str, Any] = {}
        self.samples: list[tuple[str, int, tuple[int, int, int, int]]] = []  # (moment, minimum width, frame)
        self.moment = "starting"
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self._read, self._sample)]
        for thread in self.threads:
            thread.start()

    def _read(self) -> None:
        assert self.app.stdout is not None
        for line in self.app.stdout:
            if line.startswith("{"):
                self.state = json.loads(line)

    def _sample(self) -> None:
        while not self.stop.is_set():
            wid = self.state.get("wid")
            if wid:
                hints = self.display.run("xprop", "-id", str(wid), "WM_NORMAL_HINTS", "_NET_FRAME_EXTENTS")
                info = self.display.run("xwininfo", "-id", str(wid))
                found = MIN_SIZE.search(hints)
                frame = re.search(r"_NET_FRAME_EXTENTS\(CARDINAL\) = (\d+), (\d+), (\d+), (\d+)", hints)
                place = re.search(r"Absolute upper-left X:\s+(-?\d+)\s+Absolute upper-left Y:\s+(-?\d+).*"
                                  r"Width: (\d+)\s+Height: (\d+)", info, re.DOTALL)
                if found and frame and place:
                    left, right, top, bottom = (int(v) for v in frame.groups())
                    x, y, width, height = (int(v) for v in place.groups())
                    # The window with its frame (title bar, borders): left, top, right, bottom edges.
                    edges = (x - left, y - top, x + width + right, y + height + bottom)
                    self.samples.append((self.moment, int(found[1]), edges))
            self.stop.wait(0.25)

    def until(self, what: str, condition: Callable[[dict[str, Any]], Any], timeout: float = 120) -> None:
        def check() -> Any:
            if self.app.poll() is not None:
                raise AssertionError(f"the app ended (exit {self.app.returncode}) while waiting for {what}")
            return self.state.get("built") and condition(self.state)

        wait_for(check, timeout, what)

    def hold(self, moment: str, seconds: float = 1.5) -> None:
        """Name what the window is showing now and keep sampling it for a moment."""
        self.moment = moment
        count = len([s for s in self.samples if s[0] == moment])
        wait_for(lambda: len([s for s in self.samples if s[0] == moment]) >= count + 3, 30, f"samples of {moment}")
        time.sleep(seconds)

    def keys(self, *keys: str) -> None:
        wid = str(self.state["wid"])
        self.display.run("xdotool", "windowactivate", "--sync", wid)
        for key in keys:
            self.display.run("xdotool", "key", "--clearmodifiers", key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.display.run("xdotool", "type", "--delay", "20", text)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    notes = write_documents(tmp_path / "My files" / "notes")
    (notes / LONG_NAME).write_text("The water board inspects the northern canals: sluice gates, dredging and the "
                                   "banks' repairs, with the costs for the quarter.\n", encoding="utf-8")
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        index(lib, notes)
    return path


def start_app(tmp_path: Path, library: Path, settings: str = "") -> tuple[Display, Watch]:
    """The real app (and its probe) on a private X server with a window manager, its settings file first
    (the tools and Qt's xcb libraries checked, each named by its Debian package when absent)."""
    need_tools({"Xvfb": "xvfb", "openbox": "openbox", "xprop": "x11-utils", "xwininfo": "x11-utils",
                "xdotool": "xdotool"})
    need_qt_xcb()
    home = tmp_path / "home"
    config = home / "config" / "semdesk"
    config.mkdir(parents=True)
    (config / "semdesk.conf").write_text(f"[General]\nlibrary={library}\n{settings}", encoding="utf-8")
    display = Display(home)
    try:
        app = display.start([sys.executable, "-m", "tests.gui.wm_probe", "--library", str(library)],
                            env=display.env, stdout=subprocess.PIPE, text=True)
    except BaseException:
        display.close()
        raise
    return display, Watch(display, app)


def test_the_window_fits_a_1366_screen_under_a_window_manager(tmp_path: Path, library: Path) -> None:
    # The app reopens on the tab it was left on: here the map (index 2, after Documents and Photos).
    display, watch = start_app(tmp_path, library, "tab=2\n")
    try:
        try:
            drive(watch, display, library, tmp_path)
        finally:
            watch.stop.set()
        check(watch.samples)
    finally:
        display.close()


def drive(watch: Watch, display: Display, library: Path, tmp_path: Path) -> None:
    watch.until("the map", lambda s: s["tab"] == s["map_tab"] and s["map_ready"], timeout=240)
    watch.hold("after the map")

    watch.keys("ctrl+1", "ctrl+l")
    watch.type("patching a punctured tube")
    watch.keys("Return")
    watch.until("results", lambda s: s["query"] == "patching a punctured tube" and s["documents"] > 0)
    watch.keys("Down")
    watch.until("a preview", lambda s: s["preview"] is not None)
    watch.hold("a query, its results and a preview")

    # A file for the running window, as a drop on the search box gives it (find_similar_to_file).
    dropped = library.parent / "My files" / "notes" / LONG_NAME
    handed = subprocess.run([sys.executable, "-m", "desktop.app", "--library", str(library), str(dropped)],
                            env={**display.env, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                            timeout=60)
    assert handed.returncode == 0, handed.stderr
    watch.until("similar items", lambda s: s["similar"] and LONG_NAME in s["summary"] and s["documents"] > 0)
    watch.hold("'Similar to' a long file name")
    watch.keys("ctrl+l", "Down")
    watch.until("a preview of a similar item", lambda s: s["similar"] and s["preview"] is not None)
    watch.hold("'Similar to' and a preview")
    watch.keys("ctrl+Tab", "ctrl+Tab")  # on to the map again, the results still lit on it
    watch.until("the map again", lambda s: s["tab"] == s["map_tab"])
    watch.hold("the map after all that")


def check(samples: list[tuple[str, int, tuple[int, int, int, int]]]) -> None:
    moments = {s[0] for s in samples}
    for moment in ("after the map", "a query, its results and a preview", "'Similar to' a long file name",
                   "'Similar to' and a preview", "the map after all that"):
        assert moment in moments, f"WM_NORMAL_HINTS never read {moment}"
    widest = max(samples, key=lambda s: s[1])
    print(f"\nwidest minimum width in WM_NORMAL_HINTS: {widest[1]} px ({widest[0]}); "
          f"{len(samples)} samples over {len(moments)} moments")
    assert widest[1] <= SCREEN[0], f"the window manager was told a minimum width of {widest[1]} px at {widest[0]}"
    shown = [s for s in samples if s[0] != "starting"]  # from its first state on, once the window is mapped
    outside = [s for s in shown if s[2][0] < 0 or s[2][1] < 0 or s[2][2] > SCREEN[0] or s[2][3] > SCREEN[1]]
    assert not outside, f"the window and its frame went off the {SCREEN[0]} x {SCREEN[1]} screen: {outside[:3]}"
