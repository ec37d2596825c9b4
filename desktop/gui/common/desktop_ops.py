"""Handing files to the rest of the desktop: open in the default app, reveal in the file manager, copy.

Nothing here waits on another program on the UI thread: Reveal is an asynchronous D-Bus call
(org.freedesktop.FileManager1.ShowItems, which Nautilus, Dolphin, Nemo, Caja, Thunar and PCManFM-Qt
implement); only when it fails does semdesk open the file's folder instead (`xdg-open`, started
and left to run).

Open starts `xdg-open` (or `gio open`) and watches it without waiting: when no program on the computer
opens the file, the opener ends at once with an error, and the caller is told so that it can say it
and offer Reveal (issue 24: Open and Enter did nothing visible). QDesktopServices.openUrl cannot tell:
it starts xdg-open detached and reports success whatever xdg-open then finds.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtDBus import QDBusConnection, QDBusMessage, QDBusPendingCallWatcher
from PySide6.QtGui import QDesktopServices, QGuiApplication

from desktop.gui.common.desktop_mime import paths_mime_data

log = logging.getLogger("semdesk")

FILE_MANAGER = ("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1")
SHOW_ITEMS_TIMEOUT_MS = 5000  # a file manager started by D-Bus activation may take a few seconds
# An opener that finds no program fails at once (xdg-open: exit 3, "no method available"); one still
# running after this long has started a program (xdg-open waits for some of them), so it is let go.
OPEN_WATCH_SECONDS = 10.0
OPEN_POLL_MS = 100


def opener_command(path: str) -> list[str] | None:
    """The desktop's "open with the default program" for `path`, as a command line (None: none here)."""
    if shutil.which("xdg-open"):
        return ["xdg-open", path]
    if shutil.which("gio"):
        return ["gio", "open", path]
    return None


class DesktopOps:
    """The real desktop. Tests pass a recording fake with the same methods.

    `bus` is the D-Bus connection for Reveal (the session bus unless a test gives a private one)."""

    def __init__(self, bus: QDBusConnection | None = None) -> None:
        self._bus = bus
        self._calls: set[QDBusPendingCallWatcher] = set()  # kept alive until each call answers
        self._openers: set[QTimer] = set()  # each watches one opener process until it ends or is let go

    def open(self, path: str, failed: Callable[[str], None] | None = None) -> bool:
        """Open `path` in its default program. Returns at once; `failed(path)` is called later (on this
        thread) when no program could open it."""
        command = opener_command(path)
        if command is None:
            opened = QDesktopServices.openUrl(QUrl.fromLocalFile(path))
            if not opened and failed is not None:
                failed(path)
            return opened
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            log.info("could not start %s: %s", command[0], error)
            if failed is not None:
                failed(path)
            return False
        self._watch(process, path, failed)
        return True

    def _watch(self, process: subprocess.Popen[bytes], path: str, failed: Callable[[str], None] | None) -> None:
        timer = QTimer()
        timer.setInterval(OPEN_POLL_MS)
        polls = [int(OPEN_WATCH_SECONDS * 1000 / OPEN_POLL_MS)]

        def poll() -> None:
            code = process.poll()
            polls[0] -= 1
            if code is None and polls[0] > 0:
                return
            timer.stop()
            self._openers.discard(timer)
            if code:  # ended with an error: nothing opened the file
                log.info("%s ended with %s for %s", process.args, code, path)
                if failed is not None:
                    failed(path)

        timer.timeout.connect(poll)
        self._openers.add(timer)
        timer.start()

    def reveal(self, path: str, done: Callable[[str], None] | None = None) -> bool:
        """Select the file in the file manager, else open its folder. Returns at once; `done` is told
        which way it went ("file manager" or "folder") when it is known."""
        bus = self._bus if self._bus is not None else QDBusConnection.sessionBus()
        if not bus.isConnected():
            self._open_folder(path, done)
            return True
        message = QDBusMessage.createMethodCall(*FILE_MANAGER, "ShowItems")
        uri = bytes(QUrl.fromLocalFile(path).toEncoded().data()).decode()  # percent-encoded: a URI, not a path
        message.setArguments([[uri], ""])  # as: URIs, s: startup id
        watcher = QDBusPendingCallWatcher(bus.asyncCall(message, SHOW_ITEMS_TIMEOUT_MS))
        self._calls.add(watcher)

        def answered(call: QDBusPendingCallWatcher) -> None:
            self._calls.discard(call)
            if call.isError():
                log.info("ShowItems failed (%s); opening the folder instead", call.error().name())
                self._open_folder(path, done)
            elif done is not None:
                done("file manager")
            call.deleteLater()

        watcher.finished.connect(answered)
        return True

    def _open_folder(self, path: str, done: Callable[[str], None] | None) -> None:
        parent = str(Path(path).parent)
        opener = shutil.which("xdg-open") or shutil.which("gio")
        opened = False
        if opener:
            args = [opener, parent] if opener.endswith("xdg-open") else [opener, "open", parent]
            try:
                subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                opened = True
            except OSError:
                pass
        if not opened:
            QDesktopServices.openUrl(QUrl.fromLocalFile(parent))
        if done is not None:
            done("folder")

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    def copy_paths(self, paths: Sequence[str]) -> None:
        """The paths as text (for a terminal or an editor) and as file URLs (a file manager, a mail)."""
        QGuiApplication.clipboard().setMimeData(paths_mime_data(list(paths)))
