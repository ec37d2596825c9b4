"""The status bar points a library of mostly Chinese text at the Multilingual model, and the link opens
Model Versions (issue 28). Real Debian text: the Chinese FAQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.library import Library
from scripts import quality_sets_cjk
from tests.conftest import index

pytestmark = [pytest.mark.realdata]


def test_the_status_bar_suggests_the_multilingual_model(qtbot, make_window, tmp_path: Path) -> None:
    if not quality_sets_cjk.available().get("zh_faq"):
        pytest.skip("needs the Debian package debian-faq-zh-cn")
    library = Library.open(tmp_path / "library")
    index(library, quality_sets_cjk.zh_faq_set().small(0, 30).write(tmp_path / "zh"))
    window = make_window(library)
    qtbot.waitUntil(window.model_hint.isVisible, timeout=30000)
    assert "Multilingual" in window.model_hint.text()
    assert "%" in window.model_hint.toolTip()
    window.model_hint.linkActivated.emit("models")
    qtbot.waitUntil(lambda: getattr(window, "models_dialog", None) is not None
                    and window.models_dialog.isVisible(), timeout=10000)
    window.models_dialog.close()
