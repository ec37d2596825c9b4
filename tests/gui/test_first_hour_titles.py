"""Issue 13 item 9 (titles) and 22 (fontTools noise): what the results list names a document by."""

from __future__ import annotations

import logging
from io import BytesIO

import pytest
from PySide6.QtCore import Qt

from desktop.core.ingest.extract import extract_text, is_generic_title


def pdf_bytes(text: str, title: str) -> bytes:
    """A one-page PDF with `text` on it and `title` in its information dictionary."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": title})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("generic", ["Enscript Output", "Microsoft Word - minutes.doc", "untitled", "Untitled-3",
                                     "Document1", "report_final.pdf", "PowerPoint Presentation"])
def test_generator_titles_fall_back_to_the_file_name(generic: str) -> None:
    assert is_generic_title(generic)
    got = extract_text(pdf_bytes("Water board minutes", generic), "/docs/minutes-2023-03.pdf")
    assert got.title == "minutes-2023-03"


def test_three_enscript_pdfs_can_be_told_apart() -> None:
    titles = {extract_text(pdf_bytes(f"Page {n}", "Enscript Output"), f"notes-{n}.pdf").title for n in range(3)}
    assert titles == {"notes-0", "notes-1", "notes-2"}


@pytest.mark.parametrize("real", ["Water board minutes", "Untitled Goose Game review", "Word 2010 tips"])
def test_real_titles_are_kept(real: str) -> None:
    assert not is_generic_title(real)
    assert extract_text(pdf_bytes("Some text", real), "x.pdf").title == real


def test_reading_a_pdf_silences_fonttools_warnings() -> None:
    logging.getLogger("fontTools").setLevel(logging.NOTSET)
    extract_text(pdf_bytes("Some text", "A title"), "x.pdf")
    assert logging.getLogger("fontTools").getEffectiveLevel() >= logging.ERROR


# -- snippets and previews without markup ---------------------------------------------------------

REST = """Library and Extension FAQ
=========================

.. _faq-executable:

How do I make a Python script executable on Unix?
-------------------------------------------------

You need to do two things: run ``chmod +x scriptfile`` and see :ref:`the tutorial <tut-x>` 🎉 or
:file:`mathmodule.c` for the **first** line. Write it like this::

  #!/usr/bin/env python
