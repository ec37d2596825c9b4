"""Faults a new user met in the first hour (issue 13): preview highlights, tiny photos, title, marks."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox, QWizard

from desktop.core.common.jobs import CancelToken
from desktop.core.common.records import Hit, Passage
from desktop.core.library import GOOD_MATCH, Library
from desktop.core.tuning import Candidate, TrainSettings
from desktop.core.tuning.evaluate import Metrics
from desktop.core.tuning.versions import install
from desktop.gui.common.highlight import utf16_offsets
from desktop.gui.common.workers import Workers
from desktop.gui.library.sidebar import STATE_ROLE
from desktop.gui.preview.pane import PASSAGE_COLOUR, TERM_COLOUR, PreviewPane
from desktop.gui.search.controller import Results
from desktop.gui.shell.main_window import MainWindow
from desktop.gui.tuning.run_pages import KeepPage, ResultsPage
from desktop.gui.tuning.state import WizardState
from desktop.gui.tuning.versions_dialog import ModelsDialog
from tests.conftest import index
from tests.gui.conftest import FakeDesktop, search, wait_idle


def highlighted_text(pane: PreviewPane) -> str:
    """The characters the preview painted with a passage or query-word background."""
    marked: list[str] = []
    block = pane.text.document().begin()
    colours = {PASSAGE_COLOUR.name(), TERM_COLOUR.name()}
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().background().color().name() in colours:
                marked.append(fragment.text())
            it += 1
        block = block.next()
    return "".join(marked)


def test_preview_highlight_is_the_passage_after_emoji(qtbot) -> None:
    passage_text = "balloons and a chocolate cake"
    text = "Party 🎉🎈 for Sam 🥳!\nWe need " + passage_text + " by Friday.\n"
    start = text.index(passage_text)
    passage = Passage(chunk_id=1, start=start, end=start + len(passage_text), text=passage_text, score=0.9)
    hit = Hit(file_id=7, path="/notes/party.txt", kind="text", score=0.9, snippet=passage_text,
              start=passage.start, end=passage.end, chunk_id=1, passages=(passage,))
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    pane.show_document(hit, passage, "chocolate cake")
    pane.set_document_text(hit.file_id, text)

    assert highlighted_text(pane) == passage_text
    # The view is put at the passage's start, counted the way Qt counts.
    cursor = pane.text.textCursor()
    qt = utf16_offsets(text)
    assert cursor.position() == qt(start)


def test_utf16_offsets_count_astral_characters_twice() -> None:
    text = "a🎉b😀c"
    qt = utf16_offsets(text)
    assert [qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7]
    assert utf16_offsets("plain")(3) == 3


def tiny_photo(path: Path, width: int = 46, height: int = 50) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3b82f6"))
    assert image.save(str(path))
    return path


def test_tiny_photo_is_shown_at_most_twice_its_size(qtbot, tmp_path: Path) -> None:
    path = tiny_photo(tmp_path / "tiny.png")
    hit = Hit(file_id=3, path=str(path), kind="image", score=0.8)
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    pane.resize(900, 900)
    pane.show()
    qtbot.waitExposed(pane)
    pane.show_photo(hit, None)
    pane.set_photo(str(path), QPixmap(str(path)), "46 × 50 pixels")
    qtbot.waitUntil(lambda: not pane.image.pixmap().isNull())
    assert pane.image.width() > 400 and pane.image.height() > 400  # room to blow it up, if it were
    shown = pane.image.pixmap().size()
    assert shown.width() <= 92 and shown.height() <= 100
    assert shown.width() >= 46 and shown.height() >= 50  # not shrunk either


def test_large_photo_still_fits_the_area(qtbot, tmp_path: Path) -> None:
    path = tiny_photo(tmp_path / "big.png", 2000, 1500)
    hit = Hit(file_id=4, path=str(path), kind="image", score=0.8)
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    pane.resize(600, 700)
    pane.show()
    qtbot.waitExposed(pane)
    pane.show_photo(hit, QPixmap(str(path)))
    shown = pane.image.pixmap().size()
    assert shown.boundedTo(pane.image.size()) == shown
    assert shown.width() == pane.image.width() or shown.height() == pane.image.height()
    assert shown != QSize(2000, 1500)


def test_window_title_names_the_library_then_the_app_once(make_window, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert app is not None
    old = app.applicationDisplayName()
    app.setApplicationDisplayName("semdesk")
    try:
        window = make_window(tmp_path / "lib")
        title = window.windowTitle()
        assert title == "lib — semdesk"
        # Window systems append the display name unless the title already ends with it, so what the
        # user sees is this title as is: the name appears once.
        assert title.endswith(app.applicationDisplayName())
        assert title.count("semdesk") == 1
    finally:
        app.setApplicationDisplayName(old)


def test_mark_menu_items_show_one_indication(make_window, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    menus = [a.menu() for a in window.menuBar().actions() if isinstance(a.menu(), QMenu)]
    marks = [a for menu in menus for a in menu.actions() if "relevant" in a.text().lower()]
    assert len(marks) == 2
    for act in marks:
        assert act.isCheckable()
        assert "✓" not in act.text() and "✗" not in act.text(), act.text()


# -- 1: the window fits a 1366 x 768 screen at every moment ------------------------------------------

LONG_NAME = "Quarterly report of the regional water board on the maintenance of the northern canals, final v3.pdf"


def test_window_fits_a_small_screen_with_long_labels_and_a_preview(make_window, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    # Everything that once widened the window at the same time: "Similar to <long name>" after a drop
    # on the search box, a long folder filter, a document preview with its six actions, the map's
    # progress line and selection bar, and a long indexing line in the status bar.
    window.results.show_results(Results("", LONG_NAME, similar=True))
    window.filter_bar.set_folder("/home/sam/" + LONG_NAME.replace(".pdf", ""))
    hit = Hit(file_id=1, path="/home/sam/Documents/water/" + LONG_NAME, kind="text", score=0.5,
              snippet="canal", title=LONG_NAME)
    window.preview.show_document(hit, None, "canal")
    window.tabs.setCurrentWidget(window.map_tab)
    window.map_tab.status.setText("Placing 12,345 passages of " + LONG_NAME + " and 400 other documents…")
    window.map_tab.selection_label.setText("265 passages selected in " + LONG_NAME)
    window.map_tab.selection_bar.show()
    window.job_progress.start("Indexing " + LONG_NAME + ", " + LONG_NAME)
    window.status_text.setText("12,345 documents · 4,567 photos · 123,456 passages · " + LONG_NAME)
    QApplication.processEvents()

    assert window.minimumSizeHint().width() <= 1366 - 20, window.minimumSizeHint()
    assert window.minimumSize().width() <= 1366 - 20
    window.resize(1300, 700)
    QApplication.processEvents()
    assert window.width() <= 1300
    # The preview's actions are still all there: those that do not fit go behind the tool bar's » menu.
    assert [a.text() for a in window.preview.toolbar.actions() if not a.isSeparator()] == [
        a.text() for a in window.actions_.all if a is not None]
    # A shortened label keeps the whole text for its tooltip.
    assert window.results.summary.text() == f"Similar to “{LONG_NAME}”"


# -- 2, 3: the empty-library message and queued folders ---------------------------------------------

def folder_rows(window) -> dict[str, str]:
    """Sidebar rows as name -> state line, "All folders" included."""
    rows = {}
    for row in range(window.sidebar.list.count()):
        item = window.sidebar.list.item(row)
        rows[item.text()] = item.data(STATE_ROLE)
    return rows


def test_empty_library_message_goes_as_soon_as_a_folder_is_added(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    assert window.documents_view.placeholder_title == "Your library is empty"
    window.add_paths([corpus / "notes"])
    # At once, not when the job has written its first rows: the folder is being indexed.
    assert window.documents_view.placeholder_title != "Your library is empty"
    assert window.photos_view.placeholder_title != "Your library is empty"
    wait_idle(qtbot, window)
    assert window.library.status().kinds.get("text", 0) > 0
    assert window.documents_view.placeholder_title != "Your library is empty"


def test_a_folder_added_while_another_indexes_shows_at_once_as_waiting(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    window.add_paths([corpus / "photos"])  # queued behind the first job
    assert window.indexer.queue, "the second folder should be queued"
    rows = folder_rows(window)
    assert rows.get("photos") == "waiting to be indexed", rows
    assert "notes" in rows
    assert rows["All folders"] != "drop folders here to add them"
    wait_idle(qtbot, window)
    rows = folder_rows(window)
    assert "waiting to be indexed" not in rows.values(), rows
    assert set(rows) == {"All folders", "notes", "photos"}


def test_reopened_library_never_says_empty_before_its_status_is_read(qtbot, tmp_path: Path, corpus: Path,
                                                                        text_model_loaded: None) -> None:
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        index(lib, corpus / "notes")
    state = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Library.open(path), state, desktop=FakeDesktop(), warm_up=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    try:
        # Straight after opening, before the status has come back from its worker.
        assert "drop folders" not in folder_rows(window)["All folders"]
        assert window.documents_view.placeholder_title != "Your library is empty"
        qtbot.waitUntil(lambda: window.status.last is not None)
        qtbot.waitUntil(lambda: "notes" in folder_rows(window))
        assert window.documents_view.placeholder_title != "Your library is empty"
    finally:
        window.close()


# -- 4: counts agree -----------------------------------------------------------------------------------

def test_counts_agree_and_waiting_photos_are_not_failures(qtbot, make_window, corpus: Path) -> None:
    window = make_window()  # no photo model: the photos wait for it
    window.add_paths([corpus / "notes", corpus / "photos"])
    wait_idle(qtbot, window)
    status = window.library.status()
    assert status.counts.get("waiting_model", 0) >= 5
    items = int(folder_rows(window)["All folders"].split()[0])
    shown = window.status_text.text()  # "30 documents · 0 photos · 30 passages"
    documents, photos = (int(part.split()[0].replace(",", "")) for part in shown.split(" · ")[:2])
    assert documents + photos == items, (shown, items)
    failures = sum(1 for s in status.skipped if s.status == "skipped")
    link = window.sidebar.skipped_button
    if failures:
        assert f"{failures} file" in link.text()
    window.show_skipped()
    intro = window.skipped_dialog.findChild(QLabel).text()
    waiting = status.counts["waiting_model"]
    assert f"{waiting} photos wait for the photo model" in intro
    assert f"{len(status.skipped)} files could not be indexed" not in intro
    if failures:
        assert f"{failures} file{'s' if failures != 1 else ''} could not be indexed" in intro
    window.skipped_dialog.close()


# -- 7: the folder filter keeps photos -----------------------------------------------------------------

def test_folder_filter_keeps_the_photos_it_holds(qtbot, make_window, corpus: Path) -> None:
    window = make_window()  # no photo model: the photos are found by their names only
    window.add_paths([corpus / "notes", corpus / "photos"])
    wait_idle(qtbot, window)
    search(qtbot, window, "sunset")
    everywhere = [Path(h.path).name for h in window.photos.hits]
    assert "red-sunset.png" in everywhere
    rows = [window.sidebar.list.item(i).text() for i in range(window.sidebar.list.count())]
    window.sidebar.list.setCurrentRow(rows.index("photos"))
    qtbot.waitUntil(lambda: window.search.filters.folder is not None)
    qtbot.waitUntil(lambda: not window.search._running, timeout=20000)
    assert [Path(h.path).name for h in window.photos.hits] == everywhere
    window.sidebar.list.setCurrentRow(rows.index("notes"))
    qtbot.waitUntil(lambda: window.search.filters.folder is not None and "notes" in window.search.filters.folder)
    qtbot.waitUntil(lambda: not window.search._running, timeout=20000)
    assert window.photos.hits == []  # the filter still filters


# -- 8: "More like this" on a photo without a CLIP vector --------------------------------------------

def test_more_like_this_is_disabled_with_the_reason_on_a_photo_without_vectors(qtbot, make_window,
                                                                               corpus: Path) -> None:
    window = make_window()  # no photo model
    window.add_paths([corpus / "notes", corpus / "photos"])
    wait_idle(qtbot, window)
    search(qtbot, window, "sunset")
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.actions_.hit is not None and window.actions_.hit.kind == "image")
    similar = window.actions_.similar
    assert not similar.isEnabled()
    assert "photo model" in similar.toolTip()
    shown = window.results.current
    similar.trigger()  # the shortcut or a stale button does nothing harmful either
    assert window.results.current is shown and window.photos.rowCount() > 0
    window.results.reveal_weaker()  # "sunset" has no good document match: the weaker ones will do
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.actions_.hit is not None and window.actions_.hit.kind == "text")
    assert similar.isEnabled() and "photo model" not in similar.toolTip()


# -- 11: weak hits behind "show n weaker matches" ----------------------------------------------------

def test_weak_hits_wait_behind_show_weaker_matches(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    wait_idle(qtbot, window)
    search(qtbot, window, "baking sourdough bread in a dutch oven")
    found = window.results.current.documents
    shown = window.documents.hits
    assert shown and all(h.score >= GOOD_MATCH for h in shown)
    assert Path(shown[0].path).stem == "sourdough"
    weaker = [h for h in found if h.score < GOOD_MATCH]
    assert weaker, "the small corpus has unrelated notes, which must score under the cut-off"
    button = window.results.show_weaker
    assert button.isVisibleTo(window) and button.text() == f"Show {len(weaker)} weaker matches"
    assert window.tabs.tabText(0) == f"Documents  {len(shown)}"
    button.click()
    assert window.documents.rowCount() == len(found)
    assert not button.isVisibleTo(window)
    # "More like this" is not cut.
    window.actions_.similar.trigger()
    qtbot.waitUntil(lambda: window.results.current.similar, timeout=20000)
    assert window.documents.rowCount() == len(window.results.current.documents)


# -- 12: the wizard is not modal and never throws training away on a stray key -----------------------

def test_wizard_is_not_modal_and_cancel_asks_first(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    window.menu.improve.trigger()
    wizard = window.tune_wizard
    qtbot.waitExposed(wizard)
    assert not wizard.isModal() and wizard.windowModality() == Qt.WindowModality.NonModal
    assert QApplication.activeModalWidget() is None  # the main window still takes the keys typed in it
    cancel = wizard.training_page.cancel
    assert cancel.focusPolicy() == Qt.FocusPolicy.NoFocus and not cancel.autoDefault() and not cancel.isDefault()
    assert not wizard.button(QWizard.WizardButton.CancelButton).autoDefault()

    # A run in progress (the real training is exercised in test_tune_wizard).
    asked: list[bool] = []
    answer = [False]

    def ask() -> bool:
        asked.append(True)
        return answer[0]

    wizard.ask_stop = ask
    wizard.training, wizard.token = True, CancelToken()
    cancel.setEnabled(True)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert asked and not wizard.token.cancelled  # "Keep Training" is the default answer
    wizard.reject()  # Esc or the window's close button: asks too
    assert len(asked) == 2 and wizard.isVisible() and not wizard.token.cancelled
    answer[0] = True
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert wizard.token.cancelled
    wizard.training = False
    wizard.reject()
    assert not wizard.isVisible()


def test_stop_training_question_defaults_to_keep_training(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    window.menu.improve.trigger()
    wizard = window.tune_wizard
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.defaultButton().text())
        box.defaultButton().click()

    QTimer.singleShot(200, answer)
    assert wizard.ask_stop() is False
    assert seen == ["Keep Training"]


# -- 14: one plain verdict; Model Versions renames and deletes ------------------------------------

def candidate(tmp_path: Path, before: Metrics, after: Metrics) -> Candidate:
    return Candidate(target="text", folder=str(tmp_path / "candidate"), base_model="base", dim=384, before=before,
                     after=after, folds=1, data_size=8, queries=8, settings=TrainSettings(), losses=(),
                     comparisons=(), seconds=12.0)


def test_results_page_states_one_verdict_and_the_numbers_below(qtbot, tmp_path: Path) -> None:
    # The case the issue quotes: 8 examples, 3 held out, top 3 for 2 of 3 before and after.
    same = candidate(tmp_path, Metrics(0.5, 0.610, 0.7, 2, 3), Metrics(0.52, 0.612, 0.7, 2, 3))
    wizard = SimpleNamespace(state=WizardState(candidates=[same]), keep=lambda: None, discard=lambda: None,
                             stop_keep=lambda: None)
    page = ResultsPage(wizard)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.initializePage()
    labels = [w.text() for w in page.body.findChildren(QLabel)]
    verdicts = [w for w in page.body.findChildren(QLabel) if w.objectName() == "tuningVerdict"]
    assert len(verdicts) == 1
    assert "No measurable change: keep the current model." in verdicts[0].text()
    others = " ".join(t for t in labels if t != verdicts[0].text()).lower()
    assert "keep" not in others and "discard" not in others and "help" not in others  # no second verdict
    assert "2 of 3 with the new model and 2 of 3 with the current one" in others
    keep = KeepPage(wizard)  # type: ignore[arg-type]
    qtbot.addWidget(keep)
    keep.initializePage()
    assert "No measurable change" in keep.advice.text() and keep.discard.isDefault()
    # A real gain says so, once.
    better = candidate(tmp_path, Metrics(0.5, 0.6, 0.7, 1, 3), Metrics(0.7, 0.8, 0.9, 3, 3))
    wizard.state.candidates = [better]
    page.initializePage()
    verdicts = [w for w in page.body.findChildren(QLabel) if w.objectName() == "tuningVerdict"]
    assert "Keep the new model." in verdicts[-1].text()


def test_model_versions_renames_and_deletes_a_kept_version(qtbot, tmp_path: Path, text_model_loaded: None) -> None:
    library = Library.open(tmp_path / "lib")
    folder = tmp_path / "trained"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    version_id = install(library.workspace, "text", folder, name="tuned", base_model="base-model", dim=384,
                         data_size=8, metrics={})
    workers = Workers()
    dialog = ModelsDialog(library, workers)
    qtbot.addWidget(dialog)
    try:
        qtbot.waitUntil(lambda: dialog.list.count() == 2)
        base = next(r for r in range(2) if dialog.list.item(r).data(Qt.ItemDataRole.UserRole) != version_id)
        dialog.list.setCurrentRow(base)  # the base model: cannot be renamed or deleted
        assert not dialog.rename.isEnabled() and not dialog.delete.isEnabled()
        row = next(r for r in range(2) if dialog.list.item(r).data(Qt.ItemDataRole.UserRole) == version_id)
        dialog.list.setCurrentRow(row)
        assert dialog.rename.isEnabled() and dialog.delete.isEnabled()
        dialog.ask_name = lambda current: "Cooking notes"
        dialog.rename.click()
        qtbot.waitUntil(lambda: any("Cooking notes" in dialog.list.item(r).text() for r in range(dialog.list.count())))
        assert any(v.label == "documents: Cooking notes" for v in library.model_versions())
        kept = Path(next(v.path for v in library.model_versions() if v.id == version_id))
        assert kept.is_dir()
        row = next(r for r in range(2) if dialog.list.item(r).data(Qt.ItemDataRole.UserRole) == version_id)
        dialog.list.setCurrentRow(row)
        dialog.confirm_delete = lambda label: True
        dialog.delete.click()
        qtbot.waitUntil(lambda: dialog.list.count() == 1)
        assert [v.id for v in library.model_versions() if v.id == version_id] == []
        assert not kept.exists()
    finally:
        dialog.done(0)
        workers.wait()
        library.close()


# -- 20: Download CLIP weights says the size and asks; an offline failure clears the status --------

def test_download_asks_with_the_size_and_an_offline_failure_clears_the_status(make_window, qtbot, tmp_path: Path,
                                                                               monkeypatch) -> None:
    window = make_window(tmp_path / "lib")
    questions: list[str] = []
    answer = [False]

    def ask(question: str, detail: str, confirm: str) -> bool:
        questions.append(question)
        return answer[0]

    monkeypatch.setattr(window, "ask", ask)
    started: list[bool] = []
    monkeypatch.setattr(window.photo_model, "download", lambda real=window.photo_model.download: (
        started.append(True), real())[1])
    window.download_clip()
    assert questions and "MB" in questions[0] and "605" in questions[0]  # the default ViT-B-32
    assert not started  # "Cancel": nothing is fetched
    answer[0] = True
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with qtbot.waitSignal(window.photo_model.failed, timeout=60000):
        window.download_clip()
    assert started
    QApplication.processEvents()
    assert "Downloading" not in window.statusBar().currentMessage()


def test_settings_form_fits_its_window_without_a_sideways_scroll(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QCheckBox, QScrollArea

    from desktop.gui.library.settings_dialog import SettingsDialog

    library = Library.open(tmp_path / "lib")
    dialog = SettingsDialog(library)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    scroll = dialog.findChild(QScrollArea)
    content = scroll.widget()
    assert content.minimumSizeHint().width() <= scroll.viewport().width(), content.minimumSizeHint()
    for box in content.findChildren(QCheckBox):
        assert not box.text().endswith(")") and ": " not in box.text(), box.text()  # details go below
    dialog.close()
    library.close()


# -- 22: Help has a how-to page and the shortcuts ---------------------------------------------------

def test_help_menu_has_how_to_and_the_shortcuts(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    help_menu = next(a.menu() for a in window.menuBar().actions()
                     if isinstance(a.menu(), QMenu) and a.menu().title().replace("&", "") == "Help")
    names = [a.text().replace("&", "") for a in help_menu.actions() if not a.isSeparator()]
    assert "How to Use semdesk" in names and "Keyboard Shortcuts" in names
    how_to, shortcuts = window.help_actions
    shortcuts.trigger()
    dialog = window.help_dialogs["keys"]
    qtbot.waitExposed(dialog)
    rows = {dialog.table.item(r, 1).text(): dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())}
    assert rows.get("Edit ▸ Find", "").startswith("Ctrl+F") and "Alt+Up" in rows.get("Result ▸ Relevant", "")
    assert "Result ▸ More like this" in rows
    dialog.close()
    how_to.trigger()
    page = window.help_dialogs["how"]
    assert "Add folders" in page.text.toPlainText() and "Improve Results" in page.text.toPlainText()
    page.close()


# -- 17: the photo map says what is missing; a saved map reopens at once ----------------------------

MAP_TAB = 2


def test_photo_map_says_the_photos_wait_for_the_photo_model(make_window, qtbot, corpus: Path) -> None:
    window = make_window()  # no photo model
    window.add_paths([corpus / "photos"])
    wait_idle(qtbot, window)
    tab = window.map_tab
    window.tabs.setCurrentIndex(MAP_TAB)
    tab.space.setCurrentIndex([tab.space.itemData(i) for i in range(tab.space.count())].index("image"))
    qtbot.waitUntil(lambda: tab.maps.get("image") is not None and tab.running is None, timeout=60000)
    text = tab.canvas.empty_text
    waiting = window.library.status().counts["waiting_model"]
    assert f"{waiting} photos wait for the photo model" in text, text
    assert "Add a folder" not in text


def test_a_saved_map_reopens_at_once_without_laying_out(make_window, qtbot, tmp_path: Path, corpus: Path) -> None:
    import time

    from desktop.core.common.jobs import run_job
    from desktop.core.maps import LayoutOptions

    path = tmp_path / "lib"
    with Library.open(path) as lib:
        index(lib, corpus / "notes")
        run_job(lib.map("text", options=LayoutOptions(n_epochs=40, random_state=5)))  # saved in the library
    window = make_window(path)
    tab = window.map_tab
    seen: list[str] = []
    started = time.monotonic()
    window.tabs.setCurrentIndex(MAP_TAB)

    def opened() -> bool:
        seen.append(tab.canvas.empty_text)
        return tab.current is not None and tab.running is None

    qtbot.waitUntil(opened, timeout=30000)
    seconds = time.monotonic() - started
    assert len(tab.current) == 30
    assert not any("Laying out" in text for text in seen), set(seen)
    # Issue 13 asks for <= 1 s; measured here on a shared, loaded machine, so allow for its noise.
    assert seconds <= 3.0, f"a saved map took {seconds:.2f} s to open"
    print(f"saved map reopened in {seconds:.2f} s")


# -- 13: the wizard says how long the run will take before it starts -----------------------------

def test_wizard_settings_page_says_how_long_training_will_take(make_window, qtbot, tmp_path: Path,
                                                               corpus: Path) -> None:
    notes = corpus / "notes"
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        index(lib, notes)
        for query, right, wrong in [("fixing a flat bike tyre", "bicycle-repair", "oil-change"),
                                    ("baking bread at home", "sourdough", "tomatoes"),
                                    ("when is the heating checked", "boiler-service", "dentist"),
                                    ("paperwork for the revenue office", "tax-return", "mortgage"),
                                    ("looking after a kitten", "cat-care", "wedding")]:
            lib.mark(query, next(notes.glob(f"{right}.*")), True)
            lib.mark(query, next(notes.glob(f"{wrong}.*")), False)
    window = make_window(path)
    window.menu.improve.trigger()
    wizard = window.tune_wizard
    qtbot.waitUntil(lambda: wizard.marks_page.tree.topLevelItemCount() == 5, timeout=10000)
    nxt = wizard.button(QWizard.WizardButton.NextButton)
    for _ in range(2):  # marks, target: the settings page comes before any training starts
        qtbot.waitUntil(nxt.isEnabled, timeout=10000)
        nxt.click()
    assert wizard.currentPage() is wizard.settings_page and not wizard.training
    label = wizard.settings_page.estimate
    qtbot.waitUntil(lambda: "Expected to take" in label.text(), timeout=10000)
    assert "rounds of training on 5 examples" in label.text(), label.text()
    first = label.text()
    wizard.settings_page.epochs["text"].setValue(40)  # more passes: a longer run, said at once
    qtbot.waitUntil(lambda: label.text() != first, timeout=10000)
    wizard.reject()


def test_improve_results_twice_brings_back_the_open_wizard(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    window.menu.improve.trigger()
    first = window.tune_wizard
    qtbot.waitExposed(first)
    window.menu.improve.trigger()  # the wizard is not modal: the menu stays reachable
    assert window.tune_wizard is first
    first.reject()
