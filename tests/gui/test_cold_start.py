"""Cold start (issue 14): the window is on screen before the library opens, the text model loads in
the background while the user types, and the one-time preparation is named only when the model
cache says it is needed (issue 13 item 5)."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QMessageBox

from desktop.app import launch, parse_args
from desktop.core.common.errors import SemdeskError
from desktop.core.library import Library
from desktop.gui.shell.window_state import default_size
from tests.conftest import index
from tests.corpus import write_documents
from tests.damage import garbage_header
from tests.gui.conftest import drop, wait_idle

PREPARING = "Preparing the search model for this computer (one time only, about a minute)…"


@pytest.fixture
def launched(qtbot, monkeypatch):
    """Calls app.launch like main() does; closes what it made."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # launch installs the window's own
    made: list[tuple[object, object]] = []
    exits: list[int] = []

    def start(argv: list[str], state, candidates: list[str | None], **kwargs):
        window, server = launch(parse_args(argv), state, candidates, exit_app=exits.append, **kwargs)
        made.append((window, server))
        return window

    start.exits = exits  # type: ignore[attr-defined]
    yield start
    for window, server in made:
        server.close()  # type: ignore[attr-defined]
        window.close()  # type: ignore[attr-defined]


def test_the_window_is_on_screen_before_the_library_has_opened(qtbot, launched, tmp_path: Path, state) -> None:
    folder, dropped = tmp_path / "notes", tmp_path / "dropped"
    write_documents(folder)
    write_documents(dropped, ["bread.txt"])
    started, release = threading.Event(), threading.Event()

    def slow_open(candidate: str | None) -> Library:
        started.set()
        assert release.wait(60), "the test never let the library open"
        return Library.open(candidate)

    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    try:
        window = launched([str(folder)], state, [str(tmp_path / "lib")], open_library=slow_open)
        qtbot.waitExposed(window)
        assert started.wait(10)
        assert window.isVisible() and window.library is None and not window.built
        assert window.opening.text() == "Opening library…"
        assert (window.width(), window.height()) == default_size()  # the size the full window will have
        before = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) > before + 5, timeout=3000)  # the UI thread is free meanwhile
        drop(window, [dropped])  # a folder dropped on the frame is kept until the library is open
        release.set()
        qtbot.waitUntil(lambda: window.library is not None and window.built, timeout=60000)
    finally:
        release.set()
        timer.stop()
    assert window.centralWidget() is window.splitter and window.windowTitle().startswith("lib")
    # The folder named on the command line and the one dropped are added once the library is open.
    qtbot.waitUntil(lambda: window.indexer.running or bool(window.indexer.queue) or bool(window.status.last
                    and window.status.last.folders), timeout=30000)
    wait_idle(qtbot, window)
    assert sorted(Path(f.path).name for f in window.library.folders()) == ["dropped", "notes"]


def test_a_library_that_cannot_open_is_explained_and_the_next_one_opens(qtbot, launched, tmp_path: Path, state,
                                                                         monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _parent, _title, text: shown.append(text)))

    def open_library(candidate: str | None) -> Library:
        if candidate == "broken":
            raise SemdeskError("The library folder broken cannot be read.")
        return Library.open(candidate)

    window = launched([], state, ["broken", str(tmp_path / "lib")], open_library=open_library)
    qtbot.waitUntil(lambda: window.library is not None, timeout=60000)
    assert shown == ["The library folder broken cannot be read."]
    assert window.library.path == tmp_path / "lib" and not launched.exits
    # None opens: each is explained and the application ends with exit code 1.
    launched([], state, ["broken", "broken"], open_library=open_library)
    qtbot.waitUntil(lambda: launched.exits == [1], timeout=30000)
    assert len(shown) == 3


def test_a_damaged_catalog_is_asked_about_on_the_ui_thread_and_rebuilt(qtbot, launched, tmp_path: Path,
                                                                       state) -> None:
    docs = tmp_path / "docs"
    write_documents(docs)
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as lib:
        index(lib, docs)
    garbage_header(lib_path / "catalog.sqlite")
    asked: list[tuple[object, str]] = []

    frame: list[str] = []

    def ask(problem: str) -> bool:
        asked.append((QThread.currentThread(), problem))
        QTimer.singleShot(0, lambda: frame.append("built" if window.built else window.opening.text()))
        return True

    window = launched([], state, [str(lib_path)], ask_rebuild=ask)
    qtbot.waitUntil(lambda: window.library is not None, timeout=60000)
    assert len(asked) == 1 and asked[0][0] == QThread.currentThread() and "damaged" in asked[0][1]
    assert frame == ["Setting the library up again…"]  # what the frame says once the user said yes
    wait_idle(qtbot, window)
    assert Path(window.library.search_documents("bicycle chain")[0].path).name == "bicycle.txt"