"""


def test_readable_text_keeps_offsets_right() -> None:
    from desktop.gui.common.readable import readable

    shown = readable(REST)
    for junk in ("====", "----", ".. _", "``", ":ref:", ":file:", "<tut-x>", "**", "this::"):
        assert junk not in shown.text, junk
    for word in ("chmod +x scriptfile", "the tutorial", "mathmodule.c", "first", "#!/usr/bin/env python",
                 "How do I make a Python script executable on Unix?"):
        start = REST.index(word)
        assert shown.text[shown.at(start):shown.at(start + len(word))] == word
    assert readable("plain text, no markup").text == "plain text, no markup"
    # A passage that starts with Sphinx's file-wide field or inside a link whose backtick it lost
    # (the wizard's comparison showed both).
    assert readable(":tocdepth: 2\n\nGeneral questions").text == "\nGeneral questions"
    assert readable("ywin32 <https://pypi.org/project/pywin32>`_ is here").text == "ywin32 is here"
    assert readable(":param x: the value").text == ":param x: the value"


def test_preview_shows_readable_text_with_the_passage_highlighted(qtbot) -> None:
    from desktop.core.common.records import Hit, Passage
    from desktop.gui.common.readable import readable
    from desktop.gui.preview.pane import PreviewPane
    from tests.gui.test_first_hour import highlighted_text

    start = REST.index("You need")
    end = REST.index("Write it")
    passage = Passage(chunk_id=1, start=start, end=end, text=REST[start:end], score=0.9)
    hit = Hit(file_id=5, path="/faq/library.rst", kind="text", score=0.9, snippet=passage.text,
              start=start, end=end, chunk_id=1, passages=(passage,))
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    pane.show_document(hit, passage, "python script")
    assert "``" not in pane.text.toPlainText()  # the snippet shown first is readable too
    pane.set_document_text(hit.file_id, REST)
    shown = pane.text.toPlainText()
    assert "====" not in shown and ":file:" not in shown and ".. _faq" not in shown
    assert highlighted_text(pane) == readable(passage.text).text.replace("\n", "")  # blocks join without newlines


# -- 18: the lasso's counts read the same before and after "Find similar" -------------------------

def test_lasso_counts_are_the_same_in_the_bar_and_the_results() -> None:
    from desktop.gui.map.tab import selection_words

    bar, similar = selection_words("passages", 265, 19)
    assert bar == "265 passages selected, in 19 documents"
    assert similar == "the 265 passages selected on the map (in 19 documents)"
    assert selection_words("text", 3, 3) == ("3 selected", "the 3 documents selected on the map")
    assert selection_words("image", 1, 1)[1] == "the photo selected on the map"


# -- 16: points stay round when zoomed in ----------------------------------------------------------

def test_map_points_stay_round_when_zoomed_in(qtbot) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QImage, QPainter, QPolygonF, QTransform

    from desktop.gui.map.paint import paint_points

    picture = SimpleNamespace(data=[0], groups=[("a", 1, QColor("#e15759"), QPolygonF([QPointF(0.01, 0.02)]), False)],
                              highlight=None, selection=QPolygonF())
    for scale in (50.0, 5000.0, 500000.0):  # a fitted map, then zoomed far in
        image = QImage(300, 300, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        transform = QTransform(scale, 0, 0, -scale, 150 - 0.01 * scale, 150 + 0.02 * scale)
        paint_points(painter, transform, picture)  # type: ignore[arg-type]
        painter.end()
        painted = [(x, y) for y in range(300) for x in range(300) if image.pixelColor(x, y).green() < 200]
        xs, ys = [p[0] for p in painted], [p[1] for p in painted]
        width, height = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
        assert abs(width - height) <= 1 and width <= 10, (scale, width, height)


# -- 15: the legend folds, moves to another corner, and keeps off the points -------------------------

class StubMap:
    """Just enough of the core's MapData for the canvas: points spread over a square, three groups."""

    kind = "text"

    def __init__(self) -> None:
        import numpy as np

        rng = np.random.default_rng(3)
        self.xy = rng.uniform(-1, 1, size=(300, 2))
        self.member = np.arange(300) % 3

    def __len__(self) -> int:
        return len(self.xy)

    def bounds(self) -> tuple[float, float, float, float]:
        return -1.0, -1.0, 1.0, 1.0

    def colouring(self, by: str):
        from types import SimpleNamespace

        groups = [SimpleNamespace(name=f"a rather long cluster name {g}", count=100, muted=False,
                                  xs=list(self.xy[self.member == g, 0]), ys=list(self.xy[self.member == g, 1]))
                  for g in range(3)]
        return SimpleNamespace(by=by, groups=groups, sequential=False,
                               group_of=lambda indices: [int(self.member[i]) for i in indices])

    def cluster_labels(self) -> list:
        return []

    def xs_ys(self, indices: list[int]) -> tuple[list[float], list[float]]:
        return [float(self.xy[i, 0]) for i in indices], [float(self.xy[i, 1]) for i in indices]

    def nearest(self, x: float, y: float, radius: float) -> None:
        return None


