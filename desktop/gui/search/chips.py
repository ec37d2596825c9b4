"""The query's operators as chips beside the search box: each recognised operator (parsed by
the core, the same parser as the command line) is a small button that removes it from the
query when clicked. A dropped example ("like this photo") is a chip too. The box also gets the
syntax help as its tooltip and `folder:` and `person:` completion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget

from desktop.core.library import parse_query

if TYPE_CHECKING:
    from desktop.core.library import Operator, ParsedQuery
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.search.chips_completer import FolderCompleter

# Marked for translation (context QueryChips) as one text, translated where it is shown.
SYNTAX_HELP = QT_TRANSLATE_NOOP("QueryChips", (
    "<b>Search in your own words</b>, and narrow it with:<br>"
    "<code>\"exact phrase\"</code> documents that hold these words in this order<br>"
    "<code>-word</code>, <code>-\"a phrase\"</code> leave out what mentions it, and steer away from its meaning<br>"
    "<code>kind:photo</code>, <code>kind:document</code> only photos or only documents<br>"
    "<code>type:pdf</code>, <code>type:md</code>, <code>type:jpg</code> … by file type<br>"
    "<code>folder:Holidays</code> files in a folder of that name (completes as you type)<br>"
    "<code>person:Anna</code>, <code>person:\"Anna Smith\"</code> photos of a person named in Photos ▸ People "
    "(completes as you type)<br>"
    "<code>after:2023-07-01</code>, <code>before:2024</code>, <code>year:2023</code> by date "
    "(date taken, else last modified)<br>"
    "&nbsp;&nbsp;dates: 2023-07-14, 2023-07, today, yesterday, \"last week\", \"last month\", "
    "\"july 2023\"<br>"
    "<code>beach july 2023</code> a month and year in the words narrow to that month<br>"
    "Drop a photo or document here, then type words: results like it, steered by the words "
    "(\"like this, but at night\").<br>Anything else is searched as you typed it. (Ctrl+F)"
))


def syntax_help() -> str:
    return QCoreApplication.translate("QueryChips", SYNTAX_HELP)


class QueryChips(QWidget):
    """Follows `box`: shows a chip per operator; removing one edits the box's text."""

    like_removed = Signal()  # the example chip was closed

    def __init__(self, box: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queryChips")
        self.box = box
        self.like: str | None = None
        self.completer = FolderCompleter(box)
        box.setToolTip(syntax_help())
        self.help = QToolButton()
        self.help.setText("?")
        self.help.setObjectName("syntaxHelp")
        self.help.setAccessibleName(self.tr("Search syntax"))
        self.help.setToolTip(syntax_help())
        self.help.setAutoRaise(True)
        self.help.clicked.connect(self.show_help)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(4)
        self._row.addStretch(1)
        self._row.addWidget(self.help)
        self.chips: list[QToolButton] = []
        box.textChanged.connect(self.show_query)
        self.show_query(box.text())

    def set_folder_names(self, names: list[str]) -> None:
        self.completer.set_names(names)

    def set_person_names(self, names: list[str]) -> None:
        self.completer.set_names(names, "person:")

    def set_like(self, path: str | None) -> None:
        self.like = path
        self.show_query(self.box.text())

    def show_query(self, text: str) -> None:
        for chip in self.chips:
            self._row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        parsed = parse_query(text)
        if self.like:
            self._add(self.tr("like {name}").format(name=Path(self.like).name), self._remove_like,
                      self.tr("Results like {path}").format(path=self.like))
        for operator in parsed.operators:
            self._add(operator.label, self._remover(parsed, operator),
                      self.tr("{operator} — click to remove").format(operator=operator.raw))
        self.setVisible(True)

    def labels(self) -> list[str]:
        return [chip.text().removesuffix("  ✕") for chip in self.chips]

    def _remover(self, parsed: ParsedQuery, operator: Operator) -> Callable[[bool], None]:
        def remove(_checked: bool = False) -> None:
            self.box.setText(parsed.without(operator))

        return remove

    def _add(self, label: str, remove: Callable[[bool], None], tip: str) -> None:
        chip = QToolButton()
        chip.setObjectName("queryChip")
        chip.setText(f"{label}  ✕")
        chip.setToolTip(tip)
        chip.setAccessibleName(self.tr("Remove {chip}").format(chip=label))
        chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        chip.setStyleSheet("QToolButton#queryChip { border: 1px solid palette(mid); border-radius: 9px; "
                           "padding: 1px 8px; background: palette(alternate-base); }")
        chip.clicked.connect(remove)
        self._row.insertWidget(len(self.chips), chip)
        self.chips.append(chip)

    def _remove_like(self, _checked: bool = False) -> None:
        self.like = None
        self.show_query(self.box.text())
        self.like_removed.emit()

    def show_help(self) -> None:
        from PySide6.QtWidgets import QToolTip

        QToolTip.showText(self.help.mapToGlobal(self.help.rect().bottomLeft()), syntax_help(), self.help)
