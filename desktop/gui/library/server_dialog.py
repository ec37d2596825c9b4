"""File ▸ Open Library ▸ Server Library…: a server library's address, a connection test that says in
plain words what it found (or what is wrong), and Open. The test runs on a worker: a server that is
down may take seconds to say so, and the window must not freeze meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import describe

# (what to run, done(result), failed(error)): the window's worker pool
Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]
EXAMPLE = "postgresql://me@nas.local/semdesk"


def tr(text: str) -> str:
    return QCoreApplication.translate("ServerLibraryDialog", text)


def with_password(address: str, password: str) -> str:
    """The address with the password typed in its own field (kept out of the address line on screen)."""
    if not password or "@" not in address or "://" not in address:
        return address
    scheme, rest = address.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user.split(':', 1)[0]}:{quote(password, safe='')}@{host}"


class ServerLibraryDialog(QDialog):
    tested = Signal(bool, str)  # worked?, the sentence shown

    def __init__(self, check: Callable[[str], str], run: Runner, parent: QWidget | None = None,
                 address: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Open a Server Library"))
        self._check, self._run = check, run
        intro = QLabel(tr("A library in a PostgreSQL database with pgvector, shared by several computers. "
                          "Ask whoever runs the server for its address."))
        intro.setWordWrap(True)
        self.address = QLineEdit(address)
        self.address.setPlaceholderText(EXAMPLE)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("if the server asks for one"))
        form = QFormLayout()
        form.addRow(tr("&Address:"), self.address)
        form.addRow(tr("&Password:"), self.password)
        self.test_button = QPushButton(tr("&Test Connection"))
        self.outcome = QLabel(tr("Not tested yet."))
        self.outcome.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.test_button.clicked.connect(self.test)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.address.textChanged.connect(self._edited)
        self._edited()
        self.resize(560, self.sizeHint().height())

    def full_address(self) -> str:
        return with_password(self.address.text().strip(), self.password.text())

    def _edited(self) -> None:
        typed = bool(self.address.text().strip())
        self.test_button.setEnabled(typed)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(typed)

    def test(self) -> None:
        address = self.full_address()
        self.test_button.setEnabled(False)
        self.outcome.setText(tr("Connecting…"))
        self._run(lambda: self._check(address), lambda found: self._show(True, str(found)),
                  lambda error: self._show(False, describe(error, "while connecting")))

    def _show(self, worked: bool, sentence: str) -> None:
        self.outcome.setText(("✓ " if worked else "✗ ") + sentence)
        self.test_button.setEnabled(bool(self.address.text().strip()))
        self.tested.emit(worked, sentence)