def test_map_legend_folds_moves_and_keeps_off_the_points(qtbot) -> None:
    from PySide6.QtCore import QPoint, QPointF

    from desktop.gui.map.canvas import MapCanvas

    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(700, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    data = StubMap()
    canvas.set_map(data, "cluster")
    canvas.grab()
    box = canvas.picture.legend_box
    assert not box.isEmpty() and box.right() > 600 and box.top() < 40  # top right to start with
    screen = [canvas.transform().map(QPointF(x, y)) for x, y in data.xy]
    assert not any(box.contains(p) for p in screen), "a point is under the legend"

    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=box.center().toPoint())
    canvas.grab()
    folded = canvas.picture.legend_box
    assert canvas.picture.legend_folded and folded.height() < box.height() / 2

    start = folded.center().toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 460))
    canvas.grab()
    moved = canvas.picture.legend_box
    assert canvas.picture.legend_corner == "bottom left" and moved.left() < 40 and moved.bottom() > 460
    screen = [canvas.transform().map(QPointF(x, y)) for x, y in data.xy]
    assert not any(moved.contains(p) for p in screen)


# -- 5: a long first load says what it is doing ------------------------------------------------------

def test_the_models_state_names_the_one_time_preparation_only_when_asked(qtbot) -> None:
    """The wording; whether it is asked for comes from the model cache (tests/gui/test_cold_start.py)."""
    from desktop.gui.shell.status_bar import ModelsState

    state = ModelsState()
    qtbot.addWidget(state)
    state.loading()
    assert state.text() == "Loading the search model…" and "one time" not in state.text()
    state.preparing()
    assert "Preparing the search model for this computer (one time only, about a minute)" in state.text()
    state.ready()
    assert state.isHidden() and state.text() == ""


# -- 21: a photo's caption is its searchable text, not a document of its own ------------------------

def test_caption_sidecars_and_descriptions_become_the_photos_text(tmp_path) -> None:
    from PIL import Image

    from desktop.core.library import Library
    from tests.conftest import index

    folder = tmp_path / "Pictures"
    folder.mkdir()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(folder / "party.png")
    (folder / "party.txt").write_text("Sam blowing out the candles on a chocolate birthday cake", encoding="utf-8")
    Image.new("RGB", (64, 48), (40, 40, 200)).save(folder / "harbour.jpg")
    (folder / "harbour.jpg.xmp").write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt>'
        '<rdf:li xml:lang="x-default">Fishing boats in the harbour at dawn</rdf:li></rdf:Alt></dc:description>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>", encoding="utf-8")
    exif = Image.Exif()
    exif[0x010E] = "A lighthouse on the rocky cape"
    Image.new("RGB", (64, 48), (40, 200, 40)).save(folder / "cape.jpg", exif=exif)
    (folder / "shopping list.txt").write_text("eggs, flour and milk for the pancakes", encoding="utf-8")

    with Library.open(tmp_path / "lib") as lib:  # no photo model: the captions are found as keywords
        index(lib, folder)
        documents = {hit.path.rsplit("/", 1)[-1] for hit in lib.search_documents("birthday cake candles")}
        assert "party.txt" not in documents  # the caption is no document of its own
        assert {h.path.rsplit("/", 1)[-1] for h in lib.search_documents("pancakes")} == {"shopping list.txt"}
        assert lib.status().kinds.get("text") == 1
        found = lambda q: [h.path.rsplit("/", 1)[-1] for h in lib.search_photos(q)]  # noqa: E731
        assert found("birthday cake") == ["party.png"]
        assert found("fishing boats harbour") == ["harbour.jpg"]
        assert found("lighthouse") == ["cape.jpg"]


# -- 13: a k-fold round measures only the passages that can change its rankings --------------------

def test_candidate_pool_is_the_nearest_passages_and_the_marked_ones() -> None:
    import numpy as np

    from desktop.core.tuning.evaluate import Space, candidate_pool
    from desktop.core.tuning.examples import QueryMarks

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(1000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    space = Space(np.arange(1000, dtype=np.int64) + 5000, vectors)
    query = vectors[[7]] + 0.01
    test = QueryMarks("q", positives=(5999,), negatives=(5998,))
    pool = candidate_pool(space, query, [test], {"q": 5997}, size=50)
    assert len(pool) <= 53 and {5999, 5998, 5997} <= pool
    assert set(space.rank(query, k=10)[0]) <= pool  # today's top 10 is inside
    assert 5007 in pool
