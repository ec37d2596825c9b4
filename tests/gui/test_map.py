"""The Map tab driven with the mouse: hover, click, double-click, lasso and its actions, query highlights."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.core.maps import LayoutOptions
from desktop.gui.shell.main_window import MainWindow
from tests.gui.conftest import search

MAP_TAB = 2


def _mouse(widget: QWidget, kind: QEvent.Type, at: QPointF, buttons: Qt.MouseButton,
           modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, at, widget.mapToGlobal(at), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def _open_map(qtbot, make_window, corpus: Path, tmp_path: Path) -> MainWindow:
    library = Library.open(tmp_path / "library")
    run_job(library.index([corpus / "notes"]))
    window = make_window(library)
    window.map_tab.options = LayoutOptions(n_epochs=40, random_state=5)
    window.tabs.setCurrentIndex(MAP_TAB)
    tab = window.map_tab
    qtbot.waitUntil(lambda: tab.current is not None and tab.running is None, timeout=60000)
    assert len(tab.current) == 30  # one point per document of the corpus
    return window


def test_hover_click_and_double_click(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    window = _open_map(qtbot, make_window, corpus, tmp_path)
    canvas = window.map_tab.canvas
    target = canvas.screen_position(3)
    item = canvas.data.item(3)
    with qtbot.waitSignal(canvas.hovered, timeout=5000) as hovered:
        _mouse(canvas, QEvent.Type.MouseMove, target, Qt.MouseButton.NoButton)
    assert hovered.args[0].path == item.path

    _mouse(canvas, QEvent.Type.MouseButtonPress, target, Qt.MouseButton.LeftButton)
    _mouse(canvas, QEvent.Type.MouseButtonRelease, target, Qt.MouseButton.NoButton)
    assert window.preview.hit is not None and window.preview.hit.path == item.path
    qtbot.waitUntil(lambda: item.snippet[:40] in " ".join(window.preview.text.toPlainText().split()),
                    timeout=10000)
    assert window.map_tab.selected == [3]

    _mouse(canvas, QEvent.Type.MouseButtonDblClick, target, Qt.MouseButton.LeftButton)
    assert window.desktop.opened == [item.path]


def test_lasso_selects_and_acts(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    window = _open_map(qtbot, make_window, corpus, tmp_path)
    tab, canvas = window.map_tab, window.map_tab.canvas
    n = len(tab.current)
    tab.lasso.setChecked(True)
    # A box drawn around three points: those three, and only they, are selected.
    points = sorted(range(n), key=lambda i: canvas.screen_position(i).x())[:3]
    spots = [canvas.screen_position(i) for i in points]
    left = min(p.x() for p in spots) - 6
    right = (canvas.screen_position(sorted(range(n), key=lambda i: canvas.screen_position(i).x())[3]).x()
             + max(p.x() for p in spots)) / 2
    top, bottom = -1.0, canvas.height() + 1.0
    corners = [QPointF(left, top), QPointF(right, top), QPointF(right, bottom), QPointF(left, bottom)]
    _mouse(canvas, QEvent.Type.MouseButtonPress, corners[0], Qt.MouseButton.LeftButton)
    for corner in corners[1:]:
        _mouse(canvas, QEvent.Type.MouseMove, corner, Qt.MouseButton.LeftButton)
    _mouse(canvas, QEvent.Type.MouseButtonRelease, corners[-1], Qt.MouseButton.NoButton)
    assert sorted(tab.selected) == sorted(points)
    assert tab.selection_bar.isVisibleTo(tab) and "3 selected" in tab.selection_label.text()
    assert not tab.relevant.isEnabled()  # no query typed: marks have nothing to belong to

    tab.copy_paths.click()
    assert sorted(window.desktop.copied[-1].split("\n")) == sorted(tab.current.item(i).path for i in points)
    tab.open_all.click()
    assert sorted(window.desktop.opened) == sorted(tab.current.item(i).path for i in points)

    tab.similar.click()
    qtbot.waitUntil(lambda: window.results.current.similar, timeout=30000)
    found = {h.path for h in window.results.current.documents}
    assert found and not found & set(tab.selected_paths())  # neighbours outside the selection


def test_query_hits_light_up_and_can_be_marked(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    window = _open_map(qtbot, make_window, corpus, tmp_path)
    tab = window.map_tab
    n = len(tab.current)
    assert tab.canvas.picture.highlight is None  # nothing searched: nothing dimmed
    search(qtbot, window, "sourdough starter")
    window.tabs.setCurrentIndex(MAP_TAB)
    lit = [tab.current.item(i).path for i in tab.canvas.picture._highlight_indices]
    assert lit and any("/sourdough." in p for p in lit)
    assert len(lit) == len(window.results.current.documents)
    bread = next(i for i in range(n) if "/sourdough." in tab.current.item(i).path)
    tab.select([bread])
    assert tab.relevant.isEnabled()
    tab.relevant.click()
    qtbot.waitUntil(lambda: any("/sourdough." in m.path for m in window.library.marks("sourdough starter")),
                    timeout=10000)
    image = window.map_tab.canvas.grab()
    assert not image.isNull()


def test_qt_binding_does_not_leak_none(qtbot) -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None per void Qt call, which aborts the
    interpreter after a few thousand calls (a map panning for a minute makes far more). pyproject pins
    PySide6 below 6.12; this fails if a leaking binding comes back."""
    import sys

    from desktop.gui.map.canvas import MapCanvas

    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    before = sys.getrefcount(None)
    for _ in range(2_000):
        canvas.setEnabled(True)
    assert abs(sys.getrefcount(None) - before) < 100
