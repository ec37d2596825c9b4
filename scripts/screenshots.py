"""Take the README screenshot tour with real data, under a private X server (1366 x 768).

Documents: Debian's Python FAQ sources (/usr/share/doc/python3.11/html/_sources/faq).
Photos: scikit-image's sample images. Real CLIP weights are not assumed: the photos are
indexed with the tiny random test model (so the grid shows real thumbnails; the ranking is
not meaningful), and one shot shows the banner a library without weights gets.

The tour, in resources/screenshots/: tour-1-empty.png (a new library), tour-2-indexing.png,
tour-3-results.png (a passage and its words highlighted), tour-4-photos.png, tour-5-map.png
(with its legend), tour-6-settings.png, wizard-1-marks.png ... wizard-6-keep.png (every page
of the Improve Results wizard), main-photos-no-model.png; main-documents.png and
main-photos.png stay as the README's first pictures.

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
SIZE = (1366, 740)  # a 1366 x 768 screen, less a panel


def start_xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    for number in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
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

    def settle(seconds: float = 1.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)

    def shot(widget: object, name: str) -> None:
        settle(0.4)
        widget.grab().save(str(out / name))  # type: ignore[attr-defined]

    config, weights = make_tiny_clip(work)
    library = Library.open(work / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    state = QSettings(str(work / "tiny.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, state)
    window.resize(*SIZE)
    window.show()
    wait(lambda: window.models_state.isHidden() and window.status.last is not None)
    shot(window, "tour-1-empty.png")
    window.add_paths(folders)
    wait(lambda: window.indexer.running and "of" in window.job_progress.label.text(), 300)
    settle(2.5)
    shot(window, "tour-2-indexing.png")
    wait(lambda: not window.indexer.running and not window.indexer.queue, 900)
    wait(lambda: not window.status._pending)

    search(window, "how do I make a python script executable on unix")
    window.documents_view.expand(window.documents.index(0, 0))  # its other passages, under the best one
    settle()
    window.grab().save(str(out / "main-documents.png"))
    shot(window, "tour-3-results.png")
    window.tabs.setCurrentIndex(1)
    search(window, "astronaut in a space suit")
    window.photos_view.setCurrentIndex(window.photos.index(0))
    search(window, "astronaut in a space suit")
    window.grab().save(str(out / "main-photos.png"))
    shot(window, "tour-4-photos.png")

    window.map_tab.space.setCurrentIndex(1)  # passages: a point each, the clusters show best
    window.tabs.setCurrentWidget(window.map_tab)
    wait(lambda: window.map_tab.current is not None and window.map_tab.running is None, 900)
    search(window, "how do I make a python script executable on unix")
    window.tabs.setCurrentWidget(window.map_tab)
    settle()
    shot(window, "tour-5-map.png")
    window.tabs.setCurrentIndex(0)

    window.show_settings()
    dialog = window.settings_dialog
    wait(lambda: dialog is not None and dialog.isVisible())
    shot(dialog, "tour-6-settings.png")
    dialog.reject()

    wizard_tour(window, library, folders[0], shot, wait, settle)
    window.close()

    plain = window_for(Library.open(work / "library-no-model"), "plain")
    plain.tabs.setCurrentIndex(1)
    search(plain, "rocket")
    plain.grab().save(str(out / "main-photos-no-model.png"))
    plain.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


WIZARD_MARKS = [  # (query, a right FAQ page, a wrong one)
    ("make a script runnable from the shell", "library", "gui"),
    ("why are floating point sums inexact", "design", "windows"),
    ("is there a tool to find bugs in my code", "programming", "installed"),
    ("how to embed the interpreter in a C program", "extending", "general"),
    ("run a python program on windows", "windows", "design"),
]


def wizard_tour(window: object, library: object, faq: Path, shot: object, wait: object, settle: object) -> None:
    """Every page of Improve Results, with five marked searches of the FAQ."""
    from PySide6.QtWidgets import QWizard

    for query, right, wrong in WIZARD_MARKS:
        library.mark(query, faq / f"{right}.rst", True)  # type: ignore[attr-defined]
        library.mark(query, faq / f"{wrong}.rst", False)  # type: ignore[attr-defined]
    window.menu.improve.trigger()  # type: ignore[attr-defined]
    wizard = window.tune_wizard  # type: ignore[attr-defined]
    wizard.resize(820, 640)
    wait(lambda: wizard.marks_page.tree.topLevelItemCount() == len(WIZARD_MARKS))  # type: ignore[operator]
    nxt = wizard.button(QWizard.WizardButton.NextButton)

    def page(name: str, then_next: bool = True) -> None:
        shot(wizard, f"wizard-{wizard.currentId() + 1}-{name}.png")  # type: ignore[operator]
        if then_next:
            wait(nxt.isEnabled, 900)  # type: ignore[operator]
            nxt.click()

    page("marks")
    page("target")
    page("settings")  # Next starts training
    wait(lambda: wizard.training_page.curve.values or not wizard.training, 900)  # type: ignore[operator]
    settle(1.5)  # type: ignore[operator]
    page("training")  # waits for the end of training, then Next
    page("results")
    page("keep", then_next=False)
    wizard.discard()
    wizard.close()


if __name__ == "__main__":
    raise SystemExit(main())
