"""Results leave the window as files: drags and Copy path carry text/uri-list and the path text;
Reveal asks the file manager over D-Bus without ever blocking the window."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt, QUrl
from PySide6.QtDBus import QDBusConnection
from PySide6.QtGui import QDrag, QGuiApplication

from desktop.core.common.records import Hit, Passage
from desktop.gui.common.desktop_mime import URI_LIST
from desktop.gui.common.desktop_ops import DesktopOps
from desktop.gui.common.thumbnails import ThumbnailCache
from desktop.gui.common.workers import Workers
from desktop.gui.search.result_models import DocumentResultsModel, PhotoResultsModel
from desktop.gui.search.views import PhotoGrid, ResultsTree


def hit(path: Path, kind: str = "text", passages: int = 2) -> Hit:
    parts = tuple(Passage(chunk_id=i + 1, start=0, end=9, text=f"passage {i}", score=0.5)
                  for i in range(passages)) if kind == "text" else ()
    return Hit(file_id=1, path=str(path), kind=kind, score=0.9, title=path.stem, folder=str(path.parent),
               passages=parts)


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "Tax papers 2024"
    folder.mkdir()
    paths = [folder / "receipt #1 (plumber).txt", folder / "beach.png"]
    for path in paths:
        path.write_bytes(b"x")
    return paths


def assert_files(data: QMimeData, paths: list[Path]) -> None:
    assert data.hasUrls() and URI_LIST in data.formats()
    assert [u.toLocalFile() for u in data.urls()] == [str(p) for p in paths]
    assert data.text() == "\n".join(str(p) for p in paths)
    # The wire form a file manager reads: percent-encoded file URLs, one per line.
    wire = bytes(data.data(URI_LIST).data()).decode()
    assert wire.split("\r\n")[0] == bytes(QUrl.fromLocalFile(str(paths[0])).toEncoded().data()).decode()
    assert "%20" in wire and " " not in wire


def test_document_rows_drag_out_as_files(qtbot, files: list[Path]) -> None:
    model = DocumentResultsModel()
    model.set_results([hit(files[0])], "plumber", {})
    view = ResultsTree()
    qtbot.addWidget(view)
    view.setModel(model)
    row = model.index(0, 0)
    passage = model.index(0, 0, row)  # a passage row drags its document
    assert view.dragEnabled() and model.flags(row) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.supportedDragActions() & Qt.DropAction.CopyAction
    assert not model.supportedDragActions() & Qt.DropAction.MoveAction, "a drag must never move the user's file"
    assert_files(model.mimeData([row, passage]), [files[0]])
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDragEnabled == Qt.ItemFlag.NoItemFlags


def test_photo_tiles_drag_out_through_the_view(qtbot, files: list[Path], monkeypatch) -> None:
    """The grid's own startDrag hands a QDrag with the files to the platform (exec is where the
    platform takes over, so it is recorded instead of run)."""
    workers = Workers()
    model = PhotoResultsModel(ThumbnailCache(workers))
    model.set_results([hit(files[1], "image")], "beach", {})
    grid = PhotoGrid()
    qtbot.addWidget(grid)
    grid.setModel(model)
    grid.resize(400, 300)
    grid.show()
    qtbot.waitExposed(grid)
    grid.setCurrentIndex(model.index(0, 0))
    dragged: list[tuple[QMimeData, Qt.DropAction]] = []

    def record(drag: QDrag, actions: Qt.DropAction, *rest) -> Qt.DropAction:
        dragged.append((drag.mimeData(), actions))
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", record)
    grid.startDrag(Qt.DropAction.CopyAction | Qt.DropAction.LinkAction)
    assert len(dragged) == 1
    data, actions = dragged[0]
    assert_files(data, [files[1]])
    assert actions & Qt.DropAction.CopyAction and not actions & Qt.DropAction.MoveAction
    assert files[1].exists()
    workers.wait()


def test_copy_path_puts_text_and_url_on_the_clipboard(qtbot, files: list[Path]) -> None:
    DesktopOps().copy_paths([str(p) for p in files])
    data = QGuiApplication.clipboard().mimeData()
    assert_files(data, files)


# -- Reveal over a private D-Bus session with a real service in another process ------------------

FILE_MANAGER = """
import sys, time
from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection
app = QCoreApplication([])
bus = QDBusConnection.connectToBus(sys.argv[1], "fm")
class FileManager(QObject):
    @Slot("QStringList", str)
    def ShowItems(self, uris, startup_id):
        time.sleep(float(sys.argv[3]))  # a slow file manager: the window must not wait for it
        with open(sys.argv[2], "a") as out:
            out.write("\\n".join(uris) + "\\n")
manager = FileManager()
bus.registerObject("/org/freedesktop/FileManager1", "org.freedesktop.FileManager1", manager,
                   QDBusConnection.RegisterOption.ExportAllSlots)
assert bus.registerService("org.freedesktop.FileManager1")
print("ready", flush=True)
app.exec()
"""


@pytest.fixture
def session_bus(tmp_path: Path):
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed (Debian package dbus-daemon)")
    process = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    address = process.stdout.readline().strip() if process.stdout else ""
    try:
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_file_manager(address: str, log: Path, delay: float) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    manager = subprocess.Popen([sys.executable, "-c", FILE_MANAGER, address, str(log), str(delay)], env=env,
                               stdout=subprocess.PIPE, text=True)
    assert manager.stdout is not None and manager.stdout.readline().strip() == "ready"
    return manager


def test_reveal_asks_the_file_manager_without_waiting(qtbot, tmp_path: Path, files: list[Path],
                                                      session_bus: str) -> None:
    calls = tmp_path / "calls.txt"
    manager = start_file_manager(session_bus, calls, delay=1.5)
    try:
        bus = QDBusConnection.connectToBus(session_bus, "reveal-test")
        assert bus.isConnected()
        outcome: list[str] = []
        started = time.perf_counter()
        assert DesktopOps(bus).reveal(str(files[0]), outcome.append)
        returned = time.perf_counter() - started
        assert returned < 0.5, f"reveal blocked the UI thread for {returned:.2f} s"
        qtbot.waitUntil(lambda: outcome == ["file manager"], timeout=10000)
        expected = bytes(QUrl.fromLocalFile(str(files[0])).toEncoded().data()).decode()
        assert calls.read_text().splitlines() == [expected] and "%20" in expected
    finally:
        manager.terminate()
        manager.wait(timeout=10)
        QDBusConnection.disconnectFromBus("reveal-test")


def test_reveal_falls_back_to_the_folder_without_a_file_manager(qtbot, files: list[Path], session_bus: str,
                                                                monkeypatch) -> None:
    bus = QDBusConnection.connectToBus(session_bus, "fallback-test")
    opened: list[list[str]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda args, **kw: opened.append(list(args)))
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}" if name == "xdg-open" else None)
    outcome: list[str] = []
    try:
        DesktopOps(bus).reveal(str(files[0]), outcome.append)  # nobody owns org.freedesktop.FileManager1
        qtbot.waitUntil(lambda: outcome == ["folder"], timeout=10000)
        assert opened == [["/usr/bin/xdg-open", str(files[0].parent)]]
    finally:
        QDBusConnection.disconnectFromBus("fallback-test")
