"""Take the README screenshot tour with real data, under a private X server (1366 x 768).

Documents: Debian's Python FAQ sources (/usr/share/doc/python3.11/html/_sources/faq).
Photos: scikit-image's sample images. Real CLIP weights are not assumed: the photos are
indexed with the tiny random test model (so the grid shows real thumbnails; the ranking is
not meaningful), and one shot shows the banner a library without weights gets.

The tour, in resources/screenshots/: tour-1-empty.png (a new library), tour-2-indexing.png,
tour-3-results.png (a passage and its words highlighted), tour-4-photos.png, tour-5-map.png
(with its legend), tour-6-settings.png, wizard-1-marks.png ... wizard-6-keep.png (every page
of the Improve Results wizard, the settings page with its time estimate), main-photos-no-model.png;
main-documents.png and main-photos.png stay as the README's first pictures. Then the query
language's chips and Find Duplicates (query_screenshots.py). The set-up they share is in
screenshot_session.py.

Usage: scripts/screenshots [--only tour|query]  (starts Xvfb itself when DISPLAY is unset)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.screenshot_session import Session, demo_folders, run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="keep the demo library in /tmp")
    parser.add_argument("--only", choices=("tour", "query"), help="just the tour, or just the query shots")
    args = parser.parse_args()
    from scripts.query_screenshots import take as take_query

    takes = {"tour": take, "query": take_query}
    status = run({k: v for k, v in takes.items() if args.only in (None, k)}, args.out, keep=args.keep)
    print("\n".join(str(p) for p in sorted(args.out.glob("*.png"))))
    return status


def take(session: Session) -> int:
    from PySide6.QtCore import QModelIndex

    s = session
    out = s.out
    folders = demo_folders(s.work / "home")
    library = s.library("library")
    window = s.window(library)
    s.shot(window, "tour-1-empty.png")
    window.add_paths(folders)
    s.wait(lambda: window.indexer.running and "of" in window.job_progress.label.text(), 300)
    s.settle(2.5)
    s.shot(window, "tour-2-indexing.png")
    s.wait(lambda: not window.indexer.running and not window.indexer.queue)
    s.wait(lambda: not window.status._pending)

    s.search(window, "how do I make a python script executable on unix")
    window.documents_view.expand(window.documents.index(0, 0))  # its other passages, under the best one
    s.settle()
    window.grab().save(str(out / "main-documents.png"))
    s.shot(window, "tour-3-results.png")
    window.tabs.setCurrentIndex(1)
    s.search(window, "astronaut in a space suit")
    window.photos_view.setCurrentIndex(window.photos.index(0))
    s.search(window, "astronaut in a space suit")
    window.grab().save(str(out / "main-photos.png"))
    s.shot(window, "tour-4-photos.png")

    window.map_tab.space.setCurrentIndex(1)  # passages: a point each, the clusters show best
    window.tabs.setCurrentWidget(window.map_tab)
    s.wait(lambda: window.map_tab.current is not None and window.map_tab.running is None)
    s.search(window, "how do I make a python script executable on unix")
    window.tabs.setCurrentWidget(window.map_tab)
    # The preview shows the best document, not the last photo: the row is made current again (it
    # still was, from the results shot, so setting it alone would change nothing).
    window.documents_view.setCurrentIndex(QModelIndex())
    window.documents_view.setCurrentIndex(window.documents.index(0, 0))
    s.settle()
    s.shot(window, "tour-5-map.png")
    window.tabs.setCurrentIndex(0)

    window.show_settings()
    dialog = window.settings_dialog
    s.wait(lambda: dialog is not None and dialog.isVisible())
    s.shot(dialog, "tour-6-settings.png")
    dialog.reject()

    wizard_tour(s, window, library, folders[0])
    window.close()

    plain = s.window(s.library("library-no-model", tiny_clip=False))
    s.index(plain, folders)
    plain.tabs.setCurrentIndex(1)
    s.search(plain, "rocket")
    plain.grab().save(str(out / "main-photos-no-model.png"))
    plain.close()
    return 0


WIZARD_MARKS = [  # (query, a right FAQ page, a wrong one)
    ("make a script runnable from the shell", "library", "gui"),
    ("why are floating point sums inexact", "design", "windows"),
    ("is there a tool to find bugs in my code", "programming", "installed"),
    ("how to embed the interpreter in a C program", "extending", "general"),
    ("run a python program on windows", "windows", "design"),
]


def wizard_tour(s: Session, window: Any, library: Any, faq: Path) -> None:
    """Every page of Improve Results, with five marked searches of the FAQ."""
    from PySide6.QtWidgets import QWizard

    for query, right, wrong in WIZARD_MARKS:
        library.mark(query, faq / f"{right}.rst", True)
        library.mark(query, faq / f"{wrong}.rst", False)
    window.menu.improve.trigger()
    wizard = window.tune_wizard
    wizard.resize(820, 640)
    s.wait(lambda: wizard.marks_page.tree.topLevelItemCount() == len(WIZARD_MARKS))
    nxt = wizard.button(QWizard.WizardButton.NextButton)

    def page(name: str, then_next: bool = True) -> None:
        s.shot(wizard, f"wizard-{wizard.currentId() + 1}-{name}.png")
        if then_next:
            s.wait(nxt.isEnabled)
            nxt.click()

    page("marks")
    page("target")
    # The estimate is worked out off the UI thread: the shot waits for its line.
    s.wait(lambda: "Expected to take" in wizard.settings_page.estimate.text(), 60)
    page("settings")  # Next starts training
    s.wait(lambda: len(wizard.training_page.curve.values) >= 3 or not wizard.training)  # a curve, not a dot
    s.settle(1.5)
    page("training")  # waits for the end of training, then Next
    page("results")
    page("keep", then_next=False)
    wizard.discard()
    wizard.close()


if __name__ == "__main__":
    raise SystemExit(main())
