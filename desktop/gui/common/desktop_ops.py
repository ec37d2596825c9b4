"""Handing files to the rest of the desktop: open in the default app, reveal in the file manager."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication


class DesktopOps:
    """The real desktop. Tests pass a recording fake with the same three methods."""

    def open(self, path: str) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def reveal(self, path: str) -> bool:
        """Select the file in the file manager when it supports that, else open its folder."""
        uri = QUrl.fromLocalFile(path).toString()
        # org.freedesktop.FileManager1.ShowItems: Nautilus, Dolphin, Nemo, Caja, Thunar all implement it.
        if shutil.which("dbus-send"):
            command = [
                "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.FileManager1",
                "--type=method_call", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1.ShowItems",
                f"array:string:{uri}", "string:",
            ]
            try:
                if subprocess.run(command, capture_output=True, timeout=3).returncode == 0:
                    return True
            except (OSError, subprocess.SubprocessError):
                pass
        parent = str(Path(path).parent)
        opener = shutil.which("xdg-open") or shutil.which("gio")
        if opener:
            args = [opener, parent] if opener.endswith("xdg-open") else [opener, "open", parent]
            try:
                subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                return True
            except OSError:
                pass
        return QDesktopServices.openUrl(QUrl.fromLocalFile(parent))

    def copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
