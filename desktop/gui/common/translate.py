"""QT_TRANSLATE_NOOP with the type it has: PySide6 declares it to return `object`, yet it hands back
its text unchanged, a `str` that `tr()` then translates. Same name, so Qt's lupdate still finds the
strings it marks."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP as _qt_translate_noop


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return str(_qt_translate_noop(context, text))
