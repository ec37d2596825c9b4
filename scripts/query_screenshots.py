"""Screenshots of the query language's chips and of Find Duplicates, under a private X server.

Documents: Debian's Python FAQ sources; photos: scikit-image's samples plus copies of some of
them saved again (an exact copy, a half-size one, JPEG quality 60, cropped, turned), indexed
with the tiny random test CLIP (real thumbnails; the similar-shot grouping is not meaningful).

Writes resources/screenshots/query-chips.png and resources/screenshots/duplicates.png.
Usage: .venv/bin/python scripts/query_screenshots.py  (starts Xvfb itself when DISPLAY is unset)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.screenshots import SIZE, demo_folders, start_xvfb  # noqa: E402


def saved_again(photos: Path) -> None:
    from PIL import Image

    for name in ("astronaut.png", "coffee.png"):
        with Image.open(photos / name) as image:
            photo = image.convert("RGB")
        w, h = photo.size
        stem = Path(name).stem
        shutil.copy(photos / name, photos / f"{stem} (copy).png")
        photo.resize((w // 2, h // 2)).save(photos / f"{stem}-small.png")
        photo.save(photos / f"{stem}-q60.jpg", quality=60)
        photo.crop((w // 20, h // 20, w - w // 20, h - h // 20)).save(photos / f"{stem}-cropped.png")
        photo.rotate(90, expand=True).save(photos / f"{stem}-turned.png")


def main() -> int:
    server = start_xvfb()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = Path(tempfile.mkdtemp(prefix="semdesk-query-shots-"))
    try:
        return take(work, ROOT / "resources" / "screenshots")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()


def take(work: Path, out: Path) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QGroupBox

    from desktop.core.library import Library
    from desktop.gui.common.style import apply_style
    from desktop.gui.shell.main_window import MainWindow
    from tests.tiny_clip import make_tiny_clip

    app = QApplication([sys.argv[0]])
    app.setApplicationName("semdesk")
    apply_style(app)
    folders = demo_folders(work / "home")
    saved_again(folders[1])

    def wait(condition: object, seconds: float = 900) -> None:
        deadline = time.monotonic() + seconds
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise TimeoutError("the window did not get there in time")
            app.processEvents()
            time.sleep(0.01)

    def settle(seconds: float = 1.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)

    config, weights = make_tiny_clip(work)
    library = Library.open(work / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    window = MainWindow(library, QSettings(str(work / "state.ini"), QSettings.Format.IniFormat))
    window.resize(*SIZE)
    window.show()
    wait(lambda: window.models_state.isHidden() and window.status.last is not None)
    window.add_paths(folders)
    wait(lambda: not window.indexer.running and not window.indexer.queue)
    wait(lambda: not window.status._pending)
    query = 'install packages -windows "python" kind:document folder:"Python FAQ" after:2020-01-01'
    window.search_box.setText(query)
    window.search.run_now()
    wait(lambda: window.results.current.query == query and not window.workers.busy)
    settle(1.5)
    window.grab().save(str(out / "query-chips.png"))
    window.menu.duplicates.trigger()
    dialog = window.duplicates_window
    wait(lambda: bool(dialog.groups))
    dialog.include_similar.setChecked(False)
    dialog.find()
    wait(lambda: dialog.find_button.isEnabled() and not any(g.kind == "similar" for g in dialog.groups))
    dialog.resize(1180, 700)
    settle(0.5)
    near = dialog.body.findChild(QGroupBox, "group_near")
    dialog.scroll.verticalScrollBar().setValue(near.y() - 8)
    settle(1.5)
    dialog.grab().save(str(out / "duplicates.png"))
    dialog.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
