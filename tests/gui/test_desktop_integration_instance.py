"""One window per library: a second launch hands its paths to the running window and exits.

The in-process tests drive the real QLocalServer/QLocalSocket pair (the client on a thread, as it
would be another process); the last test starts real `semdesk-gui` processes under Xvfb.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket as pysocket
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QDir

from desktop.gui.shell.single_instance import InstanceServer, deliver, request, send_to_running, server_name
from tests.system_packages import need_qt_xcb, need_tools

ROOT = Path(__file__).resolve().parents[2]


def send_from_another_process(name: str, message: dict) -> subprocess.Popen[str]:
    """The client as a second launch runs it: another process (a thread of this one would hold the GIL
    through QLocalSocket's blocking waits, so the server here could not answer)."""
    code = ("import json, sys; from desktop.gui.shell.single_instance import send_to_running; "
            "sys.exit(0 if send_to_running(sys.argv[1], json.loads(sys.argv[2])) else 1)")
    return subprocess.Popen([sys.executable, "-c", code, name, json.dumps(message)], text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def socket_path(name: str) -> str:
    return name if os.path.isabs(name) else os.path.join(QDir.tempPath(), name)


def test_server_name_is_per_library(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert server_name(tmp_path / "a") == server_name(tmp_path / "b" / ".." / "a")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")


def test_second_launch_is_handed_over(qtbot, tmp_path: Path) -> None:
    name = server_name(tmp_path / "lib")
    server = InstanceServer()
    assert server.listen(name)
    try:
        assert send_to_running(server_name(tmp_path / "other"), {"paths": []}) is False  # another library: no one
        with qtbot.waitSignal(server.received, timeout=10000) as blocker:
            client = send_from_another_process(name, request(["notes"], add_folder=False))
        assert blocker.args[0]["paths"] == [str(Path("notes").absolute())]  # made absolute by the sender
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=10000)
        assert client.returncode == 0, "the sender was told its request arrived"
        second = InstanceServer()
        assert not second.listen(name), "a live server must not be replaced"
    finally:
        server.close()


def test_stale_socket_of_a_crash_does_not_block_start_up(qtbot, tmp_path: Path) -> None:
    name = server_name(tmp_path / "lib")
    path = socket_path(name)
    dead = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    dead.bind(path)  # a socket file that nobody listens on any more, as a killed process leaves it
    dead.close()
    assert os.path.exists(path)
    assert send_to_running(name, {"paths": []}) is False
    server = InstanceServer()
    try:
        assert server.listen(name)
        with qtbot.waitSignal(server.received, timeout=10000):
            client = send_from_another_process(name, {"paths": []})
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=10000)
        assert client.returncode == 0
    finally:
        server.close()


def test_delivered_paths_reach_the_window(qtbot, tmp_path: Path, state) -> None:
    """Folders are added, a file asks for similar items, a vanished path is ignored (no model needed)."""
    from desktop.core.library import Library
    from desktop.gui.shell.main_window import MainWindow
    from tests.gui.conftest import FakeDesktop

    window = MainWindow(Library.open(tmp_path / "lib"), state, desktop=FakeDesktop(), warm_up=False)
    qtbot.addWidget(window)
    folder, other = tmp_path / "docs", tmp_path / "note.txt"
    folder.mkdir()
    (folder / "a.txt").write_text("How to fix a bicycle chain.\n")
    other.write_text("bicycle")
    added: list[list[Path]] = []
    similar: list[Path] = []
    window.add_paths = added.append
    window.find_similar_to_file = similar.append
    deliver(window, request([str(folder), str(other), str(tmp_path / "missing")]))
    assert added == [[folder]] and similar == [other]


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_second_semdesk_gui_adds_its_folder_to_the_running_window(tmp_path: Path) -> None:
    """Real processes: the window under Xvfb, then `semdesk-gui FOLDER` and `semdesk-gui` alone."""
    need_tools({"xvfb-run": "xvfb", "xauth": "xauth"})
    need_qt_xcb()
    xvfb = shutil.which("xvfb-run") or "xvfb-run"
    library, folder = tmp_path / "lib", tmp_path / "tiny folder"
    folder.mkdir()
    (folder / "note.txt").write_text("The plumber's receipt for the kitchen tap.\n")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    gui = [sys.executable, "-m", "desktop.app", "--library", str(library)]
    first = subprocess.Popen([xvfb, "-a", "-s", "-screen 0 1024x768x24", *gui], env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    listening = Path(socket_path(server_name(library)))
    try:
        _wait_for(lambda: listening.exists() or first.poll() is not None, 60, "the first window to listen")
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        # The second launch needs no display: it hands over before it makes a QApplication.
        second_env = {**env, "QT_QPA_PLATFORM": "offscreen"}
        started = time.monotonic()
        second = subprocess.run([*gui, str(folder)], env=second_env, capture_output=True, text=True, timeout=30)
        handoff = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        print(f"hand-off took {handoff:.2f} s")

        def folder_added() -> bool:
            from desktop.core.library import Library

            with Library.open(library) as lib:
                return str(folder) in [f.path for f in lib.folders()]

        _wait_for(folder_added, 30, "the folder to be added by the running window")
        raised = subprocess.run(gui, env=second_env, capture_output=True, text=True, timeout=30)
        assert raised.returncode == 0 and first.poll() is None
    finally:
        os.killpg(first.pid, signal.SIGTERM)
        first.wait(timeout=30)
        listening.unlink(missing_ok=True)  # what a killed window leaves (the next start would clear it too)
