"""One window per library: a second `semdesk-gui [PATHS]` hands its paths to the running one and exits.

The running window listens on a QLocalServer whose name is derived from the library's folder
(and the user), so two libraries can be open side by side. A second launch connects, sends one
JSON line (absolute paths, whether to open the Add Folder dialog, the launcher's activation
token) and waits for "ok" before it exits; no model and no library is opened for that.

A server left behind by a crash (a socket file nobody listens on) cannot be connected to, so the
new instance removes it and listens in its place. Two launches at the same moment: the loser of
`listen` finds the winner alive and leaves its socket alone.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

CONNECT_MS = 500  # a live server answers at once; a stale one refuses at once
REPLY_MS = 3000  # the window may be busy for a moment (a dialog opening)
ACTIVATION_VARIABLES = ("XDG_ACTIVATION_TOKEN", "DESKTOP_STARTUP_ID")  # Wayland, X11 startup notification


def server_name(library: Path) -> str:
    """The same name for the same library folder, however it was spelled. In the user's runtime dir
    (private to them) when there is one; else a name in /tmp that carries the user id."""
    digest = hashlib.sha256(str(Path(library).expanduser().resolve()).encode()).hexdigest()[:16]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK):
        return os.path.join(runtime, f"semdesk-{digest}")
    user = getattr(os, "getuid", lambda: os.environ.get("USERNAME", ""))()
    return f"semdesk-{user}-{digest}"


def request(paths: list[str], add_folder: bool = False) -> dict[str, Any]:
    """What a second launch asks for. Paths are made absolute here: the running window has another cwd."""
    message: dict[str, Any] = {"paths": [str(Path(p).expanduser().absolute()) for p in paths],
                               "add_folder": add_folder}
    for variable in ACTIVATION_VARIABLES:
        if os.environ.get(variable):
            message[variable] = os.environ[variable]
    return message


def send_to_running(name: str, message: dict[str, Any]) -> bool:
    """Hand `message` to the instance listening on `name`; False when none is (or it did not answer)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps(message).encode() + b"\n")
    socket.flush()
    answered = False
    while socket.waitForReadyRead(REPLY_MS):
        if socket.canReadLine():
            answered = bytes(socket.readLine().data()).strip() == b"ok"
            break
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later launches of the same library; `received` carries each one's request."""

    received = Signal(dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # No socket options: with them Qt binds elsewhere and renames over the name, which would steal
        # a live instance's name; a plain bind fails on a taken name, which is the check we want.
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._accept)
        self.name = ""

    def listen(self, name: str) -> bool:
        """Listen on `name` (after closing any earlier name); a stale socket of a crashed run is removed."""
        if self.server.isListening():
            if self.name == name:
                return True
            self.server.close()
        self.name = name
        if self.server.listen(name):
            return True
        if self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            probe = QLocalSocket()
            probe.connectToServer(name)
            if probe.waitForConnected(CONNECT_MS):  # a live instance won the race: leave it be
                probe.disconnectFromServer()
                return False
            QLocalServer.removeServer(name)  # nobody answers: what is left of a crash
            return self.server.listen(name)
        return False

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            QTimer.singleShot(REPLY_MS, socket, socket.abort)  # a client that never finishes its line
            if socket.canReadLine():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        try:
            message = json.loads(bytes(socket.readLine().data()))
        except ValueError:
            socket.abort()
            return
        if not isinstance(message, dict):
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        self.received.emit(message)


def deliver(window: Any, message: dict[str, Any]) -> None:
    """Do what a second launch asked: folders are added, a file finds similar items, and the window
    comes to the front (with the launcher's activation token, so the desktop lets it take focus)."""
    token = message.get("XDG_ACTIVATION_TOKEN")
    if isinstance(token, str) and token:
        os.environ["XDG_ACTIVATION_TOKEN"] = token  # Qt's Wayland plugin reads it on activation
    raise_window(window)
    paths = [Path(p) for p in message.get("paths", []) if isinstance(p, str)]
    folders = [p for p in paths if p.is_dir()]
    files = [p for p in paths if p.is_file()]
    if folders:
        window.add_paths(folders)
    if files:
        window.find_similar_to_file(files[0])  # one query at a time: the first file asked for
        if len(files) > 1:
            window.statusBar().showMessage(
                window.tr("Showing items like {name}; one file at a time.").format(name=files[0].name), 8000)
    if message.get("add_folder"):
        QTimer.singleShot(0, window.add_folder_dialog)  # after this request has been answered


def raise_window(window: Any) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
