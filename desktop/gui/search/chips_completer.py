"""`folder:` completion in the search box: while the word under the cursor starts with
"folder:", the folder names of the library are offered; picking one replaces that word
(quoted when the name has a space)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

PREFIX = "folder:"


class FolderCompleter(QCompleter):
    def __init__(self, box: QLineEdit) -> None:
        self.names = QStringListModel()
        super().__init__(self.names, box)
        self.box = box
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setWidget(box)
        self.activated.connect(self.insert)
        box.textEdited.connect(self.update_for_cursor)

    def set_names(self, names: list[str]) -> None:
        self.names.setStringList(names)

    def _word(self) -> tuple[int, str]:
        text, cursor = self.box.text(), self.box.cursorPosition()
        start = text.rfind(" ", 0, cursor) + 1
        return start, text[start:cursor]

    def update_for_cursor(self, _text: str = "") -> None:
        _start, word = self._word()
        if not word.lower().startswith(PREFIX) or not self.names.rowCount():
            self.popup().hide()
            return
        self.setCompletionPrefix(word[len(PREFIX):].lstrip('"'))
        if self.completionCount():
            self.complete()
        else:
            self.popup().hide()

    def insert(self, name: str) -> None:
        start, _ = self._word()
        text, cursor = self.box.text(), self.box.cursorPosition()
        value = f'"{name}"' if " " in name else name
        new = f"{text[:start]}{PREFIX}{value} {text[cursor:].lstrip()}"
        self.box.setText(new)
        self.box.setCursorPosition(start + len(PREFIX) + len(value) + 1)