def _fake_int8_model(cache: Path) -> None:
    """The files the one-time preparation leaves in the cache (whole by their done.json)."""
    from desktop.core.common.settings import DEFAULT_TEXT_MODEL
    from desktop.core.embed.ov_text import ir_folder
    from desktop.core.embed.text import resolve_source

    folder = ir_folder(resolve_source(DEFAULT_TEXT_MODEL), "int8")
    assert cache in folder.parents, "the model folder carries its own int8 copy; the test cannot empty it"
    folder.mkdir(parents=True)
    (folder / "model.xml").write_text("<net/>")
    (folder / "model.bin").write_bytes(b"weights")
    (folder / "done.json").write_text(json.dumps({"size": 7}))


def test_preparation_is_needed_exactly_while_the_cache_lacks_it(tmp_path: Path, monkeypatch) -> None:
    from desktop.core.embed import encoder_choice

    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(encoder_choice, "_MEMO", {})
    with Library.open(tmp_path / "lib") as lib:
        assert lib.text_model_preparation()  # int8 (the tests' pin) was never made here
        _fake_int8_model(tmp_path / "cache")
        assert not lib.text_model_preparation()
        monkeypatch.delenv(encoder_choice.ENV_PIN)  # auto: the encoders were never measured on this CPU
        assert lib.text_model_preparation()


@pytest.mark.parametrize("prepared", [False, True])
def test_the_preparation_notice_shows_iff_the_cache_needs_it(qtbot, make_window, tmp_path: Path, monkeypatch,
                                                             prepared: bool) -> None:
    from desktop.core.embed import encoder_choice

    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(encoder_choice, "_MEMO", {})
    if prepared:
        _fake_int8_model(tmp_path / "cache")
    release = threading.Event()
    # The preparation itself (a child process, about a minute) is not run: the warm-up waits instead.
    monkeypatch.setattr(Library, "warm_up", lambda _self, _space="all": release.wait(30) and None)
    window = make_window(warm_up=True)
    state = window.models_state
    try:
        if prepared:
            qtbot.wait(300)  # the check has long answered
            assert state.text() == "Loading the search model…"
        else:
            qtbot.waitUntil(lambda: state.text() == PREPARING, timeout=10000)
            qtbot.keyClicks(window.search_box, "bicycle")  # a search says what it waits for
            qtbot.waitUntil(lambda: "one-time preparation" in window.summary.full_text(), timeout=5000)
    finally:
        release.set()
    qtbot.waitUntil(state.isHidden, timeout=10000)
    assert PREPARING not in state.text()


def test_a_query_typed_before_the_model_is_ready_gets_results_once_it_is(qtbot, make_window, tmp_path: Path,
                                                                        monkeypatch) -> None:
    docs = tmp_path / "docs"
    write_documents(docs)
    with Library.open(tmp_path / "library") as lib:
        index(lib, docs)
    release = threading.Event()
    loaded = Library.warm_up

    def slow_warm_up(self: Library, space: str = "all") -> None:
        assert release.wait(60)
        loaded(self, space)

    monkeypatch.setattr(Library, "warm_up", slow_warm_up)
    window = make_window(warm_up=True)
    try:
        qtbot.keyClicks(window.search_box, "bicycle chain")
        qtbot.waitUntil(lambda: "still loading" in window.summary.full_text(), timeout=5000)
        assert window.documents.hits == [] and window.models_state.isVisible()
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.results.current.query == "bicycle chain", timeout=60000)
    assert Path(window.documents.hits[0].path).name == "bicycle.txt"
    assert "still loading" not in window.summary.full_text() and window.models_state.isHidden()


def test_the_window_frame_and_the_default_library_need_no_catalog_import() -> None:
    """What runs before the window is on screen imports neither the core facade nor the catalog (a
    second of imports): the window module itself, and finding the default library of a first launch."""
    import subprocess

    code = (
        "import sys, os; os.environ.pop('SEMDESK_LIBRARY', None); import desktop.app, desktop.gui.shell.main_window;"
        "desktop.app._library_dir(None); heavy = [m for m in ('desktop.core.library', 'sqlalchemy', 'numpy', "
        "'desktop.gui.shell.parts') if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
