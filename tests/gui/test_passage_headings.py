"""Where in its document a passage is (issue 26): the result row shows the section headings after the
document's title, each further passage row says its own, and the preview's header names the passage's."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from desktop.core.common.records import Hit, Passage
from desktop.gui.preview.pane import PreviewPane
from desktop.gui.search.delegates import DocumentDelegate
from desktop.gui.search.result_models import DocumentResultsModel
from desktop.gui.search.views import ResultsTree

TITLE = "venv — Creation of virtual environments"
TEXT = ("When a Python interpreter is running from a virtual environment, sys.prefix and sys.exec_prefix point\n"
        "to the directories of the virtual environment.\n\nEnvBuilder may be used as a base class.\n")


def _hit(heading: str, second: str) -> Hit:
    cut = TEXT.index("EnvBuilder")
    first = Passage(chunk_id=1, start=0, end=cut, text=TEXT[:cut], score=0.8, heading=heading)
    other = Passage(chunk_id=2, start=cut, end=len(TEXT), text=TEXT[cut:], score=0.5, heading=second)
    return Hit(file_id=3, path="/docs/venv.html", kind="text", score=0.8, snippet=first.text, start=0, end=cut,
               chunk_id=1, title=TITLE, folder="/docs", passages=(first, other), heading=heading)


def _row_image(tree: ResultsTree, model: DocumentResultsModel) -> QImage:
    image = QImage(700, 90, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.initFrom(tree)
    option.rect = QRect(0, 0, 700, 90)
    painter = QPainter(image)
    tree.itemDelegate().paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def test_result_rows_show_the_passage_headings(qtbot) -> None:
    model = DocumentResultsModel()
    tree = ResultsTree()
    qtbot.addWidget(tree)
    tree.setModel(model)
    tree.setItemDelegate(DocumentDelegate(tree))
    model.set_results([_hit("How venvs work", "API › EnvBuilder")], "sys.prefix in a venv", {})
    top = model.index(0, 0)
    assert model.data(top) == f"{TITLE} › How venvs work"
    assert f"{TITLE} › How venvs work" in model.data(top, Qt.ItemDataRole.AccessibleDescriptionRole)
    extra = model.index(0, 0, top)  # the second passage, a row of its own under the document
    assert model.data(extra, Qt.ItemDataRole.ToolTipRole).startswith(f"{TITLE} › API › EnvBuilder")
    with_heading = _row_image(tree, model)
    model.set_results([_hit("", "")], "sys.prefix in a venv", {})
    assert model.data(model.index(0, 0)) == TITLE
    without = _row_image(tree, model)
    # The same row but for the heading: the title line differs to the right of the title, nowhere else.
    title_line = QRect(0, 0, 600, 26)
    differs = [(x, y) for x in range(700) for y in range(90) if with_heading.pixel(x, y) != without.pixel(x, y)]
    assert differs and all(title_line.contains(x, y) for x, y in differs)


def test_the_preview_header_names_the_passage_section(qtbot) -> None:
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    hit = _hit("How venvs work", "API › EnvBuilder")
    pane.show_document(hit, hit.passages[0], "sys.prefix")
    pane.set_document_text(hit.file_id, TEXT)
    assert pane.title.text() == f"{TITLE} › How venvs work"
    pane.show_document(hit, hit.passages[1], "sys.prefix")  # another passage of the same document chosen
    assert pane.title.text() == f"{TITLE} › API › EnvBuilder"
    plain = _hit("", "")
    pane.show_document(plain, plain.passages[0], "sys.prefix")
    assert pane.title.text() == TITLE


def test_a_map_point_of_a_passage_says_its_section() -> None:
    from desktop.core.maps.map_data import MapItem
    from desktop.gui.map.paint import tooltip_html

    point = MapItem(0, 1, 3, "/docs/venv.html", TITLE, "sys.prefix points to…", "docs", 0.0, -1, "", "",
                    "How venvs work")
    assert f"<b>{TITLE} › How venvs work</b>" in tooltip_html(point, "text")
    whole = MapItem(0, 3, 3, "/docs/venv.html", TITLE, "sys.prefix points to…", "docs", 0.0, -1, "", "")
    assert f"<b>{TITLE}</b>" in tooltip_html(whole, "text")
