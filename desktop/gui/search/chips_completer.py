"""`folder:` and `person:` completion in the search box: while the word under the cursor starts with
"folder:" (or "person:"), the folder names (the named people) of the library are offered; picking one
replaces that word (quoted when the name has a space)."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

PREFIX = "folder:"
PREFIXES = (PREFIX, "person:")


class FolderCompleter(QCompleter):
    def __init__(self, box: QLineEdit) -> None:
        self.names = QStringListModel()
        super().__init__(self.names, box)
        self.box = box
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setWidget(box)
        self.lists: dict[str, list[str]] = {prefix: [] for prefix in PREFIXES}
        self.prefix = PREFIX
        self.activated.connect(self.insert)
        box.textEdited.connect(self.update_for_cursor)

    def set_names(self, names: list[str], prefix: str = PREFIX) -> None:
        self.lists[prefix] = list(names)
        if prefix == self.prefix:
            self.names.setStringList(names)

    def _word(self) -> tuple[int, str]:
        text, cursor = self.box.text(), self.box.cursorPosition()
        start = text.rfind(" ", 0, cursor) + 1
        return start, text[start:cursor]

    def update_for_cursor(self, _text: str = "") -> None:
        _start, word = self._word()
        prefix = next((p for p in PREFIXES if word.lower().startswith(p)), None)
        if prefix is None or not self.lists[prefix]:
            self._hide_popup()
            return
        if prefix != self.prefix:
            self.prefix = prefix
            self.names.setStringList(self.lists[prefix])
        self.setCompletionPrefix(word[len(prefix):].lstrip('"'))
        if self.completionCount():
            self.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.popup()
        if popup is not None:
            popup.hide()

    def insert(self, name: str) -> None:
        start, _ = self._word()
        text, cursor = self.box.text(), self.box.cursorPosition()
        value = f'"{name}"' if " " in name else name
        new = f"{text[:start]}{self.prefix}{value} {text[cursor:].lstrip()}"
        self.box.setText(new)
        self.box.setCursorPosition(start + len(self.prefix) + len(value) + 1)
