"""Take the README screenshots of the main window with real data, under a private X server.

Documents: Debian's Python FAQ sources (/usr/share/doc/python3.11/html/_sources/faq).
Photos: scikit-image's sample images. Real CLIP weights are not assumed: by default the
photos are indexed with the tiny random test model (so the grid shows real thumbnails;
the ranking is not meaningful), and a third shot shows the banner a library without
weights gets. Writes resources/screenshots/main-documents.png, main-photos.png and
main-photos-no-model.png.

Usage: scripts/screenshots  (starts Xvfb itself when DISPLAY is unset)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FAQ = Path("/usr/share/doc/python3.11/html/_sources/faq")
SIZE = (1400, 860)


def start_xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    for number in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline or server.poll() is not None:
            sys.exit("Xvfb did not start; install the xvfb package or run under an X server.")
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    return server


def demo_folders(base: Path) -> list[Path]:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="keep the demo library in /tmp")
    args = parser.parse_args()
    if not FAQ.is_dir():
        sys.exit(f"{FAQ} is missing: install Debian's python3.11-doc package.")
    server = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = Path(tempfile.mkdtemp(prefix="semdesk-shots-"))
    try:
        return take(work, args.out)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()


def take(work: Path, out: Path) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from desktop.app import _icon_path
    from desktop.core.library import Library
    from desktop.gui.common.style import apply_style
    from desktop.gui.shell.main_window import MainWindow
    from tests.tiny_clip import make_tiny_clip

    app = QApplication([sys.argv[0]])
    app.setApplicationName("semdesk")
    icon = _icon_path()
    if icon:
        app.setWindowIcon(QIcon(str(icon)))
    apply_style(app)
    out.mkdir(parents=True, exist_ok=True)
    folders = demo_folders(work / "home")

    def wait(condition: object, seconds: float = 600) -> None:
        deadline = time.monotonic() + seconds
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise TimeoutError("the window did not get there in time")
            app.processEvents()
            time.sleep(0.01)

    def window_for(library: Library, name: str) -> MainWindow:
        state = QSettings(str(work / f"{name}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(library, state)
        window.resize(*SIZE)
        window.show()
        wait(lambda: window.models_state.isHidden() and window.status.last is not None)
        window.add_paths(folders)
        wait(lambda: not window.indexer.running and not window.indexer.queue, 900)
        wait(lambda: not window.status._pending)
        return window

    def search(window: MainWindow, query: str) -> None:
        window.search_box.setText(query)
        window.search.run_now()
        wait(lambda: window.results.current.query == query and not window.workers.busy)
        for _ in range(30):  # thumbnails and the preview arrive a moment later
            app.processEvents()
            time.sleep(0.03)

    config, weights = make_tiny_clip(work)
    library = Library.open(work / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    window = window_for(library, "tiny")
    search(window, "how do I make a python script executable on unix")
    window.documents_view.expand(window.documents.index(0, 0))  # its other passages, under the best one
    app.processEvents()
    window.grab().save(str(out / "main-documents.png"))
    window.tabs.setCurrentIndex(1)
    search(window, "astronaut in a space suit")
    window.photos_view.setCurrentIndex(window.photos.index(0))
    search(window, "astronaut in a space suit")
    window.grab().save(str(out / "main-photos.png"))
    window.close()

    plain = window_for(Library.open(work / "library-no-model"), "plain")
    plain.tabs.setCurrentIndex(1)
    search(plain, "rocket")
    plain.grab().save(str(out / "main-photos-no-model.png"))
    plain.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
