"""Screenshots of the query language's chips and of Find Duplicates, under a private X server.

Documents: Debian's Python FAQ sources; photos: scikit-image's samples plus copies of some of
them saved again (an exact copy, a half-size one, JPEG quality 60, cropped, turned), indexed
with the tiny random test CLIP (real thumbnails; the similar-shot grouping is not meaningful).

Writes resources/screenshots/query-chips.png and resources/screenshots/duplicates.png; the set-up
is screenshot_session.py's, as for the tour. `scripts/screenshots` takes these after the tour.
Usage: .venv/bin/python scripts/query_screenshots.py  (starts Xvfb itself when DISPLAY is unset)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.screenshot_session import Session, demo_folders, run  # noqa: E402


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
    return run({"query": take}, ROOT / "resources" / "screenshots")


def take(session: Session) -> int:
    from PySide6.QtWidgets import QGroupBox

    s = session
    folders = demo_folders(s.work / "home")
    saved_again(folders[1])
    window = s.window(s.library("library"))
    s.index(window, folders)
    query = 'install packages -windows "python" kind:document folder:"Python FAQ" after:2020-01-01'
    window.search_box.setText(query)
    window.search_box.setCursorPosition(0)  # the query's start in view; the chips below show the rest
    window.search.run_now()
    s.wait(lambda: window.results.current.query == query and not window.workers.busy)
    s.shot(window, "query-chips.png", settle=1.5)
    window.menu.duplicates.trigger()
    dialog = window.duplicates_window
    s.wait(lambda: bool(dialog.groups))
    dialog.include_similar.setChecked(False)
    dialog.find_groups()
    s.wait(lambda: dialog.find_button.isEnabled() and not any(g.kind == "similar" for g in dialog.groups))
    dialog.resize(1180, 700)
    s.settle(0.5)
    near = dialog.body.findChild(QGroupBox, "group_near")
    dialog.scroll_area.verticalScrollBar().setValue(near.y() - 8)
    s.shot(dialog, "duplicates.png", settle=1.5)
    dialog.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
