"""What the screenshot scripts share (screenshots.py, query_screenshots.py): a private X server at
1366 x 768, the Qt application styled as the app styles it, the demo folders, waiting for the
window, an indexed window, a search, and saving a shot.

Documents: Debian's Python FAQ sources (/usr/share/doc/python3.11/html/_sources/faq). Photos:
scikit-image's sample images, indexed with the tiny random test CLIP (real thumbnails; the ranking
is not meaningful), since real CLIP weights are not assumed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
FAQ = Path("/usr/share/doc/python3.11/html/_sources/faq")
SCREEN = (1366, 768)
SIZE = (1366, 740)  # the window on that screen, less a panel


def start_xvfb() -> subprocess.Popen[bytes] | None:
    """A private X server at SCREEN, unless DISPLAY names one already."""
    if os.environ.get("DISPLAY"):
        return None
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                               "-nolisten", "tcp"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    number = server.stdout.readline().strip() if server.stdout else b""
    if not number:
        sys.exit("Xvfb did not start; install the xvfb package or run under an X server.")
    os.environ["DISPLAY"] = f":{number.decode()}"
    return server


def demo_folders(base: Path) -> list[Path]:
    """[the FAQ as .rst files, scikit-image's sample photos] under `base`."""
    import skimage

    documents = base / "Python FAQ"
    photos = base / "Sample photos"
    documents.mkdir(parents=True)
    photos.mkdir(parents=True)
    for source in sorted(FAQ.glob("*.rst.txt")):
        if source.name != "index.rst.txt":
            shutil.copy(source, documents / source.name.replace(".rst.txt", ".rst"))
    data = Path(skimage.__file__).parent / "data"
    for source in sorted([*data.glob("*.png"), *data.glob("*.jpg")]):
        shutil.copy(source, photos / source.name)
    return [documents, photos]


def run(takes: dict[str, Callable[[Session], int]], out: Path, *, keep: bool = False) -> int:
    """Each `take(session)` in turn, with one application under one private X server, each in a
    work folder of its own named by its key (all removed afterwards unless `keep`)."""
    if not FAQ.is_dir():
        sys.exit(f"{FAQ} is missing: install Debian's python3.11-doc package.")
    server = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = Path(tempfile.mkdtemp(prefix="semdesk-shots-"))
    try:
        session = Session(work, out)
        for name, take in takes.items():
            session.work = work / name
            session.work.mkdir()
            if take(session):
                return 1
        return 0
    finally:
        if keep:
            print(f"demo library kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


class Session:
    """The Qt application and the helpers every shot needs."""

    def __init__(self, work: Path, out: Path) -> None:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication

        from desktop.app import _icon_path
        from desktop.gui.common.style import apply_style

        self.work, self.out = work, out
        self.app = QApplication([sys.argv[0]])
        self.app.setApplicationName("semdesk")
        icon = _icon_path()
        if icon:
            self.app.setWindowIcon(QIcon(str(icon)))
        apply_style(self.app)
        out.mkdir(parents=True, exist_ok=True)

    def wait(self, condition: Callable[[], Any], seconds: float = 900) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the window did not get there in time")
            self.app.processEvents()
            time.sleep(0.01)

    def settle(self, seconds: float = 1.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.02)

    def shot(self, widget: Any, name: str, settle: float = 0.4) -> None:
        self.settle(settle)
        widget.grab().save(str(self.out / name))

    def library(self, name: str, *, tiny_clip: bool = True) -> Any:
        """A new library in the work folder; with the tiny test CLIP for photos, or none at all."""
        from desktop.core.library import Library
        from tests.tiny_clip import make_tiny_clip

        library = Library.open(self.work / name)
        if tiny_clip:
            (self.work / "tiny-clip").mkdir(exist_ok=True)
            config, weights = make_tiny_clip(self.work / "tiny-clip")
            library.set_setting("clip_model", str(config))
            library.set_setting("clip_weights", str(weights))
        return library

    def window(self, library: Any) -> Any:
        """The main window at SIZE, shown, once its models are ready."""
        from PySide6.QtCore import QSettings

        from desktop.gui.shell.main_window import MainWindow

        state = QSettings(str(self.work / f"{Path(library.path).name}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(library, state)
        window.resize(*SIZE)
        window.show()
        self.wait(lambda: window.models_state.isHidden() and window.status.last is not None)
        return window

    def index(self, window: Any, folders: list[Path]) -> None:
        window.add_paths(folders)
        self.wait(lambda: not window.indexer.running and not window.indexer.queue)
        self.wait(lambda: not window.status._pending)

    def search(self, window: Any, query: str) -> None:
        window.search_box.setText(query)
        window.search.run_now()
        self.wait(lambda: window.results.current.query == query and not window.workers.busy)
        self.settle(0.9)  # thumbnails and the preview arrive a moment later
